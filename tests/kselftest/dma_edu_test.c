// SPDX-License-Identifier: GPL-2.0
/*
 * DMA buffers for a claimed device: QEMU's edu does the DMA, and e1000e's
 * transmit ring where a fetch must come at once (edu's transfers start
 * 100 ms after their command, e1000e fetches in the MMIO write of TDT).
 *
 * edu's BAR0: DMA source 0x80, destination 0x88, count 0x90, command 0x98
 * (bit 0 start, bit 1 direction: 0 = RAM to device, 1 = device to RAM,
 * bit 2 interrupt when done); its own buffer is at 0x40000, 4 KiB; it
 * drives 28 address bits (higher ones are cut off) and needs bus
 * mastering.  One transfer takes 100 ms of virtual time; the command
 * register is polled.  QEMU 7.2's edu takes a transfer that ends at the
 * last byte of its buffer for out of bounds and stops the whole VM
 * (hw_error): transfers here end at most one byte before it (EDU_MAX).
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
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_dma_set_mask) == 16, "genode_dma_set_mask");

#define PAGE 4096UL
#define MIB (1024UL * 1024)
#define DEBUGFS_BUFFERS "/sys/kernel/debug/genode/dma_buffers"

/* the longest transfer from the start of edu's buffer (see above) */
#define EDU_MAX (EDU_BUF_SIZE - 1)
#define EDU_MASK ((1ULL << EDU_DMA_BITS) - 1)

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 31 + seed + i / 251);
}

/*
 * Does the debugfs buffer list show the buffer whose first page is @pfn
 * (with @word in its line, unless @word is NULL)?
 */
static bool buffer_listed(uint64_t pfn, const char *word)
{
	FILE *f = fopen(DEBUGFS_BUFFERS, "r");
	char line[256];
	unsigned long long p;
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pfn %llx", &p) == 1 && p == pfn &&
		    (!word || strstr(line, word)))
			found = true;
	fclose(f);
	return found;
}

FIXTURE(edu) {
	int session;
	/* edu, its BAR0 (edu_close() releases the claim) */
	struct edu e;
	bool translated;
	long resources;
};

/* The debugfs word of memory in quarantine for edu at @a */
static const char *quarantine_word(const struct pci_addr *a)
{
	static char word[64];

	snprintf(word, sizeof(word), " quarantined %s", a->name);
	return word;
}

FIXTURE_SETUP(edu)
{
	struct genode_pci_info info = { .argsz = sizeof(info) };

	self->e.dev = -1;
	self->e.bar_fd = -1;
	self->resources = genode_resources();
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session);
	if (edu_find(0, &self->e.addr))
		SKIP(return, "no edu device in this VM");
	self->e.dev = edu_claim(self->session, &self->e.addr);
	ASSERT_LE(0, self->e.dev) TH_LOG("claim %s: %s", self->e.addr.name,
					 strerror(-self->e.dev));
	ASSERT_EQ(0, ioctl(self->e.dev, GENODE_PCI_INFO, &info));
	self->translated = info.caps & GENODE_PCI_CAP_IOMMU;
	self->e.bar_fd = edu_map_bar0(self->session, self->e.dev, 0,
				      &self->e.bar_info, &self->e.bar);
	ASSERT_LE(0, self->e.bar_fd)
		TH_LOG("BAR0: %s", strerror(-self->e.bar_fd));
	ASSERT_EQ(EDU_ID_VALUE, edu_read(self->e.bar, EDU_ID) & 0xff0000ff);
	ASSERT_EQ(0, genode_dma_set_mask(self->session, self->e.dev, 28));
	ASSERT_EQ(0, pci_bus_master(self->e.dev, 1));
}

FIXTURE_TEARDOWN(edu)
{
	edu_close(&self->e);
	close(self->session);
	/* each test waits for its own transfers */
	pci_end_quarantine(&self->e.addr);
}

TEST_F(edu, round_trip_at_offsets_and_sizes)
{
	static const struct { unsigned int a, d, b, len; } cases[] = {
		{ 0, 0, 0, EDU_MAX }, { 0, 0, 0, 1 }, { 1, 0, 4095, 1 },
		{ 100, 17, 5000, 333 }, { 4095, 4094, 8191, 1 },
		{ 2048, 2047, 0, 2048 }, { 8000, 1000, 777, 3000 },
		{ 12289, 0, 12289, EDU_MAX }, { 3, 5, 7, 4090 },
	};
	struct genode_dma_alloc a, b;
	unsigned char *pa, *pb;
	int fa, fb;

	fa = dma_alloc(self->session, 4 * PAGE, GENODE_DMA_UNCACHED, self->e.dev, &a);
	ASSERT_LE(0, fa) TH_LOG("alloc: %s", strerror(-fa));
	fb = dma_alloc(self->session, 4 * PAGE, GENODE_DMA_WRITE_COMBINED,
		       self->e.dev, &b);
	ASSERT_LE(0, fb);
	EXPECT_EQ(self->translated ? GENODE_DMA_TRANSLATED | GENODE_DMA_PHYS_WITHHELD : 0,
		  a.out_flags);
	ASSERT_EQ(0, genode_dma_map(fa, 0, 4 * PAGE, (void **)&pa));
	ASSERT_EQ(0, genode_dma_map(fb, 0, 4 * PAGE, (void **)&pb));
	fill(pa, 4 * PAGE, 7);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int ao = cases[i].a, d = cases[i].d, bo = cases[i].b;
		unsigned int len = cases[i].len;

		memset(pb, 0, 4 * PAGE);
		ASSERT_EQ(0, genode_dma_sync(fa, GENODE_DMA_SYNC_FOR_DEVICE, ao,
					     len, GENODE_DMA_TO_DEVICE));
		ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr + ao, d, len, 0));
		ASSERT_EQ(0, edu_dma(self->e.bar, b.bus_addr + bo, d, len, 1));
		ASSERT_EQ(0, genode_dma_sync(fb, GENODE_DMA_SYNC_FOR_CPU, bo,
					     len, GENODE_DMA_FROM_DEVICE));
		ASSERT_EQ(0, memcmp(pa + ao, pb + bo, len))
			TH_LOG("case %u: A+%u -> edu+%u -> B+%u, %u bytes",
			       i, ao, d, bo, len);
		/* nothing else of B was touched */
		ASSERT_TRUE(all_bytes(pb, bo, 0));
		ASSERT_TRUE(all_bytes(pb + bo + len, 4 * PAGE - bo - len, 0));
	}
	munmap(pa, 4 * PAGE);
	munmap(pb, 4 * PAGE);
	close(fa);
	close(fb);
}

TEST_F_TIMEOUT(edu, buffers_lie_below_the_28_bit_mask, 120)
{
	static const __u64 sizes[] = {
		PAGE, 64 * 1024, MIB, 4 * MIB, 8 * MIB,
	};
	int fds[5];

	for (unsigned int i = 0; i < 5; i++) {
		struct genode_dma_alloc a;
		unsigned char *p;

		fds[i] = dma_alloc(self->session, sizes[i], GENODE_DMA_CACHED,
				   self->e.dev, &a);
		ASSERT_LE(0, fds[i]) TH_LOG("%llu bytes: %s",
					     (unsigned long long)sizes[i],
					     strerror(-fds[i]));
		EXPECT_LE(a.bus_addr + sizes[i] - 1, EDU_MASK)
			TH_LOG("%llu bytes at bus address 0x%llx",
			       (unsigned long long)sizes[i],
			       (unsigned long long)a.bus_addr);
		if (!self->translated)
			EXPECT_EQ(a.phys_addr, a.bus_addr);
		ASSERT_EQ(0, genode_dma_map(fds[i], 0, sizes[i], (void **)&p));
		/* the device reaches the first and the last bytes */
		p[0] = 0x11;
		p[sizes[i] - 1] = 0x22;
		ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr, 0, 1, 0));
		ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr + sizes[i] - 1, 1, 1, 0));
		ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr + sizes[i] - 1, 0, 1, 1));
		ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr, 1, 1, 1));
		EXPECT_EQ(0x22, p[0]);
		EXPECT_EQ(0x11, p[sizes[i] - 1]);
		munmap(p, sizes[i]);
	}
	for (unsigned int i = 0; i < 5; i++)
		close(fds[i]);
}

TEST_F_TIMEOUT(edu, large_buffer_for_the_device, 180)
{
	const size_t size = 64 * MIB;
	struct genode_dma_alloc a;
	unsigned char *p;
	int fd;

	fd = dma_alloc(self->session, size, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fd) TH_LOG("64 MiB below 256 MiB: %s", strerror(-fd));
	EXPECT_LE(a.bus_addr + size - 1, EDU_MASK);
	ASSERT_EQ(0, genode_dma_map(fd, 0, size, (void **)&p));
	for (size_t off = 0; off < size; off += PAGE)
		ASSERT_EQ(0, p[off]);
	if (!self->translated) {
		/* physically contiguous: it is the bus address range */
		uint64_t pfn0 = a.phys_addr / PAGE;

		for (size_t off = 0; off < size; off += PAGE) {
			ASSERT_EQ(pfn0 + off / PAGE, pagemap_pfn(p + off)) {
				TH_LOG("page %zu not contiguous", off / PAGE);
			}
		}
	}
	/* DMA at its start and at its end, both ways */
	fill(p, EDU_MAX, 1);
	fill(p + size - EDU_MAX, EDU_MAX, 2);
	ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr, 0, EDU_MAX, 0));
	ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr + size - EDU_MAX, 0,
			     EDU_MAX, 1));
	EXPECT_EQ(0, memcmp(p, p + size - EDU_MAX, EDU_MAX));
	fill(p + size - 2048, 2048, 3);
	ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr + size - 2048, 0, 2048, 0));
	ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr + 2048, 0, 2048, 1));
	EXPECT_EQ(0, memcmp(p + 2048, p + size - 2048, 2048));
	munmap(p, size);
	close(fd);
}

TEST_F(edu, bus_address_is_translated_with_an_iommu)
{
	struct genode_dma_alloc a;
	struct genode_dma_info info = { .argsz = sizeof(info) };
	unsigned char *p;
	uint64_t pfn;
	int fd;

	if (!self->translated)
		SKIP(return, "no IOMMU translates for edu in this VM");
	fd = dma_alloc(self->session, 16 * PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fd);
	EXPECT_EQ(GENODE_DMA_TRANSLATED | GENODE_DMA_PHYS_WITHHELD, a.out_flags);
	EXPECT_EQ(0, a.phys_addr);
	ASSERT_EQ(0, ioctl(fd, GENODE_DMA_INFO, &info));
	EXPECT_EQ(a.bus_addr, info.bus_addr);
	EXPECT_EQ(a.out_flags, info.out_flags);
	ASSERT_EQ(0, genode_dma_map(fd, 0, 16 * PAGE, (void **)&p));
	p[0] = 1;
	pfn = pagemap_pfn(p);
	ASSERT_NE(0, pfn);
	EXPECT_NE(pfn * PAGE, a.bus_addr)
		TH_LOG("IOVA 0x%llx is the physical address",
		       (unsigned long long)a.bus_addr);
	munmap(p, 16 * PAGE);
	close(fd);
}

TEST_F(edu, device_has_a_dma_domain_of_its_own)
{
	char path[256], type[32] = "", cmdline[4096] = "";
	struct dirent *e;
	int n = 0;
	FILE *f;
	DIR *d;

	if (!self->translated)
		SKIP(return, "no IOMMU translates for edu in this VM");
	snprintf(path, sizeof(path), "%s/iommu_group/type", self->e.addr.dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%31s", type));
	fclose(f);
	/*
	 * A translating domain, flushed at each unmap with iommu.strict=1,
	 * else through a flush queue (Debian's default, run.sh --iommu lazy)
	 */
	ASSERT_EQ(0, sysfs_read("/proc/cmdline", cmdline, sizeof(cmdline)));
	EXPECT_STREQ(strstr(cmdline, "iommu.strict=1") ? "DMA" : "DMA-FQ",
		     type);

	/* and edu is alone in its group, so in its domain */
	snprintf(path, sizeof(path), "%s/iommu_group/devices", self->e.addr.dir);
	d = opendir(path);
	ASSERT_NE(NULL, d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	EXPECT_EQ(1, n);
}

TEST_F(edu, device_reaches_no_other_sessions_buffer)
{
	struct genode_dma_alloc own, other;
	unsigned char *po, *px;
	/* "00:02.0", as the IOMMU's fault lines name it */
	const char *bdf = self->e.addr.name + 5;
	char fault[64];
	uint64_t target;
	int s2, fx, fo, kmsg;

	if (!self->translated)
		SKIP(return, "no IOMMU: without one a device reaches all memory");

	/* another session's buffer, full of 0x11 */
	s2 = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s2);
	fx = dma_alloc(s2, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &other);
	ASSERT_LE(0, fx);
	ASSERT_NE(0, other.phys_addr);
	ASSERT_EQ(0, genode_dma_map(fx, 0, PAGE, (void **)&px));
	memset(px, 0x11, PAGE);

	/* edu's buffer, full of 0xee, through a buffer of our own */
	fo = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, self->e.dev, &own);
	ASSERT_LE(0, fo);
	ASSERT_EQ(0, genode_dma_map(fo, 0, PAGE, (void **)&po));
	memset(po, 0xee, PAGE);
	ASSERT_EQ(0, edu_dma(self->e.bar, own.bus_addr, 0, EDU_MAX, 0));

	/*
	 * edu drops address bits above its 28; the address it will use must
	 * not happen to be one the IOMMU maps for it (our own buffer).
	 */
	target = other.phys_addr & EDU_MASK;
	ASSERT_TRUE(target + PAGE <= own.bus_addr ||
		    target >= own.bus_addr + PAGE);

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	lseek(kmsg, 0, SEEK_END);
	kmsg_note("genode-test: expect DMAR faults begin\n");
	ASSERT_EQ(0, edu_dma(self->e.bar, other.phys_addr, 0, EDU_MAX, 1));
	snprintf(fault, sizeof(fault), "fault addr 0x%llx ",
		 (unsigned long long)target);
	EXPECT_TRUE(kmsg_wait(kmsg, "DMAR: [DMA Write", bdf, fault, 10))
		TH_LOG("no IOMMU fault of %s at 0x%llx in the kernel log",
		       bdf, (unsigned long long)target);
	kmsg_note("genode-test: expect DMAR faults end\n");
	close(kmsg);

	/* nothing landed in the other session's buffer */
	EXPECT_TRUE(all_bytes(px, PAGE, 0x11));
	/* and the device still works for its own session */
	memset(po, 0, PAGE);
	ASSERT_EQ(0, edu_dma(self->e.bar, own.bus_addr, 0, EDU_MAX, 1));
	EXPECT_TRUE(all_bytes(po, EDU_MAX, 0xee));
	EXPECT_EQ(0, po[EDU_MAX]);

	munmap(po, PAGE);
	munmap(px, PAGE);
	close(fo);
	close(fx);
	close(s2);
}

TEST_F(edu, release_order_keeps_memory_until_the_device_cannot_reach_it)
{
	struct genode_dma_alloc a;
	__u64 used_before, used;
	struct genode_dma_quota q = { .argsz = sizeof(q) };
	unsigned char *p;
	uint64_t pfn;
	int fd;

	if (access(DEBUGFS_BUFFERS, R_OK))
		SKIP(return, "no debugfs");
	ASSERT_EQ(0, ioctl(self->session, GENODE_DMA_QUOTA, &q));
	used_before = q.used;
	fd = dma_alloc(self->session, 4 * PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genode_dma_map(fd, 0, 4 * PAGE, (void **)&p));
	p[0] = 1;
	pfn = pagemap_pfn(p);
	ASSERT_TRUE(buffer_listed(pfn, NULL));
	munmap(p, 4 * PAGE);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, ioctl(self->session, GENODE_DMA_QUOTA, &q));
	used = q.used;

	/*
	 * The device could still reach it (at its physical address, or at
	 * an IOVA the DMA API would hand out again): kept until its release.
	 */
	EXPECT_TRUE(buffer_listed(pfn, " deferred"));
	EXPECT_EQ(used_before + 4 * PAGE, used);
	/*
	 * The device's release (bus mastering off first) charges it to the
	 * session no more; edu has no reset, so the memory stays, in
	 * quarantine.
	 */
	edu_close(&self->e);
	EXPECT_TRUE(buffer_listed(pfn, quarantine_word(&self->e.addr)));
	ASSERT_EQ(0, ioctl(self->session, GENODE_DMA_QUOTA, &q));
	EXPECT_EQ(used_before, q.used);
	EXPECT_EQ(self->resources, genode_resources());
}

/*
 * A transfer edu was given by its last holder completes when the next
 * one turns bus mastering on (edu has no reset method; a transfer takes
 * 100 ms).  Its buffers' memory must then be nobody's: not handed out to
 * another session's buffer (which sees physical addresses with
 * CAP_SYS_RAWIO).  Behind an IOMMU, while edu stays bound to "genode"
 * (assigned), it also stays mapped, so the next holder's buffer never
 * gets its IOVA; a claim that bound edu unbinds it at its release, and
 * the DMA API's mappings end with the binding (dma.c, "Quarantine").
 */
static void stale_transfer(struct __test_metadata *_metadata, bool assign)
{
	struct genode_dma_alloc a, b, c[64];
	int s1, fa, fb, fc[64], s2, s3;
	struct genode_pci_info info = { .argsz = sizeof(info) };
	unsigned char *p, *pc[64];
	struct edu e1, e2;
	struct pci_addr edu;
	bool pending, mapped;
	uint64_t pfn;

	if (edu_find(0, &edu))
		SKIP(return, "no edu device in this VM");
	if (access(DEBUGFS_BUFFERS, R_OK))
		SKIP(return, "no debugfs");
	if (assign)
		ASSERT_EQ(0, pci_bind(&edu, "genode"));

	/* the last holder: edu's buffer full of 0xa5, its own of 0 */
	s1 = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s1);
	ASSERT_EQ(0, edu_open(s1, 0, &e1));
	ASSERT_EQ(0, ioctl(e1.dev, GENODE_PCI_INFO, &info));
	/* an assigned edu stays bound, and its memory mapped */
	mapped = !(info.caps & GENODE_PCI_CAP_IOMMU) || assign;
	ASSERT_EQ(0, pci_bus_master(e1.dev, 1));
	fa = dma_alloc(s1, PAGE, GENODE_DMA_CACHED, e1.dev, &a);
	ASSERT_LE(0, fa);
	ASSERT_EQ(0, genode_dma_map(fa, 0, PAGE, (void **)&p));
	memset(p, 0xa5, PAGE);
	ASSERT_EQ(0, edu_dma(e1.bar, a.bus_addr, 0, EDU_MAX, 0));
	memset(p, 0, PAGE);
	pfn = pagemap_pfn(p);
	munmap(p, PAGE);

	/* a transfer into it, and the holder gone at once */
	edu_dma_to_ram(e1.bar, 0, a.bus_addr, EDU_MAX, 0);
	close(fa);
	edu_close(&e1);
	close(s1);
	EXPECT_TRUE(buffer_listed(pfn, quarantine_word(&edu)));

	/* another session's buffers never get that page */
	s3 = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s3);
	for (int i = 0; i < 64; i++) {
		fc[i] = dma_alloc_flags(s3, PAGE, GENODE_DMA_CACHED,
					GENODE_NO_DEVICE,
					GENODE_DMA_ALLOC_BELOW_4G, &c[i]);
		ASSERT_LE(0, fc[i]);
		ASSERT_NE(0, c[i].phys_addr);
		EXPECT_NE(pfn, c[i].phys_addr / PAGE) TH_LOG("buffer %d", i);
		ASSERT_EQ(0, genode_dma_map(fc[i], 0, PAGE, (void **)&pc[i]));
	}

	/* the next holder: a buffer of its own, then bus mastering on */
	s2 = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s2);
	ASSERT_EQ(0, edu_open(s2, 0, &e2));
	fb = dma_alloc(s2, PAGE, GENODE_DMA_CACHED, e2.dev, &b);
	ASSERT_LE(0, fb);
	if (mapped)
		EXPECT_NE(a.bus_addr, b.bus_addr);
	ASSERT_EQ(0, genode_dma_map(fb, 0, PAGE, (void **)&p));
	pending = edu_dma_cmd(e2.bar) & EDU_DMA_START;
	/* unmapped behind an IOMMU, the stale transfer may fault */
	if (!mapped)
		kmsg_note("genode-test: expect DMAR faults begin\n");
	ASSERT_EQ(0, pci_bus_master(e2.dev, 1));
	for (int i = 0; i < 3000 && edu_dma_cmd(e2.bar) & EDU_DMA_START; i++)
		usleep(1000);
	EXPECT_EQ(0, edu_dma_cmd(e2.bar) & EDU_DMA_START);
	if (!mapped) {
		/* the fault interrupt's lines come a little after the fault */
		usleep(200 * 1000);
		kmsg_note("genode-test: expect DMAR faults end\n");
	}
	TH_LOG("the stale transfer %s when bus mastering came on; the next holder's buffer at %s bus address",
	       pending ? "was still queued" : "had run (into nothing)",
	       a.bus_addr == b.bus_addr ? "the same" : "another");

	/* wherever it went, it is not in another session's buffer */
	if (mapped)
		EXPECT_TRUE(all_bytes(p, PAGE, 0));
	for (int i = 0; i < 64; i++) {
		EXPECT_TRUE(all_bytes(pc[i], PAGE, 0)) TH_LOG("buffer %d", i);
		munmap(pc[i], PAGE);
		close(fc[i]);
	}
	munmap(p, PAGE);
	close(fb);
	edu_close(&e2);
	close(s2);
	close(s3);
	/* the transfers are done */
	EXPECT_EQ(0, pci_end_quarantine(&edu));
	if (assign)
		EXPECT_EQ(0, pci_unbind(&edu));
}

TEST(stale_transfer_of_the_last_holder_reaches_only_quarantine)
{
	stale_transfer(_metadata, false);
}

TEST(stale_transfer_to_an_assigned_device_keeps_its_iovas)
{
	stale_transfer(_metadata, true);
}

/*
 * Is a claim of @a by a new session without CAP_SYS_RAWIO EBUSY?  1 or 0,
 * -1 if the child could not try.
 */
static int claim_without_cap_is_ebusy(const struct pci_addr *a)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);

		if (s < 0 || drop_cap_sys_rawio())
			_exit(10);
		_exit(pci_claim(s, a) == -EBUSY ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 1)
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The quarantine is bounded: while all of it is at or above quarantine_mb,
 * a device with memory in quarantine is claimed only with CAP_SYS_RAWIO.
 */
TEST_F(edu, full_quarantine_needs_cap_sys_rawio_to_claim)
{
	static const char *param = "/sys/module/genode/parameters/quarantine_mb";
	struct genode_dma_alloc a;
	long old = sysfs_long(param);
	int fa, busy, dev;
	char v[32];

	ASSERT_LE(0, old);
	fa = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fa);
	close(fa);
	edu_close(&self->e);

	ASSERT_EQ(0, sysfs_write(param, "0"));
	busy = claim_without_cap_is_ebusy(&self->e.addr);
	/* with the capability it can be claimed */
	dev = pci_claim(self->session, &self->e.addr);
	snprintf(v, sizeof(v), "%ld", old);
	ASSERT_EQ(0, sysfs_write(param, v));
	EXPECT_EQ(1, busy) TH_LOG("-1: setup failed, 0: not EBUSY");
	EXPECT_LE(0, dev);
	if (dev >= 0)
		close(dev);

	/* below the bound, the claim is what it would be without one */
	EXPECT_EQ(0, claim_without_cap_is_ebusy(&self->e.addr));
}

/*
 * Do the pages [b, b + len) go to another session's buffers?  The number
 * of 16 buffers of len bytes that overlap them.
 */
static unsigned int pages_given_out(uint64_t b, uint64_t len)
{
	struct genode_dma_alloc o;
	unsigned int i, reused = 0;
	int s, fds[16];

	s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (s < 0)
		return ~0u;
	for (i = 0; i < 16; i++) {
		fds[i] = dma_alloc(s, len, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
				   &o);
		if (fds[i] >= 0 && o.phys_addr < b + len && b < o.phys_addr + len)
			reused++;
	}
	for (i = 0; i < 16; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	close(s);
	return reused;
}

/*
 * A buffer for no device whose physical address its session learnt may be
 * in use by the session's device.  A live process that closes it has
 * stopped the device (the uapi header's rule): it is freed at once.  A
 * process that dies closes its fds in any order: then the memory stays
 * (charged, and handed to nobody) until the release of the session's
 * claims has ended, and since edu's release cannot reset it (it may hold
 * a transfer to that memory), goes into edu's quarantine then, as edu's
 * own buffers do.  The child here dies with the buffer's fd lower than
 * edu's, and passes edu's fd and the session to the parent first, which
 * keeps the claim alive to look.
 */
TEST(buffer_for_no_device_outlives_the_claims_of_a_dying_process)
{
	struct genode_dma_alloc a;
	struct pci_addr e;
	int sv[2], s, dev, fd, status;
	uint64_t phys = 0;
	pid_t pid;

	if (edu_find(0, &e))
		SKIP(return, "no edu device in this VM");

	/* alive: the close is the process's word */
	s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s);
	dev = edu_claim(s, &e);
	ASSERT_LE(0, dev);
	fd = dma_alloc(s, 16 * PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	ASSERT_NE(0, a.phys_addr) TH_LOG("CAP_SYS_RAWIO learns the physical address");
	close(fd);
	EXPECT_EQ(0, dma_quota_used(s));
	close(dev);
	close(s);

	/* dying */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		fd = dma_alloc(s, 16 * PAGE, GENODE_DMA_CACHED,
			       GENODE_NO_DEVICE, &a);
		dev = edu_claim(s, &e);
		if (s < 0 || fd < 0 || dev < 0 || fd > dev ||
		    send_fd(sv[1], s) || send_fd(sv[1], dev) ||
		    write(sv[1], &a.phys_addr, sizeof(a.phys_addr)) !=
		    sizeof(a.phys_addr))
			_exit(1);
		pause();
		_exit(2);
	}
	close(sv[1]);
	s = recv_fd(sv[0]);
	dev = recv_fd(sv[0]);
	ASSERT_EQ(sizeof(phys), read(sv[0], &phys, sizeof(phys)));
	close(sv[0]);
	ASSERT_LE(0, s);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));

	/* the child's buffer fd is gone, its session still holds edu */
	EXPECT_EQ(16 * PAGE, dma_quota_used(s)) TH_LOG("freed while edu is claimed");
	EXPECT_EQ(0, pages_given_out(phys, 16 * PAGE));
	/* the end of edu's release quarantines it, charged to nobody */
	close(dev);
	EXPECT_EQ(0, dma_quota_used(s));
	EXPECT_TRUE(buffer_listed(phys >> 12, quarantine_word(&e)))
		TH_LOG("not in edu's quarantine after edu's release");
	EXPECT_EQ(0, pages_given_out(phys, 16 * PAGE));
	close(s);
	EXPECT_EQ(0, pci_end_quarantine(&e));
	EXPECT_FALSE(buffer_listed(phys >> 12, NULL));
}

TEST_F(edu, device_release_revokes_its_buffers)
{
	struct genode_revoke rv = { .argsz = sizeof(rv) };
	struct genode_dma_info info = { .argsz = sizeof(info) };
	struct genode_dma_quota q = { .argsz = sizeof(q) };
	struct genode_dma_alloc a;
	int fd, status;
	unsigned char *p;
	pid_t pid;

	fd = dma_alloc(self->session, 2 * PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genode_dma_map(fd, 0, 2 * PAGE, (void **)&p));
	p[0] = 5;

	/* the BAR region holds the device too: revoke the device itself */
	rv.fd = self->e.dev;
	ASSERT_EQ(0, ioctl(self->session, GENODE_REVOKE, &rv));

	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_DMA_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, ioctl(self->session, GENODE_DMA_QUOTA, &q));
	EXPECT_EQ(0, q.used);
	/* its mapping is gone: a child touching it gets SIGBUS */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		p[0] = 6;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
	/* no new buffers for a released device */
	EXPECT_EQ(-ENODEV, dma_alloc(self->session, PAGE, GENODE_DMA_CACHED,
				     self->e.dev, &a));
	munmap(p, 2 * PAGE);
	close(fd);
}

static long mask_bits(const struct pci_addr *a, const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", a->dir, name);
	return sysfs_long(path);
}

/*
 * GENODE_DMA_SET_MASK holds for the claim only: the release gives the
 * next driver the masks the device had before (the PCI core's 32 bits in
 * this VM, where nothing else sets them).
 */
TEST_F(edu, release_restores_the_dma_masks)
{
	struct genode_revoke rv = { .argsz = sizeof(rv) };
	int dev;

	EXPECT_EQ(28, mask_bits(&self->e.addr, "dma_mask_bits"));
	EXPECT_EQ(28, mask_bits(&self->e.addr, "consistent_dma_mask_bits"));
	ASSERT_EQ(0, genode_dma_set_mask(self->session, self->e.dev, 40));
	EXPECT_EQ(40, mask_bits(&self->e.addr, "dma_mask_bits"));

	iomem_unmap(self->e.bar, &self->e.bar_info);
	self->e.bar = NULL;
	close(self->e.bar_fd);
	self->e.bar_fd = -1;
	rv.fd = self->e.dev;
	ASSERT_EQ(0, ioctl(self->session, GENODE_REVOKE, &rv));
	EXPECT_EQ(32, mask_bits(&self->e.addr, "dma_mask_bits"));
	EXPECT_EQ(32, mask_bits(&self->e.addr, "consistent_dma_mask_bits"));

	/* a new claim starts from there */
	close(self->e.dev);
	self->e.dev = -1;
	dev = edu_claim(self->session, &self->e.addr);
	ASSERT_LE(0, dev) TH_LOG("claim: %s", strerror(-dev));
	self->e.dev = dev;
	EXPECT_EQ(32, mask_bits(&self->e.addr, "dma_mask_bits"));
}

TEST_F(edu, bad_device_arguments)
{
	struct genode_dma_alloc a, big;
	int s2, fd, null_fd;

	/* a device this session does not hold */
	s2 = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s2);
	EXPECT_EQ(-EPERM, dma_alloc(s2, PAGE, GENODE_DMA_CACHED, self->e.dev, &a));
	EXPECT_EQ(-EPERM, genode_dma_set_mask(s2, self->e.dev, 32));
	/* masks out of range */
	EXPECT_EQ(-EINVAL, genode_dma_set_mask(self->session, self->e.dev, 0));
	EXPECT_EQ(-EINVAL, genode_dma_set_mask(self->session, self->e.dev, 23));
	EXPECT_EQ(-EINVAL, genode_dma_set_mask(self->session, self->e.dev, 65));
	EXPECT_EQ(-EINVAL, genode_dma_set_mask(self->session, self->e.dev, ~0u));
	/* no device fds */
	EXPECT_EQ(-EBADF, genode_dma_set_mask(self->session, 1000, 32));
	null_fd = open("/dev/null", O_RDWR);
	ASSERT_LE(0, null_fd);
	EXPECT_EQ(-EINVAL, genode_dma_set_mask(self->session, null_fd, 32));
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, PAGE, GENODE_DMA_CACHED,
				     null_fd, &a));
	/* a DMA buffer is no device */
	fd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, PAGE, GENODE_DMA_CACHED,
				     fd, &big));
	EXPECT_EQ(-EINVAL, genode_dma_set_mask(self->session, fd, 32));
	close(fd);
	{
		struct genode_dma_set_mask m = {
			.argsz = sizeof(m), .flags = 1, .device_fd = self->e.dev,
			.bits = 32,
		};

		errno = 0;
		EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_SET_MASK, &m));
		EXPECT_EQ(EINVAL, errno);
	}

	/* a buffer above the new mask: EBUSY, the mask is unchanged */
	fd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fd);
	if (a.bus_addr + PAGE - 1 > (1ULL << 24) - 1) {
		EXPECT_EQ(-EBUSY, genode_dma_set_mask(self->session, self->e.dev, 24));
	} else {
		TH_LOG("buffer at 0x%llx fits 24 bits: no EBUSY case",
		       (unsigned long long)a.bus_addr);
	}
	close(fd);
	/* a mask that fits nothing this size: ENOMEM, never above it */
	ASSERT_EQ(0, genode_dma_set_mask(self->session, self->e.dev, 24));
	EXPECT_EQ(-ENOMEM, dma_alloc(self->session, 32 * MIB, GENODE_DMA_CACHED,
				     self->e.dev, &big));
	EXPECT_EQ(0, genode_dma_set_mask(self->session, self->e.dev, 28));

	close(null_fd);
	close(s2);
	/* the device fd and the BAR region */
	EXPECT_EQ(self->resources + 2, genode_resources());
}

/*
 * A GENODE_DMA_ALLOC that fails for want of an fd leaves nothing: neither
 * memory held for the device nor a charge on the quota.
 */
TEST_F(edu, failed_alloc_leaves_the_quota)
{
	struct genode_dma_alloc a;
	struct rlimit old;
	int64_t used = dma_quota_used(self->session);
	int fds[64], n, fd;

	ASSERT_LE(0, used) TH_LOG("quota: %s", strerror(-used));
	n = fds_use_up(fds, 64, &old);
	ASSERT_LE(0, n) TH_LOG("fds: %s", strerror(-n));

	EXPECT_EQ(-EMFILE, dma_alloc(self->session, 3 * PAGE, GENODE_DMA_CACHED,
				     self->e.dev, &a));
	EXPECT_EQ(used, dma_quota_used(self->session));
	EXPECT_EQ(-EMFILE, dma_alloc(self->session, 3 * PAGE, GENODE_DMA_CACHED,
				     GENODE_NO_DEVICE, &a));
	EXPECT_EQ(used, dma_quota_used(self->session));

	ASSERT_EQ(0, fds_give_back(fds, n, &old));
	/* the device fd and the BAR region */
	EXPECT_EQ(self->resources + 2, genode_resources());
	/* the device still takes buffers */
	fd = dma_alloc(self->session, 3 * PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	EXPECT_LE(0, fd);
	close(fd);
}

struct churn {
	int session, dev;
	volatile int stop;
	unsigned long closed;
};

/* Allocate a buffer for the device and close it, until the device goes. */
static void *churn_buffers(void *arg)
{
	struct churn *c = arg;
	struct genode_dma_alloc a;
	int fd;

	while (!c->stop) {
		fd = dma_alloc(c->session, PAGE, GENODE_DMA_CACHED, c->dev, &a);
		if (fd < 0)
			break;
		close(fd);
		c->closed++;
	}
	return NULL;
}

/*
 * The last close of a device's buffer races the device's release, which
 * frees the buffers it kept (revocation, or an unbind through sysfs).
 * KASAN (the debug kernel) reports a use of a freed buffer.
 */
TEST(edu_buffer_close_races_the_device_release)
{
	struct pci_addr addr;
	unsigned long closed = 0;
	long resources = genode_resources();
	/* 40 rounds, or as many as 15 s take (the debug kernel is slow) */
	double end = now_s() + 15;
	int round;

	if (edu_find(0, &addr))
		SKIP(return, "no edu device in this VM");
	for (round = 0; round < 40 && now_s() < end; round++) {
		struct genode_revoke rv = { .argsz = sizeof(rv) };
		struct churn c = { .stop = 0 };
		pthread_t t;

		c.session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, c.session);
		c.dev = edu_claim(c.session, &addr);
		ASSERT_LE(0, c.dev);
		ASSERT_EQ(0, pthread_create(&t, NULL, churn_buffers, &c));
		usleep(1000 + (round % 8) * 700);
		if (round % 2) {
			rv.fd = c.dev;
			EXPECT_EQ(0, ioctl(c.session, GENODE_REVOKE, &rv));
		} else {
			FILE *f = fopen("/sys/bus/pci/drivers/genode/unbind", "w");

			ASSERT_NE(NULL, f);
			EXPECT_LT(0, fputs(addr.name, f));
			EXPECT_EQ(0, fclose(f));
		}
		c.stop = 1;
		pthread_join(t, NULL);
		closed += c.closed;
		close(c.dev);
		close(c.session);
		EXPECT_EQ(resources, genode_resources());
	}
	TH_LOG("%lu buffers closed while their device was released, in %d rounds",
	       closed, round);
	EXPECT_LT(0, closed);
	pci_end_quarantine(&addr);
}

TEST_F(edu, device_buffers_are_zeroed)
{
	static const __u64 sizes[] = { PAGE, 5 * PAGE, 2 * MIB, 6 * MIB };

	for (unsigned int i = 0; i < 4; i++) {
		for (unsigned int round = 0; round < 2; round++) {
			struct genode_dma_alloc a;
			unsigned char *p;
			int fd;

			fd = dma_alloc(self->session, sizes[i],
				       round ? GENODE_DMA_UNCACHED : GENODE_DMA_CACHED,
				       self->e.dev, &a);
			ASSERT_LE(0, fd);
			ASSERT_EQ(0, genode_dma_map(fd, 0, sizes[i], (void **)&p));
			ASSERT_TRUE(all_bytes(p, sizes[i], 0))
				TH_LOG("%llu bytes, round %u: not zeroed",
				       (unsigned long long)sizes[i], round);
			memset(p, 0xa5, sizes[i]);
			munmap(p, sizes[i]);
			close(fd);
		}
	}
}

/* ---- memory cgroup: buffers built from pages are charged ---- */

#define CGTEST MEMCG_ROOT "/genode-dma-edu-test"

TEST(edu_memcg_charges_iommu_buffers)
{
	struct pci_addr addr;
	long long r[5];
	int pipefd[2], status, ret;
	pid_t pid;

	if (edu_find(0, &addr))
		SKIP(return, "no edu device in this VM");
	ret = memcg_create(CGTEST);
	if (ret == -ENODEV || ret == -EOPNOTSUPP)
		SKIP(return, "%s", ret == -ENODEV ? "cannot mount cgroup2" : "no memory controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pipe(pipefd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_pci_info info = { .argsz = sizeof(info) };
		struct genode_dma_alloc a;
		char me[32];
		int s, dev, fd;

		snprintf(me, sizeof(me), "%d", getpid());
		if (sysfs_write(CGTEST "/cgroup.procs", me))
			_exit(2);
		s = open(GENODE_DEV_PATH, O_RDWR);
		dev = edu_claim(s, &addr);
		if (dev < 0 || genode_dma_set_mask(s, dev, 28) ||
		    ioctl(dev, GENODE_PCI_INFO, &info))
			_exit(3);
		r[3] = !!(info.caps & GENODE_PCI_CAP_IOMMU);
		r[0] = sysfs_long(CGTEST "/memory.current");
		fd = dma_alloc(s, 16 * MIB, GENODE_DMA_CACHED, dev, &a);
		if (fd < 0)
			_exit(4);
		r[1] = sysfs_long(CGTEST "/memory.current");
		/* edu has no reset: its released memory goes into quarantine */
		close(fd);
		close(dev);
		r[2] = sysfs_long(CGTEST "/memory.current");
		pci_end_quarantine(&addr);
		r[4] = sysfs_long(CGTEST "/memory.current");
		if (write(pipefd[1], r, sizeof(r)) != sizeof(r))
			_exit(5);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(r), read(pipefd[0], r, sizeof(r)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pipefd[0]);
	rmdir(CGTEST);
	TH_LOG("memory.current: %lld before, %lld with 16 MiB, %lld in quarantine, %lld after it",
	       r[0], r[1], r[2], r[4]);
	if (!r[3])
		SKIP(return, "no IOMMU: 16 MiB is one contiguous range from alloc_contig_range(), which no exported function can charge to a memcg (dma.c)");
	/* with the IOMMU the 16 MiB are buddy pages, all charged */
	EXPECT_LE(r[0] + 16 * (long long)MIB, r[1]);
	EXPECT_LT(r[1], r[0] + 17 * (long long)MIB);
	/* quarantined memory stays charged, until the quarantine ends */
	EXPECT_LE(r[0] + 16 * (long long)MIB, r[2]);
	EXPECT_LT(r[4], r[0] + (long long)MIB);
}

/* ---- a process killed while its device does DMA ---- */

TEST(edu_killed_during_dma_leaves_nothing)
{
	long resources = genode_resources();
	long sessions = genode_sessions();
	struct pci_addr addr;
	int pipefd[2], s, dev;
	pid_t pid;
	char c;

	if (edu_find(0, &addr))
		SKIP(return, "no edu device in this VM");
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_iomem_info info;
		struct genode_dma_alloc a;
		volatile uint32_t *bar = NULL;
		int s = open(GENODE_DEV_PATH, O_RDWR), dev, fd;
		unsigned char *p;

		dev = edu_claim(s, &addr);
		if (dev < 0 || genode_dma_set_mask(s, dev, 28) ||
		    pci_bus_master(dev, 1))
			_exit(2);
		if (edu_map_bar0(s, dev, 0, &info, &bar) < 0)
			_exit(3);
		fd = dma_alloc(s, 1 * MIB, GENODE_DMA_CACHED, dev, &a);
		if (fd < 0)
			_exit(4);
		if (genode_dma_map(fd, 0, 1 * MIB, (void **)&p))
			_exit(5);
		memset(p, 0x42, PAGE);
		/* start a transfer into the buffer, and die during it */
		edu_dma_to_ram(bar, 0, a.bus_addr, EDU_MAX, 0);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(6);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(0, child_kill(pid));
	close(pipefd[0]);
	/* let the transfer end: 100 ms */
	usleep(300 * 1000);

	EXPECT_EQ(resources, genode_resources());
	EXPECT_EQ(sessions, genode_sessions());
	/* the device is free again, and works */
	s = open(GENODE_DEV_PATH, O_RDWR);
	ASSERT_LE(0, s);
	dev = edu_claim(s, &addr);
	ASSERT_LE(0, dev) TH_LOG("claim after the kill: %s", strerror(-dev));
	close(dev);
	close(s);
	pci_end_quarantine(&addr);
}

/* ---- a device buffer passed to another process ---- */

TEST_F(edu, buffer_passed_over_a_socket_receives_dma)
{
	struct genode_dma_alloc a;
	int sv[2], fd, status;
	unsigned char *p;
	pid_t pid;
	char c = 'x';

	fd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, self->e.dev, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char *q;
		int rfd;

		close(sv[0]);
		close(fd);
		rfd = recv_fd(sv[1]);
		if (rfd < 0)
			_exit(2);
		if (genode_dma_map(rfd, 0, PAGE, (void **)&q))
			_exit(3);
		/* wait for the parent's DMA */
		if (read(sv[1], &c, 1) != 1)
			_exit(4);
		_exit(all_bytes(q, EDU_MAX, 0x5c) ? 0 : 5);
	}
	close(sv[1]);
	ASSERT_EQ(0, send_fd(sv[0], fd));
	/* the creator lets go of its fd; the device fills the buffer */
	ASSERT_EQ(0, close(fd));
	{
		struct genode_dma_alloc t;
		int tfd;

		tfd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED,
				self->e.dev, &t);
		ASSERT_LE(0, tfd);
		ASSERT_EQ(0, genode_dma_map(tfd, 0, PAGE, (void **)&p));
		memset(p, 0x5c, PAGE);
		ASSERT_EQ(0, edu_dma(self->e.bar, t.bus_addr, 0, EDU_MAX, 0));
		ASSERT_EQ(0, edu_dma(self->e.bar, a.bus_addr, 0, EDU_MAX, 1));
		munmap(p, PAGE);
		close(tfd);
	}
	ASSERT_EQ(1, write(sv[0], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
}

/*
 * e1000e's BAR0 mapped, its transmit ring at bus address ring: the
 * descriptors from TDH = head on go out when TDT is written (tx_ring_send).
 */
struct tx_nic {
	int session, dev, region;
	struct genode_iomem_info info;
	volatile uint32_t *bar;
};

static int tx_nic_open(struct tx_nic *n, int session, const struct pci_addr *a)
{
	n->session = session;
	n->region = -1;
	n->bar = NULL;
	n->dev = pci_claim(session, a);
	if (n->dev < 0)
		return n->dev;
	n->region = iomem_map_bar(session, n->dev, 0, 0, &n->info, &n->bar);
	return n->region < 0 ? n->region : 0;
}

static void tx_nic_close(struct tx_nic *n)
{
	if (n->bar)
		iomem_unmap(n->bar, &n->info);
	if (n->region >= 0)
		close(n->region);
	if (n->dev >= 0)
		close(n->dev);
	n->bar = NULL;
	n->region = n->dev = -1;
}

/* Send the descriptors [head, tail) of the ring at ring: ICR afterwards. */
static uint32_t tx_ring_send(struct tx_nic *n, uint64_t ring,
			     unsigned int head, unsigned int tail)
{
	volatile uint32_t *bar = n->bar;
	uint32_t icr;

	mmio_write32(bar, E1000_IMC, 0xffffffff);
	mmio_write32(bar, E1000_TCTL, 0);
	mmio_write32(bar, E1000_TDBAL, (uint32_t)ring);
	mmio_write32(bar, E1000_TDBAH, (uint32_t)(ring >> 32));
	mmio_write32(bar, E1000_TDLEN, PAGE);
	mmio_write32(bar, E1000_TDH, head);
	mmio_write32(bar, E1000_TDT, head);
	mmio_write32(bar, E1000_ICR, 0xffffffff);
	mmio_write32(bar, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	mmio_write32(bar, E1000_TDT, tail);
	icr = mmio_read32(bar, E1000_ICR);
	mmio_write32(bar, E1000_TCTL, 0);
	return icr;
}

/*
 * The pages of a device's buffer are freed at the device's release, and
 * behind an IOMMU the device cannot reach them from then on, in lazy mode
 * too (iommu.strict=0, Debian's default), where the DMA API's unmap leaves
 * the IOTLB flush to a flush queue for up to 10 ms, and QEMU's IOMMU
 * keeps translating through its IOTLB until the flush.  e1000e's transmit
 * ring is in a buffer: the first descriptor is sent (its fetch puts the
 * ring's page in the IOTLB), the device is released (its buffer freed),
 * claimed again at once, and told to send the ring's second descriptor,
 * written before the release, from the old bus address.  Its fetch must
 * fault: had the device read it, from a page the kernel had freed, it
 * would have sent it and written its status back (ICR TXDW).
 */
TEST(released_buffer_is_out_of_reach_before_its_pages_are_freed)
{
	struct tx_nic n = { .dev = -1, .region = -1 };
	struct genode_dma_alloc ring;
	struct e1000e_tx_desc *d;
	struct pci_addr nic;
	int s, s2, fr, kmsg, ret;
	uint32_t icr;

	if (e1000e_find(&nic))
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	s = genode_session_open(NULL);
	ASSERT_LE(0, s);
	s2 = genode_session_open(NULL);
	ASSERT_LE(0, s2);
	ASSERT_EQ(0, tx_nic_open(&n, s, &nic));
	if (!pci_translated(n.dev)) {
		tx_nic_close(&n);
		close(s);
		close(s2);
		SKIP(return, "no IOMMU translates for e1000e");
	}
	ASSERT_TRUE(mmio_read32(n.bar, E1000_STATUS) & E1000_STATUS_LU);

	/* two descriptors, each sending the ring's second half */
	fr = dma_alloc(s, PAGE, GENODE_DMA_CACHED, n.dev, &ring);
	ASSERT_LE(0, fr);
	ASSERT_EQ(0, genode_dma_map(fr, 0, PAGE, (void **)&d));
	memset(d, 0, PAGE);
	memset((char *)d + PAGE / 2, 0xff, 60);	/* broadcast, to no peer */
	for (int i = 0; i < 2; i++) {
		d[i].addr = ring.bus_addr + PAGE / 2;
		d[i].length = 60;
		d[i].cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
	}
	ASSERT_EQ(0, pci_bus_master(n.dev, 1));
	icr = tx_ring_send(&n, ring.bus_addr, 0, 1);
	EXPECT_TRUE(icr & E1000_ICR_TXDW) TH_LOG("ICR 0x%x", icr);
	EXPECT_TRUE(d[0].status & E1000_TXD_STAT_DD);
	EXPECT_EQ(0, d[1].status);

	/* released, claimed again, the second descriptor at the old address */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	lseek(kmsg, 0, SEEK_END);
	kmsg_note("genode-test: expect DMAR faults begin\n");
	ASSERT_EQ(0, genode_dma_unmap(d, PAGE));
	close(fr);
	tx_nic_close(&n);
	close(s);
	ret = tx_nic_open(&n, s2, &nic);
	ASSERT_EQ(0, ret) TH_LOG("claiming e1000e again: %s", strerror(-ret));
	ASSERT_EQ(0, pci_bus_master(n.dev, 1));
	icr = tx_ring_send(&n, ring.bus_addr, 1, 2);
	EXPECT_EQ(0, icr & E1000_ICR_TXDW)
		TH_LOG("e1000e fetched a descriptor from the freed buffer (ICR 0x%x)",
		       icr);
	EXPECT_TRUE(kmsg_wait(kmsg, "DMAR: [DMA Read", nic.name + 5,
			      "fault addr", 10))
		TH_LOG("no IOMMU fault of %s in the kernel log", nic.name);
	kmsg_note("genode-test: expect DMAR faults end\n");
	close(kmsg);

	EXPECT_EQ(0, pci_bus_master(n.dev, 0));
	tx_nic_close(&n);
	close(s2);
}

TEST_HARNESS_MAIN
