// SPDX-License-Identifier: GPL-2.0
/*
 * IRQ fds of claimed PCI devices:
 *
 *  - edu (QEMU's educational device): INTx and its one MSI vector.  BAR0:
 *    raise an interrupt by writing its bits to 0x60, clear them at 0x64,
 *    read them at 0x24.  With MSI enabled each raise sends one message;
 *    without, INTx is asserted while any bit is set.
 *  - e1000e: MSI-X.  IVAR (0xE4) maps the causes RxQ0 and TxQ0 to
 *    vectors, IMS (0xD0) enables them, a write to ICS (0xC8) raises them,
 *    ICR (0xC0) clears them (write 1).  A cause fires again only once it
 *    was cleared, and not within the vector's throttling interval (see
 *    e1000e_fire()).
 *  - bad requests, and the release of a device with live IRQ fds.
 *
 * MSI and MSI-X are memory writes: nothing arrives unless bus mastering is
 * on, which the fixtures turn on through the device fd.
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
#include <time.h>
#include <unistd.h>

#include "genode_dev.h"
#include "libgenode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

static int request(int session, int dev, __u32 source, __u32 vector,
		   __u32 num_vectors)
{
	return genode_irq_open_pci(session, dev, source, vector, num_vectors);
}

/* The flags (message control) of capability id, or 0. */
static uint32_t cap_flags(int dev, unsigned int id)
{
	unsigned int pos = pci_cfg_read(dev, PCI_CAPABILITY_LIST, 1) & 0xfc;
	int n;

	for (n = 0; pos && n < 48; n++) {
		if (pci_cfg_read(dev, pos, 1) == id)
			return pci_cfg_read(dev, pos + 2, 2);
		pos = pci_cfg_read(dev, pos + 1, 1) & 0xfc;
	}
	return 0;
}

/*
 * A claimed device, with BAR0 mapped through an IO-memory fd
 * (GENODE_IOMEM_REQUEST by BAR); bar is NULL until then and after
 * unmap_bar0().
 */
struct claimed {
	int session;
	int dev;
	int region;
	struct genode_iomem_info info;
	volatile uint32_t *bar;
	long base;
};

static int claim(struct claimed *c, uint16_t vendor, uint16_t device)
{
	struct pci_addr a;
	int ret;

	c->session = -1;
	c->dev = -1;
	c->region = -1;
	c->bar = NULL;
	ret = pci_find(vendor, device, 0, &a);
	if (ret)
		return ret;
	c->session = genode_session_open(NULL);
	if (c->session < 0)
		return c->session;
	c->dev = pci_claim(c->session, &a);
	if (c->dev < 0)
		return c->dev;
	c->region = genode_iomem_request_bar(c->session, c->dev, 0, 0);
	if (c->region < 0)
		return c->region;
	ret = iomem_map(c->region, &c->info, &c->bar);
	if (ret)
		return ret;
	c->base = genode_resources();
	return 0;
}

/* Drop the BAR mapping and its fd, as before a device is revoked. */
static void unmap_bar0(struct claimed *c)
{
	if (c->bar)
		iomem_unmap(c->bar, &c->info);
	c->bar = NULL;
	if (c->region >= 0)
		close(c->region);
	c->region = -1;
}

static void unclaim(struct claimed *c)
{
	unmap_bar0(c);
	if (c->dev >= 0)
		close(c->dev);
	if (c->session >= 0)
		close(c->session);
}

/* ---- edu: INTx ---- */

/*
 * One interrupt raised and taken: masked in the device for the ack, still
 * asserted there, but held back.
 */
static void expect_held_back(struct __test_metadata *_metadata,
			     struct claimed *c, int irq)
{
	EXPECT_TRUE(irq_info_of(irq).state & GENODE_IRQ_STATE_ACK_MASKED);
	EXPECT_EQ(PCI_COMMAND_INTX_DISABLE,
		  pci_cfg_read(c->dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);
	EXPECT_EQ(1, edu_irq_status(c->bar));
	EXPECT_FALSE(irq_readable(irq, 200));
	EXPECT_EQ(1, irq_info_of(irq).raised);
}

FIXTURE(edu_intx) {
	struct claimed c;
	int irq;
};

FIXTURE_SETUP(edu_intx)
{
	int ret;

	self->irq = -1;
	ret = claim(&self->c, EDU_VENDOR, EDU_DEVICE);
	if (ret == -ENODEV && self->c.session < 0)
		SKIP(return, "no edu device (-device edu) in this VM");
	ASSERT_EQ(0, ret) TH_LOG("claiming edu: %s", strerror(-ret));
	ASSERT_EQ(EDU_ID_VALUE, edu_read(self->c.bar, EDU_ID));
	edu_irq_ack(self->c.bar, 0xffffffff);
	self->irq = request(self->c.session, self->c.dev,
			    GENODE_IRQ_SOURCE_INTX, 0, 0);
	ASSERT_LE(0, self->irq) TH_LOG("INTx: %s", strerror(-self->irq));
}

FIXTURE_TEARDOWN(edu_intx)
{
	if (self->c.bar)
		edu_irq_ack(self->c.bar, 0xffffffff);
	if (self->irq >= 0)
		close(self->irq);
	unclaim(&self->c);
}

TEST_F(edu_intx, info)
{
	struct genode_irq_info info = irq_info_of(self->irq);

	EXPECT_EQ(GENODE_IRQ_SOURCE_INTX, info.source);
	EXPECT_EQ(0, info.line);
	EXPECT_EQ(0, info.vector);
	/* masked in the device for the ack, so the line can be shared */
	EXPECT_EQ(GENODE_IRQ_STATE_LEVEL | GENODE_IRQ_STATE_SHARED,
		  info.state);
	EXPECT_NE(0, info.linux_irq);
	EXPECT_EQ(0, info.raised);
	EXPECT_EQ(self->c.base + 1, genode_resources());
	/* INTx is not disabled in the device */
	EXPECT_EQ(0, pci_cfg_read(self->c.dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);
	/* a shared line cannot be masked on its own */
	EXPECT_EQ(-EOPNOTSUPP, genode_irq_mask(self->irq));
	EXPECT_EQ(-EOPNOTSUPP, genode_irq_unmask(self->irq));
}

TEST_F(edu_intx, masked_in_the_device_until_the_ack)
{
	struct genode_irq_info info;

	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	expect_held_back(_metadata, &self->c, self->irq);

	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(0, pci_cfg_read(self->c.dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);
	EXPECT_FALSE(irq_readable(self->irq, 200));
	info = irq_info_of(self->irq);
	EXPECT_EQ(0, info.state & GENODE_IRQ_STATE_ACK_MASKED);
	EXPECT_EQ(1, info.raised);
	EXPECT_EQ(1, info.delivered);
	EXPECT_EQ(1, info.acked);
}

/*
 * INTx Disable is the kernel's: a config write of the command register
 * keeps the bit as it is, whatever the write carries for it.  So a client
 * that writes back the register as it read it before the interrupt
 * (INTx Disable clear) does not unmask the line that the handler masked
 * for the ack, and one that writes it with the bit set does not mask it.
 */
TEST_F(edu_intx, config_write_keeps_the_kernels_intx_disable)
{
	unsigned int cmd = pci_cfg_read(self->c.dev, PCI_COMMAND, 2);
	unsigned int dw = pci_cfg_read(self->c.dev, PCI_COMMAND, 4);
	unsigned int hi = cmd >> 8;

	ASSERT_EQ(0, cmd & PCI_COMMAND_INTX_DISABLE);
	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	ASSERT_EQ(PCI_COMMAND_INTX_DISABLE,
		  pci_cfg_read(self->c.dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);

	/* the stale copies, in every width that covers the bit */
	EXPECT_EQ(0, pci_cfg_write(self->c.dev, PCI_COMMAND, 2, cmd));
	EXPECT_EQ(0, pci_cfg_write(self->c.dev, PCI_COMMAND + 1, 1, hi));
	EXPECT_EQ(0, pci_cfg_write(self->c.dev, PCI_COMMAND, 4,
				   dw & 0xffff));
	/* no second interrupt */
	expect_held_back(_metadata, &self->c, self->irq);

	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(0, pci_cfg_read(self->c.dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);

	/* the bit set in a write does not mask an unmasked line */
	EXPECT_EQ(0, pci_cfg_write(self->c.dev, PCI_COMMAND, 2,
				   cmd | PCI_COMMAND_INTX_DISABLE));
	EXPECT_EQ(0, pci_cfg_read(self->c.dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);
	edu_irq_raise(self->c.bar, 1);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(2, irq_info_of(self->irq).raised);
	/* the other bits of the command register are still checked */
	EXPECT_EQ(-EPERM, pci_cfg_write(self->c.dev, PCI_COMMAND, 2,
					cmd ^ PCI_COMMAND_MEMORY));
}

struct cmd_writer {
	int dev;
	unsigned int cmd;
	volatile bool stop;
	unsigned long writes;
};

static void *cmd_write_thread(void *arg)
{
	struct cmd_writer *w = arg;

	while (!w->stop)
		if (!pci_cfg_write(w->dev, PCI_COMMAND, 2, w->cmd))
			w->writes++;
	return NULL;
}

/*
 * Config writes of the command register (as read before, INTx Disable
 * clear) racing the handler's mask: a write that stored its stale copy
 * after the handler masked would unmask a line the device still asserts,
 * and the handler would count that interrupt twice.
 */
TEST_F_TIMEOUT(edu_intx, config_writes_racing_the_handler, 600)
{
	struct cmd_writer w = {
		.dev = self->c.dev,
		.cmd = pci_cfg_read(self->c.dev, PCI_COMMAND, 2),
	};
	struct genode_irq_info info;
	unsigned int i, n = 2000;
	pthread_t th;

	ASSERT_EQ(0, w.cmd & PCI_COMMAND_INTX_DISABLE);
	ASSERT_EQ(0, pthread_create(&th, NULL, cmd_write_thread, &w));
	for (i = 0; i < n; i++) {
		edu_irq_raise(self->c.bar, 1);
		EXPECT_EQ(1, irq_wait_count(self->irq, 2000)) TH_LOG("cycle %u", i);
		edu_irq_ack(self->c.bar, 1);
		ASSERT_EQ(0, genode_irq_ack(self->irq));
	}
	w.stop = true;
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_FALSE(irq_readable(self->irq, 100));
	info = irq_info_of(self->irq);
	EXPECT_EQ(n, info.raised);
	EXPECT_EQ(n, info.delivered);
	EXPECT_LT(0, w.writes);
	TH_LOG("%lu writes, %llu spurious", w.writes,
	       (unsigned long long)info.spurious);
}

TEST_F(edu_intx, second_raise_before_the_ack_is_delivered_after_it)
{
	struct genode_irq_info info;

	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_raise(self->c.bar, 2);
	EXPECT_FALSE(irq_readable(self->irq, 100));
	/* the first served, the second still pending in the device */
	edu_irq_ack(self->c.bar, 1);
	EXPECT_EQ(2, edu_irq_status(self->c.bar));
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->c.bar, 2);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	info = irq_info_of(self->irq);
	EXPECT_EQ(2, info.raised);
	EXPECT_EQ(2, info.delivered);
	EXPECT_EQ(2, info.acked);
}

/*
 * GENODE_IRQ_ACK_WAIT: the ack and the wait for the next interrupt in one
 * call.  A cause raised while the line was masked for the ack is
 * delivered by the same call that unmasks it.
 */
TEST_F(edu_intx, ack_and_wait_in_one_call)
{
	struct genode_irq_ack ack = { .argsz = sizeof(ack),
				      .flags = GENODE_IRQ_ACK_WAIT };
	struct genode_irq_info info;
	uint64_t count = 0;
	void *ro;

	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	/* served, and the next cause raised while the line is masked */
	edu_irq_ack(self->c.bar, 1);
	edu_irq_raise(self->c.bar, 2);
	EXPECT_FALSE(irq_readable(self->irq, 100));
	ASSERT_EQ(0, genode_irq_ack_wait(self->irq, &count));
	EXPECT_EQ(1, count);
	info = irq_info_of(self->irq);
	EXPECT_EQ(2, info.raised);
	EXPECT_EQ(2, info.delivered);
	EXPECT_EQ(1, info.acked);
	EXPECT_TRUE(info.state & GENODE_IRQ_STATE_ACK_MASKED);

	/* nothing pending on an O_NONBLOCK fd: EAGAIN, after the ack */
	edu_irq_ack(self->c.bar, 2);
	ASSERT_EQ(0, fcntl(self->irq, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, genode_irq_ack_wait(self->irq, &count));
	EXPECT_EQ(2, irq_info_of(self->irq).acked);
	EXPECT_EQ(0, irq_info_of(self->irq).state &
		  GENODE_IRQ_STATE_ACK_MASKED);
	ASSERT_EQ(0, fcntl(self->irq, F_SETFL, 0));

	/* the flag needs room for the count; unknown flags */
	ack.argsz = offsetofend(struct genode_irq_ack, flags);
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_ACK, &ack));
	EXPECT_EQ(EINVAL, errno);
	ack.argsz = sizeof(ack);
	ack.flags = GENODE_IRQ_ACK_WAIT << 1;
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_ACK, &ack));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(2, irq_info_of(self->irq).acked);

	/* a count that cannot be written leaves the interrupt pending */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	memcpy(ro, &(struct genode_irq_ack){ .argsz = sizeof(ack),
					     .flags = GENODE_IRQ_ACK_WAIT },
	       sizeof(ack));
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	edu_irq_raise(self->c.bar, 1);
	ASSERT_TRUE(irq_readable(self->irq, 2000));
	/* served, so that the unmask does not raise it again */
	edu_irq_ack(self->c.bar, 1);
	EXPECT_EQ(-1, ioctl(self->irq, GENODE_IRQ_ACK, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, irq_info_of(self->irq).pending);
	EXPECT_EQ(1, irq_wait_count(self->irq, 0));
	munmap(ro, 4096);
	EXPECT_EQ(0, genode_irq_ack(self->irq));
}

TEST_F(edu_intx, ack_of_an_irq_that_never_fired_is_harmless)
{
	uint64_t one = 1;

	ASSERT_EQ(0, genode_irq_ack(self->irq));
	ASSERT_EQ(8, write(self->irq, &one, sizeof(one)));
	EXPECT_FALSE(irq_readable(self->irq, 50));
	EXPECT_EQ(0, pci_cfg_read(self->c.dev, PCI_COMMAND, 2) &
		  PCI_COMMAND_INTX_DISABLE);

	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 100));
	EXPECT_EQ(3, irq_info_of(self->irq).acked);
	EXPECT_EQ(1, irq_info_of(self->irq).raised);
}

TEST_F_TIMEOUT(edu_intx, cycles_10000, 900)
{
	struct genode_irq_info info;
	unsigned int i, n = 10000;

	for (i = 0; i < n; i++) {
		edu_irq_raise(self->c.bar, 1);
		ASSERT_EQ(1, irq_wait_count(self->irq, 2000)) TH_LOG("cycle %u", i);
		edu_irq_ack(self->c.bar, 1);
		ASSERT_EQ(0, genode_irq_ack(self->irq));
	}
	EXPECT_FALSE(irq_readable(self->irq, 100));
	info = irq_info_of(self->irq);
	EXPECT_EQ(n, info.raised);
	EXPECT_EQ(n, info.delivered);
	EXPECT_EQ(n, info.acked);
	EXPECT_EQ(0, info.pending);
	TH_LOG("%llu spurious", (unsigned long long)info.spurious);
}

TEST_F(edu_intx, one_intx_fd_and_no_msi_beside_it)
{
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_INTX, 0, 0));
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSI, 0, 1));
	EXPECT_EQ(0, cap_flags(self->c.dev, PCI_CAP_ID_MSI) &
		  PCI_MSI_FLAGS_ENABLE);
	EXPECT_EQ(self->c.base + 1, genode_resources());

	/* free again once closed */
	close(self->irq);
	self->irq = request(self->c.session, self->c.dev,
			    GENODE_IRQ_SOURCE_INTX, 0, 0);
	ASSERT_LE(0, self->irq);
}

TEST_F(edu_intx, device_release_turns_it_off_and_wakes_the_reader)
{
	struct irq_reader r = { .fd = self->irq };
	struct genode_irq_info info;
	uint64_t one = 1;
	pthread_t th;
	long before;

	/* masked for the ack when the device goes */
	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	ASSERT_EQ(0, pthread_create(&th, NULL, irq_read_thread, &r));
	msleep(100);
	EXPECT_FALSE(r.done);

	unmap_bar0(&self->c);
	before = genode_resources();
	ASSERT_EQ(0, genode_revoke(self->c.session, self->c.dev));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(ENODEV, r.err);

	errno = 0;
	EXPECT_EQ(-1, write(self->irq, &one, sizeof(one)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, genode_irq_ack(self->irq));
	EXPECT_EQ(-ENODEV, genode_irq_info(self->irq, &info));
	EXPECT_EQ(-ENODEV, genode_irq_set_eventfd(self->irq, -1));
	{
		struct pollfd p = { .fd = self->irq, .events = POLLIN };

		EXPECT_EQ(1, poll(&p, 1, 0));
		EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP));
	}
	/* the fds live on until they are closed */
	EXPECT_EQ(before, genode_resources());
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(before - 1, genode_resources());
}

TEST_F(edu_intx, outlives_a_closed_device_fd)
{
	/* the IRQ fd holds the claim */
	close(self->c.dev);
	self->c.dev = -1;
	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 100));
}

/* Does /dev/kmsg, read from @fd on (opened at its end), hold @text? */
static bool kmsg_has(int fd, const char *text)
{
	char rec[1024];
	ssize_t n;
	bool found = false;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, text))
			found = true;
	}
	return found;
}

/*
 * A claimed device's INTx line is the device's: no session takes it as a
 * legacy GSI, its own holder included.  A line taken as a legacy GSI
 * before the claim makes the INTx request fail, quietly.
 */
TEST(edu_line_of_a_claimed_device_is_not_free)
{
	struct claimed c;
	unsigned int gsi;
	int other, irq, ret;

	ret = claim(&c, EDU_VENDOR, EDU_DEVICE);
	if (ret == -ENODEV && c.session < 0)
		SKIP(return, "no edu device (-device edu) in this VM");
	ASSERT_EQ(0, ret) TH_LOG("claiming edu: %s", strerror(-ret));
	irq = request(c.session, c.dev, GENODE_IRQ_SOURCE_INTX, 0, 0);
	ASSERT_LE(0, irq);
	gsi = irq_info_of(irq).linux_irq;
	/* above the ISA range, Linux numbers an IO-APIC pin by its GSI */
	ASSERT_LE(16, gsi);
	close(irq);

	other = genode_session_open(NULL);
	ASSERT_LE(0, other);
	EXPECT_EQ(-EBUSY, genode_irq_open_line(other, gsi, 0));
	EXPECT_EQ(-EBUSY, genode_irq_open_line(c.session, gsi, 0));
	EXPECT_EQ(c.base, genode_resources());
	/* the holder still has it through INTx */
	irq = request(c.session, c.dev, GENODE_IRQ_SOURCE_INTX, 0, 0);
	EXPECT_LE(0, irq);
	close(irq);
	unclaim(&c);
	close(other);
}

/*
 * A line taken as a legacy GSI before the claim (edu enabled through
 * sysfs, so that the line keeps the attributes the firmware gives it):
 * the claim works, INTx is busy, and the kernel log stays quiet.
 */
TEST(edu_intx_on_a_line_held_as_a_gsi_is_refused_quietly)
{
	struct pci_addr a;
	struct claimed c;
	char enable[128], irqpath[128];
	int other, legacy, kmsg;
	long gsi;

	if (edu_find(0, &a))
		SKIP(return, "no edu device (-device edu) in this VM");
	other = genode_session_open(NULL);
	ASSERT_LE(0, other);
	snprintf(enable, sizeof(enable), "%s/enable", a.dir);
	snprintf(irqpath, sizeof(irqpath), "%s/irq", a.dir);
	ASSERT_EQ(0, sysfs_write(enable, "1"));
	gsi = sysfs_long(irqpath);
	ASSERT_LE(16, gsi);
	legacy = genode_irq_open_line(other, gsi, 0);
	ASSERT_LE(0, legacy) TH_LOG("GSI %u: %s", gsi, strerror(-legacy));
	ASSERT_EQ(0, claim(&c, EDU_VENDOR, EDU_DEVICE));
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	EXPECT_EQ(-EBUSY, request(c.session, c.dev, GENODE_IRQ_SOURCE_INTX, 0, 0));
	EXPECT_FALSE(kmsg_has(kmsg, "genirq"));
	close(kmsg);
	close(legacy);
	unclaim(&c);
	EXPECT_EQ(0, sysfs_write(enable, "0"));
	close(other);
}

/* ---- edu: MSI ---- */

FIXTURE(edu_msi) {
	struct claimed c;
	int irq;
};

FIXTURE_SETUP(edu_msi)
{
	int ret;

	self->irq = -1;
	ret = claim(&self->c, EDU_VENDOR, EDU_DEVICE);
	if (ret == -ENODEV && self->c.session < 0)
		SKIP(return, "no edu device (-device edu) in this VM");
	ASSERT_EQ(0, ret) TH_LOG("claiming edu: %s", strerror(-ret));
	edu_irq_ack(self->c.bar, 0xffffffff);
	ASSERT_EQ(0, genode_pci_set_bus_master(self->c.dev, 1));
	self->irq = request(self->c.session, self->c.dev,
			    GENODE_IRQ_SOURCE_MSI, 0, 1);
	ASSERT_LE(0, self->irq) TH_LOG("MSI: %s", strerror(-self->irq));
}

FIXTURE_TEARDOWN(edu_msi)
{
	if (self->c.bar)
		edu_irq_ack(self->c.bar, 0xffffffff);
	if (self->irq >= 0)
		close(self->irq);
	unclaim(&self->c);
}

TEST_F(edu_msi, info_and_capability)
{
	struct genode_irq_info info = irq_info_of(self->irq);

	EXPECT_EQ(GENODE_IRQ_SOURCE_MSI, info.source);
	EXPECT_EQ(0, info.vector);
	EXPECT_EQ(0, info.state);
	EXPECT_NE(0, info.linux_irq);
	/* the kernel enabled MSI; it is disabled with the last vector fd */
	EXPECT_EQ(PCI_MSI_FLAGS_ENABLE,
		  cap_flags(self->c.dev, PCI_CAP_ID_MSI) & PCI_MSI_FLAGS_ENABLE);
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(0, cap_flags(self->c.dev, PCI_CAP_ID_MSI) &
		  PCI_MSI_FLAGS_ENABLE);
	EXPECT_EQ(self->c.base, genode_resources());
}

TEST_F(edu_msi, no_interrupt_without_bus_mastering)
{
	ASSERT_EQ(0, genode_pci_set_bus_master(self->c.dev, 0));
	edu_irq_raise(self->c.bar, 1);
	EXPECT_FALSE(irq_readable(self->irq, 300));
	EXPECT_EQ(0, irq_info_of(self->irq).raised);
	edu_irq_ack(self->c.bar, 1);

	ASSERT_EQ(0, genode_pci_set_bus_master(self->c.dev, 1));
	edu_irq_raise(self->c.bar, 1);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
}

TEST_F(edu_msi, raise_read_ack)
{
	struct genode_irq_info info;

	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	/* an edge: not masked for the ack */
	EXPECT_EQ(0, irq_info_of(self->irq).state);
	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	info = irq_info_of(self->irq);
	EXPECT_EQ(1, info.raised);
	EXPECT_EQ(1, info.delivered);
	EXPECT_EQ(1, info.acked);
}

TEST_F(edu_msi, second_raise_before_the_ack_is_not_lost)
{
	int k;

	edu_irq_raise(self->c.bar, 1);
	ASSERT_EQ(1, irq_wait_count(self->irq, 2000));
	/* an edge: counted at once, ack or not */
	edu_irq_raise(self->c.bar, 2);
	for (k = 0; k < 2000 && irq_info_of(self->irq).raised < 2; k++)
		msleep(1);
	ASSERT_EQ(2, irq_info_of(self->irq).raised);
	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->c.bar, 2);
	ASSERT_EQ(0, genode_irq_ack(self->irq));
	EXPECT_FALSE(irq_readable(self->irq, 200));
	EXPECT_EQ(2, irq_info_of(self->irq).delivered);
}

TEST_F(edu_msi, mask_holds_an_interrupt_back_and_unmask_delivers_it)
{
	struct genode_irq_info info;

	ASSERT_EQ(0, genode_irq_mask(self->irq));
	EXPECT_EQ(GENODE_IRQ_STATE_USER_MASKED, irq_info_of(self->irq).state);
	edu_irq_raise(self->c.bar, 1);
	EXPECT_FALSE(irq_readable(self->irq, 300));
	EXPECT_EQ(0, irq_info_of(self->irq).raised);
	ASSERT_EQ(0, genode_irq_unmask(self->irq));
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	edu_irq_ack(self->c.bar, 1);
	ASSERT_EQ(0, genode_irq_ack(self->irq));

	/* and unmasked it works on */
	edu_irq_raise(self->c.bar, 1);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	info = irq_info_of(self->irq);
	EXPECT_EQ(2, info.raised);
	EXPECT_EQ(0, info.state);
}

TEST_F_TIMEOUT(edu_msi, cycles_10000, 900)
{
	struct genode_irq_info info;
	unsigned int i, n = 10000;

	for (i = 0; i < n; i++) {
		edu_irq_raise(self->c.bar, 1);
		ASSERT_EQ(1, irq_wait_count(self->irq, 2000)) TH_LOG("cycle %u", i);
		edu_irq_ack(self->c.bar, 1);
		ASSERT_EQ(0, genode_irq_ack(self->irq));
	}
	EXPECT_FALSE(irq_readable(self->irq, 100));
	info = irq_info_of(self->irq);
	EXPECT_EQ(n, info.raised);
	EXPECT_EQ(n, info.delivered);
	EXPECT_EQ(n, info.acked);
}

TEST_F(edu_msi, bad_requests)
{
	int other = genode_session_open(NULL), null_fd = open("/dev/null",
							      O_RDWR);
	struct genode_irq_request req;

	ASSERT_LE(0, other);
	ASSERT_LE(0, null_fd);
	/* a second claim of the vector */
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSI, 0, 0));
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSI, 0, 1));
	/* vector out of range, more vectors than edu has */
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSI, 1, 0));
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSI, 0, 2));
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSI, 1, 0xffffffff));
	/* no MSI-X in edu; INTx not while MSI is on */
	EXPECT_EQ(-EOPNOTSUPP, request(self->c.session, self->c.dev,
				       GENODE_IRQ_SOURCE_MSIX, 0, 1));
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_INTX, 0, 0));
	/* INTx has no vectors */
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_INTX, 1, 0));
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_INTX, 0, 1));
	/* a device fd of another session */
	EXPECT_EQ(-EPERM, request(other, self->c.dev,
				  GENODE_IRQ_SOURCE_MSI, 0, 0));
	EXPECT_EQ(-EPERM, request(other, self->c.dev,
				  GENODE_IRQ_SOURCE_INTX, 0, 0));
	/* no device fd at all */
	EXPECT_EQ(-EBADF, request(self->c.session, GENODE_NO_DEVICE,
				  GENODE_IRQ_SOURCE_MSI, 0, 0));
	EXPECT_EQ(-EINVAL, request(self->c.session, null_fd,
				   GENODE_IRQ_SOURCE_MSI, 0, 0));
	EXPECT_EQ(-EINVAL, request(self->c.session, self->irq,
				   GENODE_IRQ_SOURCE_MSI, 0, 0));

	/* trigger flags and a line are for legacy lines only */
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.source = GENODE_IRQ_SOURCE_MSI;
	req.device_fd = self->c.dev;
	req.flags = GENODE_IRQ_TRIGGER_EDGE;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->c.session, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = GENODE_IRQ_TRIGGER_EDGE | GENODE_IRQ_TRIGGER_LEVEL;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->c.session, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.line = 3;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->c.session, GENODE_IRQ_REQUEST, &req));
	EXPECT_EQ(EINVAL, errno);

	/* none of it changed anything */
	EXPECT_EQ(self->c.base + 1, genode_resources());
	EXPECT_EQ(PCI_MSI_FLAGS_ENABLE,
		  cap_flags(self->c.dev, PCI_CAP_ID_MSI) & PCI_MSI_FLAGS_ENABLE);
	edu_irq_raise(self->c.bar, 1);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
	close(null_fd);
	close(other);
}

TEST_F(edu_msi, vectors_must_be_enabled_first)
{
	close(self->irq);
	self->irq = -1;
	EXPECT_EQ(0, cap_flags(self->c.dev, PCI_CAP_ID_MSI) &
		  PCI_MSI_FLAGS_ENABLE);
	/* none enabled: 0 vectors is no request */
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSI, 0, 0));
	/* INTx works again now */
	self->irq = request(self->c.session, self->c.dev,
			    GENODE_IRQ_SOURCE_INTX, 0, 0);
	ASSERT_LE(0, self->irq);
	edu_irq_raise(self->c.bar, 1);
	EXPECT_EQ(1, irq_wait_count(self->irq, 2000));
}

TEST_F(edu_msi, request_on_a_released_device)
{
	close(self->irq);
	self->irq = -1;
	unmap_bar0(&self->c);
	ASSERT_EQ(0, genode_revoke(self->c.session, self->c.dev));
	EXPECT_EQ(-ENODEV, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSI, 0, 1));
	EXPECT_EQ(-ENODEV, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_INTX, 0, 0));
}

/* ---- e1000e: MSI-X ---- */

FIXTURE(e1000e_msix) {
	struct claimed c;
	int rx, tx;
};

/*
 * Raise cause and return the count read from fd.  QEMU 7.2's e1000e
 * throttles each MSI-X vector (EITR, at least 500 * 256 ns, and 0 cannot
 * be set): a cause raised within that time of the vector's last message
 * is postponed, and once one was, the model sends the vector again at
 * the end of every later throttling interval (its pending flag is never
 * cleared).  So causes are raised well apart, and each is counted exactly.
 */
static int64_t e1000e_fire(struct claimed *c, uint32_t cause, int fd)
{
	int64_t n;

	msleep(2);
	mmio_write32(c->bar, E1000_ICS, cause);
	n = irq_wait_count(fd, 2000);
	mmio_write32(c->bar, E1000_ICR, cause);	/* so that it can fire again */
	return n;
}

/*
 * Before MSI-X is disabled (with the last vector fd): QEMU 7.2's e1000e
 * aborts the whole VM if a vector's throttling timer, armed by each
 * message, runs out after MSI-X was disabled.  So no more causes, and the
 * interval over.
 */
static void e1000e_quiesce(struct claimed *c)
{
	if (c->bar)
		mmio_write32(c->bar, E1000_IMC, 0xffffffff);
	msleep(2);
}

FIXTURE_SETUP(e1000e_msix)
{
	int ret;

	self->rx = -1;
	self->tx = -1;
	ret = claim(&self->c, E1000E_VENDOR, E1000E_DEVICE);
	if (ret == -ENODEV && self->c.session < 0)
		SKIP(return, "no e1000e (-device e1000e) in this VM");
	ASSERT_EQ(0, ret) TH_LOG("claiming e1000e: %s", strerror(-ret));
	ASSERT_EQ(0, genode_pci_set_bus_master(self->c.dev, 1));

	/* vector 0 for RxQ0 and vector 1 for TxQ0, of 5 */
	self->rx = request(self->c.session, self->c.dev,
			   GENODE_IRQ_SOURCE_MSIX, 0, 5);
	ASSERT_LE(0, self->rx) TH_LOG("MSI-X 0: %s", strerror(-self->rx));
	self->tx = request(self->c.session, self->c.dev,
			   GENODE_IRQ_SOURCE_MSIX, 1, 0);
	ASSERT_LE(0, self->tx) TH_LOG("MSI-X 1: %s", strerror(-self->tx));

	mmio_write32(self->c.bar, E1000_IMC, 0xffffffff);
	mmio_write32(self->c.bar, E1000_ICR, 0xffffffff);
	mmio_write32(self->c.bar, E1000_IVAR, 1u << 31 | (8 | 1) << 8 | (8 | 0));
	mmio_write32(self->c.bar, E1000_IMS, E1000_RXQ0 | E1000_TXQ0);
}

FIXTURE_TEARDOWN(e1000e_msix)
{
	e1000e_quiesce(&self->c);
	if (self->rx >= 0)
		close(self->rx);
	if (self->tx >= 0)
		close(self->tx);
	unclaim(&self->c);
}

TEST_F(e1000e_msix, two_vectors_two_fds)
{
	struct genode_irq_info rx, tx;
	unsigned int i, n = 200;

	EXPECT_EQ(PCI_MSIX_FLAGS_ENABLE,
		  cap_flags(self->c.dev, PCI_CAP_ID_MSIX) &
		  PCI_MSIX_FLAGS_ENABLE);
	rx = irq_info_of(self->rx);
	tx = irq_info_of(self->tx);
	EXPECT_EQ(GENODE_IRQ_SOURCE_MSIX, rx.source);
	EXPECT_EQ(0, rx.vector);
	EXPECT_EQ(1, tx.vector);
	EXPECT_NE(rx.linux_irq, tx.linux_irq);

	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, e1000e_fire(&self->c, E1000_RXQ0, self->rx))
			TH_LOG("round %u", i);
		ASSERT_EQ(0, genode_irq_ack(self->rx));
		ASSERT_EQ(1, e1000e_fire(&self->c, E1000_TXQ0, self->tx))
			TH_LOG("round %u", i);
		ASSERT_EQ(0, genode_irq_ack(self->tx));
	}
	/* each went to its own fd only */
	EXPECT_FALSE(irq_readable(self->rx, 100));
	EXPECT_FALSE(irq_readable(self->tx, 0));
	rx = irq_info_of(self->rx);
	tx = irq_info_of(self->tx);
	EXPECT_EQ(n, rx.raised);
	EXPECT_EQ(n, rx.delivered);
	EXPECT_EQ(n, tx.raised);
	EXPECT_EQ(n, tx.delivered);
}

TEST_F(e1000e_msix, per_vector_mask)
{
	ASSERT_EQ(0, genode_irq_mask(self->rx));
	mmio_write32(self->c.bar, E1000_ICS, E1000_RXQ0);
	EXPECT_FALSE(irq_readable(self->rx, 300));
	EXPECT_EQ(0, irq_info_of(self->rx).raised);

	/* the other vector is not affected */
	EXPECT_EQ(1, e1000e_fire(&self->c, E1000_TXQ0, self->tx));

	ASSERT_EQ(0, genode_irq_unmask(self->rx));
	EXPECT_EQ(1, irq_wait_count(self->rx, 2000));
	mmio_write32(self->c.bar, E1000_ICR, E1000_RXQ0);
	EXPECT_EQ(1, e1000e_fire(&self->c, E1000_RXQ0, self->rx));
	EXPECT_EQ(2, irq_info_of(self->rx).raised);
	EXPECT_EQ(1, irq_info_of(self->tx).raised);
}

TEST_F(e1000e_msix, vector_bookkeeping)
{
	/* a second claim of a vector, out of range, other counts */
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSIX, 0, 0));
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSIX, 1, 5));
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSIX, 5, 0));
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSIX, 2, 3));
	EXPECT_EQ(-EINVAL, request(self->c.session, self->c.dev,
				   GENODE_IRQ_SOURCE_MSIX, 2, 6));
	/* not MSI or INTx beside MSI-X */
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_MSI, 0, 1));
	EXPECT_EQ(-EBUSY, request(self->c.session, self->c.dev,
				  GENODE_IRQ_SOURCE_INTX, 0, 0));
	EXPECT_EQ(self->c.base + 2, genode_resources());

	/* one vector closed: the other works on, MSI-X stays enabled */
	close(self->rx);
	self->rx = -1;
	EXPECT_EQ(PCI_MSIX_FLAGS_ENABLE,
		  cap_flags(self->c.dev, PCI_CAP_ID_MSIX) &
		  PCI_MSIX_FLAGS_ENABLE);
	EXPECT_EQ(1, e1000e_fire(&self->c, E1000_TXQ0, self->tx));
	/* and can be had again */
	self->rx = request(self->c.session, self->c.dev,
			   GENODE_IRQ_SOURCE_MSIX, 0, 0);
	ASSERT_LE(0, self->rx);
	EXPECT_EQ(1, e1000e_fire(&self->c, E1000_RXQ0, self->rx));

	/* with the last one MSI-X is disabled */
	e1000e_quiesce(&self->c);
	close(self->rx);
	close(self->tx);
	self->rx = -1;
	self->tx = -1;
	EXPECT_EQ(0, cap_flags(self->c.dev, PCI_CAP_ID_MSIX) &
		  PCI_MSIX_FLAGS_ENABLE);
	EXPECT_EQ(self->c.base, genode_resources());
}

TEST_F(e1000e_msix, device_release_wakes_readers_of_all_vectors)
{
	struct irq_reader r0 = { .fd = self->rx }, r1 = { .fd = self->tx };
	pthread_t t0, t1;
	int again;

	ASSERT_EQ(0, pthread_create(&t0, NULL, irq_read_thread, &r0));
	ASSERT_EQ(0, pthread_create(&t1, NULL, irq_read_thread, &r1));
	msleep(100);
	EXPECT_FALSE(r0.done);
	EXPECT_FALSE(r1.done);

	unmap_bar0(&self->c);
	ASSERT_EQ(0, genode_revoke(self->c.session, self->c.dev));
	ASSERT_EQ(0, pthread_join(t0, NULL));
	ASSERT_EQ(0, pthread_join(t1, NULL));
	EXPECT_EQ(ENODEV, r0.err);
	EXPECT_EQ(ENODEV, r1.err);
	EXPECT_EQ(-ENODEV, genode_irq_mask(self->rx));
	EXPECT_EQ(-ENODEV, genode_irq_set_eventfd(self->tx, -1));

	close(self->rx);
	close(self->tx);
	self->rx = -1;
	self->tx = -1;
	close(self->c.dev);
	self->c.dev = -1;

	/* the device can be claimed again, with MSI-X off */
	{
		struct pci_addr a;

		ASSERT_EQ(0, e1000e_find(&a));
		again = pci_claim(self->c.session, &a);
		ASSERT_LE(0, again) TH_LOG("%s", strerror(-again));
		EXPECT_EQ(0, cap_flags(again, PCI_CAP_ID_MSIX) &
			  PCI_MSIX_FLAGS_ENABLE);
		close(again);
	}
}

/* ---- more vectors than the CPUs have ---- */

#define MANY_VECTORS	1024

/*
 * A function with more MSI-X vectors than the CPUs have interrupt
 * vectors for (the "irq-vectors" boot of tests/vm/configs adds
 * virtio-rng-pci with 1024, which no driver uses): arming one vector fd
 * after the other, the first that finds no CPU vector is ENOSPC (or the
 * enable is, where the kernel allocates them all at once), and closing
 * the fds gives every vector back.
 */
TEST(more_vectors_than_the_cpus_have_is_enospc)
{
	struct rlimit files = { 2 * MANY_VECTORS, 2 * MANY_VECTORS }, old;
	static int fds[MANY_VECTORS];
	struct pci_addr a;
	int s, dev, n = 0, ret;
	long base;

	if (pci_find(0x1af4, 0x1005, 0, &a) && pci_find(0x1af4, 0x1044, 0, &a))
		SKIP(return, "no virtio-rng-pci in this VM (the irq-vectors boot has one)");
	pci_unbind(&a);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &files));
	s = genode_session_open(NULL);
	ASSERT_LE(0, s);
	dev = pci_claim(s, &a);
	ASSERT_LE(0, dev) TH_LOG("claim virtio-rng: %s", strerror(-dev));
	base = genode_resources();

	ret = request(s, dev, GENODE_IRQ_SOURCE_MSIX, 0, MANY_VECTORS);
	while (ret >= 0) {
		fds[n++] = ret;
		if (n == MANY_VECTORS)
			break;
		ret = request(s, dev, GENODE_IRQ_SOURCE_MSIX, n, 0);
	}
	TH_LOG("%d of %d vectors armed, then: %s", n, MANY_VECTORS,
	       n < MANY_VECTORS ? strerror(-ret) : "none left to ask for");
	EXPECT_GT(MANY_VECTORS, n);
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_EQ(base + n, genode_resources());
	while (n)
		close(fds[--n]);
	EXPECT_EQ(base, genode_resources());

	/* all of them back: the first vector's fd again */
	ret = request(s, dev, GENODE_IRQ_SOURCE_MSIX, 0, 1);
	EXPECT_LE(0, ret) TH_LOG("MSI-X 0 again: %s", strerror(-ret));
	if (ret >= 0)
		close(ret);
	close(dev);
	close(s);
	setrlimit(RLIMIT_NOFILE, &old);
}

TEST_HARNESS_MAIN
