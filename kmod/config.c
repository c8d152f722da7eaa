// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - which bits of a claimed function's config space its holder
 * may write
 *
 * An allow list in the manner of vfio-pci's permission tables: a register
 * is writable only where this file says so, and everything it does not
 * know is read-only.  Per byte of config space the answer is one of
 *
 *  - locked: no write may touch the byte, not even one that writes the
 *    value it holds (the BARs, the ROM BAR, MSI and MSI-X, which the
 *    kernel programs; extended capabilities that change what the function
 *    is or how it is isolated: SR-IOV, Resizable BAR, ACS, ATS, PRI,
 *    PASID and every other one not named below);
 *  - a mask of the bits that may change; a write that changes any other
 *    bit of the byte is refused, one that writes them as they are is
 *    taken (so that a 16- or 32-bit write of a register can carry its
 *    read-only neighbours along).
 *
 * One bit is neither: INTx Disable, which the INTx handler sets and the
 * ack clears at any time.  A write's value for it is ignored; the write
 * stores the bit as it is at that moment (genode_pci_config_kept()).
 *
 * Writable: in the header the command register but decoding and bus
 * mastering (the kernel's), the status register's write-1-to-clear
 * bits, cache line size, latency timer and interrupt line; in the power
 * management capability PME enable and PME status (not the power state);
 * in the PCI Express capability the error reporting, relaxed ordering,
 * extended tag, aux power, no snoop and read request size of device
 * control (not the payload size, phantom functions or FLR), the error bits
 * of device status, and the completion timeout of device control 2; the
 * VPD address and data; the body of vendor-specific capabilities and
 * extended capabilities; AER's registers; and the bytes of the first 256
 * that lie in no capability (device-specific registers).  Nothing else,
 * and never a capability's ID or next pointer.
 */
#include <linux/pci.h>

#include "pci.h"

#define GENODE_CFG_LOCKED	(-1)

/* Where a capability starts and how many bytes it spans. */
struct genode_cap {
	unsigned int id, start, len;
};

static unsigned int genode_msi_len(struct pci_dev *pdev, unsigned int pos)
{
	u16 flags = 0;

	pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags);
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		return (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_PENDING_64 :
			PCI_MSI_PENDING_32) + 4;
	return (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_DATA_64 :
		PCI_MSI_DATA_32) + 2;
}

/*
 * The length of the standard capability @id at @pos, or 0 where the
 * capability has no length the PCI spec fixes (then it reaches to the
 * next capability).
 */
static unsigned int genode_cap_len(struct pci_dev *pdev, unsigned int id,
				   unsigned int pos)
{
	u16 flags = 0;
	u8 len = 0;

	switch (id) {
	case PCI_CAP_ID_PM:
		return PCI_PM_SIZEOF;
	case PCI_CAP_ID_VPD:
		return PCI_CAP_VPD_SIZEOF;
	case PCI_CAP_ID_MSI:
		return genode_msi_len(pdev, pos);
	case PCI_CAP_ID_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_AF:
		return PCI_CAP_AF_SIZEOF;
	case PCI_CAP_ID_VNDR:
		pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &len);
		return len;
	case PCI_CAP_ID_EXP:
		pci_read_config_word(pdev, pos + PCI_EXP_FLAGS, &flags);
		return (flags & PCI_EXP_FLAGS_VERS) > 1 ?
			PCI_CAP_EXP_ENDPOINT_SIZEOF_V2 :
			PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
	default:
		return 0;
	}
}

/*
 * The standard capability that byte @pos (0x40..0xff) lies in: true and
 * *@cap, or false for a byte in no capability.  A capability of unknown
 * length reaches to the next one above it, or to the end of the 256 bytes.
 */
static bool genode_find_cap(struct pci_dev *pdev, unsigned int pos,
			    struct genode_cap *cap)
{
	u8 at = 0, id, next = 0, ttl = 48;
	unsigned int start, len, end;

	pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &at);
	while ((at &= ~3) >= PCI_STD_HEADER_SIZEOF && ttl--) {
		start = at;
		pci_read_config_byte(pdev, start + PCI_CAP_LIST_ID, &id);
		pci_read_config_byte(pdev, start + PCI_CAP_LIST_NEXT, &next);
		len = genode_cap_len(pdev, id, start);
		if (!len) {
			/* up to the nearest capability above it */
			end = PCI_CFG_SPACE_SIZE;
			if (next > start)
				end = next & ~3;
			len = end - start;
		}
		if (pos >= start && pos < start + len) {
			cap->id = id;
			cap->start = start;
			cap->len = len;
			return true;
		}
		at = next;
	}
	return false;
}

/* The header, 0x00..0x3f, of a type 0 function (claims take no other). */
static int genode_header_mask(unsigned int pos)
{
	if (pos >= PCI_BASE_ADDRESS_0 && pos <= PCI_BASE_ADDRESS_5 + 3)
		return GENODE_CFG_LOCKED;
	if (pos >= PCI_ROM_ADDRESS && pos < PCI_ROM_ADDRESS + 4)
		return GENODE_CFG_LOCKED;

	switch (pos) {
	case PCI_COMMAND:
		return 0xff & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
				PCI_COMMAND_MASTER);
	case PCI_COMMAND + 1:
		/* SERR#, fast back-to-back; INTx disable is kept, see above */
		return (PCI_COMMAND_SERR | PCI_COMMAND_FAST_BACK) >> 8;
	case PCI_STATUS:
	case PCI_STATUS + 1:
		/* write 1 to clear */
		return 0xff;
	case PCI_CACHE_LINE_SIZE:
	case PCI_LATENCY_TIMER:
	case PCI_INTERRUPT_LINE:
		return 0xff;
	default:
		return 0;
	}
}

static int genode_pcie_mask(unsigned int off)
{
	switch (off) {
	case PCI_EXP_DEVCTL:
		return (PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE |
			PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE |
			PCI_EXP_DEVCTL_RELAX_EN) & 0xff;
	case PCI_EXP_DEVCTL + 1:
		return (PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_AUX_PME |
			PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ) >> 8;
	case PCI_EXP_DEVSTA:
		return PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
		       PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD;
	case PCI_EXP_DEVCTL2:
		return PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS;
	default:
		return 0;
	}
}

/* A byte @off into standard capability @cap. */
static int genode_cap_mask(const struct genode_cap *cap, unsigned int off)
{
	/* nobody relinks the list */
	if (off < PCI_CAP_FLAGS)
		return 0;

	switch (cap->id) {
	case PCI_CAP_ID_PM:
		/* PME enable and PME status, not the power state */
		if (off == PCI_PM_CTRL + 1)
			return (PCI_PM_CTRL_PME_ENABLE |
				PCI_PM_CTRL_PME_STATUS) >> 8;
		return 0;
	case PCI_CAP_ID_EXP:
		return genode_pcie_mask(off);
	case PCI_CAP_ID_VPD:
		return 0xff;
	case PCI_CAP_ID_VNDR:
		/* the length is the capability's */
		return off == PCI_CAP_FLAGS ? 0 : 0xff;
	case PCI_CAP_ID_AF:
		/* neither FLR nor transactions pending: reset is ours */
		return 0;
	default:
		/* MSI and MSI-X are the kernel's; what we do not know, too */
		return GENODE_CFG_LOCKED;
	}
}

/*
 * Extended config space: the extended capability that byte @pos lies in,
 * up to the next one above it.
 */
static int genode_ext_mask(struct pci_dev *pdev, unsigned int pos)
{
	unsigned int at = PCI_CFG_SPACE_SIZE, next, end, ttl = 960;
	u32 hdr = 0;

	while (at >= PCI_CFG_SPACE_SIZE && ttl--) {
		if (pci_read_config_dword(pdev, at, &hdr) || !hdr ||
		    hdr == 0xffffffff)
			return 0;
		next = PCI_EXT_CAP_NEXT(hdr);
		end = next > at ? next : pdev->cfg_size;
		if (pos >= at && pos < end) {
			if (pos < at + 4)
				return 0;
			switch (PCI_EXT_CAP_ID(hdr)) {
			case PCI_EXT_CAP_ID_ERR:
				return 0xff;
			case PCI_EXT_CAP_ID_VNDR:
				/* past the vendor-specific header */
				return pos < at + PCI_VNDR_HEADER + 4 ? 0 : 0xff;
			case PCI_EXT_CAP_ID_DSN:
				return 0;
			default:
				return GENODE_CFG_LOCKED;
			}
		}
		at = next;
	}
	return 0;
}

u8 genode_pci_config_kept(unsigned int pos)
{
	return pos == PCI_COMMAND + 1 ? PCI_COMMAND_INTX_DISABLE >> 8 : 0;
}

int genode_pci_config_mask(struct pci_dev *pdev, unsigned int pos)
{
	struct genode_cap cap;

	if (pos < PCI_STD_HEADER_SIZEOF)
		return genode_header_mask(pos);
	if (pos >= PCI_CFG_SPACE_SIZE)
		return genode_ext_mask(pdev, pos);
	if (genode_find_cap(pdev, pos, &cap))
		return genode_cap_mask(&cap, pos - cap.start);
	/* device-specific registers outside every capability */
	return 0xff;
}
