/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IO_MEM service of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * The dataspace of an IO_MEM session is one of three things, by address:
 *
 *  - the ECAM page of a PCI function of the "devices" ROM: a shadow of its
 *    config space, committed when the session closes (pci_function.h);
 *  - inside a memory BAR of such a function: a region fd of the whole BAR
 *    (GENODE_IOMEM_BAR), since the claim holds the BAR's physical range;
 *  - else a physical range: a region fd of /dev/genode for it.
 *
 * A region fd's own mmap applies the cache attribute (uncached, or
 * write-combined for "wc=yes"), because no cache information reaches the
 * component that maps the fd.  It maps the pages the range touches,
 * starting with the page that holds "base"; the component adds base's
 * offset in that page, as Attached_io_mem_dataspace does.  The dataspace's
 * capability owns the fd and closes it.
 */

/* Genode includes */
#include <util/arg_string.h>

/* core includes */
#include <io_mem_session_component.h>
#include <genode_dev_core.h>
#include <pci_function.h>

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

	addr_t const base = get_arg_phys(args);
	size_t const size = Arg_string::find_arg(args, "size").ulong_value(0);
	bool   const wc   = get_arg_wc(args) == WRITE_COMBINED;

	genode_iomem_request req { };
	req.argsz = sizeof(req);
	req.flags = wc ? GENODE_IOMEM_WC : 0;
	req.base  = base;
	req.size  = size;
	req.device_fd = GENODE_NO_DEVICE;

	bool   in_config_window = false;
	addr_t bar_start        = 0;
	Genode_dev::with_pci_functions([&] (Genode_dev::Pci_functions &functions) {

		in_config_window = functions.config_window(base);
		if (in_config_window) {
			functions.with_config(base, [&] (Genode_dev::Pci_function &f) {
				if (size > PAGE) return;
				_config = true;
				_fd = f.shadow_fd();
			});
			return;
		}

		functions.with_bar(base, size, [&] (Genode_dev::Pci_function &f, unsigned bar) {
			bar_start     = (addr_t)f.bar(bar).addr;
			req.flags    |= GENODE_IOMEM_BAR;
			req.base      = 0;
			req.size      = 0;
			req.device_fd = f.device_fd();
			req.bar       = bar;
		});
	});

	/*
	 * A BAR region maps from the BAR's first page on, and the component
	 * maps the dataspace as if it started at base's page
	 */
	if ((req.flags & GENODE_IOMEM_BAR) && (base & ~(PAGE - 1)) != (bar_start & ~(PAGE - 1))) {
		error("IO_MEM [", Hex(base), ",", Hex(base + size), "): inside BAR ",
		      req.bar, " at ", Hex(bar_start), ", but not in its first page; "
		      "ask for the BAR from its start");
		return;
	}

	if (in_config_window) {
		if (_fd < 0) {
			error("IO_MEM [", Hex(base), ",", Hex(base + size), "): no config "
			      "page of a PCI function of /dev/genode (", _fd, ")");
			return;
		}
		_ds.fd(_fd);
		_ds_cap = static_cap_cast<Io_mem_dataspace>(
			static_cap_cast<Dataspace>(_ds_ep.manage(&_ds)));
		return;
	}

	int const ret = Genode_dev::ioctl(session, GENODE_IOMEM_REQUEST, &req);
	if (ret < 0) {
		/*
		 * -EBUSY: a kernel driver holds the range or the firmware
		 * reserved it (the administrator may allow it, module parameter
		 * "allow"), another session has it, or it is in a BAR of a PCI
		 * function that is not claimed;
		 * -EPERM: System RAM, the interrupt address range, kernel
		 * lockdown, or core lacks CAP_SYS_RAWIO;
		 * -EINVAL: write-combined for the BAR of an MSI-X table.
		 */
		error("IO_MEM [", Hex(base), ",", Hex(base + size), ")",
		      (req.flags & GENODE_IOMEM_BAR) ? " (a BAR)" : "",
		      " refused by /dev/genode (", ret, ")");
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

	if (_config) {
		/* what the platform driver wrote goes to the device now */
		Genode_dev::with_pci_functions([&] (Genode_dev::Pci_functions &functions) {
			functions.with_config(_ds.phys_addr(),
				[&] (Genode_dev::Pci_function &f) { f.commit(); }); });
		return;
	}

	/*
	 * Zaps the component's mappings and releases the range; the fd is
	 * closed with the dataspace's capability
	 */
	if (_fd >= 0)
		(void)Genode_dev::revoke(_fd);
}


Io_mem_dataspace_capability Io_mem_session_component::dataspace()
{
	return _ds_cap;
}
