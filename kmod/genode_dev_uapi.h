/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi header, with its layouts pinned: a change to a struct that
 * user space already knows breaks the build here, not users.
 */
#ifndef _GENODE_DEV_UAPI_H
#define _GENODE_DEV_UAPI_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <genode_dev.h>

static_assert(sizeof(struct genode_info) == 112);
static_assert(offsetof(struct genode_info, platform) == 40);
static_assert(offsetof(struct genode_info, fb_width) == 88);
static_assert(offsetof(struct genode_info, fb_bpp) == 100);
static_assert(offsetof(struct genode_info, fb_red_pos) == 104);
static_assert(offsetof(struct genode_info, ecam_base) == 24);
static_assert(offsetof(struct genode_info, ecam_segment) == 32);
static_assert(offsetof(struct genode_info, features) == 16);
static_assert(sizeof(struct genode_revoke) == 16);

/* IO ports */
static_assert(sizeof(struct genode_ioport_request) == 32);
static_assert(offsetof(struct genode_ioport_request, device_fd) == 24);
static_assert(offsetof(struct genode_ioport_request, fd) == 16);
static_assert(sizeof(struct genode_ioport_op) == 8);
static_assert(offsetof(struct genode_ioport_op, value) == 4);
static_assert(sizeof(struct genode_ioport_batch) == 24);
static_assert(offsetof(struct genode_ioport_batch, ops) == 8);
static_assert(offsetof(struct genode_ioport_batch, count) == 16);
static_assert(sizeof(struct genode_ioport_info) == 24);
static_assert(offsetof(struct genode_ioport_info, attrs) == 16);

/* IRQs */
static_assert(sizeof(struct genode_irq_request) == 32);
static_assert(offsetof(struct genode_irq_request, device_fd) == 16);
static_assert(offsetof(struct genode_irq_request, fd) == 28);
static_assert(sizeof(struct genode_irq_ack) == 16);
static_assert(offsetof(struct genode_irq_ack, count) == 8);
static_assert(sizeof(struct genode_irq_set_eventfd) == 16);
static_assert(sizeof(struct genode_irq_info) == 88);
static_assert(offsetof(struct genode_irq_info, msi_address) == 72);
static_assert(offsetof(struct genode_irq_info, raised) == 32);
static_assert(offsetof(struct genode_irq_info, pending) == 64);
static_assert(sizeof(struct genode_irq_mask) == 8);
/* PCI devices */
static_assert(sizeof(struct genode_pci_claim) == 24);
static_assert(sizeof(struct genode_pci_function) == 8);
static_assert(sizeof(struct genode_pci_list) == 24);
static_assert(offsetof(struct genode_pci_list, functions) == 16);
static_assert(offsetof(struct genode_pci_claim, fd) == 20);
static_assert(sizeof(struct genode_pci_info) == 48);
static_assert(offsetof(struct genode_pci_info, bus) == 16);
static_assert(offsetof(struct genode_pci_info, vendor) == 20);
static_assert(offsetof(struct genode_pci_info, class_code) == 28);
static_assert(offsetof(struct genode_pci_info, cfg_size) == 40);
static_assert(sizeof(struct genode_pci_bar_info) == 32);
static_assert(offsetof(struct genode_pci_bar_info, addr) == 16);
static_assert(sizeof(struct genode_pci_config) == 24);
static_assert(sizeof(struct genode_pci_bus_master) == 16);
static_assert(sizeof(struct genode_pci_reset) == 8);

static_assert(sizeof(struct genode_iomem_request) == 40);
static_assert(offsetof(struct genode_iomem_request, device_fd) == 24);
static_assert(offsetof(struct genode_iomem_request, fd) == 32);
static_assert(sizeof(struct genode_iomem_info) == 48);
static_assert(offsetof(struct genode_iomem_info, phys) == 16);
static_assert(offsetof(struct genode_iomem_info, page_offset) == 40);

/* DMA buffers */
static_assert(sizeof(struct genode_dma_alloc) == 48);
static_assert(offsetof(struct genode_dma_alloc, cache) == 16);
static_assert(offsetof(struct genode_dma_alloc, fd) == 24);
static_assert(offsetof(struct genode_dma_alloc, bus_addr) == 32);
static_assert(offsetof(struct genode_dma_alloc, phys_addr) == 40);
static_assert(sizeof(struct genode_dma_quota) == 24);
static_assert(sizeof(struct genode_dma_set_mask) == 16);
static_assert(sizeof(struct genode_dma_info) == 40);
static_assert(offsetof(struct genode_dma_info, bus_addr) == 24);
static_assert(sizeof(struct genode_dma_sync) == 32);
static_assert(offsetof(struct genode_dma_sync, direction) == 24);

/* IOMMU domains */
static_assert(sizeof(struct genode_iommu_domain_alloc) == 48);
static_assert(offsetof(struct genode_iommu_domain_alloc, fd) == 12);
static_assert(offsetof(struct genode_iommu_domain_alloc, aperture_start) == 24);
static_assert(offsetof(struct genode_iommu_domain_alloc, pgsize_bitmap) == 40);
static_assert(sizeof(struct genode_iommu_attach) == 16);
static_assert(sizeof(struct genode_iommu_map) == 40);
static_assert(offsetof(struct genode_iommu_map, offset) == 16);
static_assert(offsetof(struct genode_iommu_map, iova) == 32);
static_assert(sizeof(struct genode_iommu_unmap) == 24);
static_assert(sizeof(struct genode_iommu_domain_info) == 56);
static_assert(offsetof(struct genode_iommu_domain_info, aperture_start) == 16);
static_assert(offsetof(struct genode_iommu_domain_info, nr_mappings) == 40);
static_assert(offsetof(struct genode_iommu_domain_info, mapped_bytes) == 48);

#endif /* _GENODE_DEV_UAPI_H */
