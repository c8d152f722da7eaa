/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IO_PORT session of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * Shadows core's header of the same name (this repository's include
 * directory comes first): the same interface, but the ports are reached
 * through an IO-port fd of /dev/genode instead of iopl(3) for all of core.
 */

#ifndef _CORE__INCLUDE__IO_PORT_SESSION_COMPONENT_H_
#define _CORE__INCLUDE__IO_PORT_SESSION_COMPONENT_H_

/* Genode includes */
#include <base/allocator.h>
#include <base/rpc_server.h>
#include <io_port_session/io_port_session.h>

/* core includes */
#include <types.h>

namespace Core { struct Io_port_session_component; }


struct Core::Io_port_session_component : Rpc_object<Io_port_session>
{
	/*
	 * The range, as asked for.  base-linux core has no IO-port allocator
	 * (its io_port_alloc() must never be called): /dev/genode itself keeps
	 * ranges exclusive and answers EBUSY for a range that is taken.
	 */
	unsigned const _base;
	unsigned const _size;

	int _fd = -1;  /* IO-port fd of /dev/genode, or -1 */

	bool _in_bounds(unsigned short addr, unsigned width) const
	{
		return _fd >= 0 && addr >= _base && addr + width <= _base + _size;
	}

	unsigned _in (unsigned short port, unsigned width);
	void     _out(unsigned short port, unsigned width, unsigned value);

	/*
	 * Noncopyable
	 */
	Io_port_session_component(Io_port_session_component const &);
	Io_port_session_component &operator = (Io_port_session_component const &);

	/**
	 * Constructor
	 *
	 * \param io_port_alloc  IO_PORT region allocator (not used, see above)
	 * \param args           session construction arguments, in
	 *                       particular port base and size
	 */
	Io_port_session_component(Range_allocator &io_port_alloc, const char *args);

	~Io_port_session_component();


	/*******************************
	 ** Io-port session interface **
	 *******************************/

	unsigned char  inb(unsigned short) override;
	unsigned short inw(unsigned short) override;
	unsigned       inl(unsigned short) override;

	void outb(unsigned short, unsigned char)  override;
	void outw(unsigned short, unsigned short) override;
	void outl(unsigned short, unsigned)       override;
};

#endif /* _CORE__INCLUDE__IO_PORT_SESSION_COMPONENT_H_ */
