// SPDX-License-Identifier: GPL-2.0
/*
 * pit_counter - the seed's stage 1: obtain the PIT's IO ports, program the
 * PIT as a running counter, and repeatedly read the current counter value.
 *
 * Channel 2 of the PIT (ports 0x40-0x43) counts down at 1.193182 MHz once
 * its gate (bit 0 of port 0x61) is open.  The kernel holds the PIT's ports,
 * so the administrator allows them first:
 *
 *   echo io:0x40-0x43,io:0x61 > /sys/module/genode/parameters/allow
 *   pit_counter [READINGS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libgenode_dev.h"

#define PIT_BASE	0x40
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61

#define RELOAD		0xffff	/* 54.9 ms per round */

static int fail(const char *what, int err)
{
	fprintf(stderr, "pit_counter: %s: %s\n", what, strerror(-err));
	if (err == -EBUSY)
		fprintf(stderr, "pit_counter: the kernel holds these ports; "
			"allow them: echo io:0x40-0x43,io:0x61 > "
			"/sys/module/genode/parameters/allow\n");
	return 1;
}

/* Latch channel 2 and read its count, low byte first. */
static int read_counter(int pit, unsigned int *count)
{
	uint8_t lo, hi;
	int ret;

	ret = genode_ioport_outb(pit, PIT_CMD, 0x80);
	if (!ret)
		ret = genode_ioport_inb(pit, PIT_CH2, &lo);
	if (!ret)
		ret = genode_ioport_inb(pit, PIT_CH2, &hi);
	*count = lo | hi << 8;
	return ret;
}

int main(int argc, char **argv)
{
	int readings = argc > 1 ? atoi(argv[1]) : 8;
	int session, pit, gate, ret, i;
	uint8_t gate_bits;

	session = genode_session_open(NULL);
	if (session < 0)
		return fail(GENODE_DEV_PATH, session);
	pit = genode_ioport_open(session, PIT_BASE, 4);
	if (pit < 0)
		return fail("ports 0x40-0x43", pit);
	gate = genode_ioport_open(session, PIT_GATE, 1);
	if (gate < 0)
		return fail("port 0x61", gate);

	/* channel 2, low then high byte, mode 2 (rate generator), binary */
	ret = genode_ioport_outb(pit, PIT_CMD, 0xb4);
	if (!ret)
		ret = genode_ioport_outb(pit, PIT_CH2, RELOAD & 0xff);
	if (!ret)
		ret = genode_ioport_outb(pit, PIT_CH2, RELOAD >> 8);
	/* open the gate, keep the speaker off */
	if (!ret)
		ret = genode_ioport_inb(gate, PIT_GATE, &gate_bits);
	if (!ret)
		ret = genode_ioport_outb(gate, PIT_GATE,
					 (gate_bits & 0x0c) | 0x01);
	if (ret)
		return fail("programming the PIT", ret);

	printf("PIT channel 2: mode 2, reload %u, 1193182 Hz\n", RELOAD);
	for (i = 0; i < readings; i++) {
		struct timespec ts = { .tv_nsec = 7 * 1000 * 1000 };
		unsigned int count;

		ret = read_counter(pit, &count);
		if (ret)
			return fail("reading the counter", ret);
		printf("reading %d: %5u\n", i, count);
		nanosleep(&ts, NULL);
	}

	/* close the gate again; closing the fds releases the ports */
	genode_ioport_outb(gate, PIT_GATE, gate_bits & 0x0c);
	genode_close(gate);
	genode_close(pit);
	genode_close(session);
	return 0;
}
