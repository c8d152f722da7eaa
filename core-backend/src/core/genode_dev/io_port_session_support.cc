/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IO_PORT accesses through an IO-port fd of /dev/genode
 * \date   2026-11-21
 *
 * pread/pwrite of 1, 2 or 4 bytes at file offset = port perform one
 * IN/OUT of that width in the kernel.  An access outside the session's
 * range is refused here (reads return all ones, like an absent device)
 * and would be refused by the kernel as well.
 */

/* core includes */
#include <io_port_session_component.h>
#include <genode_dev_core.h>

using namespace Core;


unsigned Io_port_session_component::_in(unsigned short port, unsigned width)
{
	unsigned value = ~0u;

	if (!_in_bounds(port, width))
		return value;

	value = 0;
	long const ret = lx_syscall(SYS_pread64, _fd, &value, width, (long)port);
	if (ret != (long)width) {
		warning("IO_PORT in", width, " ", Hex(port), " failed (", ret, ")");
		return ~0u;
	}
	return value;
}


void Io_port_session_component::_out(unsigned short port, unsigned width,
                                     unsigned value)
{
	if (!_in_bounds(port, width))
		return;

	long const ret = lx_syscall(SYS_pwrite64, _fd, &value, width, (long)port);
	if (ret != (long)width)
		warning("IO_PORT out", width, " ", Hex(port), " failed (", ret, ")");
}


unsigned char Io_port_session_component::inb(unsigned short port)
{
	return (unsigned char)_in(port, 1);
}


unsigned short Io_port_session_component::inw(unsigned short port)
{
	return (unsigned short)_in(port, 2);
}


unsigned Io_port_session_component::inl(unsigned short port)
{
	return _in(port, 4);
}


void Io_port_session_component::outb(unsigned short port, unsigned char value)
{
	_out(port, 1, value);
}


void Io_port_session_component::outw(unsigned short port, unsigned short value)
{
	_out(port, 2, value);
}


void Io_port_session_component::outl(unsigned short port, unsigned value)
{
	_out(port, 4, value);
}
