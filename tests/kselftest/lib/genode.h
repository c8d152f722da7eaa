/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions and resources of /dev/genode beyond what libgenode_dev offers:
 * the raw requests that tests feed with bad arguments, revocation, IRQ
 * fds, DMA buffers and their quota, and the feature bits the tests know.
 * Every function returns 0, an fd or a value, or a negative errno, and
 * prints nothing (irq_info_of() returns a struct).
 */
#ifndef GENODE_TEST_GENODE_H
#define GENODE_TEST_GENODE_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "genode_dev.h"
#include "libgenode_dev.h"
#include "sysfs.h"

#ifndef offsetofend
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
#endif

/* Every feature bit this test suite knows about. */
#define GENODE_TEST_KNOWN_FEATURES \
	(GENODE_FEATURE_REVOKE | GENODE_FEATURE_IOPORT | GENODE_FEATURE_PCI | \
	 GENODE_FEATURE_IOMEM | GENODE_FEATURE_IRQ | GENODE_FEATURE_DMA | \
	 GENODE_FEATURE_ECAM | GENODE_FEATURE_PCI_LIST | \
	 GENODE_FEATURE_IOPORT_BAR | GENODE_FEATURE_IRQ_MSI_MSG | \
	 GENODE_FEATURE_DMA_BELOW_4G | GENODE_FEATURE_IRQ_ACK_WAIT | \
	 GENODE_FEATURE_PLATFORM | GENODE_FEATURE_IOMMU)

/* GENODE_REVOKE of fd through session. */
static inline int genode_revoke(int session, int fd)
{
	struct genode_revoke rv = { .argsz = sizeof(rv), .fd = fd };

	return ioctl(session, GENODE_REVOKE, &rv) ? -errno : 0;
}

/* ---- IO ports ---- */

/*
 * GENODE_IOPORT_REQUEST with any base and size (also those the ABI
 * refuses): 0 and *fd, or -errno with *fd untouched.
 */
static inline int ioport_request(int session, uint32_t base, uint32_t size,
				 int *fd)
{
	struct genode_ioport_request req = {
		.argsz = sizeof(req),
		.base = base,
		.size = size,
		.fd = -1,
		.device_fd = GENODE_NO_DEVICE,
	};

	if (ioctl(session, GENODE_IOPORT_REQUEST, &req))
		return -errno;
	*fd = req.fd;
	return 0;
}

/* One IN of width 1, 2 or 4 at port: the value read, or -errno. */
static inline long ioport_in(int fd, unsigned int port, size_t width)
{
	uint32_t l;
	uint16_t w;
	uint8_t b;
	int ret;

	switch (width) {
	case 1:
		ret = genode_ioport_inb(fd, port, &b);
		return ret ? ret : b;
	case 2:
		ret = genode_ioport_inw(fd, port, &w);
		return ret ? ret : w;
	case 4:
		ret = genode_ioport_inl(fd, port, &l);
		return ret ? ret : (long)l;
	}
	return -EINVAL;
}

/* One OUT of width 1, 2 or 4 at port: 0 or -errno. */
static inline int ioport_out(int fd, unsigned int port, size_t width,
			     uint32_t v)
{
	switch (width) {
	case 1:
		return genode_ioport_outb(fd, port, v);
	case 2:
		return genode_ioport_outw(fd, port, v);
	case 4:
		return genode_ioport_outl(fd, port, v);
	}
	return -EINVAL;
}

static inline struct genode_ioport_op ioport_op_in(uint16_t port,
						   uint8_t width)
{
	return (struct genode_ioport_op){ .port = port, .width = width,
					  .dir = GENODE_IOPORT_IN };
}

static inline struct genode_ioport_op ioport_op_out(uint16_t port,
						    uint8_t width,
						    uint32_t value)
{
	return (struct genode_ioport_op){ .port = port, .width = width,
					  .dir = GENODE_IOPORT_OUT,
					  .value = value };
}

/* GENODE_IOPORT_INFO into *i: 0 or -errno. */
static inline int ioport_info(int fd, struct genode_ioport_info *i)
{
	memset(i, 0, sizeof(*i));
	i->argsz = sizeof(*i);
	return ioctl(fd, GENODE_IOPORT_INFO, i) ? -errno : 0;
}

/* ---- IO memory ---- */

/* GENODE_IOMEM_REQUEST with every field given: a region fd, or -errno. */
static inline int iomem_request(int session, uint32_t flags, uint64_t base,
				uint64_t size, int device_fd, uint32_t bar)
{
	struct genode_iomem_request r = {
		.argsz = sizeof(r),
		.flags = flags,
		.base = base,
		.size = size,
		.device_fd = device_fd,
		.bar = bar,
		.fd = -1,
	};

	if (ioctl(session, GENODE_IOMEM_REQUEST, &r))
		return -errno;
	return r.fd;
}

/*
 * The boot framebuffer's range as GENODE_INFO reports it (its address
 * only to CAP_SYS_RAWIO): 0, -ENOENT for none, or -errno.
 */
static inline int boot_fb(int session, uint64_t *base, uint64_t *size)
{
	struct genode_info i = { .argsz = sizeof(i) };

	if (ioctl(session, GENODE_INFO, &i))
		return -errno;
	if (!(i.platform & GENODE_PLATFORM_FB) || !i.fb_base)
		return -ENOENT;
	*base = i.fb_base;
	*size = i.fb_size;
	return 0;
}

/*
 * The boot framebuffer's range if no kernel driver holds it (vesafb, as
 * with run.sh --fb vesafb): a physical range that GENODE_IOMEM_REQUEST
 * grants without the allow list.  0, -EBUSY if a driver holds it,
 * -ENOENT for none, or -errno.
 */
static inline int boot_fb_free(int session, uint64_t *base, uint64_t *size)
{
	int ret = boot_fb(session, base, size);

	if (ret)
		return ret;
	return proc_iomem_has("vesafb") ? -EBUSY : 0;
}

/*
 * Map all of a region; *regs is its first byte (info->page_offset into
 * the mapping).  0 or -errno.
 */
static inline int iomem_map(int region, struct genode_iomem_info *info,
			    volatile uint32_t **regs)
{
	void *p;
	int ret = genode_iomem_map(region, &p, info);

	if (ret)
		return ret;
	*regs = (volatile uint32_t *)((char *)p + info->page_offset);
	return 0;
}

/*
 * Request BAR bar of the claimed device dev with flags (GENODE_IOMEM_WC)
 * and map it: the region fd, *info and *regs; or -errno.
 */
static inline int iomem_map_bar(int session, int dev, unsigned int bar,
				uint32_t flags, struct genode_iomem_info *info,
				volatile uint32_t **regs)
{
	int fd = genode_iomem_request_bar(session, dev, bar, flags);
	int ret;

	if (fd < 0)
		return fd;
	ret = iomem_map(fd, info, regs);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Undo iomem_map(). */
static inline int iomem_unmap(volatile uint32_t *regs,
			      const struct genode_iomem_info *info)
{
	return munmap((char *)regs - info->page_offset, info->map_size) ?
	       -errno : 0;
}

/* 32- and 64-bit registers at a byte offset. */
static inline uint32_t mmio_read32(volatile void *base, unsigned int off)
{
	return *(volatile uint32_t *)((volatile char *)base + off);
}

static inline void mmio_write32(volatile void *base, unsigned int off,
				uint32_t v)
{
	*(volatile uint32_t *)((volatile char *)base + off) = v;
}

static inline void mmio_write64(volatile void *base, unsigned int off,
				uint64_t v)
{
	*(volatile uint64_t *)((volatile char *)base + off) = v;
}


/* ---- IRQs ---- */

/* Does fd become readable (POLLIN) within ms?  1, 0 or -errno. */
static inline int irq_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, ms);

	if (n < 0)
		return -errno;
	return n == 1 && (p.revents & POLLIN);
}

/*
 * The count of the next interrupts, waiting at most ms: the count, 0 on
 * timeout, or -errno.
 */
static inline int64_t irq_wait_count(int fd, int ms)
{
	uint64_t n;
	ssize_t r;
	int ret = irq_readable(fd, ms);

	if (ret <= 0)
		return ret;
	r = read(fd, &n, sizeof(n));
	if (r < 0)
		return -errno;
	return r == sizeof(n) ? (int64_t)n : -EIO;
}

/*
 * GENODE_IRQ_INFO as a value, for use in an expression: every bit of it
 * set when the request fails.
 */
static inline struct genode_irq_info irq_info_of(int fd)
{
	struct genode_irq_info info;

	if (genode_irq_info(fd, &info))
		memset(&info, 0xff, sizeof(info));
	return info;
}

/* One read() of an IRQ fd in a thread of its own (irq_read_thread()). */
struct irq_reader {
	int fd;
	volatile int done;
	ssize_t ret;
	int err;
	uint64_t count;
};

static inline void *irq_read_thread(void *arg)
{
	struct irq_reader *r = arg;

	r->ret = read(r->fd, &r->count, sizeof(r->count));
	r->err = errno;
	r->done = 1;
	return NULL;
}

/* ---- DMA buffers ---- */

/* Are all len bytes at p v? */
static inline bool all_bytes(const unsigned char *p, size_t len,
			     unsigned char v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * GENODE_DMA_ALLOC for device_fd (or GENODE_NO_DEVICE) with flags, the
 * whole answer in *a: the buffer fd, or -errno.
 */
static inline int dma_alloc_flags(int session, uint64_t size, uint32_t cache,
				  int device_fd, uint32_t flags,
				  struct genode_dma_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->argsz = sizeof(*a);
	a->size = size;
	a->cache = cache;
	a->device_fd = device_fd;
	a->flags = flags;
	a->fd = -1;
	return ioctl(session, GENODE_DMA_ALLOC, a) ? -errno : a->fd;
}

static inline int dma_alloc(int session, uint64_t size, uint32_t cache,
			    int device_fd, struct genode_dma_alloc *a)
{
	return dma_alloc_flags(session, size, cache, device_fd, 0, a);
}

/* The bytes of the session's DMA quota in use, or -errno. */
static inline int64_t dma_quota_used(int session)
{
	uint64_t limit, used;
	int ret = genode_dma_quota(session, &limit, &used);

	return ret ? ret : (int64_t)used;
}

/* ---- IOMMU domains ---- */

/* GENODE_IOMMU_DOMAIN_ALLOC for the claimed device dev: the fd, or -errno. */
static inline int domain_alloc(int session, int dev,
			       struct genode_iommu_domain_alloc *a)
{
	memset(a, 0, sizeof(*a));
	return genode_iommu_domain_alloc(session, dev, a);
}

/* GENODE_IOMMU_ATTACH (attach 1) or _DETACH of dev: 0 or -errno. */
static inline int domain_attach(int domain, int dev, int attach)
{
	return attach ? genode_iommu_attach(domain, dev) :
			genode_iommu_detach(domain, dev);
}

/*
 * GENODE_IOMMU_MAP of [offset, offset + size) of DMA buffer buf at iova,
 * flags GENODE_IOMMU_MAP_*: 0 or -errno.
 */
static inline int domain_map(int domain, int buf, uint64_t offset,
			     uint64_t size, uint64_t iova, uint32_t flags)
{
	return genode_iommu_map(domain, buf, offset, size, iova, flags);
}

/* GENODE_IOMMU_UNMAP: 0 or -errno. */
static inline int domain_unmap(int domain, uint64_t iova, uint64_t size)
{
	return genode_iommu_unmap(domain, iova, size);
}

#endif
