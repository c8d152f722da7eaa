// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI as a whole, from one table of every ioctl in the uapi
 * header: the fd kind it is called on, the size of its struct and the
 * smallest argsz it takes (offsetofend of its last field).  For each, on
 * an fd of every kind:
 *
 *  - every command number of the ioctl type is ENOTTY on every fd kind
 *    but the table's, so the table is the module's whole surface;
 *  - an argsz below the smallest is EINVAL, above a page E2BIG, and one
 *    above the struct with a nonzero tail E2BIG;
 *  - one above the struct with a zero tail is taken as the struct itself
 *    (the same answer as the exact size);
 *  - a bad pointer is EFAULT;
 *  - a call stalled in a fault on its user buffer (userfaultfd) holds off
 *    no revocation: the module never holds a resource's revoke lock across
 *    user memory;
 *  - poll() on the kinds without events of their own returns at once.
 *
 * The fds: a session, a DMA buffer for no device, QEMU's edu claimed,
 * its BAR0 as an IO-memory region, its INTx as an IRQ fd, and COM2's
 * IO ports (0x2f8-0x2ff).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "libgenode_dev.h"
#include "lib/genode_test.h"

#define PAGE		4096

/* DOMAIN only where an IOMMU translates for edu; elsewhere it is left out */
enum fd_kind { SESSION, IOPORT, PCI, IOMEM, IRQ, DMA, DOMAIN, NR_KINDS };

static const char *const kind_name[NR_KINDS] = {
	"session", "ioport", "pci", "iomem", "irq", "dma", "iommu domain",
};

struct abi_op {
	const char *name;
	unsigned long cmd;
	enum fd_kind kind;
	size_t size;
	size_t min;
};

#define OP(_cmd, _kind, _struct, _last)					\
	{ #_cmd, _cmd, _kind, sizeof(struct _struct),			\
	  offsetofend(struct _struct, _last) }

static const struct abi_op ops[] = {
	OP(GENODE_INFO, SESSION, genode_info, features),
	OP(GENODE_REVOKE, SESSION, genode_revoke, __reserved),
	OP(GENODE_IOPORT_REQUEST, SESSION, genode_ioport_request, __reserved),
	OP(GENODE_PCI_CLAIM, SESSION, genode_pci_claim, fd),
	OP(GENODE_PCI_LIST, SESSION, genode_pci_list, functions),
	OP(GENODE_IOMEM_REQUEST, SESSION, genode_iomem_request, __reserved),
	OP(GENODE_IRQ_REQUEST, SESSION, genode_irq_request, fd),
	OP(GENODE_DMA_ALLOC, SESSION, genode_dma_alloc, phys_addr),
	OP(GENODE_DMA_QUOTA, SESSION, genode_dma_quota, used),
	OP(GENODE_DMA_SET_MASK, SESSION, genode_dma_set_mask, bits),
	OP(GENODE_IOMMU_DOMAIN_ALLOC, SESSION, genode_iommu_domain_alloc,
	   pgsize_bitmap),
	OP(GENODE_IOPORT_BATCH, IOPORT, genode_ioport_batch, __reserved),
	OP(GENODE_IOPORT_INFO, IOPORT, genode_ioport_info, __reserved),
	OP(GENODE_PCI_INFO, PCI, genode_pci_info, __reserved),
	OP(GENODE_PCI_BAR_INFO, PCI, genode_pci_bar_info, size),
	OP(GENODE_PCI_CONFIG_READ, PCI, genode_pci_config, __reserved),
	OP(GENODE_PCI_CONFIG_WRITE, PCI, genode_pci_config, __reserved),
	OP(GENODE_PCI_BUS_MASTER, PCI, genode_pci_bus_master, __reserved),
	OP(GENODE_PCI_RESET, PCI, genode_pci_reset, flags),
	OP(GENODE_IOMEM_INFO, IOMEM, genode_iomem_info, page_offset),
	OP(GENODE_IRQ_ACK, IRQ, genode_irq_ack, flags),
	OP(GENODE_IRQ_SET_EVENTFD, IRQ, genode_irq_set_eventfd, __reserved),
	OP(GENODE_IRQ_GET_INFO, IRQ, genode_irq_info, pending),
	OP(GENODE_IRQ_MASK, IRQ, genode_irq_mask, flags),
	OP(GENODE_IRQ_UNMASK, IRQ, genode_irq_mask, flags),
	OP(GENODE_DMA_INFO, DMA, genode_dma_info, phys_addr),
	OP(GENODE_DMA_SYNC, DMA, genode_dma_sync, __reserved),
	OP(GENODE_IOMMU_ATTACH, DOMAIN, genode_iommu_attach, __reserved),
	OP(GENODE_IOMMU_DETACH, DOMAIN, genode_iommu_attach, __reserved),
	OP(GENODE_IOMMU_MAP, DOMAIN, genode_iommu_map, iova),
	OP(GENODE_IOMMU_UNMAP, DOMAIN, genode_iommu_unmap, size),
	OP(GENODE_IOMMU_DOMAIN_INFO, DOMAIN, genode_iommu_domain_info,
	   mapped_bytes),
};

#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

static const struct abi_op *op_of(unsigned long cmd, enum fd_kind kind)
{
	for (unsigned int i = 0; i < NR_OPS; i++)
		if (ops[i].cmd == cmd && ops[i].kind == kind)
			return &ops[i];
	return NULL;
}

FIXTURE(abi) {
	int fd[NR_KINDS];
	int watermark;
	/* two pages, argument buffers start at the end of the first */
	unsigned char *buf;
};

FIXTURE_SETUP(abi)
{
	struct pci_addr edu;

	memset(self->fd, -1, sizeof(self->fd));
	self->buf = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);

	self->fd[SESSION] = genode_session_open(NULL);
	ASSERT_LE(0, self->fd[SESSION]);
	if (edu_find(0, &edu))
		SKIP(return, "no edu device (-device edu) in this VM");
	self->fd[PCI] = edu_claim(self->fd[SESSION], &edu);
	ASSERT_LE(0, self->fd[PCI]) TH_LOG("claim edu: %s", strerror(-self->fd[PCI]));
	self->fd[IOMEM] = genode_iomem_request_bar(self->fd[SESSION],
						   self->fd[PCI], 0, 0);
	ASSERT_LE(0, self->fd[IOMEM]);
	self->fd[IRQ] = genode_irq_open_pci(self->fd[SESSION], self->fd[PCI],
					    GENODE_IRQ_SOURCE_INTX, 0, 0);
	ASSERT_LE(0, self->fd[IRQ]);
	self->fd[DMA] = genode_dma_alloc(self->fd[SESSION], PAGE,
					 GENODE_DMA_CACHED, GENODE_NO_DEVICE, NULL, NULL,
					 NULL);
	ASSERT_LE(0, self->fd[DMA]);
	self->fd[IOPORT] = genode_ioport_open(self->fd[SESSION], UART_COM2,
					      UART_PORTS);
	ASSERT_LE(0, self->fd[IOPORT]) TH_LOG("COM2: %s", strerror(-self->fd[IOPORT]));
	self->fd[DOMAIN] = genode_iommu_domain_alloc(self->fd[SESSION],
						     self->fd[PCI], NULL);
	if (self->fd[DOMAIN] == -ENODEV)
		TH_LOG("no IOMMU translates for edu: no domain fd to try");
	else
		ASSERT_LE(0, self->fd[DOMAIN]);

	self->watermark = 0;
	for (int k = 0; k < NR_KINDS; k++)
		if (self->fd[k] > self->watermark)
			self->watermark = self->fd[k];
}

FIXTURE_TEARDOWN(abi)
{
	for (int k = NR_KINDS - 1; k >= 0; k--)
		if (self->fd[k] >= 0)
			close(self->fd[k]);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, 3 * PAGE);
}

/*
 * An argument with argsz @argsz, zero but for one byte at offset
 * @tail_at (if @tail_at is nonzero), with at least a page of it readable:
 * the ioctl's answer, 0 or -errno.  Whatever fd a successful call made
 * is closed.
 */
static int call(FIXTURE_DATA(abi) *self, int fd, unsigned long cmd,
		uint32_t argsz, size_t tail_at)
{
	unsigned char *arg = self->buf + PAGE;
	bool was_open[16];
	int ret;

	memset(self->buf, 0, 3 * PAGE);
	memcpy(arg, &argsz, sizeof(argsz));
	if (tail_at)
		arg[tail_at] = 0x5a;
	for (int i = 0; i < 16; i++)
		was_open[i] = fcntl(self->watermark + 1 + i, F_GETFD) >= 0;
	ret = ioctl(fd, cmd, arg) ? -errno : 0;
	for (int i = 0; i < 16; i++)
		if (!was_open[i])
			close(self->watermark + 1 + i);
	return ret;
}

TEST_F(abi, every_command_is_served_on_its_own_fd_kind_only)
{
	for (unsigned int nr = 0; nr < 256; nr++) {
		unsigned long cmd = _IO(GENODE_IOCTL_TYPE, nr);

		for (int k = 0; k < NR_KINDS; k++) {
			const struct abi_op *op = op_of(cmd, k);
			int want = op ? -EINVAL : -ENOTTY;

			if (self->fd[k] < 0)
				continue;

			/* argsz 0: below every minimum, so nothing happens */
			EXPECT_EQ(want, call(self, self->fd[k], cmd, 0, 0))
				TH_LOG("nr 0x%02x on the %s fd", nr, kind_name[k]);
		}
	}
	/* the same numbers with a direction and a size are other commands */
	for (unsigned int i = 0; i < NR_OPS; i++) {
		unsigned long cmd = _IOWR(GENODE_IOCTL_TYPE,
					  _IOC_NR(ops[i].cmd), uint64_t);

		for (int k = 0; k < NR_KINDS; k++) {
			if (self->fd[k] < 0)
				continue;
			EXPECT_EQ(-ENOTTY, call(self, self->fd[k], cmd, 0, 0))
				TH_LOG("_IOWR of %s on the %s fd", ops[i].name,
				       kind_name[k]);
		}
	}
}

/*
 * On a revoked fd every command of its kind is ENODEV, and a command of
 * another kind is still ENOTTY: the header's errnos hold for it too.
 */
TEST_F(abi, a_revoked_fd_is_enodev_for_its_commands_only)
{
	for (int k = NR_KINDS - 1; k >= 0; k--) {
		if (k != SESSION && self->fd[k] >= 0) {
			ASSERT_EQ(0, genode_revoke(self->fd[SESSION], self->fd[k]))
				TH_LOG("revoking the %s fd", kind_name[k]);
		}
	}
	for (unsigned int nr = 0; nr < 256; nr++) {
		unsigned long cmd = _IO(GENODE_IOCTL_TYPE, nr);

		for (int k = 0; k < NR_KINDS; k++) {
			int want = op_of(cmd, k) ? -ENODEV : -ENOTTY;

			if (k == SESSION || self->fd[k] < 0)
				continue;
			EXPECT_EQ(want, call(self, self->fd[k], cmd,
					     sizeof(uint64_t) * 8, 0))
				TH_LOG("nr 0x%02x on the revoked %s fd", nr,
				       kind_name[k]);
		}
	}
}

TEST_F(abi, argsz_below_the_minimum_or_above_a_page)
{
	for (unsigned int i = 0; i < NR_OPS; i++) {
		const struct abi_op *op = &ops[i];
		int fd = self->fd[op->kind];

		if (fd < 0)
			continue;
		EXPECT_EQ(-EINVAL, call(self, fd, op->cmd, 4, 0))
			TH_LOG("%s, argsz 4", op->name);
		EXPECT_EQ(-EINVAL, call(self, fd, op->cmd, op->min - 1, 0))
			TH_LOG("%s, argsz %zu", op->name, op->min - 1);
		EXPECT_EQ(-E2BIG, call(self, fd, op->cmd, PAGE + 1, 0))
			TH_LOG("%s, argsz a page and a byte", op->name);
		EXPECT_EQ(-E2BIG, call(self, fd, op->cmd, UINT32_MAX, 0))
			TH_LOG("%s, argsz 4 GiB - 1", op->name);
	}
}

TEST_F(abi, a_longer_struct_must_end_in_zeroes)
{
	for (unsigned int i = 0; i < NR_OPS; i++) {
		const struct abi_op *op = &ops[i];
		int fd = self->fd[op->kind];
		size_t sizes[] = { op->size + 1, op->size + 8, PAGE };

		if (fd < 0)
			continue;
		for (unsigned int j = 0; j < 3; j++) {
			/* a nonzero byte anywhere past the struct */
			EXPECT_EQ(-E2BIG, call(self, fd, op->cmd, sizes[j],
					       sizes[j] - 1))
				TH_LOG("%s, argsz %zu, last byte set", op->name, sizes[j]);
			EXPECT_EQ(-E2BIG, call(self, fd, op->cmd, sizes[j],
					       op->size))
				TH_LOG("%s, argsz %zu, first byte after the struct set",
				       op->name, sizes[j]);
		}
	}
}

TEST_F(abi, a_zero_tail_is_the_struct_itself)
{
	for (unsigned int i = 0; i < NR_OPS; i++) {
		const struct abi_op *op = &ops[i];
		int fd = self->fd[op->kind];
		int exact, longer;

		if (fd < 0)
			continue;
		exact = call(self, fd, op->cmd, op->size, 0);
		longer = call(self, fd, op->cmd, op->size + 64, 0);
		EXPECT_EQ(exact, longer) TH_LOG("%s: %d with argsz %zu, %d with %zu",
						op->name, exact, op->size, longer,
						op->size + 64);
		longer = call(self, fd, op->cmd, PAGE, 0);
		EXPECT_EQ(exact, longer) TH_LOG("%s: %d with argsz %zu, %d with a page",
						op->name, exact, op->size, longer);
	}
}

TEST_F(abi, bad_pointers_are_efault)
{
	for (unsigned int i = 0; i < NR_OPS; i++) {
		const struct abi_op *op = &ops[i];
		int fd = self->fd[op->kind];
		uint32_t argsz = op->size;
		/* a struct that runs into the unmapped page after the buffer */
		unsigned char *edge = self->buf + 2 * PAGE - 4;

		if (fd < 0)
			continue;
		ASSERT_EQ(0, munmap(self->buf + 2 * PAGE, PAGE));
		memcpy(edge, &argsz, sizeof(argsz));
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, op->cmd, NULL)) TH_LOG("%s, NULL", op->name);
		EXPECT_EQ(EFAULT, errno) TH_LOG("%s, NULL", op->name);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, op->cmd, edge)) TH_LOG("%s, at a page's end", op->name);
		EXPECT_EQ(EFAULT, errno) TH_LOG("%s, at a page's end", op->name);
		ASSERT_EQ(self->buf + 2 * PAGE,
			  mmap(self->buf + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	}
}

/*
 * Kinds without events of their own (a device, a region, a buffer, IO
 * ports) are always ready, as a plain file is: poll() returns at once.
 */
TEST_F(abi, poll_on_kinds_without_events_returns_at_once)
{
	static const enum fd_kind kinds[] = { IOPORT, PCI, IOMEM, DMA };

	for (unsigned int i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct pollfd p = { .fd = self->fd[kinds[i]],
				    .events = POLLIN | POLLOUT };

		EXPECT_EQ(1, poll(&p, 1, 2000))
			TH_LOG("the %s fd", kind_name[kinds[i]]);
		EXPECT_EQ(POLLIN | POLLOUT, p.revents & (POLLIN | POLLOUT));
	}
	/* revoked, it reports the error and the hangup */
	{
		struct pollfd p = { .fd = self->fd[DMA], .events = POLLIN };

		ASSERT_EQ(0, genode_revoke(self->fd[SESSION], self->fd[DMA]));
		EXPECT_EQ(1, poll(&p, 1, 2000));
		EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP));
	}
}

/* ---- user memory is never touched under a resource's revoke lock ---- */

/* A page whose first access stalls until uffd_release() (userfaultfd). */
struct stall {
	int uffd;
	void *page;
};

static int stall_setup(struct stall *st)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	st->uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (st->uffd < 0)
		return -errno;
	if (ioctl(st->uffd, UFFDIO_API, &api))
		return -errno;
	st->page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st->page == MAP_FAILED)
		return -errno;
	reg.range.start = (uintptr_t)st->page;
	reg.range.len = PAGE;
	return ioctl(st->uffd, UFFDIO_REGISTER, &reg) ? -errno : 0;
}

/* Has a thread run into the page?  1 within ms, else 0. */
static int stall_hit(struct stall *st, int ms)
{
	struct pollfd p = { .fd = st->uffd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Let the stalled thread go on: the page reads as zeroes. */
static int stall_release(struct stall *st)
{
	struct uffdio_zeropage z = {
		.range = { .start = (uintptr_t)st->page, .len = PAGE },
	};

	return ioctl(st->uffd, UFFDIO_ZEROPAGE, &z) ? -errno : 0;
}

static void stall_teardown(struct stall *st)
{
	munmap(st->page, PAGE);
	close(st->uffd);
}

/* One call on an fd with the stalling page as its buffer, in a thread. */
struct stalled_call {
	int fd;
	unsigned long cmd;	/* an ioctl, or 0 for pread(fd, page, 1, off) */
	off_t off;
	void *page;
	long ret;
};

static void *stalled_call_run(void *arg)
{
	struct stalled_call *c = arg;

	if (c->cmd)
		c->ret = ioctl(c->fd, c->cmd, c->page) ? -errno : 0;
	else
		c->ret = pread(c->fd, c->page, 1, c->off) < 0 ? -errno : 1;
	return NULL;
}

struct revoker {
	int session, fd, ret;
};

static void *revoker_run(void *arg)
{
	struct revoker *r = arg;

	r->ret = genode_revoke(r->session, r->fd);
	return NULL;
}

/*
 * A process that stalls one of its calls in a page fault (a userfaultfd
 * range here; a FUSE mapping whose daemon hangs would do) must not hold
 * off the revocation of the resource, nor the release of a device, which
 * revokes its regions (under the device lock, when sysfs unbinds it).
 */
TEST_F(abi, a_stalled_user_buffer_holds_off_no_revocation)
{
	static const struct {
		enum fd_kind kind;	/* the fd the call stalls on */
		enum fd_kind revoke;	/* the fd then revoked */
		unsigned long cmd;
	} cases[] = {
		{ IOPORT, IOPORT, 0 },
		{ DMA, DMA, GENODE_DMA_INFO },
		{ IRQ, IRQ, GENODE_IRQ_GET_INFO },
		{ IOMEM, PCI, GENODE_IOMEM_INFO },
	};
	struct stall st;
	int ret;

	ret = stall_setup(&st);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "no userfaultfd here: %s", strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("userfaultfd: %s", strerror(-ret));

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stalled_call c = {
			.fd = self->fd[cases[i].kind],
			.cmd = cases[i].cmd,
			.off = UART_COM2,
			.page = st.page,
		};
		struct revoker r = {
			.session = self->fd[SESSION],
			.fd = self->fd[cases[i].revoke],
			.ret = 1,
		};
		struct timespec until;
		pthread_t ct, rt;

		ASSERT_EQ(0, pthread_create(&ct, NULL, stalled_call_run, &c));
		ASSERT_EQ(1, stall_hit(&st, 5000))
			TH_LOG("the call on the %s fd did not touch its buffer",
			       kind_name[cases[i].kind]);
		ASSERT_EQ(0, pthread_create(&rt, NULL, revoker_run, &r));
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;
		ret = pthread_timedjoin_np(rt, NULL, &until);
		EXPECT_EQ(0, ret) TH_LOG("revoking the %s fd waits for a call stalled on the %s fd",
					 kind_name[cases[i].revoke],
					 kind_name[cases[i].kind]);
		EXPECT_EQ(0, stall_release(&st));
		if (ret)
			pthread_join(rt, NULL);
		EXPECT_EQ(0, r.ret);
		pthread_join(ct, NULL);
		/* the stalled call went on, on a revoked fd or with argsz 0 */
		EXPECT_TRUE(c.ret == -ENODEV || c.ret == -EINVAL)
			TH_LOG("the stalled call: %s", strerror(-c.ret));
		/* a fresh page for the next case */
		stall_teardown(&st);
		ASSERT_EQ(0, stall_setup(&st));
	}
	stall_teardown(&st);
}

TEST_HARNESS_MAIN
