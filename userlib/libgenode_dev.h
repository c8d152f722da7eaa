/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libgenode_dev - a small C library over the /dev/genode ioctl ABI
 *
 * Every function returns 0 (or a file descriptor) on success and a
 * negative errno value on failure; errno is left as the failing system
 * call set it.  The library prints nothing.
 */
#ifndef LIBGENODE_DEV_H
#define LIBGENODE_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "genode_dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Open a session on /dev/genode (or on path, when not NULL): an fd, or
 * -errno; -EPROTO when the module speaks another ABI version than this
 * library (GENODE_ABI_VERSION).
 */
int genode_session_open(const char *path);

/* Close a session or resource fd: 0 or -errno. */
int genode_close(int fd);

/* The module's ABI version and feature bits (GENODE_FEATURE_*). */
int genode_query_info(int session, uint32_t *abi_version, uint64_t *features);

/*
 * All of GENODE_INFO into *info, the platform facts included (ACPI root
 * pointer, boot framebuffer, MSI and IOMMU bits): 0, -EOPNOTSUPP from a
 * module without GENODE_FEATURE_PLATFORM, or -errno.
 */
int genode_query_platform(int session, struct genode_info *info);

/*
 * IO ports (GENODE_FEATURE_IOPORT): what Genode core's IO_PORT service
 * needs.  genode_ioport_open() requests the ports [base, base + size) and
 * returns the resource fd; the accessors perform one IN or OUT through it
 * at a port inside that range (aligned to its width); genode_ioport_batch()
 * performs up to GENODE_IOPORT_BATCH_MAX of them in one system call.
 */
int genode_ioport_open(int session, uint16_t base, uint32_t size);

int genode_ioport_inb(int fd, uint16_t port, uint8_t *value);
int genode_ioport_inw(int fd, uint16_t port, uint16_t *value);
int genode_ioport_inl(int fd, uint16_t port, uint32_t *value);
int genode_ioport_outb(int fd, uint16_t port, uint8_t value);
int genode_ioport_outw(int fd, uint16_t port, uint16_t value);
int genode_ioport_outl(int fd, uint16_t port, uint32_t value);

/*
 * Perform ops[0..count) in order; the values read by GENODE_IOPORT_IN
 * operations are stored in their elements.  All or nothing: an invalid
 * operation anywhere fails the call (-EINVAL) before any port is touched.
 */
int genode_ioport_batch(int fd, struct genode_ioport_op *ops, uint32_t count);

/*
 * The IO BAR bar of the claimed PCI device device (GENODE_FEATURE_IOPORT_BAR):
 * an IO-port fd for the whole BAR, or -errno; its first port and its size
 * in *base and *size (each may be NULL).
 */
int genode_ioport_open_bar(int session, int device, unsigned int bar,
			   uint16_t *base, uint32_t *size);

/* The range of an IO-port fd and its GENODE_IOPORT_ATTR_* bits (each may be NULL). */
int genode_ioport_info(int fd, uint16_t *base, uint32_t *size, uint32_t *attrs);
/* ---- PCI devices ---- */

/*
 * Find the index'th PCI function (0 for the first) with vendor and device
 * id in sysfs: 0 and its address, or -ENODEV.
 */
int genode_pci_find(uint16_t vendor, uint16_t device, unsigned int index,
		    uint32_t *domain, uint32_t *bus, uint32_t *devfn);

/* Claim a PCI function: a device fd, or -errno (GENODE_PCI_CLAIM). */
int genode_pci_claim(int session, uint32_t domain, uint32_t bus,
		     uint32_t devfn);

/*
 * The PCI functions that belong to the module, assigned or claimed
 * (GENODE_FEATURE_PCI_LIST): up to max of them into fns (NULL for max 0).
 * Returns how many there are, or -errno.
 */
int genode_pci_list(int session, struct genode_pci_function *fns,
		    uint32_t max);

/* GENODE_PCI_INFO and GENODE_PCI_BAR_INFO into *info. */
int genode_pci_query_info(int device, struct genode_pci_info *info);
int genode_pci_query_bar(int device, unsigned int index,
			 struct genode_pci_bar_info *info);

/* Config space access, width 1, 2 or 4. */
int genode_pci_config_read(int device, uint32_t offset, uint32_t width,
			   uint32_t *value);
int genode_pci_config_write(int device, uint32_t offset, uint32_t width,
			    uint32_t value);

/* Bus mastering on (enable != 0) or off; reset the function. */
int genode_pci_set_bus_master(int device, int enable);
int genode_pci_reset(int device);

/* ---- IO memory ---- */

/* A BAR of a claimed device, or a physical range: a region fd or -errno. */
int genode_iomem_request_bar(int session, int device, unsigned int bar,
			     uint32_t flags);
int genode_iomem_request_phys(int session, uint64_t base, uint64_t size,
			      uint32_t flags);

/* GENODE_IOMEM_INFO into *info. */
int genode_iomem_query(int region, struct genode_iomem_info *info);

/*
 * Map all of a region, shared, readable and writable.  *mapping is the
 * start of the mapping (for munmap() with info->map_size); the region's
 * first byte is at info->page_offset in it.
 */
int genode_iomem_map(int region, void **mapping,
		     struct genode_iomem_info *info);

/*
 * IRQs (GENODE_FEATURE_IRQ).  An IRQ fd counts interrupts until they are
 * read and stays masked (level lines, INTx) until it is acked.
 */

/* An IRQ fd for legacy line gsi, flags GENODE_IRQ_TRIGGER_* and _POLARITY_*. */
int genode_irq_open_line(int session, uint32_t gsi, uint32_t flags);

/*
 * An IRQ fd for the INTx (source GENODE_IRQ_SOURCE_INTX, vector and
 * num_vectors 0) or an MSI or MSI-X vector of a claimed PCI device.
 */
int genode_irq_open_pci(int session, int device_fd, uint32_t source,
			uint32_t vector, uint32_t num_vectors);

/*
 * Wait for interrupts: *count is the number since the last wait.  Blocks
 * unless the fd is O_NONBLOCK (then -EAGAIN); -ENODEV once revoked.
 */
int genode_irq_wait(int irq_fd, uint64_t *count);

/* Acknowledge: re-arm the source. */
int genode_irq_ack(int irq_fd);

/*
 * Acknowledge and wait for the next interrupts in one system call
 * (GENODE_FEATURE_IRQ_ACK_WAIT): 0 and their count in *count, or -errno
 * (-EINTR: the ack is done, wait with genode_irq_wait()).
 */
int genode_irq_ack_wait(int irq_fd, uint64_t *count);

/* Mask or unmask one source (an MSI or MSI-X vector, an exclusive line). */
int genode_irq_mask(int irq_fd);
int genode_irq_unmask(int irq_fd);

/* Signal eventfd for each interrupt instead (-1: stop). */
int genode_irq_set_eventfd(int irq_fd, int eventfd);

/* What the IRQ fd is, and its counters. */
int genode_irq_info(int irq_fd, struct genode_irq_info *info);

/* ---- DMA buffers (GENODE_FEATURE_DMA) ---- */

/*
 * Allocate a DMA buffer of size bytes (rounded up to pages) with a cache
 * attribute (GENODE_DMA_CACHED, _UNCACHED, _WRITE_COMBINED), for the
 * claimed PCI device device_fd or for no device (GENODE_NO_DEVICE).  Returns the buffer
 * fd or -errno.  bus_addr, phys_addr and out_flags (GENODE_DMA_TRANSLATED,
 * _PHYS_WITHHELD, _BUS_WITHHELD) may be NULL.
 */
int genode_dma_alloc(int session, uint64_t size, uint32_t cache,
		     int device_fd, uint64_t *bus_addr, uint64_t *phys_addr,
		     uint32_t *out_flags);

/*
 * genode_dma_alloc() for no device, placed below 4 GiB
 * (GENODE_FEATURE_DMA_BELOW_4G).
 */
int genode_dma_alloc_below_4g(int session, uint64_t size, uint32_t cache,
			      uint64_t *bus_addr, uint64_t *phys_addr,
			      uint32_t *out_flags);

/* Describe a buffer fd (also one received from another process). */
int genode_dma_info(int buffer, struct genode_dma_info *info);

/*
 * Map length bytes of a buffer from offset (both page multiples),
 * shared and readable/writable; *addr receives the mapping.
 */
int genode_dma_map(int buffer, uint64_t offset, size_t length, void **addr);

/* Undo genode_dma_map(). */
int genode_dma_unmap(void *addr, size_t length);

/*
 * Hand a range to the CPU (GENODE_DMA_SYNC_FOR_CPU) or the device
 * (GENODE_DMA_SYNC_FOR_DEVICE), for direction GENODE_DMA_TO_DEVICE,
 * _FROM_DEVICE or _BIDIRECTIONAL.
 */
int genode_dma_sync(int buffer, uint32_t flags, uint64_t offset,
		    uint64_t length, uint32_t direction);

/* The session's DMA quota and use, in bytes; either may be NULL. */
int genode_dma_quota(int session, uint64_t *limit, uint64_t *used);

/*
 * The DMA mask of the claimed device device_fd: it drives bits (24 to 64)
 * address bits; buffers allocated for it afterwards lie below 2^bits.
 */
int genode_dma_set_mask(int session, int device_fd, unsigned int bits);

/*
 * IOMMU domains (GENODE_FEATURE_IOMMU): an I/O address space for the
 * IOMMU of the claimed device device_fd, whose addresses the caller
 * picks.  genode_iommu_domain_alloc() returns the domain fd and fills
 * *info (unless NULL: out_flags, the aperture, the page sizes); attach
 * and detach take a device fd of the domain's session, map a buffer for
 * no device of it ([offset, offset + size) at iova, flags
 * GENODE_IOMMU_MAP_READ and/or _WRITE), unmap exactly one mapping;
 * genode_iommu_domain_info() fills *info with what the domain is and
 * holds now.
 */
int genode_iommu_domain_alloc(int session, int device_fd,
			      struct genode_iommu_domain_alloc *info);
int genode_iommu_attach(int domain, int device_fd);
int genode_iommu_detach(int domain, int device_fd);
int genode_iommu_map(int domain, int buffer, uint64_t offset, uint64_t size,
		     uint64_t iova, uint32_t flags);
int genode_iommu_unmap(int domain, uint64_t iova, uint64_t size);
int genode_iommu_domain_info(int domain, struct genode_iommu_domain_info *info);

#ifdef __cplusplus
}
#endif

#endif /* LIBGENODE_DEV_H */
