/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8254 PIT (ports 0x40-0x43) and its channel 2 gate at 0x61, through
 * IO-port fds.  The kernel holds the PIT ("timer0"): the allow list has to
 * admit it.  Every function returns 0 or a value, or a negative errno, and
 * prints nothing.
 */
#ifndef GENODE_TEST_PIT_H
#define GENODE_TEST_PIT_H

#include "../genode.h"

#define PIT_BASE	0x40
#define PIT_PORTS	4
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61	/* port B: bit 1 the speaker */
#define  PIT_GATE_CH2	0x01
#define  PIT_GATE_OUT2	0x20

/*
 * Program channel 2 in mode with reload (low byte, then high byte,
 * binary) and open its gate, the speaker off.
 */
static inline int pit_ch2_start(int pit, int gate, int mode,
				unsigned int reload)
{
	struct genode_ioport_op ops[] = {
		ioport_op_out(PIT_CMD, 1, 0x80 | 0x30 | mode << 1),
		ioport_op_out(PIT_CH2, 1, reload & 0xff),
		ioport_op_out(PIT_CH2, 1, (reload >> 8) & 0xff),
	};
	long g = ioport_in(gate, PIT_GATE, 1);
	int ret;

	if (g < 0)
		return g;
	ret = ioport_out(gate, PIT_GATE, 1, (g & 0x0c) | PIT_GATE_CH2);
	if (ret)
		return ret;
	return genode_ioport_batch(pit, ops, 3);
}

/* Latch channel 2 and read its count, in one batch: the count, or -errno. */
static inline long pit_ch2_read(int pit)
{
	struct genode_ioport_op ops[] = {
		ioport_op_out(PIT_CMD, 1, 0x80),
		ioport_op_in(PIT_CH2, 1),
		ioport_op_in(PIT_CH2, 1),
	};
	int ret = genode_ioport_batch(pit, ops, 3);

	if (ret)
		return ret;
	return ops[1].value | ops[2].value << 8;
}

#endif
