/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  PD sessions of base-linux core: assign_pci for device PDs
 * \date   2026-12-02
 *
 * Takes the place of base's pd_session_support.cc, the dummy of kernels
 * without an IOMMU, and differs from it only in assign_pci, which
 * attaches a function to the IOMMU domain of a device PD (see
 * device_space.h).
 */

/* core includes */
#include <pd_session_component.h>

using namespace Core;


bool Pd_session_component::assign_pci(addr_t at, uint16_t rid)
{
	return _address_space.assign_pci(at, rid);
}


/* the device PD's mappings are made by attach_dma already */
Pd_session::Map_result Pd_session_component::map(Pd_session::Virt_range)
{
	return Map_result::OK;
}


namespace {

	struct System_control_dummy : System_control
	{
		Capability<Pd_session::System_control> control_cap(Affinity::Location) const override
		{
			return { };
		}
	};
}


System_control & Core::init_system_control(Runtime &, Allocator &, Rpc_entrypoint &)
{
	static System_control_dummy dummy { };
	return dummy;
}
