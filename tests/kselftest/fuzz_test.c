// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded, bounded fuzzer of the whole ABI, as a holder of /dev/genode
 * without CAP_SYS_RAWIO would drive it (a member of the udev group):
 * random and mutated ioctls on every fd it holds, mmap and munmap, read,
 * write and poll, close, GENODE_REVOKE, fds passed over a UNIX socket,
 * and children forked with some of the fds that are killed at a random
 * moment; from several threads at once.  QEMU's edu is assigned to the
 * module (driver_override), so that the sessions can claim it.
 *
 * The run is reproducible from its seed (GENODE_FUZZ_SEED, printed) as
 * far as the threads' interleaving allows, and bounded by a number of
 * operations (GENODE_FUZZ_OPS, per thread).  What it checks itself: that
 * every call returns (the harness's timeout), and that when every fd is
 * closed no session and no resource is left.  On the debug kernel KASAN,
 * lockdep, UBSAN and kmemleak check the rest; a report fails the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

#define THREADS		3
#define DEFAULT_OPS	5000
#define POOL		48

/* Every command of the header; the fuzzer tries each on every fd. */
static const unsigned long cmds[] = {
	GENODE_INFO, GENODE_REVOKE, GENODE_IOPORT_REQUEST, GENODE_IOPORT_BATCH,
	GENODE_IOPORT_INFO, GENODE_PCI_CLAIM, GENODE_PCI_LIST, GENODE_PCI_INFO,
	GENODE_PCI_BAR_INFO, GENODE_PCI_CONFIG_READ, GENODE_PCI_CONFIG_WRITE,
	GENODE_PCI_BUS_MASTER, GENODE_PCI_RESET, GENODE_IOMEM_REQUEST,
	GENODE_IOMEM_INFO, GENODE_IRQ_REQUEST, GENODE_IRQ_ACK,
	GENODE_IRQ_SET_EVENTFD, GENODE_IRQ_GET_INFO, GENODE_IRQ_MASK,
	GENODE_IRQ_UNMASK, GENODE_DMA_ALLOC, GENODE_DMA_QUOTA,
	GENODE_DMA_SET_MASK, GENODE_DMA_INFO, GENODE_DMA_SYNC,
	GENODE_IOMMU_DOMAIN_ALLOC, GENODE_IOMMU_ATTACH, GENODE_IOMMU_DETACH,
	GENODE_IOMMU_MAP, GENODE_IOMMU_UNMAP, GENODE_IOMMU_DOMAIN_INFO,
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

/* The fds the threads share; a slot is -1 when empty. */
static struct {
	pthread_mutex_t lock;
	int fd[POOL];
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct pci_addr edu;
static int sock[2];

/* what the run reached, for its log line */
static struct {
	unsigned long ioctl_ok, fds, maps, passed, children;
} reached;

#define COUNT(x) __atomic_fetch_add(&reached.x, 1, __ATOMIC_RELAXED)

/* xorshift64*, one state per thread */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return rnd(s) % n;
}

static void pool_add(int fd)
{
	pthread_mutex_lock(&pool.lock);
	for (int i = 0; i < POOL; i++) {
		if (pool.fd[i] < 0) {
			pool.fd[i] = fd;
			fd = -1;
			break;
		}
	}
	pthread_mutex_unlock(&pool.lock);
	if (fd >= 0)
		close(fd);	/* full */
}

/* A random fd of the pool, now and then an empty slot's -1. */
static int pool_pick(uint64_t *s)
{
	int i = below(s, POOL), fd = -1;

	pthread_mutex_lock(&pool.lock);
	for (int n = 0; n < POOL && fd < 0 && below(s, 16); n++)
		fd = pool.fd[(i + n) % POOL];
	pthread_mutex_unlock(&pool.lock);
	return fd;
}

/* Take a random fd out of the pool, to close it. */
static int pool_take(uint64_t *s)
{
	int i = below(s, POOL), fd;

	pthread_mutex_lock(&pool.lock);
	fd = pool.fd[i];
	pool.fd[i] = -1;
	pthread_mutex_unlock(&pool.lock);
	return fd;
}

/*
 * A value for a 32-bit field: mostly small or an fd of the pool, now and
 * then anything.
 */
static uint32_t field(uint64_t *s)
{
	switch (below(s, 8)) {
	case 0:
		return (uint32_t)rnd(s);
	case 1:
		return pool_pick(s);
	case 2:
		return 1u << below(s, 32);
	case 3:
		return edu.bus;
	case 4:
		return edu.devfn;
	default:
		return below(s, 8);
	}
}

/*
 * Pick up an fd that a call handed back in its argument.  Not the socket
 * pair of op_pass(), whose numbers are small values that many answers
 * carry back: in the pool, a worker could pass sock[1] over sock[0] and
 * close it, which leaves the receiving end alive only in flight, read by
 * nobody, until every worker blocks in sendmsg() on the full buffer (a
 * hang that the test's timeout of 900 s outlasts the VM's).
 */
static void harvest(const uint32_t *arg, unsigned int words)
{
	for (unsigned int i = 2; i < words; i++) {
		int fd = (int)arg[i];

		if (fd == sock[0] || fd == sock[1])
			continue;
		if (fd > 2 && fd < 4096 && fcntl(fd, F_GETFD) == FD_CLOEXEC) {
			bool known = false;

			pthread_mutex_lock(&pool.lock);
			for (int j = 0; j < POOL; j++)
				known |= pool.fd[j] == fd;
			pthread_mutex_unlock(&pool.lock);
			if (!known) {
				COUNT(fds);
				pool_add(fd);
			}
		}
	}
}

/*
 * A plausible argument for @cmd, as the header describes it: the fields
 * the call reads set to values it may take; the rest zero.
 */
static void plausible(uint64_t *s, unsigned long cmd, uint32_t *a)
{
	switch (cmd) {
	case GENODE_REVOKE:
		a[2] = pool_pick(s);
		break;
	case GENODE_PCI_CLAIM:
		a[2] = edu.domain;
		a[3] = edu.bus;
		a[4] = edu.devfn;
		break;
	case GENODE_IOMEM_REQUEST:	/* flags, base, size, device_fd, bar */
		a[1] = GENODE_IOMEM_BAR | below(s, 2) * GENODE_IOMEM_WC;
		a[6] = pool_pick(s);
		a[7] = below(s, 6);
		break;
	case GENODE_IRQ_REQUEST:	/* source, line, device_fd, vector, n */
		a[2] = below(s, 4);
		a[3] = a[2] ? 0 : 3 + below(s, 5);
		a[4] = a[2] ? pool_pick(s) : 0;
		a[5] = a[2] > 1 ? below(s, 2) : 0;
		a[6] = a[2] > 1 ? below(s, 3) : 0;
		break;
	case GENODE_DMA_ALLOC:		/* flags, size, cache, device_fd */
		a[1] = below(s, 2) * GENODE_DMA_ALLOC_BELOW_4G;
		a[2] = 4096 * (1 + below(s, 64));
		a[4] = below(s, 3);
		a[5] = below(s, 2) ? pool_pick(s) : -1;
		break;
	case GENODE_IOPORT_REQUEST:	/* an IO BAR: device_fd, bar */
		a[1] = GENODE_IOPORT_BAR;
		a[6] = pool_pick(s);
		a[7] = below(s, 6);
		break;
	case GENODE_DMA_SET_MASK:	/* device_fd, bits */
		a[2] = pool_pick(s);
		a[3] = 24 + below(s, 41);
		break;
	case GENODE_PCI_BAR_INFO:	/* index */
		a[2] = below(s, 7);
		break;
	case GENODE_PCI_CONFIG_READ:	/* offset, width, value */
	case GENODE_PCI_CONFIG_WRITE:
		a[3] = 1u << below(s, 3);
		a[2] = below(s, 256) & ~(a[3] - 1);
		a[4] = (uint32_t)rnd(s) & (a[3] == 4 ? ~0u : (1u << (8 * a[3])) - 1);
		break;
	case GENODE_PCI_BUS_MASTER:	/* enable */
		a[2] = below(s, 2);
		break;
	case GENODE_IRQ_SET_EVENTFD:	/* fd */
		a[2] = below(s, 2) ? pool_pick(s) : -1;
		break;
	case GENODE_IOMMU_DOMAIN_ALLOC:	/* device_fd */
	case GENODE_IOMMU_ATTACH:
	case GENODE_IOMMU_DETACH:
		a[2] = pool_pick(s);
		break;
	case GENODE_IOMMU_MAP:		/* flags, dma_fd, offset, size, iova */
		a[1] = 1 + below(s, 3);
		a[2] = pool_pick(s);
		a[4] = below(s, 2) * 4096;
		a[6] = 4096 * (1 + below(s, 2));
		a[8] = 0x100000 + 4096 * below(s, 16);
		break;
	case GENODE_IOMMU_UNMAP:	/* iova, size */
		a[2] = 0x100000 + 4096 * below(s, 16);
		a[4] = 4096 * (1 + below(s, 2));
		break;
	case GENODE_DMA_SYNC:		/* flags, offset, length, direction */
		a[1] = below(s, 2);
		a[2] = 0;
		a[4] = 1 + below(s, 8192);
		a[6] = below(s, 3);
		break;
	}
}

static void op_ioctl(uint64_t *s)
{
	unsigned long cmd = cmds[below(s, NR_CMDS)];
	uint32_t arg[64] = { 0 };
	unsigned int words = 16;
	int fd = pool_pick(s);

	plausible(s, cmd, arg);
	arg[0] = words * 4;
	/* and mutated: a field, the flags, argsz */
	if (!below(s, 4))
		arg[1 + below(s, words - 1)] = field(s);
	if (!below(s, 16))
		arg[0] = field(s);
	if (ioctl(fd, cmd, arg) == 0) {
		COUNT(ioctl_ok);
		harvest(arg, words);
	}
}

static void op_mmap(uint64_t *s)
{
	int fd = pool_pick(s);
	size_t len = (1 + below(s, 4)) * 4096;
	int prot = below(s, 4) ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC;
	void *p = mmap(NULL, len, prot, below(s, 8) ? MAP_SHARED : MAP_PRIVATE,
		       fd, below(s, 3) * 4096);

	if (p != MAP_FAILED) {
		COUNT(maps);
		if (below(s, 2))
			mprotect(p, len, PROT_READ | PROT_EXEC);
		munmap(p, len);
	}
}

static void op_rw(uint64_t *s)
{
	int fd = pool_pick(s);
	uint64_t v = 1;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	switch (below(s, 3)) {
	case 0:
		if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
			(void)!read(fd, &v, sizeof(v));
		break;
	case 1:
		/* an IRQ fd: an ack; others refuse it */
		(void)!write(fd, &v, sizeof(v));
		break;
	default:
		(void)!pread(fd, &v, 1 + below(s, 4), below(s, 0x10000));
		break;
	}
}

static void op_revoke(uint64_t *s)
{
	struct genode_revoke r = { .argsz = sizeof(r), .fd = pool_pick(s) };

	ioctl(pool_pick(s), GENODE_REVOKE, &r);
}

static void op_pass(uint64_t *s)
{
	int fd = pool_pick(s), got;

	if (fd < 0 || send_fd(sock[0], fd))
		return;
	got = recv_fd(sock[1]);
	if (got >= 0) {
		COUNT(passed);
		pool_add(got);
	}
}

/* A child with a copy of every fd, doing a little, killed at some moment. */
static void op_fork(uint64_t *s)
{
	uint64_t cs = rnd(s);
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (pid == 0) {
		for (int i = 0; i < 50; i++) {
			op_ioctl(&cs);
			if (below(&cs, 4) == 0)
				close(pool_take(&cs));
		}
		_exit(0);
	}
	COUNT(children);
	usleep(below(s, 3000));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void op_open(uint64_t *s)
{
	int fd;

	if (!below(s, 4)) {
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	} else if (below(s, 2)) {
		fd = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	} else {
		int session = pool_pick(s);

		fd = pci_claim(session, &edu);
	}
	if (fd >= 0)
		pool_add(fd);
}

struct worker {
	uint64_t seed;
	unsigned long ops;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t s = w->seed;

	for (unsigned long n = 0; n < w->ops; n++) {
		switch (below(&s, 16)) {
		case 0 ... 6:
			op_ioctl(&s);
			break;
		case 7:
			op_mmap(&s);
			break;
		case 8:
		case 9:
			op_rw(&s);
			break;
		case 10:
			close(pool_take(&s));
			break;
		case 11:
			op_revoke(&s);
			break;
		case 12:
			op_pass(&s);
			break;
		case 13:
			if (below(&s, 8) == 0)
				op_fork(&s);
			break;
		default:
			op_open(&s);
			break;
		}
	}
	return NULL;
}

static int fuzz(uint64_t seed, unsigned long ops)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];

	signal(SIGPIPE, SIG_IGN);
	if (drop_cap_sys_rawio())
		return 1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock))
		return 2;
	for (int i = 0; i < POOL; i++)
		pool.fd[i] = -1;
	pool_add(open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC));
	for (int i = 0; i < THREADS; i++) {
		w[i].seed = seed * (i + 1) + 0x9e3779b97f4a7c15ULL;
		w[i].ops = ops;
		if (pthread_create(&t[i], NULL, work, &w[i]))
			return 3;
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < POOL; i++)
		if (pool.fd[i] >= 0)
			close(pool.fd[i]);
	close(sock[0]);
	close(sock[1]);
	fprintf(stderr, "# %lu ioctls succeeded, %lu fds made, %lu mappings, %lu fds passed, %lu children killed\n",
		reached.ioctl_ok, reached.fds, reached.maps, reached.passed,
		reached.children);
	return 0;
}

#define QUOTA "/sys/module/genode/parameters/dma_quota_mb"

FIXTURE(fuzz) {
	const char *skip;	/* why the test skips, or NULL */
	long sessions, resources;
	char quota[32];
	bool bound;
};

FIXTURE_SETUP(fuzz)
{
	char drv[64];

	self->sessions = genode_sessions();
	self->resources = genode_resources();
	if (edu_find(0, &edu)) {
		/* the harness runs the body after a SKIP here: it skips */
		self->skip = "no edu device (-device edu) in this VM";
		return;
	}
	pci_driver_of(&edu, drv, sizeof(drv));
	ASSERT_STREQ("", drv);
	/* assigned, so that a session without CAP_SYS_RAWIO can claim it */
	ASSERT_EQ(0, pci_bind(&edu, "genode"));
	self->bound = true;
	/* a small quota for the fuzzer's sessions: the VM has 1 GiB */
	ASSERT_EQ(0, sysfs_read(QUOTA, self->quota, sizeof(self->quota)));
	ASSERT_EQ(0, sysfs_write(QUOTA, "4"));
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->quota[0])
		EXPECT_EQ(0, sysfs_write(QUOTA, self->quota));
	if (self->bound)
		EXPECT_EQ(0, pci_unbind(&edu));
}

TEST_F_TIMEOUT(fuzz, the_abi_without_cap_sys_rawio, 900)
{
	const char *e = getenv("GENODE_FUZZ_SEED");
	uint64_t seed = e ? strtoull(e, NULL, 0) : 0x67656e6f6465ULL;
	unsigned long ops = DEFAULT_OPS;
	int status;
	pid_t pid;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	e = getenv("GENODE_FUZZ_OPS");
	if (e)
		ops = strtoul(e, NULL, 0);
	TH_LOG("seed 0x%llx, %d threads of %lu operations",
	       (unsigned long long)seed, THREADS, ops);
	/* in a child, so that what the fuzzer does to itself stays there */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(fuzz(seed, ops));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status 0x%x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* everything closed: nothing left */
	EXPECT_EQ(self->sessions, genode_sessions());
	EXPECT_EQ(self->resources, genode_resources());
	TH_LOG("%lu operations done", THREADS * ops);
}

TEST_HARNESS_MAIN
