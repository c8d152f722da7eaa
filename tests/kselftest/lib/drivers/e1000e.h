/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's e1000e (hw/net/e1000e.c, an 82574L): its ids and the registers
 * the tests use.  In the test VM no Linux driver takes it, so it is the
 * function with MSI-X, an IO BAR, a PM reset and PCI Express extended
 * capabilities (AER, DSN).  BAR 0 is MMIO; BAR 2 the IO window (IOADDR at
 * +0 selects a register, IODATA at +4 reads or writes it); BAR 3 the
 * MSI-X table.  MSI-X: IVAR maps the causes RxQ0 and TxQ0 to vectors, IMS
 * enables them, a write to ICS raises them, ICR clears them (write 1).
 * Every function returns 0 or a value, or a negative errno, and prints
 * nothing.
 */
#ifndef GENODE_TEST_E1000E_H
#define GENODE_TEST_E1000E_H

#include "../pci.h"

#define E1000E_VENDOR	0x8086
#define E1000E_DEVICE	0x10d3
#define E1000E_IO_BAR	2

/* BAR 0 */
#define E1000_CTRL	0x00
#define E1000_STATUS	0x08
#define E1000_ICR	0xc0
#define E1000_ICS	0xc8
#define E1000_IMS	0xd0
#define E1000_IMC	0xd8
#define E1000_IVAR	0xe4
#define E1000_RXQ0	(1u << 20)
#define E1000_TXQ0	(1u << 22)
#define E1000_ICR_TXDW	(1u << 0)	/* a descriptor was written back */
#define E1000_STATUS_LU	(1u << 1)	/* link up */

/*
 * Transmit: a ring of legacy descriptors at TDBAL/TDBAH, TDLEN bytes (a
 * multiple of 128); a write of TDT makes QEMU fetch and send every
 * descriptor from TDH up to it at once, in the MMIO write, and write
 * back the status of those with RS (ICR TXDW).
 */
#define E1000_TCTL	0x400
#define E1000_TCTL_EN	(1u << 1)
#define E1000_TCTL_PSP	(1u << 3)
#define E1000_TDBAL	0x3800
#define E1000_TDBAH	0x3804
#define E1000_TDLEN	0x3808
#define E1000_TDH	0x3810
#define E1000_TDT	0x3818

struct e1000e_tx_desc {
	uint64_t addr;		/* bus address of the packet */
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;		/* E1000_TXD_CMD_* */
	uint8_t status;		/* E1000_TXD_STAT_DD once written back */
	uint8_t css;
	uint16_t special;
};

#define E1000_TXD_CMD_EOP	(1u << 0)
#define E1000_TXD_CMD_RS	(1u << 3)
#define E1000_TXD_STAT_DD	(1u << 0)

/* The VM's e1000e: 0 and its address, or -ENODEV. */
static inline int e1000e_find(struct pci_addr *a)
{
	return pci_find(E1000E_VENDOR, E1000E_DEVICE, 0, a);
}

/*
 * The VM's e1000e claimed in a session of its own: the device fd, its
 * address in *a and the session in *session; -ENODEV without an e1000e
 * (*session -1), or -errno.
 */
static inline int e1000e_open(int *session, struct pci_addr *a)
{
	*session = -1;
	if (e1000e_find(a))
		return -ENODEV;
	*session = genode_session_open(NULL);
	if (*session < 0)
		return *session;
	return pci_claim(*session, a);
}

#endif
