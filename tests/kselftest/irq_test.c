// SPDX-License-Identifier: GPL-2.0
/*
 * IRQ fds on legacy lines (GENODE_IRQ_SOURCE_LEGACY):
 *
 *  - com2: the second 16550 UART (0x2f8, ISA IRQ 3 = GSI 3, edge), in
 *    loopback mode with transmit-empty (THRE) interrupts: each time THRE
 *    is enabled (IER bit 1) while the transmitter is empty, the UART raises
 *    one edge.  Linux leaves the port alone (8250.nr_uarts=1).
 *  - edu_line: the INTx pin of QEMU's edu device used as a plain
 *    level-triggered GSI (the device enabled through sysfs, its BAR0
 *    mapped from sysfs): raise at 0x60 asserts the line until the device
 *    is acked at 0x64, which shows the mask-until-ack semantics.
 *  - lines a kernel driver holds, and bad input.
 *
 * COM2 is programmed through an IO-port fd (GENODE_IOPORT_REQUEST) of the
 * same session, as a Genode driver would.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "genode_dev.h"
#include "libgenode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_irq_request) == 32, "irq_request");
_Static_assert(offsetof(struct genode_irq_request, device_fd) == 16,
	       "irq_request");
_Static_assert(offsetof(struct genode_irq_request, fd) == 28, "irq_request");
_Static_assert(sizeof(struct genode_irq_ack) == 16, "irq_ack");
_Static_assert(sizeof(struct genode_irq_set_eventfd) == 16, "set_eventfd");
_Static_assert(sizeof(struct genode_irq_info) == 88, "irq_info");
_Static_assert(offsetof(struct genode_irq_info, raised) == 32, "irq_info");
_Static_assert(offsetof(struct genode_irq_info, pending) == 64, "irq_info");
_Static_assert(sizeof(struct genode_irq_mask) == 8, "irq_mask");

/* ---- helpers ---- */

static int session_open(void)
{
	return open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
}

static int request(int session, __u32 source, __u32 line, __u32 flags)
{
	struct genode_irq_request req = {
		.argsz = sizeof(req),
		.flags = flags,
		.source = source,
		.line = line,
		.device_fd = GENODE_NO_DEVICE,
	};

	if (ioctl(session, GENODE_IRQ_REQUEST, &req))
		return -errno;
	return req.fd;
}

/* An address that faults: a page with no access. */
static void *bad_ptr(void)
{
	static void *p;

	if (!p)
		p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	return p;
}

/* Wait until the handler has taken `raised` interrupts; the count then. */
static uint64_t wait_raised(int fd, uint64_t raised, int ms)
{
	struct genode_irq_info info = irq_info_of(fd);

	while (info.raised < raised && ms-- > 0) {
		msleep(1);
		info = irq_info_of(fd);
	}
	return info.raised;
}

/*
 * The /proc/interrupts line of Linux interrupt irq, or "" if there is
 * none (nothing requested it).
 */
static void proc_interrupts(unsigned int irq, char *line, size_t len)
{
	char buf[512];
	FILE *f = fopen("/proc/interrupts", "r");

	line[0] = 0;
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		unsigned int n;

		if (sscanf(buf, " %u:", &n) == 1 && n == irq) {
			snprintf(line, len, "%s", buf);
			break;
		}
	}
	fclose(f);
}

/* ---- COM2, through an IO-port fd ---- */

#define COM2_GSI	3

/* The IO-port fd of COM2 in this test's process. */
static int com2_io = -1;

static uint8_t com2_in(unsigned int reg)
{
	uint8_t v = 0xff;

	genode_ioport_inb(com2_io, UART_COM2 + reg, &v);
	return v;
}

static void com2_out(unsigned int reg, uint8_t v)
{
	genode_ioport_outb(com2_io, UART_COM2 + reg, v);
}

/* Loopback mode, all interrupts off: an fd, or -errno. */
static int com2_init(int session)
{
	int i;

	com2_io = genode_ioport_open(session, UART_COM2, UART_PORTS);
	if (com2_io < 0)
		return com2_io;
	com2_out(UART_IER, 0);
	com2_out(UART_LCR, 0x03);	/* 8N1, DLAB off */
	/* OUT2 gates the IRQ line on a PC */
	com2_out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	for (i = 0; i < 64 && (com2_in(UART_LSR) & UART_LSR_DR); i++)
		com2_in(UART_RX);
	com2_in(UART_IIR);
	/* the transmitter is empty, or THRE interrupts will not come */
	return (com2_in(UART_LSR) & UART_LSR_THRE) ? 0 : -EIO;
}

static void com2_thre(bool on)
{
	com2_out(UART_IER, on ? UART_IER_THRI : 0);
}

/* One more edge: THRE off (the line drops) and on again. */
static void com2_kick(void)
{
	com2_thre(false);
	com2_thre(true);
}

FIXTURE(com2) {
	int session;
	int irq;
	long base;
};

FIXTURE_SETUP(com2)
{
	int ret;

	self->irq = -1;
	self->session = session_open();
	ASSERT_LE(0, self->session) TH_LOG("open: %s", strerror(errno));
	ret = com2_init(self->session);
	ASSERT_EQ(0, ret) TH_LOG("COM2 at 0x%x: %s", UART_COM2, strerror(-ret));
	/* what the test starts from: the session's IO-port fd */
	self->base = genode_resources();
	ASSERT_LE(0, self->base);
	self->irq = genode_irq_open_line(self->session, COM2_GSI, 0);
	ASSERT_LE(0, self->irq) TH_LOG("GSI %d: %s", COM2_GSI,
				       strerror(-self->irq));
}

FIXTURE_TEARDOWN(com2)
{
	if (com2_io >= 0) {
		com2_thre(false);
		close(com2_io);
	}
	if (self->irq >= 0)
		close(self->irq);
	close(self->session);
}

TEST_F(com2, info_describes_the_line)
{
	struct genode_irq_info info = irq_info_of(self->irq);
	char line[512];

	EXPECT_EQ(sizeof(info), info.argsz);
	EXPECT_EQ(GENODE_IRQ_SOURCE_LEGACY, info.source);
	EXPECT_EQ(COM2_GSI, info.line);
	EXPECT_EQ(0, info.vector);
	/* ISA IRQ 3 is GSI 3 and Linux interrupt 3 on a PC */
	EXPECT_EQ(3, info.linux_irq);
	/* edge: never masked by an interrupt */
	EXPECT_EQ(0, info.state);
	EXPECT_EQ(0, info.raised);
	EXPECT_EQ(0, info.delivered);
	EXPECT_EQ(0, info.acked);
	EXPECT_EQ(0, info.spurious);
	EXPECT_EQ(0, info.pending);
	EXPECT_EQ(self->base + 1, genode_resources());

	proc_interrupts(info.linux_irq, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "genode-gsi3")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "3-edge")) TH_LOG("%s", line);

	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(self->base, genode_resources());
	proc_interrupts(3, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "genode")) TH_LOG("%s", line);
}

TEST_F(com2, counts_each_interrupt)
{
	struct genode_irq_info info;
	unsigned int i;

	com2_thre(true);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, genode_irq_ack(self->irq));
		com2_kick();
		ASSERT_EQ(1, irq_wait_count(self->irq, 2000))
			TH_LOG("kick %u", i);
	}
	/* nothing more comes */
	EXPECT_FALSE(irq_readable(self->irq, 100));
	info = irq_info_of(self->irq);
	EXPECT_EQ(201, info.raised);
	EXPECT_EQ(201, info.delivered);
	EXPECT_EQ(200, info.acked);
	EXPECT_EQ(0, info.pending);
	EXPECT_EQ(0, info.spurious);
}

TEST_F(com2, read_returns_the_count_since_the_last_read)
{
	uint64_t n = 0;
	unsigned int i;

	com2_thre(true);
	ASSERT_EQ(1, wait_raised(self->irq, 1, 2000));
	for (i = 2; i <= 5; i++) {
		com2_kick();
		ASSERT_EQ(i, wait_raised(self->irq, i, 2000));
	}
	EXPECT_EQ(5, irq_info_of(self->irq).pending);
	ASSERT_EQ(sizeof(n), read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(5, n);
	EXPECT_EQ(0, irq_info_of(self->irq).pending);
	EXPECT_EQ(5, irq_info_of(self->irq).delivered);
}

TEST_F(com2, nonblocking_read)
{
	uint64_t n;
	struct pollfd p = { .fd = self->irq, .events = POLLIN | POLLOUT };

	ASSERT_EQ(0, fcntl(self->irq, F_SETFL, O_NONBLOCK));
	errno = 0;
	EXPECT_EQ(-1, read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);
	/* writable (an ack never blocks), not readable */
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);

	com2_thre(true);
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 2000));
	ASSERT_EQ(POLLIN, p.revents);
	ASSERT_EQ(sizeof(n), read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(1, n);
	errno = 0;
	EXPECT_EQ(-1, read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(com2, read_and_write_sizes)
{
	uint64_t buf[2] = { 0, 0 };
	uint64_t one = 1, two = 2;

	errno = 0;
	EXPECT_EQ(-1, read(self->irq, buf, 4));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, read(self->irq, buf, 7));
	EXPECT_EQ(EINVAL, errno);

	com2_thre(true);
	ASSERT_TRUE(irq_readable(self->irq, 2000));
	/* a larger buffer gets 8 bytes */
	buf[1] = 0x5a5a;
	EXPECT_EQ(8, read(self->irq, buf, sizeof(buf)));
	EXPECT_EQ(1, buf[0]);
	EXPECT_EQ(0x5a5a, buf[1]);

	/* the ack: exactly the 8-byte value 1 */
	EXPECT_EQ(8, write(self->irq, &one, sizeof(one)));
	errno = 0;
	EXPECT_EQ(-1, write(self->irq, &two, sizeof(two)));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(self->irq, &one, 4));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(self->irq, buf, 16));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(self->irq, bad_ptr(), 8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, irq_info_of(self->irq).acked);
}

TEST_F(com2, failed_copy_out_keeps_the_count)
{
	uint64_t n = 0;

	com2_thre(true);
	ASSERT_EQ(1, wait_raised(self->irq, 1, 2000));
	errno = 0;
	EXPECT_EQ(-1, read(self->irq, bad_ptr(), sizeof(n)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, irq_info_of(self->irq).pending);
	EXPECT_EQ(0, irq_info_of(self->irq).delivered);
	ASSERT_EQ(sizeof(n), read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(1, n);
}

TEST_F(com2, ack_ioctls)
{
	struct genode_irq_ack ack = { .argsz = sizeof(ack) };
	struct genode_irq_info info = { .argsz = sizeof(info) };
	struct genode_irq_mask mask = { .argsz = sizeof(mask) };

	EXPECT_EQ(0, ioctl(self->irq, GENODE_IRQ_ACK, &ack));
	/* unknown flags (GENODE_IRQ_ACK_WAIT: irq_pci_test) */
	ack.flags = GENODE_IRQ_ACK_WAIT << 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_ACK, &ack));
	EXPECT_EQ(EINVAL, errno);
	ack.flags = 0;
	ack.argsz = 4;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_ACK, &ack));
	EXPECT_EQ(EINVAL, errno);

	info.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.flags = 0;
	info.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.__reserved = 0;
	info.argsz = offsetof(struct genode_irq_info, pending);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);

	mask.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_MASK, &mask));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_UNMASK, &mask));
	EXPECT_EQ(EINVAL, errno);

	/* session ioctls and unknown ones are not IRQ fd ioctls */
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_INFO, &info));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, _IO(GENODE_IOCTL_TYPE, 0x5f), &ack));
	EXPECT_EQ(ENOTTY, errno);

	/* only the one good ack and nothing masked */
	info = irq_info_of(self->irq);
	EXPECT_EQ(1, info.acked);
	EXPECT_EQ(0, info.state);
}

/*
 * GENODE_IRQ_ACK_WAIT blocked on an idle line and a signal: EINTR, and
 * the ack is done (the uapi header); the next interrupt is still counted.
 */
TEST_F(com2, ack_wait_interrupted_by_a_signal_is_eintr)
{
	struct genode_irq_ack ack = { .argsz = sizeof(ack),
				      .flags = GENODE_IRQ_ACK_WAIT };
	struct itimerval t = { .it_value = { .tv_usec = 200 * 1000 } };
	struct sigaction old;

	/* no SA_RESTART: the call must not be restarted behind our back */
	ASSERT_EQ(0, sigalrm_interrupts(&old));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &t, NULL));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_ACK, &ack));
	EXPECT_EQ(EINTR, errno);
	sigaction(SIGALRM, &old, NULL);
	EXPECT_EQ(1, irq_info_of(self->irq).acked);
	EXPECT_EQ(0, irq_info_of(self->irq).delivered);

	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
}

TEST_F(com2, ack_of_an_irq_that_never_fired_is_harmless)
{
	uint64_t one = 1;

	EXPECT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(8, write(self->irq, &one, sizeof(one)));
	EXPECT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(3, irq_info_of(self->irq).acked);
	EXPECT_EQ(0, irq_info_of(self->irq).raised);
	EXPECT_FALSE(irq_readable(self->irq, 50));

	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
}

TEST_F(com2, user_mask_holds_an_interrupt_back)
{
	struct genode_irq_info info;

	ASSERT_EQ(0, genode_irq_mask(self->irq));
	ASSERT_EQ(0, genode_irq_mask(self->irq));	/* no deeper */
	EXPECT_EQ(GENODE_IRQ_STATE_USER_MASKED, irq_info_of(self->irq).state);
	com2_thre(true);
	EXPECT_FALSE(irq_readable(self->irq, 200));
	EXPECT_EQ(0, irq_info_of(self->irq).raised);

	ASSERT_EQ(0, genode_irq_unmask(self->irq));
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	ASSERT_EQ(0, genode_irq_unmask(self->irq));	/* no-op */
	EXPECT_EQ(0, irq_info_of(self->irq).state);

	/* and it works on */
	com2_kick();
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	info = irq_info_of(self->irq);
	EXPECT_EQ(2, info.raised);
	EXPECT_EQ(2, info.delivered);
}

TEST_F(com2, second_request_of_the_line_is_busy)
{
	int other = session_open(), fd;

	ASSERT_LE(0, other);
	EXPECT_EQ(-EBUSY, genode_irq_open_line(self->session, COM2_GSI, 0));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(other, COM2_GSI, 0));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(other, COM2_GSI,
					       GENODE_IRQ_TRIGGER_EDGE |
					       GENODE_IRQ_POLARITY_HIGH));
	EXPECT_EQ(self->base + 1, genode_resources());

	/* the first one still works */
	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));

	/* free again once closed; explicit ISA attributes match */
	close(self->irq);
	self->irq = -1;
	fd = genode_irq_open_line(other, COM2_GSI, GENODE_IRQ_TRIGGER_EDGE |
				  GENODE_IRQ_POLARITY_HIGH);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(-fd));
	com2_kick();
	EXPECT_EQ(1, irq_wait_count(fd, 2000));
	close(fd);
	close(other);
	EXPECT_EQ(self->base, genode_resources());
}

TEST_F(com2, other_trigger_mode_than_the_firmware_is_busy)
{
	char line[512];

	close(self->irq);
	self->irq = -1;
	/* ISA IRQ 3 is edge, active high (no override in the MADT) */
	EXPECT_EQ(-EBUSY, genode_irq_open_line(self->session, COM2_GSI,
					       GENODE_IRQ_TRIGGER_LEVEL));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(self->session, COM2_GSI,
					       GENODE_IRQ_POLARITY_LOW));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(self->session, COM2_GSI,
					       GENODE_IRQ_TRIGGER_LEVEL |
					       GENODE_IRQ_POLARITY_LOW));
	EXPECT_EQ(self->base, genode_resources());

	/* nothing changed: the line is still edge and works */
	self->irq = genode_irq_open_line(self->session, COM2_GSI, 0);
	ASSERT_LE(0, self->irq);
	proc_interrupts(3, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "3-edge")) TH_LOG("%s", line);
	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
}

TEST_F(com2, eventfd_is_signalled_instead)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int null_fd = open("/dev/null", O_RDWR);
	struct genode_irq_set_eventfd set = { .argsz = sizeof(set) };
	struct genode_irq_info info;
	uint64_t n = 0;

	ASSERT_LE(0, efd);
	ASSERT_LE(0, null_fd);

	/* bad input changes nothing */
	set.eventfd = null_fd;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_SET_EVENTFD, &set));
	EXPECT_EQ(EINVAL, errno);
	set.eventfd = 1000;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_SET_EVENTFD, &set));
	EXPECT_EQ(EBADF, errno);
	set.eventfd = -2;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_SET_EVENTFD, &set));
	EXPECT_EQ(EBADF, errno);
	set.eventfd = efd;
	set.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_SET_EVENTFD, &set));
	EXPECT_EQ(EINVAL, errno);
	set.flags = 0;
	set.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_SET_EVENTFD, &set));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, irq_info_of(self->irq).state);

	ASSERT_EQ(0, genode_irq_set_eventfd(self->irq, efd));
	/* the IRQ fd holds its own reference */
	close(efd);
	efd = -1;
	EXPECT_EQ(GENODE_IRQ_STATE_EVENTFD, irq_info_of(self->irq).state);
	ASSERT_EQ(0, fcntl(self->irq, F_SETFL, O_NONBLOCK));

	com2_thre(true);
	ASSERT_EQ(1, wait_raised(self->irq, 1, 2000));
	errno = 0;
	EXPECT_EQ(-1, read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);
	info = irq_info_of(self->irq);
	EXPECT_EQ(1, info.delivered);
	EXPECT_EQ(0, info.pending);

	/* an eventfd attached again, through the library */
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, genode_irq_set_eventfd(self->irq, efd));
	com2_kick();
	ASSERT_EQ(2, wait_raised(self->irq, 2, 2000));
	com2_kick();
	ASSERT_EQ(3, wait_raised(self->irq, 3, 2000));
	ASSERT_EQ(sizeof(n), read(efd, &n, sizeof(n)));
	EXPECT_EQ(2, n);

	/* detached: counted for read() again */
	ASSERT_EQ(0, genode_irq_set_eventfd(self->irq, -1));
	EXPECT_EQ(0, irq_info_of(self->irq).state);
	com2_kick();
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	info = irq_info_of(self->irq);
	EXPECT_EQ(4, info.raised);
	EXPECT_EQ(4, info.delivered);
	errno = 0;
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);

	/* closed with an eventfd attached: the reference is dropped */
	ASSERT_EQ(0, genode_irq_set_eventfd(self->irq, efd));
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(self->base, genode_resources());
	close(efd);
	close(null_fd);
}

/* Other free ISA lines, as quiet IRQ fds beside COM2. */
static int quiet_lines(int session, int *fds, int max)
{
	static const unsigned int lines[] = { 5, 6, 7, 10, 11, 13, 14, 15 };
	unsigned int i;
	int n = 0;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]) && n < max; i++) {
		char line[512];
		int fd;

		proc_interrupts(lines[i], line, sizeof(line));
		if (line[0])	/* some kernel driver has it */
			continue;
		fd = genode_irq_open_line(session, lines[i], 0);
		if (fd >= 0)
			fds[n++] = fd;
	}
	return n;
}

TEST_F(com2, epoll_over_many_irq_fds)
{
	struct epoll_event ev, evs[16];
	int fds[8], nquiet, ep, i, k;
	long base = genode_resources();

	nquiet = quiet_lines(self->session, fds, 8);
	ASSERT_LE(4, nquiet) TH_LOG("only %d free ISA lines", nquiet);
	EXPECT_EQ(base + nquiet, genode_resources());

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	for (i = 0; i < nquiet; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev));
	}
	ev.events = EPOLLIN;
	ev.data.u32 = 100;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->irq, &ev));

	EXPECT_EQ(0, epoll_wait(ep, evs, 16, 100));

	com2_thre(true);
	for (k = 0; k < 20; k++) {
		ASSERT_EQ(1, epoll_wait(ep, evs, 16, 2000)) TH_LOG("round %d", k);
		EXPECT_EQ(100, evs[0].data.u32);
		EXPECT_EQ(EPOLLIN, evs[0].events);
		EXPECT_EQ(1, irq_wait_count(self->irq, 0));
		EXPECT_EQ(0, epoll_wait(ep, evs, 16, 0));
		com2_kick();
	}

	/* revoking one quiet fd wakes epoll with an error for it alone */
	ASSERT_EQ(1, epoll_wait(ep, evs, 16, 2000));
	EXPECT_EQ(1, irq_wait_count(self->irq, 0));
	ASSERT_EQ(0, genode_revoke(self->session, fds[0]));
	ASSERT_EQ(1, epoll_wait(ep, evs, 16, 2000));
	EXPECT_EQ(0, evs[0].data.u32);
	EXPECT_EQ(EPOLLERR | EPOLLHUP, evs[0].events & (EPOLLERR | EPOLLHUP));

	close(ep);
	for (i = 0; i < nquiet; i++) {
		/* fds[0] is revoked */
		if (i)
			EXPECT_EQ(0, irq_info_of(fds[i]).raised);
		close(fds[i]);
	}
	EXPECT_EQ(base, genode_resources());
}

struct blocked_poll {
	int fd;
	volatile int done;
	int ret;
	short revents;
};

static void *poll_thread(void *arg)
{
	struct blocked_poll *b = arg;
	struct pollfd p = { .fd = b->fd, .events = POLLIN };

	b->ret = poll(&p, 1, 10000);
	b->revents = p.revents;
	b->done = 1;
	return NULL;
}

TEST_F(com2, revoke_wakes_a_blocked_reader_with_an_error)
{
	struct irq_reader r = { .fd = self->irq };
	struct blocked_poll p = { .fd = self->irq };
	pthread_t rt, pt;
	uint64_t n, one = 1;
	int other = session_open(), fd;

	ASSERT_EQ(0, pthread_create(&rt, NULL, irq_read_thread, &r));
	ASSERT_EQ(0, pthread_create(&pt, NULL, poll_thread, &p));
	msleep(200);
	EXPECT_FALSE(r.done);
	EXPECT_FALSE(p.done);

	/* only the session that created it may revoke it */
	ASSERT_LE(0, other);
	EXPECT_EQ(-EPERM, genode_revoke(other, self->irq));
	msleep(50);
	EXPECT_FALSE(r.done);

	ASSERT_EQ(0, genode_revoke(self->session, self->irq));
	ASSERT_EQ(0, pthread_join(rt, NULL));
	ASSERT_EQ(0, pthread_join(pt, NULL));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(ENODEV, r.err);
	EXPECT_EQ(1, p.ret);
	EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP));

	/* everything fails now, and the line is free although fd is open */
	errno = 0;
	EXPECT_EQ(-1, read(self->irq, &n, sizeof(n)));
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(-1, write(self->irq, &one, sizeof(one)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, genode_irq_ack(self->irq));
	{
		struct genode_irq_info info;

		EXPECT_EQ(-ENODEV, genode_irq_info(self->irq, &info));
	}
	EXPECT_EQ(-ENODEV, genode_revoke(self->session, self->irq));

	fd = genode_irq_open_line(other, COM2_GSI, 0);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(-fd));
	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(fd, 2000));
	/* the revoked fd saw none of it */
	EXPECT_FALSE(irq_readable(self->irq, 0));
	close(fd);
	close(other);
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(self->base, genode_resources());
}

static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

TEST_F(com2, kill_of_a_process_blocked_in_read)
{
	int pipefd[2], fd, i;
	char c;
	pid_t pid;

	close(self->irq);
	self->irq = -1;
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int s = session_open(), irq;
		uint64_t n;

		irq = s < 0 ? -1 : genode_irq_open_line(s, COM2_GSI, 0);
		if (irq < 0)
			_exit(2);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(3);
		read(irq, &n, sizeof(n));
		_exit(4);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	/* wait until it sleeps in read() */
	for (i = 0; i < 200 && proc_state(pid) != 'S'; i++)
		msleep(5);
	ASSERT_EQ('S', proc_state(pid));
	msleep(50);
	ASSERT_EQ(0, child_kill(pid));

	/* its session and IRQ are gone, and the line is free */
	EXPECT_EQ(self->base, genode_resources());
	fd = genode_irq_open_line(self->session, COM2_GSI, 0);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(-fd));
	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(fd, 2000));
	close(fd);
}

#define READERS 4

struct reader {
	int fd;
	pthread_t th;
	uint64_t total;
	int reads;
	int err;
};

static void *reader_loop(void *arg)
{
	struct reader *r = arg;
	uint64_t n;

	for (;;) {
		if (read(r->fd, &n, sizeof(n)) != sizeof(n)) {
			r->err = errno;
			return NULL;
		}
		r->total += n;
		r->reads++;
	}
}

TEST_F(com2, concurrent_readers_see_each_interrupt_once)
{
	struct reader rd[READERS];
	struct genode_irq_info info;
	unsigned int i, n = 150;
	uint64_t total = 0;
	int k;

	memset(rd, 0, sizeof(rd));
	for (i = 0; i < READERS; i++) {
		rd[i].fd = self->irq;
		ASSERT_EQ(0, pthread_create(&rd[i].th, NULL, reader_loop,
					    &rd[i]));
	}
	msleep(50);
	com2_thre(true);
	ASSERT_EQ(1, wait_raised(self->irq, 1, 2000));
	/* one at a time, each read before the next comes */
	for (i = 2; i <= n + 1; i++) {
		for (k = 0; k < 2000 &&
		     irq_info_of(self->irq).delivered < i - 1; k++)
			msleep(1);
		ASSERT_EQ(i - 1, irq_info_of(self->irq).delivered);
		if (i <= n) {
			com2_kick();
			ASSERT_EQ(i, wait_raised(self->irq, i, 2000));
		}
	}
	info = irq_info_of(self->irq);
	EXPECT_EQ(n, info.raised);
	EXPECT_EQ(n, info.delivered);
	EXPECT_EQ(0, info.pending);

	ASSERT_EQ(0, genode_revoke(self->session, self->irq));
	for (i = 0; i < READERS; i++) {
		ASSERT_EQ(0, pthread_join(rd[i].th, NULL));
		EXPECT_EQ(ENODEV, rd[i].err);
		total += rd[i].total;
		TH_LOG("reader %u: %d reads, %llu interrupts", i, rd[i].reads,
		       (unsigned long long)rd[i].total);
	}
	EXPECT_EQ(n, total);
}

struct storm {
	volatile int stop;
	unsigned long kicks;
};

static void *storm_thread(void *arg)
{
	struct storm *s = arg;

	while (!s->stop) {
		com2_kick();
		s->kicks++;
	}
	return NULL;
}

TEST_F(com2, close_while_an_interrupt_storms)
{
	struct storm storm = { 0 };
	struct reader r = { 0 };
	int64_t stale;
	pthread_t th;
	int i, fd;

	close(self->irq);
	self->irq = -1;
	ASSERT_EQ(0, pthread_create(&th, NULL, storm_thread, &storm));
	for (i = 0; i < 30; i++) {
		fd = genode_irq_open_line(self->session, COM2_GSI, 0);
		ASSERT_LE(0, fd) TH_LOG("round %d: %s", i, strerror(-fd));
		ASSERT_LT(0, irq_wait_count(fd, 2000)) TH_LOG("round %d", i);
		switch (i % 3) {
		case 1:
			ASSERT_EQ(0, genode_revoke(self->session, fd));
			break;
		case 2:
			/* a reader in another thread while it closes */
			r.fd = fd;
			ASSERT_EQ(0, pthread_create(&r.th, NULL, reader_loop,
						    &r));
			msleep(10);
			break;
		}
		close(fd);
		if (i % 3 == 2) {
			ASSERT_EQ(0, pthread_join(r.th, NULL));
			EXPECT_EQ(EBADF, r.err);
		}
	}
	storm.stop = 1;
	ASSERT_EQ(0, pthread_join(th, NULL));
	TH_LOG("%lu edges", storm.kicks);
	EXPECT_EQ(self->base, genode_resources());

	/*
	 * The line works as before.  An edge of the storm's last moments may
	 * have been latched by the interrupt controller while no fd held the
	 * line (seen on the PREEMPT_RT kernel, whose handlers run in
	 * threads): the new holder may get it once, as a spurious interrupt
	 * any driver of an edge line must take.  Then the line is quiet.
	 */
	com2_thre(false);
	fd = genode_irq_open_line(self->session, COM2_GSI, 0);
	ASSERT_LE(0, fd);
	stale = irq_wait_count(fd, 100);
	EXPECT_TRUE(stale == 0 || stale == 1) TH_LOG("%lld", (long long)stale);
	EXPECT_FALSE(irq_readable(fd, 50));
	com2_thre(true);
	EXPECT_EQ(1, irq_wait_count(fd, 2000));
	EXPECT_FALSE(irq_readable(fd, 100));
	close(fd);
}

/* ---- lines that kernel drivers hold ---- */

TEST(lines_of_kernel_drivers_are_busy)
{
	int s = session_open();
	long base = genode_resources();
	char line[512];

	ASSERT_LE(0, s);
	/* the console UART, COM1: ISA IRQ 4 = GSI 4 */
	proc_interrupts(4, line, sizeof(line));
	ASSERT_NE(NULL, strstr(line, "ttyS0")) TH_LOG("IRQ 4: %s", line);
	EXPECT_EQ(-EBUSY, genode_irq_open_line(s, 4, 0));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(s, 4, GENODE_IRQ_TRIGGER_EDGE));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(s, 4, GENODE_IRQ_TRIGGER_LEVEL |
					       GENODE_IRQ_POLARITY_LOW));

	/* the timer: ISA IRQ 0, moved to GSI 2 by the MADT */
	proc_interrupts(0, line, sizeof(line));
	ASSERT_NE(NULL, strstr(line, "timer")) TH_LOG("IRQ 0: %s", line);
	ASSERT_NE(NULL, strstr(line, "2-edge")) TH_LOG("IRQ 0: %s", line);
	EXPECT_EQ(-EBUSY, genode_irq_open_line(s, 2, 0));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(s, 2, GENODE_IRQ_TRIGGER_LEVEL |
					       GENODE_IRQ_POLARITY_LOW));
	EXPECT_EQ(base, genode_resources());

	/* and neither line was reprogrammed */
	proc_interrupts(4, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "4-edge")) TH_LOG("IRQ 4: %s", line);
	EXPECT_EQ(NULL, strstr(line, "genode")) TH_LOG("IRQ 4: %s", line);
	proc_interrupts(0, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "2-edge")) TH_LOG("IRQ 0: %s", line);
	close(s);
}

/*
 * A legacy line below nr_irqs that no IO-APIC pin serves (q35's one
 * IO-APIC has GSIs 0-23, as the boot log says) is ENXIO; the first line
 * at nr_irqs is EINVAL.  Neither leaves anything behind.
 */
TEST(a_line_no_interrupt_controller_serves_is_enxio)
{
	unsigned int first, last, nr;
	long base = genode_resources();
	char line[256];
	const char *p;
	int s;

	ASSERT_EQ(0, kernel_log_find("IOAPIC[0]:", line, sizeof(line)));
	p = strstr(line, "GSI ");
	ASSERT_NE(NULL, p) TH_LOG("%s", line);
	ASSERT_EQ(2, sscanf(p, "GSI %u-%u", &first, &last)) TH_LOG("%s", line);
	if (kernel_log_find("IOAPIC[1]:", line, sizeof(line)) == 0)
		SKIP(return, "more than one IO-APIC: %s", line);
	ASSERT_EQ(0, kernel_log_find("nr_irqs:", line, sizeof(line)));
	p = strstr(line, "nr_irqs:");
	ASSERT_EQ(1, sscanf(p, "nr_irqs: %u", &nr)) TH_LOG("%s", line);
	ASSERT_LT(last + 1, nr);

	s = session_open();
	ASSERT_LE(0, s);
	EXPECT_EQ(-ENXIO, genode_irq_open_line(s, last + 1, 0));
	EXPECT_EQ(-ENXIO, genode_irq_open_line(s, nr - 1, 0));
	EXPECT_EQ(-EINVAL, genode_irq_open_line(s, nr, 0));
	close(s);
	EXPECT_EQ(base, genode_resources());
}

/*
 * A legacy line is the platform's, like an IO port: requesting one needs
 * CAP_SYS_RAWIO, as ioperm(2) does.  In a child without it: the request
 * of COM2's line, which nobody holds, is EPERM and leaves the line free
 * (no /proc/interrupts entry, and root takes it afterwards).
 */
static int legacy_request_without_rawio(void *arg)
{
	int line = *(int *)arg, s, fd;

	if (drop_cap_sys_rawio() || has_cap_sys_rawio() != 0)
		return 200;
	s = session_open();
	if (s < 0)
		return 201;
	fd = genode_irq_open_line(s, line, 0);
	if (fd >= 0)
		return 202;
	return fd == -EPERM ? 0 : -fd;
}

TEST(legacy_lines_need_cap_sys_rawio)
{
	int line = COM2_GSI, status, s, fd;
	long base = genode_resources();
	char irq_line[512];

	status = run_in_child(legacy_request_without_rawio, &line);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("200: CAP_SYS_RAWIO kept, 202: the line was given, else the errno");
	EXPECT_EQ(base, genode_resources());
	proc_interrupts(COM2_GSI, irq_line, sizeof(irq_line));
	EXPECT_EQ(NULL, strstr(irq_line, "genode")) TH_LOG("IRQ 3: %s", irq_line);

	s = session_open();
	ASSERT_LE(0, s);
	fd = genode_irq_open_line(s, COM2_GSI, 0);
	EXPECT_LE(0, fd) TH_LOG("GSI %d: %s", COM2_GSI, strerror(-fd));
	if (fd >= 0)
		close(fd);
	close(s);
}

/*
 * The IRQ fd is the permission: a process without CAP_SYS_RAWIO that
 * inherited it (or got it over SCM_RIGHTS) reads and acks it.
 */
static int inherited_line_without_rawio(void *arg)
{
	int irq = *(int *)arg;

	if (drop_cap_sys_rawio() || has_cap_sys_rawio() != 0)
		return 200;
	if (genode_irq_ack(irq))
		return 1;
	com2_kick();
	if (irq_wait_count(irq, 2000) != 1)
		return 2;
	if (genode_irq_ack(irq))
		return 3;
	return 0;
}

TEST_F(com2, an_inherited_irq_fd_needs_no_cap_sys_rawio)
{
	int status;

	com2_thre(true);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	status = run_in_child(inherited_line_without_rawio, &self->irq);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("1, 3: ack failed, 2: no interrupt, 200: CAP_SYS_RAWIO kept");
	EXPECT_EQ(2, irq_info_of(self->irq).raised);
}

/* ---- bad input ---- */

TEST(bad_requests)
{
	int s = session_open();
	long base = genode_resources();
	struct genode_irq_request req;
	__u32 bit;

	ASSERT_LE(0, s);

	/* unknown source kinds */
	EXPECT_EQ(-EINVAL, request(s, 4, COM2_GSI, 0));
	EXPECT_EQ(-EINVAL, request(s, 0xffffffff, COM2_GSI, 0));
	/* contradicting trigger flags */
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_LEGACY, COM2_GSI,
				   GENODE_IRQ_TRIGGER_EDGE |
				   GENODE_IRQ_TRIGGER_LEVEL));
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_LEGACY, COM2_GSI,
				   GENODE_IRQ_POLARITY_HIGH |
				   GENODE_IRQ_POLARITY_LOW));
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_LEGACY, COM2_GSI,
				   GENODE_IRQ_TRIGGER_EDGE |
				   GENODE_IRQ_TRIGGER_LEVEL |
				   GENODE_IRQ_POLARITY_HIGH));
	/* unknown flags */
	for (bit = 4; bit < 32; bit++)
		EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_LEGACY,
					   COM2_GSI, 1u << bit))
			TH_LOG("flag bit %u", bit);
	/* a line beyond every interrupt number */
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_LEGACY, 0xffffffff, 0));
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_LEGACY, 1u << 20, 0));

	/* fields a legacy line does not use */
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.line = COM2_GSI;
	req.device_fd = GENODE_NO_DEVICE;
	req.vector = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.vector = 0;
	req.num_vectors = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.num_vectors = 0;
	req.device_fd = s;
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	/* "no device" is GENODE_NO_DEVICE; 0 is fd 0 */
	req.device_fd = 0;
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.device_fd = GENODE_NO_DEVICE;

	/* trigger flags are for legacy lines only */
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_MSI, 0,
				   GENODE_IRQ_TRIGGER_EDGE));
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_INTX, 0,
				   GENODE_IRQ_POLARITY_LOW));
	/* and a line number too */
	EXPECT_EQ(-EINVAL, request(s, GENODE_IRQ_SOURCE_MSIX, COM2_GSI, 0));

	/* argsz */
	req.argsz = offsetof(struct genode_irq_request, fd);
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.argsz = 8;
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(s, GENODE_IRQ_REQUEST, NULL));
	EXPECT_EQ(EFAULT, errno);

	EXPECT_EQ(base, genode_resources());
	/* none of it took the line */
	req.argsz = sizeof(req);
	ASSERT_EQ(0, ioctl(s, GENODE_IRQ_REQUEST, &req));
	EXPECT_LE(0, req.fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(req.fd, F_GETFD));
	close(req.fd);
	close(s);
}

TEST(feature_bit)
{
	int s = session_open();
	uint64_t features = 0;

	ASSERT_LE(0, s);
	ASSERT_EQ(0, genode_query_info(s, NULL, &features));
	EXPECT_TRUE(features & GENODE_FEATURE_IRQ);
	close(s);
}

/* ---- a level-triggered line: the edu device's INTx pin as a GSI ---- */

FIXTURE(edu_line) {
	struct pci_addr edu;
	bool enabled;
	volatile uint32_t *bar;
	unsigned int gsi;
	int session;
	int irq;
	long base;
};

FIXTURE_SETUP(edu_line)
{
	char p[300];
	long irq;
	int fd, ret;

	self->irq = -1;
	self->session = -1;
	self->bar = MAP_FAILED;
	self->enabled = false;
	self->base = genode_resources();
	if (edu_find(0, &self->edu))
		SKIP(return, "no edu device (-device edu) in this VM");

	/* memory decoding on, and its INTx routed to a GSI */
	snprintf(p, sizeof(p), "%s/enable", self->edu.dir);
	ret = sysfs_write(p, "1");
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", p, strerror(-ret));
	self->enabled = true;
	snprintf(p, sizeof(p), "%s/irq", self->edu.dir);
	irq = sysfs_long(p);
	/* above the ISA range, Linux numbers an IO-APIC pin by its GSI */
	ASSERT_LE(16, irq) TH_LOG("edu INTx is Linux IRQ %ld", irq);
	self->gsi = irq;

	snprintf(p, sizeof(p), "%s/resource0", self->edu.dir);
	fd = open(p, O_RDWR | O_SYNC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", p, strerror(errno));
	self->bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, self->bar);
	ASSERT_EQ(EDU_ID_VALUE, edu_read(self->bar, EDU_ID));
	edu_irq_ack(self->bar, 0xffffffff);
	ASSERT_EQ(0, edu_irq_status(self->bar));

	self->session = session_open();
	ASSERT_LE(0, self->session);
	self->irq = genode_irq_open_line(self->session, self->gsi, 0);
	ASSERT_LE(0, self->irq) TH_LOG("GSI %u: %s", self->gsi,
				       strerror(-self->irq));
}

FIXTURE_TEARDOWN(edu_line)
{
	if (self->bar != MAP_FAILED) {
		edu_irq_ack(self->bar, 0xffffffff);
		munmap((void *)self->bar, 4096);
	}
	if (self->irq >= 0)
		close(self->irq);
	if (self->session >= 0)
		close(self->session);
	if (self->enabled) {
		char p[160];

		snprintf(p, sizeof(p), "%s/enable", self->edu.dir);
		sysfs_write(p, "0");
	}
}

TEST_F(edu_line, is_level_and_masked_until_the_ack)
{
	struct genode_irq_info info = irq_info_of(self->irq);
	char line[512];

	EXPECT_EQ(GENODE_IRQ_STATE_LEVEL, info.state);
	EXPECT_EQ(self->gsi, info.linux_irq);
	proc_interrupts(self->gsi, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "fasteoi")) TH_LOG("%s", line);

	edu_irq_raise(self->bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	info = irq_info_of(self->irq);
	EXPECT_EQ(GENODE_IRQ_STATE_LEVEL | GENODE_IRQ_STATE_ACK_MASKED,
		  info.state);

	/* the device still asserts the line, but it stays masked */
	EXPECT_EQ(1, edu_irq_status(self->bar));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	EXPECT_EQ(1, irq_info_of(self->irq).raised);

	/* served: the device is acked, then the fd */
	edu_irq_ack(self->bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	info = irq_info_of(self->irq);
	EXPECT_EQ(GENODE_IRQ_STATE_LEVEL, info.state);
	EXPECT_EQ(1, info.raised);
	EXPECT_EQ(1, info.delivered);
	EXPECT_EQ(1, info.acked);
}

TEST_F(edu_line, an_ack_while_the_device_asserts_fires_again)
{
	edu_irq_raise(self->bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	/* acked without serving the device: the line fires again */
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	EXPECT_EQ(2, irq_info_of(self->irq).raised);
	edu_irq_ack(self->bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
}

TEST_F(edu_line, second_raise_before_the_ack_is_delivered_after_it)
{
	struct genode_irq_info info;

	edu_irq_raise(self->bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_raise(self->bar, 2);
	EXPECT_FALSE(irq_readable(self->irq, 100));
	/* the first served, the second still pending in the device */
	edu_irq_ack(self->bar, 1);
	EXPECT_EQ(2, edu_irq_status(self->bar));
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->bar, 2);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(0, edu_irq_status(self->bar));
	info = irq_info_of(self->irq);
	/* both raises delivered, one each, after their acks */
	EXPECT_EQ(2, info.delivered);
	EXPECT_EQ(2, info.acked);
	EXPECT_FALSE(irq_readable(self->irq, 200));
	EXPECT_EQ(2, irq_info_of(self->irq).raised);
}

TEST_F(edu_line, ack_of_an_irq_that_never_fired_is_harmless)
{
	uint64_t one = 1;

	ASSERT_EQ(0, genode_irq_ack(self->irq));
	ASSERT_EQ(8, write(self->irq, &one, sizeof(one)));
	EXPECT_EQ(GENODE_IRQ_STATE_LEVEL, irq_info_of(self->irq).state);
	EXPECT_FALSE(irq_readable(self->irq, 50));

	edu_irq_raise(self->bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 100));
	EXPECT_EQ(4, irq_info_of(self->irq).acked);
	EXPECT_EQ(1, irq_info_of(self->irq).raised);
}

TEST_F(edu_line, user_mask_holds_the_line)
{
	ASSERT_EQ(0, genode_irq_mask(self->irq));
	edu_irq_raise(self->bar, 1);
	EXPECT_FALSE(irq_readable(self->irq, 200));
	EXPECT_EQ(0, irq_info_of(self->irq).raised);
	ASSERT_EQ(0, genode_irq_unmask(self->irq));
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));

	/* masked while masked for the ack: both must be undone */
	ASSERT_EQ(0, genode_irq_mask(self->irq));
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	ASSERT_EQ(0, genode_irq_unmask(self->irq));
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	EXPECT_EQ(2, irq_info_of(self->irq).raised);
}

TEST_F_TIMEOUT(edu_line, cycles, 120)
{
	struct genode_irq_info info;
	unsigned int i, n = 2000;

	for (i = 0; i < n; i++) {
		edu_irq_raise(self->bar, 1);
		ASSERT_EQ(1, irq_wait_count(self->irq, 2000))
			TH_LOG("cycle %u", i);
		edu_irq_ack(self->bar, 1);
		ASSERT_EQ(0, genode_irq_ack(self->irq));
	}
	EXPECT_FALSE(irq_readable(self->irq, 100));
	info = irq_info_of(self->irq);
	EXPECT_EQ(n, info.raised);
	EXPECT_EQ(n, info.delivered);
	EXPECT_EQ(n, info.acked);
	EXPECT_EQ(0, info.pending);
}

/*
 * The handler on one CPU, the driver on another: the ack must not race
 * with an interrupt the line's controller already sent for the assertion
 * just acked in the device.  (A lazily disabled level line is re-delivered
 * as soon as the handler returns and is masked only then; if the driver
 * on the other CPU acks the device and re-arms the line while that
 * re-delivery is still on its way, the handler counts an interrupt the
 * device no longer asserts.)
 */
TEST_F_TIMEOUT(edu_line, cycles_with_the_handler_on_another_cpu, 300)
{
	struct genode_irq_info info;
	unsigned int i, n = 2000;
	char dir[64], aff[128], old[64] = "";
	cpu_set_t set;
	FILE *f;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU only");
	snprintf(dir, sizeof(dir), "/proc/irq/%u", self->gsi);
	snprintf(aff, sizeof(aff), "%s/smp_affinity_list", dir);
	f = fopen(aff, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	ASSERT_EQ(0, sysfs_write(aff, "0"));
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));

	for (i = 0; i < n; i++) {
		edu_irq_raise(self->bar, 1);
		ASSERT_EQ(1, irq_wait_count(self->irq, 2000))
			TH_LOG("cycle %u", i);
		edu_irq_ack(self->bar, 1);
		ASSERT_EQ(0, genode_irq_ack(self->irq));
	}
	EXPECT_FALSE(irq_readable(self->irq, 100));
	info = irq_info_of(self->irq);
	EXPECT_EQ(n, info.raised);
	EXPECT_EQ(n, info.delivered);
	EXPECT_EQ(0, info.pending);
	sysfs_write(aff, old);
}

TEST_F(edu_line, closed_while_masked_and_requested_again)
{
	char line[512];

	edu_irq_raise(self->bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(self->base, genode_resources());
	proc_interrupts(self->gsi, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "genode")) TH_LOG("%s", line);

	/* the device still asserts: a new holder gets the interrupt */
	msleep(100);
	self->irq = genode_irq_open_line(self->session, self->gsi,
					 GENODE_IRQ_TRIGGER_LEVEL);
	ASSERT_LE(0, self->irq) TH_LOG("%s", strerror(-self->irq));
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
}

TEST_F(edu_line, other_trigger_mode_than_the_line_has_is_busy)
{
	close(self->irq);
	self->irq = -1;
	/*
	 * The PCI core mapped the pin level-triggered, with the polarity of
	 * the ACPI link (active high in QEMU's q35): the other polarity and
	 * edge are busy, while the configured attributes work.
	 */
	EXPECT_EQ(-EBUSY, genode_irq_open_line(self->session, self->gsi,
					       GENODE_IRQ_TRIGGER_EDGE));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(self->session, self->gsi,
					       GENODE_IRQ_TRIGGER_LEVEL |
					       GENODE_IRQ_POLARITY_LOW));
	EXPECT_EQ(self->base, genode_resources());
	self->irq = genode_irq_open_line(self->session, self->gsi,
					 GENODE_IRQ_TRIGGER_LEVEL |
					 GENODE_IRQ_POLARITY_HIGH);
	ASSERT_LE(0, self->irq) TH_LOG("%s", strerror(-self->irq));
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(self->base, genode_resources());
}

TEST_HARNESS_MAIN
