/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550 UART through an IO-port fd (registers of <linux/serial_reg.h>
 * at base + reg): loopback set up and the line status waited for.
 * Every function returns 0 or a value, or a negative errno, and prints
 * nothing.
 */
#ifndef GENODE_TEST_UART_H
#define GENODE_TEST_UART_H

#include <linux/serial_reg.h>

#include "../genode.h"
#include "../timing.h"

#define UART_COM1	0x3f8	/* the console */
#define UART_COM2	0x2f8	/* the test VM's second UART, unused by Linux */
#define UART_PORTS	8

#define UART_FCR_RESET	(UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | \
			 UART_FCR_CLEAR_XMIT)

/* 115200 8N1, FIFOs on and empty, no interrupts, loopback. */
static inline int uart_loopback(int fd, unsigned int base)
{
	int ret = 0;

	ret |= ioport_out(fd, base + UART_IER, 1, 0);
	ret |= ioport_out(fd, base + UART_LCR, 1, UART_LCR_DLAB);
	ret |= ioport_out(fd, base + UART_DLL, 1, 1);
	ret |= ioport_out(fd, base + UART_DLM, 1, 0);
	ret |= ioport_out(fd, base + UART_LCR, 1, UART_LCR_WLEN8);
	ret |= ioport_out(fd, base + UART_FCR, 1, UART_FCR_RESET);
	ret |= ioport_out(fd, base + UART_MCR, 1, UART_MCR_LOOP);
	/* anything left in the receiver */
	for (int i = 0; i < 64 &&
	     (ioport_in(fd, base + UART_LSR, 1) & UART_LSR_DR); i++)
		ioport_in(fd, base + UART_RX, 1);
	return ret ? -EIO : 0;
}

/*
 * The LSR once (LSR & mask) == mask, or the last LSR after timeout_ms;
 * -errno if it cannot be read.
 */
static inline long uart_wait_lsr(int fd, unsigned int base, long mask,
				 unsigned int timeout_ms)
{
	double end = now_s() + timeout_ms / 1e3;
	long lsr;

	do {
		lsr = ioport_in(fd, base + UART_LSR, 1);
		if (lsr < 0 || (lsr & mask) == mask)
			return lsr;
	} while (now_s() < end);
	return lsr;
}

#endif
