// SPDX-License-Identifier: GPL-2.0
/*
 * A crash storm: a driver of QEMU's edu, with DMA in flight and MSI
 * firing, killed with SIGKILL at a random moment, 200 times (40 on the
 * debug kernel; GENODE_CRASH_ROUNDS sets it).  After
 * each kill the device must be claimable again, and sessions and
 * resources back where they were; the debug kernel's KASAN, lockdep and
 * kmemleak look at every release.
 *
 * The driver (a child): claim edu, map BAR0, allocate a DMA buffer for it,
 * bus mastering on, MSI on; then in a loop start a transfer from its
 * buffer to the RAM buffer with an interrupt at its end, raise an
 * interrupt of its own, wait for both and acknowledge them.  A transfer
 * still queued at the kill (edu has no reset method) would complete when
 * the next driver turns bus mastering on, into an address the last one
 * had; as the uapi header asks of holders of a device without a reset,
 * each round first drains the device: it claims it (bus mastering off)
 * and waits until edu's DMA command register is idle, so the queued
 * transfer goes nowhere, and ends the quarantine of the killed driver's
 * memory (dma.c) as an administrator would.
 * Behind an IOMMU a transfer that edu runs while the driver's buffer is
 * already unmapped ends in a DMAR fault instead of in freed memory.  Those
 * faults are expected (the log check's markers); anything else in the log
 * still fails the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

/* rounds: GENODE_CRASH_ROUNDS, or these (a debug kernel is 5x slower) */
#define ROUNDS		200
#define ROUNDS_DEBUG	40
#define PAGE		4096

/* The driver: returns only if something failed, with the step. */
static int drive(const struct pci_addr *edu, int ready)
{
	struct genode_iomem_info info;
	volatile uint32_t *regs;
	uint64_t bus, n;
	int s, dev, region, buf, irq;
	struct pollfd p;

	s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (s < 0)
		return 1;
	dev = pci_claim(s, edu);
	if (dev < 0)
		return 2;
	region = edu_map_bar0(s, dev, 0, &info, &regs);
	if (region < 0)
		return 3;
	if (genode_dma_set_mask(s, dev, EDU_DMA_BITS))
		return 4;
	buf = genode_dma_alloc(s, 4 * PAGE, GENODE_DMA_CACHED, dev, &bus,
			       NULL, NULL);
	if (buf < 0)
		return 5;
	if (pci_bus_master(dev, 1))
		return 6;
	irq = genode_irq_open_pci(s, dev, GENODE_IRQ_SOURCE_MSI, 0, 1);
	if (irq < 0)
		return 7;
	/* set up: the parent may kill from now on */
	if (write(ready, "r", 1) != 1)
		return 8;
	p.fd = irq;
	p.events = POLLIN;
	for (;;) {
		edu_dma_to_ram(regs, 0, bus, 2048, EDU_DMA_IRQ);
		edu_irq_raise(regs, EDU_IRQ_FACT);
		if (poll(&p, 1, 2000) == 1 && read(irq, &n, sizeof(n)) == sizeof(n))
			edu_irq_ack(regs, edu_irq_status(regs));
	}
}

FIXTURE(storm) {
	const char *skip;	/* why the test skips, or NULL */
	struct pci_addr edu;
	long sessions, resources;
};

FIXTURE_SETUP(storm)
{
	if (edu_find(0, &self->edu))
		/* the harness runs the body after a SKIP here: it skips */
		self->skip = "no edu device (-device edu) in this VM";
	self->sessions = genode_sessions();
	self->resources = genode_resources();
}

FIXTURE_TEARDOWN(storm)
{
}

/* Does an IOMMU translate edu's DMA?  Its claim's GENODE_PCI_INFO says. */
static bool edu_translated(const struct pci_addr *edu)
{
	struct genode_pci_info info;
	bool translated = false;
	int s, dev;

	s = genode_session_open(NULL);
	if (s < 0)
		return false;
	dev = pci_claim(s, edu);
	if (dev >= 0 && !genode_pci_query_info(dev, &info))
		translated = info.caps & GENODE_PCI_CAP_IOMMU;
	if (dev >= 0)
		close(dev);
	close(s);
	return translated;
}

/*
 * Claim edu with bus mastering off until its DMA engine is idle, and
 * clear the interrupt causes the killed driver left raised.
 */
static int drain(const struct pci_addr *edu)
{
	struct genode_iomem_info info;
	volatile uint32_t *regs;
	int s, dev, region, ret = -ETIMEDOUT;

	s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (s < 0)
		return -errno;
	dev = pci_claim(s, edu);
	if (dev < 0) {
		close(s);
		return dev;
	}
	region = edu_map_bar0(s, dev, 0, &info, &regs);
	if (region >= 0) {
		for (int i = 0; i < 3000 && ret; i++) {
			if (!(edu_dma_cmd(regs) & EDU_DMA_START))
				ret = 0;
			else
				usleep(1000);
		}
		/* with MSI off, a cause left raised asserts INTx: clear it */
		edu_irq_ack(regs, edu_irq_status(regs));
		/* idle: the killed driver's memory need not be kept */
		if (!ret)
			ret = pci_end_quarantine(edu);
		iomem_unmap(regs, &info);
		close(region);
	} else {
		ret = region;
	}
	close(dev);
	close(s);
	return ret;
}

TEST_F_TIMEOUT(storm, kill9_with_dma_in_flight_and_msi_firing, 900)
{
	unsigned int seed = 0x5eed, killed = 0, setup_failed = 0, rounds;
	bool translated;
	const char *e = getenv("GENODE_CRASH_ROUNDS");
	struct utsname u;
	char drv[64];

	if (self->skip)
		SKIP(return, "%s", self->skip);
	uname(&u);
	rounds = e ? strtoul(e, NULL, 0) :
		 strstr(u.release, "-debug") ? ROUNDS_DEBUG : ROUNDS;
	translated = edu_translated(&self->edu);
	if (translated)
		kmsg_note("genode-test: expect DMAR faults begin\n");
	for (unsigned int round = 0; round < rounds; round++) {
		int pipefd[2], status;
		char c;
		pid_t pid;

		ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(pipefd[0]);
			_exit(drive(&self->edu, pipefd[1]));
		}
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) != 1)
			setup_failed++;
		close(pipefd[0]);
		/* somewhere in the loop, or at its very start */
		usleep(rand_r(&seed) % 20000);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			killed++;
		} else {
			EXPECT_TRUE(WIFSIGNALED(status))
				TH_LOG("round %u: the driver stopped at step %d",
				       round, WEXITSTATUS(status));
			break;
		}
		/* all released, the device free again */
		EXPECT_EQ(self->sessions, genode_sessions()) TH_LOG("round %u", round);
		EXPECT_EQ(self->resources, genode_resources()) TH_LOG("round %u", round);
		pci_driver_of(&self->edu, drv, sizeof(drv));
		EXPECT_STREQ("", drv) TH_LOG("round %u", round);
		if (self->resources != genode_resources())
			break;
		EXPECT_EQ(0, drain(&self->edu)) TH_LOG("round %u", round);
	}
	if (translated) {
		/* the fault interrupt's lines come a little after the fault */
		usleep(200 * 1000);
		kmsg_note("genode-test: expect DMAR faults end\n");
	}
	EXPECT_EQ(0, setup_failed);
	EXPECT_EQ(rounds, killed);
	TH_LOG("%u drivers killed with DMA in flight", killed);
}

TEST_HARNESS_MAIN
