/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  ROM modules that core makes from what /dev/genode reports
 * \date   2026-12-01
 *
 * Genode's platform driver needs two ROMs from core on Linux:
 * "platform_info", whose <kernel iommu> says whether core maps DMA for
 * device PDs (iommu="true" where an IOMMU translates the functions' DMA,
 * see pci_function.h and device_space.h; else the platform driver uses
 * the DMA addresses core reports, Pd_session::dma_addr), and whose
 * <boot><framebuffer> Genode's boot_fb reads, and "devices",
 * which on other kernels Genode's acpi and pci_decode make from ACPI and
 * config space.  On Linux the kernel owns both; the devices are the PCI
 * functions the administrator assigned to /dev/genode, each with its
 * ECAM page (a shadow, see pci_function.h), BARs and one interrupt.
 * Each ROM is made once, at its first session, as a sealed memfd.
 */

/* Genode includes */
#include <base/node.h>

/* core includes */
#include <platform_rom.h>
#include <pci_function.h>

using namespace Core;


namespace {

	struct Rom_file
	{
		int    fd   = -1;
		size_t size = 0;

		Rom_file(char const *name, auto const &fn)
		{
			static char buf[32 * 1024];

			Generator::generate({ buf, sizeof(buf) }, name, fn).with_result(
				[&] (size_t used) {
					size = align_addr(used, AT_PAGE);
					fd   = Genode_dev::memfd(name, buf, used, size, true);
				},
				[&] (Buffer_error) {
					error("genode-dev: ROM '", name, "' exceeds ", sizeof(buf), " bytes"); });

			if (size && fd < 0)
				error("genode-dev: no memfd for ROM '", name, "' (", fd, ")");
		}
	};
}


/*
 * What the module knows of the platform (GENODE_FEATURE_PLATFORM), in the
 * form other kernels' cores give it: <acpi> with the root tables, and
 * <boot><framebuffer> as Genode's boot_fb reads it (type 1: direct RGB,
 * as multiboot's framebuffer type).  The kernel keeps ACPI (acpi="false":
 * Genode's acpi driver has nothing to do), and whether core maps DMA for
 * device PDs (iommu).
 */
static void generate_platform_info(Generator &g, genode_info const &i)
{
	bool const platform = i.features & GENODE_FEATURE_PLATFORM;
	bool const iommu    = Genode_dev::pci_functions().iommu();

	g.node("kernel", [&] {
		g.attribute("name",  "linux");
		g.attribute("acpi",  false);
		g.attribute("msi",   bool(i.features & GENODE_FEATURE_IRQ_MSI_MSG) &&
		                     (!platform || (i.platform & GENODE_PLATFORM_MSI)));
		g.attribute("iommu", iommu);
	});

	if (!platform)
		return;

	if ((i.platform & GENODE_PLATFORM_ACPI) && i.acpi_rsdp)
		g.node("acpi", [&] {
			g.attribute("revision", i.acpi_revision);
			if (i.acpi_rsdt)
				g.attribute("rsdt", String<32>(Hex(i.acpi_rsdt)));
			if (i.acpi_xsdt)
				g.attribute("xsdt", String<32>(Hex(i.acpi_xsdt)));
		});

	bool const rgb = i.fb_red_size && i.fb_green_size && i.fb_blue_size;

	g.node("boot", [&] {
		if (!(i.platform & GENODE_PLATFORM_FB) || !i.fb_base)
			return;
		g.node("framebuffer", [&] {
			g.attribute("phys",   String<32>(Hex(i.fb_base)));
			g.attribute("width",  i.fb_width);
			g.attribute("height", i.fb_height);
			g.attribute("bpp",    i.fb_bpp);
			g.attribute("type",   rgb ? 1 : 0);
			g.attribute("pitch",  i.fb_pitch);
		});
	});
}


Genode_dev::Platform_rom Genode_dev::platform_rom(Session_label const &name)
{
	if (Genode_dev::session() < 0)
		return { -1, 0 };

	Rom_file const *rom = nullptr;

	if (name == "platform_info") {
		static Rom_file const platform_info("platform_info", [] (Generator &g) {
			generate_platform_info(g, info()); });
		rom = &platform_info;
	}

	if (name == "devices") {
		static Rom_file const devices("devices", [] (Generator &g) {
			pci_functions().generate_devices(g); });
		rom = &devices;
	}

	if (!rom || rom->fd < 0)
		return { -1, 0 };

	return { Genode_dev::dup(rom->fd), rom->size };
}
