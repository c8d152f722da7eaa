/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  RAM dataspaces of base-linux core, DMA-capable on /dev/genode
 * \date   2026-11-21
 *
 * Shadows base-linux's file of the same name.  A RAM dataspace starts as
 * an anonymous memory file (memfd): zeroed, shared by every component that
 * maps its fd.  When a component that manages the system (the platform
 * driver) asks for the DMA address, dataspace_dma.cc replaces that file by
 * a DMA buffer of /dev/genode; revoking the dataspace revokes the buffer.
 */

/* core includes */
#include <ram_dataspace_factory.h>
#include <dataspace_component.h>
#include <core_linux_syscalls.h>

using namespace Core;


bool Ram_dataspace_factory::_export_ram_ds(Dataspace_component &ds)
{
	unsigned const memfd_cloexec = 1;  /* MFD_CLOEXEC */

	int const fd = (int)lx_syscall(SYS_memfd_create, "genode-ram", memfd_cloexec);
	if (fd < 0) {
		error("RAM dataspace: memfd_create failed (", fd, ")");
		return false;
	}

	int const ret = lx_ftruncate(fd, ds.size());
	if (ret < 0) {
		error("RAM dataspace: ftruncate to ", ds.size(), " failed (", ret, ")");
		lx_syscall(SYS_close, fd);
		return false;
	}

	ds.fd(fd);
	return true;
}


void Ram_dataspace_factory::_revoke_ram_ds(Dataspace_component &ds)
{
	ds.release_dma();
}


/* a fresh memfd and a fresh DMA buffer are both zeroed */
void Ram_dataspace_factory::_clear_ds(Dataspace_component &) { }
