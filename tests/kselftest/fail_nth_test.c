// SPDX-License-Identifier: GPL-2.0
/*
 * Every error path of the creating calls, by fault injection: for each
 * call, fail its 1st, 2nd, ... allocation (the task's fail-nth, with
 * failslab and fail_page_alloc taking sleeping allocations too) until the
 * call succeeds without the failure being reached.  After each failed
 * call, and after the last one's resource is closed, the module must be
 * back where it was: the same number of sessions and resources, the same
 * DMA quota in use, and the same genode lines in /proc/ioports,
 * /proc/iomem and /proc/interrupts.  KASAN and kmemleak (the debug kernel)
 * see what the counters cannot.
 *
 * The calls are those whose allocations are the module's own or plain
 * allocator calls: opening a session, DMA buffers for no device (one page,
 * beyond the buddy allocator's largest block, its largest block uncached,
 * and below 4 GiB), for a claimed device, IO ports by range and by IO
 * BAR, IO memory by physical range and by BAR, a legacy line and INTx;
 * GENODE_PCI_LIST with a claimed function in the list, which the
 * module copies through a buffer of its own; and, where an IOMMU
 * translates for edu, an IOMMU domain, its attachment and a mapping of
 * a buffer in it (each undone after it succeeded, checked by the undo).
 * The claim itself and MSI are
 * left out: failing allocations inside pci_enable_device() (ACPICA) and
 * inside the MSI setup hits the kernel's own error paths, whose bugs are
 * not the module's.
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC
 * with debugfs (the debug kernel); skips elsewhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "libgenode_dev.h"
#include "lib/genode_test.h"

#define COM2_GSI	3
#define PAGE		4096UL
#define MIB		(1024UL * 1024)
#define DEBUGFS		"/sys/kernel/debug"
/* more allocations than any of the calls makes */
#define MAX_NTH		400

struct state {
	long sessions, resources;
	uint64_t quota_used;
	char proc[3][2048];
	/* RAM pages the kernel's linear mapping maps other than write-back */
	long not_wb;
};

/*
 * RAM pages in the first 4 GiB (the VM's 1 GiB) whose linear mapping is
 * not write-back, from the module's debugfs kernel_map (dma.c), or -1.
 */
static long ram_not_write_back(void)
{
	unsigned long wb, other, absent;

	if (kernel_map_query(0, 1UL << 20, &wb, &other, &absent))
		return -1;
	return (long)other;
}

/*
 * What of @path names genode, concatenated: from each line the part from
 * the first "genode" on (so that /proc/interrupts' counters do not count).
 */
static void genode_lines(const char *path, char *out, size_t len)
{
	char line[512], *g;
	size_t n = 0;
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		g = strstr(line, "genode");
		if (g && n + strlen(g) < len) {
			strcpy(out + n, g);
			n += strlen(g);
		}
	}
	fclose(f);
}

static void snapshot(int session, struct state *st)
{
	uint64_t limit;

	st->sessions = genode_sessions();
	st->resources = genode_resources();
	if (genode_dma_quota(session, &limit, &st->quota_used))
		st->quota_used = ~0ULL;
	genode_lines("/proc/ioports", st->proc[0], sizeof(st->proc[0]));
	genode_lines("/proc/iomem", st->proc[1], sizeof(st->proc[1]));
	genode_lines("/proc/interrupts", st->proc[2], sizeof(st->proc[2]));
	st->not_wb = ram_not_write_back();
}

static bool state_equal(const struct state *a, const struct state *b)
{
	return a->sessions == b->sessions && a->resources == b->resources &&
	       a->quota_used == b->quota_used && a->not_wb == b->not_wb &&
	       !strcmp(a->proc[0], b->proc[0]) &&
	       !strcmp(a->proc[1], b->proc[1]) &&
	       !strcmp(a->proc[2], b->proc[2]);
}

/* Arm the calling thread's fail-nth: the nth fault-injectable call fails. */
static int fail_nth_fd(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/thread-self/fail-nth");
	return open(path, O_RDWR);
}

/* What a call under test works with, set up before fail-nth is armed. */
struct ctx {
	int session;
	int dev;		/* edu claimed, or -1 */
	uint64_t phys;		/* a page for a physical range */
	uint32_t phys_flags;	/* its GENODE_IOMEM_* flags */
	int domain;		/* an IOMMU domain for edu, or -1 */
	int buf;		/* a DMA buffer for no device, or -1 */
	/* undoes a call that succeeded: 0 or -errno */
	int (*undo)(struct ctx *c);
};

typedef int (*create_fn)(struct ctx *c);

/* How a call may fail, besides ENOMEM, and what its success leaves. */
enum {
	/*
	 * The call reserves the range with __request_region(), which
	 * returns NULL both for a conflict and when it cannot allocate its
	 * entry: EBUSY for both (the uapi header says so).
	 */
	MAY_EBUSY = 1 << 0,
	/*
	 * A buffer for a device without an IOMMU keeps its memory and its
	 * quota until the device's release, after its fd is closed.
	 */
	KEPT = 1 << 1,
	/* success is a count, not an fd to close */
	NO_FD = 1 << 2,
};

static int create_session(struct ctx *c)
{
	(void)c;
	return genode_session_open(NULL);
}

static int create_dma_page(struct ctx *c)
{
	return genode_dma_alloc(c->session, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, NULL,
				NULL, NULL);
}

static int create_dma_large(struct ctx *c)
{
	return genode_dma_alloc(c->session, 6 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
				NULL, NULL, NULL);
}

/*
 * The buddy allocator's largest block, uncached: the linear mapping of
 * the run is switched with set_memory_uc(), which splits the large pages
 * it spans; a failure to split a later one must leave none of the run
 * uncached when the pages go back.
 */
static int create_dma_uncached(struct ctx *c)
{
	return genode_dma_alloc(c->session, 4 * MIB, GENODE_DMA_UNCACHED, GENODE_NO_DEVICE,
				NULL, NULL, NULL);
}

static int create_dma_below_4g(struct ctx *c)
{
	return genode_dma_alloc_below_4g(c->session, 2 * PAGE,
					 GENODE_DMA_CACHED, NULL, NULL, NULL);
}

static int create_dma_device(struct ctx *c)
{
	return genode_dma_alloc(c->session, 3 * PAGE, GENODE_DMA_UNCACHED,
				c->dev, NULL, NULL, NULL);
}

/* GENODE_PCI_LIST's copy of the list: a count, or -errno */
static int list_pci(struct ctx *c)
{
	struct genode_pci_function fns[16];

	return (int)genode_pci_list(c->session, fns, 16);
}

static int create_ioport(struct ctx *c)
{
	return genode_ioport_open(c->session, UART_COM2, UART_PORTS);
}

static int create_iomem_phys(struct ctx *c)
{
	return genode_iomem_request_phys(c->session, c->phys, PAGE,
					 c->phys_flags);
}

static int create_iomem_bar(struct ctx *c)
{
	return genode_iomem_request_bar(c->session, c->dev, 0, 0);
}

static int create_ioport_bar(struct ctx *c)
{
	return genode_ioport_open_bar(c->session, c->dev, E1000E_IO_BAR, NULL,
				      NULL);
}

static int create_irq_line(struct ctx *c)
{
	return genode_irq_open_line(c->session, COM2_GSI, 0);
}

static int create_irq_intx(struct ctx *c)
{
	return genode_irq_open_pci(c->session, c->dev, GENODE_IRQ_SOURCE_INTX,
				   0, 0);
}

#define IOVA	0x100000UL

static int create_domain(struct ctx *c)
{
	struct genode_iommu_domain_alloc a;

	return domain_alloc(c->session, c->dev, &a);
}

static int attach_domain(struct ctx *c)
{
	return genode_iommu_attach(c->domain, c->dev);
}

static int detach_domain(struct ctx *c)
{
	return genode_iommu_detach(c->domain, c->dev);
}

static int map_buffer(struct ctx *c)
{
	return genode_iommu_map(c->domain, c->buf, 0, PAGE, IOVA,
				GENODE_IOMMU_MAP_READ | GENODE_IOMMU_MAP_WRITE);
}

static int unmap_buffer(struct ctx *c)
{
	return genode_iommu_unmap(c->domain, IOVA, PAGE);
}

FIXTURE(fail_nth) {
	struct ctx c;
	int nth;
	const char *skip;	/* why the tests skip, or NULL */
	char allow[512];	/* the allow list before, if the test set it */
	bool allowed;
};

FIXTURE_SETUP(fail_nth)
{
	static const char *const knobs[][2] = {
		{ DEBUGFS "/failslab/ignore-gfp-wait", "N" },
		{ DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ DEBUGFS "/fail_page_alloc/min-order", "0" },
		{ DEBUGFS "/failslab/verbose", "0" },
		{ DEBUGFS "/fail_page_alloc/verbose", "0" },
	};
	uint64_t fb_size;
	unsigned int i = 0;
	char allow[64];

	self->c.session = -1;
	self->c.dev = -1;
	self->c.domain = -1;
	self->c.buf = -1;
	self->nth = fail_nth_fd();
	if (self->nth < 0) {
		self->skip = "no fault injection in this kernel (no /proc/thread-self/fail-nth)";
		return;
	}
	if (access(DEBUGFS "/failslab", F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	if (access(DEBUGFS "/failslab", F_OK) ||
	    access(DEBUGFS "/fail_page_alloc", F_OK)) {
		self->skip = "no failslab or fail_page_alloc in debugfs";
		return;
	}
	for (unsigned int i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		ASSERT_EQ(0, sysfs_write(knobs[i][0], knobs[i][1]))
			TH_LOG("%s", knobs[i][0]);
	}

	/* the snapshots compare the linear mapping's memory types too */
	ASSERT_LE(0, ram_not_write_back()) TH_LOG("debugfs genode/kernel_map");
	self->c.session = genode_session_open(NULL);
	ASSERT_LE(0, self->c.session);
	/*
	 * A physical range: a page of the boot framebuffer if it is free,
	 * else one the firmware reserved, which the allow list must name
	 * (uncached: a kernel driver may hold it, and a range only the allow
	 * list let through cannot be given a memory type).
	 */
	self->c.phys_flags = GENODE_IOMEM_WC;
	if (!boot_fb_free(self->c.session, &self->c.phys, &fb_size))
		return;
	self->c.phys_flags = 0;
	ASSERT_EQ(0, firmware_reserved_page(&i, &self->c.phys))
		TH_LOG("no free boot framebuffer, no firmware reservation");
	ASSERT_EQ(0, genode_allow_get(self->allow, sizeof(self->allow)));
	snprintf(allow, sizeof(allow), "mem:0x%llx-0x%llx",
		 (unsigned long long)self->c.phys,
		 (unsigned long long)self->c.phys + PAGE - 1);
	ASSERT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM, allow));
	self->allowed = true;
}

FIXTURE_TEARDOWN(fail_nth)
{
	if (self->c.buf >= 0)
		close(self->c.buf);
	if (self->c.domain >= 0)
		close(self->c.domain);
	if (self->c.dev >= 0)
		close(self->c.dev);
	if (self->c.session >= 0)
		close(self->c.session);
	if (self->nth >= 0)
		close(self->nth);
	if (self->allowed)
		EXPECT_EQ(0, sysfs_write(GENODE_ALLOW_PARAM,
					 *self->allow ? self->allow : "\n"));
}

/* Run @fn under fail-nth n = 1, 2, ... until it succeeds unfailed. */
static void run_fail_nth(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fail_nth) *self, const char *name,
			 create_fn fn, unsigned int how)
{
	struct state before, after;
	unsigned int n, failed = 0;
	char buf[16];
	bool reached;
	int ret;

	snapshot(self->c.session, &before);
	for (n = 1; n <= MAX_NTH; n++) {
		int len = snprintf(buf, sizeof(buf), "%u", n);

		ASSERT_EQ(len, pwrite(self->nth, buf, len, 0));
		ret = fn(&self->c);
		/* 0 once the nth call failed; the calls still to go otherwise */
		memset(buf, 0, sizeof(buf));
		ASSERT_LT(0, pread(self->nth, buf, sizeof(buf) - 1, 0));
		reached = atoi(buf) == 0;
		ASSERT_EQ(1, pwrite(self->nth, "0", 1, 0));

		if (ret >= 0 && !(how & NO_FD))
			close(ret);
		if (ret >= 0 && self->c.undo)
			EXPECT_EQ(0, self->c.undo(&self->c))
				TH_LOG("%s, undoing it after allocation %u", name, n);
		snapshot(self->c.session, &after);
		/* a kept buffer: the next call starts from here */
		if (ret >= 0 && (how & KEPT)) {
			before.quota_used = after.quota_used;
			before.not_wb = after.not_wb;
		}
		EXPECT_TRUE(state_equal(&before, &after))
			TH_LOG("%s, allocation %u failed (%d): sessions %ld/%ld, resources %ld/%ld, quota %llu/%llu, RAM pages not write-back %ld/%ld, %s",
			       name, n, ret, before.sessions, after.sessions,
			       before.resources, after.resources,
			       (unsigned long long)before.quota_used,
			       (unsigned long long)after.quota_used,
			       before.not_wb, after.not_wb,
			       strcmp(before.proc[0], after.proc[0]) ? "/proc/ioports differs" :
			       strcmp(before.proc[1], after.proc[1]) ? "/proc/iomem differs" :
			       strcmp(before.proc[2], after.proc[2]) ? "/proc/interrupts differs" : "");
		if (!state_equal(&before, &after))
			return;
		if (!reached) {
			/* the call made fewer than n allocations */
			EXPECT_LE(0, ret) TH_LOG("%s failed unfailed: %s", name, strerror(-ret));
			break;
		}
		if (ret < 0) {
			failed++;
			/* an allocation failure is ENOMEM, never a bogus errno */
			EXPECT_TRUE(ret == -ENOMEM ||
				    ((how & MAY_EBUSY) && ret == -EBUSY))
				TH_LOG("%s, allocation %u failed: %s", name, n,
				       strerror(-ret));
		}
	}
	EXPECT_GE(MAX_NTH, n) TH_LOG("%s still fails after %u allocations", name, MAX_NTH);
	TH_LOG("%s: %u allocations, %u of whose failures failed the call", name,
	       n - 1, failed);
	EXPECT_LT(0, n - 1);
}

/* The harness runs a test's body after a SKIP in its setup: skip here. */
#define NEED_FAULT_INJECTION()						\
	do {								\
		if (self->skip)						\
			SKIP(return, "%s", self->skip);			\
	} while (0)

TEST_F_TIMEOUT(fail_nth, calls_without_a_device, 600)
{
	NEED_FAULT_INJECTION();
	run_fail_nth(_metadata, self, "open", create_session, 0);
	run_fail_nth(_metadata, self, "DMA, one page", create_dma_page, 0);
	run_fail_nth(_metadata, self, "DMA, 6 MiB", create_dma_large, 0);
	run_fail_nth(_metadata, self, "DMA, 4 MiB uncached",
		     create_dma_uncached, 0);
	run_fail_nth(_metadata, self, "DMA, below 4 GiB", create_dma_below_4g,
		     0);
	run_fail_nth(_metadata, self, "IO ports", create_ioport, MAY_EBUSY);
	run_fail_nth(_metadata, self, "IO memory, physical", create_iomem_phys,
		     MAY_EBUSY);
	run_fail_nth(_metadata, self, "legacy line", create_irq_line, 0);
}

TEST_F_TIMEOUT(fail_nth, calls_on_a_claimed_device, 600)
{
	struct pci_addr edu;

	NEED_FAULT_INJECTION();
	ASSERT_EQ(0, edu_find(0, &edu));
	self->c.dev = edu_claim(self->c.session, &edu);
	ASSERT_LE(0, self->c.dev);
	run_fail_nth(_metadata, self, "DMA for edu", create_dma_device, KEPT);
	run_fail_nth(_metadata, self, "IO memory, BAR", create_iomem_bar, 0);
	run_fail_nth(_metadata, self, "INTx", create_irq_intx, 0);
	/* a list with edu in it: the module copies it through a buffer */
	run_fail_nth(_metadata, self, "PCI list", list_pci, NO_FD);
	/* the device's release frees what it kept */
	close(self->c.dev);
	self->c.dev = -1;
	EXPECT_EQ(0, dma_quota_used(self->c.session));
}

/*
 * The claim's first allocation is its own (the device object, before the
 * PCI core is asked for anything): failed, the claim is ENOMEM and leaves
 * nothing; the claim's later allocations are the PCI core's (above).
 */
TEST_F(fail_nth, claim_whose_own_allocation_fails_is_enomem)
{
	struct state before, after;
	struct pci_addr edu;
	int ret;

	NEED_FAULT_INJECTION();
	ASSERT_EQ(0, edu_find(0, &edu));
	snapshot(self->c.session, &before);
	ASSERT_EQ(1, pwrite(self->nth, "1", 1, 0));
	ret = edu_claim(self->c.session, &edu);
	ASSERT_EQ(1, pwrite(self->nth, "0", 1, 0));
	EXPECT_EQ(-ENOMEM, ret);
	if (ret >= 0)
		close(ret);
	snapshot(self->c.session, &after);
	EXPECT_TRUE(state_equal(&before, &after));
	/* and unfailed it claims */
	ret = edu_claim(self->c.session, &edu);
	EXPECT_LE(0, ret) TH_LOG("claim: %s", strerror(-ret));
	if (ret >= 0)
		close(ret);
}

/*
 * An IOMMU domain for edu, attaching edu to it, and mapping a buffer for
 * no device in it; the attachment and the mapping are undone after each
 * success (detach and unmap must succeed: what failed left nothing that
 * the next try trips over).
 */
TEST_F_TIMEOUT(fail_nth, iommu_domain_calls, 300)
{
	struct genode_iommu_domain_alloc a;
	struct pci_addr edu;

	NEED_FAULT_INJECTION();
	ASSERT_EQ(0, edu_find(0, &edu));
	self->c.dev = edu_claim(self->c.session, &edu);
	ASSERT_LE(0, self->c.dev);
	if (!pci_translated(self->c.dev))
		SKIP(return, "no IOMMU translates for edu");
	run_fail_nth(_metadata, self, "IOMMU domain", create_domain, 0);

	self->c.domain = domain_alloc(self->c.session, self->c.dev, &a);
	ASSERT_LE(0, self->c.domain);
	self->c.undo = detach_domain;
	run_fail_nth(_metadata, self, "IOMMU attach", attach_domain, NO_FD);

	self->c.buf = genode_dma_alloc(self->c.session, PAGE, GENODE_DMA_CACHED,
				       GENODE_NO_DEVICE, NULL, NULL, NULL);
	ASSERT_LE(0, self->c.buf);
	self->c.undo = unmap_buffer;
	run_fail_nth(_metadata, self, "IOMMU map", map_buffer, NO_FD);
	self->c.undo = NULL;
}

/* e1000e's BAR 2 is an IO BAR */
TEST_F_TIMEOUT(fail_nth, io_bar_of_a_claimed_device, 300)
{
	struct pci_addr nic;

	NEED_FAULT_INJECTION();
	if (e1000e_find(&nic))
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	self->c.dev = pci_claim(self->c.session, &nic);
	ASSERT_LE(0, self->c.dev);
	run_fail_nth(_metadata, self, "IO ports, BAR", create_ioport_bar, 0);
	close(self->c.dev);
	self->c.dev = -1;
}

TEST_HARNESS_MAIN
