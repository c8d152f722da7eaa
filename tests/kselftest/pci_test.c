// SPDX-License-Identifier: GPL-2.0
/*
 * PCI device claims, on QEMU's edu (1234:11e8): binding and unbinding,
 * identity, the BAR table, config space reads and the writes that are
 * refused, bus mastering, reset, the claims that are refused, revocation,
 * kill -9 of the holder, and the functions an administrator assigns.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_pci_claim) == 24, "genode_pci_claim");
_Static_assert(offsetof(struct genode_pci_claim, fd) == 20, "genode_pci_claim");
_Static_assert(sizeof(struct genode_pci_info) == 48, "genode_pci_info");
_Static_assert(offsetof(struct genode_pci_info, bus) == 16, "genode_pci_info");
_Static_assert(offsetof(struct genode_pci_info, vendor) == 20, "genode_pci_info");
_Static_assert(offsetof(struct genode_pci_info, class_code) == 28, "genode_pci_info");
_Static_assert(offsetof(struct genode_pci_info, cfg_size) == 40, "genode_pci_info");
_Static_assert(sizeof(struct genode_pci_bar_info) == 32, "genode_pci_bar_info");
_Static_assert(offsetof(struct genode_pci_bar_info, addr) == 16, "genode_pci_bar_info");
_Static_assert(sizeof(struct genode_pci_config) == 24, "genode_pci_config");
_Static_assert(sizeof(struct genode_pci_bus_master) == 16, "genode_pci_bus_master");
_Static_assert(sizeof(struct genode_pci_reset) == 8, "genode_pci_reset");

#define IORESOURCE_IO		0x00000100
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000

/* The offset of capability @id in a config space snapshot, or 0. */
static unsigned int find_cap(const unsigned char *cfg, unsigned int id)
{
	unsigned int pos = cfg[PCI_CAPABILITY_LIST] & ~3u;
	int ttl = 48;

	while (pos >= 0x40 && ttl--) {
		if (cfg[pos] == id)
			return pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* An IOMMU translates for the function when its group's domain pages. */
static int sysfs_iommu_translates(const struct pci_addr *a)
{
	char path[256], type[64];

	snprintf(path, sizeof(path), "%s/iommu_group/type", a->dir);
	if (sysfs_read(path, type, sizeof(type)))
		return 0;
	return !strncmp(type, "DMA", 3) || !strcmp(type, "unmanaged");
}

/* How many devices the function's IOMMU group has (0: no group). */
static int iommu_group_size(const struct pci_addr *a)
{
	char path[256];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/iommu_group/devices", a->dir);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

FIXTURE(pci) {
	int session;
	struct pci_addr edu;
	long sessions, resources;
	char override[64];
};

FIXTURE_SETUP(pci)
{
	char drv[64];

	ASSERT_EQ(0, pci_find(EDU_VENDOR, EDU_DEVICE, 0, &self->edu))
		TH_LOG("no edu device in this machine");
	pci_driver_of(&self->edu, drv, sizeof(drv));
	ASSERT_STREQ("", drv) TH_LOG("edu is bound to %s before the test", drv);
	pci_override_of(&self->edu, self->override, sizeof(self->override));
	self->sessions = genode_sessions();
	self->resources = genode_resources();
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session);
}

FIXTURE_TEARDOWN(pci)
{
	char drv[64], ovr[64];

	close(self->session);
	EXPECT_EQ(self->sessions, genode_sessions());
	EXPECT_EQ(self->resources, genode_resources());
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	pci_override_of(&self->edu, ovr, sizeof(ovr));
	EXPECT_STREQ(self->override, ovr);
}

TEST_F(pci, claim_binds_and_release_unbinds)
{
	char drv[64], ovr[64];
	int dev;

	EXPECT_EQ(0, proc_iomem_has("genode"));
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev) TH_LOG("claim: %s", strerror(-dev));
	EXPECT_EQ(FD_CLOEXEC, fcntl(dev, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(self->resources + 1, genode_resources());

	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);
	pci_override_of(&self->edu, ovr, sizeof(ovr));
	EXPECT_STREQ("genode", ovr);
	/* its BAR is requested, and decoding is on */
	EXPECT_EQ(1, proc_iomem_has("genode"));
	EXPECT_EQ(PCI_COMMAND_MEMORY,
		  pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);

	ASSERT_EQ(0, close(dev));
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	pci_override_of(&self->edu, ovr, sizeof(ovr));
	EXPECT_STREQ(self->override, ovr);
	EXPECT_EQ(0, proc_iomem_has("genode"));
}

TEST_F(pci, identity)
{
	unsigned char cfg[256];
	struct genode_pci_info info = { .argsz = sizeof(info) };
	unsigned int msi, mmc;
	char path[256];
	int dev, caps;

	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));

	EXPECT_EQ(EDU_VENDOR, info.vendor);
	EXPECT_EQ(EDU_DEVICE, info.device);
	EXPECT_EQ(sysfs_hex(self->edu.dir, "subsystem_vendor"), info.subsystem_vendor);
	EXPECT_EQ(sysfs_hex(self->edu.dir, "subsystem_device"), info.subsystem_device);
	EXPECT_EQ(sysfs_hex(self->edu.dir, "class"), info.class_code);
	EXPECT_EQ(sysfs_hex(self->edu.dir, "revision"), info.revision);
	EXPECT_EQ(self->edu.domain, info.domain);
	EXPECT_EQ(self->edu.bus, info.bus);
	EXPECT_EQ(self->edu.devfn, info.devfn);
	EXPECT_EQ(cfg[PCI_INTERRUPT_PIN], info.irq_pin);
	EXPECT_EQ(1, info.irq_pin);	/* edu raises INTA */
	snprintf(path, sizeof(path), "%s/config", self->edu.dir);
	EXPECT_EQ(file_size(path), info.cfg_size);

	/* edu has an MSI capability with one vector and no MSI-X */
	msi = find_cap(cfg, PCI_CAP_ID_MSI);
	ASSERT_NE(0, msi);
	mmc = (cfg[msi + 2] >> 1) & 7;
	EXPECT_EQ(1u << mmc, info.msi_vectors);
	EXPECT_EQ(0, find_cap(cfg, PCI_CAP_ID_MSIX));
	EXPECT_EQ(0, info.msix_vectors);

	/* isolated: translated, alone in its group, its MSIs remapped */
	caps = 0;
	if (sysfs_iommu_translates(&self->edu))
		caps |= GENODE_PCI_CAP_IOMMU;
	if (irq_remapping() == 1)
		caps |= GENODE_PCI_CAP_MSI_ISOLATED;
	if (sysfs_iommu_translates(&self->edu) && iommu_group_size(&self->edu) == 1 &&
	    irq_remapping() == 1)
		caps |= GENODE_PCI_CAP_ISOLATED;
	TH_LOG("IOMMU %d, group of %d, interrupt remapping %d",
	       sysfs_iommu_translates(&self->edu),
	       iommu_group_size(&self->edu), irq_remapping());
	snprintf(path, sizeof(path), "%s/reset", self->edu.dir);
	if (!access(path, F_OK))
		caps |= GENODE_PCI_CAP_RESET;
	if (find_cap(cfg, PCI_CAP_ID_EXP))
		caps |= GENODE_PCI_CAP_PCIE;
	EXPECT_EQ(caps, info.caps);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(0, info.__reserved);
	close(dev);
}

TEST_F(pci, device_ioctls_check_their_arguments)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	struct genode_pci_config cfg = { .argsz = sizeof(cfg), .width = 4 };
	struct genode_pci_reset rst = { .argsz = sizeof(rst) };
	int dev = pci_claim(self->session, &self->edu);

	ASSERT_LE(0, dev);

	info.argsz = offsetof(struct genode_pci_info, __reserved);
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, info.vendor);
	info.argsz = sizeof(info);
	info.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.flags = 0;
	info.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, info.vendor);

	cfg.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_CONFIG_READ, &cfg));
	EXPECT_EQ(EINVAL, errno);
	cfg.__reserved = 0;
	cfg.flags = 0x80000000;
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_CONFIG_READ, &cfg));
	EXPECT_EQ(EINVAL, errno);

	rst.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_RESET, &rst));
	EXPECT_EQ(EINVAL, errno);
	rst.flags = 0;
	rst.argsz = 4;
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_RESET, &rst));
	EXPECT_EQ(EINVAL, errno);

	/* session ioctls are not device ioctls and vice versa */
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_INFO, &info));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, _IO(GENODE_IOCTL_TYPE, 0x3f), &info));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_INFO, &info));
	EXPECT_EQ(ENOTTY, errno);
	close(dev);
}

TEST_F(pci, bar_table)
{
	unsigned long long start, end, flags;
	char path[256];
	FILE *f;
	int dev, i;

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	snprintf(path, sizeof(path), "%s/resource", self->edu.dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);

	for (i = 0; i < 6; i++) {
		struct genode_pci_bar_info bar = {
			.argsz = sizeof(bar),
			.index = i,
		};
		unsigned int want = 0;

		ASSERT_EQ(3, fscanf(f, "%llx %llx %llx", &start, &end, &flags));
		ASSERT_EQ(0, ioctl(dev, GENODE_PCI_BAR_INFO, &bar));
		EXPECT_EQ(i, bar.index);
		if (!start && !end) {
			EXPECT_EQ(0, bar.size) TH_LOG("BAR %d", i);
			EXPECT_EQ(0, bar.bar_flags) TH_LOG("BAR %d", i);
			continue;
		}
		EXPECT_EQ(start, bar.addr) TH_LOG("BAR %d", i);
		EXPECT_EQ(end - start + 1, bar.size) TH_LOG("BAR %d", i);
		if (flags & IORESOURCE_MEM)
			want |= GENODE_PCI_BAR_MEM;
		if (flags & IORESOURCE_IO)
			want |= GENODE_PCI_BAR_IO;
		if (flags & IORESOURCE_MEM_64)
			want |= GENODE_PCI_BAR_64;
		if (flags & IORESOURCE_PREFETCH)
			want |= GENODE_PCI_BAR_PREFETCH;
		EXPECT_EQ(want, bar.bar_flags) TH_LOG("BAR %d", i);
		if (i == 0) {
			/* edu: 1 MiB of 32-bit, non-prefetchable MMIO */
			EXPECT_EQ(GENODE_PCI_BAR_MEM, bar.bar_flags);
			EXPECT_EQ(1 << 20, bar.size);
		}
	}
	fclose(f);

	for (i = 6; i < 8; i++) {
		struct genode_pci_bar_info bar = {
			.argsz = sizeof(bar),
			.index = i == 6 ? 6 : 0xffffffff,
		};

		errno = 0;
		EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_BAR_INFO, &bar));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0, bar.size);
	}
	close(dev);
}

TEST_F(pci, config_reads)
{
	unsigned char cfg[256];
	unsigned int i, size;
	long v;
	int dev;

	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	/* claiming enabled decoding: refresh the command register */
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));

	EXPECT_EQ(EDU_DEVICE << 16 | EDU_VENDOR, pci_cfg_read(dev, 0, 4));
	for (i = 0; i < 64; i++)
		EXPECT_EQ(cfg[i], pci_cfg_read(dev, i, 1)) TH_LOG("byte %u", i);
	for (i = 0; i < 256; i += 2)
		EXPECT_EQ(cfg[i] | cfg[i + 1] << 8, pci_cfg_read(dev, i, 2))
			TH_LOG("word %u", i);
	for (i = 0; i < 256; i += 4)
		EXPECT_EQ((unsigned int)(cfg[i] | cfg[i + 1] << 8 |
					 cfg[i + 2] << 16 | (unsigned int)cfg[i + 3] << 24),
			  pci_cfg_read(dev, i, 4)) TH_LOG("dword %u", i);

	size = 256;
	{
		struct genode_pci_info info = { .argsz = sizeof(info) };

		ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));
		size = info.cfg_size;
	}
	v = pci_cfg_read(dev, size - 4, 4);
	EXPECT_LE(0, v);

	/* bad widths, unaligned offsets, beyond config space */
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, 0, 0));
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, 0, 3));
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, 0, 8));
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, 1, 2));
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, 2, 4));
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, size, 1));
	EXPECT_EQ(-EINVAL, pci_cfg_read(dev, 0xfffffffc, 4));
	close(dev);
}

TEST_F(pci, config_writes_that_are_refused)
{
	unsigned char before[256], after[256];
	unsigned int msi, off, cmd;
	int dev;

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, before, sizeof(before)));
	cmd = before[PCI_COMMAND] | before[PCI_COMMAND + 1] << 8;

	/* BARs and the ROM BAR, whatever the width */
	for (off = 0x10; off < 0x28; off += 4)
		EXPECT_EQ(-EPERM, pci_cfg_write(dev, off, 4, 0xffffffff))
			TH_LOG("BAR at 0x%x", off);
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, 0x13, 1, 0));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, 0x26, 2, 0));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_ROM_ADDRESS, 4, 0xfffff800));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_ROM_ADDRESS + 2, 2, 0));

	/* the MSI capability: control, address, data */
	msi = find_cap(before, PCI_CAP_ID_MSI);
	ASSERT_NE(0, msi);
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, msi + 2, 2, 1));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, msi + 4, 4, 0xfee00000));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, msi + 12, 2, 0x41));

	/* decoding and bus mastering, in any width */
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_COMMAND, 2, cmd ^ PCI_COMMAND_MEMORY));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_COMMAND, 2, cmd ^ PCI_COMMAND_IO));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_COMMAND, 2, cmd ^ PCI_COMMAND_MASTER));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_COMMAND, 1,
					(cmd & 0xff) ^ PCI_COMMAND_MASTER));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_COMMAND, 4,
					cmd ^ PCI_COMMAND_MEMORY));
	/* INTx disable is kept as it is: taken, and changes nothing */
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_COMMAND, 2,
				   cmd ^ PCI_COMMAND_INTX_DISABLE));
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_COMMAND + 1, 1,
				   (cmd >> 8) ^ (PCI_COMMAND_INTX_DISABLE >> 8)));

	/* values wider than the access */
	EXPECT_EQ(-EINVAL, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 1, 0x100));
	EXPECT_EQ(-EINVAL, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 2, 0x10000));
	EXPECT_EQ(-EINVAL, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 3, 0));
	EXPECT_EQ(-EINVAL, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE + 1, 2, 0));

	/* nothing changed */
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));

	/* what is not the kernel's can be written */
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_COMMAND, 2, cmd));
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 1, 0x10));
	EXPECT_EQ(0x10, pci_cfg_read(dev, PCI_CACHE_LINE_SIZE, 1));
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, after, sizeof(after)));
	EXPECT_EQ(0x10, after[PCI_CACHE_LINE_SIZE]);
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 1,
				   before[PCI_CACHE_LINE_SIZE]));
	EXPECT_EQ(before[PCI_CACHE_LINE_SIZE],
		  pci_cfg_read(dev, PCI_CACHE_LINE_SIZE, 1));
	close(dev);
}

/*
 * After GENODE_REVOKE of a device fd, everything made from it or asked
 * of it is ENODEV: the device's resources (IO BAR, BAR region, IRQ, DMA
 * buffer, IOMMU domain), every ioctl of the device fd, its DMA mask, and
 * the buffer that its release revoked.
 */
TEST_F(pci, calls_on_a_revoked_device_are_enodev)
{
	struct genode_iommu_domain_alloc dom;
	struct genode_pci_bar_info bar;
	struct genode_pci_info info;
	uint32_t cfg = 0;
	int dev, buf;

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	buf = genode_dma_alloc(self->session, 4096, GENODE_DMA_CACHED, dev,
			       NULL, NULL, NULL);
	ASSERT_LE(0, buf);
	ASSERT_EQ(0, genode_revoke(self->session, dev));

	EXPECT_EQ(-ENODEV, genode_ioport_open_bar(self->session, dev, 0, NULL,
						  NULL));
	EXPECT_EQ(-ENODEV, genode_iomem_request_bar(self->session, dev, 0, 0));
	EXPECT_EQ(-ENODEV, genode_irq_open_pci(self->session, dev,
					       GENODE_IRQ_SOURCE_INTX, 0, 0));
	EXPECT_EQ(-ENODEV, genode_dma_alloc(self->session, 4096,
					    GENODE_DMA_CACHED, dev, NULL, NULL,
					    NULL));
	EXPECT_EQ(-ENODEV, genode_dma_set_mask(self->session, dev, 32));
	EXPECT_EQ(-ENODEV, genode_dma_sync(buf, GENODE_DMA_SYNC_FOR_CPU, 0,
					   4096, GENODE_DMA_BIDIRECTIONAL));
	EXPECT_EQ(-ENODEV, domain_alloc(self->session, dev, &dom));
	EXPECT_EQ(-ENODEV, genode_pci_query_info(dev, &info));
	EXPECT_EQ(-ENODEV, genode_pci_query_bar(dev, 0, &bar));
	EXPECT_EQ(-ENODEV, genode_pci_config_read(dev, PCI_COMMAND, 2, &cfg));
	EXPECT_EQ(-ENODEV, genode_pci_config_write(dev, PCI_CACHE_LINE_SIZE,
						   1, 0));
	EXPECT_EQ(-ENODEV, pci_bus_master(dev, 0));
	EXPECT_EQ(-ENODEV, genode_pci_reset(dev));
	close(buf);
	close(dev);
	EXPECT_EQ(self->resources, genode_resources());
}

/*
 * Without a free fd every creating call is EMFILE and leaves nothing: no
 * resource, and the function of a refused claim (ICH9's SMBus
 * controller, which nobody assigned) unbound again.
 */
TEST_F(pci, creating_calls_without_a_free_fd_are_emfile)
{
	struct genode_iommu_domain_alloc dom;
	struct pci_addr smbus;
	struct rlimit old;
	int fds[64], n, dev, fd;
	long before;
	char drv[64];
	bool iommu;

	ASSERT_EQ(0, pci_find_class(0x0c0500, 0xffff00, &smbus));
	pci_driver_of(&smbus, drv, sizeof(drv));
	if (drv[0])
		SKIP(return, "%s is bound to %s", smbus.name, drv);
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	iommu = pci_translated(dev);
	before = genode_resources();

	n = fds_use_up(fds, 64, &old);
	ASSERT_LE(0, n) TH_LOG("fds: %s", strerror(-n));
	EXPECT_EQ(-EMFILE, pci_claim(self->session, &smbus));
	EXPECT_EQ(-EMFILE, genode_iomem_request_bar(self->session, dev, 0, 0));
	EXPECT_EQ(-EMFILE, genode_irq_open_pci(self->session, dev,
					       GENODE_IRQ_SOURCE_INTX, 0, 0));
	EXPECT_EQ(-EMFILE, genode_ioport_open(self->session, UART_COM2,
					      UART_PORTS));
	EXPECT_EQ(-EMFILE, genode_irq_open_line(self->session, 3, 0));
	EXPECT_EQ(-EMFILE, genode_dma_alloc(self->session, 4096,
					    GENODE_DMA_CACHED, GENODE_NO_DEVICE,
					    NULL, NULL, NULL));
	/* without an IOMMU for edu there is no domain to install */
	EXPECT_EQ(iommu ? -EMFILE : -ENODEV, domain_alloc(self->session, dev, &dom));
	ASSERT_EQ(0, fds_give_back(fds, n, &old));

	EXPECT_EQ(before, genode_resources());
	pci_driver_of(&smbus, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	/* and the same calls work with an fd to spare */
	fd = genode_iomem_request_bar(self->session, dev, 0, 0);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	fd = pci_claim(self->session, &smbus);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	pci_driver_of(&smbus, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	close(dev);
}

struct enfile_calls {
	int session, dev;
	bool iommu;
	struct pci_addr smbus;
};

/* The creating calls of the EMFILE test, each expected to be ENFILE. */
static int creating_calls_are_enfile(void *arg)
{
	const struct enfile_calls *c = arg;
	struct genode_iommu_domain_alloc dom;
	int bad = 0;

	/* without CAP_SYS_ADMIN the system-wide file limit applies */
	if (drop_cap(CAP_SYS_ADMIN))
		return 100;
	bad += pci_claim(c->session, &c->smbus) != -ENFILE;
	bad += genode_iomem_request_bar(c->session, c->dev, 0, 0) != -ENFILE;
	bad += genode_irq_open_pci(c->session, c->dev, GENODE_IRQ_SOURCE_INTX,
				   0, 0) != -ENFILE;
	bad += genode_ioport_open(c->session, UART_COM2, UART_PORTS) != -ENFILE;
	bad += genode_irq_open_line(c->session, 3, 0) != -ENFILE;
	bad += genode_dma_alloc(c->session, 4096, GENODE_DMA_CACHED,
				GENODE_NO_DEVICE, NULL, NULL, NULL) != -ENFILE;
	bad += domain_alloc(c->session, c->dev, &dom) !=
	       (c->iommu ? -ENFILE : -ENODEV);
	return bad;
}

/*
 * With no file left in the system (fs.file-max below the files open, for
 * a process without CAP_SYS_ADMIN) every creating call is ENFILE and
 * leaves nothing, as with EMFILE above.
 */
TEST_F(pci, creating_calls_without_a_free_file_are_enfile)
{
	struct enfile_calls c = { .session = self->session };
	char old_max[64], drv[64];
	long before;
	int st;

	ASSERT_EQ(0, pci_find_class(0x0c0500, 0xffff00, &c.smbus));
	pci_driver_of(&c.smbus, drv, sizeof(drv));
	if (drv[0])
		SKIP(return, "%s is bound to %s", c.smbus.name, drv);
	c.dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, c.dev);
	c.iommu = pci_translated(c.dev);
	before = genode_resources();

	ASSERT_EQ(0, sysfs_read("/proc/sys/fs/file-max", old_max,
				sizeof(old_max)));
	/*
	 * 0, not 1: the kernel compares the limit with a per-CPU counter's
	 * quick reading first, which can lag behind at 0 in a small VM.
	 */
	ASSERT_EQ(0, sysfs_write("/proc/sys/fs/file-max", "0"));
	st = run_in_child(creating_calls_are_enfile, &c);
	ASSERT_EQ(0, sysfs_write("/proc/sys/fs/file-max", old_max));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("%d calls were not ENFILE",
					     WEXITSTATUS(st));

	EXPECT_EQ(before, genode_resources());
	pci_driver_of(&c.smbus, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	close(c.dev);
}

TEST_F(pci, bus_master_toggles)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	unsigned char cfg[64];
	int dev, status;
	pid_t pid;

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);

	ASSERT_EQ(0, pci_bus_master(dev, 1));
	EXPECT_EQ(PCI_COMMAND_MASTER, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	EXPECT_EQ(PCI_COMMAND_MASTER, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);

	ASSERT_EQ(0, pci_bus_master(dev, 0));
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	EXPECT_EQ(0, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);

	EXPECT_EQ(-EINVAL, pci_bus_master(dev, 2));
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);

	/* without CAP_SYS_RAWIO: only where the device's DMA is isolated */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int want = info.caps & GENODE_PCI_CAP_ISOLATED ? 0 : -EPERM;

		if (drop_cap_sys_rawio())
			_exit(10);
		if (pci_bus_master(dev, 1) != want)
			_exit(11);
		if (pci_bus_master(dev, 0))
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: capset, 11: enable gave the wrong answer, 12: disable failed");
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	EXPECT_EQ(sysfs_iommu_translates(&self->edu),
		  !!(info.caps & GENODE_PCI_CAP_IOMMU));

	/* the release clears it */
	ASSERT_EQ(0, pci_bus_master(dev, 1));
	close(dev);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	EXPECT_EQ(0, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);
}

/*
 * Bus mastering that firmware or an earlier driver left on does not
 * survive the claim: without it, a session without CAP_SYS_RAWIO would
 * have a device that reaches all memory.
 */
TEST_F(pci, claim_clears_bus_mastering_left_on)
{
	unsigned char cfg[64];
	char path[256];
	uint16_t cmd;
	int fd, dev;

	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	cmd = cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8;
	cmd |= PCI_COMMAND_MASTER;
	snprintf(path, sizeof(path), "%s/config", self->edu.dir);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2, pwrite(fd, &cmd, 2, PCI_COMMAND));
	close(fd);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	ASSERT_EQ(PCI_COMMAND_MASTER, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	EXPECT_EQ(0, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);
	close(dev);
}

/* A BAR is requested with a device fd of the caller's session only. */
TEST_F(pci, bar_of_another_sessions_device_is_refused)
{
	struct genode_iomem_request r = {
		.argsz = sizeof(r), .flags = GENODE_IOMEM_BAR, .bar = 0,
	};
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	int dev;

	ASSERT_LE(0, other);
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	r.device_fd = dev;
	errno = 0;
	EXPECT_EQ(-1, ioctl(other, GENODE_IOMEM_REQUEST, &r));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(self->resources + 1, genode_resources());
	/* the holder's own session may */
	ASSERT_EQ(0, ioctl(self->session, GENODE_IOMEM_REQUEST, &r));
	close(r.fd);
	close(dev);
	close(other);
}

/*
 * A function that shares its IOMMU group (ICH9's functions at 00:1f.*, a
 * multi-function device without ACS) is translated but not isolated: bus
 * mastering for it needs CAP_SYS_RAWIO.  Prints the machine's groups.
 */
TEST_F(pci, shared_iommu_group_is_not_isolated)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	struct pci_addr f;
	char drv[64], cmd[160];
	int dev, status;
	pid_t pid;

	snprintf(cmd, sizeof(cmd),
		 "for g in /sys/kernel/iommu_groups/*; do echo \"# group ${g##*/}:\" $(ls $g/devices); done");
	system(cmd);
	/* ICH9's SMBus controller, a function of the multi-function 00:1f */
	ASSERT_EQ(0, pci_find_class(0x0c0500, 0xffff00, &f));
	pci_driver_of(&f, drv, sizeof(drv));
	if (drv[0])
		SKIP(return, "%s is bound to %s", f.name, drv);
	dev = pci_claim(self->session, &f);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(sysfs_iommu_translates(&f), !!(info.caps & GENODE_PCI_CAP_IOMMU));
	if (sysfs_iommu_translates(&f)) {
		/* q35 puts all of 00:1f.* in one group */
		EXPECT_LT(1, iommu_group_size(&f));
	}
	EXPECT_EQ(0, info.caps & GENODE_PCI_CAP_ISOLATED);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_cap_sys_rawio())
			_exit(10);
		_exit(pci_bus_master(dev, 1) == -EPERM ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("10: capset, 11: not EPERM");
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	/* with the capability */
	EXPECT_EQ(0, pci_bus_master(dev, 1));
	EXPECT_EQ(0, pci_bus_master(dev, 0));
	close(dev);
}

/* Are a and b in one IOMMU group?  1, 0, or -errno (no group). */
static int same_iommu_group(const struct pci_addr *a, const struct pci_addr *b)
{
	char path[256], ga[256], gb[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/iommu_group", a->dir);
	n = readlink(path, ga, sizeof(ga) - 1);
	if (n < 0)
		return -errno;
	ga[n] = '\0';
	snprintf(path, sizeof(path), "%s/iommu_group", b->dir);
	n = readlink(path, gb, sizeof(gb) - 1);
	if (n < 0)
		return -errno;
	gb[n] = '\0';
	return !strcmp(ga, gb);
}

/*
 * A kernel driver that binds to another function of a claimed function's
 * IOMMU group shares the claim's DMA domain: the claim's bus mastering is
 * switched off before the driver's probe, so that the claimed device
 * reaches nothing the driver maps.  Here ICH9's SMBus controller is
 * claimed and bus-mastering, and its sibling AHCI (00:1f.2) is bound to
 * uio_pci_generic.
 */
TEST_F(pci, kernel_driver_on_a_group_sibling_turns_bus_mastering_off)
{
	struct pci_addr smbus, ahci;
	char drv[64];
	int dev;

	ASSERT_EQ(0, pci_find_class(0x0c0500, 0xffff00, &smbus));
	ASSERT_EQ(0, pci_find_class(0x010601, 0xffffff, &ahci));
	if (same_iommu_group(&smbus, &ahci) != 1)
		SKIP(return, "%s and %s share no IOMMU group (no IOMMU)",
		     smbus.name, ahci.name);
	pci_driver_of(&smbus, drv, sizeof(drv));
	if (drv[0])
		SKIP(return, "%s is bound to %s", smbus.name, drv);
	pci_driver_of(&ahci, drv, sizeof(drv));
	if (drv[0])
		SKIP(return, "%s is bound to %s", ahci.name, drv);

	dev = pci_claim(self->session, &smbus);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, pci_bus_master(dev, 1));
	ASSERT_EQ(PCI_COMMAND_MASTER,
		  pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);

	ASSERT_EQ(0, system("modprobe uio_pci_generic"));
	EXPECT_EQ(0, pci_bind(&ahci, "uio_pci_generic"));
	EXPECT_EQ(0, pci_cfg_read(dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	/* the claim lives on; with CAP_SYS_RAWIO it masters again */
	EXPECT_EQ(0, pci_bus_master(dev, 1));
	EXPECT_EQ(0, pci_bus_master(dev, 0));

	EXPECT_EQ(0, pci_unbind(&ahci));
	EXPECT_EQ(0, system("rmmod uio_pci_generic"));
	close(dev);
}

TEST_F(pci, reset_where_the_function_can)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	struct genode_pci_reset rst = { .argsz = sizeof(rst) };
	unsigned char before[64], after[64];
	char path[256];
	int dev, ret;

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));
	snprintf(path, sizeof(path), "%s/reset", self->edu.dir);
	/* the kernel shows "reset" in sysfs exactly when it can reset */
	EXPECT_EQ(!access(path, F_OK), !!(info.caps & GENODE_PCI_CAP_RESET));

	ASSERT_EQ(0, pci_sysfs_config(&self->edu, before, sizeof(before)));
	ret = ioctl(dev, GENODE_PCI_RESET, &rst) ? -errno : 0;
	if (info.caps & GENODE_PCI_CAP_RESET) {
		EXPECT_EQ(0, ret);
	} else {
		EXPECT_EQ(-ENOTTY, ret);
	}
	/* the header is the same afterwards: saved and restored */
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));
	close(dev);
}

/* A thread that reads a register through a BAR mapping until told to stop. */
struct bar_reader {
	volatile uint32_t *bar;
	unsigned int reg;
	volatile int stop;
	unsigned long reads, bad;	/* bad: 0 or all ones, decode was off */
};

static void *bar_read_loop(void *arg)
{
	struct bar_reader *r = arg;

	while (!r->stop) {
		uint32_t v = mmio_read32(r->bar, r->reg);

		r->reads++;
		r->bad += v == 0 || v == 0xffffffff;
	}
	return NULL;
}

/*
 * A reset turns the function's decoding off for a while (the PCI core
 * saves and disables it, PM reset: D3hot and back); an access then ends in
 * an unsupported request, fatal on some machines (CVE-2020-12888 for
 * vfio).  So mappings of the BARs are zapped and faults wait for the end
 * of the reset.  e1000e has a PM reset; QEMU answers an access while
 * decoding is off with 0 or all ones, which its STATUS register never
 * reads.
 */
TEST(bar_accesses_wait_for_the_end_of_a_reset)
{
	struct bar_reader r = { .reg = E1000_STATUS };
	struct genode_pci_reset rst = { .argsz = sizeof(rst) };
	struct genode_iomem_info info;
	struct pci_addr nic;
	int s, dev, region, i;
	pthread_t th;

	dev = e1000e_open(&s, &nic);
	if (dev == -ENODEV && s < 0)
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	ASSERT_LE(0, s);
	ASSERT_LE(0, dev);
	region = genode_iomem_request_bar(s, dev, 0, 0);
	ASSERT_LE(0, region);
	ASSERT_EQ(0, iomem_map(region, &info, &r.bar));
	ASSERT_NE(0, mmio_read32(r.bar, r.reg));
	ASSERT_NE(0xffffffff, mmio_read32(r.bar, r.reg));

	ASSERT_EQ(0, pthread_create(&th, NULL, bar_read_loop, &r));
	for (i = 0; i < 30; i++) {
		ASSERT_EQ(0, ioctl(dev, GENODE_PCI_RESET, &rst))
			TH_LOG("reset %d: %s", i, strerror(errno));
		msleep(2);
	}
	r.stop = 1;
	pthread_join(th, NULL);
	TH_LOG("%lu reads during 30 resets", r.reads);
	EXPECT_LT(30, r.reads);
	EXPECT_EQ(0, r.bad);

	iomem_unmap(r.bar, &info);
	close(region);
	close(dev);
	close(s);
}

/* A thread that resets a function through sysfs (under its device lock). */
struct sysfs_resetter {
	char path[128];
	volatile int stop;
	unsigned long resets;
};

static void *sysfs_reset_loop(void *arg)
{
	struct sysfs_resetter *r = arg;

	while (!r->stop)
		r->resets += !sysfs_write(r->path, "1");
	return NULL;
}

/*
 * GENODE_PCI_RESET only tries the device lock: while the kernel holds it
 * (here a reset through sysfs, which e1000e's PM reset keeps for some
 * milliseconds), the call is EAGAIN, and nothing else.
 */
TEST(reset_while_the_kernel_holds_the_device_is_eagain)
{
	struct genode_pci_reset rst = { .argsz = sizeof(rst) };
	struct sysfs_resetter r = { 0 };
	unsigned int i, again = 0, done = 0, other = 0;
	struct pci_addr nic;
	pthread_t th;
	int s, dev;

	dev = e1000e_open(&s, &nic);
	if (dev == -ENODEV && s < 0)
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	ASSERT_LE(0, s);
	ASSERT_LE(0, dev);
	snprintf(r.path, sizeof(r.path), "%s/reset", nic.dir);
	ASSERT_EQ(0, access(r.path, W_OK));

	ASSERT_EQ(0, pthread_create(&th, NULL, sysfs_reset_loop, &r));
	for (i = 0; i < 200 && !(again && r.resets > 2); i++) {
		if (!ioctl(dev, GENODE_PCI_RESET, &rst))
			done++;
		else if (errno == EAGAIN)
			again++;
		else
			other++;
		msleep(1);
	}
	r.stop = 1;
	pthread_join(th, NULL);
	TH_LOG("%u calls: %u EAGAIN, %u done, beside %lu resets through sysfs",
	       i, again, done, r.resets);
	EXPECT_LT(0, again);
	EXPECT_EQ(0, other);
	/* with the kernel's lock free again, the reset is done */
	EXPECT_EQ(0, ioctl(dev, GENODE_PCI_RESET, &rst));
	close(dev);
	close(s);
}

/* The offset of extended capability id in cfg (4096 bytes), or 0. */
static unsigned int find_ext_cap(const unsigned char *cfg, unsigned int id)
{
	unsigned int pos = 0x100;
	int ttl = 960;

	while (pos >= 0x100 && pos < 4096 && ttl--) {
		uint32_t hdr;

		memcpy(&hdr, cfg + pos, 4);
		if (!hdr)
			return 0;
		if ((hdr & 0xffff) == id)
			return pos;
		pos = hdr >> 20;
	}
	return 0;
}

/*
 * Config writes follow an allow list (GENODE_PCI_CONFIG_WRITE), checked on
 * e1000e: PCI Express with PM, MSI, MSI-X, AER and a serial number.
 */
TEST(config_writes_follow_an_allow_list)
{
	unsigned char before[4096], after[4096];
	unsigned int pm, exp, msix, aer, dsn;
	struct pci_addr nic;
	int s, dev;
	long v;

	dev = e1000e_open(&s, &nic);
	if (dev == -ENODEV && s < 0)
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	ASSERT_LE(0, s);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, pci_sysfs_config(&nic, before, sizeof(before)));
	pm = find_cap(before, PCI_CAP_ID_PM);
	exp = find_cap(before, PCI_CAP_ID_EXP);
	msix = find_cap(before, PCI_CAP_ID_MSIX);
	aer = find_ext_cap(before, PCI_EXT_CAP_ID_ERR);
	dsn = find_ext_cap(before, PCI_EXT_CAP_ID_DSN);
	ASSERT_TRUE(pm && exp && msix && aer && dsn)
		TH_LOG("PM 0x%x, PCIe 0x%x, MSI-X 0x%x, AER 0x%x, DSN 0x%x",
		       pm, exp, msix, aer, dsn);

	/* read-only: identity, BIST, the capability list, the serial number */
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_SUBSYSTEM_VENDOR_ID, 2, 0x1234));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_BIST, 1, PCI_BIST_START));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_CAPABILITY_LIST, 1, 0x40));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, exp + PCI_CAP_LIST_NEXT, 1, 0));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, dsn + 4, 4, 0x12345678));
	/* the kernel's: MSI-X; reset and payload size are not the holder's */
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, msix + PCI_MSIX_FLAGS, 2,
					before[msix + 2] | before[msix + 3] << 8));
	v = pci_cfg_read(dev, exp + PCI_EXP_DEVCTL, 2);
	ASSERT_LE(0, v);
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, exp + PCI_EXP_DEVCTL, 2,
					v ^ PCI_EXP_DEVCTL_PAYLOAD));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, exp + PCI_EXP_DEVCTL, 2,
					v ^ PCI_EXP_DEVCTL_PHANTOM));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, exp + PCI_EXP_DEVCTL, 2,
					v | PCI_EXP_DEVCTL_BCR_FLR));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, pm + PCI_PM_CTRL, 2,
					3 /* D3hot */));
	/* refused writes write nothing */
	ASSERT_EQ(0, pci_sysfs_config(&nic, after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));

	/* writable: error reporting, AER's masks, PME enable, the rest */
	EXPECT_EQ(0, pci_cfg_write(dev, exp + PCI_EXP_DEVCTL, 2,
				   v | PCI_EXP_DEVCTL_URRE));
	EXPECT_EQ(0, pci_cfg_write(dev, exp + PCI_EXP_DEVCTL, 2, v));
	/* (which of AER's bits stick is the device's business) */
	EXPECT_EQ(0, pci_cfg_write(dev, aer + PCI_ERR_UNCOR_MASK, 4,
				   PCI_ERR_UNC_POISON_TLP));
	EXPECT_EQ(0, pci_cfg_write(dev, aer + PCI_ERR_UNCOR_MASK, 4,
				   before[aer + 8] | before[aer + 9] << 8 |
				   before[aer + 10] << 16 |
				   (uint32_t)before[aer + 11] << 24));
	EXPECT_EQ(0, pci_cfg_write(dev, pm + PCI_PM_CTRL + 1, 1,
				   (before[pm + PCI_PM_CTRL + 1] ^
				    (PCI_PM_CTRL_PME_ENABLE >> 8))));
	EXPECT_EQ(0, pci_cfg_write(dev, pm + PCI_PM_CTRL + 1, 1,
				   before[pm + PCI_PM_CTRL + 1]));
	/* a read-only byte written as it is, beside a writable one */
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 4,
				   before[PCI_CACHE_LINE_SIZE] |
				   before[PCI_LATENCY_TIMER] << 8 |
				   before[PCI_HEADER_TYPE] << 16 |
				   (uint32_t)before[PCI_BIST] << 24));
	close(dev);
	close(s);
}

/*
 * A capability the filter knows nothing of is locked: SR-IOV here, whose
 * VF Enable would make the function spawn virtual functions the kernel
 * never enumerated (QEMU's NVMe controller with sriov_max_vfs, which make
 * check adds to the iommu=noir boot of this program).
 */
TEST(unknown_extended_capability_is_locked)
{
	unsigned char before[4096], after[4096];
	char path[300], numvfs[16] = "";
	struct pci_addr nvme, vf;
	unsigned int sriov;
	int s, dev;

	if (pci_find(0x1b36, 0x0010, 0, &nvme))
		SKIP(return, "no NVMe controller (QEMU's 1b36:0010) in this VM");
	ASSERT_EQ(0, pci_sysfs_config(&nvme, before, sizeof(before)));
	sriov = find_ext_cap(before, PCI_EXT_CAP_ID_SRIOV);
	if (!sriov)
		SKIP(return, "the NVMe controller has no SR-IOV capability (sriov_max_vfs=0)");
	s = genode_session_open(NULL);
	ASSERT_LE(0, s);
	dev = pci_claim(s, &nvme);
	ASSERT_LE(0, dev) TH_LOG("claim %s: %s", nvme.name, strerror(-dev));
	ASSERT_EQ(0, pci_sysfs_config(&nvme, before, sizeof(before)));

	EXPECT_EQ(-EPERM, pci_cfg_write(dev, sriov + PCI_SRIOV_NUM_VF, 2, 1));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, sriov + PCI_SRIOV_CTRL, 2,
					PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, sriov + PCI_SRIOV_CTRL, 1,
					PCI_SRIOV_CTRL_VFE));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, sriov + PCI_SRIOV_CTRL, 4,
					PCI_SRIOV_CTRL_VFE));
	/* nothing written, no virtual function made */
	ASSERT_EQ(0, pci_sysfs_config(&nvme, after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));
	snprintf(path, sizeof(path), "%s/sriov_numvfs", nvme.dir);
	EXPECT_EQ(0, sysfs_read(path, numvfs, sizeof(numvfs)));
	EXPECT_STREQ("0", numvfs);
	EXPECT_EQ(-ENODEV, pci_find(0x1b36, 0x0010, 1, &vf));
	close(dev);
	close(s);
}

TEST_F(pci, claims_that_are_refused)
{
	struct genode_pci_claim c = { .argsz = sizeof(c), .fd = -1 };
	struct pci_addr none;
	unsigned int devfn;
	char path[256];

	/* a function that does not exist on bus 0 */
	for (devfn = 0; devfn < 256; devfn++) {
		pci_addr_set(&none, 0, 0, devfn);
		if (access(none.dir, F_OK))
			break;
	}
	ASSERT_GT(256, devfn);
	EXPECT_EQ(-ENODEV, pci_claim(self->session, &none));
	pci_addr_set(&none, 0x7fff, 0, 0);
	EXPECT_EQ(-ENODEV, pci_claim(self->session, &none));
	pci_addr_set(&none, 0xffffffff, 0, 0);
	EXPECT_EQ(-ENODEV, pci_claim(self->session, &none));

	c.domain = self->edu.domain;
	c.bus = 256;
	c.devfn = self->edu.devfn;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_CLAIM, &c));
	EXPECT_EQ(EINVAL, errno);
	c.bus = self->edu.bus;
	c.devfn = 256;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_CLAIM, &c));
	EXPECT_EQ(EINVAL, errno);
	c.devfn = self->edu.devfn;
	c.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_CLAIM, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = 0;
	c.argsz = offsetof(struct genode_pci_claim, fd);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_PCI_CLAIM, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, c.fd);

	/* nothing claimed, nothing bound */
	EXPECT_EQ(self->resources, genode_resources());
	snprintf(path, sizeof(path), "%s/driver", self->edu.dir);
	EXPECT_NE(0, access(path, F_OK));
}

TEST_F(pci, bridge_is_refused)
{
	struct pci_addr br;

	/* PCI-to-PCI bridges (class 0604) and CardBus bridges (0607) */
	if (pci_find_class(0x060400, 0xffff00, &br) &&
	    pci_find_class(0x060700, 0xffff00, &br))
		SKIP(return, "no PCI-to-PCI or CardBus bridge in this machine");
	EXPECT_EQ(-EINVAL, pci_claim(self->session, &br));
}

/*
 * Host and ISA/LPC bridges have a type-0 header, and their registers route
 * the chipset's decoding and interrupts: no session may claim one, bound to
 * a driver or not, and the refusal changes nothing.
 */
TEST_F(pci, platform_functions_are_refused)
{
	static const unsigned int classes[] = { 0x060000, 0x060100 };
	char before[64], after[64], path[256];
	struct pci_addr f;
	int tried = 0;

	for (unsigned int i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (pci_find_class(classes[i], 0xffff00, &f))
			continue;
		tried++;
		pci_driver_of(&f, before, sizeof(before));
		EXPECT_EQ(-EINVAL, pci_claim(self->session, &f))
			TH_LOG("%s (class %06x)", f.name, classes[i]);
		pci_driver_of(&f, after, sizeof(after));
		EXPECT_STREQ(before, after);
		if (before[0])
			continue;
		/* nor can the administrator assign one to genode.ko */
		snprintf(path, sizeof(path), "%s/driver_override", f.dir);
		ASSERT_EQ(0, sysfs_write(path, "genode"));
		sysfs_write("/sys/bus/pci/drivers_probe", f.name);
		pci_driver_of(&f, after, sizeof(after));
		EXPECT_STREQ("", after);
		EXPECT_EQ(0, sysfs_write(path, "\n"));
	}
	/* the q35 machine has both: 00:00.0 and 00:1f.0 */
	EXPECT_EQ(2, tried);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(pci, second_claim_is_busy)
{
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	int dev, dev2;

	ASSERT_LE(0, other);
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-EBUSY, pci_claim(self->session, &self->edu));
	EXPECT_EQ(-EBUSY, pci_claim(other, &self->edu));
	EXPECT_EQ(self->resources + 1, genode_resources());
	/* the holder still has it */
	EXPECT_EQ(EDU_DEVICE << 16 | EDU_VENDOR, pci_cfg_read(dev, 0, 4));

	close(dev);
	dev2 = pci_claim(other, &self->edu);
	EXPECT_LE(0, dev2);
	close(dev2);
	close(other);
}

TEST_F(pci, device_of_another_driver_is_busy)
{
	struct pci_addr *edu = &self->edu;
	char drv[64], ovr[64], path[256];

	ASSERT_EQ(0, system("modprobe uio_pci_generic"));
	/* edu, bound to uio_pci_generic */
	snprintf(path, sizeof(path), "%s/driver_override", edu->dir);
	ASSERT_EQ(0, sysfs_write(path, "uio_pci_generic"));
	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers_probe", edu->name));
	pci_driver_of(edu, drv, sizeof(drv));
	ASSERT_STREQ("uio_pci_generic", drv);

	EXPECT_EQ(-EBUSY, pci_claim(self->session, edu));
	pci_driver_of(edu, drv, sizeof(drv));
	EXPECT_STREQ("uio_pci_generic", drv);
	pci_override_of(edu, ovr, sizeof(ovr));
	EXPECT_STREQ("uio_pci_generic", ovr);
	EXPECT_EQ(self->resources, genode_resources());

	EXPECT_EQ(0, sysfs_write("/sys/bus/pci/drivers/uio_pci_generic/unbind",
				 edu->name));
	EXPECT_EQ(0, sysfs_write(path, "\n"));
	EXPECT_EQ(0, system("rmmod uio_pci_generic"));
}

TEST_F(pci, override_for_another_driver_is_busy)
{
	char drv[64], ovr[64], path[256];

	snprintf(path, sizeof(path), "%s/driver_override", self->edu.dir);
	ASSERT_EQ(0, sysfs_write(path, "uio_pci_generic"));
	EXPECT_EQ(-EBUSY, pci_claim(self->session, &self->edu));
	pci_override_of(&self->edu, ovr, sizeof(ovr));
	EXPECT_STREQ("uio_pci_generic", ovr);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	ASSERT_EQ(0, sysfs_write(path, "\n"));
}

TEST_F(pci, revoke_releases_the_device)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	struct genode_revoke rv = { .argsz = sizeof(rv) };
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	char drv[64];
	int dev, dev2;

	ASSERT_LE(0, other);
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, pci_bus_master(dev, 1));
	rv.fd = dev;

	/* only the creating session may revoke */
	errno = 0;
	EXPECT_EQ(-1, ioctl(other, GENODE_REVOKE, &rv));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));

	ASSERT_EQ(0, ioctl(self->session, GENODE_REVOKE, &rv));
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, pci_cfg_read(dev, 0, 4));
	EXPECT_EQ(-ENODEV, pci_bus_master(dev, 0));
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_REVOKE, &rv));
	EXPECT_EQ(ENODEV, errno);

	/* claimable again while the revoked fd is still open */
	dev2 = pci_claim(other, &self->edu);
	ASSERT_LE(0, dev2);
	EXPECT_EQ(0, pci_cfg_read(dev2, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	close(dev2);
	close(dev);
	close(other);
}

TEST_F(pci, kill9_of_the_holder_releases_the_device)
{
	unsigned char cfg[64];
	int pipefd[2], dev;
	char c, drv[64];
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int s = open(GENODE_DEV_PATH, O_RDWR);
		int d = s < 0 ? -1 : pci_claim(s, &self->edu);

		if (d < 0 || pci_bus_master(d, 1))
			_exit(1);
		close(s);	/* the device fd alone holds the claim */
		if (write(pipefd[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);
	EXPECT_EQ(-EBUSY, pci_claim(self->session, &self->edu));
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	EXPECT_EQ(PCI_COMMAND_MASTER, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);

	ASSERT_EQ(0, child_kill(pid));

	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	ASSERT_EQ(0, pci_sysfs_config(&self->edu, cfg, sizeof(cfg)));
	EXPECT_EQ(0, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(self->sessions + 1, genode_sessions());
	dev = pci_claim(self->session, &self->edu);
	EXPECT_LE(0, dev);
	close(dev);
}

TEST_F(pci, device_fd_passed_to_another_process)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	int sv[2], dev, status;
	char drv[64];
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int s = open(GENODE_DEV_PATH, O_RDWR);
		int d = s < 0 ? -1 : pci_claim(s, &self->edu);

		_exit(d < 0 || send_fd(sv[1], d) ? 1 : 0);
	}
	close(sv[1]);
	dev = recv_fd(sv[0]);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, dev);

	/* the claimer is gone; the claim lives on in the passed fd */
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(EDU_DEVICE, info.device);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);
	EXPECT_EQ(-EBUSY, pci_claim(self->session, &self->edu));
	close(dev);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
}

TEST_F(pci, unbind_through_sysfs_ends_the_claim)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	char drv[64];
	int dev, dev2;

	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, pci_bus_master(dev, 1));
	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/genode/unbind",
				 self->edu.name));
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	errno = 0;
	EXPECT_EQ(-1, ioctl(dev, GENODE_PCI_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, pci_cfg_read(dev, 0, 4));

	/* a new claim works while the old fd is open */
	dev2 = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev2);
	EXPECT_EQ(0, pci_cfg_read(dev2, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	close(dev2);
	close(dev);
}

#define CLAIMERS 4
#define ROUNDS 50

static int holders;

static void *claim_loop(void *arg)
{
	const struct pci_addr *edu = arg;
	long bad = 0;
	int s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);

	if (s < 0)
		return (void *)1;
	for (int i = 0; i < ROUNDS; i++) {
		int dev = pci_claim(s, edu);

		if (dev >= 0) {
			if (__atomic_add_fetch(&holders, 1, __ATOMIC_SEQ_CST) != 1)
				bad++;
			if (pci_cfg_read(dev, 0, 4) != (EDU_DEVICE << 16 | EDU_VENDOR))
				bad++;
			__atomic_sub_fetch(&holders, 1, __ATOMIC_SEQ_CST);
			close(dev);
		} else if (dev != -EBUSY) {
			bad++;
		}
	}
	close(s);
	return (void *)bad;
}

/*
 * A claim that ended behind its back (unbound through sysfs) leaves the
 * function alone when its fd closes, if another session claimed it since.
 */
TEST_F(pci, stale_claim_leaves_a_later_claim_alone)
{
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	char drv[64];
	int dev, dev2;

	ASSERT_LE(0, other);
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/genode/unbind",
				 self->edu.name));
	EXPECT_EQ(-ENODEV, pci_cfg_read(dev, 0, 4));
	dev2 = pci_claim(other, &self->edu);
	ASSERT_LE(0, dev2);

	close(dev);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);
	EXPECT_EQ(EDU_DEVICE << 16 | EDU_VENDOR, pci_cfg_read(dev2, 0, 4));
	close(dev2);
	close(other);
}

TEST_F_TIMEOUT(pci, concurrent_claims_have_one_winner, 300)
{
	pthread_t th[CLAIMERS];
	void *bad;

	for (int i = 0; i < CLAIMERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, claim_loop, &self->edu));
	for (int i = 0; i < CLAIMERS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &bad));
		EXPECT_EQ(0, (long)bad);
	}
}

TEST_F(pci, function_assigned_through_sysfs_stays_bound)
{
	char drv[64], path[256];
	int dev;

	snprintf(path, sizeof(path), "%s/driver_override", self->edu.dir);
	ASSERT_EQ(0, sysfs_write(path, "genode"));
	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers_probe", self->edu.name));
	pci_driver_of(&self->edu, drv, sizeof(drv));
	ASSERT_STREQ("genode", drv);

	for (int i = 0; i < 2; i++) {
		dev = pci_claim(self->session, &self->edu);
		ASSERT_LE(0, dev);
		EXPECT_EQ(-EBUSY, pci_claim(self->session, &self->edu));
		close(dev);
		pci_driver_of(&self->edu, drv, sizeof(drv));
		EXPECT_STREQ("genode", drv);
	}

	EXPECT_EQ(0, sysfs_write("/sys/bus/pci/drivers/genode/unbind",
				 self->edu.name));
	EXPECT_EQ(0, sysfs_write(path, "\n"));
}

#define KO "/genode/genode.ko"

/* Reload genode.ko with @args; the insmod exit status. */
static int reload(const char *args)
{
	char cmd[256];

	if (system("rmmod genode 2>/dev/null") && !access(GENODE_DEV_PATH, F_OK))
		return -1;
	snprintf(cmd, sizeof(cmd), "insmod " KO " %s 2>/dev/null", args);
	return system(cmd);
}

TEST(functions_assigned_by_module_parameter)
{
	struct pci_addr edu;
	char drv[64], arg[64];
	int s, dev;

	if (access(KO, R_OK))
		SKIP(return, "no %s to reload", KO);
	ASSERT_EQ(0, pci_find(EDU_VENDOR, EDU_DEVICE, 0, &edu));

	/* malformed lists refuse the load */
	EXPECT_NE(0, reload("ids=1234"));
	EXPECT_NE(0, access(GENODE_DEV_PATH, F_OK));
	EXPECT_NE(0, reload("ids=zz:11e8"));
	EXPECT_NE(0, reload("ids=1234:11e8:1"));
	EXPECT_NE(0, reload("ids=12345:11e8"));

	snprintf(arg, sizeof(arg), "ids=8086:ffff,%04x:%04x", EDU_VENDOR, EDU_DEVICE);
	ASSERT_EQ(0, reload(arg));
	pci_driver_of(&edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);

	s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s);
	for (int i = 0; i < 2; i++) {
		dev = pci_claim(s, &edu);
		EXPECT_LE(0, dev);
		EXPECT_EQ(EDU_DEVICE << 16 | EDU_VENDOR, pci_cfg_read(dev, 0, 4));
		close(dev);
		pci_driver_of(&edu, drv, sizeof(drv));
		EXPECT_STREQ("genode", drv);
	}
	close(s);

	/* unloading unbinds; a plain load leaves it alone */
	EXPECT_EQ(0, reload(""));
	pci_driver_of(&edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	if (access(GENODE_DEV_PATH, F_OK))
		reload("");
}

/*
 * Last, because it cannot be undone: raise lockdown and check that config
 * writes and bus mastering that reaches all memory are refused, even to
 * root.  make check runs this in a boot of its own, without an IOMMU.
 */
TEST_F(pci, lockdown_refuses_config_writes_and_bus_mastering)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };
	int dev, lfd;

	LOCKDOWN_OPEN_OR_SKIP(lfd);
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_INFO, &info));
	/* before: both work */
	EXPECT_EQ(0, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 1, 0x10));
	EXPECT_EQ(0, pci_bus_master(dev, 1));
	EXPECT_EQ(0, pci_bus_master(dev, 0));

	ASSERT_EQ(0, lockdown_raise(lfd));
	EXPECT_EQ(-EPERM, pci_cfg_write(dev, PCI_CACHE_LINE_SIZE, 1, 0));
	EXPECT_EQ(0x10, pci_cfg_read(dev, PCI_CACHE_LINE_SIZE, 1));
	EXPECT_EQ(info.caps & GENODE_PCI_CAP_ISOLATED ? 0 : -EPERM,
		  pci_bus_master(dev, 1));
	EXPECT_EQ(0, pci_bus_master(dev, 0));
	close(dev);
}

TEST_HARNESS_MAIN
