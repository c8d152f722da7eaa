/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IO_MEM service of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * The dataspace of an IO_MEM session is a region fd of /dev/genode.  Its
 * own mmap applies the cache attribute (uncached, or write-combined for
 * "wc=yes"), because no cache information reaches the component that maps
 * the fd.  The fd maps the pages the range touches, starting with the page
 * that holds "base"; the component adds base's offset in that page, as
 * Attached_io_mem_dataspace does.
 */

/* Genode includes */
#include <util/arg_string.h>

/* core includes */
#include <io_mem_session_component.h>
#include <genode_dev_core.h>

using namespace Core;


static constexpr size_t PAGE = 4096;


size_t Io_mem_session_component::get_arg_size(const char *args)
{
	size_t const size = Arg_string::find_arg(args, "size").ulong_value(0);
	addr_t const base = Arg_string::find_arg(args, "base").ulong_value(0);

	addr_t const first = base & ~(PAGE - 1);
	addr_t const end   = (base + size + PAGE - 1) & ~(PAGE - 1);
	return (size_t)(end - first);
}


addr_t Io_mem_session_component::get_arg_phys(const char *args)
{
	return Arg_string::find_arg(args, "base").ulong_value(0);
}


Cache Io_mem_session_component::get_arg_wc(const char *args)
{
	return Arg_string::find_arg(args, "wc").bool_value(false)
	       ? WRITE_COMBINED : UNCACHED;
}


Io_mem_session_component::Io_mem_session_component(Range_allocator &io_mem_alloc,
                                                   Range_allocator &,
                                                   Rpc_entrypoint  &ds_ep,
                                                   const char      *args)
:
	_io_mem_alloc(io_mem_alloc),
	_ds(get_arg_size(args), 0, get_arg_phys(args), get_arg_wc(args), true, 0),
	_ds_ep(ds_ep),
	_ds_cap(Io_mem_dataspace_capability())
{
	int const session = Genode_dev::session();
	if (session < 0)
		return;

	genode_iomem_request req { };
	req.argsz = sizeof(req);
	req.flags = (get_arg_wc(args) == WRITE_COMBINED) ? GENODE_IOMEM_WC : 0;
	req.base  = get_arg_phys(args);
	req.size  = Arg_string::find_arg(args, "size").ulong_value(0);

	int const ret = Genode_dev::ioctl(session, GENODE_IOMEM_REQUEST, &req);
	if (ret < 0) {
		/*
		 * -EBUSY: a kernel driver holds the range (the administrator may
		 * allow it, module parameter "allow") or another session has it;
		 * -EPERM: System RAM, kernel lockdown, or core lacks CAP_SYS_RAWIO.
		 */
		error("IO_MEM [", Hex(req.base), ",", Hex(req.base + req.size),
		      ") refused by /dev/genode (", ret, ")");
		return;
	}

	_fd = req.fd;
	_ds.fd(_fd);
	_ds_cap = static_cap_cast<Io_mem_dataspace>(
		static_cap_cast<Dataspace>(_ds_ep.manage(&_ds)));
}


Io_mem_session_component::~Io_mem_session_component()
{
	if (_ds_cap.valid())
		_ds_ep.dissolve(&_ds);

	/* zaps the component's mappings and releases the range */
	Genode_dev::release(_fd);
}


Io_mem_dataspace_capability Io_mem_session_component::dataspace()
{
	return _ds_cap;
}
