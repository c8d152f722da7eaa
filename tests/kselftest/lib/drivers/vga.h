/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's standard VGA (1234:1111): its framebuffer in BAR 0 and the Bochs
 * VBE ("DISPI") registers in its MMIO BAR 2 at 0x500, which hold the mode
 * the VGA BIOS set (vga= on the kernel command line).  Every function
 * returns 0 or a value, or a negative errno, and prints nothing.
 */
#ifndef GENODE_TEST_VGA_H
#define GENODE_TEST_VGA_H

#include "../genode.h"
#include "../pci.h"

#define VGA_VENDOR	0x1234
#define VGA_DEVICE	0x1111
#define VGA_BAR_FB	0
#define VGA_BAR_MMIO	2
#define VGA_MMIO_SIZE	0x600

/* Bochs VBE register indices (16 bits each at 0x500 + 2 * index) */
#define VBE_XRES	1
#define VBE_YRES	2
#define VBE_BPP		3
#define VBE_ENABLE	4
#define  VBE_ENABLED	0x01
#define  VBE_LFB	0x40
#define VBE_VIRT_WIDTH	6

struct vga {
	int dev;			/* the claimed function */
	int region;			/* BAR 2 */
	volatile uint32_t *mmio;
	struct genode_iomem_info info;
};

static inline int vga_find(struct pci_addr *a)
{
	return pci_find(VGA_VENDOR, VGA_DEVICE, 0, a);
}

/* Claim the VGA a through session and map its MMIO BAR. */
static inline int vga_open(int session, const struct pci_addr *a,
			   struct vga *v)
{
	int ret;

	v->dev = pci_claim(session, a);
	if (v->dev < 0)
		return v->dev;
	v->region = iomem_request(session, GENODE_IOMEM_BAR, 0, 0, v->dev,
				  VGA_BAR_MMIO);
	if (v->region < 0) {
		ret = v->region;
		goto err_close_dev;
	}
	ret = iomem_map(v->region, &v->info, &v->mmio);
	if (ret)
		goto err_close_region;
	return 0;

err_close_region:
	close(v->region);
err_close_dev:
	close(v->dev);
	return ret;
}

static inline void vga_close(struct vga *v)
{
	iomem_unmap(v->mmio, &v->info);
	close(v->region);
	close(v->dev);
}

static inline unsigned int vga_vbe(const struct vga *v, unsigned int index)
{
	return *(volatile uint16_t *)((volatile char *)v->mmio + 0x500 +
				      2 * index);
}

#endif
