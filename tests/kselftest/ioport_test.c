// SPDX-License-Identifier: GPL-2.0
/*
 * IO ports: GENODE_IOPORT_REQUEST, pread/pwrite at offset = port,
 * GENODE_IOPORT_BATCH and GENODE_IOPORT_INFO, the allow list, revocation and
 * the privilege policy.
 *
 * The hardware is the test VM's (tests/vm/run.sh): a second 16550 UART at
 * 0x2f8 that Linux leaves alone, and the PIT at 0x40-0x43, which the kernel
 * holds ("timer0"), with its channel 2 gate at 0x61.
 *
 * GENODE_TEST_LOCKDOWN=1 adds a last test that raises the kernel's lockdown
 * to "integrity" (irreversible until reboot) and checks that IO ports are
 * refused then; run it alone, e.g.
 *   make vm-run CMD="GENODE_TEST_LOCKDOWN=1 /tests/ioport_test"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_ioport_request) == 32, "request layout");
_Static_assert(offsetof(struct genode_ioport_request, device_fd) == 24,
	       "request layout");
_Static_assert(offsetof(struct genode_ioport_request, fd) == 16,
	       "request layout");
_Static_assert(sizeof(struct genode_ioport_op) == 8, "op layout");
_Static_assert(offsetof(struct genode_ioport_op, value) == 4, "op layout");
_Static_assert(sizeof(struct genode_ioport_batch) == 24, "batch layout");
_Static_assert(offsetof(struct genode_ioport_batch, ops) == 8, "batch layout");
_Static_assert(offsetof(struct genode_ioport_batch, count) == 16,
	       "batch layout");
_Static_assert(sizeof(struct genode_ioport_info) == 24, "info layout");
_Static_assert(offsetof(struct genode_ioport_info, attrs) == 16,
	       "info layout");

/* ---- GENODE_IOPORT_REQUEST: ownership, policy, bad input ---- */

/*
 * A session, with the allow list emptied for the test (and restored), so
 * that ports the kernel holds are refused.
 */
FIXTURE(request) {
	int session;
	long resources;
	char saved_allow[1024];
};

FIXTURE_SETUP(request)
{
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
	self->resources = genode_resources();
	ASSERT_LE(0, self->resources);
	ASSERT_EQ(0, genode_allow_get(self->saved_allow, sizeof(self->saved_allow)));
	ASSERT_EQ(0, genode_allow_set(""));
}

FIXTURE_TEARDOWN(request)
{
	genode_allow_set(self->saved_allow);
	close(self->session);
}

TEST_F(request, feature_bit_is_reported)
{
	struct genode_info i = { .argsz = sizeof(i) };

	ASSERT_EQ(0, ioctl(self->session, GENODE_INFO, &i));
	EXPECT_TRUE(i.features & GENODE_FEATURE_IOPORT);
}

TEST_F(request, free_range_is_held_as_genode)
{
	struct genode_ioport_info i;
	int fd = -1;

	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	EXPECT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(1, proc_ioports_has("02f8-02ff : genode"));
	EXPECT_EQ(self->resources + 1, genode_resources());

	ASSERT_EQ(0, ioport_info(fd, &i));
	EXPECT_EQ(UART_COM2, i.base);
	EXPECT_EQ(UART_PORTS, i.size);
	EXPECT_EQ(0, i.attrs);

	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(request, range_up_to_the_last_port)
{
	int fd = -1;

	/* inside the PCI bus window 0d00-ffff, which no driver holds */
	ASSERT_EQ(0, ioport_request(self->session, 0xfff8, 8, &fd));
	EXPECT_EQ(1, proc_ioports_has("fff8-ffff : genode"));
	close(fd);
	EXPECT_EQ(0, proc_ioports_has("fff8-ffff : genode"));
}

TEST_F(request, bad_ranges_are_einval)
{
	static const struct { __u32 base, size; } bad[] = {
		{ UART_COM2, 0 },			/* empty */
		{ 0x10000, 1 },			/* base past 0xffff */
		{ 0xfff8, 9 },			/* last port 0x10000 */
		{ 0xffff, 2 },
		{ 0, 0x10001 },
		{ 0xffff, 0xffffffff },		/* base + size overflows */
		{ 0xffffffff, 1 },
		{ 0xffffffff, 0xffffffff },
	};
	unsigned int k;
	int fd = -1;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		EXPECT_EQ(-EINVAL, ioport_request(self->session, bad[k].base,
						  bad[k].size, &fd))
			TH_LOG("base 0x%x size 0x%x", bad[k].base, bad[k].size);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(0, proc_ioports_has(": genode"));
}

TEST_F(request, bad_flags_reserved_and_argsz_are_einval)
{
	struct genode_ioport_request req = {
		.argsz = sizeof(req), .base = UART_COM2, .size = UART_PORTS,
		.device_fd = GENODE_NO_DEVICE,
	};
	unsigned int bit;

	/* every unknown flag (GENODE_IOPORT_BAR: platform_test) */
	for (bit = 0; bit < 32; bit++) {
		req.flags = 1u << bit;
		if (req.flags & GENODE_IOPORT_BAR)
			continue;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flag bit %u", bit);
	}
	req.flags = 0;
	req.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.__reserved = 0;
	/* a range is for no device: GENODE_NO_DEVICE, not fd 0, and no bar */
	req.device_fd = 0;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.device_fd = GENODE_NO_DEVICE;
	req.bar = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.bar = 0;
	req.argsz = offsetof(struct genode_ioport_request, __reserved);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));
}

/* A struct that ends before device_fd (the first ABI's size) is for no device. */
TEST_F(request, argsz_before_device_fd_is_for_no_device)
{
	struct genode_ioport_request req = {
		.argsz = offsetofend(struct genode_ioport_request, __reserved),
		.base = UART_COM2, .size = UART_PORTS, .fd = -1,
	};

	ASSERT_EQ(0, ioctl(self->session, GENODE_IOPORT_REQUEST, &req));
	EXPECT_LE(0, req.fd);
	EXPECT_EQ(1, proc_ioports_has("02f8-02ff : genode"));
	close(req.fd);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(request, unwritable_argument_is_efault_and_holds_nothing)
{
	struct genode_ioport_request *req;
	int fd = -1;

	req = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, req);
	req->argsz = sizeof(*req);
	req->base = UART_COM2;
	req->size = UART_PORTS;
	req->device_fd = GENODE_NO_DEVICE;
	ASSERT_EQ(0, mprotect(req, 4096, PROT_READ));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_REQUEST, req));
	EXPECT_EQ(EFAULT, errno);
	munmap(req, 4096);
	/* no fd was installed and the range is free again */
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	close(fd);
}

TEST_F(request, kernel_held_ports_are_ebusy)
{
	static const struct { __u32 base, size; } held[] = {
		{ PIT_BASE, 4 },		/* the PIT (timer0) */
		{ PIT_BASE + 3, 1 },		/* its last port */
		{ 0x3f8, 8 },		/* the console UART */
		{ 0x3f0, 9 },		/* a range ending in it */
		{ 0x20, 2 },		/* the PIC */
		{ 0xcf8, 8 },		/* PCI conf1 */
		{ 0, 0x10000 },		/* everything */
	};
	unsigned int k;
	int fd = -1;

	for (k = 0; k < sizeof(held) / sizeof(held[0]); k++)
		EXPECT_EQ(-EBUSY, ioport_request(self->session, held[k].base,
						 held[k].size, &fd))
			TH_LOG("0x%x+%u", held[k].base, held[k].size);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(0, proc_ioports_has(": genode"));
	EXPECT_EQ(1, proc_ioports_has("0040-0043 : timer0"));
}

TEST_F(request, allow_list_admits_kernel_held_ports)
{
	struct genode_ioport_info i;
	int fd = -1, fd2 = -1;

	ASSERT_EQ(0, genode_allow_set("io:0x40-0x43"));
	ASSERT_EQ(0, ioport_request(self->session, PIT_BASE, 4, &fd));
	ASSERT_EQ(0, ioport_info(fd, &i));
	EXPECT_EQ(PIT_BASE, i.base);
	EXPECT_EQ(4, i.size);
	EXPECT_EQ(GENODE_IOPORT_ATTR_KERNEL_HELD, i.attrs);
	/* the kernel's entry stays, none of ours is added */
	EXPECT_EQ(1, proc_ioports_has("0040-0043 : timer0"));
	EXPECT_EQ(0, proc_ioports_has(": genode"));

	/* still exclusive among genode resources */
	EXPECT_EQ(-EBUSY, ioport_request(self->session, PIT_BASE + 2, 1, &fd2));

	/* the allow list must hold the whole range */
	close(fd);
	EXPECT_EQ(-EBUSY, ioport_request(self->session, PIT_BASE, 8, &fd2));
	EXPECT_EQ(-EBUSY, ioport_request(self->session, 0x3c, 8, &fd2));
	EXPECT_EQ(0, ioport_request(self->session, PIT_BASE + 1, 2, &fd2));
	close(fd2);

	/* a range the list allows and nobody holds is still ours in /proc */
	ASSERT_EQ(0, genode_allow_set("io:0x2f8-0x2ff"));
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	ASSERT_EQ(0, ioport_info(fd, &i));
	EXPECT_EQ(0, i.attrs);
	EXPECT_EQ(1, proc_ioports_has("02f8-02ff : genode"));
	close(fd);

	/* taking the entry off the list keeps what is held, refuses more */
	ASSERT_EQ(0, genode_allow_set("io:0x40-0x43"));
	ASSERT_EQ(0, ioport_request(self->session, PIT_BASE, 4, &fd));
	ASSERT_EQ(0, genode_allow_set(""));
	EXPECT_LE(0, ioport_in(fd, PIT_CH2, 1));
	close(fd);
	EXPECT_EQ(-EBUSY, ioport_request(self->session, PIT_BASE, 4, &fd));
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(request, held_ranges_are_exclusive)
{
	static const struct { __u32 base, size; } overlapping[] = {
		{ UART_COM2, UART_PORTS },	/* the same */
		{ UART_COM2, 1 },		/* the first port */
		{ UART_COM2 + 7, 1 },	/* the last port */
		{ UART_COM2 + 2, 2 },	/* inside */
		{ UART_COM2 - 8, 9 },	/* overlapping the start */
		{ UART_COM2 + 7, 8 },	/* overlapping the end */
		{ UART_COM2 - 8, 24 },	/* containing it */
	};
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	int fd = -1, fd2 = -1;
	unsigned int k;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	for (k = 0; k < sizeof(overlapping) / sizeof(overlapping[0]); k++) {
		EXPECT_EQ(-EBUSY, ioport_request(other, overlapping[k].base,
						 overlapping[k].size, &fd2))
			TH_LOG("other session: 0x%x+%u", overlapping[k].base,
			       overlapping[k].size);
		EXPECT_EQ(-EBUSY, ioport_request(self->session, overlapping[k].base,
						 overlapping[k].size, &fd2))
			TH_LOG("same session: 0x%x+%u", overlapping[k].base,
			       overlapping[k].size);
	}
	EXPECT_EQ(-1, fd2);
	EXPECT_EQ(self->resources + 1, genode_resources());

	/* adjacent ranges are not overlapping */
	ASSERT_EQ(0, ioport_request(other, UART_COM2 + UART_PORTS, 8, &fd2));
	close(fd2);
	ASSERT_EQ(0, ioport_request(other, UART_COM2 - 8, 8, &fd2));
	close(fd2);

	close(fd);
	ASSERT_EQ(0, ioport_request(other, UART_COM2 + 4, 4, &fd2));
	close(fd2);
	close(other);
	EXPECT_EQ(self->resources, genode_resources());
}

struct race {
	pthread_barrier_t *barrier;
	int rounds;
	int wins;
	int errors;
};

static void *race_request(void *arg)
{
	struct race *r = arg;
	int session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	int i, fd = -1, ret;

	for (i = 0; i < r->rounds; i++) {
		pthread_barrier_wait(r->barrier);
		ret = ioport_request(session, UART_COM2, UART_PORTS, &fd);
		if (!ret)
			r->wins++;
		else if (ret != -EBUSY)
			r->errors++;
		/* everybody has tried before the winner lets go */
		pthread_barrier_wait(r->barrier);
		if (!ret)
			close(fd);
	}
	close(session);
	return NULL;
}

TEST_F(request, concurrent_requests_have_one_winner)
{
	enum { THREADS = 4, ROUNDS = 100 };
	pthread_barrier_t barrier;
	struct race r[THREADS];
	pthread_t th[THREADS];
	int i, wins = 0;

	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, THREADS));
	for (i = 0; i < THREADS; i++) {
		r[i] = (struct race){ .barrier = &barrier, .rounds = ROUNDS };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race_request, &r[i]));
	}
	for (i = 0; i < THREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, r[i].errors);
		wins += r[i].wins;
	}
	EXPECT_EQ(ROUNDS, wins);
	pthread_barrier_destroy(&barrier);
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));
}

/* ---- access: the second UART ---- */

FIXTURE(uart) {
	int session;
	int fd;
	long lcr, mcr, ier;
};

FIXTURE_SETUP(uart)
{
	self->fd = -1;
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &self->fd));
	self->lcr = ioport_in(self->fd, UART_COM2 + UART_LCR, 1);
	self->mcr = ioport_in(self->fd, UART_COM2 + UART_MCR, 1);
	self->ier = ioport_in(self->fd, UART_COM2 + UART_IER, 1);
	ASSERT_LE(0, self->lcr);
	ASSERT_LE(0, self->mcr);
	ASSERT_LE(0, self->ier);
}

FIXTURE_TEARDOWN(uart)
{
	if (self->fd >= 0) {
		ioport_out(self->fd, UART_COM2 + UART_IER, 1, self->ier);
		ioport_out(self->fd, UART_COM2 + UART_MCR, 1, self->mcr);
		ioport_out(self->fd, UART_COM2 + UART_LCR, 1, self->lcr);
		close(self->fd);
	}
	close(self->session);
}

TEST_F(uart, loopback_echoes_bytes)
{
	static const char msg[] = "Genode\x00\xff\x55\xaa";
	long lsr;

	ASSERT_EQ(0, uart_loopback(self->fd, UART_COM2));
	lsr = ioport_in(self->fd, UART_COM2 + UART_LSR, 1);
	EXPECT_EQ(UART_LSR_THRE | UART_LSR_TEMT,
		  lsr & (UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR));

	for (unsigned int k = 0; k < sizeof(msg) - 1; k++) {
		ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_TX, 1,
					(unsigned char)msg[k]));
		lsr = uart_wait_lsr(self->fd, UART_COM2, UART_LSR_DR | UART_LSR_THRE, 1000);
		ASSERT_EQ(UART_LSR_DR | UART_LSR_THRE, lsr & (UART_LSR_DR | UART_LSR_THRE))
			TH_LOG("byte %u: LSR 0x%lx", k, lsr);
		EXPECT_EQ((unsigned char)msg[k],
			  ioport_in(self->fd, UART_COM2 + UART_RX, 1));
		EXPECT_EQ(0, ioport_in(self->fd, UART_COM2 + UART_LSR, 1) & UART_LSR_DR);
	}
}

TEST_F(uart, loopback_fifo_keeps_order)
{
	long lsr;

	ASSERT_EQ(0, uart_loopback(self->fd, UART_COM2));
	for (int k = 0; k < 8; k++)
		ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_TX, 1, 0xa0 + k));
	lsr = uart_wait_lsr(self->fd, UART_COM2, UART_LSR_DR | UART_LSR_TEMT, 1000);
	ASSERT_EQ(UART_LSR_DR | UART_LSR_TEMT, lsr & (UART_LSR_DR | UART_LSR_TEMT));
	for (int k = 0; k < 8; k++) {
		EXPECT_EQ(UART_LSR_DR, ioport_in(self->fd, UART_COM2 + UART_LSR, 1) & UART_LSR_DR);
		EXPECT_EQ(0xa0 + k, ioport_in(self->fd, UART_COM2 + UART_RX, 1));
	}
	EXPECT_EQ(0, ioport_in(self->fd, UART_COM2 + UART_LSR, 1) & UART_LSR_DR);
}

TEST_F(uart, loopback_through_one_batch)
{
	struct genode_ioport_op ops[] = {
		ioport_op_out(UART_COM2 + UART_IER, 1, 0),
		ioport_op_out(UART_COM2 + UART_LCR, 1, UART_LCR_DLAB),
		ioport_op_out(UART_COM2 + UART_DLL, 1, 1),
		ioport_op_out(UART_COM2 + UART_DLM, 1, 0),
		ioport_op_out(UART_COM2 + UART_LCR, 1, UART_LCR_WLEN8),
		ioport_op_out(UART_COM2 + UART_FCR, 1, UART_FCR_RESET),
		ioport_op_out(UART_COM2 + UART_MCR, 1, UART_MCR_LOOP),
		ioport_op_in(UART_COM2 + UART_MCR, 1),
		ioport_op_in(UART_COM2 + UART_LCR, 1),
	};
	struct genode_ioport_op echo[] = {
		ioport_op_out(UART_COM2 + UART_TX, 1, 0x42),
		ioport_op_out(UART_COM2 + UART_TX, 1, 0x24),
	};
	long lsr;

	ASSERT_EQ(0, genode_ioport_batch(self->fd, ops, 9));
	EXPECT_EQ(UART_MCR_LOOP, ops[7].value & 0x1f);
	EXPECT_EQ(UART_LCR_WLEN8, ops[8].value);
	/* OUT elements are left as they were */
	EXPECT_EQ(UART_LCR_DLAB, ops[1].value);
	EXPECT_EQ(GENODE_IOPORT_OUT, ops[1].dir);

	ASSERT_EQ(0, genode_ioport_batch(self->fd, echo, 2));
	lsr = uart_wait_lsr(self->fd, UART_COM2, UART_LSR_DR | UART_LSR_TEMT, 1000);
	ASSERT_EQ(UART_LSR_DR | UART_LSR_TEMT, lsr & (UART_LSR_DR | UART_LSR_TEMT));
	{
		struct genode_ioport_op rx[] = {
			ioport_op_in(UART_COM2 + UART_RX, 1),
			ioport_op_in(UART_COM2 + UART_RX, 1),
			ioport_op_in(UART_COM2 + UART_LSR, 1),
		};

		ASSERT_EQ(0, genode_ioport_batch(self->fd, rx, 3));
		EXPECT_EQ(0x42, rx[0].value);
		EXPECT_EQ(0x24, rx[1].value);
		EXPECT_EQ(0, rx[2].value & UART_LSR_DR);
		EXPECT_EQ(UART_LSR_THRE, rx[2].value & UART_LSR_THRE);
	}
}

TEST_F(uart, scratch_register_all_widths)
{
	/* byte access */
	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x5a));
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0xa5));
	EXPECT_EQ(0xa5, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
	/* a word at 0x2fe covers MSR (0x2fe) and SCR (0x2ff) */
	EXPECT_EQ(0xa5, (ioport_in(self->fd, UART_COM2 + 6, 2) >> 8) & 0xff);
	/* a dword at 0x2fc: MCR, LSR, MSR, SCR */
	EXPECT_EQ(0xa5, (ioport_in(self->fd, UART_COM2 + 4, 4) >> 24) & 0xff);
	/* in a batch, all three widths */
	{
		struct genode_ioport_op ops[] = {
			ioport_op_out(UART_COM2 + UART_SCR, 1, 0x3c),
			ioport_op_in(UART_COM2 + UART_SCR, 1),
			ioport_op_in(UART_COM2 + 6, 2),
			ioport_op_in(UART_COM2 + 4, 4),
		};

		ASSERT_EQ(0, genode_ioport_batch(self->fd, ops, 4));
		EXPECT_EQ(0x3c, ops[1].value);
		EXPECT_EQ(0x3c, ops[2].value >> 8);
		EXPECT_EQ(0x3c, ops[3].value >> 24);
	}
}

TEST_F(uart, bad_accesses_are_einval_and_touch_nothing)
{
	static const struct { unsigned int port; size_t width; } bad[] = {
		{ UART_COM2 + UART_SCR, 3 },		/* width 3 */
		{ UART_COM2, 3 },
		{ UART_COM2, 8 },			/* width 8 */
		{ UART_COM2, 0 },			/* width 0 */
		{ UART_COM2 + 6, 4 },		/* misaligned and past the end */
		{ UART_COM2 + 7, 2 },
		{ UART_COM2 + 1, 2 },		/* misaligned inside */
		{ UART_COM2 + 2, 4 },
		{ UART_COM2 + 5, 2 },
		{ UART_COM2 + 8, 1 },		/* outside */
		{ UART_COM2 - 1, 1 },
		{ UART_COM2 - 8, 4 },
		{ 0x40, 1 },
		{ 0x10000 + UART_COM2 + UART_SCR, 1 },	/* high bits */
		{ 0x3f8 + UART_SCR, 1 },	/* the console's scratch */
	};
	unsigned int k;
	char buf[8];

	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x5a));
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		memset(buf, 0xa5, sizeof(buf));
		errno = 0;
		EXPECT_EQ(-1, pwrite(self->fd, buf, bad[k].width, bad[k].port))
			TH_LOG("pwrite 0x%x width %zu", bad[k].port, bad[k].width);
		EXPECT_EQ(EINVAL, errno);
		errno = 0;
		EXPECT_EQ(-1, pread(self->fd, buf, bad[k].width, bad[k].port))
			TH_LOG("pread 0x%x width %zu", bad[k].port, bad[k].width);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0xa5, (unsigned char)buf[0]);
	}
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));

	/* read() and write() use the file position 0, outside the range */
	errno = 0;
	EXPECT_EQ(-1, write(self->fd, buf, 1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, 1));
	EXPECT_EQ(EINVAL, errno);
	/* and lseek does not move it */
	lseek(self->fd, UART_COM2 + UART_SCR, SEEK_SET);
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
}

TEST_F(uart, bad_buffers_are_efault_and_touch_nothing)
{
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	long lsr;

	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_NE(MAP_FAILED, none);
	ASSERT_EQ(0, uart_loopback(self->fd, UART_COM2));
	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_TX, 1, 0x77));
	lsr = uart_wait_lsr(self->fd, UART_COM2, UART_LSR_DR, 1000);
	ASSERT_EQ(UART_LSR_DR, lsr & UART_LSR_DR);

	/* an IN consumes the byte: it must not happen for a bad buffer */
	errno = 0;
	EXPECT_EQ(-1, pread(self->fd, none, 1, UART_COM2 + UART_RX));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(self->fd, ro, 1, UART_COM2 + UART_RX));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(UART_LSR_DR, ioport_in(self->fd, UART_COM2 + UART_LSR, 1) & UART_LSR_DR);
	EXPECT_EQ(0x77, ioport_in(self->fd, UART_COM2 + UART_RX, 1));

	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x5a));
	errno = 0;
	EXPECT_EQ(-1, pwrite(self->fd, none, 1, UART_COM2 + UART_SCR));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
	munmap(ro, 4096);
	munmap(none, 4096);
}

TEST_F(uart, batch_with_one_bad_op_touches_no_port)
{
	static const struct genode_ioport_op bad[] = {
		{ .port = UART_COM2 + UART_SCR, .width = 3, .dir = GENODE_IOPORT_OUT },
		{ .port = UART_COM2 + UART_SCR, .width = 0, .dir = GENODE_IOPORT_IN },
		{ .port = UART_COM2 + UART_SCR, .width = 8, .dir = GENODE_IOPORT_IN },
		{ .port = UART_COM2 + 8, .width = 1, .dir = GENODE_IOPORT_IN },
		{ .port = UART_COM2 - 1, .width = 1, .dir = GENODE_IOPORT_OUT },
		{ .port = UART_COM2 + 6, .width = 4, .dir = GENODE_IOPORT_IN },
		{ .port = UART_COM2 + 1, .width = 2, .dir = GENODE_IOPORT_IN },
		{ .port = 0x40, .width = 1, .dir = GENODE_IOPORT_IN },
		{ .port = UART_COM2 + UART_SCR, .width = 1, .dir = 2 },
		{ .port = UART_COM2 + UART_SCR, .width = 1, .dir = 0xff },
		/* an OUT value wider than the access */
		{ .port = UART_COM2 + UART_SCR, .width = 1,
		  .dir = GENODE_IOPORT_OUT, .value = 0x100 },
		{ .port = UART_COM2 + 6, .width = 2,
		  .dir = GENODE_IOPORT_OUT, .value = 0x10000 },
	};
	struct genode_ioport_op ops[GENODE_IOPORT_BATCH_MAX];
	unsigned int k, n;

	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x5a));
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		/* the first op would change the scratch register */
		ops[0] = ioport_op_out(UART_COM2 + UART_SCR, 1, 0xa5);
		ops[1] = ioport_op_in(UART_COM2 + UART_SCR, 1);
		ops[1].value = 0xdeadbeef;
		n = 2;
		/* a long batch for some, the bad op last */
		if (k & 1)
			for (; n < GENODE_IOPORT_BATCH_MAX - 1; n++)
				ops[n] = ioport_op_out(UART_COM2 + UART_SCR, 1, n & 0xff);
		ops[n++] = bad[k];
		EXPECT_EQ(-EINVAL, genode_ioport_batch(self->fd, ops, n))
			TH_LOG("bad op %u", k);
		EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1))
			TH_LOG("bad op %u: scratch register changed", k);
		/* nothing written back either */
		EXPECT_EQ(0xdeadbeef, ops[1].value);
	}
}

TEST_F(uart, batch_limits_and_header)
{
	struct genode_ioport_op *ops;
	struct genode_ioport_batch b = { .argsz = sizeof(b) };
	unsigned int n;

	ops = calloc(GENODE_IOPORT_BATCH_MAX + 1, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x5a));
	for (n = 0; n <= GENODE_IOPORT_BATCH_MAX; n++)
		ops[n] = ioport_op_out(UART_COM2 + UART_SCR, 1, 0xa5);

	EXPECT_EQ(-E2BIG, genode_ioport_batch(self->fd, ops, GENODE_IOPORT_BATCH_MAX + 1));
	EXPECT_EQ(-E2BIG, genode_ioport_batch(self->fd, ops, 0xffffffff));
	EXPECT_EQ(-EINVAL, genode_ioport_batch(self->fd, ops, 0));
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));

	b.ops = (uintptr_t)ops;
	b.count = 1;
	for (unsigned int bit = 0; bit < 32; bit++) {
		b.flags = 1u << bit;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, GENODE_IOPORT_BATCH, &b));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flag bit %u", bit);
	}
	b.flags = 0;
	b.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_IOPORT_BATCH, &b));
	EXPECT_EQ(EINVAL, errno);
	b.__reserved = 0;
	b.argsz = offsetof(struct genode_ioport_batch, __reserved);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_IOPORT_BATCH, &b));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));

	/* the largest batch works, and its INs come back */
	for (n = 0; n < GENODE_IOPORT_BATCH_MAX; n++)
		ops[n] = n % 2 ? ioport_op_in(UART_COM2 + UART_SCR, 1) :
				 ioport_op_out(UART_COM2 + UART_SCR, 1, n / 2);
	ASSERT_EQ(0, genode_ioport_batch(self->fd, ops, GENODE_IOPORT_BATCH_MAX));
	for (n = 1; n < GENODE_IOPORT_BATCH_MAX; n += 2)
		ASSERT_EQ(n / 2, ops[n].value) TH_LOG("op %u", n);
	free(ops);
}

TEST_F(uart, batch_bad_pointers_are_efault_and_touch_nothing)
{
	struct genode_ioport_op *ro;

	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x5a));
	EXPECT_EQ(-EFAULT, genode_ioport_batch(self->fd, NULL, 1));
	EXPECT_EQ(-EFAULT, genode_ioport_batch(self->fd, (void *)-4096L, 1));

	/* readable, but the IN's value cannot be written back */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ro[0] = ioport_op_out(UART_COM2 + UART_SCR, 1, 0xa5);
	ro[1] = ioport_op_in(UART_COM2 + UART_SCR, 1);
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-EFAULT, genode_ioport_batch(self->fd, ro, 2));
	EXPECT_EQ(0x5a, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
	/* OUTs only need no writing back */
	EXPECT_EQ(0, genode_ioport_batch(self->fd, ro, 1));
	EXPECT_EQ(0xa5, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
	munmap(ro, 4096);
}

TEST_F(uart, info_and_unknown_ioctls)
{
	struct genode_ioport_info i = { .argsz = sizeof(i), .flags = 1 };

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_IOPORT_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	i.flags = 0;
	i.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_IOPORT_INFO, &i));
	EXPECT_EQ(EINVAL, errno);

	/* session ioctls are not resource ioctls, and vice versa */
	i.__reserved = 0;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, &i));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_INFO, &i));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->session, GENODE_IOPORT_BATCH, &i));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_IOPORT_REQUEST, &i));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, _IO(GENODE_IOCTL_TYPE, 0x1f), &i));
	EXPECT_EQ(ENOTTY, errno);
}

/* ---- the PIT: the seed's stage 1 ---- */

FIXTURE(pit) {
	int session;
	int pit, gate;
	long saved_gate;
	char saved_allow[1024];
};

FIXTURE_SETUP(pit)
{
	self->pit = self->gate = -1;
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, genode_allow_get(self->saved_allow, sizeof(self->saved_allow)));
	ASSERT_EQ(0, genode_allow_set("io:0x40-0x43,io:0x61"));
	ASSERT_EQ(0, ioport_request(self->session, PIT_BASE, 4, &self->pit));
	ASSERT_EQ(0, ioport_request(self->session, PIT_GATE, 1, &self->gate));
	self->saved_gate = ioport_in(self->gate, PIT_GATE, 1);
	ASSERT_LE(0, self->saved_gate);
}

FIXTURE_TEARDOWN(pit)
{
	if (self->gate >= 0) {
		ioport_out(self->gate, PIT_GATE, 1, self->saved_gate & 0x0f);
		close(self->gate);
	}
	if (self->pit >= 0)
		close(self->pit);
	genode_allow_set(self->saved_allow);
	close(self->session);
}

TEST_F(pit, channel2_counter_runs_down_and_reloads)
{
	const unsigned int reload = 0x8000;	/* 27.5 ms */
	unsigned int downs = 0, reloads = 0, n = 0, bad = 0;
	double t, t0, prev_t, span = 0, ticks = 0;
	long v, prev;

	ASSERT_EQ(0, pit_ch2_start(self->pit, self->gate, 2, reload));
	prev = pit_ch2_read(self->pit);
	ASSERT_LE(1, prev);
	t0 = prev_t = now_s();
	/*
	 * Sample until the counter has reloaded a few times.  The bound on
	 * time only ends a counter that does not run; how many samples fit
	 * in a period depends on the host's load, so nothing is asserted
	 * about timing.
	 */
	do {
		usleep(300);
		v = pit_ch2_read(self->pit);
		t = now_s();
		ASSERT_LE(0, v);
		n++;
		if (v < 1 || v > (long)reload)
			bad++;
		if (v < prev) {
			downs++;
			if (t - prev_t < 0.005) {
				span += t - prev_t;
				ticks += prev - v;
			}
		} else if (v > prev) {
			reloads++;
		}
		prev = v;
		prev_t = t;
	} while (reloads < 4 && t - t0 < 10);

	/* the rate is information, not a verdict (see make bench) */
	TH_LOG("%u samples: %u down, %u reloads; about %.0f Hz", n, downs,
	       reloads, span > 0 ? ticks / span : 0);
	/* mode 2 counts from the reload value down to 1 */
	EXPECT_EQ(0, bad);
	/* it reloads, and it runs down between reloads */
	EXPECT_LE(4, reloads);
	EXPECT_LE(reloads, downs);
}

TEST_F(pit, square_wave_toggles_out2)
{
	unsigned int high = 0, low = 0;
	double end;
	long g;

	/* mode 3 at 1 kHz: OUT2 is high for 0.5 ms, then low */
	ASSERT_EQ(0, pit_ch2_start(self->pit, self->gate, 3, 1193));
	/* the bound only ends a wave that never toggles */
	end = now_s() + 10;
	while (now_s() < end && !(high > 10 && low > 10)) {
		g = ioport_in(self->gate, PIT_GATE, 1);
		ASSERT_LE(0, g);
		if (g & PIT_GATE_OUT2)
			high++;
		else
			low++;
		usleep(70);
	}
	TH_LOG("OUT2 high %u times, low %u times", high, low);
	EXPECT_LT(0, high);
	EXPECT_LT(0, low);
}

/* ---- the allow list parameter ---- */

FIXTURE(allow) {
	char saved[1024];
};

FIXTURE_SETUP(allow)
{
	ASSERT_EQ(0, genode_allow_get(self->saved, sizeof(self->saved)));
}

FIXTURE_TEARDOWN(allow)
{
	genode_allow_set(self->saved);
}

TEST_F(allow, valid_lists_read_back_normalized)
{
	static const struct { const char *in, *out; } lists[] = {
		{ "io:0x40-0x43,io:0x61", "io:0x40-0x43,io:0x61-0x61" },
		{ "io:64-67", "io:0x40-0x43" },
		{ " io:0x40-0x43 , mem:0xfd000000-0xfdffffff ",
		  "io:0x40-0x43,mem:0xfd000000-0xfdffffff" },
		{ "io:0xffff", "io:0xffff-0xffff" },
		{ "io:0-0xffff", "io:0x0-0xffff" },
		{ "io:0x40-0x43,,io:0x61", "io:0x40-0x43,io:0x61-0x61" },
		{ "", "" },
	};
	char buf[1024];
	unsigned int k;

	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		ASSERT_EQ(0, genode_allow_set(lists[k].in)) TH_LOG("'%s'", lists[k].in);
		ASSERT_EQ(0, genode_allow_get(buf, sizeof(buf)));
		EXPECT_STREQ(lists[k].out, buf);
	}
}

TEST_F(allow, malformed_lists_are_refused_and_change_nothing)
{
	static const char *const bad[] = {
		"bad:0x40",		/* unknown kind */
		"IO:0x40",
		"io",			/* no range */
		"io:",
		"io:0x43-0x40",		/* end before start */
		"io:0x10000",		/* past the last port */
		"io:0xfff0-0x10000",
		"io:0x40-",
		"io:-0x43",
		"io:0x40x",
		"garbage",
		"io:0x40-0x43,garbage",	/* one bad entry spoils the list */
		"io:0x40-0x43;io:0x61",
		"mem:0x2000-0x1000",
		"io:0x40-0x43-0x50",
	};
	const char *good = "io:0x40-0x43,io:0x61-0x61";
	char buf[1024], many[1024];
	unsigned int k;
	int len = 0;

	ASSERT_EQ(0, genode_allow_set(good));
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		EXPECT_EQ(-EINVAL, genode_allow_set(bad[k])) TH_LOG("'%s'", bad[k]);
		ASSERT_EQ(0, genode_allow_get(buf, sizeof(buf)));
		EXPECT_STREQ(good, buf) TH_LOG("after '%s'", bad[k]);
	}

	/* more entries than the module keeps (32) */
	for (k = 0; k < 33; k++)
		len += snprintf(many + len, sizeof(many) - len, "%sio:%u",
				k ? "," : "", 0x100 + k);
	EXPECT_EQ(-ENOSPC, genode_allow_set(many));
	ASSERT_EQ(0, genode_allow_get(buf, sizeof(buf)));
	EXPECT_STREQ(good, buf);
}

/* ---- revocation and release ---- */

FIXTURE(release) {
	int session;
	long resources;
};

FIXTURE_SETUP(release)
{
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
	self->resources = genode_resources();
	ASSERT_LE(0, self->resources);
}

FIXTURE_TEARDOWN(release)
{
	close(self->session);
}

TEST_F(release, revoked_fd_is_enodev_and_range_is_free)
{
	struct genode_ioport_op op = ioport_op_in(UART_COM2 + UART_SCR, 1);
	struct genode_ioport_info i;
	int fd = -1, fd2 = -1;
	char c = 0;

	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	ASSERT_LE(0, ioport_in(fd, UART_COM2 + UART_SCR, 1));
	ASSERT_EQ(0, genode_revoke(self->session, fd));

	EXPECT_EQ(-ENODEV, ioport_in(fd, UART_COM2 + UART_SCR, 1));
	EXPECT_EQ(-ENODEV, ioport_out(fd, UART_COM2 + UART_SCR, 1, 0));
	EXPECT_EQ(-ENODEV, genode_ioport_batch(fd, &op, 1));
	EXPECT_EQ(-ENODEV, ioport_info(fd, &i));
	errno = 0;
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, genode_revoke(self->session, fd));
	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));

	/* free again while the revoked fd is still open */
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd2));
	EXPECT_EQ(1, proc_ioports_has("02f8-02ff : genode"));
	close(fd);
	EXPECT_LE(0, ioport_in(fd2, UART_COM2 + UART_SCR, 1));
	EXPECT_EQ(1, proc_ioports_has("02f8-02ff : genode"));
	close(fd2);
	EXPECT_EQ(self->resources, genode_resources());
	EXPECT_EQ(0, proc_ioports_has("02f8-02ff : genode"));
}

TEST_F(release, only_the_creating_session_revokes)
{
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	int fd = -1;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	EXPECT_EQ(-EPERM, genode_revoke(other, fd));
	EXPECT_LE(0, ioport_in(fd, UART_COM2 + UART_SCR, 1));
	close(other);
	close(fd);
}

TEST_F(release, close_releases)
{
	int fd = -1;

	for (int k = 0; k < 50; k++) {
		ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd))
			TH_LOG("round %d", k);
		ASSERT_EQ(0, close(fd));
	}
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(release, resource_outlives_its_session)
{
	int fd = -1, fd2 = -1;
	int other = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioport_request(other, UART_COM2, UART_PORTS, &fd));
	close(other);
	/* still held and usable */
	EXPECT_EQ(-EBUSY, ioport_request(self->session, UART_COM2, UART_PORTS, &fd2));
	EXPECT_EQ(0, ioport_out(fd, UART_COM2 + UART_SCR, 1, 0x11));
	EXPECT_EQ(0x11, ioport_in(fd, UART_COM2 + UART_SCR, 1));
	close(fd);
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd2));
	close(fd2);
	EXPECT_EQ(self->resources, genode_resources());
}

TEST_F(release, kill_9_releases)
{
	int pipefd[2], fd = -1;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		int held;

		if (s < 0 || ioport_request(s, UART_COM2, UART_PORTS, &held))
			_exit(1);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);

	EXPECT_EQ(-EBUSY, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	EXPECT_EQ(1, proc_ioports_has("02f8-02ff : genode"));
	ASSERT_EQ(0, child_kill(pid));

	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
	close(fd);
	EXPECT_EQ(self->resources, genode_resources());
}

struct hammer {
	int fd;
	long accesses;
	int bad_errno;
};

static void *hammer_ports(void *arg)
{
	struct hammer *h = arg;
	struct genode_ioport_op ops[2] = {
		ioport_op_out(UART_COM2 + UART_SCR, 1, 0x33),
		ioport_op_in(UART_COM2 + UART_SCR, 1),
	};

	for (;;) {
		long v = ioport_in(h->fd, UART_COM2 + UART_SCR, 1);
		int ret;

		if (v == -ENODEV)
			break;
		if (v < 0) {
			h->bad_errno = -v;
			break;
		}
		ret = genode_ioport_batch(h->fd, ops, 2);
		if (ret == -ENODEV)
			break;
		if (ret) {
			h->bad_errno = -ret;
			break;
		}
		h->accesses++;
	}
	return NULL;
}

TEST_F(release, revoke_during_access)
{
	struct hammer h[3];
	pthread_t th[3];
	int fd = -1, i;

	for (int round = 0; round < 10; round++) {
		ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &fd));
		for (i = 0; i < 3; i++) {
			h[i] = (struct hammer){ .fd = fd };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, hammer_ports,
						    &h[i]));
		}
		usleep(2000);
		ASSERT_EQ(0, genode_revoke(self->session, fd));
		for (i = 0; i < 3; i++) {
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			EXPECT_EQ(0, h[i].bad_errno);
		}
		close(fd);
	}
	EXPECT_EQ(self->resources, genode_resources());
}

/* ---- privilege ---- */

FIXTURE(privilege) {
	int session;
	int fd;
};

FIXTURE_SETUP(privilege)
{
	self->fd = -1;
	self->session = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioport_request(self->session, UART_COM2, UART_PORTS, &self->fd));
}

FIXTURE_TEARDOWN(privilege)
{
	close(self->fd);
	close(self->session);
}

TEST_F(privilege, request_needs_cap_sys_rawio_but_the_fd_carries_it)
{
	int status;
	pid_t pid;

	ASSERT_EQ(1, has_cap_sys_rawio());
	ASSERT_EQ(0, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x21));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int s, fd = -1;

		if (drop_cap_sys_rawio() || has_cap_sys_rawio() != 0)
			_exit(10);
		/* still root: the session opens */
		s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		if (s < 0)
			_exit(11);
		/* a free range, to tell EPERM from EBUSY */
		if (ioport_request(s, UART_COM2 + UART_PORTS, 8, &fd) != -EPERM)
			_exit(12);
		/* the inherited fd is the permission */
		if (ioport_in(self->fd, UART_COM2 + UART_SCR, 1) != 0x21)
			_exit(13);
		if (ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0x12))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: could not drop CAP_SYS_RAWIO, 11: no session, 12: request not EPERM, 13/14: inherited fd refused");
	EXPECT_EQ(0x12, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
}

/*
 * Last, because it cannot be undone: raise lockdown and check that
 * requests and accesses (through an fd obtained before) are refused.
 */
TEST_F(privilege, lockdown_refuses_io_ports)
{
	struct genode_ioport_op op = ioport_op_in(UART_COM2 + UART_SCR, 1);
	int fd = -1, lfd;

	LOCKDOWN_OPEN_OR_SKIP(lfd);
	ASSERT_EQ(0, lockdown_raise(lfd));

	EXPECT_EQ(-EPERM, ioport_request(self->session, UART_COM2 + UART_PORTS, 8, &fd));
	EXPECT_EQ(-EPERM, ioport_in(self->fd, UART_COM2 + UART_SCR, 1));
	EXPECT_EQ(-EPERM, ioport_out(self->fd, UART_COM2 + UART_SCR, 1, 0));
	EXPECT_EQ(-EPERM, genode_ioport_batch(self->fd, &op, 1));
}

TEST_HARNESS_MAIN
