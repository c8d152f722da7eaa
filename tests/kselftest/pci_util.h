/* SPDX-License-Identifier: GPL-2.0 */
/* The test library's PCI, process and edu helpers (lib/), in one header. */
#ifndef GENODE_PCI_UTIL_H
#define GENODE_PCI_UTIL_H

#include "lib/pci.h"
#include "lib/process.h"
#include "lib/drivers/edu.h"

#endif
