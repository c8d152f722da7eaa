/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Platform-specific services of base-linux core on /dev/genode
 * \date   2026-11-21
 *
 * IO_PORT is offered whenever /dev/genode can be opened; each session
 * obtains an IO-port fd for its range, so core needs no iopl(3).  IO_MEM
 * and IRQ are core's generic services, implemented in this directory.
 */

/* Genode includes */
#include <base/service.h>
#include <base/heap.h>

/* core includes */
#include <platform.h>
#include <platform_services.h>
#include <io_port_root.h>
#include <genode_dev_core.h>

using namespace Core;


void Core::platform_add_local_services(Runtime                &runtime,
                                       Rpc_entrypoint         &,
                                       Sliced_heap            &md,
                                       Registry<Service>      &services,
                                       Trace::Source_registry &,
                                       Ram_allocator          &,
                                       Mapped_ram_allocator   &,
                                       Local_rm               &,
                                       Range_allocator        &io_port_ranges)
{
	if (Genode_dev::session() < 0)
		return;

	static Io_port_root io_port_root(runtime, io_port_ranges, md);

	static Core_service<Io_port_session_component> io_port_ls(services, io_port_root);
}
