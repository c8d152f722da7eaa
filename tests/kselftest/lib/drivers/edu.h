/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu device (hw/misc/edu.c): its ids, the registers of its BAR0,
 * and what the tests do with them: find and claim it, map BAR0, check
 * identity and liveness, compute factorials, raise and acknowledge its
 * interrupt, DMA between RAM and its 4 KiB buffer (started, or waited
 * for).  The functions on the registers are plain MMIO (no system call
 * but clock_gettime() and usleep()), so that they work in a process
 * confined by seccomp.  Every function returns 0 or a value, or a
 * negative errno, and prints nothing.
 */
#ifndef GENODE_TEST_EDU_H
#define GENODE_TEST_EDU_H

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "../genode.h"
#include "../pci.h"
#include "../timing.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_BAR0_SIZE		(1u << 20)

/* BAR0 */
#define EDU_ID			0x00	/* 0xRRrr00ed: major, minor */
#define  EDU_ID_VALUE		0x010000ed
#define EDU_LIVENESS		0x04	/* reads back inverted */
#define EDU_FACTORIAL		0x08
#define EDU_STATUS		0x20
#define  EDU_STATUS_COMPUTING	0x01
#define  EDU_STATUS_IRQ_FACT	0x80	/* raise EDU_IRQ_FACT when done */
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64
#define  EDU_IRQ_FACT		0x001
#define  EDU_IRQ_DMA		0x100
#define EDU_DMA_SRC		0x80	/* 64 bits */
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_DMA_START		0x1	/* clear again when done */
#define  EDU_DMA_TO_RAM		0x2	/* else from RAM to the buffer */
#define  EDU_DMA_IRQ		0x4	/* raise EDU_IRQ_DMA when done */
#define EDU_BUF			0x40000	/* the buffer's device address */
#define EDU_BUF_SIZE		4096
#define EDU_DMA_BITS		28

/* The index'th edu in address order: 0 and its address, or -ENODEV. */
static inline int edu_find(unsigned int index, struct pci_addr *a)
{
	return pci_find(EDU_VENDOR, EDU_DEVICE, index, a);
}

/* Claim it: the device fd, or -errno. */
static inline int edu_claim(int session, const struct pci_addr *a)
{
	return pci_claim(session, a);
}

/*
 * Request BAR0 of the claimed edu dev with flags (GENODE_IOMEM_WC) and
 * map it: the region fd, *info and *regs; or -errno.
 */
static inline int edu_map_bar0(int session, int dev, uint32_t flags,
			       struct genode_iomem_info *info,
			       volatile uint32_t **regs)
{
	return iomem_map_bar(session, dev, 0, flags, info, regs);
}

/* One edu of a session: claimed, BAR0 mapped, mask set. */
struct edu {
	struct pci_addr addr;
	int dev;
	int bar_fd;
	struct genode_iomem_info bar_info;
	volatile uint32_t *bar;
};

/*
 * Claim the index'th edu for session, map its BAR0 and set its DMA mask
 * to EDU_DMA_BITS: 0 or -errno (what was done stays for edu_close()).
 */
static inline int edu_open(int session, unsigned int index, struct edu *e)
{
	int ret;

	e->dev = e->bar_fd = -1;
	e->bar = NULL;
	ret = edu_find(index, &e->addr);
	if (ret)
		return ret;
	e->dev = edu_claim(session, &e->addr);
	if (e->dev < 0)
		return e->dev;
	e->bar_fd = edu_map_bar0(session, e->dev, 0, &e->bar_info, &e->bar);
	if (e->bar_fd < 0)
		return e->bar_fd;
	return genode_dma_set_mask(session, e->dev, EDU_DMA_BITS);
}

/* Undo edu_open() (or what of it was done): BAR0, then the device. */
static inline void edu_close(struct edu *e)
{
	if (e->bar)
		iomem_unmap(e->bar, &e->bar_info);
	e->bar = NULL;
	if (e->bar_fd >= 0)
		close(e->bar_fd);
	e->bar_fd = -1;
	if (e->dev >= 0)
		close(e->dev);
	e->dev = -1;
}

static inline uint32_t edu_read(volatile uint32_t *regs, unsigned int reg)
{
	return regs[reg / 4];
}

static inline void edu_write(volatile uint32_t *regs, unsigned int reg,
			     uint32_t v)
{
	regs[reg / 4] = v;
}

/*
 * n! (edu computes it in a thread; polled every 100 us): the value, or
 * -ETIMEDOUT after timeout_ms.
 */
static inline int64_t edu_factorial(volatile uint32_t *regs, uint32_t n,
				    unsigned int timeout_ms)
{
	double end = now_s() + timeout_ms / 1e3;

	edu_write(regs, EDU_FACTORIAL, n);
	while (edu_read(regs, EDU_STATUS) & EDU_STATUS_COMPUTING) {
		if (now_s() > end)
			return -ETIMEDOUT;
		usleep(100);
	}
	return edu_read(regs, EDU_FACTORIAL);
}

/*
 * Identity, liveness and two factorials: 0, or -ENODEV (not edu),
 * -EIO (liveness), -ETIMEDOUT or -ERANGE (a factorial).
 */
static inline int edu_check(volatile uint32_t *regs)
{
	int64_t f;

	if ((edu_read(regs, EDU_ID) & 0xff) != 0xed)
		return -ENODEV;
	edu_write(regs, EDU_LIVENESS, 0x12345678);
	if (edu_read(regs, EDU_LIVENESS) != (uint32_t)~0x12345678u)
		return -EIO;
	edu_write(regs, EDU_LIVENESS, 0);
	if (edu_read(regs, EDU_LIVENESS) != 0xffffffffu)
		return -EIO;
	f = edu_factorial(regs, 5, 5000);
	if (f != 120)
		return f < 0 ? (int)f : -ERANGE;
	f = edu_factorial(regs, 10, 5000);
	if (f != 3628800)
		return f < 0 ? (int)f : -ERANGE;
	return 0;
}

/* The interrupt: raise causes, read and acknowledge them. */
static inline void edu_irq_raise(volatile uint32_t *regs, uint32_t cause)
{
	edu_write(regs, EDU_IRQ_RAISE, cause);
}

static inline uint32_t edu_irq_status(volatile uint32_t *regs)
{
	return edu_read(regs, EDU_IRQ_STATUS);
}

static inline void edu_irq_ack(volatile uint32_t *regs, uint32_t cause)
{
	edu_write(regs, EDU_IRQ_ACK, cause);
}

/*
 * Start a DMA of count bytes from src to dst (bus addresses, one of them
 * in EDU_BUF), cmd EDU_DMA_TO_RAM and EDU_DMA_IRQ or 0.
 */
static inline void edu_dma_start(volatile uint32_t *regs, uint64_t src,
				 uint64_t dst, uint64_t count, uint32_t cmd)
{
	mmio_write64(regs, EDU_DMA_SRC, src);
	mmio_write64(regs, EDU_DMA_DST, dst);
	mmio_write64(regs, EDU_DMA_COUNT, count);
	mmio_write64(regs, EDU_DMA_CMD, EDU_DMA_START | cmd);
}

/* From RAM at bus into edu's buffer at off. */
static inline void edu_dma_to_edu(volatile uint32_t *regs, uint64_t bus,
				  unsigned int off, uint64_t count,
				  uint32_t cmd)
{
	edu_dma_start(regs, bus, EDU_BUF + off, count, cmd & ~EDU_DMA_TO_RAM);
}

/* From edu's buffer at off to RAM at bus. */
static inline void edu_dma_to_ram(volatile uint32_t *regs, unsigned int off,
				  uint64_t bus, uint64_t count, uint32_t cmd)
{
	edu_dma_start(regs, EDU_BUF + off, bus, count, cmd | EDU_DMA_TO_RAM);
}

/* The command register: EDU_DMA_START is set while a transfer runs. */
static inline uint32_t edu_dma_cmd(volatile uint32_t *regs)
{
	return edu_read(regs, EDU_DMA_CMD);
}

/*
 * One transfer without interrupt, waited for (polled every ms): from RAM
 * at bus into the buffer at off, or back (to_ram).  A transfer takes
 * 100 ms of virtual time.  0, or -ETIMEDOUT after 5 s.
 */
static inline int edu_dma(volatile uint32_t *regs, uint64_t bus,
			  unsigned int off, uint64_t count, int to_ram)
{
	double end = now_s() + 5;

	if (to_ram)
		edu_dma_to_ram(regs, off, bus, count, 0);
	else
		edu_dma_to_edu(regs, bus, off, count, 0);
	while (edu_dma_cmd(regs) & EDU_DMA_START) {
		if (now_s() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

#endif
