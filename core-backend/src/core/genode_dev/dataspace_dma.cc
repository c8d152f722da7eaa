/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  DMA buffers of /dev/genode as RAM dataspaces of base-linux core
 * \date   2026-11-21
 *
 * See include/dataspace_component.h for when this happens.  The buffer is
 * made for no particular device (GENODE_NO_DEVICE): its bus address is its
 * physical address, right for devices that no IOMMU translates, and it
 * lies below 4 GiB, where Genode's platform driver expects DMA.  Where an
 * IOMMU translates (platform_info iommu="true"), the platform driver maps
 * it into a device PD at an IOVA of its own (device_space.h), and the
 * buffer may lie anywhere.  It is
 * zeroed, mapped with the dataspace's cache attribute by its own mmap,
 * and counts against the DMA quota of core's /dev/genode session (module
 * parameter dma_quota_mb).
 */

/* core includes */
#include <dataspace_component.h>
#include <genode_dev_core.h>
#include <pci_function.h>

using namespace Core;


static __u32 genode_dev_cache(Cache cache)
{
	switch (cache) {
	case UNCACHED:       return GENODE_DMA_UNCACHED;
	case WRITE_COMBINED: return GENODE_DMA_WRITE_COMBINED;
	case CACHED:         break;
	}
	return GENODE_DMA_CACHED;
}


addr_t Dataspace_component::_dma_bus_addr()
{
	if (_dma == Dma::BUFFER)
		return _bus_addr;
	if (_dma != Dma::NONE)
		return 0;

	_dma = Dma::FAILED;

	/*
	 * A component may have mapped the memfd already; what it wrote there
	 * would not be in the buffer, and its mapping would not reach it.
	 */
	if (_fd_handed_out) {
		error("RAM dataspace: DMA address asked for after the dataspace "
		      "was mapped; no DMA buffer");
		return 0;
	}

	int const session = Genode_dev::session();
	if (session < 0)
		return 0;

	genode_dma_alloc req { };
	req.argsz     = sizeof(req);
	req.size      = _size;
	req.cache     = genode_dev_cache(_cache);
	req.device_fd = GENODE_NO_DEVICE;
	/* the platform driver's DMA window is [0x1000, 4 GiB) */
	bool iommu = false;
	Genode_dev::with_pci_functions([&] (Genode_dev::Pci_functions &f) { iommu = f.iommu(); });
	if (!iommu && (Genode_dev::features() & GENODE_FEATURE_DMA_BELOW_4G))
		req.flags = GENODE_DMA_ALLOC_BELOW_4G;

	int const ret = Genode_dev::ioctl(session, GENODE_DMA_ALLOC, &req);
	if (ret < 0) {
		/* -EDQUOT: the DMA quota (dma_quota_mb) is used up */
		error("RAM dataspace: DMA buffer of ", _size, " bytes refused "
		      "by /dev/genode (", ret, ")");
		return 0;
	}

	if (req.out_flags & GENODE_DMA_BUS_WITHHELD) {
		error("RAM dataspace: /dev/genode withholds the bus address "
		      "(core lacks CAP_SYS_RAWIO)");
		Genode_dev::release(req.fd);
		return 0;
	}

	/* the memfd goes with its capability */
	fd(req.fd);
	_dma_fd   = req.fd;
	_bus_addr = (addr_t)req.bus_addr;
	_dma      = Dma::BUFFER;
	return _bus_addr;
}


void Dataspace_component::release_dma()
{
	/* the fd itself is closed with the capability */
	if (_dma == Dma::BUFFER)
		(void)Genode_dev::revoke(_dma_fd);

	_dma = Dma::RELEASED;
}
