// SPDX-License-Identifier: GPL-2.0
/*
 * contig.c - genode_bench's phase of large physically contiguous DMA
 * buffers: how large a buffer GENODE_DMA_ALLOC gives, and how long it
 * takes, on the fresh guest and after a workload that fragments memory
 * with unmovable allocations
 *
 * Once per boot, before the rounds (the workload leaves memory otherwise
 * than it found it), never under load.  For each state:
 *
 *  ladder: buffers of 4, 8, 16, ... 512 MiB, one at a time, each freed
 *       right after, until one fails; then a bisection between the last
 *       that worked and the first that failed, down to 4 MiB, for the
 *       largest that works.  Timed: the GENODE_DMA_ALLOC call alone (the
 *       kernel finds, migrates and zeroes the memory in it).  For no
 *       device, and for edu with its claim's default DMA mask (32 bits:
 *       all of the guest's memory).  edu is claimed afresh for each
 *       buffer, since without an IOMMU its buffers are freed only when it
 *       is released; behind a translating IOMMU its buffers are scattered
 *       pages, contiguous only in I/O virtual addresses (kmod/dma.c).
 *       A size that would leave less than CONTIG_RESERVE_MIB of free
 *       memory is not tried (the scattered path could wake the OOM
 *       killer), nor anything after CONTIG_BUDGET_S seconds of the phase.
 *  buddy limit: the largest block the buddy allocator has orders for
 *       (/proc/buddyinfo has one column per order): what
 *       dma_alloc_coherent() can give without CMA, which Debian's kernels
 *       do not configure.  GENODE_DMA_ALLOC uses the buddy allocator up
 *       to that size and alloc_contig_range() beyond (kmod/contig.c).
 *  workload: unmovable kernel memory, interleaved over FRAG_UNITS
 *       units, FRAG_CHUNK bytes (8 pages) to each in turn: pipes (their
 *       buffers are pages of their own, not movable), UNIX stream socket
 *       pairs with unread data queued (socket buffers: slab and pages),
 *       and every other round an empty file in /tmp for each (slab:
 *       inodes and dentries), until free memory is down to
 *       FRAG_RESERVE_MIB; then every other unit is freed, so that the
 *       free memory the workload touched lies in pieces of about 8 pages
 *       between the ones still held.  The ladder runs with the rest held;
 *       then all of it is freed and the dentries and inodes dropped
 *       (drop_caches 2).  The last FRAG_RESERVE_MIB stay untouched, and
 *       the pieces are 8 pages rather than 1: with a page at a time and
 *       64 MiB left, order-1 allocations of the guest (fork()'s page
 *       table root) failed and the OOM killer ended it.
 *
 * The session quota (dma_quota_mb, 256 MiB by default) would refuse the
 * 512 MiB buffer: this phase's sessions are opened with it raised to
 * CONTIG_QUOTA_MB through /sys/module/genode/parameters/dma_quota_mb,
 * which is set back afterwards.  Nothing is asserted: a size that fails
 * with ENOMEM is a result; any other error, or a workload that cannot be
 * set up, is a measurement that could not be made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libgenode_dev.h"
#include "lib/genode_test.h"
#include "contig.h"

#define CONTIG_MIN_MIB		4
#define CONTIG_MAX_MIB		512
#define CONTIG_TRIES		16	/* per ladder, with the bisection */
#define CONTIG_RESERVE_MIB	64
#define CONTIG_BUDGET_S		90
#define CONTIG_QUOTA_MB		1024
#define QUOTA_PARAM		"/sys/module/genode/parameters/dma_quota_mb"

#define FRAG_UNITS		1024
#define FRAG_PIPE_SIZE		(1 << 20)
#define FRAG_SNDBUF		(8 << 20)
#define FRAG_FILE_EVERY		2	/* a file per unit every 2nd round */
#define FRAG_CHUNK		32768	/* written at a time: 8 pages */
#define FRAG_CHECK_EVERY	64	/* units between looks at free memory */
#define FRAG_RESERVE_MIB	160	/* free memory the workload leaves */
#define FRAG_DIR		"/tmp/genode_bench.frag"

enum { FRESH, FRAGMENTED, N_STATES };
enum { NO_DEVICE, EDU, N_DEVICES };

static const char *const state_name[N_STATES] = { "fresh", "fragmented" };
static const char *const device_name[N_DEVICES] = {
	"no device", "edu (32-bit mask)",
};

/* err of a try that was not made */
#define NOT_TRIED	1

struct contig_try {
	unsigned int mib;
	int err;		/* 0, -errno, or NOT_TRIED */
	double ns;
	bool bisect;
};

struct ladder {
	struct contig_try t[CONTIG_TRIES];
	unsigned int n;
	unsigned int largest;	/* MiB, the largest that worked */
	bool open_ended;	/* none failed: larger ones might work */
	bool failed;		/* a try could not be made: why */
	char why[160];
	char stop[80];		/* why the ladder stopped short, if it did */
};

static struct ladder ladders[N_STATES][N_DEVICES];
static const struct pci_addr *edu;
static bool translated;
static double deadline;

/* the notes: quota, buddy limit, buddyinfo, workload */
static char quota_note[200], buddy_note[200], buddy_line[N_STATES][400];
static char frag_note[400];
static bool frag_failed;

/* ---- /proc/buddyinfo ---- */

/*
 * The free blocks per order of each zone, as "DMA32: 1 0 3 ..." joined
 * by "; ", and the number of orders (the columns), or -errno.
 */
static int buddyinfo(char *buf, size_t len)
{
	FILE *f = fopen("/proc/buddyinfo", "r");
	char line[400], zone[32], *p, *end;
	int orders = 0, n, off;
	size_t used = 0;
	long v;

	if (!f)
		return -errno;
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f) && used < len) {
		p = strstr(line, "zone");
		if (!p || sscanf(p, "zone %31s %n", zone, &off) != 1)
			continue;
		used += snprintf(buf + used, len - used, "%s%s:",
				 used ? "; " : "", zone);
		for (p += off, n = 0; used < len; p = end, n++) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			used += snprintf(buf + used, len - used, " %ld", v);
		}
		if (n > orders)
			orders = n;
	}
	fclose(f);
	return orders ? orders : -ENOENT;
}

/* ---- what the guest's memory allows at most: /proc/kpageflags ---- */

/* Bits of /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst) */
#define KPF_SLAB		7
#define KPF_HUGE		17
#define KPF_NOPAGE		20
#define KPF_PGTABLE		26
#define KPF_RESERVED		32
#define KPF_ALWAYS_BAD		((1ull << KPF_SLAB) | (1ull << KPF_HUGE) | \
				 (1ull << KPF_NOPAGE) | (1ull << KPF_PGTABLE) | \
				 (1ull << KPF_RESERVED))
/* x86's pageblock: what alloc_contig_range() isolates */
#define PAGEBLOCK_PAGES		512
#define MAX_ZONES		8

static char bound_note[300];

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The zones' first PFNs, from /proc/zoneinfo, ascending; how many */
static unsigned int zone_starts(uint64_t *start, unsigned int max)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	unsigned long long v;
	unsigned int n = 0;
	char line[200];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		if (sscanf(line, " start_pfn: %llu", &v) == 1 && v)
			start[n++] = v;
	}
	fclose(f);
	qsort(start, n, sizeof(*start), cmp_u64);
	return n;
}

/* Where /proc/iomem puts the kernel image: "0x1000000-0x2ffffff" */
static void kernel_image(char *buf, size_t len)
{
	FILE *f = fopen("/proc/iomem", "r");
	unsigned long long a, b, lo = ~0ull, hi = 0;
	char line[200];

	snprintf(buf, len, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " : Kernel ") ||
		    sscanf(line, " %llx-%llx", &a, &b) != 2)
			continue;
		if (a < lo)
			lo = a;
		if (b > hi)
			hi = b;
	}
	fclose(f);
	if (hi)
		snprintf(buf, len, "%#llx-%#llx", lo, hi);
}

/*
 * The largest range of whole pageblocks in one zone in which no page is
 * reserved (the kernel image and what the boot allocated: the memory
 * map, early page tables), slab, a page table or a hugetlb page, read
 * from /proc/kpageflags.  alloc_contig_range() cannot take more, and may
 * take less (a page without flags may be the kernel's, an LRU page may
 * be pinned): an upper bound of the fresh ladder.
 */
static void contig_bound(void)
{
	uint64_t zstart[MAX_ZONES], flags[4096], run = 0, best = 0, at = 0;
	uint64_t pfn = 0, best_at = 0, block_bad = 0;
	unsigned int nz = zone_starts(zstart, MAX_ZONES), z = 0;
	char image[64];
	ssize_t got;
	int fd;

	kernel_image(image, sizeof(image));
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(bound_note, sizeof(bound_note),
			 "dma contiguous: the bound: /proc/kpageflags: %s",
			 strerror(errno));
		return;
	}
	while ((got = read(fd, flags, sizeof(flags))) > 0) {
		for (size_t i = 0; i < (size_t)got / sizeof(flags[0]); i++, pfn++) {
			/* where a zone begins, no range spans it */
			for (; z < nz && zstart[z] <= pfn; z++)
				if (zstart[z] == pfn)
					run = 0;
			block_bad |= flags[i] & KPF_ALWAYS_BAD;
			if (pfn % PAGEBLOCK_PAGES != PAGEBLOCK_PAGES - 1)
				continue;
			if (block_bad) {
				run = 0;
			} else {
				if (!run)
					at = pfn + 1 - PAGEBLOCK_PAGES;
				run += PAGEBLOCK_PAGES;
				if (run > best) {
					best = run;
					best_at = at;
				}
			}
			block_bad = 0;
		}
	}
	close(fd);
	snprintf(bound_note, sizeof(bound_note),
		 "dma contiguous: the fresh guest's largest range that could be taken (/proc/kpageflags: no reserved, slab or page-table page, in one zone): %llu MiB at %#llx; the kernel image at %s (/proc/iomem)",
		 (unsigned long long)(best >> 8),
		 (unsigned long long)best_at << 12, image);
}

/* ---- the ladder ---- */

/*
 * One buffer of mib MiB, freed right after: 0 or -errno, the time of
 * GENODE_DMA_ALLOC in *ns.  on_edu: for edu, claimed for this buffer.
 */
static int contig_alloc(int session, bool on_edu, unsigned int mib, double *ns)
{
	int dev = GENODE_NO_DEVICE, fd;
	double t0;

	if (on_edu) {
		dev = genode_pci_claim(session, edu->domain, edu->bus, edu->devfn);
		if (dev < 0)
			return dev;
	}
	t0 = now_ns();
	fd = genode_dma_alloc(session, (uint64_t)mib << 20, GENODE_DMA_CACHED,
			      dev, NULL, NULL, NULL);
	*ns = now_ns() - t0;
	if (fd >= 0)
		close(fd);
	if (dev >= 0) {
		close(dev);
		/* no transfer ran: end the quarantine of edu without reset */
		pci_end_quarantine(edu);
	}
	return fd < 0 ? fd : 0;
}

/* Try mib MiB: true if it worked; a failure other than ENOMEM fails l. */
static bool contig_step(struct ladder *l, int session, bool on_edu,
			unsigned int mib, bool bisect)
{
	long long free_mib = proc_free_memory() >> 20;
	struct contig_try *t;

	if (l->n == CONTIG_TRIES)
		return false;
	t = &l->t[l->n++];
	t->mib = mib;
	t->bisect = bisect;
	t->err = NOT_TRIED;
	if (now_ns() > deadline) {
		snprintf(l->stop, sizeof(l->stop), "the phase's %d s were up",
			 CONTIG_BUDGET_S);
		return false;
	}
	if (free_mib < (long long)mib + CONTIG_RESERVE_MIB) {
		snprintf(l->stop, sizeof(l->stop), "%u MiB with %lld MiB free",
			 mib, free_mib);
		return false;
	}
	fprintf(stderr, "genode_bench: %u MiB for %s (%lld MiB free)\n", mib,
		on_edu ? "edu" : "no device", free_mib);
	t->err = contig_alloc(session, on_edu, mib, &t->ns);
	if (t->err && t->err != -ENOMEM && !l->failed) {
		l->failed = true;
		snprintf(l->why, sizeof(l->why), "%u MiB: %s", mib,
			 strerror(-t->err));
	}
	return !t->err;
}

/*
 * Up the sizes until one fails, then bisect between the last that worked
 * and the first that failed.
 */
static void contig_ladder(struct ladder *l, int session, bool on_edu)
{
	unsigned int mib, lo = 0, hi = 0, mid;

	for (mib = CONTIG_MIN_MIB; mib <= CONTIG_MAX_MIB; mib *= 2) {
		if (!contig_step(l, session, on_edu, mib, false))
			break;
		lo = mib;
	}
	if (mib <= CONTIG_MAX_MIB && l->t[l->n - 1].err < 0)
		hi = mib;
	while (hi && !l->failed && hi - lo > CONTIG_MIN_MIB) {
		mid = (lo + hi) / 2 / CONTIG_MIN_MIB * CONTIG_MIN_MIB;
		if (contig_step(l, session, on_edu, mid, true))
			lo = mid;
		else if (l->t[l->n - 1].err < 0)
			hi = mid;
		else
			break;
	}
	l->largest = lo;
	l->open_ended = !hi;
}

/* A session with room for the largest buffer; -errno */
static int contig_session(void)
{
	long old = sysfs_long(QUOTA_PARAM);
	uint64_t limit = 0, used;
	char buf[32];
	int session, ret = 0;

	if (old >= 0 && old < CONTIG_QUOTA_MB) {
		snprintf(buf, sizeof(buf), "%d", CONTIG_QUOTA_MB);
		ret = sysfs_write(QUOTA_PARAM, buf);
	}
	session = genode_session_open(NULL);
	if (old >= 0 && old < CONTIG_QUOTA_MB) {
		snprintf(buf, sizeof(buf), "%ld", old);
		sysfs_write(QUOTA_PARAM, buf);
	}
	if (session >= 0 && !quota_note[0]) {
		genode_dma_quota(session, &limit, &used);
		snprintf(quota_note, sizeof(quota_note),
			 "dma contiguous: the sessions' quota %llu MiB (dma_quota_mb %ld, raised for them through %s%s%s)",
			 (unsigned long long)(limit >> 20), old, QUOTA_PARAM,
			 ret ? ": " : "", ret ? strerror(-ret) : "");
	}
	return session;
}

static void contig_state(int state)
{
	size_t d;
	int session;

	buddyinfo(buddy_line[state], sizeof(buddy_line[state]));
	for (d = 0; d < N_DEVICES; d++) {
		struct ladder *l = &ladders[state][d];

		session = contig_session();
		if (session < 0) {
			l->failed = true;
			snprintf(l->why, sizeof(l->why), "open /dev/genode: %s",
				 strerror(-session));
			continue;
		}
		contig_ladder(l, session, d == EDU);
		close(session);
	}
}

/* ---- the fragmenting workload ---- */

struct frag {
	int fd[FRAG_UNITS][2];	/* [1] is written, [0] holds the data */
	unsigned int files[FRAG_UNITS];
	bool full[FRAG_UNITS];
	unsigned int pipes, sockets, n_files;
};

static struct frag frag;

/*
 * A quarter of the units are socket pairs, as many of them at odd
 * positions (freed halfway) as at even ones (held to the end).
 */
static bool frag_socket(unsigned int u)
{
	return u % 8 == 3 || u % 8 == 6;
}

static void frag_file(char *buf, size_t len, unsigned int u, unsigned int k)
{
	snprintf(buf, len, FRAG_DIR "/%u.%u", u, k);
}

/* Close unit u and remove its files. */
static void frag_free(unsigned int u)
{
	char path[64];

	if (frag.fd[u][0] >= 0)
		close(frag.fd[u][0]);
	if (frag.fd[u][1] >= 0)
		close(frag.fd[u][1]);
	frag.fd[u][0] = frag.fd[u][1] = -1;
	while (frag.files[u]) {
		frag_file(path, sizeof(path), u, --frag.files[u]);
		unlink(path);
	}
}

/* The units, each empty: 0 or -errno, what failed in *what. */
static int frag_open(const char **what)
{
	int v = FRAG_SNDBUF;
	unsigned int u;

	for (u = 0; u < FRAG_UNITS; u++)
		frag.fd[u][0] = frag.fd[u][1] = -1;
	*what = "mkdir " FRAG_DIR;
	if (mkdir(FRAG_DIR, 0700) && errno != EEXIST)
		return -errno;
	for (u = 0; u < FRAG_UNITS; u++) {
		if (frag_socket(u)) {
			*what = "socketpair";
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				       frag.fd[u]))
				return -errno;
			*what = "SO_SNDBUFFORCE";
			if (setsockopt(frag.fd[u][1], SOL_SOCKET,
				       SO_SNDBUFFORCE, &v, sizeof(v)))
				return -errno;
			frag.sockets++;
		} else {
			*what = "pipe";
			if (pipe2(frag.fd[u], O_NONBLOCK | O_CLOEXEC))
				return -errno;
			*what = "F_SETPIPE_SZ";
			if (fcntl(frag.fd[u][1], F_SETPIPE_SZ, FRAG_PIPE_SIZE) < 0)
				return -errno;
			frag.pipes++;
		}
	}
	return 0;
}

/*
 * FRAG_CHUNK bytes to each unit that has room, round after round, and
 * every FRAG_FILE_EVERY rounds a file for each, until free memory is down
 * to FRAG_RESERVE_MIB or every unit is full: 0 or -errno, what failed in
 * *what.
 */
static int frag_fill(const char **what)
{
	static char chunk[FRAG_CHUNK];
	unsigned int u, k, open_units = FRAG_UNITS;
	char path[64];
	ssize_t n;
	int fd;

	memset(chunk, 0x5a, sizeof(chunk));
	for (k = 0; open_units; k++) {
		if (!(k % 4))
			fprintf(stderr, "genode_bench: fragmenting, round %u: %lld MiB free\n",
				k, proc_free_memory() >> 20);
		for (u = 0; u < FRAG_UNITS; u++) {
			if (!(u % FRAG_CHECK_EVERY) &&
			    proc_free_memory() < (long long)FRAG_RESERVE_MIB << 20)
				return 0;
			if (frag.full[u])
				continue;
			if (frag_socket(u))
				n = send(frag.fd[u][1], chunk, sizeof(chunk),
					 MSG_DONTWAIT);
			else
				n = write(frag.fd[u][1], chunk, sizeof(chunk));
			if (n < 0 && errno != EAGAIN) {
				*what = frag_socket(u) ? "send" : "write";
				return -errno;
			}
			if (n != (ssize_t)sizeof(chunk)) {
				frag.full[u] = true;
				open_units--;
			}
			if (k % FRAG_FILE_EVERY)
				continue;
			frag_file(path, sizeof(path), u, frag.files[u]);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				  0600);
			if (fd < 0) {
				*what = "creating a file";
				return -errno;
			}
			close(fd);
			frag.files[u]++;
			frag.n_files++;
		}
	}
	return 0;
}

static void frag_free_all(void)
{
	unsigned int u;

	for (u = 0; u < FRAG_UNITS; u++)
		frag_free(u);
	rmdir(FRAG_DIR);
	/* the dentries of the removed files, and their inodes */
	sysfs_write("/proc/sys/vm/drop_caches", "2");
}

/* Fill, then free every other unit: 0, or 1 if it could not be set up. */
static int frag_start(void)
{
	long long free0 = proc_free_memory(), filled, freed;
	const char *what = "";
	unsigned int u;
	int ret;

	ret = frag_open(&what);
	if (!ret)
		ret = frag_fill(&what);
	if (ret) {
		snprintf(frag_note, sizeof(frag_note),
			 "fragmenting workload: FAILED: %s: %s", what,
			 strerror(-ret));
		return 1;
	}
	filled = proc_free_memory();
	for (u = 1; u < FRAG_UNITS; u += 2)
		frag_free(u);
	freed = proc_free_memory();
	snprintf(frag_note, sizeof(frag_note),
		 "fragmenting workload: %u pipes, %u UNIX socket pairs, %u files: held %lld MiB, %lld MiB once every other one was freed (free memory %lld -> %lld -> %lld MiB)",
		 frag.pipes, frag.sockets, frag.n_files, (free0 - filled) >> 20,
		 (free0 - freed) >> 20, free0 >> 20, filled >> 20, freed >> 20);
	return 0;
}

/* ---- the phase ---- */

int contig_measure(const struct pci_addr *dev, bool iommu)
{
	int orders, status;

	edu = dev;
	translated = iommu;
	deadline = now_ns() + CONTIG_BUDGET_S * 1e9;
	orders = buddyinfo(buddy_line[FRESH], sizeof(buddy_line[FRESH]));
	if (orders > 0)
		snprintf(buddy_note, sizeof(buddy_note),
			 "buddy limit (dma_alloc_coherent() without CMA): order %d, %ld KiB: /proc/buddyinfo lists orders 0 to %d",
			 orders - 1, (sysconf(_SC_PAGESIZE) << (orders - 1)) >> 10,
			 orders - 1);
	else
		snprintf(buddy_note, sizeof(buddy_note),
			 "buddy limit: FAILED: /proc/buddyinfo: %s",
			 strerror(-orders));
	status = orders <= 0;
	contig_bound();
	contig_state(FRESH);
	frag_failed = frag_start();
	if (frag_failed)
		status = 1;
	else
		contig_state(FRAGMENTED);
	frag_free_all();
	return status;
}

/* A ladder's cell for mib MiB: the time, the error, or "-" */
static void cell(char *buf, size_t len, const struct ladder *l,
		 unsigned int mib)
{
	unsigned int i;

	snprintf(buf, len, "-");
	for (i = 0; i < l->n; i++) {
		const struct contig_try *t = &l->t[i];

		if (t->mib != mib || t->bisect || t->err == NOT_TRIED)
			continue;
		if (t->err == -ENOMEM)
			snprintf(buf, len, "ENOMEM");
		else if (t->err)
			snprintf(buf, len, "%.9s", strerrorname_np(-t->err));
		else
			fmt_time(buf, len, t->ns);
	}
}

int contig_print(void)
{
	char label[64], c[32], largest[32];
	unsigned int mib;
	int status = frag_failed;
	size_t s, d;

	printf("dma contiguous: the largest buffer, freed right after each; the time of GENODE_DMA_ALLOC\n");
	printf("%-28s", "");
	for (mib = CONTIG_MIN_MIB; mib <= CONTIG_MAX_MIB; mib *= 2) {
		snprintf(c, sizeof(c), "%u MiB", mib);
		printf(" %9s", c);
	}
	printf("   largest\n");
	for (s = 0; s < N_STATES; s++) {
		for (d = 0; d < N_DEVICES; d++) {
			const struct ladder *l = &ladders[s][d];

			snprintf(label, sizeof(label), "%s, %s", state_name[s],
				 device_name[d]);
			if (s == FRAGMENTED && frag_failed) {
				printf("%-28s n/a: no fragmenting workload\n",
				       label);
				continue;
			}
			if (l->failed && !l->n) {
				printf("%-28s FAILED: %s\n", label, l->why);
				status = 1;
				continue;
			}
			printf("%-28s", label);
			for (mib = CONTIG_MIN_MIB; mib <= CONTIG_MAX_MIB; mib *= 2) {
				cell(c, sizeof(c), l, mib);
				printf(" %9s", c);
			}
			if (l->open_ended)
				snprintf(largest, sizeof(largest), ">= %u MiB",
					 l->largest);
			else if (l->largest)
				snprintf(largest, sizeof(largest), "%u MiB",
					 l->largest);
			else
				snprintf(largest, sizeof(largest), "< %u MiB",
					 CONTIG_MIN_MIB);
			printf("  %s", largest);
			if (l->stop[0])
				printf(" (not tried: %s)", l->stop);
			if (l->failed) {
				printf(" FAILED: %s", l->why);
				status = 1;
			}
			printf("\n");
		}
	}
	printf("%s\n", buddy_note);
	printf("%s\n", bound_note);
	if (translated)
		printf("dma contiguous: edu is behind the IOMMU: its buffers are scattered pages, contiguous in I/O virtual addresses only\n");
	if (quota_note[0])
		printf("%s\n", quota_note);
	printf("buddyinfo, fresh: %s\n", buddy_line[FRESH]);
	printf("%s\n", frag_note);
	if (!frag_failed)
		printf("buddyinfo, fragmented: %s\n", buddy_line[FRAGMENTED]);
	return status;
}

void contig_csv(void)
{
	unsigned int i;
	size_t s, d;

	printf("state,device,step,size_mib,result,ns\n");
	for (s = 0; s < N_STATES; s++) {
		for (d = 0; d < N_DEVICES; d++) {
			const struct ladder *l = &ladders[s][d];

			for (i = 0; i < l->n; i++) {
				const struct contig_try *t = &l->t[i];

				if (t->err == NOT_TRIED)
					continue;
				printf("%s,\"%s\",%s,%u,%s,%.0f\n", state_name[s],
				       device_name[d],
				       t->bisect ? "bisection" : "ladder",
				       t->mib, t->err ? strerrorname_np(-t->err) : "ok",
				       t->ns);
			}
		}
	}
}
