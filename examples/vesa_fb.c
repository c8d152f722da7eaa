// SPDX-License-Identifier: GPL-2.0
/*
 * vesa_fb - a user-level framebuffer driver for QEMU's standard VGA
 *
 * Claims the VGA (1234:1111) through /dev/genode, sets 1024x768x32 through
 * the Bochs VBE registers in its MMIO BAR (BAR2), maps the framebuffer
 * (BAR0) write-combined and draws a test picture: eight colour bars over
 * a grey ramp, in a white frame with a black inner edge.  tests/vm/picture.py checks the picture
 * from the host (QEMU's screendump), so the two must agree on it.
 *
 *   vesa_fb [-v]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libgenode_dev.h"

#define VGA_VENDOR	0x1234
#define VGA_DEVICE	0x1111

#define WIDTH	1024
#define HEIGHT	768
#define BPP	32

/* BAR2: the VGA ports at 0x400 (port - 0x3c0), Bochs VBE at 0x500 */
#define MMIO_VGA(port)	(0x400 + (port) - 0x3c0)
#define MMIO_VBE(index)	(0x500 + ((index) << 1))

#define VGA_ATT_W	0x3c0
#define VGA_MIS_W	0x3c2
#define VGA_IS1_RC	0x3da
#define VGA_MIS_COLOR	0x01

#define VBE_ID			0x0
#define VBE_XRES		0x1
#define VBE_YRES		0x2
#define VBE_BPP			0x3
#define VBE_ENABLE		0x4
#define VBE_BANK		0x5
#define VBE_VIRT_WIDTH		0x6
#define VBE_VIRT_HEIGHT		0x7
#define VBE_X_OFFSET		0x8
#define VBE_Y_OFFSET		0x9
#define VBE_VIDEO_MEMORY_64K	0xa

#define VBE_ID0			0xb0c0
#define VBE_ID5			0xb0c5
#define VBE_ENABLED		0x01
#define VBE_LFB_ENABLED		0x40

/* The picture; tests/vm/picture.py knows the same. */
#define FRAME		8	/* white border, pixels */
#define EDGE		2	/* its black inner edge */
#define BARS_HEIGHT	576	/* the bars above, the ramp below */
static const uint32_t bar_colours[8] = {
	0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
	0xff00ff, 0xff0000, 0x0000ff, 0x000000,
};

static int verbose;

static uint32_t pixel(unsigned int x, unsigned int y)
{
	unsigned int grey;

	if (x < FRAME || x >= WIDTH - FRAME || y < FRAME || y >= HEIGHT - FRAME)
		return 0xffffff;
	if (x < FRAME + EDGE || x >= WIDTH - FRAME - EDGE ||
	    y < FRAME + EDGE || y >= HEIGHT - FRAME - EDGE)
		return 0x000000;
	if (y < BARS_HEIGHT)
		return bar_colours[x / (WIDTH / 8)];
	grey = x / (WIDTH / 16) * 17;	/* 16 steps, 0x00..0xff */
	return grey << 16 | grey << 8 | grey;
}

static void vbe_write(volatile uint8_t *mmio, unsigned int index, uint16_t v)
{
	*(volatile uint16_t *)(mmio + MMIO_VBE(index)) = v;
}

static uint16_t vbe_read(volatile uint8_t *mmio, unsigned int index)
{
	return *(volatile uint16_t *)(mmio + MMIO_VBE(index));
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "vesa_fb: %s: %s\n", what, strerror(-err));
	return 1;
}

/* Map BAR @bar of @dev as a region; the mapping of its first byte. */
static int map_bar(int session, int dev, unsigned int bar, uint32_t flags,
		   uint64_t min_size, volatile uint8_t **out)
{
	struct genode_iomem_info info;
	void *mapping;
	int region, ret;

	region = genode_iomem_request_bar(session, dev, bar, flags);
	if (region < 0)
		return region;
	ret = genode_iomem_map(region, &mapping, &info);
	/* the mapping keeps the region */
	genode_close(region);
	if (ret)
		return ret;
	if (info.size < min_size)
		return -ENOSPC;
	*out = (volatile uint8_t *)mapping + info.page_offset;
	if (verbose)
		printf("vesa_fb: BAR%u at 0x%llx, %llu KiB, %s\n", bar,
		       (unsigned long long)info.phys,
		       (unsigned long long)info.size >> 10,
		       flags & GENODE_IOMEM_WC ? "write-combined" : "uncached");
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t domain, bus, devfn;
	volatile uint8_t *mmio, *fb;
	volatile uint32_t *row;
	uint16_t id;
	unsigned int x, y;
	int session, dev, ret;

	verbose = argc > 1 && !strcmp(argv[1], "-v");

	ret = genode_pci_find(VGA_VENDOR, VGA_DEVICE, 0, &domain, &bus, &devfn);
	if (ret)
		return fail("no QEMU standard VGA (1234:1111)", ret);
	session = genode_session_open(NULL);
	if (session < 0)
		return fail(GENODE_DEV_PATH, session);
	dev = genode_pci_claim(session, domain, bus, devfn);
	if (dev < 0)
		return fail("claim the VGA", dev);
	printf("vesa_fb: claimed %04x:%02x:%02x.%x\n", domain, bus, devfn >> 3,
	       devfn & 7);

	/* the registers uncached, the framebuffer write-combined */
	ret = map_bar(session, dev, 2, 0, 0x600, &mmio);
	if (ret)
		return fail("map the MMIO BAR", ret);
	ret = map_bar(session, dev, 0, GENODE_IOMEM_WC,
		      (uint64_t)WIDTH * HEIGHT * BPP / 8, &fb);
	if (ret)
		return fail("map the framebuffer BAR", ret);

	id = vbe_read(mmio, VBE_ID);
	if (id < VBE_ID0 || id > VBE_ID5) {
		fprintf(stderr, "vesa_fb: no Bochs VBE (id 0x%04x)\n", id);
		return 1;
	}
	if ((uint64_t)vbe_read(mmio, VBE_VIDEO_MEMORY_64K) << 16 <
	    (uint64_t)WIDTH * HEIGHT * BPP / 8) {
		fprintf(stderr, "vesa_fb: too little video memory\n");
		return 1;
	}

	/* the mode, as bochs-drm sets it */
	vbe_write(mmio, VBE_ENABLE, 0);
	vbe_write(mmio, VBE_BPP, BPP);
	vbe_write(mmio, VBE_XRES, WIDTH);
	vbe_write(mmio, VBE_YRES, HEIGHT);
	vbe_write(mmio, VBE_BANK, 0);
	vbe_write(mmio, VBE_VIRT_WIDTH, WIDTH);
	vbe_write(mmio, VBE_VIRT_HEIGHT, HEIGHT);
	vbe_write(mmio, VBE_X_OFFSET, 0);
	vbe_write(mmio, VBE_Y_OFFSET, 0);
	vbe_write(mmio, VBE_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
	if (vbe_read(mmio, VBE_XRES) != WIDTH || vbe_read(mmio, VBE_YRES) != HEIGHT ||
	    vbe_read(mmio, VBE_BPP) != BPP) {
		fprintf(stderr, "vesa_fb: the mode did not take\n");
		return 1;
	}
	/* unblank: colour mode, reset the attribute flip-flop, PAS on */
	mmio[MMIO_VGA(VGA_MIS_W)] = VGA_MIS_COLOR;
	(void)mmio[MMIO_VGA(VGA_IS1_RC)];
	mmio[MMIO_VGA(VGA_ATT_W)] = 0x20;
	printf("vesa_fb: Bochs VBE 0x%04x, mode %ux%ux%u\n", id, WIDTH, HEIGHT, BPP);

	for (y = 0; y < HEIGHT; y++) {
		row = (volatile uint32_t *)(fb + (size_t)y * WIDTH * 4);
		for (x = 0; x < WIDTH; x++)
			row[x] = pixel(x, y);
	}
	/* drain the write-combining buffers */
	__sync_synchronize();

	/* read a few pixels back through the mapping */
	for (y = 0; y < HEIGHT; y += 191) {
		row = (volatile uint32_t *)(fb + (size_t)y * WIDTH * 4);
		for (x = 0; x < WIDTH; x += 127) {
			if ((row[x] & 0xffffff) != pixel(x, y)) {
				fprintf(stderr, "vesa_fb: pixel %u,%u reads 0x%06x\n",
					x, y, row[x] & 0xffffff);
				return 1;
			}
		}
	}
	printf("vesa_fb: picture drawn\n");

	/*
	 * Exiting releases the VGA; the picture stays in its memory, and
	 * the mode in its registers, for the host to take.
	 */
	return 0;
}
