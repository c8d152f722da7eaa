/*
 * \brief  IO_PORT service of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * Each session holds an IO-port fd for exactly its range.  /dev/genode
 * refuses ports a kernel driver holds unless the administrator allows
 * them (module parameter "allow=io:..."), and the range shows as "genode"
 * in /proc/ioports while the session lives.
 */

/* Genode includes */
#include <util/arg_string.h>

/* core includes */
#include <io_port_session_component.h>
#include <genode_dev_core.h>

using namespace Core;


Io_port_session_component::Io_port_session_component(Range_allocator &io_port_alloc,
                                                     const char *args)
:
	_io_port_range(io_port_alloc.alloc_addr(
		uint16_t(Arg_string::find_arg(args, "io_port_size").ulong_value(0)),
		uint16_t(Arg_string::find_arg(args, "io_port_base").ulong_value(0))))
{
	_io_port_range.with_result(
		[&] (Range_allocator::Allocation const &a) {

			int const session = Genode_dev::session();
			if (session < 0)
				return;

			genode_ioport_request req { };
			req.argsz = sizeof(req);
			req.base  = (__u32)addr_t(a.ptr);
			req.size  = (__u32)a.num_bytes;

			int const ret = Genode_dev::ioctl(session, GENODE_IOPORT_REQUEST, &req);
			if (ret < 0) {
				/* -EBUSY: a kernel driver holds them and they are not allowed */
				error("IO_PORT [", Hex(req.base), ",", Hex(req.base + req.size),
				      ") refused by /dev/genode (", ret, ")");
				return;
			}
			_fd = req.fd;
		},
		[&] (Alloc_error) {
			error("IO_PORT range not available in core's allocator"); });
}


Io_port_session_component::~Io_port_session_component()
{
	Genode_dev::release(_fd);
}
