/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IO_PORT service of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * Each session holds an IO-port fd for exactly its range.  /dev/genode
 * refuses ports a kernel driver holds unless the administrator allows
 * them (module parameter "allow=io:..."), and the range shows as "genode"
 * in /proc/ioports while the session lives.  A range inside an IO BAR of
 * a PCI function of the "devices" ROM is that BAR's IO-port fd
 * (GENODE_IOPORT_BAR), since core's claim holds the BAR's ports; its
 * offsets are port numbers as well, and the session's bounds stay its own.
 */

/* Genode includes */
#include <util/arg_string.h>

/* core includes */
#include <io_port_session_component.h>
#include <genode_dev_core.h>
#include <pci_function.h>

using namespace Core;


Io_port_session_component::Io_port_session_component(Range_allocator &,
                                                     const char *args)
:
	_base((unsigned)Arg_string::find_arg(args, "io_port_base").ulong_value(0) & 0xffff),
	_size((unsigned)Arg_string::find_arg(args, "io_port_size").ulong_value(0) & 0x1ffff)
{
	int const session = Genode_dev::session();
	if (session < 0)
		return;

	genode_ioport_request req { };
	req.argsz = sizeof(req);
	req.base  = _base;
	req.size  = _size;
	req.device_fd = GENODE_NO_DEVICE;

	if (Genode_dev::features() & GENODE_FEATURE_IOPORT_BAR)
		Genode_dev::with_pci_functions([&] (Genode_dev::Pci_functions &functions) {
			functions.with_io_bar(_base, _size,
				[&] (Genode_dev::Pci_function &f, unsigned bar) {
					req.flags     = GENODE_IOPORT_BAR;
					req.base      = 0;
					req.size      = 0;
					req.device_fd = f.device_fd();
					req.bar       = bar;
				}); });

	int const ret = Genode_dev::ioctl(session, GENODE_IOPORT_REQUEST, &req);
	if (ret < 0) {
		/*
		 * -EBUSY: another session holds a port of it, or a kernel driver
		 * does and the allow list does not contain the range;
		 * -EPERM: core lacks CAP_SYS_RAWIO, or the kernel is locked down.
		 */
		error("IO_PORT [", Hex(_base), ",", Hex(_base + _size), ")",
		      (req.flags & GENODE_IOPORT_BAR) ? " (a BAR)" : "",
		      " refused by /dev/genode (", ret, ")");
		return;
	}
	_fd = req.fd;
}


Io_port_session_component::~Io_port_session_component()
{
	Genode_dev::release(_fd);
}
