/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  ROM modules that core makes from what /dev/genode reports
 * \date   2026-12-01
 */

#ifndef _CORE__INCLUDE__PLATFORM_ROM_H_
#define _CORE__INCLUDE__PLATFORM_ROM_H_

/* Genode includes */
#include <base/session_label.h>

/* core includes */
#include <types.h>

namespace Core { namespace Genode_dev {

	struct Platform_rom
	{
		int    fd;    /* a new read-only memfd, or -1 */
		size_t size;
	};

	/**
	 * The ROM module of that name, if core makes it
	 *
	 *  - "platform_info": <platform_info><kernel name="linux" .../>,
	 *    <acpi .../> and <boot><framebuffer .../></boot> from the
	 *    module's platform facts
	 *  - "devices": the PCI functions of /dev/genode in the format of
	 *    Genode's pci_decode, for Genode's platform driver
	 *
	 * \return  fd -1 for any other name, or without /dev/genode
	 */
	Platform_rom platform_rom(Session_label const &name);
} }

#endif /* _CORE__INCLUDE__PLATFORM_ROM_H_ */
