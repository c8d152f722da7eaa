// SPDX-License-Identifier: GPL-2.0
/*
 * What Genode's platform driver needs of the module besides the claim
 * (docs: the uapi header's GENODE_FEATURE_ECAM, _PCI_LIST, _IOPORT_BAR,
 * _IRQ_MSI_MSG and _DMA_BELOW_4G):
 *
 *  - the ECAM window in GENODE_INFO, the same as the kernel's
 *    "PCI MMCONFIG" ("PCI ECAM") in /proc/iomem, and not handed out as IO
 *    memory;
 *  - GENODE_PCI_LIST: the functions assigned to the module or claimed;
 *  - the IO BAR of a claimed device as an IO-port fd without
 *    CAP_SYS_RAWIO (e1000e's BAR 2: IOADDR at +0 selects a register that
 *    IODATA at +4 reads, the same registers as BAR 0's MMIO);
 *  - the MSI and MSI-X messages the kernel programmed, in
 *    GENODE_IRQ_GET_INFO, compared with the MSI capability (edu) and the
 *    MSI-X table in its BAR (e1000e);
 *  - DMA buffers for no device below 4 GiB on request (the strong check
 *    needs RAM above 4 GiB in the VM: scripts/check.sh boots one);
 *  - the platform facts of GENODE_INFO: MSI, IOMMU and interrupt
 *    remapping as the kernel has them, the ACPI root pointer and root
 *    tables as the boot log gives them, the boot framebuffer as the VGA's
 *    registers hold its mode, its addresses for CAP_SYS_RAWIO only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "libgenode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

#define BELOW_4G	(1ull << 32)

static struct genode_info info_of(int session, uint32_t argsz)
{
	struct genode_info i;

	memset(&i, 0xa5, sizeof(i));
	i.argsz = argsz;
	i.flags = 0;
	i.__reserved = 0;
	i.__reserved2 = 0;
	i.__reserved3 = 0;
	i.__reserved4 = 0;
	if (ioctl(session, GENODE_INFO, &i))
		i.abi_version = (uint32_t)-errno;
	return i;
}

TEST(features_are_announced)
{
	int s = genode_session_open(NULL);
	struct genode_info i;

	ASSERT_LE(0, s);
	i = info_of(s, sizeof(i));
	EXPECT_EQ(GENODE_ABI_VERSION, i.abi_version);
	EXPECT_EQ(GENODE_FEATURE_ECAM | GENODE_FEATURE_PCI_LIST |
		  GENODE_FEATURE_IOPORT_BAR | GENODE_FEATURE_IRQ_MSI_MSG |
		  GENODE_FEATURE_DMA_BELOW_4G,
		  i.features & (GENODE_FEATURE_ECAM | GENODE_FEATURE_PCI_LIST |
				GENODE_FEATURE_IOPORT_BAR |
				GENODE_FEATURE_IRQ_MSI_MSG |
				GENODE_FEATURE_DMA_BELOW_4G));
	close(s);
}

/* ---- the ECAM window ---- */

TEST(ecam_window_is_the_kernels_mmconfig)
{
	int s = genode_session_open(NULL);
	struct genode_info i, old;
	uint64_t start, end;
	char name[64];
	int r;

	ASSERT_LE(0, s);
	i = info_of(s, sizeof(i));
	ASSERT_EQ(GENODE_ABI_VERSION, i.abi_version);
	/* q35 has one: MCFG for segment 0 */
	ASSERT_NE(0, i.ecam_base);
	EXPECT_EQ(0, i.ecam_segment);
	EXPECT_LE(i.ecam_bus_start, i.ecam_bus_end);

	/* "MMCONFIG" until 6.5, "ECAM" since */
	snprintf(name, sizeof(name), "PCI MMCONFIG %04x [bus %02x-%02x]",
		 i.ecam_segment, i.ecam_bus_start, i.ecam_bus_end);
	r = proc_iomem_find(name, &start, &end);
	if (r == -ENOENT) {
		snprintf(name, sizeof(name), "PCI ECAM %04x [bus %02x-%02x]",
			 i.ecam_segment, i.ecam_bus_start, i.ecam_bus_end);
		r = proc_iomem_find(name, &start, &end);
	}
	ASSERT_EQ(0, r) TH_LOG("no \"%s\" in /proc/iomem", name);
	EXPECT_EQ(i.ecam_base + ((uint64_t)i.ecam_bus_start << 20), start);
	EXPECT_EQ(i.ecam_base + (((uint64_t)i.ecam_bus_end + 1) << 20) - 1,
		  end);

	/* the window is the kernel's: its pages are no IO memory of ours */
	r = iomem_request(s, 0, start, 4096, GENODE_NO_DEVICE, 0);
	EXPECT_EQ(-EBUSY, r);
	if (r >= 0)
		close(r);

	/* a caller of the first ABI gets its struct, and nothing past it */
	old = info_of(s, offsetofend(struct genode_info, features));
	EXPECT_EQ(GENODE_ABI_VERSION, old.abi_version);
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ull, old.ecam_base);

	i.argsz = sizeof(i);
	i.__reserved2 = 1;
	EXPECT_EQ(-1, ioctl(s, GENODE_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	close(s);
}

/* ---- the platform facts ---- */

/* The address the boot log gives for ACPI table sig ("ACPI: RSDT 0x..."). */
static uint64_t acpi_logged(const char *sig)
{
	char what[16], line[256];
	unsigned long long a = 0;

	snprintf(what, sizeof(what), "ACPI: %s 0x", sig);
	if (kernel_log_find(what, line, sizeof(line)) == 0)
		sscanf(strstr(line, what) + strlen(what), "%llx", &a);
	return a;
}

static int has_iommu_groups(void)
{
	struct dirent **names;
	int n = scandir("/sys/kernel/iommu_groups", &names, NULL, NULL), i;

	for (i = 0; i < n; i++)
		free(names[i]);
	if (n >= 0)
		free(names);
	return n > 2;	/* more than . and .. */
}

TEST(platform_facts_are_the_kernels)
{
	int s = genode_session_open(NULL);
	uint64_t rsdp, rsdt, xsdt;
	struct genode_info i;

	ASSERT_LE(0, s);
	i = info_of(s, sizeof(i));
	ASSERT_EQ(GENODE_ABI_VERSION, i.abi_version);
	ASSERT_EQ(GENODE_FEATURE_PLATFORM, i.features & GENODE_FEATURE_PLATFORM);
	TH_LOG("platform %#llx, RSDP %#llx rev %u, RSDT %#llx, XSDT %#llx",
	       (unsigned long long)i.platform, (unsigned long long)i.acpi_rsdp,
	       i.acpi_revision, (unsigned long long)i.acpi_rsdt,
	       (unsigned long long)i.acpi_xsdt);

	/* q35 has MSI, and nothing here turns it off (pci=nomsi) */
	EXPECT_TRUE(i.platform & GENODE_PLATFORM_MSI);
	EXPECT_EQ(has_iommu_groups(), !!(i.platform & GENODE_PLATFORM_IOMMU));
	EXPECT_EQ(irq_remapping() == 1,
		  !!(i.platform & GENODE_PLATFORM_INTR_REMAP));
	EXPECT_FALSE(i.platform & GENODE_PLATFORM_WITHHELD);

	/* what ACPI's table code logged at boot ("ACPI: RSDP 0x...") */
	ASSERT_TRUE(i.platform & GENODE_PLATFORM_ACPI);
	rsdp = acpi_logged("RSDP");
	ASSERT_NE(0, rsdp) TH_LOG("no RSDP in the boot log");
	EXPECT_EQ(rsdp, i.acpi_rsdp);
	rsdt = acpi_logged("RSDT");
	xsdt = acpi_logged("XSDT");
	EXPECT_NE(0, rsdt | xsdt);
	EXPECT_EQ(rsdt, i.acpi_rsdt);
	EXPECT_EQ(xsdt, i.acpi_xsdt);
	EXPECT_EQ(!!xsdt, i.acpi_revision >= 2);

	i.argsz = sizeof(i);
	i.flags = 0;
	i.__reserved = i.__reserved2 = 0;
	i.__reserved3 = 1;
	EXPECT_EQ(-1, ioctl(s, GENODE_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	i.__reserved3 = 0;
	i.__reserved4 = 1;
	EXPECT_EQ(-1, ioctl(s, GENODE_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	close(s);
}

/*
 * The boot framebuffer, with the VM booted in a VESA mode (vga=): the
 * mode the VGA's Bochs VBE registers hold, at the VGA's BAR 0, and a
 * write-combined physical region when no kernel driver holds it (run.sh
 * keeps vesafb off it) or the allow list covers it (with vesafb on it:
 * run.sh --fb vesafb).  In text mode (--fb none, or a kernel whose setup
 * code cannot set VESA modes), no boot framebuffer.
 */
TEST(boot_framebuffer_is_the_vgas_mode)
{
	int s = genode_session_open(NULL), region;
	char allow[64] = "", saved[256], line[256] = "";
	unsigned int w = 0, h = 0, pitch = 0;
	uint64_t size, start, end;
	uint32_t flags;
	struct genode_pci_bar_info bar;
	struct genode_iomem_info mi;
	volatile uint32_t *fb;
	struct genode_info i;
	struct pci_addr a;
	unsigned int bpp = 0;
	struct vga v;
	bool held;

	ASSERT_LE(0, s);
	i = info_of(s, sizeof(i));
	ASSERT_EQ(GENODE_FEATURE_PLATFORM, i.features & GENODE_FEATURE_PLATFORM);
	/*
	 * Is there a boot framebuffer?  vesafb on it says so; else the VGA's
	 * VBE registers do (the VGA BIOS set the mode for vga= if the
	 * kernel's setup code has VESA support, CONFIG_FB_BOOT_VESA_SUPPORT;
	 * else the VGA stays in text mode).
	 */
	ASSERT_EQ(0, vga_find(&a));
	held = proc_iomem_find("vesafb", &start, &end) == 0;
	if (!held) {
		ASSERT_EQ(0, vga_open(s, &a, &v));
		if ((vga_vbe(&v, VBE_ENABLE) & (VBE_ENABLED | VBE_LFB)) !=
		    (VBE_ENABLED | VBE_LFB)) {
			EXPECT_FALSE(i.platform & GENODE_PLATFORM_FB);
			EXPECT_EQ(0, i.fb_base);
			EXPECT_EQ(0, i.fb_kind);
			TH_LOG("the VGA is in text mode: no boot framebuffer, none reported");
			vga_close(&v);
			close(s);
			return;
		}
	}
	ASSERT_TRUE(i.platform & GENODE_PLATFORM_FB);
	TH_LOG("framebuffer %ux%u, %u bpp, pitch %u at %#llx, %llu bytes",
	       i.fb_width, i.fb_height, i.fb_bpp, i.fb_pitch,
	       (unsigned long long)i.fb_base, (unsigned long long)i.fb_size);
	EXPECT_EQ(GENODE_FB_VESA, i.fb_kind);

	size = (uint64_t)i.fb_pitch * i.fb_height;
	if (held) {
		/*
		 * vesafb holds it (run.sh --fb vesafb): the mode as vesafb
		 * logged it; the VGA's BAR is the driver's, so is the
		 * framebuffer (EBUSY), unless the allow list covers it.
		 */
		EXPECT_EQ(i.fb_base, start);
		EXPECT_EQ(0, kernel_log_find("vesafb: mode is ", line,
					     sizeof(line)));
		EXPECT_EQ(4, sscanf(strstr(line, "mode is ") ?: "",
				    "mode is %ux%ux%u, linelength=%u",
				    &w, &h, &bpp, &pitch)) TH_LOG("%s", line);
		EXPECT_EQ(w, i.fb_width);
		EXPECT_EQ(h, i.fb_height);
		EXPECT_EQ(bpp, i.fb_bpp);
		EXPECT_EQ(pitch, i.fb_pitch);
		EXPECT_EQ(-EBUSY, pci_claim(s, &a));
		region = iomem_request(s, GENODE_IOMEM_WC, i.fb_base, size, GENODE_NO_DEVICE, 0);
		EXPECT_EQ(-EBUSY, region);
		if (region >= 0)
			close(region);
		ASSERT_EQ(0, genode_allow_get(saved, sizeof(saved)));
		/* the allow list must cover every page the range touches */
		snprintf(allow, sizeof(allow), "mem:%#llx-%#llx",
			 (unsigned long long)i.fb_base,
			 (unsigned long long)((i.fb_base + size - 1) | 0xfff));
		ASSERT_EQ(0, genode_allow_set(allow));
	} else {
		/* the mode the VGA BIOS set, in the VGA's registers */
		ASSERT_EQ(0, genode_pci_query_bar(v.dev, VGA_BAR_FB, &bar));
		bpp = vga_vbe(&v, VBE_BPP);
		EXPECT_EQ(vga_vbe(&v, VBE_XRES), i.fb_width);
		EXPECT_EQ(vga_vbe(&v, VBE_YRES), i.fb_height);
		EXPECT_EQ(bpp, i.fb_bpp);
		EXPECT_EQ(vga_vbe(&v, VBE_VIRT_WIDTH) * ((bpp + 7) / 8),
			  i.fb_pitch);
		EXPECT_EQ(bar.addr, i.fb_base);
		EXPECT_LE(size, i.fb_size);
		EXPECT_LE(i.fb_size, bar.size);
		vga_close(&v);
	}
	if (i.fb_bpp == 32) {
		/* x8r8g8b8 */
		EXPECT_EQ(16, i.fb_red_pos);
		EXPECT_EQ(8, i.fb_green_pos);
		EXPECT_EQ(0, i.fb_blue_pos);
		EXPECT_EQ(8, i.fb_red_size);
		EXPECT_EQ(8, i.fb_green_size);
		EXPECT_EQ(8, i.fb_blue_size);
	}

	/*
	 * No kernel driver holds it: a write-combined physical region.  What
	 * only the allow list lets through is not held by the region, and so
	 * uncached only (the uapi header's EBUSY for GENODE_IOMEM_WC).
	 */
	flags = GENODE_IOMEM_WC;
	if (allow[0]) {
		region = iomem_request(s, flags, i.fb_base, size, GENODE_NO_DEVICE, 0);
		EXPECT_EQ(-EBUSY, region);
		if (region >= 0)
			close(region);
		flags = 0;
	}
	region = iomem_request(s, flags, i.fb_base, size, GENODE_NO_DEVICE, 0);
	if (allow[0])
		EXPECT_EQ(0, genode_allow_set(saved));
	ASSERT_LE(0, region) TH_LOG("%s", strerror(-region));
	ASSERT_EQ(0, iomem_map(region, &mi, &fb));
	EXPECT_EQ(flags, mi.attrs & GENODE_IOMEM_WC);
	fb[0] = 0x00ff0000;
	EXPECT_EQ(0x00ff0000, fb[0]);
	iomem_unmap(fb, &mi);
	close(region);
	close(s);
}

static int facts_without_rawio(void *arg)
{
	const struct genode_info *root = arg;
	struct genode_info i;
	int s;

	if (drop_cap_sys_rawio())
		return 10;
	s = genode_session_open(NULL);
	if (s < 0)
		return 11;
	i = info_of(s, sizeof(i));
	close(s);
	if (!(i.platform & GENODE_PLATFORM_WITHHELD))
		return 1;
	if (i.acpi_rsdp || i.acpi_rsdt || i.acpi_xsdt || i.fb_base)
		return 2;
	/* the rest is no secret */
	if ((i.platform & ~GENODE_PLATFORM_WITHHELD) != root->platform ||
	    i.fb_width != root->fb_width || i.fb_height != root->fb_height ||
	    i.fb_pitch != root->fb_pitch || i.fb_bpp != root->fb_bpp ||
	    i.acpi_revision != root->acpi_revision)
		return 3;
	return 0;
}

TEST(platform_addresses_need_cap_sys_rawio)
{
	int s = genode_session_open(NULL), st;
	struct genode_info root;

	ASSERT_LE(0, s);
	root = info_of(s, sizeof(root));
	close(s);
	ASSERT_TRUE(root.platform & GENODE_PLATFORM_ACPI);
	ASSERT_NE(0, root.acpi_rsdp);
	st = run_in_child(facts_without_rawio, &root);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

/* ---- GENODE_PCI_LIST ---- */

FIXTURE(pci_list) {
	int session;
	struct pci_addr edu, nic;
	int have_nic;
	const char *skip;
};

FIXTURE_SETUP(pci_list)
{
	self->skip = NULL;
	self->session = genode_session_open(NULL);
	ASSERT_LE(0, self->session);
	if (edu_find(0, &self->edu))
		self->skip = "no edu device (-device edu) in this VM";
	self->have_nic = !e1000e_find(&self->nic);
}

FIXTURE_TEARDOWN(pci_list)
{
	close(self->session);
}

TEST_F(pci_list, claimed_functions_are_listed_while_claimed)
{
	struct genode_pci_function fns[64];
	long n0, n;
	int dev;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	n0 = genode_pci_list(self->session, NULL, 0);
	ASSERT_LE(0, n0);
	EXPECT_EQ(-ENOENT, pci_list_flags(self->session, &self->edu));

	dev = edu_claim(self->session, &self->edu);
	ASSERT_LE(0, dev) TH_LOG("claim: %s", strerror(-dev));
	/* a claim of a function nobody assigned: claimed, not assigned */
	EXPECT_EQ(GENODE_PCI_FUNCTION_CLAIMED,
		  pci_list_flags(self->session, &self->edu));
	n = genode_pci_list(self->session, fns, 64);
	EXPECT_EQ(n0 + 1, n);

	/* another session sees the same */
	{
		int other = genode_session_open(NULL);

		ASSERT_LE(0, other);
		EXPECT_EQ(GENODE_PCI_FUNCTION_CLAIMED,
			  pci_list_flags(other, &self->edu));
		close(other);
	}

	close(dev);
	EXPECT_EQ(-ENOENT, pci_list_flags(self->session, &self->edu));
	EXPECT_EQ(n0, genode_pci_list(self->session, NULL, 0));
}

TEST_F(pci_list, functions_assigned_through_sysfs_are_listed)
{
	int dev;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, pci_bind(&self->edu, "genode"));
	EXPECT_EQ(GENODE_PCI_FUNCTION_ASSIGNED,
		  pci_list_flags(self->session, &self->edu));

	dev = edu_claim(self->session, &self->edu);
	EXPECT_LE(0, dev);
	EXPECT_EQ(GENODE_PCI_FUNCTION_ASSIGNED | GENODE_PCI_FUNCTION_CLAIMED,
		  pci_list_flags(self->session, &self->edu));
	if (dev >= 0)
		close(dev);
	/* it stays the module's once released */
	EXPECT_EQ(GENODE_PCI_FUNCTION_ASSIGNED,
		  pci_list_flags(self->session, &self->edu));

	EXPECT_EQ(0, pci_unbind(&self->edu));
	EXPECT_EQ(-ENOENT, pci_list_flags(self->session, &self->edu));
}

TEST_F(pci_list, room_for_fewer_gets_the_first_and_the_count)
{
	struct genode_pci_function fns[3];
	int a, b;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (!self->have_nic)
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	ASSERT_EQ(0, genode_pci_list(self->session, NULL, 0))
		TH_LOG("a function of the module is left over");
	a = edu_claim(self->session, &self->edu);
	ASSERT_LE(0, a);
	b = pci_claim(self->session, &self->nic);
	ASSERT_LE(0, b);

	memset(fns, 0xff, sizeof(fns));
	EXPECT_EQ(2, genode_pci_list(self->session, fns, 1));
	/* one entry written, the first in the PCI core's order */
	EXPECT_EQ(0, fns[0].domain);
	EXPECT_EQ(self->edu.bus < self->nic.bus ||
		  (self->edu.bus == self->nic.bus &&
		   self->edu.devfn < self->nic.devfn) ?
		  self->edu.devfn : self->nic.devfn, fns[0].devfn);
	EXPECT_EQ(0xffff, fns[1].flags);

	EXPECT_EQ(2, genode_pci_list(self->session, fns, 3));
	EXPECT_LT(fns[0].bus << 8 | fns[0].devfn, fns[1].bus << 8 | fns[1].devfn);
	EXPECT_EQ(0xffff, fns[2].flags);
	close(a);
	close(b);
}

TEST_F(pci_list, bad_arguments)
{
	struct genode_pci_list l = { .argsz = sizeof(l) };
	int dev;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	l.flags = 1;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	l.flags = 0;
	l.__reserved = 1;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_LIST, &l));
	EXPECT_EQ(EINVAL, errno);

	dev = edu_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	l.__reserved = 0;
	l.count = 4;
	l.functions = 8;	/* unmapped */
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_LIST, &l));
	EXPECT_EQ(EFAULT, errno);
	/* no room asked for: no pointer used */
	l.count = 0;
	EXPECT_EQ(0, ioctl(self->session, GENODE_PCI_LIST, &l));
	EXPECT_EQ(1, l.count);
	close(dev);
}

/* ---- IO BARs ---- */

FIXTURE(io_bar) {
	int session;
	int dev;
	struct pci_addr a;
	int region;
	struct genode_iomem_info info;
	volatile uint32_t *bar0;
	const char *skip;
};

FIXTURE_SETUP(io_bar)
{
	self->skip = NULL;
	self->dev = -1;
	self->region = -1;
	self->bar0 = NULL;
	self->session = genode_session_open(NULL);
	ASSERT_LE(0, self->session);
	if (e1000e_find(&self->a)) {
		self->skip = "no e1000e (-device e1000e) in this VM";
		return;
	}
	self->dev = pci_claim(self->session, &self->a);
	ASSERT_LE(0, self->dev) TH_LOG("claim: %s", strerror(-self->dev));
	self->region = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, self->region);
	ASSERT_EQ(0, iomem_map(self->region, &self->info, &self->bar0));
	mmio_write32(self->bar0, E1000_IMC, 0xffffffff);
}

FIXTURE_TEARDOWN(io_bar)
{
	if (self->bar0)
		iomem_unmap(self->bar0, &self->info);
	if (self->region >= 0)
		close(self->region);
	if (self->dev >= 0)
		close(self->dev);
	close(self->session);
}

/* A register through IOADDR/IODATA: the value, or -errno. */
static long io_reg(int fd, uint16_t base, uint32_t reg)
{
	long r = ioport_out(fd, base, 4, reg);

	return r < 0 ? r : ioport_in(fd, base + 4, 4);
}

TEST_F(io_bar, reaches_the_registers_without_cap_sys_rawio)
{
	struct genode_pci_bar_info bi;
	struct genode_ioport_info ii;
	uint16_t base = 0;
	uint32_t size = 0;
	int fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, genode_pci_query_bar(self->dev, E1000E_IO_BAR, &bi));
	ASSERT_TRUE(bi.bar_flags & GENODE_PCI_BAR_IO);
	ASSERT_EQ(0, drop_cap_sys_rawio());

	/* a range of ports needs the capability, the device's BAR not */
	EXPECT_EQ(-EPERM, ioport_request(self->session, bi.addr, bi.size, &fd));
	fd = genode_ioport_open_bar(self->session, self->dev, E1000E_IO_BAR,
				&base, &size);
	ASSERT_LE(0, fd) TH_LOG("IO BAR: %s", strerror(-fd));
	EXPECT_EQ(bi.addr, base);
	EXPECT_EQ(bi.size, size);
	ASSERT_EQ(0, ioport_info(fd, &ii));
	EXPECT_EQ(base, ii.base);
	EXPECT_EQ(size, ii.size);
	EXPECT_EQ(GENODE_IOPORT_ATTR_BAR, ii.attrs);

	/* the same registers as through BAR 0 */
	EXPECT_EQ(mmio_read32(self->bar0, E1000_STATUS),
		  io_reg(fd, base, E1000_STATUS));
	EXPECT_EQ(mmio_read32(self->bar0, E1000_CTRL),
		  io_reg(fd, base, E1000_CTRL));
	/* and nothing beside it */
	EXPECT_EQ(-EINVAL, ioport_in(fd, base + size, 1));
	EXPECT_EQ(-EINVAL, ioport_in(fd, base - 1, 1));
	close(fd);
}

TEST_F(io_bar, bad_requests)
{
	struct genode_ioport_request req;
	int fd, other, odev;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* a memory BAR, a BAR beyond the table, an unimplemented one */
	EXPECT_EQ(-ENXIO, genode_ioport_open_bar(self->session, self->dev, 0,
					     NULL, NULL));
	EXPECT_EQ(-EINVAL, genode_ioport_open_bar(self->session, self->dev, 6,
					      NULL, NULL));
	EXPECT_EQ(-ENXIO, genode_ioport_open_bar(self->session, self->dev, 5,
					     NULL, NULL));
	EXPECT_EQ(-EBADF, genode_ioport_open_bar(self->session, 9999,
					     E1000E_IO_BAR, NULL, NULL));
	EXPECT_EQ(-EINVAL, genode_ioport_open_bar(self->session, self->session,
					      E1000E_IO_BAR, NULL, NULL));

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = GENODE_IOPORT_BAR;
	req.device_fd = self->dev;
	req.bar = E1000E_IO_BAR;
	req.base = 1;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.base = 0;
	/* the flag with an argsz of the first ABI, which has no device_fd */
	req.argsz = offsetofend(struct genode_ioport_request, __reserved);
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	/* device_fd and bar without the flag */
	req.argsz = sizeof(req);
	req.flags = 0;
	req.base = 0x2f8;
	req.size = 8;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);

	/* one resource per BAR */
	fd = genode_ioport_open_bar(self->session, self->dev, E1000E_IO_BAR,
				NULL, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, genode_ioport_open_bar(self->session, self->dev,
					     E1000E_IO_BAR, NULL, NULL));
	/* the device's ports are the claim's, not free for a range */
	{
		struct genode_ioport_info ii;

		ASSERT_EQ(0, ioport_info(fd, &ii));
		EXPECT_EQ(-EBUSY, ioport_request(self->session, ii.base, 4,
						 &odev));
	}
	close(fd);
	fd = genode_ioport_open_bar(self->session, self->dev, E1000E_IO_BAR,
				NULL, NULL);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);

	/* another session's device fd */
	other = genode_session_open(NULL);
	ASSERT_LE(0, other);
	EXPECT_EQ(-EPERM, genode_ioport_open_bar(other, self->dev, E1000E_IO_BAR,
					     NULL, NULL));
	close(other);
}

TEST_F(io_bar, device_release_revokes_it_and_it_holds_the_device)
{
	char drv[64];
	uint16_t base;
	int fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	fd = genode_ioport_open_bar(self->session, self->dev, E1000E_IO_BAR,
				&base, NULL);
	ASSERT_LE(0, fd);

	/* the fd holds the device: closing the device fd releases nothing */
	iomem_unmap(self->bar0, &self->info);
	self->bar0 = NULL;
	close(self->region);
	self->region = -1;
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(0, pci_driver_of(&self->a, drv, sizeof(drv)));
	EXPECT_STREQ("genode", drv);
	EXPECT_LE(0, io_reg(fd, base, E1000_STATUS));
	close(fd);
	EXPECT_EQ(-ENOENT, pci_driver_of(&self->a, drv, sizeof(drv)));

	/* a revoked device revokes its IO BAR first */
	self->dev = pci_claim(self->session, &self->a);
	ASSERT_LE(0, self->dev);
	fd = genode_ioport_open_bar(self->session, self->dev, E1000E_IO_BAR,
				&base, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genode_revoke(self->session, self->dev));
	EXPECT_EQ(-ENODEV, ioport_in(fd, base + 4, 4));
	EXPECT_EQ(-ENOENT, pci_driver_of(&self->a, drv, sizeof(drv)));
	close(fd);
}

/* ---- the MSI and MSI-X messages ---- */

/* The position of capability id in config space, or 0. */
static unsigned int cap_pos(int dev, unsigned int id)
{
	unsigned int pos = pci_cfg_read(dev, PCI_CAPABILITY_LIST, 1) & 0xfc;
	int n;

	for (n = 0; pos && n < 48; n++) {
		if (pci_cfg_read(dev, pos, 1) == id)
			return pos;
		pos = pci_cfg_read(dev, pos + 1, 1) & 0xfc;
	}
	return 0;
}

static struct genode_irq_info msi_info_of(int fd)
{
	struct genode_irq_info i;

	memset(&i, 0xa5, sizeof(i));
	i.argsz = sizeof(i);
	i.flags = 0;
	i.__reserved = 0;
	i.__reserved2 = 0;
	if (ioctl(fd, GENODE_IRQ_GET_INFO, &i))
		i.source = (uint32_t)-errno;
	return i;
}

TEST(msi_message_is_the_capabilitys)
{
	struct genode_irq_info i;
	int s, dev, irq, intx;
	unsigned int pos, data_at;
	uint64_t addr;
	struct pci_addr a;

	if (edu_find(0, &a))
		SKIP(return, "no edu device (-device edu) in this VM");
	s = genode_session_open(NULL);
	ASSERT_LE(0, s);
	dev = edu_claim(s, &a);
	ASSERT_LE(0, dev);

	/* INTx first: no message */
	intx = genode_irq_open_pci(s, dev, GENODE_IRQ_SOURCE_INTX, 0, 0);
	ASSERT_LE(0, intx);
	i = msi_info_of(intx);
	EXPECT_EQ(GENODE_IRQ_SOURCE_INTX, i.source);
	EXPECT_EQ(0, i.msi_address);
	EXPECT_EQ(0, i.msi_data);
	close(intx);

	irq = genode_irq_open_pci(s, dev, GENODE_IRQ_SOURCE_MSI, 0, 1);
	ASSERT_LE(0, irq) TH_LOG("MSI: %s", strerror(-irq));
	pos = cap_pos(dev, PCI_CAP_ID_MSI);
	ASSERT_NE(0, pos);
	addr = (uint32_t)pci_cfg_read(dev, pos + PCI_MSI_ADDRESS_LO, 4);
	data_at = pos + PCI_MSI_DATA_32;
	if (pci_cfg_read(dev, pos + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_64BIT) {
		addr |= (uint64_t)pci_cfg_read(dev, pos + PCI_MSI_ADDRESS_HI,
					       4) << 32;
		data_at = pos + PCI_MSI_DATA_64;
	}

	i = msi_info_of(irq);
	EXPECT_EQ(GENODE_IRQ_SOURCE_MSI, i.source);
	EXPECT_EQ(addr, i.msi_address);
	EXPECT_EQ(pci_cfg_read(dev, data_at, 2), i.msi_data);
	/* x86: the local APICs' window */
	EXPECT_EQ(0xfee, i.msi_address >> 20);

	/* the first ABI's struct gets nothing past it */
	memset(&i, 0xa5, sizeof(i));
	i.argsz = offsetofend(struct genode_irq_info, pending);
	i.flags = 0;
	i.__reserved = 0;
	EXPECT_EQ(0, ioctl(irq, GENODE_IRQ_GET_INFO, &i));
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ull, i.msi_address);

	i.argsz = sizeof(i);
	i.__reserved2 = 1;
	EXPECT_EQ(-1, ioctl(irq, GENODE_IRQ_GET_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	close(irq);
	close(dev);
	close(s);
}

TEST(msix_messages_are_the_tables)
{
	struct genode_irq_info i0, i1;
	struct genode_iomem_info ri;
	volatile uint32_t *t, *bar;
	unsigned int pos, bir;
	uint32_t table, off;
	int s, dev, v0, v1, region;
	struct pci_addr a;

	dev = e1000e_open(&s, &a);
	if (dev == -ENODEV && s < 0)
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	ASSERT_LE(0, s);
	ASSERT_LE(0, dev);
	v0 = genode_irq_open_pci(s, dev, GENODE_IRQ_SOURCE_MSIX, 0, 2);
	ASSERT_LE(0, v0) TH_LOG("MSI-X: %s", strerror(-v0));
	v1 = genode_irq_open_pci(s, dev, GENODE_IRQ_SOURCE_MSIX, 1, 0);
	ASSERT_LE(0, v1);

	pos = cap_pos(dev, PCI_CAP_ID_MSIX);
	ASSERT_NE(0, pos);
	table = pci_cfg_read(dev, pos + PCI_MSIX_TABLE, 4);
	bir = table & PCI_MSIX_TABLE_BIR;
	off = table & PCI_MSIX_TABLE_OFFSET;

	/* not write-combined: the kernel's mapping of it is uncached */
	region = genode_iomem_request_bar(s, dev, bir, GENODE_IOMEM_WC);
	EXPECT_EQ(-EINVAL, region);
	if (region >= 0)
		close(region);

	/* the table as it is in the BAR, through a region of it */
	region = genode_iomem_request_bar(s, dev, bir, 0);
	ASSERT_LE(0, region) TH_LOG("BAR %u: %s", bir, strerror(-region));
	ASSERT_EQ(0, iomem_map(region, &ri, &bar));
	ASSERT_LE(off + 32, ri.size);
	t = (volatile uint32_t *)((volatile char *)bar + off);

	i0 = msi_info_of(v0);
	i1 = msi_info_of(v1);
	EXPECT_EQ(GENODE_IRQ_SOURCE_MSIX, i0.source);
	EXPECT_EQ(((uint64_t)t[1] << 32 | t[0]), i0.msi_address);
	EXPECT_EQ(t[2], i0.msi_data);
	EXPECT_EQ(((uint64_t)t[4 + 1] << 32 | t[4 + 0]), i1.msi_address);
	EXPECT_EQ(t[4 + 2], i1.msi_data);
	EXPECT_EQ(0xfee, i0.msi_address >> 20);
	/* two vectors, two messages */
	EXPECT_TRUE(i0.msi_address != i1.msi_address ||
		    i0.msi_data != i1.msi_data);

	iomem_unmap(bar, &ri);
	close(region);
	close(v1);
	close(v0);
	close(dev);
	close(s);
}

/* ---- DMA buffers below 4 GiB ---- */

/* Does the VM have System RAM above 4 GiB?  1, 0 or -errno. */
static int ram_above_4g(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	unsigned long long s, e;
	char line[256];
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx : System RAM", &s, &e) == 2 &&
		    strstr(line, "System RAM") && e >= BELOW_4G)
			found = 1;
	fclose(f);
	return found;
}

TEST(dma_below_4g_for_no_device)
{
	enum { N = 16, SIZE = 64 << 10 };
	struct genode_dma_alloc a;
	int s, fds[N], i, n_high = 0;
	int64_t used;

	s = genode_session_open(NULL);
	ASSERT_LE(0, s);
	used = dma_quota_used(s);

	for (i = 0; i < N; i++) {
		fds[i] = dma_alloc_flags(s, SIZE, GENODE_DMA_CACHED,
					 GENODE_NO_DEVICE,
					 GENODE_DMA_ALLOC_BELOW_4G, &a);
		ASSERT_LE(0, fds[i]) TH_LOG("%s", strerror(-fds[i]));
		ASSERT_NE(0, a.phys_addr) TH_LOG("no CAP_SYS_RAWIO?");
		EXPECT_EQ(a.phys_addr, a.bus_addr);
		EXPECT_LE(a.phys_addr + SIZE, BELOW_4G);
	}
	for (i = 0; i < N; i++)
		close(fds[i]);

	/* without the flag the allocator prefers RAM above 4 GiB */
	if (ram_above_4g() == 1) {
		for (i = 0; i < N; i++) {
			fds[i] = dma_alloc_flags(s, SIZE, GENODE_DMA_CACHED,
						 GENODE_NO_DEVICE, 0, &a);
			ASSERT_LE(0, fds[i]);
			n_high += a.phys_addr >= BELOW_4G;
		}
		for (i = 0; i < N; i++)
			close(fds[i]);
		EXPECT_LT(0, n_high);
	} else {
		TH_LOG("no RAM above 4 GiB in this VM: the flag's effect is not visible here");
	}
	EXPECT_EQ(used, dma_quota_used(s));
	close(s);
}

TEST(dma_below_4g_is_refused_with_a_device)
{
	struct genode_dma_alloc a;
	struct pci_addr addr;
	int s, dev, r;

	if (edu_find(0, &addr))
		SKIP(return, "no edu device (-device edu) in this VM");
	s = genode_session_open(NULL);
	ASSERT_LE(0, s);
	dev = edu_claim(s, &addr);
	ASSERT_LE(0, dev);
	r = dma_alloc_flags(s, 4096, GENODE_DMA_CACHED, dev,
			    GENODE_DMA_ALLOC_BELOW_4G, &a);
	EXPECT_EQ(-EINVAL, r);
	if (r >= 0)
		close(r);
	EXPECT_EQ(0, dma_quota_used(s));
	/* an unknown flag beside it */
	r = dma_alloc_flags(s, 4096, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
			    GENODE_DMA_ALLOC_BELOW_4G << 1, &a);
	EXPECT_EQ(-EINVAL, r);
	close(dev);
	close(s);
}

TEST_HARNESS_MAIN
