/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  ROM modules that core makes from what /dev/genode reports
 * \date   2026-12-01
 *
 * Genode's platform driver needs two ROMs from core on Linux:
 * "platform_info", whose <kernel iommu> says whether core maps DMA for
 * device PDs (it does not: iommu="false", so the platform driver uses
 * the DMA addresses core reports, Pd_session::dma_addr), and "devices",
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


Genode_dev::Platform_rom Genode_dev::platform_rom(Session_label const &name)
{
	if (Genode_dev::session() < 0)
		return { -1, 0 };

	Rom_file const *rom = nullptr;

	if (name == "platform_info") {
		static Rom_file const platform_info("platform_info", [] (Generator &g) {
			g.node("kernel", [&] {
				g.attribute("name",  "linux");
				g.attribute("acpi",  false);
				g.attribute("msi",   bool(features() & GENODE_FEATURE_IRQ_MSI_MSG));
				g.attribute("iommu", false);
			});
		});
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
