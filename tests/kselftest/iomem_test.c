// SPDX-License-Identifier: GPL-2.0
/*
 * IO-memory regions: edu's BAR0 mapped uncached and write-combined (ident,
 * liveness and factorial registers), physical ranges (pages of the boot
 * framebuffer) and what is refused (System RAM, the interrupt address
 * range, BARs, ranges a kernel driver holds or the firmware reserved,
 * overlaps, bad sizes, bad mmaps), the allow list, sub-page ranges,
 * revocation with SIGBUS in another process, SCM_RIGHTS, and kill -9 of a
 * holder.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_iomem_request) == 40, "genode_iomem_request");
_Static_assert(offsetof(struct genode_iomem_request, device_fd) == 24,
	       "genode_iomem_request");
_Static_assert(offsetof(struct genode_iomem_request, fd) == 32, "genode_iomem_request");
_Static_assert(sizeof(struct genode_iomem_info) == 48, "genode_iomem_info");
_Static_assert(offsetof(struct genode_iomem_info, phys) == 16, "genode_iomem_info");
_Static_assert(offsetof(struct genode_iomem_info, page_offset) == 40,
	       "genode_iomem_info");

#define PAGE 4096ull

FIXTURE(iomem) {
	int session;
	int dev;		/* edu, claimed */
	struct pci_addr edu;
	struct genode_pci_bar_info bar0;
	uint64_t fb, fb_size;	/* the boot framebuffer if free, else 0 */
	long sessions, resources;
};

/*
 * A physical range that nothing else owns: a page of the boot framebuffer,
 * which run.sh's default (--fb free) leaves to no driver.
 */
#define FB_OR_SKIP()							\
	do {								\
		if (!self->fb)						\
			SKIP(return, "no free boot framebuffer (run.sh --fb free)"); \
	} while (0)

FIXTURE_SETUP(iomem)
{
	self->sessions = genode_sessions();
	self->resources = genode_resources();
	ASSERT_EQ(0, edu_find(0, &self->edu));
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session);
	self->dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, self->dev) TH_LOG("claim edu: %s", strerror(-self->dev));
	self->bar0.argsz = sizeof(self->bar0);
	ASSERT_EQ(0, ioctl(self->dev, GENODE_PCI_BAR_INFO, &self->bar0));
	ASSERT_EQ(1 << 20, self->bar0.size);
	if (boot_fb_free(self->session, &self->fb, &self->fb_size) ||
	    self->fb_size < 64 * PAGE)
		self->fb = 0;
}

FIXTURE_TEARDOWN(iomem)
{
	char drv[64];

	close(self->dev);
	close(self->session);
	EXPECT_EQ(self->sessions, genode_sessions());
	EXPECT_EQ(self->resources, genode_resources());
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	EXPECT_EQ(0, proc_iomem_count("genode"));
}

TEST_F(iomem, edu_bar0_uncached)
{
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int fd;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd) TH_LOG("request: %s", strerror(-fd));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(self->resources + 2, genode_resources());
	ASSERT_EQ(0, genode_iomem_query(fd, &info));
	EXPECT_EQ(GENODE_IOMEM_BAR, info.attrs);
	EXPECT_EQ(0, info.bar);
	EXPECT_EQ(self->bar0.addr, info.phys);
	EXPECT_EQ(self->bar0.size, info.size);
	EXPECT_EQ(self->bar0.size, info.map_size);
	EXPECT_EQ(0, info.page_offset);

	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	EXPECT_EQ(0, edu_check(bar));
	TH_LOG("edu ident 0x%08x", edu_read(bar, EDU_ID));
	iomem_unmap(bar, &info);
	close(fd);
}

TEST_F(iomem, edu_bar0_write_combined)
{
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int fd;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, GENODE_IOMEM_WC);
	ASSERT_LE(0, fd) TH_LOG("request: %s", strerror(-fd));
	ASSERT_EQ(0, genode_iomem_query(fd, &info));
	EXPECT_EQ(GENODE_IOMEM_BAR | GENODE_IOMEM_WC, info.attrs);
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	/*
	 * The registers work through it (on real hardware a driver would
	 * fence between a write and a read that depends on it).
	 */
	EXPECT_EQ(0, edu_check(bar));
	iomem_unmap(bar, &info);
	close(fd);
}

TEST_F(iomem, memory_type_follows_the_request)
{
	uint64_t s = self->bar0.addr, e = self->bar0.addr + self->bar0.size;
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int fd;

	if (pat_memtype_has(0, 0, "") < 0)
		SKIP(return, "no %s (no PAT or no debugfs)", PAT_MEMTYPE_LIST);
	EXPECT_EQ(0, pat_memtype_has(s, e, "write-combining"));

	fd = genode_iomem_request_bar(self->session, self->dev, 0, GENODE_IOMEM_WC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, pat_memtype_has(s, e, "write-combining"));
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	EXPECT_EQ(0, edu_check(bar));
	iomem_unmap(bar, &info);
	close(fd);
	EXPECT_EQ(0, pat_memtype_has(s, e, "write-combining"));

	/* uncached takes no write-combining type */
	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, pat_memtype_has(s, e, "write-combining"));
	close(fd);
}

TEST_F(iomem, bar_requests_that_are_refused)
{
	struct genode_iomem_request r = { .argsz = sizeof(r) };
	struct pci_addr sata;
	int fd, null_fd, sdev, i;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd);
	/* one region per BAR */
	EXPECT_EQ(-EBUSY, genode_iomem_request_bar(self->session, self->dev, 0, 0));
	EXPECT_EQ(-EBUSY, genode_iomem_request_bar(self->session, self->dev, 0, GENODE_IOMEM_WC));
	/* nor as a physical range */
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, self->bar0.addr, PAGE, 0));

	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, self->dev, 6, 0));
	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, self->dev, ~0u, 0));
	for (i = 1; i < 6; i++)	/* edu has BAR0 only */
		EXPECT_EQ(-ENXIO, genode_iomem_request_bar(self->session, self->dev, i, 0));
	EXPECT_EQ(-EINVAL, iomem_request(self->session, GENODE_IOMEM_BAR, self->bar0.addr,
					 0, self->dev, 1));
	EXPECT_EQ(-EINVAL, iomem_request(self->session, GENODE_IOMEM_BAR, 0, PAGE,
					 self->dev, 1));
	EXPECT_EQ(-EBADF, genode_iomem_request_bar(self->session, -1, 0, 0));
	EXPECT_EQ(-EBADF, genode_iomem_request_bar(self->session, 1000, 0, 0));
	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, self->session, 0, 0));
	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, fd, 0, 0));
	null_fd = open("/dev/null", O_RDWR);
	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, null_fd, 0, 0));
	close(null_fd);

	/* flags and reserved fields */
	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, self->dev, 1, 1u << 2));
	EXPECT_EQ(-EINVAL, genode_iomem_request_bar(self->session, self->dev, 1, 1u << 31));
	r.flags = GENODE_IOMEM_BAR;
	r.device_fd = self->dev;
	r.bar = 1;
	r.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOMEM_REQUEST, &r));
	EXPECT_EQ(EINVAL, errno);
	r.__reserved = 0;
	r.argsz = offsetof(struct genode_iomem_request, __reserved);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOMEM_REQUEST, &r));
	EXPECT_EQ(EINVAL, errno);

	/* an IO-port BAR: ICH9 AHCI's BAR4 */
	if (!pci_find(0x8086, 0x2922, 0, &sata)) {
		struct genode_pci_bar_info b = { .argsz = sizeof(b), .index = 4 };

		sdev = pci_claim(self->session, &sata);
		ASSERT_LE(0, sdev);
		ASSERT_EQ(0, ioctl(sdev, GENODE_PCI_BAR_INFO, &b));
		EXPECT_EQ(GENODE_PCI_BAR_IO, b.bar_flags);
		EXPECT_EQ(-ENXIO, genode_iomem_request_bar(self->session, sdev, 4, 0));
		close(sdev);
	}

	EXPECT_EQ(self->resources + 2, genode_resources());
	close(fd);
	/* the BAR is free again */
	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(iomem, mmaps_that_are_refused)
{
	struct genode_iomem_info info;
	void *p;
	int fd;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genode_iomem_query(fd, &info));

	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, info.map_size + PAGE, PROT_READ,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
				   info.map_size));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd,
				   info.map_size - PAGE));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_EXEC,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(EPERM, errno);

	/* a part of it, at an offset; no exec later on */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0xed, *(volatile uint32_t *)p & 0xff);
	errno = 0;
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.map_size - PAGE);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, PAGE);

	/* the region's own ioctl checks its argument */
	info.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_IOMEM_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.flags = 0;
	info.argsz = offsetof(struct genode_iomem_info, page_offset);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_IOMEM_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_PCI_INFO, &info));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

/*
 * Physical ranges.  edu's BAR0 is IO memory that no kernel driver holds
 * once the fixture's claim is given up, so these tests release it first.
 */
static void unclaim(struct __test_metadata *_metadata,
		    FIXTURE_DATA(iomem) *self)
{
	ASSERT_EQ(0, close(self->dev));
	self->dev = -1;
}

TEST_F(iomem, physical_range)
{
	struct genode_iomem_info info;
	volatile uint32_t *px;
	uint32_t old[2];
	int fd, genode = proc_iomem_count("genode");

	FB_OR_SKIP();
	fd = genode_iomem_request_phys(self->session, self->fb, PAGE, 0);
	ASSERT_LE(0, fd) TH_LOG("request: %s", strerror(-fd));
	EXPECT_EQ(genode + 1, proc_iomem_count("genode"));
	ASSERT_EQ(0, genode_iomem_query(fd, &info));
	EXPECT_EQ(0, info.attrs);
	EXPECT_EQ(self->fb, info.phys);
	EXPECT_EQ(PAGE, info.size);
	EXPECT_EQ(PAGE, info.map_size);
	EXPECT_EQ(0, info.page_offset);
	ASSERT_EQ(0, iomem_map(fd, &info, &px));
	/* the framebuffer is memory: what is written reads back */
	old[0] = px[0];
	old[1] = px[PAGE / 4 - 1];
	px[0] = 0x00c0ffee;
	px[PAGE / 4 - 1] = 0x00beef00;
	EXPECT_EQ(0x00c0ffee, px[0]);
	EXPECT_EQ(0x00beef00, px[PAGE / 4 - 1]);
	px[0] = old[0];
	px[PAGE / 4 - 1] = old[1];

	/* a region holds its pages */
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, self->fb, PAGE, 0));
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, self->fb + 0x10,
						    2 * PAGE, 0));
	iomem_unmap(px, &info);
	close(fd);
	EXPECT_EQ(genode, proc_iomem_count("genode"));
	fd = genode_iomem_request_phys(self->session, self->fb, 2 * PAGE, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(iomem, physical_range_write_combined)
{
	struct genode_iomem_info info;
	volatile uint32_t *px;
	int fd;

	FB_OR_SKIP();
	fd = genode_iomem_request_phys(self->session, self->fb, 16 * PAGE,
				       GENODE_IOMEM_WC);
	ASSERT_LE(0, fd) TH_LOG("request: %s", strerror(-fd));
	ASSERT_EQ(0, genode_iomem_query(fd, &info));
	EXPECT_EQ(GENODE_IOMEM_WC, info.attrs);
	EXPECT_EQ(16 * PAGE, info.map_size);
	if (pat_memtype_has(0, 0, "") >= 0) {
		EXPECT_EQ(1, pat_memtype_has(self->fb, self->fb + 16 * PAGE,
					     "write-combining"));
	}
	ASSERT_EQ(0, iomem_map(fd, &info, &px));
	iomem_unmap(px, &info);
	close(fd);
	if (pat_memtype_has(0, 0, "") >= 0) {
		EXPECT_EQ(0, pat_memtype_has(self->fb, self->fb + 16 * PAGE,
					     "write-combining"));
	}
}

TEST_F(iomem, sub_page_range)
{
	struct genode_iomem_info info, info2;
	volatile uint32_t *px;
	uint32_t old;
	int fd, fd2;

	FB_OR_SKIP();
	fd = genode_iomem_request_phys(self->session, self->fb + 0x10, 4, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genode_iomem_query(fd, &info));
	EXPECT_EQ(self->fb + 0x10, info.phys);
	EXPECT_EQ(4, info.size);
	EXPECT_EQ(0x10, info.page_offset);
	EXPECT_EQ(PAGE, info.map_size);
	ASSERT_EQ(0, iomem_map(fd, &info, &px));
	/* *px is the pixel at fb + 0x10, px[-4] the first, in the same page */
	old = *px;
	*px = 0x0f0f0f0f;
	px[-4] = 0x00f0f0f0;
	EXPECT_EQ(0x0f0f0f0f, *px);
	EXPECT_EQ(0x00f0f0f0, px[-4]);
	*px = old;
	/* its page is taken, even where the ranges do not overlap */
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, self->fb + 0x100,
						    4, 0));
	fd2 = genode_iomem_request_phys(self->session, self->fb + PAGE + 0x10, 0x20, 0);
	EXPECT_LE(0, fd2);
	close(fd2);
	/* crossing into the next page touches two */
	fd2 = genode_iomem_request_phys(self->session, self->fb + 2 * PAGE - 4, 8, 0);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, genode_iomem_query(fd2, &info2));
	EXPECT_EQ(2 * PAGE, info2.map_size);
	EXPECT_EQ(PAGE - 4, info2.page_offset);
	close(fd2);
	iomem_unmap(px, &info);
	close(fd);
}

static int request_without_rawio(void *arg)
{
	FIXTURE_DATA(iomem) *self = arg;
	int fd;

	if (drop_cap_sys_rawio())
		return 10;
	fd = genode_iomem_request_phys(self->session, self->bar0.addr, PAGE, 0);
	if (fd != -EPERM)
		return 11;
	/* a BAR of a claimed device needs no CAP_SYS_RAWIO */
	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	if (fd < 0)
		return 12;
	return 0;
}

TEST_F(iomem, physical_ranges_that_are_refused)
{
	uint64_t ram_s, ram_e, s, e;
	/* the local APIC is in the interrupt address range: EPERM */
	const char *held[] = { "IOAPIC 0", "HPET 0" };
	int status, n = 0;

	/* the physical request needs CAP_SYS_RAWIO, the BAR request not */
	status = run_in_child(request_without_rawio, self);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: capset, 11: physical range allowed, 12: BAR refused");

	/* System RAM: inside, and straddling its end */
	ASSERT_EQ(0, proc_iomem_find("System RAM", &ram_s, &ram_e));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session,
						    ram_s + (ram_e - ram_s) / 2 / PAGE * PAGE,
						    PAGE, 0));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session, ram_e - PAGE + 1, 2 * PAGE, 0));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session, ram_s + 0x10, 4, 0));

	/* ranges that the kernel holds */
	for (unsigned int i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		if (proc_iomem_find(held[i], &s, &e))
			continue;
		n++;
		EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1, 0))
			TH_LOG("%s", held[i]);
		EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1,
							    GENODE_IOMEM_WC)) TH_LOG("%s", held[i]);
	}
	EXPECT_LT(0, n) TH_LOG("none of the usual kernel-held ranges in /proc/iomem");

	/* a range that straddles the end of a BAR */
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session,
						    self->bar0.addr + self->bar0.size - PAGE,
						    2 * PAGE, 0));

	/* sizes */
	EXPECT_EQ(-EINVAL, genode_iomem_request_phys(self->session, self->bar0.addr, 0, 0));
	EXPECT_EQ(-EINVAL, genode_iomem_request_phys(self->session, ~0ull - PAGE + 1, 2 * PAGE, 0));
	EXPECT_EQ(-EINVAL, genode_iomem_request_phys(self->session, 1, ~0ull, 0));
	EXPECT_EQ(-EINVAL, genode_iomem_request_phys(self->session, 1ull << 60, PAGE, 0));
	EXPECT_EQ(-EINVAL, iomem_request(self->session, 0, self->bar0.addr, PAGE,
					 self->dev, 0));
	EXPECT_EQ(-EINVAL, iomem_request(self->session, 0, self->bar0.addr, PAGE,
					 GENODE_NO_DEVICE, 1));
	/* a physical range is for no device: GENODE_NO_DEVICE, not fd 0 */
	EXPECT_EQ(-EINVAL, iomem_request(self->session, 0, self->bar0.addr, PAGE, 0, 0));

	/* nothing was handed out or requested */
	EXPECT_EQ(self->resources + 1, genode_resources());
	EXPECT_EQ(1, proc_iomem_count("genode"));
}

/*
 * A BAR is had by claiming its device (GENODE_IOMEM_BAR), never as a
 * physical range: not while another session has the device, and not while
 * no one has it, where nothing would turn its bus mastering off or reset
 * it when the region goes.
 */
TEST_F(iomem, bar_is_no_physical_range)
{
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, self->bar0.addr, PAGE, 0));
	unclaim(_metadata, self);
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, self->bar0.addr, PAGE, 0));
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session,
						    self->bar0.addr + EDU_LIVENESS, 4, 0));
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session,
						    self->bar0.addr + self->bar0.size - PAGE,
						    PAGE, GENODE_IOMEM_WC));
	EXPECT_EQ(0, proc_iomem_count("genode"));
	EXPECT_EQ(self->resources, genode_resources());
}

/*
 * The interrupt address range is never handed out, whatever the allow list
 * says; what the firmware reserved (e820 "Reserved": its tables, the BIOS
 * flash, chipset registers) only where the allow list names it.
 */
TEST_F(iomem, interrupt_window_and_firmware_ranges_are_refused)
{
	char old[512], allow[128];
	uint64_t page;
	unsigned int n = 0;
	int fd;

	ASSERT_EQ(0, genode_allow_get(old, sizeof(old)));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session, INTR_WINDOW, PAGE, 0));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session,
						    INTR_WINDOW + INTR_WINDOW_SIZE - PAGE,
						    2 * PAGE, 0));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session, INTR_WINDOW - 4, 8,
						    GENODE_IOMEM_WC));
	snprintf(allow, sizeof(allow), "mem:0x%llx-0x%llx",
		 INTR_WINDOW, INTR_WINDOW + INTR_WINDOW_SIZE - 1);
	ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, allow));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session, INTR_WINDOW, PAGE, 0));

	for (unsigned int i = 0; !firmware_reserved_page(&i, &page); n++) {
		ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, *old ? old : "\n"));
		EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, page, PAGE, 0))
			TH_LOG("Reserved page %#llx", (unsigned long long)page);
		snprintf(allow, sizeof(allow), "mem:0x%llx-0x%llx",
			 (unsigned long long)page, (unsigned long long)page + PAGE - 1);
		ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, allow));
		fd = genode_iomem_request_phys(self->session, page, PAGE, 0);
		EXPECT_LE(0, fd) TH_LOG("Reserved page %#llx, allowed: %s",
					(unsigned long long)page, strerror(-fd));
		if (fd >= 0)
			close(fd);
	}
	ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, *old ? old : "\n"));
	EXPECT_LT(0, n) TH_LOG("no firmware reservation above 1 MiB in /proc/iomem");
	TH_LOG("%u firmware reservations refused, granted with the allow list", n);
	EXPECT_EQ(self->resources + 1, genode_resources());
}

TEST_F(iomem, allow_list_lets_a_held_range_through)
{
	struct genode_iomem_info info;
	char old[512], allow[128];
	uint64_t s, e;
	volatile uint32_t *hpet;
	int fd;

	if (proc_iomem_find("HPET 0", &s, &e))
		SKIP(return, "no HPET in /proc/iomem");
	ASSERT_EQ(1, proc_iomem_count("genode"));
	ASSERT_EQ(0, genode_allow_get(old, sizeof(old)));
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1, 0));

	/* the entry must cover the pages, not only the range */
	snprintf(allow, sizeof(allow), "mem:0x%llx-0x%llx",
		 (unsigned long long)s, (unsigned long long)e);
	ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, allow));
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1, 0));

	snprintf(allow, sizeof(allow), "mem:0x%llx-0x%llx",
		 (unsigned long long)(s & ~(PAGE - 1)),
		 (unsigned long long)(e | (PAGE - 1)));
	ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, allow));
	/* a held range is not ours to give a memory type */
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1, GENODE_IOMEM_WC));
	fd = genode_iomem_request_phys(self->session, s, e - s + 1, 0);
	ASSERT_LE(0, fd) TH_LOG("request: %s", strerror(-fd));
	/* the kernel keeps it: no "genode" entry (edu's claim has one) */
	EXPECT_EQ(1, proc_iomem_count("genode"));
	ASSERT_EQ(0, iomem_map(fd, &info, &hpet));
	/* GCAP_ID: the vendor in the upper half, revision nonzero */
	EXPECT_EQ(0x8086, edu_read(hpet, 0) >> 16);
	EXPECT_NE(0, edu_read(hpet, 0) & 0xff);
	/* still exclusive */
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1, 0));
	iomem_unmap(hpet, &info);
	close(fd);

	ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, *old ? old : "\n"));
	EXPECT_EQ(-EBUSY, genode_iomem_request_phys(self->session, s, e - s + 1, 0));
}

/*
 * Fork a child that maps @p in (touches it), says so, and touches it again
 * once told to; in between let @revoke run.  The child's wait status.
 */
static int child_touches_after(volatile uint32_t *p,
			       void (*revoke)(void *), void *arg)
{
	int go[2], ready[2], status;
	char c;
	pid_t pid;

	if (pipe(go) || pipe(ready))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		(void)*p;
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(20);
		(void)*p;	/* SIGBUS expected */
		_exit(21);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		c = 0;
	revoke(arg);
	signal(SIGPIPE, SIG_IGN);
	if (c && write(go[1], "g", 1) != 1)
		c = 0;
	close(go[1]);
	close(ready[0]);
	if (waitpid(pid, &status, 0) != pid || !c)
		return -1;
	return status;
}

struct revoke_arg {
	int session;
	int fd;
	int ret;
};

static void do_revoke(void *arg)
{
	struct revoke_arg *a = arg;

	a->ret = genode_revoke(a->session, a->fd);
}

TEST_F(iomem, revoked_region_faults_everywhere)
{
	struct revoke_arg a = { .session = self->session };
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int fd, fd2, status;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	EXPECT_EQ(0xed, edu_read(bar, EDU_ID) & 0xff);

	a.fd = fd;
	status = child_touches_after(bar, do_revoke, &a);
	EXPECT_EQ(0, a.ret);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child status 0x%x", status);
	EXPECT_EQ(SIGBUS, WTERMSIG(status));

	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_IOMEM_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(ENODEV, errno);
	/* the BAR can be requested again while the old fd is open */
	fd2 = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd2);
	munmap((void *)bar, info.map_size ? info.map_size : 1 << 20);
	close(fd2);
	close(fd);
}

TEST_F(iomem, revoked_device_revokes_its_regions)
{
	struct revoke_arg a = { .session = self->session };
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	char drv[64];
	int fd, status;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, GENODE_IOMEM_WC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	EXPECT_EQ(0, edu_check(bar));

	a.fd = self->dev;
	status = child_touches_after(bar, do_revoke, &a);
	EXPECT_EQ(0, a.ret);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child status 0x%x", status);
	EXPECT_EQ(SIGBUS, WTERMSIG(status));
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_IOMEM_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	EXPECT_EQ(0, proc_iomem_count("genode"));
	EXPECT_EQ(-ENODEV, genode_iomem_request_bar(self->session, self->dev, 0, 0));

	munmap((void *)bar, info.map_size);
	close(fd);
}

static void do_unbind(void *arg)
{
	struct pci_addr *edu = arg;

	sysfs_write("/sys/bus/pci/drivers/genode/unbind", edu->name);
}

TEST_F(iomem, unbound_device_revokes_its_regions)
{
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int fd, status;

	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	status = child_touches_after(bar, do_unbind, &self->edu);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child status 0x%x", status);
	EXPECT_EQ(SIGBUS, WTERMSIG(status));
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_IOMEM_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	munmap((void *)bar, info.map_size);
	close(fd);
}

TEST_F(iomem, region_fd_passed_to_another_process)
{
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int sv[2], fd, status;
	char drv[64];
	pid_t pid;

	unclaim(_metadata, self);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* claims, requests, passes the region on and exits */
		int s = open(GENODE_DEV_PATH, O_RDWR);
		int d = s < 0 ? -1 : pci_claim(s, &self->edu);
		int r = d < 0 ? -1 : genode_iomem_request_bar(s, d, 0, 0);

		_exit(r < 0 || send_fd(sv[1], r) ? 1 : 0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, fd);

	/* the creator is gone: the region, and the device it holds, live on */
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	EXPECT_EQ(0, edu_check(bar));
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);
	EXPECT_EQ(-EBUSY, pci_claim(self->session, &self->edu));

	/* the fd goes, the mapping keeps it */
	close(fd);
	EXPECT_EQ(0, edu_check(bar));
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("genode", drv);
	iomem_unmap(bar, &info);
	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
}

TEST_F(iomem, kill9_of_a_process_with_mappings)
{
	int pipefd[2], dev;
	char c, drv[64];
	pid_t pid;

	unclaim(_metadata, self);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_iomem_info info;
		int s = open(GENODE_DEV_PATH, O_RDWR);
		int d = s < 0 ? -1 : pci_claim(s, &self->edu);
		int r = d < 0 ? -1 : genode_iomem_request_bar(s, d, 0, GENODE_IOMEM_WC);
		int p = genode_iomem_request_phys(s, self->bar0.addr + self->bar0.size,
						  PAGE, 0);
		volatile uint32_t *bar;

		(void)p;	/* the page after edu's BAR, if no one has it */
		if (r < 0 || iomem_map(r, &info, &bar) || pci_bus_master(d, 1) ||
		    edu_check(bar))
			_exit(1);
		edu_write(bar, EDU_FACTORIAL, 12);
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

	ASSERT_EQ(0, child_kill(pid));

	pci_driver_of(&self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	EXPECT_EQ(0, proc_iomem_count("genode"));
	EXPECT_EQ(self->resources, genode_resources());
	dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, dev);
	self->dev = dev;	/* the teardown closes it */
}

/*
 * Last, because it cannot be undone (so it runs only with
 * GENODE_TEST_LOCKDOWN=1, e.g. make vm-run CMD="GENODE_TEST_LOCKDOWN=1
 * /tests/iomem_test"): under lockdown, physical ranges are refused as
 * /dev/mem is (LOCKDOWN_DEV_MEM), BARs as sysfs's resource files are
 * (LOCKDOWN_PCI_ACCESS).  Regions obtained before stay.
 */
TEST_F(iomem, lockdown_refuses_requests)
{
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	int fd, lfd;

	LOCKDOWN_OPEN_OR_SKIP(lfd);

	fd = genode_iomem_request_bar(self->session, self->dev, 0, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, lockdown_raise(lfd));

	EXPECT_EQ(-EPERM, genode_iomem_request_bar(self->session, self->dev, 0, GENODE_IOMEM_WC));
	EXPECT_EQ(-EPERM, genode_iomem_request_phys(self->session,
						    self->bar0.addr + self->bar0.size,
						    PAGE, 0));
	ASSERT_EQ(0, iomem_map(fd, &info, &bar));
	EXPECT_EQ(0, edu_check(bar));
	iomem_unmap(bar, &info);
	close(fd);
	EXPECT_EQ(-EPERM, genode_iomem_request_bar(self->session, self->dev, 0, 0));
}

/*
 * "genode-pad" in /proc/iomem: how many entries, their total size and the
 * lowest and highest address they cover.
 */
static int pad_entries(unsigned long long *total, unsigned long long *lo,
		       unsigned long long *hi)
{
	char line[256];
	unsigned long long s, e;
	int n = 0;
	FILE *f = fopen("/proc/iomem", "r");

	*total = 0;
	*lo = ~0ULL;
	*hi = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " : genode-pad"))
			continue;
		if (sscanf(line, " %llx-%llx", &s, &e) != 2)
			continue;
		n++;
		*total += e - s + 1;
		if (s < *lo)
			*lo = s;
		if (e > *hi)
			*hi = e;
	}
	fclose(f);
	return n;
}

/*
 * A BAR smaller than a page (the i6300esb watchdog's 16 bytes): while its
 * region lives, the rest of its page is requested as "genode-pad", so that
 * nothing else can be there to be mapped with it.
 */
TEST(sub_page_bar_reserves_the_rest_of_its_page)
{
	struct genode_pci_bar_info bar = { .argsz = sizeof(bar) };
	unsigned long long total, lo, hi, page;
	struct pci_addr a;
	int session, dev, region;

	if (pci_find(0x8086, 0x25ab, 0, &a))
		SKIP(return, "no i6300esb (-device i6300esb) in this VM");
	session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, session);
	dev = pci_claim(session, &a);
	ASSERT_LE(0, dev) TH_LOG("claim %s: %s", a.name, strerror(-dev));
	ASSERT_EQ(0, ioctl(dev, GENODE_PCI_BAR_INFO, &bar));
	ASSERT_GT(PAGE, bar.size);
	page = bar.addr & ~(PAGE - 1);
	EXPECT_EQ(0, pad_entries(&total, &lo, &hi));

	region = genode_iomem_request_bar(session, dev, 0, 0);
	ASSERT_LE(0, region) TH_LOG("BAR0: %s", strerror(-region));
	EXPECT_LE(1, pad_entries(&total, &lo, &hi));
	/* the page but the BAR */
	EXPECT_EQ(PAGE - bar.size, total);
	EXPECT_EQ(page, lo < bar.addr ? lo : page);
	EXPECT_EQ(page + PAGE - 1, hi > bar.addr ? hi : page + PAGE - 1);

	close(region);
	EXPECT_EQ(0, pad_entries(&total, &lo, &hi));
	close(dev);
	close(session);
}

TEST_HARNESS_MAIN
