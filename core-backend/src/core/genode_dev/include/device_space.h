/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  The address space of a device PD: an IOMMU domain of /dev/genode
 * \date   2026-12-02
 *
 * Genode's platform driver, told by platform_info that the kernel owns
 * the IOMMU (iommu="true", see pci_function.h), makes a device PD per
 * platform session and uses three calls of it (Kernel_io_mmu):
 *
 *  - attach of the IO_MEM dataspace of a function's config page, then
 *    Pd_session::assign_pci(at, rid) with the address it got: the config
 *    page is the proof that the session holds the function.  Core
 *    attaches the function to the domain (GENODE_IOMMU_ATTACH; from the
 *    domain of another device PD first, the platform driver never
 *    detaches), after the domain is allocated for the first function;
 *  - Pd_session::attach_dma(ds, iova) of a RAM dataspace whose DMA
 *    address core was asked for (a DMA buffer of /dev/genode, see
 *    dataspace_component.h): GENODE_IOMMU_MAP of the whole buffer at that
 *    IOVA, for the device to read and write.  Before the first
 *    assign_pci there is no domain yet: the mapping waits, with an fd of
 *    its own of the buffer, and is made when the domain is;
 *  - detach(iova): GENODE_IOMMU_UNMAP, which returns once the IOTLB no
 *    longer holds the range.
 *
 * The module keeps a mapped buffer's memory until it is unmapped, even
 * after its dataspace is freed.  When the device PD goes, core revokes
 * the domain: the module turns bus mastering of its devices off,
 * detaches them (their groups go back to the kernel's DMA API), removes
 * every mapping and only then releases the pages.
 */

#ifndef _CORE__INCLUDE__DEVICE_SPACE_H_
#define _CORE__INCLUDE__DEVICE_SPACE_H_

/* Genode includes */
#include <region_map/region_map.h>
#include <pd_session/pd_session.h>

/* core includes */
#include <genode_dev_core.h>

namespace Core {

	class Dataspace_component;

	namespace Genode_dev { class Device_space; }
}


class Core::Genode_dev::Device_space : Noncopyable
{
	public:

		using Attr              = Region_map::Attr;
		using Attach_result     = Region_map::Attach_result;
		using Attach_error      = Region_map::Attach_error;
		using Attach_dma_result = Pd_session::Attach_dma_result;
		using Attach_dma_error  = Pd_session::Attach_dma_error;

		/* mappings and config pages per device PD */
		static constexpr unsigned MAX_REGIONS = 256;

	private:

		struct Region
		{
			addr_t at;
			size_t size;
			addr_t config;   /* a config page's ECAM address, or 0 */
			int    pending;  /* an fd of a buffer to map, or -1 */
			bool   used;
		};

		addr_t const _base;
		addr_t const _last;              /* inclusive */
		int          _domain_fd = -1;
		Region       _regions[MAX_REGIONS] { };

		Region *_containing(addr_t);
		bool    _free(addr_t at, size_t size) const;
		Region *_slot();
		int     _map(Region &, int dma_fd);
		int     _domain_for(int device_fd);

	public:

		Device_space(addr_t base, size_t size)
		: _base(base), _last(base + size - 1) { }

		~Device_space();

		/**
		 * Attach a function's config page (nothing else is attached to a
		 * device PD)
		 */
		Attach_result attach(Dataspace_component &, Attr const &);

		Attach_dma_result attach_dma(Dataspace_component &, addr_t at);

		void detach(addr_t at);

		/**
		 * Attach the function whose config page is attached at at and
		 * whose requester ID is rid to the domain
		 */
		bool assign_pci(addr_t at, uint16_t rid);
};

#endif /* _CORE__INCLUDE__DEVICE_SPACE_H_ */
