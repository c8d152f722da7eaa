// SPDX-License-Identifier: GPL-2.0
/*
 * DMA buffers for no device: allocation, zeroing, contiguity, cache
 * attributes, mappings, quota, memory cgroup, O_DIRECT, lifetime and bad
 * input.  The tests with a device (edu) are in dma_edu_test.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/loop.h>
#include <setjmp.h>
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
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_dma_alloc) == 48, "genode_dma_alloc");
_Static_assert(offsetof(struct genode_dma_alloc, cache) == 16, "layout");
_Static_assert(offsetof(struct genode_dma_alloc, fd) == 24, "layout");
_Static_assert(offsetof(struct genode_dma_alloc, bus_addr) == 32, "layout");
_Static_assert(offsetof(struct genode_dma_alloc, phys_addr) == 40, "layout");
_Static_assert(sizeof(struct genode_dma_quota) == 24, "genode_dma_quota");
_Static_assert(sizeof(struct genode_dma_info) == 40, "genode_dma_info");
_Static_assert(offsetof(struct genode_dma_info, bus_addr) == 24, "layout");
_Static_assert(sizeof(struct genode_dma_sync) == 32, "genode_dma_sync");
_Static_assert(offsetof(struct genode_dma_sync, direction) == 24, "layout");

#define PAGE 4096UL
#define MIB (1024UL * 1024)
#define QUOTA_PARAM "/sys/module/genode/parameters/dma_quota_mb"
#define DEBUGFS_BUFFERS "/sys/kernel/debug/genode/dma_buffers"

static const __u32 caches[] = {
	GENODE_DMA_CACHED, GENODE_DMA_UNCACHED, GENODE_DMA_WRITE_COMBINED,
};

/* mmap() of a buffer as the tests use it: shared, read/write, at off. */
static void *map(int fd, size_t len, off_t off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
}

/*
 * The debugfs line of the buffer starting at @pfn: its kernel-map
 * mismatch count and cache name, or -1 if there is none.
 */
static long debugfs_mismatch(uint64_t pfn, char *cache, size_t len)
{
	FILE *f = fopen(DEBUGFS_BUFFERS, "r");
	char line[256], name[32];
	unsigned long long p;
	unsigned long pages, mismatch;
	long ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "pfn %llx pages %lu cache %31s kernel_map_mismatch %lu",
			   &p, &pages, name, &mismatch) == 4 && p == pfn) {
			ret = mismatch;
			snprintf(cache, len, "%s", name);
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * How many of the pages [pfn, pfn + pages) the kernel's linear mapping
 * maps other than write-back (debugfs kernel_map), or -1.
 */
static long kernel_map_not_wb(uint64_t pfn, unsigned long pages, long *wb_out)
{
	unsigned long wb, other, absent;

	if (kernel_map_query(pfn, pages, &wb, &other, &absent) || absent)
		return -1;
	if (wb_out)
		*wb_out = wb;
	return other;
}

FIXTURE(dma) {
	int session;
	long resources;
};

FIXTURE_SETUP(dma)
{
	self->resources = genode_resources();
	ASSERT_LE(0, self->resources);
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dma)
{
	close(self->session);
}

TEST_F(dma, feature_is_announced)
{
	struct genode_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->session, GENODE_INFO, &info));
	EXPECT_TRUE(info.features & GENODE_FEATURE_DMA);
}

TEST_F(dma, alloc_map_and_release)
{
	struct genode_dma_alloc a;
	struct genode_dma_info info;
	uint64_t limit = 0, used = 0;
	unsigned char *p;
	int fd;

	fd = dma_alloc(self->session, 1, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd) TH_LOG("alloc: %s", strerror(-fd));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(self->resources + 1, genode_resources());

	/* root: addresses reported, bus address = physical address */
	EXPECT_EQ(0, a.out_flags);
	EXPECT_NE(0, a.phys_addr);
	EXPECT_EQ(a.phys_addr, a.bus_addr);
	EXPECT_EQ(0, a.phys_addr % PAGE);

	ASSERT_EQ(0, genode_dma_info(fd, &info));
	EXPECT_EQ(PAGE, info.size);
	EXPECT_EQ(GENODE_DMA_CACHED, info.cache);
	EXPECT_EQ(a.bus_addr, info.bus_addr);
	EXPECT_EQ(a.phys_addr, info.phys_addr);
	EXPECT_EQ(0, info.out_flags);

	ASSERT_EQ(0, genode_dma_quota(self->session, &limit, &used));
	EXPECT_EQ(PAGE, used);
	EXPECT_LE(PAGE, limit);

	p = map(fd, PAGE, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, PAGE);
	EXPECT_EQ(0x5a, p[PAGE - 1]);
	/* the mapping holds the buffer after the fd is closed */
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(self->resources + 1, genode_resources());
	EXPECT_EQ(0x5a, p[17]);
	ASSERT_EQ(0, munmap(p, PAGE));

	EXPECT_EQ(self->resources, genode_resources());
	ASSERT_EQ(0, genode_dma_quota(self->session, &limit, &used));
	EXPECT_EQ(0, used);
}

/* 6 MiB searched three times: minutes under the debug kernel under load */
TEST_F_TIMEOUT(dma, memory_is_zeroed_and_contiguous, 180)
{
	static const __u64 sizes[] = {
		PAGE, 3 * PAGE, 64 * 1024, 4 * MIB, 6 * MIB,
	};

	for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (unsigned int round = 0; round < 3; round++) {
			__u32 cache = caches[round];
			struct genode_dma_alloc a;
			unsigned char *p;
			uint64_t pfn0;
			int fd;

			fd = dma_alloc(self->session, sizes[s], cache, GENODE_NO_DEVICE, &a);
			ASSERT_LE(0, fd) TH_LOG("size %llu: %s",
						 (unsigned long long)sizes[s],
						 strerror(-fd));
			p = map(fd, sizes[s], 0);
			ASSERT_NE(MAP_FAILED, p);
			ASSERT_TRUE(all_bytes(p, sizes[s], 0))
				TH_LOG("size %llu cache %u round %u not zeroed",
				       (unsigned long long)sizes[s], cache,
				       round);
			/* physically contiguous, starting at phys_addr */
			pfn0 = pagemap_pfn(p);
			ASSERT_EQ(a.phys_addr / PAGE, pfn0);
			for (__u64 off = 0; off < sizes[s]; off += PAGE) {
				ASSERT_EQ(pfn0 + off / PAGE,
					  pagemap_pfn(p + off))
					TH_LOG("size %llu: page %llu not contiguous",
					       (unsigned long long)sizes[s],
					       (unsigned long long)(off / PAGE));
			}
			/* dirty it for the next round */
			memset(p, 0xff, sizes[s]);
			munmap(p, sizes[s]);
			close(fd);
		}
	}
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(dma, kernel_mapping_follows_the_cache_attribute)
{
	char name[32];

	if (access(DEBUGFS_BUFFERS, R_OK))
		SKIP(return, "no debugfs (%s)", DEBUGFS_BUFFERS);

	for (unsigned int i = 0; i < 3; i++) {
		static const char *const names[] = {
			"cached", "uncached", "write-combined",
		};
		struct genode_dma_alloc a, b;
		int fd, fd2;

		fd = dma_alloc(self->session, 64 * 1024, caches[i], GENODE_NO_DEVICE, &a);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, debugfs_mismatch(a.phys_addr / PAGE, name,
					      sizeof(name)));
		EXPECT_STREQ(names[i], name);
		if (i)
			EXPECT_EQ(16, kernel_map_not_wb(a.phys_addr / PAGE, 16, NULL));
		close(fd);
		/* the memory went back write-back */
		EXPECT_EQ(0, kernel_map_not_wb(a.phys_addr / PAGE, 16, NULL));
		fd2 = dma_alloc(self->session, 64 * 1024, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
				&b);
		ASSERT_LE(0, fd2);
		EXPECT_EQ(0, debugfs_mismatch(b.phys_addr / PAGE, name,
					      sizeof(name)));
		EXPECT_STREQ("cached", name);
		close(fd2);
	}
	/* large buffers too */
	for (unsigned int i = 1; i < 3; i++) {
		struct genode_dma_alloc a;
		int fd = dma_alloc(self->session, 8 * MIB, caches[i], GENODE_NO_DEVICE, &a);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, debugfs_mismatch(a.phys_addr / PAGE, name,
					      sizeof(name)));
		EXPECT_EQ(8 * MIB / PAGE,
			  kernel_map_not_wb(a.phys_addr / PAGE, 8 * MIB / PAGE, NULL));
		close(fd);
		EXPECT_EQ(0, kernel_map_not_wb(a.phys_addr / PAGE, 8 * MIB / PAGE,
					   NULL));
	}
	/* gone from the list once freed */
	{
		struct genode_dma_alloc a;
		int fd = dma_alloc(self->session, PAGE, GENODE_DMA_UNCACHED, GENODE_NO_DEVICE,
				   &a);

		ASSERT_LE(0, fd);
		close(fd);
		EXPECT_EQ(-1, debugfs_mismatch(a.phys_addr / PAGE, name,
					       sizeof(name)));
	}
}

TEST_F(dma, uncached_and_write_combined_mappings_work)
{
	for (unsigned int i = 0; i < 3; i++) {
		struct genode_dma_alloc a;
		unsigned char *p, *q;
		int fd;

		fd = dma_alloc(self->session, 16 * PAGE, caches[i], GENODE_NO_DEVICE, &a);
		ASSERT_LE(0, fd);
		p = map(fd, 16 * PAGE, 0);
		q = map(fd, 16 * PAGE, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_NE(MAP_FAILED, q);
		for (unsigned long j = 0; j < 16 * PAGE; j++)
			p[j] = (unsigned char)(j * 7 + i);
		__sync_synchronize();
		for (unsigned long j = 0; j < 16 * PAGE; j++)
			ASSERT_EQ((unsigned char)(j * 7 + i), q[j]);
		munmap(p, 16 * PAGE);
		munmap(q, 16 * PAGE);
		close(fd);
	}
}

TEST_F(dma, partial_mappings_and_mapping_rules)
{
	struct genode_dma_alloc a;
	unsigned char *whole, *part;
	void *bad;
	int fd;

	fd = dma_alloc(self->session, 8 * PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	whole = map(fd, 8 * PAGE, 0);
	ASSERT_NE(MAP_FAILED, whole);
	for (unsigned int i = 0; i < 8; i++)
		memset(whole + i * PAGE, i + 1, PAGE);

	/* a part at an offset sees the same memory */
	part = map(fd, 2 * PAGE, 5 * PAGE);
	ASSERT_NE(MAP_FAILED, part);
	EXPECT_EQ(6, part[0]);
	EXPECT_EQ(7, part[PAGE]);
	part[1] = 0x77;
	EXPECT_EQ(0x77, whole[5 * PAGE + 1]);
	/* the last page alone */
	munmap(part, 2 * PAGE);
	part = map(fd, PAGE, 7 * PAGE);
	ASSERT_NE(MAP_FAILED, part);
	EXPECT_EQ(8, part[PAGE - 1]);
	munmap(part, PAGE);

	/* beyond the end */
	errno = 0;
	bad = map(fd, 2 * PAGE, 7 * PAGE);
	EXPECT_EQ(MAP_FAILED, bad);
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	bad = map(fd, PAGE, 8 * PAGE);
	EXPECT_EQ(MAP_FAILED, bad);
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	bad = map(fd, 9 * PAGE, 0);
	EXPECT_EQ(MAP_FAILED, bad);
	EXPECT_EQ(EINVAL, errno);
	/* private mappings are refused, also read-only ones */
	errno = 0;
	bad = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	EXPECT_EQ(MAP_FAILED, bad);
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	bad = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT_EQ(MAP_FAILED, bad);
	EXPECT_EQ(EINVAL, errno);
	/* a mapping cannot grow */
	errno = 0;
	bad = mremap(whole, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, bad);
	EXPECT_EQ(EFAULT, errno);

	munmap(whole, 8 * PAGE);
	close(fd);
	EXPECT_EQ(self->resources, genode_resources());
}

/* Memory a device can write is never executable, now or later. */
TEST_F(dma, buffers_are_never_executable)
{
	struct genode_dma_alloc a;
	void *p;
	int fd;

	fd = dma_alloc(self->session, 2 * PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	errno = 0;
	p = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = map(fd, 2 * PAGE, 0);
	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	munmap(p, 2 * PAGE);
	close(fd);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(dma, forked_child_shares_the_mapping)
{
	struct genode_dma_alloc a;
	volatile unsigned char *p;
	int fd, status;
	pid_t pid;

	fd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	p = map(fd, PAGE, 0);
	ASSERT_NE(MAP_FAILED, (void *)p);
	p[0] = 1;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		p[1] = p[0] + 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(2, p[1]);
	munmap((void *)p, PAGE);
	close(fd);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Does an access to *p raise SIGBUS? */
static int access_faults(volatile unsigned char *p, int write)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	if (!sigsetjmp(bus_jmp, 1)) {
		if (write)
			*p = 1;
		else
			(void)*p;
	} else {
		faulted = 1;
	}
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

TEST_F(dma, revoke_zaps_mappings_and_frees)
{
	struct genode_revoke rv = { .argsz = sizeof(rv) };
	struct genode_dma_alloc a;
	struct genode_dma_info info;
	volatile unsigned char *p;
	uint64_t limit = 0, used = 0;
	int fd;

	fd = dma_alloc(self->session, 4 * PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * PAGE, 0);
	ASSERT_NE(MAP_FAILED, (void *)p);
	p[0] = 1;

	rv.fd = fd;
	ASSERT_EQ(0, ioctl(self->session, GENODE_REVOKE, &rv));
	ASSERT_EQ(0, genode_dma_quota(self->session, &limit, &used));
	EXPECT_EQ(0, used);

	EXPECT_EQ(1, access_faults(p, 0));
	EXPECT_EQ(1, access_faults(p + 3 * PAGE, 1));

	EXPECT_EQ(-ENODEV, genode_dma_info(fd, &info));
	errno = 0;
	EXPECT_EQ(MAP_FAILED, map(fd, PAGE, 0));
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_REVOKE, &rv));
	EXPECT_EQ(ENODEV, errno);
	munmap((void *)p, 4 * PAGE);
	close(fd);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(dma, sync_checks_its_arguments)
{
	struct genode_dma_alloc a;
	struct genode_dma_sync s;
	int fd;

	fd = dma_alloc(self->session, 4 * PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);

#define SYNC(_flags, _off, _len, _dir, _res) do {			\
		memset(&s, 0, sizeof(s));				\
		s.argsz = sizeof(s);					\
		s.flags = (_flags);					\
		s.offset = (_off);					\
		s.length = (_len);					\
		s.direction = (_dir);					\
		errno = 0;						\
		EXPECT_EQ((_res) ? -1 : 0,				\
			  ioctl(fd, GENODE_DMA_SYNC, &s));		\
		EXPECT_EQ((_res), errno ? errno : 0);			\
	} while (0)

	SYNC(GENODE_DMA_SYNC_FOR_CPU, 0, 4 * PAGE, GENODE_DMA_FROM_DEVICE, 0);
	SYNC(GENODE_DMA_SYNC_FOR_DEVICE, 0, 4 * PAGE, GENODE_DMA_TO_DEVICE, 0);
	SYNC(GENODE_DMA_SYNC_FOR_DEVICE, 100, 1, GENODE_DMA_BIDIRECTIONAL, 0);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 4 * PAGE - 1, 1, GENODE_DMA_BIDIRECTIONAL, 0);

	SYNC(0, 0, PAGE, GENODE_DMA_TO_DEVICE, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU | GENODE_DMA_SYNC_FOR_DEVICE, 0, PAGE,
	     GENODE_DMA_TO_DEVICE, EINVAL);
	SYNC(1u << 2, 0, PAGE, GENODE_DMA_TO_DEVICE, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 0, PAGE, 0, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 0, PAGE, 4, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 0, 0, GENODE_DMA_TO_DEVICE, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 4 * PAGE, 1, GENODE_DMA_TO_DEVICE, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 0, 4 * PAGE + 1, GENODE_DMA_TO_DEVICE, EINVAL);
	SYNC(GENODE_DMA_SYNC_FOR_CPU, 8, ~0ULL - 4, GENODE_DMA_TO_DEVICE, EINVAL);

	memset(&s, 0, sizeof(s));
	s.argsz = sizeof(s);
	s.flags = GENODE_DMA_SYNC_FOR_CPU;
	s.length = PAGE;
	s.direction = GENODE_DMA_TO_DEVICE;
	s.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, GENODE_DMA_SYNC, &s));
	EXPECT_EQ(EINVAL, errno);
#undef SYNC
	close(fd);
}

TEST_F(dma, bad_allocations_change_nothing)
{
	struct genode_dma_alloc a;
	uint64_t limit = 0, used = 0;
	int null_fd;

	ASSERT_EQ(0, genode_dma_quota(self->session, &limit, &used));
	ASSERT_EQ(0, used);

	EXPECT_EQ(-EINVAL, dma_alloc(self->session, 0, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
				     &a));
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, ~0ULL, GENODE_DMA_CACHED,
				     GENODE_NO_DEVICE, &a));
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, ~0ULL - PAGE + 2,
				     GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, 1ULL << 63,
				     GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	EXPECT_EQ(-1, a.fd);
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, PAGE, 3, GENODE_NO_DEVICE, &a));
	EXPECT_EQ(-EINVAL, dma_alloc(self->session, PAGE, ~0u, GENODE_NO_DEVICE, &a));
	/* beyond the quota, but a sane size */
	EXPECT_EQ(-EDQUOT, dma_alloc(self->session, 1ULL << 40,
				     GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	EXPECT_EQ(-EDQUOT, dma_alloc(self->session, limit + 1,
				     GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));

	/* unknown flags (GENODE_DMA_ALLOC_BELOW_4G: platform_test) */
	for (unsigned int bit = 0; bit < 32; bit++) {
		if ((1u << bit) & GENODE_DMA_ALLOC_BELOW_4G)
			continue;
		memset(&a, 0, sizeof(a));
		a.argsz = sizeof(a);
		a.flags = 1u << bit;
		a.size = PAGE;
		a.device_fd = GENODE_NO_DEVICE;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_ALLOC, &a));
		EXPECT_EQ(EINVAL, errno);
	}
	/* argsz below the first version */
	memset(&a, 0, sizeof(a));
	a.argsz = offsetof(struct genode_dma_alloc, phys_addr);
	a.size = PAGE;
	a.device_fd = GENODE_NO_DEVICE;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_ALLOC, &a));
	EXPECT_EQ(EINVAL, errno);

	/* device fds: not open, and open but no device */
	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.size = PAGE;
	a.device_fd = 1000;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_ALLOC, &a));
	EXPECT_EQ(EBADF, errno);
	a.device_fd = -2;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_ALLOC, &a));
	EXPECT_EQ(EBADF, errno);
	null_fd = open("/dev/null", O_RDWR);
	ASSERT_LE(0, null_fd);
	a.device_fd = null_fd;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_ALLOC, &a));
	EXPECT_EQ(EINVAL, errno);
	a.device_fd = self->session;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_ALLOC, &a));
	EXPECT_EQ(EINVAL, errno);
	close(null_fd);

	/* nothing was made, nothing is charged */
	EXPECT_EQ(self->resources, genode_resources());
	ASSERT_EQ(0, genode_dma_quota(self->session, &limit, &used));
	EXPECT_EQ(0, used);

	/* buffer ioctls refuse bad flags and unknown commands */
	{
		struct genode_dma_info info = { .argsz = sizeof(info), .flags = 1 };
		int fd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE,
				   &a);

		ASSERT_LE(0, fd);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, GENODE_DMA_INFO, &info));
		EXPECT_EQ(EINVAL, errno);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, GENODE_DMA_ALLOC, &a));
		EXPECT_EQ(ENOTTY, errno);
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->session, GENODE_DMA_INFO, &info));
		EXPECT_EQ(ENOTTY, errno);
		close(fd);
	}
}

TEST_F(dma, addresses_are_withheld_without_cap_sys_rawio)
{
	struct genode_dma_alloc a;
	int fd, status, pipefd[2];
	pid_t pid;

	/* a buffer of root's, to be described to the child */
	fd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	ASSERT_NE(0, a.phys_addr);
	ASSERT_EQ(0, pipe(pipefd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_dma_alloc b;
		struct genode_dma_info info;
		int r[8], bfd;

		if (drop_cap_sys_rawio())
			_exit(2);
		bfd = dma_alloc(self->session, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &b);
		r[0] = bfd >= 0;
		r[1] = b.bus_addr == 0 && b.phys_addr == 0;
		r[2] = b.out_flags == (GENODE_DMA_BUS_WITHHELD |
				       GENODE_DMA_PHYS_WITHHELD);
		r[3] = !genode_dma_info(fd, &info);
		r[4] = info.bus_addr == 0 && info.phys_addr == 0;
		r[5] = info.out_flags == (GENODE_DMA_BUS_WITHHELD |
					  GENODE_DMA_PHYS_WITHHELD);
		r[6] = info.size == PAGE;
		/* still usable */
		r[7] = bfd >= 0 && map(bfd, PAGE, 0) != MAP_FAILED;
		if (write(pipefd[1], r, sizeof(r)) != sizeof(r))
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	{
		int r[8];

		ASSERT_EQ(sizeof(r), read(pipefd[0], r, sizeof(r)));
		EXPECT_TRUE(r[0]) TH_LOG("alloc without CAP_SYS_RAWIO failed");
		EXPECT_TRUE(r[1]) TH_LOG("alloc reported addresses");
		EXPECT_TRUE(r[2]) TH_LOG("alloc flags");
		EXPECT_TRUE(r[3]) TH_LOG("info failed");
		EXPECT_TRUE(r[4]) TH_LOG("info reported addresses");
		EXPECT_TRUE(r[5]) TH_LOG("info flags");
		EXPECT_TRUE(r[6]) TH_LOG("info size");
		EXPECT_TRUE(r[7]) TH_LOG("mmap failed");
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pipefd[0]);
	close(fd);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F_TIMEOUT(dma, large_contiguous_buffer, 180)
{
	const size_t size = 64 * MIB;
	struct genode_dma_alloc a;
	unsigned char *p;
	uint64_t pfn0;
	double t0, t1;
	int fd;

	t0 = now_s();
	fd = dma_alloc(self->session, size, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	t1 = now_s();
	ASSERT_LE(0, fd) TH_LOG("64 MiB: %s", strerror(-fd));
	TH_LOG("64 MiB at 0x%llx in %.2f s", (unsigned long long)a.phys_addr,
	       t1 - t0);
	p = map(fd, size, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_TRUE(all_bytes(p, size, 0));
	pfn0 = pagemap_pfn(p);
	ASSERT_EQ(a.phys_addr / PAGE, pfn0);
	for (size_t off = 0; off < size; off += PAGE) {
		ASSERT_EQ(pfn0 + off / PAGE, pagemap_pfn(p + off)) {
			TH_LOG("page %zu not contiguous", off / PAGE);
		}
	}
	munmap(p, size);
	close(fd);
	EXPECT_EQ(self->resources, genode_resources());
}

/*
 * A buffer beyond the buddy allocator's largest block (4 MiB) comes from
 * alloc_contig_range(), which no memory cgroup sees: it is charged to the
 * caller's locked memory instead, within RLIMIT_MEMLOCK unless the caller
 * has CAP_IPC_LOCK, and given back when it is freed.
 */
TEST_F_TIMEOUT(dma, uncharged_memory_counts_as_locked_memory, 180)
{
	struct rlimit lim = { 4 * MIB, 4 * MIB };
	struct genode_dma_alloc a;
	long locked;
	int64_t used;
	int fd;

	ASSERT_EQ(0, drop_cap(CAP_IPC_LOCK));
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &lim));
	locked = vm_locked_kib();
	ASSERT_LE(0, locked);
	used = dma_quota_used(self->session);

	EXPECT_EQ(-ENOMEM, dma_alloc(self->session, 6 * MIB,
				     GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	EXPECT_EQ(locked, vm_locked_kib());
	EXPECT_EQ(used, dma_quota_used(self->session));

	/* the memory cgroup's: no locked memory */
	fd = dma_alloc(self->session, 4 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd) TH_LOG("4 MiB: %s", strerror(-fd));
	EXPECT_EQ(locked, vm_locked_kib());
	close(fd);

	lim.rlim_cur = lim.rlim_max = 8 * MIB;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &lim));
	fd = dma_alloc(self->session, 6 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd) TH_LOG("6 MiB: %s", strerror(-fd));
	EXPECT_EQ(locked + 6 * 1024, vm_locked_kib());
	close(fd);
	EXPECT_EQ(locked, vm_locked_kib());
	EXPECT_EQ(used, dma_quota_used(self->session));
}

TEST_F_TIMEOUT(dma, memory_returns_to_baseline, 180)
{
	long long before, during, after;
	int fds[17];
	void *maps[17];
	size_t sizes[17];

	ASSERT_LE(0, proc_pcp_free());
	before = proc_free_memory();
	ASSERT_LT(0, before);
	for (int i = 0; i < 17; i++) {
		struct genode_dma_alloc a;

		sizes[i] = i ? (size_t)i * 256 * 1024 : 64 * MIB;
		fds[i] = dma_alloc(self->session, sizes[i], caches[i % 3], GENODE_NO_DEVICE,
				   &a);
		ASSERT_LE(0, fds[i]) TH_LOG("buffer %d: %s", i, strerror(-fds[i]));
		maps[i] = map(fds[i], sizes[i], 0);
		ASSERT_NE(MAP_FAILED, maps[i]);
		memset(maps[i], i, sizes[i]);
	}
	during = proc_free_memory();
	/* 64 MiB + 256 KiB * (1 + ... + 16) = 98 MiB */
	EXPECT_LT(during, before - 90 * (long long)MIB)
		TH_LOG("free memory %lld -> %lld", before, during);
	for (int i = 0; i < 17; i++) {
		close(fds[i]);
		munmap(maps[i], sizes[i]);
	}
	after = proc_free_memory();
	TH_LOG("free memory before %lld, with buffers %lld, after %lld", before,
	       during, after);
	EXPECT_LT(llabs(after - before), 8 * (long long)MIB);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(dma, buffer_passed_over_a_socket_stays_valid)
{
	struct genode_dma_alloc a;
	unsigned char *p;
	int sv[2], fd, status;
	pid_t pid;

	fd = dma_alloc(self->session, 2 * PAGE, GENODE_DMA_WRITE_COMBINED,
		       GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	p = map(fd, 2 * PAGE, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x3c, 2 * PAGE);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))], c;
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct genode_dma_info info;
		unsigned char *q;
		int rfd;

		close(sv[0]);
		/* drop everything inherited from the parent */
		close(fd);
		munmap(p, 2 * PAGE);
		close(self->session);
		if (recvmsg(sv[1], &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg))
			_exit(2);
		memcpy(&rfd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
		/* wait until the parent closed its fd */
		if (read(sv[1], &c, 1) != 1)
			_exit(3);
		if (genode_dma_info(rfd, &info) || info.size != 2 * PAGE ||
		    info.cache != GENODE_DMA_WRITE_COMBINED)
			_exit(4);
		q = map(rfd, 2 * PAGE, 0);
		if (q == MAP_FAILED)
			_exit(5);
		for (int i = 0; i < 2 * (int)PAGE; i++)
			if (q[i] != 0x3c)
				_exit(6);
		memset(q, 0xc3, 2 * PAGE);
		_exit(0);
	}
	close(sv[1]);
	{
		char cbuf[CMSG_SPACE(sizeof(int))], c = 'x';
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
		/* the creator lets go of its fd; its mapping stays */
		ASSERT_EQ(0, close(fd));
		ASSERT_EQ(1, write(sv[0], &c, 1));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* the child's writes are in the memory the parent still maps */
	EXPECT_EQ(0xc3, p[0]);
	EXPECT_EQ(0xc3, p[2 * PAGE - 1]);
	munmap(p, 2 * PAGE);
	close(sv[0]);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(dma, killed_process_leaves_nothing)
{
	long sessions = genode_sessions();
	int pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_dma_alloc a;
		int s = open(GENODE_DEV_PATH, O_RDWR);

		for (int i = 0; i < 8; i++) {
			int fd = dma_alloc(s, (i + 1) * 512 * 1024,
					   caches[i % 3], GENODE_NO_DEVICE, &a);
			void *p;

			if (fd < 0)
				_exit(2);
			p = map(fd, (i + 1) * 512 * 1024, 0);
			if (p == MAP_FAILED)
				_exit(3);
			memset(p, 1, (i + 1) * 512 * 1024);
			if (i & 1)
				close(fd);	/* held by the mapping only */
		}
		if (write(pipefd[1], "r", 1) != 1)
			_exit(4);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(self->resources + 8, genode_resources());
	ASSERT_EQ(0, child_kill(pid));
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(sessions, genode_sessions());
	close(pipefd[0]);
}

/*
 * A large buffer's search for a contiguous range ends on a fatal signal
 * (GENODE_DMA_ALLOC's EINTR, which the dying caller never sees): killed
 * in the middle of it, the process leaves no session, no resource and no
 * memory behind.
 */
TEST_F_TIMEOUT(dma, kill_during_a_large_allocation_leaves_nothing, 180)
{
	long sessions = genode_sessions();
	long long before, after;
	int pipefd[2];
	ssize_t n;
	pid_t pid;
	char c;

	before = proc_free_memory();
	ASSERT_LT(0, before);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_dma_alloc a;
		int s = open(GENODE_DEV_PATH, O_RDWR);

		if (s < 0 || write(pipefd[1], "r", 1) != 1)
			_exit(2);
		if (dma_alloc(s, 240 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a) >= 0 &&
		    write(pipefd[1], "d", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	msleep(30);
	ASSERT_EQ(0, child_kill(pid));
	n = read(pipefd[0], &c, 1);
	TH_LOG("killed %s its 240 MiB buffer was allocated",
	       n == 1 ? "after" : "before");
	close(pipefd[0]);
	EXPECT_EQ(sessions, genode_sessions());
	EXPECT_EQ(self->resources, genode_resources());
	after = proc_free_memory();
	TH_LOG("free memory before %lld, after %lld", before, after);
	EXPECT_LT(llabs(after - before), 8 * (long long)MIB);
}

/* ---- quota ---- */

FIXTURE(dma_quota) {
	char saved[32];
	long resources;
};

FIXTURE_SETUP(dma_quota)
{
	int fd = open(QUOTA_PARAM, O_RDONLY);
	ssize_t n;

	ASSERT_LE(0, fd);
	n = read(fd, self->saved, sizeof(self->saved) - 1);
	ASSERT_LT(0, n);
	self->saved[n] = 0;
	close(fd);
	self->resources = genode_resources();
}

FIXTURE_TEARDOWN(dma_quota)
{
	sysfs_write(QUOTA_PARAM, self->saved);
}

TEST_F(dma_quota, limit_is_taken_at_open_and_enforced)
{
	struct genode_dma_alloc a;
	int old, s, fd[3];
	uint64_t limit = 0, used = 0;

	old = open(GENODE_DEV_PATH, O_RDWR);
	ASSERT_LE(0, old);
	ASSERT_EQ(0, sysfs_write(QUOTA_PARAM, "8"));
	s = open(GENODE_DEV_PATH, O_RDWR);
	ASSERT_LE(0, s);

	ASSERT_EQ(0, genode_dma_quota(s, &limit, &used));
	EXPECT_EQ(8 * MIB, limit);
	EXPECT_EQ(0, used);
	/* a session opened before keeps its limit */
	ASSERT_EQ(0, genode_dma_quota(old, &limit, &used));
	EXPECT_EQ((unsigned long long)atoi(self->saved) * MIB, limit);

	fd[0] = dma_alloc(s, 4 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd[0]);
	fd[1] = dma_alloc(s, 4 * MIB - PAGE + 1, GENODE_DMA_UNCACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd[1]);
	ASSERT_EQ(0, genode_dma_quota(s, &limit, &used));
	EXPECT_EQ(8 * MIB, used);	/* counted in whole pages */

	/* the one that would exceed it fails and changes nothing */
	EXPECT_EQ(-EDQUOT, dma_alloc(s, 1, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	EXPECT_EQ(-EDQUOT, dma_alloc(s, 64 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	ASSERT_EQ(0, genode_dma_quota(s, &limit, &used));
	EXPECT_EQ(8 * MIB, used);
	EXPECT_EQ(self->resources + 2, genode_resources());
	/* the other session is not affected */
	fd[2] = dma_alloc(old, 4 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd[2]);
	close(fd[2]);

	/* freeing gives it back */
	close(fd[1]);
	ASSERT_EQ(0, genode_dma_quota(s, &limit, &used));
	EXPECT_EQ(4 * MIB, used);
	fd[1] = dma_alloc(s, 4 * MIB, GENODE_DMA_WRITE_COMBINED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd[1]);

	/* buffers outlive their session, and keep it charged */
	close(s);
	close(fd[0]);
	close(fd[1]);
	close(old);
	EXPECT_EQ(self->resources, genode_resources());

	/* a limit of 0 allows nothing */
	ASSERT_EQ(0, sysfs_write(QUOTA_PARAM, "0"));
	s = open(GENODE_DEV_PATH, O_RDWR);
	ASSERT_LE(0, s);
	EXPECT_EQ(-EDQUOT, dma_alloc(s, PAGE, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a));
	close(s);
}

/*
 * A quota above 1 TiB lets a request reach a buffer's page array beyond
 * INT_MAX bytes, which kvmalloc() refuses: ENOMEM, and no warning from the
 * allocator (a panic with panic_on_warn), the quota as it was.
 */
TEST_F(dma_quota, page_array_beyond_int_max_is_enomem_without_a_warning)
{
	struct genode_dma_alloc a;
	uint64_t limit = 0, used = 0;
	int s, kmsg;

	/* 2 TiB */
	ASSERT_EQ(0, sysfs_write(QUOTA_PARAM, "2097152"));
	s = open(GENODE_DEV_PATH, O_RDWR);
	ASSERT_LE(0, s);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));

	/* 2^28 + 1 pages: 8-byte page pointers beyond INT_MAX bytes */
	EXPECT_EQ(-ENOMEM, dma_alloc(s, (1ULL << 40) + PAGE, GENODE_DMA_CACHED,
				     GENODE_NO_DEVICE, &a));
	EXPECT_FALSE(kmsg_wait(kmsg, "WARNING", "", "", 1));
	ASSERT_EQ(0, genode_dma_quota(s, &limit, &used));
	EXPECT_EQ(2097152 * MIB, limit);
	EXPECT_EQ(0, used);
	EXPECT_EQ(self->resources, genode_resources());
	close(kmsg);
	close(s);
}

/* ---- memory cgroup ---- */

#define CGTEST MEMCG_ROOT "/genode-dma-test"

static long long cg_current(void)
{
	char path[] = CGTEST "/memory.current";

	return sysfs_long(path);
}

TEST(dma_memcg_charges_buffers)
{
	long long r[4];
	int pipefd[2], status, ret;
	pid_t pid;

	ret = memcg_create(CGTEST);
	if (ret == -ENODEV || ret == -EOPNOTSUPP)
		SKIP(return, "%s", ret == -ENODEV ? "cannot mount cgroup2" : "no memory controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pipe(pipefd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genode_dma_alloc a;
		char me[32];
		void *p;
		int s, fd;

		snprintf(me, sizeof(me), "%d", getpid());
		if (sysfs_write(CGTEST "/cgroup.procs", me))
			_exit(2);
		s = open(GENODE_DEV_PATH, O_RDWR);
		if (s < 0)
			_exit(3);
		r[0] = cg_current();
		fd = dma_alloc(s, 4 * MIB, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
		if (fd < 0)
			_exit(4);
		r[1] = cg_current();
		p = map(fd, 4 * MIB, 0);
		if (p == MAP_FAILED)
			_exit(5);
		memset(p, 1, 4 * MIB);
		r[2] = cg_current();
		munmap(p, 4 * MIB);
		close(fd);
		r[3] = cg_current();
		if (write(pipefd[1], r, sizeof(r)) != sizeof(r))
			_exit(6);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(r), read(pipefd[0], r, sizeof(r)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	TH_LOG("memory.current: %lld before, %lld allocated, %lld mapped, %lld freed",
	       r[0], r[1], r[2], r[3]);
	/* the 4 MiB are charged at allocation, and mapping adds no more */
	EXPECT_LE(r[0] + 4 * (long long)MIB, r[1]);
	EXPECT_LT(r[1], r[0] + 5 * (long long)MIB);
	EXPECT_LT(r[2], r[1] + (long long)MIB);
	/* and uncharged when freed */
	EXPECT_LT(r[3], r[0] + (long long)MIB);
	close(pipefd[0]);
	rmdir(CGTEST);
}

/* ---- O_DIRECT through a loop device ---- */

#define BACKING "/tmp/genode-dma-backing"
#define BACKING_SIZE (1024 * 1024)

FIXTURE(dma_odirect) {
	long resources_base;
	int session;
	int loop;
	int backing;
	char dev[32];
};

FIXTURE_SETUP(dma_odirect)
{
	struct stat st;
	int ctl, n;
	unsigned char *pattern;

	self->loop = -1;
	self->backing = -1;
	self->resources_base = genode_resources();
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session);
	if (stat("/dev/loop-control", &st))
		if (system("modprobe loop 2>/dev/null") != 0 ||
		    stat("/dev/loop-control", &st))
			SKIP(return, "no loop device driver in this VM");

	pattern = malloc(BACKING_SIZE);
	ASSERT_NE(NULL, pattern);
	for (int i = 0; i < BACKING_SIZE; i++)
		pattern[i] = (unsigned char)(i * 13 + i / 4096);
	self->backing = open(BACKING, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->backing);
	ASSERT_EQ(BACKING_SIZE, write(self->backing, pattern, BACKING_SIZE));
	free(pattern);

	ctl = open("/dev/loop-control", O_RDWR);
	ASSERT_LE(0, ctl);
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	ASSERT_LE(0, n);
	snprintf(self->dev, sizeof(self->dev), "/dev/loop%d", n);
	if (stat(self->dev, &st))
		ASSERT_EQ(0, mknod(self->dev, S_IFBLK | 0600, makedev(7, n)));
	self->loop = open(self->dev, O_RDWR);
	ASSERT_LE(0, self->loop);
	ASSERT_EQ(0, ioctl(self->loop, LOOP_SET_FD, self->backing));
}

FIXTURE_TEARDOWN(dma_odirect)
{
	if (self->loop >= 0) {
		ioctl(self->loop, LOOP_CLR_FD, 0);
		close(self->loop);
	}
	if (self->backing >= 0) {
		close(self->backing);
		unlink(BACKING);
	}
	close(self->session);
}

TEST_F(dma_odirect, read_and_write_into_the_buffer)
{
	for (unsigned int i = 0; i < 3; i++) {
		struct genode_dma_alloc a;
		unsigned char *p, *want;
		int fd, dio;

		fd = dma_alloc(self->session, 256 * 1024, caches[i], GENODE_NO_DEVICE, &a);
		ASSERT_LE(0, fd);
		p = map(fd, 256 * 1024, 0);
		ASSERT_NE(MAP_FAILED, p);

		dio = open(self->dev, O_RDWR | O_DIRECT);
		ASSERT_LE(0, dio) TH_LOG("O_DIRECT open: %s", strerror(errno));
		/* device -> buffer, at an offset in both */
		ASSERT_EQ(128 * 1024, pread(dio, p + 64 * 1024, 128 * 1024,
					    512 * 1024))
			TH_LOG("cache %u: O_DIRECT read: %s", i, strerror(errno));
		want = malloc(128 * 1024);
		ASSERT_NE(NULL, want);
		ASSERT_EQ(128 * 1024, pread(self->backing, want, 128 * 1024,
					    512 * 1024));
		EXPECT_EQ(0, memcmp(p + 64 * 1024, want, 128 * 1024));
		EXPECT_TRUE(all_bytes(p, 64 * 1024, 0));

		/* buffer -> device */
		memset(p, 0xa0 + i, 4096);
		ASSERT_EQ(4096, pwrite(dio, p, 4096, 4096 * (i + 1)))
			TH_LOG("O_DIRECT write: %s", strerror(errno));
		ASSERT_EQ(0, fsync(dio));
		ASSERT_EQ(4096, pread(self->backing, want, 4096, 4096 * (i + 1)));
		EXPECT_EQ(0, memcmp(p, want, 4096));
		free(want);
		close(dio);
		munmap(p, 256 * 1024);
		close(fd);
	}
}

/* ---- io_uring, by raw system calls ---- */

struct uring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int uring_init(struct uring *u)
{
	struct io_uring_params p;
	size_t sq_len, cq_len;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	u->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (u->fd < 0)
		return -errno;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
	u->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       u->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || u->sqes == MAP_FAILED)
		return -ENOMEM;
	u->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	u->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned int *)(sq + p.sq_off.array);
	u->cq_head = (unsigned int *)(cq + p.cq_off.head);
	u->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	u->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submit one read or write and wait for it: its result. */
static int uring_rw(struct uring *u, int op, int fd, void *buf,
		    unsigned int len, __u64 off, int buf_index)
{
	unsigned int tail = *u->sq_tail, idx = tail & *u->sq_mask, head;
	struct io_uring_sqe *sqe = &u->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)buf;
	sqe->len = len;
	sqe->off = off;
	sqe->buf_index = buf_index;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, u->fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -errno;
	head = __atomic_load_n(u->cq_head, __ATOMIC_ACQUIRE);
	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

TEST_F(dma_odirect, io_uring_reads_into_the_buffer)
{
	struct genode_dma_alloc a;
	struct uring u;
	unsigned char *p, *want;
	int fd, dio, ret;

	ret = uring_init(&u);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "no io_uring: %s", strerror(-ret));
	ASSERT_EQ(0, ret);

	fd = dma_alloc(self->session, 256 * 1024, GENODE_DMA_WRITE_COMBINED,
		       GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	p = map(fd, 256 * 1024, 0);
	ASSERT_NE(MAP_FAILED, p);
	want = malloc(64 * 1024);
	ASSERT_NE(NULL, want);
	ASSERT_EQ(64 * 1024, pread(self->backing, want, 64 * 1024, 256 * 1024));
	dio = open(self->dev, O_RDWR | O_DIRECT);
	ASSERT_LE(0, dio);

	ASSERT_EQ(64 * 1024, uring_rw(&u, IORING_OP_READ, dio, p + 8192,
				      64 * 1024, 256 * 1024, 0));
	EXPECT_EQ(0, memcmp(p + 8192, want, 64 * 1024));
	EXPECT_TRUE(all_bytes(p, 8192, 0));

	close(u.fd);
	close(dio);
	munmap(p, 256 * 1024);
	close(fd);
	free(want);
}

TEST_F(dma_odirect, io_uring_fixed_buffer)
{
	struct genode_dma_alloc a;
	struct uring u;
	struct iovec iov;
	unsigned char *p, *want;
	int fd, dio, ret;

	ret = uring_init(&u);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "no io_uring: %s", strerror(-ret));
	ASSERT_EQ(0, ret);

	fd = dma_alloc(self->session, 256 * 1024, GENODE_DMA_CACHED, GENODE_NO_DEVICE, &a);
	ASSERT_LE(0, fd);
	p = map(fd, 256 * 1024, 0);
	ASSERT_NE(MAP_FAILED, p);

	/*
	 * The buffer as a registered (long-term pinned) buffer.  6.1's
	 * io_uring refuses every file-backed mapping but shmem and hugetlbfs
	 * for this (EOPNOTSUPP); later kernels leave the decision to
	 * pin_user_pages(), which accepts our mapping.
	 */
	iov.iov_base = p;
	iov.iov_len = 256 * 1024;
	ret = syscall(__NR_io_uring_register, u.fd, IORING_REGISTER_BUFFERS,
		      &iov, 1);
	if (ret && errno == EOPNOTSUPP)
		SKIP(return, "this kernel's io_uring refuses file-backed fixed buffers (6.1: shmem and hugetlbfs only)");
	ASSERT_EQ(0, ret) TH_LOG("register: %s", strerror(errno));

	want = malloc(64 * 1024);
	ASSERT_NE(NULL, want);
	ASSERT_EQ(64 * 1024, pread(self->backing, want, 64 * 1024, 256 * 1024));
	dio = open(self->dev, O_RDWR | O_DIRECT);
	ASSERT_LE(0, dio);
	ASSERT_EQ(64 * 1024, uring_rw(&u, IORING_OP_READ_FIXED, dio,
				      p + 128 * 1024, 64 * 1024, 256 * 1024, 0));
	EXPECT_EQ(0, memcmp(p + 128 * 1024, want, 64 * 1024));
	/* and out of it */
	memset(p, 0x6d, 4096);
	ASSERT_EQ(4096, uring_rw(&u, IORING_OP_WRITE_FIXED, dio, p, 4096,
				 8 * 4096, 0));
	ASSERT_EQ(0, fsync(dio));
	ASSERT_EQ(4096, pread(self->backing, want, 4096, 8 * 4096));
	EXPECT_EQ(0, memcmp(p, want, 4096));

	/* pinned pages outlive the buffer's fd, mapping and revocation */
	close(fd);
	munmap(p, 256 * 1024);
	EXPECT_EQ(self->resources_base, genode_resources());
	EXPECT_EQ(4096, uring_rw(&u, IORING_OP_READ_FIXED, dio, p, 4096,
				 8 * 4096, 0));
	close(u.fd);
	close(dio);
	free(want);
}

TEST_HARNESS_MAIN
