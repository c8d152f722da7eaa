// SPDX-License-Identifier: GPL-2.0
/*
 * platform.c - the platform facts of GENODE_INFO
 *
 * What Genode's core needs for its platform_info ROM and the kernel
 * knows: the ACPI root pointer, the boot framebuffer, and whether MSI, an
 * IOMMU and interrupt remapping are there.  The root pointer is looked up
 * once at module load; the rest is read at each call.
 */
#include <linux/acpi.h>
#include <linux/capability.h>
#include <linux/efi.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/screen_info.h>

#include "genode_dev.h"
#include "pci.h"
#include "platform.h"

/* The RSDP as found at load time; written once, before the device exists. */
static struct acpi_table_rsdp genode_rsdp;
static u64 genode_rsdp_phys;

/*
 * Firmware memory, read-only use: memremap() gives RAM's kernel mapping
 * or a cached mapping of what is not RAM, and warns (a panic under
 * panic_on_warn) for a range that is both, which firmware areas are not
 * meant to be but this does not rely on.
 */
static void *genode_firmware_map(u64 phys, size_t len)
{
	if (region_intersects(phys, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) == REGION_MIXED)
		return NULL;
	return memremap(phys, len, MEMREMAP_WB);
}

static bool genode_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return !sum;
}

/*
 * A valid RSDP: the signature, the checksum of the ACPI 1.0 part and,
 * from revision 2, the extended checksum over its length.  Taken as the
 * one GENODE_INFO reports.
 */
static bool genode_rsdp_take(const struct acpi_table_rsdp *r, u64 phys)
{
	if (memcmp(r->signature, ACPI_SIG_RSDP, sizeof(r->signature)) ||
	    !genode_checksum_ok(r, ACPI_RSDP_CHECKSUM_LENGTH))
		return false;
	if (r->revision >= 2 &&
	    (r->length < sizeof(*r) || !genode_checksum_ok(r, sizeof(*r))))
		return false;
	genode_rsdp = *r;
	genode_rsdp_phys = phys;
	return true;
}

/* The first valid RSDP on a 16-byte boundary in [@start, @start + @len). */
static bool genode_rsdp_scan(u64 start, size_t len)
{
	bool found = false;
	size_t off;
	u8 *area;

	area = genode_firmware_map(start, len);
	if (!area)
		return false;
	for (off = 0; !found && off + sizeof(genode_rsdp) <= len; off += 16)
		found = genode_rsdp_take((void *)(area + off), start + off);
	memunmap(area);
	return found;
}

/*
 * Where the ACPI specification (5.2.5.1) says the RSDP is: in the EFI
 * configuration table on UEFI machines; else in the first KiB of the
 * extended BIOS data area, whose segment the BIOS data area holds at
 * 0x40e, or in the BIOS ROM between 0xe0000 and 0xfffff.
 */
void genode_platform_init(void)
{
	u16 *ebda_seg;
	u64 ebda = 0;

	if (acpi_disabled)
		return;
	if (efi_enabled(EFI_CONFIG_TABLES)) {
		if (efi.acpi20 != EFI_INVALID_TABLE_ADDR &&
		    genode_rsdp_scan(efi.acpi20, sizeof(genode_rsdp)))
			return;
		if (efi.acpi != EFI_INVALID_TABLE_ADDR)
			genode_rsdp_scan(efi.acpi, sizeof(genode_rsdp));
		return;
	}
	ebda_seg = genode_firmware_map(0x40e, sizeof(*ebda_seg));
	if (ebda_seg) {
		ebda = (u64)*ebda_seg << 4;
		memunmap(ebda_seg);
	}
	if (ebda >= 0x400 && ebda < 0xa0000 && genode_rsdp_scan(ebda, 1024))
		return;
	genode_rsdp_scan(0xe0000, 0x20000);
}

/* An IOMMU group of any PCI function, and whether it isolates MSIs. */
static u64 genode_platform_iommu(void)
{
	struct pci_dev *pdev = NULL;
	struct iommu_group *group;
	u64 bits = 0;

	for_each_pci_dev(pdev) {
		group = iommu_group_get(&pdev->dev);
		if (!group)
			continue;
		bits = GENODE_PLATFORM_IOMMU;
		if (genode_msi_isolated(&pdev->dev, group))
			bits |= GENODE_PLATFORM_INTR_REMAP;
		iommu_group_put(group);
		pci_dev_put(pdev);
		break;
	}
	return bits;
}

/*
 * The boot framebuffer as the firmware set it up: its kind (GENODE_FB_*,
 * 0 for none), and its range in @base and @size.
 */
static u32 genode_boot_fb(u64 *base, u64 *size)
{
	const struct screen_info *si = &screen_info;
	u32 kind;

	switch (genode_screen_info_type(si)) {
	case VIDEO_TYPE_VLFB:
		kind = GENODE_FB_VESA;
		*size = (u64)si->lfb_size << 16;	/* in 64 KiB units */
		break;
	case VIDEO_TYPE_EFI:
		kind = GENODE_FB_EFI;
		*size = si->lfb_size;
		break;
	default:
		return 0;
	}
	*base = si->lfb_base;
	if (si->capabilities & VIDEO_CAPABILITY_64BIT_BASE)
		*base |= (u64)si->ext_lfb_base << 32;
	if (!*base || !si->lfb_width || !si->lfb_height)
		return 0;
	*size = max_t(u64, *size, (u64)si->lfb_linelength * si->lfb_height);
	return kind;
}

bool genode_platform_in_boot_fb(u64 first, u64 last)
{
	u64 base, size;

	if (!genode_boot_fb(&base, &size))
		return false;
	return first >= (base & PAGE_MASK) &&
	       last <= (PAGE_ALIGN(base + size) - 1);
}

static void genode_platform_fb(struct genode_info *info)
{
	const struct screen_info *si = &screen_info;
	u64 base, size;

	info->fb_kind = genode_boot_fb(&base, &size);
	if (!info->fb_kind)
		return;
	info->platform |= GENODE_PLATFORM_FB;
	info->fb_base = base;
	info->fb_size = size;
	info->fb_width = si->lfb_width;
	info->fb_height = si->lfb_height;
	info->fb_pitch = si->lfb_linelength;
	info->fb_bpp = si->lfb_depth;
	info->fb_red_pos = si->red_pos;
	info->fb_red_size = si->red_size;
	info->fb_green_pos = si->green_pos;
	info->fb_green_size = si->green_size;
	info->fb_blue_pos = si->blue_pos;
	info->fb_blue_size = si->blue_size;
}

void genode_platform_info(struct genode_info *info)
{
	/* the caller's values are in there; __reserved3/4 are 0 */
	memset((u8 *)info + offsetof(struct genode_info, platform), 0,
	       sizeof(*info) - offsetof(struct genode_info, platform));
	info->platform = genode_platform_iommu();
	if (pci_msi_enabled())
		info->platform |= GENODE_PLATFORM_MSI;
	if (genode_rsdp_phys) {
		info->platform |= GENODE_PLATFORM_ACPI;
		info->acpi_rsdp = genode_rsdp_phys;
		info->acpi_revision = genode_rsdp.revision;
		info->acpi_rsdt = genode_rsdp.rsdt_physical_address;
		if (genode_rsdp.revision >= 2)
			info->acpi_xsdt = genode_rsdp.xsdt_physical_address;
	}
	genode_platform_fb(info);

	if (!capable(CAP_SYS_RAWIO)) {
		info->platform |= GENODE_PLATFORM_WITHHELD;
		info->acpi_rsdp = 0;
		info->acpi_rsdt = 0;
		info->acpi_xsdt = 0;
		info->fb_base = 0;
	}
}
