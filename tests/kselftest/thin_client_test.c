// SPDX-License-Identifier: GPL-2.0
/*
 * The Genode-on-Linux data path without Genode: a "core" process and a
 * "driver" process, as base-linux runs them.
 *
 *  - core (the test process) opens /dev/genode, claims QEMU's edu, turns
 *    on bus mastering through the device fd, requests BAR0 as a region
 *    fd, an IRQ fd (MSI in one variant, INTx in the other) and a DMA
 *    buffer for the device, and passes the region and the buffer to the
 *    driver over a UNIX socket (SCM_RIGHTS), as core passes dataspaces.
 *  - the driver (a forked child that first closes every fd but its socket
 *    end and stdio) installs a seccomp filter that makes open, openat,
 *    openat2 and ioctl fail with EPERM, as a Genode component may not use
 *    them, checks that the filter bites, and then drives edu through the
 *    mapped registers only: identification, liveness, factorial, and two
 *    DMA transfers through the buffer, each completion signalled by an
 *    interrupt.
 *  - core's "IRQ thread" blocks on the IRQ fd and relays each interrupt
 *    as a message (a Genode signal); the driver clears the cause in edu
 *    and answers with an ack message, on which core acks the IRQ fd
 *    (Irq_session::ack_irq).  INTx is level-triggered: the kernel masks it
 *    at the interrupt and unmasks it at the ack, after the driver cleared
 *    the cause, so each interrupt is reported once.
 *
 * The driver reports what it saw in one message at the end; core asserts
 * on it, so the assertions run in the test process.
 *
 * edu's BAR0: ident 0x00 (0x010000ed: version 1.0), liveness 0x04 (reads
 * back the inverse of what was written), factorial 0x08 with its status
 * at 0x20 (bit 0 busy, bit 7 interrupt when done), interrupt status 0x24,
 * acknowledge 0x64; DMA source 0x80, destination 0x88, count 0x90,
 * command 0x98 (bit 0 start, bit 1 device to RAM, bit 2 interrupt when
 * done); its buffer is at 0x40000, 4 KiB.  edu drives 28 address bits.
 * Interrupt causes: 0x001 factorial, 0x100 DMA.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_irq_request) == 32, "genode_irq_request");
_Static_assert(sizeof(struct genode_dma_alloc) == 48, "genode_dma_alloc");
_Static_assert(sizeof(struct genode_iomem_request) == 40,
	       "genode_iomem_request");

#define DMA_SIZE	8192UL
#define DMA_LEN		1024U	/* bytes per transfer, well inside edu's 4 KiB */
#define FILTER_ERRNO	EPERM
#define TIMEOUT_MS	10000

/* ---- the messages between core and driver ---- */

enum msg_type {
	MSG_REGION = 1,	/* core -> driver, with the region fd */
	MSG_DMA,	/* core -> driver, with the DMA buffer fd */
	MSG_IRQ,	/* core -> driver: the IRQ fired (a signal) */
	MSG_ACK,	/* driver -> core: cause cleared, ack the IRQ */
	MSG_REPORT,	/* driver -> core: what it saw, at the end */
	MSG_TOUCH,	/* core -> driver: read the registers again */
};

struct msg {
	uint32_t type;
	uint32_t count;		/* MSG_IRQ: interrupts since the last one */
	uint64_t a, b;		/* REGION: map_size, page_offset; DMA: size, bus */
};

/* What the driver saw; every field is asserted by core. */
struct report {
	int32_t fds_left;	/* fds above 2 but the socket after the cleanup */
	int32_t seccomp_ret;	/* of prctl(PR_SET_SECCOMP) */
	int32_t open_errno;	/* open("/dev/genode") under the filter */
	int32_t openat_errno;	/* openat(AT_FDCWD, "/dev/genode") */
	int32_t ioctl_errno;	/* GENODE_IOMEM_INFO on the region fd */
	int32_t got_region, got_dma;
	uint32_t ident;
	uint32_t liveness[2];	/* read back after writing two values */
	uint32_t fact_polled;	/* 10! by polling */
	uint32_t fact_irq;	/* 12! signalled by an interrupt */
	uint32_t irq_cause[3];	/* 0x24 on each signal: fact, DMA, DMA */
	uint32_t irq_signals;	/* MSG_IRQ messages received */
	uint32_t dma_to_dev_cmd;	/* 0x98 after the first transfer */
	uint32_t dma_to_ram_cmd;	/* ... and after the second */
	uint32_t dma_mismatch;	/* bytes that came back wrong (or -1) */
	uint32_t dma_untouched;	/* bytes past the copy that stayed 0 */
	int32_t step_failed;	/* 0, or the line where the driver gave up */
};

/* ---- the driver: a component under seccomp ---- */

/* open, openat, openat2 and ioctl fail with FILTER_ERRNO; a foreign ABI dies */
static int install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 437 /* openat2 */, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | (FILTER_ERRNO & SECCOMP_RET_DATA)),
	};
	struct sock_fprog prog = {
		.len = sizeof(f) / sizeof(f[0]),
		.filter = f,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) ? -errno : 0;
}

/*
 * Wait for core's signal of an interrupt, clear its cause in edu, ask
 * core for the ack.  The cause, or 0 when no signal came.
 */
static uint32_t driver_wait_irq(int sock, volatile uint32_t *bar,
				struct report *r)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct msg m;
	uint32_t cause;

	if (poll(&p, 1, TIMEOUT_MS) != 1)
		return 0;
	if (recv_msg_fd(sock, &m, sizeof(m), NULL) || m.type != MSG_IRQ)
		return 0;
	r->irq_signals++;
	cause = edu_irq_status(bar);
	edu_irq_ack(bar, cause);
	m = (struct msg){ .type = MSG_ACK };
	if (send_msg_fd(sock, &m, sizeof(m), -1))
		return 0;
	return cause;
}

static void driver(int sock)
{
	struct report r = { 0 };
	struct msg m;
	volatile uint32_t *bar = NULL;
	uint8_t *buf = NULL;
	uint64_t bus = 0;
	void *p;
	int fd, i, region = -1, dma = -1;

#define GIVE_UP() do { r.step_failed = __LINE__; goto report; } while (0)

	/* a component has no fds but those core gave it */
	for (fd = 3; fd < 1024; fd++)
		if (fd != sock)
			close(fd);
	for (fd = 3; fd < 1024; fd++)
		if (fd != sock && fcntl(fd, F_GETFD) >= 0)
			r.fds_left++;

	r.seccomp_ret = install_filter();
	if (r.seccomp_ret)
		GIVE_UP();
	errno = 0;
	if (open(GENODE_DEV_PATH, O_RDWR) >= 0)
		GIVE_UP();
	r.open_errno = errno;
	errno = 0;
	if (openat(AT_FDCWD, GENODE_DEV_PATH, O_RDWR) >= 0)
		GIVE_UP();
	r.openat_errno = errno;

	/* core hands out the dataspaces */
	for (i = 0; i < 2; i++) {
		if (recv_msg_fd(sock, &m, sizeof(m), &fd) || fd < 0)
			GIVE_UP();
		if (m.type == MSG_REGION) {
			struct genode_iomem_info info = {
				.argsz = sizeof(info),
			};

			r.got_region = 1;
			region = fd;
			errno = 0;
			if (!ioctl(region, GENODE_IOMEM_INFO, &info))
				GIVE_UP();
			r.ioctl_errno = errno;
			p = mmap(NULL, m.a, PROT_READ | PROT_WRITE,
				 MAP_SHARED, region, 0);
			if (p == MAP_FAILED)
				GIVE_UP();
			bar = (volatile uint32_t *)((char *)p + m.b);
		} else if (m.type == MSG_DMA) {
			r.got_dma = 1;
			dma = fd;
			bus = m.b;
			buf = mmap(NULL, m.a, PROT_READ | PROT_WRITE,
				   MAP_SHARED, dma, 0);
			if (buf == MAP_FAILED)
				GIVE_UP();
		} else {
			GIVE_UP();
		}
	}
	if (!bar || !buf)
		GIVE_UP();

	/* registers */
	r.ident = edu_read(bar, EDU_ID);
	edu_write(bar, EDU_LIVENESS, 0x12345678);
	r.liveness[0] = edu_read(bar, EDU_LIVENESS);
	edu_write(bar, EDU_LIVENESS, 0xa5a5a5a5);
	r.liveness[1] = edu_read(bar, EDU_LIVENESS);
	r.fact_polled = edu_factorial(bar, 10, TIMEOUT_MS);

	/* a factorial that signals its end */
	edu_write(bar, EDU_STATUS, EDU_STATUS_IRQ_FACT);
	edu_write(bar, EDU_FACTORIAL, 12);
	r.irq_cause[0] = driver_wait_irq(sock, bar, &r);
	r.fact_irq = edu_read(bar, EDU_FACTORIAL);
	edu_write(bar, EDU_STATUS, 0);

	/* DMA: a pattern to edu's buffer, and back behind it */
	for (i = 0; i < (int)DMA_LEN; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	edu_dma_to_edu(bar, bus, 0, DMA_LEN, EDU_DMA_IRQ);
	r.irq_cause[1] = driver_wait_irq(sock, bar, &r);
	r.dma_to_dev_cmd = edu_dma_cmd(bar);

	edu_dma_to_ram(bar, 0, bus + 4096, DMA_LEN, EDU_DMA_IRQ);
	r.irq_cause[2] = driver_wait_irq(sock, bar, &r);
	r.dma_to_ram_cmd = edu_dma_cmd(bar);

	for (i = 0; i < (int)DMA_LEN; i++)
		if (buf[4096 + i] != (uint8_t)(i * 7 + 3))
			r.dma_mismatch++;
	for (i = DMA_LEN; i < 4096; i++)
		if (!buf[4096 + i])
			r.dma_untouched++;

report:
	m = (struct msg){ .type = MSG_REPORT };
	send_msg_fd(sock, &m, sizeof(m), -1);
	send(sock, &r, sizeof(r), MSG_NOSIGNAL);
	/*
	 * Exit only once core has hung up: a socket closed with messages
	 * still queued (here, after giving up early) resets its peer, and
	 * core would lose the report.
	 */
	while (recv(sock, &m, sizeof(m), 0) > 0)
		;
	_exit(0);
#undef GIVE_UP
}

/*
 * A driver whose region core revokes: it maps the region, reports the
 * ident it read, and on MSG_TOUCH reads it again, which must raise SIGBUS
 * now; if it does not, it reports what it read.
 */
static void driver_revoked(int sock)
{
	volatile uint32_t *bar;
	struct msg m;
	void *p;
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != sock)
			close(fd);
	if (install_filter())
		_exit(10);
	if (recv_msg_fd(sock, &m, sizeof(m), &fd) || fd < 0 ||
	    m.type != MSG_REGION)
		_exit(11);
	p = mmap(NULL, m.a, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(12);
	bar = (volatile uint32_t *)((char *)p + m.b);
	m = (struct msg){ .type = MSG_REPORT, .count = edu_read(bar, EDU_ID) };
	if (send_msg_fd(sock, &m, sizeof(m), -1))
		_exit(13);
	if (recv_msg_fd(sock, &m, sizeof(m), NULL) || m.type != MSG_TOUCH)
		_exit(14);
	m = (struct msg){ .type = MSG_REPORT, .count = edu_read(bar, EDU_ID) };
	send_msg_fd(sock, &m, sizeof(m), -1);
	_exit(0);
}

/* ---- core ---- */

FIXTURE(thin_client) {
	struct pci_addr edu;
	long sessions, resources;
	int session, dev, region, irq, dma;
	int sock[2];
	pid_t driver;
};

/* the interrupt core relays: edu's MSI vector, or its INTx (level) */
FIXTURE_VARIANT(thin_client) {
	uint32_t source;
};

FIXTURE_VARIANT_ADD(thin_client, msi) {
	.source = GENODE_IRQ_SOURCE_MSI,
};

FIXTURE_VARIANT_ADD(thin_client, intx) {
	.source = GENODE_IRQ_SOURCE_INTX,
};

FIXTURE_SETUP(thin_client)
{
	self->session = self->dev = self->region = self->irq = self->dma = -1;
	self->sock[0] = self->sock[1] = -1;
	self->driver = -1;
	self->sessions = genode_sessions();
	self->resources = genode_resources();
	ASSERT_EQ(0, edu_find(0, &self->edu))
		TH_LOG("no edu device (-device edu) in this VM");
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				self->sock));
}

FIXTURE_TEARDOWN(thin_client)
{
	int status;

	if (self->driver > 0) {
		kill(self->driver, SIGKILL);
		waitpid(self->driver, &status, 0);
	}
	close(self->sock[0]);
	close(self->sock[1]);
	if (self->dma >= 0)
		close(self->dma);
	if (self->irq >= 0)
		close(self->irq);
	if (self->region >= 0)
		close(self->region);
	if (self->dev >= 0)
		close(self->dev);
	close(self->session);
	EXPECT_EQ(self->sessions, genode_sessions());
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(thin_client, driver_under_seccomp_drives_edu)
{
	struct genode_iomem_request rq = {
		.argsz = sizeof(rq), .flags = GENODE_IOMEM_BAR, .bar = 0,
	};
	struct genode_iomem_info ri = { .argsz = sizeof(ri) };
	struct genode_dma_set_mask mask = { .argsz = sizeof(mask), .bits = 28 };
	struct genode_dma_alloc da = {
		.argsz = sizeof(da), .size = DMA_SIZE,
		.cache = GENODE_DMA_CACHED, .fd = -1,
	};
	struct genode_irq_ack ack = { .argsz = sizeof(ack) };
	struct genode_irq_info ii = { .argsz = sizeof(ii) };
	struct genode_info gi = { .argsz = sizeof(gi) };
	struct report r;
	struct msg m;
	uint64_t count;
	uint32_t signals = 0, acks = 0;
	int status, ret, done = 0;

	ASSERT_EQ(0, ioctl(self->session, GENODE_INFO, &gi));
	ASSERT_EQ(GENODE_FEATURE_PCI | GENODE_FEATURE_IOMEM |
		  GENODE_FEATURE_IRQ | GENODE_FEATURE_DMA,
		  gi.features & (GENODE_FEATURE_PCI | GENODE_FEATURE_IOMEM |
				 GENODE_FEATURE_IRQ | GENODE_FEATURE_DMA));

	/* core: the device and its resources */
	self->dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, self->dev) TH_LOG("claim edu: %s", strerror(-self->dev));
	ASSERT_EQ(0, pci_bus_master(self->dev, 1));
	mask.device_fd = self->dev;
	ASSERT_EQ(0, ioctl(self->session, GENODE_DMA_SET_MASK, &mask))
		TH_LOG("DMA mask: %s", strerror(errno));

	rq.device_fd = self->dev;
	ASSERT_EQ(0, ioctl(self->session, GENODE_IOMEM_REQUEST, &rq))
		TH_LOG("BAR0: %s", strerror(errno));
	self->region = rq.fd;
	ASSERT_EQ(0, ioctl(self->region, GENODE_IOMEM_INFO, &ri));
	ASSERT_EQ(1 << 20, ri.size);

	self->irq = genode_irq_open_pci(self->session, self->dev,
					variant->source, 0,
					variant->source == GENODE_IRQ_SOURCE_MSI);
	ASSERT_LE(0, self->irq) TH_LOG("IRQ: %s", strerror(-self->irq));

	da.device_fd = self->dev;
	ASSERT_EQ(0, ioctl(self->session, GENODE_DMA_ALLOC, &da))
		TH_LOG("DMA buffer: %s", strerror(errno));
	self->dma = da.fd;
	ASSERT_NE(0, da.bus_addr);
	/* below edu's 28-bit mask, with or without an IOMMU */
	ASSERT_GE(1ULL << 28, da.bus_addr + DMA_SIZE);

	/* the component */
	self->driver = fork();
	ASSERT_LE(0, self->driver);
	if (!self->driver)
		driver(self->sock[1]);
	close(self->sock[1]);
	self->sock[1] = -1;

	/* its dataspaces */
	m = (struct msg){ .type = MSG_REGION, .a = ri.map_size,
			  .b = ri.page_offset };
	ASSERT_EQ(0, send_msg_fd(self->sock[0], &m, sizeof(m), self->region));
	m = (struct msg){ .type = MSG_DMA, .a = DMA_SIZE, .b = da.bus_addr };
	ASSERT_EQ(0, send_msg_fd(self->sock[0], &m, sizeof(m), self->dma));

	/* the IRQ thread and the ack path, until the driver reports */
	while (!done) {
		struct pollfd p[2] = {
			{ .fd = self->irq, .events = POLLIN },
			{ .fd = self->sock[0], .events = POLLIN },
		};

		ret = poll(p, 2, TIMEOUT_MS * 3);
		ASSERT_LT(0, ret) TH_LOG("neither interrupt nor message");
		if (p[0].revents & POLLIN) {
			ASSERT_EQ(sizeof(count),
				  read(self->irq, &count, sizeof(count)));
			ASSERT_LT(0, count);
			m = (struct msg){ .type = MSG_IRQ, .count = count };
			ASSERT_EQ(0, send_msg_fd(self->sock[0], &m, sizeof(m), -1));
			signals++;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			ASSERT_EQ(0, recv_msg_fd(self->sock[0], &m, sizeof(m),
						 NULL));
			if (m.type == MSG_ACK) {
				ASSERT_EQ(0, ioctl(self->irq, GENODE_IRQ_ACK,
						   &ack));
				acks++;
			} else {
				ASSERT_EQ(MSG_REPORT, m.type);
				ASSERT_EQ(sizeof(r), recv(self->sock[0], &r,
							  sizeof(r), 0));
				done = 1;
			}
		}
	}
	close(self->sock[0]);
	self->sock[0] = -1;
	ASSERT_EQ(self->driver, waitpid(self->driver, &status, 0));
	self->driver = -1;
	ASSERT_TRUE(WIFEXITED(status));

	/* the component was cut off from /dev/genode and its ioctls */
	EXPECT_EQ(0, r.step_failed) TH_LOG("driver gave up at line %d",
					   r.step_failed);
	EXPECT_EQ(0, r.fds_left);
	EXPECT_EQ(0, r.seccomp_ret);
	EXPECT_EQ(FILTER_ERRNO, r.open_errno);
	EXPECT_EQ(FILTER_ERRNO, r.openat_errno);
	EXPECT_EQ(FILTER_ERRNO, r.ioctl_errno);
	EXPECT_EQ(1, r.got_region);
	EXPECT_EQ(1, r.got_dma);

	/* and drove the device through its dataspaces alone */
	EXPECT_EQ(EDU_ID_VALUE, r.ident);
	EXPECT_EQ(~0x12345678u, r.liveness[0]);
	EXPECT_EQ(~0xa5a5a5a5u, r.liveness[1]);
	EXPECT_EQ(3628800, r.fact_polled);
	EXPECT_EQ(479001600, r.fact_irq);
	EXPECT_EQ(EDU_IRQ_FACT, r.irq_cause[0]);
	EXPECT_EQ(EDU_IRQ_DMA, r.irq_cause[1]);
	EXPECT_EQ(EDU_IRQ_DMA, r.irq_cause[2]);
	EXPECT_EQ(0, r.dma_to_dev_cmd & EDU_DMA_START);
	EXPECT_EQ(0, r.dma_to_ram_cmd & EDU_DMA_START);
	EXPECT_EQ(0, r.dma_mismatch);
	EXPECT_EQ(4096 - DMA_LEN, r.dma_untouched);

	/* one signal per interrupt, one ack per signal, as the kernel counts */
	EXPECT_EQ(3, r.irq_signals);
	EXPECT_EQ(3, signals);
	EXPECT_EQ(3, acks);
	ASSERT_EQ(0, ioctl(self->irq, GENODE_IRQ_GET_INFO, &ii));
	EXPECT_EQ(variant->source, ii.source);
	EXPECT_EQ(3, ii.raised);
	EXPECT_EQ(3, ii.delivered);
	EXPECT_EQ(3, ii.acked);
	EXPECT_EQ(0, ii.pending);
}

/*
 * Core revokes a region that a component has mapped (as when the
 * component's IO_MEM session is closed): the component's next access
 * faults with SIGBUS, and nothing is left behind.
 */
TEST_F(thin_client, revoked_region_faults_in_the_driver)
{
	struct genode_iomem_request rq = {
		.argsz = sizeof(rq), .flags = GENODE_IOMEM_BAR, .bar = 0,
	};
	struct genode_iomem_info ri = { .argsz = sizeof(ri) };
	struct genode_revoke rv = { .argsz = sizeof(rv) };
	struct msg m;
	int status;

	self->dev = pci_claim(self->session, &self->edu);
	ASSERT_LE(0, self->dev) TH_LOG("claim edu: %s", strerror(-self->dev));
	rq.device_fd = self->dev;
	ASSERT_EQ(0, ioctl(self->session, GENODE_IOMEM_REQUEST, &rq));
	self->region = rq.fd;
	ASSERT_EQ(0, ioctl(self->region, GENODE_IOMEM_INFO, &ri));

	self->driver = fork();
	ASSERT_LE(0, self->driver);
	if (!self->driver)
		driver_revoked(self->sock[1]);
	close(self->sock[1]);
	self->sock[1] = -1;

	m = (struct msg){ .type = MSG_REGION, .a = ri.map_size,
			  .b = ri.page_offset };
	ASSERT_EQ(0, send_msg_fd(self->sock[0], &m, sizeof(m), self->region));
	ASSERT_EQ(0, recv_msg_fd(self->sock[0], &m, sizeof(m), NULL));
	ASSERT_EQ(MSG_REPORT, m.type);
	EXPECT_EQ(EDU_ID_VALUE, m.count);

	rv.fd = self->region;
	ASSERT_EQ(0, ioctl(self->session, GENODE_REVOKE, &rv));
	m = (struct msg){ .type = MSG_TOUCH };
	ASSERT_EQ(0, send_msg_fd(self->sock[0], &m, sizeof(m), -1));

	ASSERT_EQ(self->driver, waitpid(self->driver, &status, 0));
	self->driver = -1;
	EXPECT_TRUE(WIFSIGNALED(status)) TH_LOG("driver exited with %d",
						WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		EXPECT_EQ(SIGBUS, WTERMSIG(status));
}

TEST_HARNESS_MAIN
