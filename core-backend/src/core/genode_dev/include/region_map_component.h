/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Region maps of base-linux core, a device PD's an IOMMU domain
 * \date   2026-12-02
 *
 * Shadows base-linux's header of the same name (this repository's include
 * directory comes first) and keeps its interface.  On Linux a component
 * maps its dataspaces itself, so base-linux's core serves region maps as
 * stubs that attach nothing; so does this one, except for the address
 * space of a device PD, which is an IOMMU domain of /dev/genode (see
 * device_space.h).  A device PD is the one PD whose address space has a
 * range: pd_root gives PDs of "virt_space=0" (Pd_connection::Device_pd)
 * [0x1000, 0 - 0x2000), every other PD base-linux's empty virtual range,
 * and stack and linker areas start at 0.
 */

#ifndef _CORE__INCLUDE__REGION_MAP_COMPONENT_H_
#define _CORE__INCLUDE__REGION_MAP_COMPONENT_H_

/* Genode includes */
#include <util/list.h>
#include <base/allocator.h>
#include <base/rpc_server.h>
#include <base/session_label.h>
#include <region_map/region_map.h>

/* core includes */
#include <pager.h>
#include <platform_thread.h>
#include <device_space.h>

namespace Core {

	struct Rm_client;
	struct Rm_member;
	class Region_map_component;
}


class Core::Region_map_component : public Rpc_object<Region_map>,
                                   private List<Region_map_component>::Element
{
	private:

		friend class List<Region_map_component>;

		struct Rm_dataspace_component { void sub_rm(Native_capability) { } };

		Rpc_entrypoint &_ep;
		Allocator      &_md_alloc;
		addr_t const    _base;
		size_t const    _size;

		/* a device PD's domain, made on first use */
		Genode_dev::Device_space *_device = nullptr;

		bool _device_pd() const { return _base != 0 && _size != 0; }

		/**
		 * The device space, made on first use; nullptr when there is no
		 * memory for it
		 */
		Genode_dev::Device_space *_space();

		/*
		 * Noncopyable
		 */
		Region_map_component(Region_map_component const &);
		Region_map_component &operator = (Region_map_component const &);

	public:

		/*
		 * Only a device PD's address space is an RPC object (the platform
		 * driver attaches to it); base-linux's others have no capability.
		 */
		Region_map_component(Rpc_entrypoint &ep, Allocator &md_alloc,
		                     addr_t base, size_t size)
		: _ep(ep), _md_alloc(md_alloc), _base(base), _size(size)
		{
			if (_device_pd())
				_ep.manage(this);
		}

		~Region_map_component();

		void upgrade_ram_quota(size_t) { }

		void add_client(Rm_client &) { }
		void remove_client(Rm_client &) { }

		Attach_result attach(Dataspace_capability, Attr const &) override;

		void detach(addr_t) override;

		void fault_handler(Signal_context_capability) override { }

		Fault fault() override { return { }; }

		Dataspace_capability dataspace() override { return Dataspace_capability(); }

		Rm_dataspace_component *dataspace_component() { return nullptr; }

		void address_space(Platform_pd &) { }

		using Attach_dma_result = Pd_session::Attach_dma_result;

		Attach_dma_result attach_dma(Dataspace_capability, addr_t);

		/**
		 * Pd_session::assign_pci of the PD whose address space this is
		 */
		bool assign_pci(addr_t, uint16_t);
};


struct Core::Rm_client : Pager_object
{
	Rm_client(Cpu_session_capability, Thread_capability,
	          Region_map_component &, unsigned long,
	          Affinity::Location, Cpu_session::Name const &,
	          Session_label const &)
	{ }
};

#endif /* _CORE__INCLUDE__REGION_MAP_COMPONENT_H_ */
