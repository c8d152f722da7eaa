// SPDX-License-Identifier: GPL-2.0
/*
 * genode_bench - genode.ko against its peers, on QEMU's edu, in one boot
 *
 * Run inside the test VM (make bench) as root, with genode.ko loaded and
 * Debian's uio_pci_generic and, where an IOMMU is there, vfio-pci
 * available through modprobe.  It measures, on the same edu function:
 *
 *  irq: one interrupt round trip: raise it through the mapped BAR0 (0x60),
 *       poll() until the notification fd is readable, read() it, clear
 *       the cause in edu (0x64), re-arm.  Re-arming is GENODE_IRQ_ACK for
 *       genode (also for MSI, as Genode's Irq_session always acks; MSI
 *       is timed without the ack too, where it only counts),
 *       for uio_pci_generic a pwrite() of the command register through
 *       sysfs config that clears Interrupt Disable (it has no irqcontrol),
 *       VFIO_DEVICE_SET_IRQS(UNMASK) for vfio-pci's INTx, nothing for
 *       vfio-pci's MSI.  genode's INTx also in one call per interrupt:
 *       raise, GENODE_IRQ_ACK_WAIT (the ack of the last, the wait for
 *       this one), clear the cause.  genode's MSI also with an eventfd
 *       attached (GENODE_IRQ_SET_EVENTFD), polled and read as vfio-pci's.
 *       And waiting in a blocking read() alone, as Genode core's
 *       interrupt thread does: genode's INTx read and GENODE_IRQ_ACK
 *       (core's two calls) against vfio-pci's INTx read and unmask, and
 *       genode's MSI read (core makes no call for an MSI's ack) against
 *       vfio-pci's MSI read; vfio-pci's INTx samples of this kind are
 *       also the peer of genode's one-call INTx.
 *  idle fd: read() (O_NONBLOCK, EAGAIN) and poll() (timeout 0) of an IRQ
 *       fd with nothing pending and of an eventfd at 0, in batches: the
 *       system calls of a round trip without the interrupt.
 *  mmio read: one 32-bit read of edu's ident register through BAR0 as
 *       each one maps it: genode's region fd, sysfs resource0 (with the
 *       function bound to uio_pci_generic, which enabled it), vfio's
 *       region.  Timed in batches of reads.
 *  mmio map: mmap() of all of BAR0, the first read, munmap().
 *  irq scale: genode's edu MSI round trip in one call (GENODE_IRQ_ACK_WAIT),
 *       in a blocking read() alone (as core's interrupt thread waits) and
 *       with epoll_wait() and read(), with 0, 16 and up to 256 other
 *       IRQ fds open and armed in the same epoll set, and the set filled
 *       to 256 with dup()s of them; in one call with 1, 16 and 64
 *       sessions open (see phase_scale()).  The ratios are each row's
 *       cost over the first row's.
 *  memory: per session and per IRQ fd, once (see memory_measure()).
 *  dma contiguous: once, after that and before the rounds: the largest
 *       physically contiguous buffer GENODE_DMA_ALLOC gives (4 MiB up to
 *       512 MiB, then a bisection), and the time it takes, on the fresh
 *       guest and after a workload that fragments memory with unmovable
 *       allocations, beside the buddy allocator's largest block (see
 *       contig.c).
 *
 * Every loop that maps and unmaps runs with one page mapped beside it
 * (see anchor_map()).
 *  dma: a buffer edu could reach, mapped and touched by the CPU, then
 *       gone: genode GENODE_DMA_ALLOC + mmap + a write to each page +
 *       munmap + close, for edu with the PCI core's default DMA mask (32
 *       bits) and with edu's own (28 bits, GENODE_DMA_SET_MASK), and for
 *       no device; vfio type1 anonymous mmap + VFIO_IOMMU_MAP_DMA + the
 *       same writes + UNMAP_DMA + munmap; udmabuf (where the kernel has
 *       it) memfd + UDMABUF_CREATE + mmap + the writes + munmap + close.
 *       Not all of it is like for like: without an IOMMU genode frees a
 *       buffer for a device only at the device's release (see
 *       genode_dma()), so there its teardown frees nothing; udmabuf pins
 *       pages but gives no device address.  The ratio column compares
 *       genode's 32-bit row with vfio (IOMMU machine) and udmabuf.
 *
 * Phases (genode, uio_pci_generic, vfio-pci, udmabuf, and genode's irq
 * scale rows in -S of the rounds) rebind the function between the
 * drivers and run in rounds, so that a change of the host's load touches
 * every implementation alike; the samples of all rounds are pooled.  The table gives the median, the 10th and 90th percentiles and,
 * for each peer, the ratios of genode's median to the peer's and of
 * genode's 10th percentile to the peer's (the host's load inflates the
 * upper part of each distribution; where the two ratios disagree, the
 * load has moved the median).
 *
 * After the table, between @@CSV-BEGIN@@ and @@CSV-END@@, each row's
 * distribution as CSV (see print_csv()), and the contiguous phase's tries
 * between @@CONTIG-CSV-BEGIN@@ and @@CONTIG-CSV-END@@.
 *
 * Nothing is asserted about the numbers.  The exit status is 1 when a
 * measurement that this machine should allow could not be made at all
 * (then the row says why), 2 on bad usage, else 0.
 *
 * The table also gives the 99th percentile and the maximum, what users
 * of a real-time kernel look at.  With -l the whole run is made under
 * load, as real-time users measure: the benchmark runs at SCHED_FIFO
 * priority 40 (below the kernel's interrupt threads), beside a CPU hog
 * (a busy loop) and a memory and IO hog (64 MiB written over and over,
 * 4 MiB of it to a file, fsync()ed), both at SCHED_OTHER.
 *
 *   genode_bench [-r rounds] [-S rounds] [-s scale] [-n note] [-l] [-C]
 *     -r  rounds of all phases (40)
 *     -S  of those, the rounds that include the irq scale rows, spread
 *         evenly (40: all of them by default; 0: none).  Each opens and
 *         closes some 200 vectors, which on PREEMPT_RT, under load, take
 *         long (an interrupt thread each)
 *     -s  percent of the default number of iterations per round (100)
 *     -n  a line for the table's header (what the VM's script knows)
 *     -l  under load (see above)
 *     -C  without the contiguous phase
 *     -T  only the MSI round trips in read(), genode's and vfio-pci's,
 *         for a tracer (see msi_rounds())
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/udmabuf.h>
#include <linux/vfio.h>

#include "libgenode_dev.h"
#include "lib/genode_test.h"
#include "contig.h"

/* How long a raised interrupt may take to arrive before we give up. */
#define IRQ_TIMEOUT_MS	2000
/* IOVA of vfio's DMA mappings: below edu's 28-bit mask, 2 MiB aligned */
#define VFIO_IOVA	0x1000000ull
/* The function with many MSI-X vectors that make bench adds: virtio-rng */
#define VIRTIO_VENDOR	0x1af4

static const size_t dma_sizes[] = { 4096, 65536, 2 << 20 };

/* Iterations per round, before -s scaling. */
static unsigned int n_irq = 100, n_irq_warm = 10;
static unsigned int n_read_batches = 50, read_batch = 200;
static unsigned int n_map = 15;
static const unsigned int n_dma[] = { 10, 5, 2 };

static unsigned int scale_pct = 100;
static const char *note;
static bool contig = true;	/* the contiguous phase (contig.c); -C: without */
/* -T: only the MSI round trips in read(), genode's and vfio-pci's */
static bool msi_only;

static unsigned int scaled(unsigned int n)
{
	unsigned long v = (unsigned long)n * scale_pct / 100;

	return v ? (unsigned int)v : 1;
}

/* ---- samples ---- */

/*
 * One row of the table: a measurement (group) and an implementation.
 * The first row of a group is genode's, the reference of the ratio.
 */
struct series {
	const char *group;
	const char *impl;
	double *v;		/* ns per operation */
	size_t n, cap;
	bool rel;		/* ratio: this row's cost over the first's */
	bool absent;		/* not possible here: why says why */
	bool failed;		/* should have worked: why says why */
	char why[160];
};

#define MAX_SERIES 64
static struct series rows[MAX_SERIES];
static size_t n_rows;

static struct series *row(const char *group, const char *impl)
{
	size_t i;

	for (i = 0; i < n_rows; i++)
		if (!strcmp(rows[i].group, group) && !strcmp(rows[i].impl, impl))
			return &rows[i];
	if (n_rows == MAX_SERIES) {
		fprintf(stderr, "genode_bench: too many rows\n");
		exit(1);
	}
	rows[n_rows].group = group;
	rows[n_rows].impl = impl;
	return &rows[n_rows++];
}

static void add(struct series *s, double ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v) {
			perror("genode_bench: realloc");
			exit(1);
		}
	}
	s->v[s->n++] = ns;
}

static void set_why(struct series *s, const char *fmt, va_list ap)
{
	if (s->why[0])
		return;		/* the first reason counts */
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
}

/* A failure: this should have worked on this machine. */
__attribute__((format(printf, 2, 3)))
static void fail(struct series *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_why(s, fmt, ap);
	va_end(ap);
	s->failed = true;
}

/* An absence: not possible on this kernel or machine. */
__attribute__((format(printf, 2, 3)))
static void absent(struct series *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_why(s, fmt, ap);
	va_end(ap);
	s->absent = true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v[0..n), interpolated. */
static double quantile(const double *v, size_t n, double q)
{
	double pos = q * (n - 1);
	size_t i = (size_t)pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

void fmt_time(char *buf, size_t len, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2f s", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns >= 1e4)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else
		snprintf(buf, len, "%.0f ns", ns);
}

/* ---- sysfs and binding ---- */

/* edu's address, its name and its sysfs directory */
static struct pci_addr edu;

static void edu_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", edu.dir, name);
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* ---- the measured loops, shared by all implementations ---- */

/* ep of irq_loop(): wait in a blocking read() alone (see irq_loop()) */
#define WAIT_READ	-2
/* the alarm that ends such a loop's read() that no interrupt ends */
#define READ_ALARM_S	10

/*
 * poll() for fd (or epoll_wait() on ep, if not -1, which holds fd; or
 * nothing, if ep is WAIT_READ), then read() len bytes: 0, or -errno
 * (-ETIMEDOUT, -EINTR).
 */
static int wait_fd(int fd, int ep, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct epoll_event ev;
	uint64_t buf;
	int ret = 1;

	if (ep >= 0)
		ret = epoll_wait(ep, &ev, 1, IRQ_TIMEOUT_MS);
	else if (ep != WAIT_READ)
		ret = poll(&p, 1, IRQ_TIMEOUT_MS);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	errno = 0;
	if (read(fd, &buf, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

/* How an implementation re-arms after edu's cause was cleared. */
typedef int (*rearm_fn)(void *ctx);

/*
 * n round trips (after warm-up ones that are not counted): raise, wait
 * for fd (in epoll set ep, if not -1; with ep WAIT_READ in read() alone,
 * as core's interrupt thread does, which an alarm of READ_ALARM_S ends if
 * an interrupt never comes), clear the cause, re-arm.
 */
static void irq_loop(struct series *s, struct series *also,
		     volatile uint32_t *bar, int fd, int ep, size_t len,
		     rearm_fn rearm, void *ctx)
{
	unsigned int i, n = scaled(n_irq) + n_irq_warm;
	double t0;
	int ret;

	if (ep == WAIT_READ)
		alarm(READ_ALARM_S);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		edu_irq_raise(bar, 1);
		ret = wait_fd(fd, ep, len);
		if (ret) {
			fail(s, "no interrupt: %s", strerror(-ret));
			if (also)
				fail(also, "no interrupt: %s", strerror(-ret));
			edu_irq_ack(bar, 0xffffffff);
			break;
		}
		edu_irq_ack(bar, 1);
		ret = rearm ? rearm(ctx) : 0;
		if (ret) {
			fail(s, "re-arming: %s", strerror(-ret));
			break;
		}
		if (i >= n_irq_warm) {
			double t = now_ns() - t0;

			add(s, t);
			if (also)
				add(also, t);
		}
	}
	if (ep == WAIT_READ)
		alarm(0);
}

static void read_loop(struct series *s, volatile uint32_t *bar)
{
	unsigned int b, i, nb = scaled(n_read_batches);
	uint32_t bad = 0;
	double t0;

	for (b = 0; b < nb; b++) {
		t0 = now_ns();
		for (i = 0; i < read_batch; i++)
			bad |= edu_read(bar, EDU_ID) ^ EDU_ID_VALUE;
		add(s, (now_ns() - t0) / read_batch);
	}
	if (bad)
		fail(s, "edu's ident read wrong");
}

/*
 * A page mapped beside the mappings that a loop makes and drops.  Without
 * it, munmap() of the only mapping in its range frees the page-table page
 * too, and the TLB flush that follows costs more under TCG than what is
 * measured (measured: 4 KiB buffers took three times as long).  Every
 * loop that maps runs with one, so that all implementations pay alike.
 */
static void *anchor_map(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("genode_bench: mmap");
		exit(1);
	}
	*(volatile char *)p = 1;
	return p;
}

static void anchor_unmap(void *p)
{
	munmap(p, 4096);
}

/* mmap(fd at offset, size), read ident, munmap. */
static void map_loop(struct series *s, int fd, off_t offset, size_t size)
{
	unsigned int i, n = scaled(n_map);
	void *p, *anchor = anchor_map();
	volatile uint32_t *bar;
	uint32_t v;
	double t0;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 offset);
		if (p == MAP_FAILED) {
			fail(s, "mmap: %s", strerror(errno));
			break;
		}
		bar = p;
		v = edu_read(bar, EDU_ID);
		munmap(p, size);
		add(s, now_ns() - t0);
		if (v != EDU_ID_VALUE) {
			fail(s, "edu's ident read 0x%x", v);
			break;
		}
	}
	anchor_unmap(anchor);
}

static void touch(void *p, size_t size)
{
	volatile char *c = p;
	size_t off;

	for (off = 0; off < size; off += 4096)
		c[off] = 1;
}

static const char *dma_group(size_t size)
{
	switch (size) {
	case 4096:
		return "dma 4 KiB: setup+teardown";
	case 65536:
		return "dma 64 KiB: setup+teardown";
	default:
		return "dma 2 MiB: setup+teardown";
	}
}

/* ---- genode ---- */

static bool iommu;	/* edu is behind an IOMMU */

static const char *g_irq_intx = "irq round trip, INTx";
static const char *g_irq_msi = "irq round trip, MSI";
static const char *g_irq_msi_noack = "irq round trip, MSI, no ack";
static const char *g_irq_intx_1 = "irq round trip, 1-call INTx";
static const char *g_irq_intx_rd = "irq round trip, INTx, read()";
static const char *g_irq_msi_rd = "irq round trip, MSI, read()";
static const char *g_read = "mmio read (32 bit)";
static const char *g_idle_read = "read(), nothing pending";
static const char *g_idle_poll = "poll(), nothing pending";
static const char *g_map = "mmio map+read+unmap";

static int genode_rearm(void *ctx)
{
	return genode_irq_ack(*(int *)ctx);
}

/*
 * Round trips on genode's IRQ fd for the INTx or the MSI vector, waiting
 * in poll() and read(); ack: with GENODE_IRQ_ACK to re-arm (as Genode's
 * Irq_session always does).  For MSI the ack only counts (nothing is
 * masked), so the MSI is also timed without it, which is what vfio-pci's
 * MSI path does.  With rd, in a blocking read() alone, as Genode core's
 * interrupt thread waits, and acked only where core makes the system call
 * (INTx; for MSI core's ack_irq makes none).
 */
static void genode_irq(int session, int dev, volatile uint32_t *bar,
		       uint32_t source, bool ack, bool rd)
{
	bool msi = source == GENODE_IRQ_SOURCE_MSI;
	struct series *s;
	int irq;

	if (rd)
		s = msi ? row(g_irq_msi_rd, "genode MSI, read") :
			  row(g_irq_intx_rd, "genode INTx, read+ack");
	else
		s = row(msi ? (ack ? g_irq_msi : g_irq_msi_noack) : g_irq_intx,
			msi ? (ack ? "genode MSI" : "genode MSI, no ack") :
			"genode INTx");

	irq = genode_irq_open_pci(session, dev, source, 0, msi ? 1 : 0);
	if (irq < 0) {
		fail(s, "GENODE_IRQ_REQUEST: %s", strerror(-irq));
		return;
	}
	irq_loop(s, NULL, bar, irq, rd ? WAIT_READ : -1, sizeof(uint64_t),
		 ack ? genode_rearm : NULL, &irq);
	close(irq);
}

/*
 * Round trips in one system call per interrupt on IRQ fd irq: raise, then
 * GENODE_IRQ_ACK_WAIT, which re-arms the source (for INTx: unmasks the
 * line, masked since the last interrupt, whose cause was cleared) and
 * waits for this one; clear the cause.
 */
static void ack_wait_loop(struct series *s, volatile uint32_t *bar, int irq)
{
	unsigned int i, n = scaled(n_irq) + n_irq_warm;
	uint64_t count;
	double t0;
	int ret;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		edu_irq_raise(bar, 1);
		ret = genode_irq_ack_wait(irq, &count);
		if (ret) {
			fail(s, "GENODE_IRQ_ACK_WAIT: %s", strerror(-ret));
			break;
		}
		edu_irq_ack(bar, 1);
		if (i >= n_irq_warm)
			add(s, now_ns() - t0);
	}
	edu_irq_ack(bar, 0xffffffff);
}

/* INTx in one system call per interrupt (see ack_wait_loop()). */
static void genode_irq_ack_wait_intx(int session, int dev,
				     volatile uint32_t *bar)
{
	struct series *s = row(g_irq_intx_1, "genode INTx, ack+wait");
	int irq;

	irq = genode_irq_open_pci(session, dev, GENODE_IRQ_SOURCE_INTX, 0, 0);
	if (irq < 0) {
		fail(s, "GENODE_IRQ_REQUEST: %s", strerror(-irq));
		return;
	}
	ack_wait_loop(s, bar, irq);
	close(irq);
}

/*
 * genode's MSI with an eventfd attached (GENODE_IRQ_SET_EVENTFD): the
 * handler signals it as vfio-pci's does, and the round trip polls and
 * reads the eventfd.  Against plain genode MSI (no ack) this tells the
 * IRQ fd's poll() and read() from the eventfd's, against vfio-pci's MSI
 * the handlers apart.
 */
static void genode_irq_eventfd(int session, int dev, volatile uint32_t *bar)
{
	struct series *s = row(g_irq_msi_noack, "genode MSI, eventfd");
	int irq, efd, ret;

	irq = genode_irq_open_pci(session, dev, GENODE_IRQ_SOURCE_MSI, 0, 1);
	if (irq < 0) {
		fail(s, "GENODE_IRQ_REQUEST: %s", strerror(-irq));
		return;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0) {
		fail(s, "eventfd: %s", strerror(errno));
		goto out;
	}
	ret = genode_irq_set_eventfd(irq, efd);
	if (ret)
		fail(s, "GENODE_IRQ_SET_EVENTFD: %s", strerror(-ret));
	else
		irq_loop(s, NULL, bar, efd, -1, sizeof(uint64_t), NULL, NULL);
	close(efd);
out:
	close(irq);
}

/*
 * The system calls of a round trip without the interrupt: read() of an fd
 * with nothing pending (O_NONBLOCK: EAGAIN) and poll() of it (timeout 0),
 * in batches, for an IRQ fd with nothing pending and for an eventfd
 * (what vfio-pci hands out) at 0.
 */
static void idle_fd_loops(const char *impl, int fd)
{
	struct series *r = row(g_idle_read, impl), *p = row(g_idle_poll, impl);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned int b, i, nb = scaled(n_read_batches);
	int bad = 0;
	uint64_t v;
	double t0;

	if (fcntl(fd, F_SETFL, O_NONBLOCK)) {
		fail(r, "O_NONBLOCK: %s", strerror(errno));
		fail(p, "O_NONBLOCK: %s", strerror(errno));
		return;
	}
	for (b = 0; b < nb; b++) {
		t0 = now_ns();
		for (i = 0; i < read_batch; i++)
			bad |= read(fd, &v, sizeof(v)) != -1 || errno != EAGAIN;
		add(r, (now_ns() - t0) / read_batch);
		t0 = now_ns();
		for (i = 0; i < read_batch; i++)
			bad |= poll(&pfd, 1, 0) != 0;
		add(p, (now_ns() - t0) / read_batch);
	}
	if (bad) {
		fail(r, "something was pending");
		fail(p, "something was pending");
	}
}

static void idle_fds(int session, int dev)
{
	int irq, efd;

	irq = genode_irq_open_pci(session, dev, GENODE_IRQ_SOURCE_MSI, 0, 1);
	if (irq < 0) {
		fail(row(g_idle_read, "genode IRQ fd"), "GENODE_IRQ_REQUEST: %s",
		     strerror(-irq));
		fail(row(g_idle_poll, "genode IRQ fd"), "GENODE_IRQ_REQUEST: %s",
		     strerror(-irq));
	} else {
		idle_fd_loops("genode IRQ fd", irq);
		close(irq);
	}
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0) {
		perror("genode_bench: eventfd");
		exit(1);
	}
	idle_fd_loops("eventfd", efd);
	close(efd);
}

/* bits: the DMA mask of edu, or 0 for a buffer for no device */
static const char *dma_impl(unsigned int bits)
{
	switch (bits) {
	case 0:
		return "genode (no device)";
	case 32:
		return "genode (edu, 32-bit mask)";
	default:
		return "genode (edu, 28-bit mask)";
	}
}

/*
 * n buffers of size, for edu with a DMA mask of bits (the PCI core's
 * default is 32) or for no device (bits 0).  Each variant and size gets
 * a claim of its own: without an IOMMU a buffer for the device is freed
 * only when the device is released (after bus mastering is off), so
 * buffers closed in the loop stay allocated until the claim ends; with
 * a 28-bit mask they stay scattered over the 256 MiB below it, and in
 * one claim 200 buffers of 4 KiB left no room for one of 64 KiB (ENOMEM).
 */
static void genode_dma(size_t size, unsigned int n, unsigned int bits)
{
	struct series *s = row(dma_group(size), dma_impl(bits));
	int session, dev = -1, other = -1, fd, ret;
	void *p, *anchor;
	unsigned int i;
	double t0;

	session = genode_session_open(NULL);
	if (session < 0) {
		fail(s, "open /dev/genode: %s", strerror(-session));
		return;
	}
	if (!bits) {
		/*
		 * Another resource of the module alive, as in any real user
		 * (the first and the last resource pin and release the
		 * module's pseudo file system)
		 */
		other = genode_dma_alloc(session, 4096, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
					 NULL, NULL, NULL);
		if (other < 0) {
			fail(s, "GENODE_DMA_ALLOC: %s", strerror(-other));
			goto out;
		}
	} else {
		dev = genode_pci_claim(session, edu.domain, edu.bus, edu.devfn);
		if (dev < 0) {
			fail(s, "GENODE_PCI_CLAIM: %s", strerror(-dev));
			goto out;
		}
		ret = genode_dma_set_mask(session, dev, bits);
		if (ret) {
			fail(s, "GENODE_DMA_SET_MASK: %s", strerror(-ret));
			goto out;
		}
	}
	anchor = anchor_map();
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		fd = genode_dma_alloc(session, size, GENODE_DMA_CACHED, dev,
				      NULL, NULL, NULL);
		if (fd < 0) {
			fail(s, "GENODE_DMA_ALLOC (buffer %u): %s", i + 1,
			     strerror(-fd));
			break;
		}
		ret = genode_dma_map(fd, 0, size, &p);
		if (ret) {
			close(fd);
			fail(s, "mmap: %s", strerror(-ret));
			break;
		}
		touch(p, size);
		genode_dma_unmap(p, size);
		close(fd);
		add(s, now_ns() - t0);
	}
	anchor_unmap(anchor);
out:
	if (dev >= 0) {
		close(dev);
		/*
		 * edu has no reset, so its buffers stay in quarantine after
		 * the claim (kmod/dma.c); it ran no transfer: end it, as its
		 * administrator may, or the rounds pile them up.
		 */
		pci_end_quarantine(&edu);
	}
	if (other >= 0)
		close(other);
	close(session);
}

static void phase_genode_dma(void)
{
	static const unsigned int masks[] = { 32, EDU_DMA_BITS, 0 };
	size_t i, m;

	for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++)
		for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++)
			genode_dma(dma_sizes[i], scaled(n_dma[i]), masks[m]);
}

/* The rows genode's phases fill: first in their groups. */
static void genode_rows(void)
{
	size_t i;

	row(g_irq_intx, "genode INTx");
	row(g_irq_intx_rd, "genode INTx, read+ack");
	row(g_irq_intx_1, "genode INTx, ack+wait");
	row(g_irq_msi, "genode MSI");
	row(g_irq_msi_noack, "genode MSI, no ack");
	row(g_irq_msi_noack, "genode MSI, eventfd");
	row(g_irq_msi_rd, "genode MSI, read");
	row(g_idle_read, "genode IRQ fd");
	row(g_idle_poll, "genode IRQ fd");
	row(g_read, "genode region");
	row(g_map, "genode region");
	for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++) {
		row(dma_group(dma_sizes[i]), dma_impl(32));
		row(dma_group(dma_sizes[i]), dma_impl(EDU_DMA_BITS));
		row(dma_group(dma_sizes[i]), dma_impl(0));
	}
}

static void phase_genode(void)
{
	struct genode_iomem_info info;
	struct series *s = row(msi_only ? g_irq_msi_rd : g_irq_intx,
			       msi_only ? "genode MSI, read" : "genode INTx");
	volatile uint32_t *bar;
	void *mapping;
	int session, dev, region, ret;

	session = genode_session_open(NULL);
	if (session < 0) {
		fail(s, "open /dev/genode: %s", strerror(-session));
		return;
	}
	dev = genode_pci_claim(session, edu.domain, edu.bus, edu.devfn);
	if (dev < 0) {
		fail(s, "GENODE_PCI_CLAIM: %s", strerror(-dev));
		goto out_session;
	}
	/* MSI is a memory write: edu sends none without bus mastering */
	ret = genode_pci_set_bus_master(dev, 1);
	if (ret) {
		fail(s, "bus master: %s", strerror(-ret));
		goto out_dev;
	}
	region = genode_iomem_request_bar(session, dev, 0, 0);
	if (region < 0) {
		fail(s, "GENODE_IOMEM_REQUEST: %s", strerror(-region));
		goto out_dev;
	}
	ret = genode_iomem_map(region, &mapping, &info);
	if (ret) {
		fail(s, "mapping BAR0: %s", strerror(-ret));
		goto out_region;
	}
	bar = (volatile uint32_t *)((char *)mapping + info.page_offset);
	edu_irq_ack(bar, 0xffffffff);

	if (msi_only) {
		genode_irq(session, dev, bar, GENODE_IRQ_SOURCE_MSI, false, true);
		goto out_unmap;
	}
	genode_irq(session, dev, bar, GENODE_IRQ_SOURCE_INTX, true, false);
	genode_irq(session, dev, bar, GENODE_IRQ_SOURCE_INTX, true, true);
	genode_irq_ack_wait_intx(session, dev, bar);
	genode_irq(session, dev, bar, GENODE_IRQ_SOURCE_MSI, true, false);
	genode_irq(session, dev, bar, GENODE_IRQ_SOURCE_MSI, false, false);
	genode_irq(session, dev, bar, GENODE_IRQ_SOURCE_MSI, false, true);
	genode_irq_eventfd(session, dev, bar);
	idle_fds(session, dev);
	read_loop(row(g_read, "genode region"), bar);
	map_loop(row(g_map, "genode region"), region, 0, info.map_size);
out_unmap:
	munmap(mapping, info.map_size);
out_region:
	close(region);
out_dev:
	close(dev);
out_session:
	close(session);
}

/* ---- scaling: delivery beside other armed IRQ fds and sessions ---- */

/*
 * The edu MSI round trip, in one call (GENODE_IRQ_ACK_WAIT), in a
 * blocking read() alone and with epoll_wait() and read(), with N other
 * IRQ fds open and armed in the
 * same epoll set: N MSI-X vectors of a function that nobody raises (make
 * bench adds virtio-rng-pci with 256 vectors; no driver sets up its
 * queues, so it sends nothing).  Each vector has a CPU vector of its own,
 * and one vCPU has about 200 for devices: the most asked for stops where
 * the kernel refuses (ENOSPC), and the row says how many it holds.
 * And with S sessions open, each holding a DMA buffer of a page, the
 * legacy lines that nobody holds spread over them (vectors cannot be:
 * a device's are its claimer's only).  The rows' ratios are their cost
 * over the first row's of their group (no other IRQ fd, one session).
 */
#define SCALE_VECTORS	256
#define SCALE_LINES	16
#define SCALE_GSIS	24	/* the IO-APIC's pins */

/* the last: the most, and dup()s of them up to SCALE_VECTORS in the set */
static const unsigned int scale_others[] = { 0, 16, SCALE_VECTORS, SCALE_VECTORS };
#define N_SCALE_OTHERS	(sizeof(scale_others) / sizeof(scale_others[0]))
static const unsigned int scale_sessions[] = { 1, 16, 64 };
static const char *const scale_sessions_impl[] = {
	"1 session", "16 sessions", "64 sessions",
};

static const char *g_scale_1 = "irq scale, MSI, 1 call";
static const char *g_scale_read = "irq scale, MSI, epoll+read";
static const char *g_scale_plain = "irq scale, MSI, read";
static const char *g_scale_sessions = "irq scale, sessions, 1 call";

static struct pci_addr vdev;	/* the function with the vectors */
static int vdev_found = -ENODEV;
/* what the first round armed of the most others asked for (the notes: why not more) */
static unsigned int scale_armed;
static char scale_max_impl[80];
static unsigned int scale_lines;	/* quiet lines found in the first round */

static char scale_note[3][200];

static const char *scale_others_impl(size_t i)
{
	static const char *const impl[] = {
		"no other IRQ fd", "16 other IRQ fds", NULL,
		"256 in the set, with dup()s",
	};

	return i == 2 ? scale_max_impl : impl[i];
}

/*
 * edu's MSI fd, the vectors' device, in one session; the epoll set with
 * edu's fd, n other IRQ fds (fds[k] is vector k) and n_dups dup()s
 */
struct scale {
	int session, dev, vdev, region, irq, ep;
	void *mapping;
	size_t map_size;
	volatile uint32_t *bar;
	int fds[SCALE_VECTORS], dups[SCALE_VECTORS];
	unsigned int n, n_dups;
};

/*
 * Make the epoll set hold scale_others[i] other IRQ fds (as many as the
 * first round could arm) beside edu's, opening or closing vectors; for
 * the last i, filled up to SCALE_VECTORS others with dup()s of them
 * (epoll holds each fd of a file as an entry of its own).  Going from one
 * i to the next changes only the difference, so that a round opens the
 * vectors once.  0, or what refused the next vector.
 */
static int scale_set(struct scale *sc, size_t i)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int want = scale_others[i], dups;
	int fd = 0;

	if (i >= 2 && scale_armed)
		want = scale_armed;
	while (sc->n_dups)
		close(sc->dups[--sc->n_dups]);
	while (sc->n > want)
		close(sc->fds[--sc->n]);
	while (sc->n < want && sc->vdev >= 0) {
		fd = genode_irq_open_pci(sc->session, sc->vdev,
					 GENODE_IRQ_SOURCE_MSIX, sc->n,
					 sc->n ? 0 : SCALE_VECTORS);
		if (fd < 0)
			break;
		ev.data.fd = fd;
		if (epoll_ctl(sc->ep, EPOLL_CTL_ADD, fd, &ev)) {
			perror("genode_bench: epoll_ctl");
			exit(1);
		}
		sc->fds[sc->n++] = fd;
	}
	if (i == 2 && !scale_armed) {
		snprintf(scale_max_impl, sizeof(scale_max_impl),
			 "%u other IRQ fds", sc->n);
		if (sc->n < want)
			snprintf(scale_note[2], sizeof(scale_note[2]),
				 "irq scale: of %u other vectors asked for, %u armed; the next: %s",
				 want, sc->n, strerror(-fd));
		scale_armed = sc->n;
		return 0;
	}
	dups = i == N_SCALE_OTHERS - 1 && sc->n ? SCALE_VECTORS - sc->n : 0;
	while (sc->n_dups < dups) {
		fd = dup(sc->fds[sc->n_dups % sc->n]);
		ev.data.fd = fd;
		if (fd < 0 || epoll_ctl(sc->ep, EPOLL_CTL_ADD, fd, &ev)) {
			perror("genode_bench: dup, epoll_ctl");
			exit(1);
		}
		sc->dups[sc->n_dups++] = fd;
	}
	return sc->n < want ? fd : 0;
}

/*
 * Round trips with the others of scale_others[i] in the set: in one call
 * and in a blocking read() alone (but for the last i, which differs only
 * in the set), and with epoll_wait() and read().
 */
static void scale_others_run(struct scale *sc, size_t i)
{
	struct series *s1 = NULL, *sp = NULL, *sr;
	int ret = scale_set(sc, i);

	if (i < N_SCALE_OTHERS - 1) {
		s1 = row(g_scale_1, scale_others_impl(i));
		sp = row(g_scale_plain, scale_others_impl(i));
		s1->rel = sp->rel = true;
	}
	sr = row(g_scale_read, scale_others_impl(i));
	sr->rel = true;
	if (sc->vdev < 0 && scale_others[i]) {
		if (s1) {
			absent(s1, "no function with %u MSI-X vectors: %s",
			       SCALE_VECTORS, strerror(-sc->vdev));
			absent(sp, "no function with %u MSI-X vectors: %s",
			       SCALE_VECTORS, strerror(-sc->vdev));
		}
		absent(sr, "no function with %u MSI-X vectors: %s", SCALE_VECTORS,
		       strerror(-sc->vdev));
	} else if (ret || (i == 1 && sc->n < 16)) {
		if (s1) {
			fail(s1, "armed %u: %s", sc->n, strerror(-ret));
			fail(sp, "armed %u: %s", sc->n, strerror(-ret));
		}
		fail(sr, "armed %u: %s", sc->n, strerror(-ret));
	} else {
		if (s1) {
			ack_wait_loop(s1, sc->bar, sc->irq);
			irq_loop(sp, NULL, sc->bar, sc->irq, WAIT_READ,
				 sizeof(uint64_t), NULL, NULL);
		}
		irq_loop(sr, NULL, sc->bar, sc->irq, sc->ep, sizeof(uint64_t),
			 NULL, NULL);
	}
}

/*
 * Round trips with scale_sessions[i] sessions open, each holding a DMA
 * buffer of a page, and the quiet legacy lines (up to SCALE_LINES) spread
 * over them.
 */
static void scale_sessions_run(struct scale *sc, size_t i)
{
	struct series *s = row(g_scale_sessions, scale_sessions_impl[i]);
	unsigned int k, n = scale_sessions[i], lines = 0, gsi;
	int sessions[64], bufs[64], fds[SCALE_LINES];

	s->rel = true;
	for (k = 0; k < n; k++) {
		sessions[k] = genode_session_open(NULL);
		bufs[k] = sessions[k] < 0 ? sessions[k] :
			genode_dma_alloc(sessions[k], 4096, GENODE_DMA_CACHED,
					 GENODE_NO_DEVICE, NULL, NULL, NULL);
		if (bufs[k] < 0) {
			fail(s, "session %u: %s", k + 1, strerror(-bufs[k]));
			break;
		}
	}
	/* the lines of claimed devices are refused (EBUSY), as are held ones */
	for (gsi = 0; k == n && gsi < SCALE_GSIS && lines < SCALE_LINES; gsi++) {
		int fd = genode_irq_open_line(sessions[lines % n], gsi, 0);

		if (fd >= 0)
			fds[lines++] = fd;
	}
	if (k == n) {
		if (!scale_lines)
			scale_lines = lines;
		if (lines != scale_lines)
			fail(s, "%u quiet lines, %u in the first round", lines,
			     scale_lines);
		else
			ack_wait_loop(s, sc->bar, sc->irq);
	}
	while (lines)
		close(fds[--lines]);
	while (k--) {
		if (bufs[k] >= 0)
			close(bufs[k]);
		if (sessions[k] >= 0)
			close(sessions[k]);
	}
}

static void scale_fail(const char *fmt, int err)
{
	size_t i;

	for (i = 0; i < N_SCALE_OTHERS; i++) {
		if (i < N_SCALE_OTHERS - 1) {
			fail(row(g_scale_1, scale_others_impl(i)), fmt,
			     strerror(-err));
			fail(row(g_scale_plain, scale_others_impl(i)), fmt,
			     strerror(-err));
		}
		fail(row(g_scale_read, scale_others_impl(i)), fmt, strerror(-err));
	}
	for (i = 0; i < 3; i++)
		fail(row(g_scale_sessions, scale_sessions_impl[i]), fmt,
		     strerror(-err));
}

static void phase_scale(void)
{
	static unsigned int runs;
	static struct scale sc;
	struct epoll_event ev = { .events = EPOLLIN };
	struct genode_iomem_info info;
	size_t i, k;
	int ret;

	if (!scale_max_impl[0])
		snprintf(scale_max_impl, sizeof(scale_max_impl),
			 "%u other IRQ fds", SCALE_VECTORS);
	memset(&sc, 0, sizeof(sc));
	sc.dev = sc.vdev = sc.region = sc.irq = sc.ep = -1;
	sc.session = genode_session_open(NULL);
	if (sc.session < 0) {
		scale_fail("open /dev/genode: %s", sc.session);
		return;
	}
	sc.dev = genode_pci_claim(sc.session, edu.domain, edu.bus, edu.devfn);
	if (sc.dev < 0) {
		scale_fail("GENODE_PCI_CLAIM: %s", sc.dev);
		goto out;
	}
	ret = genode_pci_set_bus_master(sc.dev, 1);
	if (ret) {
		scale_fail("bus master: %s", ret);
		goto out;
	}
	sc.region = genode_iomem_request_bar(sc.session, sc.dev, 0, 0);
	if (sc.region < 0) {
		scale_fail("GENODE_IOMEM_REQUEST: %s", sc.region);
		goto out;
	}
	ret = genode_iomem_map(sc.region, &sc.mapping, &info);
	if (ret) {
		scale_fail("mapping BAR0: %s", ret);
		goto out;
	}
	sc.map_size = info.map_size;
	sc.bar = (volatile uint32_t *)((char *)sc.mapping + info.page_offset);
	edu_irq_ack(sc.bar, 0xffffffff);
	sc.irq = genode_irq_open_pci(sc.session, sc.dev, GENODE_IRQ_SOURCE_MSI,
				     0, 1);
	if (sc.irq < 0) {
		scale_fail("GENODE_IRQ_REQUEST: %s", sc.irq);
		goto out;
	}
	sc.vdev = vdev_found ? vdev_found :
		genode_pci_claim(sc.session, vdev.domain, vdev.bus, vdev.devfn);
	sc.ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = sc.irq;
	if (sc.ep < 0 || epoll_ctl(sc.ep, EPOLL_CTL_ADD, sc.irq, &ev)) {
		perror("genode_bench: epoll");
		exit(1);
	}

	/* every other run in reverse order */
	for (k = 0; k < N_SCALE_OTHERS; k++) {
		i = runs % 2 ? N_SCALE_OTHERS - 1 - k : k;
		scale_others_run(&sc, i);
	}
	scale_set(&sc, 0);
	for (k = 0; k < 3; k++) {
		i = runs % 2 ? 2 - k : k;
		scale_sessions_run(&sc, i);
	}
	runs++;
	snprintf(scale_note[0], sizeof(scale_note[0]),
		 "irq scale: the others are MSI-X vectors of %s, in one epoll set with edu's MSI",
		 vdev_found ? "(none)" : vdev.name);
	snprintf(scale_note[1], sizeof(scale_note[1]),
		 "irq scale, sessions: each holds a 4 KiB DMA buffer; %u quiet legacy lines spread over them",
		 scale_lines);
out:
	if (sc.ep >= 0)
		close(sc.ep);
	if (sc.vdev >= 0)
		close(sc.vdev);
	if (sc.irq >= 0)
		close(sc.irq);
	if (sc.mapping)
		munmap(sc.mapping, sc.map_size);
	if (sc.region >= 0)
		close(sc.region);
	if (sc.dev >= 0)
		close(sc.dev);
	close(sc.session);
}

/* The function for the other vectors: virtio's, unbound from its driver. */
static void find_vdev(void)
{
	vdev_found = pci_find(VIRTIO_VENDOR, ~0u, 0, &vdev);
	if (!vdev_found)
		vdev_found = pci_unbind(&vdev);
}

/* ---- memory per session and per IRQ fd ---- */

/*
 * What the kernel's memory grows by per empty session and per IRQ fd of
 * a vector of the virtio function: in slabs and per-CPU areas (Slab +
 * Percpu of /proc/meminfo), and in all (MemFree with the per-CPU free
 * lists).  Each kind is opened in two parts, all kept open until the end,
 * and measured over the second (for the vectors: what the vCPU has left
 * after the first 64), so that room left in slabs that existed before
 * does not hide the growth.  The first vector fd enables all
 * SCALE_VECTORS vectors of the function, and is counted per vector.
 * Once, before the rounds and the load.  /proc/meminfo counts in KiB and
 * slabs grow by whole slabs, so the figures are good to some tens of
 * bytes per session (500 measured) and a few hundred per IRQ fd (about
 * 110).  Legacy lines are too few (the IO-APIC's pins) to be measured so.
 */
#define MEM_SESSIONS	1000
#define MEM_FDS		(MEM_SESSIONS + SCALE_VECTORS)

static char mem_note[3][200];

struct kmem {
	long long slab, used;
};

static void kmem(struct kmem *k)
{
	k->slab = proc_meminfo("Slab") + proc_meminfo("Percpu");
	k->used = -proc_free_memory();
}

static void kmem_note(char *buf, size_t len, const char *what, unsigned int n,
		      const struct kmem *a, const struct kmem *b)
{
	if (!n) {
		snprintf(buf, len, "memory per %s: none could be made", what);
		return;
	}
	snprintf(buf, len,
		 "memory per %s: %lld bytes in slabs and per-CPU areas, %lld in all (over %u)",
		 what, (b->slab - a->slab) / n, (b->used - a->used) / n, n);
}

/* An fd from open_one(ctx, i) for i in [from, to): how many. */
typedef int (*open_fn)(void *ctx, unsigned int i);

static unsigned int open_fds(int *fds, unsigned int *n_fds, open_fn open_one,
			     void *ctx, unsigned int from, unsigned int to)
{
	unsigned int i, n = 0;
	int fd;

	for (i = from; i < to; i++) {
		fd = open_one(ctx, i);
		if (fd < 0)
			continue;
		fds[(*n_fds)++] = fd;
		n++;
	}
	return n;
}

/*
 * Open [from, half), then [half, to), and measure the second part: the
 * note of what.
 */
static void mem_halves(char *note, size_t len, const char *what, int *fds,
		       unsigned int *n_fds, open_fn open_one, void *ctx,
		       unsigned int from, unsigned int half, unsigned int to)
{
	unsigned int n;
	struct kmem a, b;

	open_fds(fds, n_fds, open_one, ctx, from, half);
	kmem(&a);
	n = open_fds(fds, n_fds, open_one, ctx, half, to);
	kmem(&b);
	kmem_note(note, len, what, n, &a, &b);
}

static int mem_session(void *ctx, unsigned int i)
{
	(void)ctx;
	(void)i;
	return genode_session_open(NULL);
}

struct mem_irq {
	int session, dev;
};

static int mem_vector(void *ctx, unsigned int i)
{
	struct mem_irq *m = ctx;

	return genode_irq_open_pci(m->session, m->dev, GENODE_IRQ_SOURCE_MSIX,
				   i, 0);
}

static void memory_measure(void)
{
	static int fds[MEM_FDS];
	struct mem_irq m = { .dev = -1 };
	unsigned int n_fds = 0;
	struct kmem a, b;

	mem_halves(mem_note[0], sizeof(mem_note[0]), "session (empty)", fds,
		   &n_fds, mem_session, NULL, 0, MEM_SESSIONS / 2, MEM_SESSIONS);

	m.session = genode_session_open(NULL);
	if (m.session >= 0 && !vdev_found)
		m.dev = genode_pci_claim(m.session, vdev.domain, vdev.bus,
					 vdev.devfn);
	if (m.dev >= 0) {
		kmem(&a);
		fds[n_fds] = genode_irq_open_pci(m.session, m.dev,
						 GENODE_IRQ_SOURCE_MSIX, 0,
						 SCALE_VECTORS);
		kmem(&b);
		kmem_note(mem_note[1], sizeof(mem_note[1]),
			  "MSI-X vector enabled (with the first fd)",
			  fds[n_fds] >= 0 ? SCALE_VECTORS : 0, &a, &b);
		if (fds[n_fds] >= 0) {
			n_fds++;
			mem_halves(mem_note[2], sizeof(mem_note[2]),
				   "IRQ fd, MSI-X vector", fds, &n_fds,
				   mem_vector, &m, 1, 1 + SCALE_VECTORS / 4,
				   SCALE_VECTORS);
		}
	}
	while (n_fds)
		close(fds[--n_fds]);
	if (m.dev >= 0)
		close(m.dev);
	if (m.session >= 0)
		close(m.session);
}

/* ---- uio_pci_generic, and sysfs resource0 beside it ---- */

/*
 * uio_pci_generic has no irqcontrol: its handler sets the Interrupt
 * Disable bit, and the driver clears it again through sysfs config (as
 * the UIO howto's example does), a one-byte write of the command
 * register's high byte.
 */
struct uio_ctx {
	int config;
	uint8_t cmd_high;
};

static int uio_rearm(void *ctx)
{
	struct uio_ctx *u = ctx;

	return pwrite(u->config, &u->cmd_high, 1, PCI_COMMAND + 1) == 1 ? 0 : -errno;
}

/* /dev/uioN of edu, opened; -errno if none. */
static int open_uio(void)
{
	char path[300];
	struct dirent *d;
	int fd = -ENOENT;
	DIR *dir;

	edu_path(path, sizeof(path), "uio");
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/dev/%.255s", d->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		break;
	}
	closedir(dir);
	return fd;
}

static void phase_uio(void)
{
	struct series *s = row(g_irq_intx, "uio_pci_generic");
	struct series *r = row(g_read, "sysfs resource0");
	struct series *m = row(g_map, "sysfs resource0");
	struct uio_ctx u = { .config = -1 };
	volatile uint32_t *bar;
	char path[160];
	struct stat st;
	int uio, res, ret;
	size_t size;
	void *p;

	ret = pci_bind(&edu, "uio_pci_generic");
	if (ret) {
		fail(s, "binding uio_pci_generic: %s", strerror(-ret));
		fail(r, "not bound to uio_pci_generic");
		fail(m, "not bound to uio_pci_generic");
		goto out;
	}
	uio = open_uio();
	if (uio < 0) {
		fail(s, "no /dev/uioN for edu: %s", strerror(-uio));
		fail(r, "no /dev/uioN for edu");
		fail(m, "no /dev/uioN for edu");
		goto out;
	}
	edu_path(path, sizeof(path), "resource0");
	res = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (res < 0 || fstat(res, &st)) {
		fail(s, "%s: %s", path, strerror(errno));
		fail(r, "%s: %s", path, strerror(errno));
		fail(m, "%s: %s", path, strerror(errno));
		goto out_uio;
	}
	size = st.st_size;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, res, 0);
	if (p == MAP_FAILED) {
		fail(s, "mmap resource0: %s", strerror(errno));
		fail(r, "mmap resource0: %s", strerror(errno));
		fail(m, "mmap resource0: %s", strerror(errno));
		goto out_res;
	}
	bar = p;
	edu_irq_ack(bar, 0xffffffff);

	edu_path(path, sizeof(path), "config");
	u.config = open(path, O_RDWR | O_CLOEXEC);
	if (u.config < 0 || pread(u.config, &u.cmd_high, 1, PCI_COMMAND + 1) != 1) {
		fail(s, "%s: %s", path, strerror(errno));
	} else {
		u.cmd_high &= ~(PCI_COMMAND_INTX_DISABLE >> 8);
		irq_loop(s, NULL, bar, uio, -1, sizeof(int32_t), uio_rearm, &u);
	}
	if (u.config >= 0)
		close(u.config);
	read_loop(r, bar);
	map_loop(m, res, 0, size);

	munmap(p, size);
out_res:
	close(res);
out_uio:
	close(uio);
out:
	pci_unbind(&edu);
}

/* ---- vfio-pci, type1 IOMMU ---- */

struct vfio {
	int container, group, dev;
	struct vfio_region_info bar0, config;
};

static int vfio_unmask_intx(void *ctx)
{
	struct vfio *v = ctx;
	struct vfio_irq_set u = {
		.argsz = sizeof(u),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};

	return ioctl(v->dev, VFIO_DEVICE_SET_IRQS, &u) ? -errno : 0;
}

/* Trigger eventfd efd on irq index (efd -1: disable it). */
static int vfio_set_trigger(struct vfio *v, unsigned int index, int efd)
{
	struct {
		struct vfio_irq_set s;
		int32_t fd;
	} set = {
		.s = {
			.argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.start = 0,
			.count = 1,
		},
		.fd = efd,
	};

	if (efd < 0) {
		set.s.argsz = sizeof(set.s);
		set.s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
		set.s.count = 0;
	}
	return ioctl(v->dev, VFIO_DEVICE_SET_IRQS, &set) ? -errno : 0;
}

static void vfio_irq(struct vfio *v, volatile uint32_t *bar, unsigned int index)
{
	bool msi = index == VFIO_PCI_MSI_IRQ_INDEX;
	struct series *s = msi_only ? row(g_irq_msi_rd, "vfio-pci MSI, read") :
		row(msi ? g_irq_msi : g_irq_intx,
		    msi ? "vfio-pci MSI" : "vfio-pci INTx");
	int efd, ret;

	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0) {
		fail(s, "eventfd: %s", strerror(errno));
		return;
	}
	ret = vfio_set_trigger(v, index, efd);
	if (ret) {
		fail(s, "VFIO_DEVICE_SET_IRQS: %s", strerror(-ret));
		close(efd);
		return;
	}
	/*
	 * poll() and read(): the same samples in both MSI groups (vfio-pci's
	 * MSI needs no ack).  A blocking read() alone, vfio-pci's cheapest
	 * wait: its INTx samples also in the one-call INTx group (vfio-pci
	 * has no call that unmasks and waits).
	 */
	if (!msi_only)
		irq_loop(s, msi ? row(g_irq_msi_noack, "vfio-pci MSI") : NULL,
			 bar, efd, -1, sizeof(uint64_t),
			 msi ? NULL : vfio_unmask_intx, v);
	irq_loop(msi ? row(g_irq_msi_rd, "vfio-pci MSI, read") :
		 row(g_irq_intx_rd, "vfio-pci INTx, read+unmask"),
		 msi ? NULL : row(g_irq_intx_1, "vfio-pci INTx, read+unmask"),
		 bar, efd, WAIT_READ, sizeof(uint64_t),
		 msi ? NULL : vfio_unmask_intx, v);
	vfio_set_trigger(v, index, -1);
	close(efd);
}

static void vfio_dma(struct vfio *v, size_t size, unsigned int n)
{
	struct series *s = row(dma_group(size), "vfio type1 (anon)");
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = VFIO_IOVA,
		.size = size,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = VFIO_IOVA,
		.size = size,
	};
	void *p, *anchor = anchor_map();
	unsigned int i;
	double t0;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fail(s, "mmap: %s", strerror(errno));
			break;
		}
		map.vaddr = (uintptr_t)p;
		if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map)) {
			fail(s, "VFIO_IOMMU_MAP_DMA: %s", strerror(errno));
			munmap(p, size);
			break;
		}
		touch(p, size);
		if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap)) {
			fail(s, "VFIO_IOMMU_UNMAP_DMA: %s", strerror(errno));
			munmap(p, size);
			break;
		}
		munmap(p, size);
		add(s, now_ns() - t0);
	}
	anchor_unmap(anchor);
}

static int vfio_region(struct vfio *v, unsigned int index,
		       struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(v->dev, VFIO_DEVICE_GET_REGION_INFO, ri) ? -errno : 0;
}

/* Open edu through vfio: 0 or -errno, what failed in *what. */
static int vfio_open(struct vfio *v, const char **what)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[160], link[256];
	ssize_t n;

	*what = "iommu_group";
	edu_path(path, sizeof(path), "iommu_group");
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	*what = "/dev/vfio/vfio";
	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return -errno;
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		return -ENOTSUP;
	*what = "the group";
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &st))
		return -errno;
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	*what = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return -errno;
	*what = "VFIO_SET_IOMMU";
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	*what = "VFIO_GROUP_GET_DEVICE_FD";
	v->dev = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, edu.name);
	if (v->dev < 0)
		return -errno;
	*what = "VFIO_DEVICE_GET_REGION_INFO";
	if (vfio_region(v, VFIO_PCI_BAR0_REGION_INDEX, &v->bar0) ||
	    vfio_region(v, VFIO_PCI_CONFIG_REGION_INDEX, &v->config))
		return -errno;
	if (!(v->bar0.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -ENOTSUP;
	return 0;
}

static int vfio_bus_master(struct vfio *v)
{
	uint16_t cmd;
	off_t off = v->config.offset + PCI_COMMAND;

	if (pread(v->dev, &cmd, sizeof(cmd), off) != sizeof(cmd))
		return -errno;
	cmd |= PCI_COMMAND_MASTER;
	if (pwrite(v->dev, &cmd, sizeof(cmd), off) != sizeof(cmd))
		return -errno;
	return 0;
}

static void vfio_fail_all(const char *fmt, const char *what, int err)
{
	size_t i;

	fail(row(g_irq_intx, "vfio-pci INTx"), fmt, what, strerror(err));
	fail(row(g_irq_intx_rd, "vfio-pci INTx, read+unmask"), fmt, what,
	     strerror(err));
	fail(row(g_irq_intx_1, "vfio-pci INTx, read+unmask"), fmt, what,
	     strerror(err));
	fail(row(g_irq_msi_rd, "vfio-pci MSI, read"), fmt, what, strerror(err));
	fail(row(g_irq_msi, "vfio-pci MSI"), fmt, what, strerror(err));
	fail(row(g_irq_msi_noack, "vfio-pci MSI"), fmt, what, strerror(err));
	fail(row(g_read, "vfio region"), fmt, what, strerror(err));
	fail(row(g_map, "vfio region"), fmt, what, strerror(err));
	for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++)
		fail(row(dma_group(dma_sizes[i]), "vfio type1 (anon)"), fmt,
		     what, strerror(err));
}

static void phase_vfio(void)
{
	struct vfio v = { .container = -1, .group = -1, .dev = -1 };
	volatile uint32_t *bar;
	const char *what;
	size_t i;
	void *p;
	int ret;

	if (!iommu) {
		const char *why = "no IOMMU: Debian's kernels have no VFIO no-IOMMU mode";

		absent(row(g_irq_intx, "vfio-pci INTx"), "%s", why);
		absent(row(g_irq_intx_rd, "vfio-pci INTx, read+unmask"), "%s",
		       why);
		absent(row(g_irq_intx_1, "vfio-pci INTx, read+unmask"), "%s",
		       why);
		absent(row(g_irq_msi_rd, "vfio-pci MSI, read"), "%s", why);
		absent(row(g_irq_msi, "vfio-pci MSI"), "%s", why);
		absent(row(g_irq_msi_noack, "vfio-pci MSI"), "%s", why);
		absent(row(g_read, "vfio region"), "%s", why);
		absent(row(g_map, "vfio region"), "%s", why);
		for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++)
			absent(row(dma_group(dma_sizes[i]), "vfio type1 (anon)"),
			       "%s", why);
		return;
	}
	ret = pci_bind(&edu, "vfio-pci");
	if (ret) {
		vfio_fail_all("%s: %s", "binding vfio-pci", -ret);
		goto out;
	}
	ret = vfio_open(&v, &what);
	if (ret) {
		vfio_fail_all("%s: %s", what, -ret);
		goto out_close;
	}
	p = mmap(NULL, v.bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, v.dev,
		 v.bar0.offset);
	if (p == MAP_FAILED) {
		vfio_fail_all("%s: %s", "mmap BAR0", errno);
		goto out_close;
	}
	bar = p;
	edu_irq_ack(bar, 0xffffffff);

	if (!msi_only)
		vfio_irq(&v, bar, VFIO_PCI_INTX_IRQ_INDEX);
	ret = vfio_bus_master(&v);
	if (ret) {
		fail(row(g_irq_msi, "vfio-pci MSI"), "bus master: %s", strerror(-ret));
		fail(row(g_irq_msi_noack, "vfio-pci MSI"), "bus master: %s",
		     strerror(-ret));
		fail(row(g_irq_msi_rd, "vfio-pci MSI, read"), "bus master: %s",
		     strerror(-ret));
	}
	else
		vfio_irq(&v, bar, VFIO_PCI_MSI_IRQ_INDEX);
	if (msi_only)
		goto out_unmap;
	read_loop(row(g_read, "vfio region"), bar);
	map_loop(row(g_map, "vfio region"), v.dev, v.bar0.offset, v.bar0.size);
	for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++)
		vfio_dma(&v, dma_sizes[i], scaled(n_dma[i]));
out_unmap:
	munmap(p, v.bar0.size);
out_close:
	if (v.dev >= 0)
		close(v.dev);
	if (v.group >= 0)
		close(v.group);
	if (v.container >= 0)
		close(v.container);
out:
	pci_unbind(&edu);
}

/* ---- udmabuf: pinned memfd pages as a dma-buf, no device address ---- */

static void udmabuf_dma(int ctl, size_t size, unsigned int n)
{
	struct series *s = row(dma_group(size), "udmabuf (no device address)");
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
	void *p, *anchor = anchor_map();
	unsigned int i;
	int memfd, buf;
	double t0;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		memfd = memfd_create("bench", MFD_ALLOW_SEALING | MFD_CLOEXEC);
		if (memfd < 0 || ftruncate(memfd, size) ||
		    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
			fail(s, "memfd: %s", strerror(errno));
			if (memfd >= 0)
				close(memfd);
			break;
		}
		c.memfd = memfd;
		buf = ioctl(ctl, UDMABUF_CREATE, &c);
		if (buf < 0) {
			fail(s, "UDMABUF_CREATE: %s", strerror(errno));
			close(memfd);
			break;
		}
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
		if (p == MAP_FAILED) {
			fail(s, "mmap: %s", strerror(errno));
			close(buf);
			close(memfd);
			break;
		}
		touch(p, size);
		munmap(p, size);
		close(buf);
		close(memfd);
		add(s, now_ns() - t0);
	}
	anchor_unmap(anchor);
}

static void phase_udmabuf(void)
{
	size_t i;
	int ctl;

	ctl = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++) {
		struct series *s = row(dma_group(dma_sizes[i]),
				       "udmabuf (no device address)");

		if (ctl < 0)
			absent(s, "no /dev/udmabuf in this kernel");
		else
			udmabuf_dma(ctl, dma_sizes[i], scaled(n_dma[i]));
	}
	if (ctl >= 0)
		close(ctl);
}

/* ---- the table ---- */

/* The reference of a group's ratios: its first (genode's) row. */
struct ref {
	double median, p10, p99;
};

/* One row of the table; 1 if it is a failure, else 0. */
static int print_row(struct series *s, bool first, struct ref *ref)
{
	char med[32], lo[32], hi[32], spread[80], ratio[32] = "";
	char p99[32], max[32];
	double m, p10, q99;

	if (s->failed || s->absent || !s->n) {
		printf("%-28s %-28s %s: %s\n", first ? s->group : "", s->impl,
		       s->failed ? "FAILED" : "n/a",
		       s->why[0] ? s->why : "no samples");
		return s->failed || !s->absent;
	}
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	m = quantile(s->v, s->n, 0.5);
	p10 = quantile(s->v, s->n, 0.1);
	fmt_time(med, sizeof(med), m);
	fmt_time(lo, sizeof(lo), p10);
	fmt_time(hi, sizeof(hi), quantile(s->v, s->n, 0.9));
	q99 = quantile(s->v, s->n, 0.99);
	fmt_time(p99, sizeof(p99), q99);
	fmt_time(max, sizeof(max), s->v[s->n - 1]);
	snprintf(spread, sizeof(spread), "%s .. %s", lo, hi);
	if (first) {
		ref->median = m;
		ref->p10 = p10;
		ref->p99 = q99;
	} else if (ref->median > 0 && s->rel) {
		/* the cost against the first row's */
		snprintf(ratio, sizeof(ratio), "%6.2f %5.2f %5.2f",
			 m / ref->median, p10 / ref->p10, q99 / ref->p99);
	} else if (ref->median > 0 && strncmp(s->impl, "genode", 6)) {
		/* genode's other variants are no peers */
		snprintf(ratio, sizeof(ratio), "%6.2f %5.2f %5.2f",
			 ref->median / m, ref->p10 / p10, ref->p99 / q99);
	}
	printf("%-28s %-28s %5zu %9s %21s %9s %9s%s%s\n",
	       first ? s->group : "", s->impl, s->n, med, spread, p99, max,
	       ratio[0] ? " " : "", ratio);
	return 0;
}

/*
 * The rows in the table's order: the groups in the order they first
 * appeared, their rows within; *first[i]: order[i] begins its group.
 */
static void table_order(size_t *order, bool *first)
{
	size_t i, k, n = 0;

	for (k = 0; k < n_rows; k++) {
		for (i = 0; i < k && strcmp(rows[i].group, rows[k].group); i++)
			;
		if (i < k)
			continue;
		for (i = k; i < n_rows; i++) {
			if (strcmp(rows[i].group, rows[k].group))
				continue;
			first[n] = i == k;
			order[n++] = i;
		}
	}
}

static int print_table(unsigned int rounds, unsigned int scale_rounds,
		       const char *load_note)
{
	bool rel_header = false, first[MAX_SERIES];
	size_t order[MAX_SERIES];
	struct utsname u;
	struct ref ref = { 0 };
	int status = 0;
	size_t i, k;
	char cs[64];

	uname(&u);
	if (sysfs_read("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		       cs, sizeof(cs)) || !cs[0])
		snprintf(cs, sizeof(cs), "?");
	printf("@@BENCH-BEGIN@@\n");
	printf("kernel %s, %s, %ld vCPU, clocksource %s, edu %s, %u rounds (irq scale: %u)\n",
	       u.release, iommu ? "IOMMU (intel-iommu)" : "no IOMMU",
	       sysconf(_SC_NPROCESSORS_ONLN), cs, edu.name, rounds,
	       scale_rounds < rounds ? scale_rounds : rounds);
	if (note && note[0])
		printf("%s\n", note);
	if (load_note)
		printf("%s\n", load_note);
	printf("%-28s %-28s %5s %9s %21s %9s %9s %s\n", "", "", "", "", "",
	       "", "", "genode/peer");
	printf("%-28s %-28s %5s %9s %21s %9s %9s %s\n", "measurement",
	       "implementation", "n", "median", "p10 .. p90", "p99", "max",
	       "median   p10   p99");
	table_order(order, first);
	for (k = 0; k < n_rows; k++) {
		struct series *s = &rows[order[k]];

		if (first[k] && s->rel && !rel_header) {
			printf("%-28s %-28s %5s %9s %21s %9s %9s %s\n", "", "",
			       "", "", "", "", "", "row/first row");
			printf("%-28s %-28s %5s %9s %21s %9s %9s %s\n", "", "",
			       "", "", "", "", "", "median   p10   p99");
			rel_header = true;
		}
		if (first[k])
			ref.median = 0;
		status |= print_row(s, first[k], &ref);
	}
	for (i = 0; i < sizeof(scale_note) / sizeof(scale_note[0]); i++)
		if (scale_note[i][0])
			printf("%s\n", scale_note[i]);
	for (i = 0; i < sizeof(mem_note) / sizeof(mem_note[0]); i++)
		if (mem_note[i][0])
			printf("%s\n", mem_note[i]);
	if (contig)
		status |= contig_print();
	printf("@@BENCH-END@@\n");
	return status;
}

/*
 * The distributions as CSV, after the table: for each row with samples,
 * in the table's order, its quantiles 0, 0.01 .. 0.99, 0.999 and 1 (the
 * minimum and the maximum at the ends); then the contiguous phase's
 * tries (contig_csv()).
 */
static void print_csv(void)
{
	bool first[MAX_SERIES];
	size_t order[MAX_SERIES], k;
	unsigned int q;

	table_order(order, first);
	printf("@@CSV-BEGIN@@\n");
	printf("measurement,implementation,n,quantile,ns\n");
	for (k = 0; k < n_rows; k++) {
		struct series *s = &rows[order[k]];

		if (s->failed || s->absent || !s->n)
			continue;
		qsort(s->v, s->n, sizeof(*s->v), cmp_double);
		for (q = 0; q <= 101; q++) {
			double f = q < 100 ? q / 100.0 : q == 100 ? 0.999 : 1;

			printf("\"%s\",\"%s\",%zu,%g,%.0f\n", s->group, s->impl,
			       s->n, f, quantile(s->v, s->n, f));
		}
	}
	printf("@@CSV-END@@\n");
	if (contig) {
		printf("@@CONTIG-CSV-BEGIN@@\n");
		contig_csv();
		printf("@@CONTIG-CSV-END@@\n");
	}
}

static int find_edu(void)
{
	return edu_find(0, &edu);
}

/* ---- load (-l) ---- */

static pid_t hogs[2];

static void cpu_hog(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

static void memory_io_hog(void)
{
	size_t size = 64u << 20, io = 4u << 20;
	unsigned char *p = malloc(size);
	int fd = open("/tmp/genode_bench.hog", O_RDWR | O_CREAT | O_TRUNC |
		      O_CLOEXEC, 0600);
	unsigned int round = 0;

	if (!p || fd < 0)
		_exit(1);
	for (;;) {
		memset(p, round++, size);
		if (pwrite(fd, p, io, 0) != (ssize_t)io || fsync(fd))
			_exit(1);
	}
}

/*
 * The hogs at SCHED_OTHER, the benchmark at SCHED_FIFO 40: 0 and the
 * load's description in *what, or -errno.
 */
static int load_start(const char **what)
{
	static void (*const hog[2])(void) = { cpu_hog, memory_io_hog };
	struct sched_param sp = { .sched_priority = 40 };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		hogs[i] = fork();
		if (hogs[i] < 0)
			return -errno;
		if (hogs[i] == 0) {
			hog[i]();
			_exit(0);
		}
	}
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return -errno;
	*what = "under load: SCHED_FIFO 40 beside a CPU hog and a memory/IO hog";
	return 0;
}

static void load_stop(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (hogs[i] > 0) {
			kill(hogs[i], SIGKILL);
			waitpid(hogs[i], NULL, 0);
		}
	}
	unlink("/tmp/genode_bench.hog");
}

/*
 * -T: only the MSI round trips in a blocking read(), genode's and
 * vfio-pci's, in alternating rounds, for a tracer to time their kernel
 * functions (scripts/bench.sh --trace); the table has those two rows.
 */
static int msi_rounds(unsigned int rounds)
{
	unsigned int r;
	int ret;

	row(g_irq_msi_rd, "genode MSI, read");
	for (r = 0; r < rounds; r++) {
		if (r % 2) {
			phase_vfio();
			phase_genode();
		} else {
			phase_genode();
			phase_vfio();
		}
	}
	ret = print_table(rounds, 0, NULL);
	print_csv();
	return ret;
}

int main(int argc, char **argv)
{
	struct rlimit files = { 4 * MEM_SESSIONS, 4 * MEM_SESSIONS };
	unsigned int r, rounds = 40, scale_rounds = 40;
	const char *load_note = NULL;
	bool load = false;
	char path[160];
	int opt, ret, contig_status = 0;

	while ((opt = getopt(argc, argv, "r:S:s:n:lCT")) != -1) {
		switch (opt) {
		case 'r':
			rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'S':
			scale_rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			scale_pct = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			note = optarg;
			break;
		case 'l':
			load = true;
			break;
		case 'C':
			contig = false;
			break;
		case 'T':
			msi_only = true;
			contig = false;
			break;
		default:
			fprintf(stderr, "usage: genode_bench [-r rounds] [-S rounds] [-s percent] [-n note] [-l] [-C] [-T]\n");
			return 2;
		}
	}
	if (!rounds || !scale_pct) {
		fprintf(stderr, "genode_bench: -r and -s must be positive\n");
		return 2;
	}
	ret = find_edu();
	if (ret) {
		fprintf(stderr, "genode_bench: no edu device: %s\n", strerror(-ret));
		return 1;
	}
	edu_path(path, sizeof(path), "iommu_group");
	iommu = file_exists(path);
	find_vdev();
	/* ends a blocking read() that no interrupt ends (irq_loop()) */
	if (sigalrm_interrupts(NULL))
		perror("genode_bench: sigaction");
	/* the memory figures open MEM_SESSIONS sessions at once */
	if (setrlimit(RLIMIT_NOFILE, &files))
		perror("genode_bench: setrlimit");
	if (msi_only) {
		if (!iommu) {
			fprintf(stderr, "genode_bench: -T needs vfio-pci, which needs an IOMMU\n");
			return 2;
		}
		return msi_rounds(rounds);
	}
	genode_rows();
	memory_measure();
	/* once, before the rounds and the load: it fragments memory */
	if (contig) {
		fprintf(stderr, "genode_bench: contiguous DMA buffers\n");
		contig_status = contig_measure(&edu, iommu);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (load) {
		ret = load_start(&load_note);
		if (ret) {
			fprintf(stderr, "genode_bench: load: %s\n", strerror(-ret));
			load_stop();
			return 1;
		}
	}

	/*
	 * Short rounds, every other one in reverse order, so that neither a
	 * change of the host's load nor the position in a round favours
	 * one implementation.
	 */
	for (r = 0; r < rounds; r++) {
		static void (*const phases[])(void) = {
			phase_genode, phase_genode_dma, phase_uio, phase_vfio,
			phase_udmabuf, phase_scale,
		};
		size_t i, n = sizeof(phases) / sizeof(phases[0]);
		/* the last phase, phase_scale, in scale_rounds of the rounds */
		bool scale = (unsigned long)(r + 1) * scale_rounds / rounds !=
			(unsigned long)r * scale_rounds / rounds;

		fprintf(stderr, "genode_bench: round %u of %u\n", r + 1, rounds);
		for (i = 0; i < n; i++) {
			size_t k = r % 2 ? n - 1 - i : i;

			if (k < n - 1 || scale)
				phases[k]();
		}
	}
	if (load)
		load_stop();
	ret = print_table(rounds, scale_rounds, load_note);
	print_csv();
	return ret | contig_status;
}
