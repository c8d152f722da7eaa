/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Region-map client of base-linux: local region maps, and core's
 * \date   2026-12-02
 *
 * Takes the place of base-linux's region_map_client.cc in the base
 * library (lib/mk/base-linux-common.mk of this repository).  On Linux a
 * component's region maps are its own (a local capability: a pointer to
 * the process-local object), and base-linux's client only calls that
 * object.  The one region map that lives in core is the address space of
 * a device PD, which Genode's platform driver uses where core maps DMA
 * through an IOMMU (src/core/genode_dev/include/device_space.h): a real
 * capability, reached by RPC.
 */

/* Genode includes */
#include <region_map/client.h>

/* base-internal includes */
#include <base/internal/local_capability.h>

using namespace Genode;


/**
 * The locally implemented region map, or nullptr for one in core
 */
static Region_map *_local(Capability<Region_map> cap)
{
	if (!cap.valid() || !local(cap))
		return nullptr;

	return Local_capability<Region_map>::deref(cap);
}


Region_map_client::Region_map_client(Capability<Region_map> session)
: Rpc_client<Region_map>(session) { }


Region_map::Attach_result
Region_map_client::attach(Dataspace_capability ds, Attr const &attr)
{
	if (Region_map * const rm = _local(rpc_cap()))
		return rm->attach(ds, attr);

	return call<Rpc_attach>(ds, attr);
}


void Region_map_client::detach(addr_t at)
{
	if (Region_map * const rm = _local(rpc_cap()))
		return rm->detach(at);

	call<Rpc_detach>(at);
}


/*
 * On Linux, page faults are never reflected to the user land: the kernel
 * handles them, and a segmentation fault reaches the handler registered
 * with Cpu_session::exception_handler.
 */
void Region_map_client::fault_handler(Signal_context_capability) { }


Region_map::Fault Region_map_client::fault()
{
	Region_map * const rm = _local(rpc_cap());

	return rm ? rm->fault() : Fault { };
}


Dataspace_capability Region_map_client::dataspace()
{
	Region_map * const rm = _local(rpc_cap());

	return rm ? rm->dataspace() : Dataspace_capability();
}
