/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test library: helpers on top of libgenode_dev for the kselftest
 * programs and the benchmark.  Every function returns 0, an fd or a value,
 * or a negative errno, and prints nothing; the programs check the results
 * with the harness's ASSERT_ and EXPECT_ macros (strerror(-ret) in their
 * TH_LOG).
 *
 *   sysfs.h    small sysfs files, the module's counters and allow list,
 *              /proc/ioports, /proc/iomem, the PAT memtype list,
 *              /proc/self/pagemap, /proc/interrupts, the kernel log
 *   pci.h      PCI functions: find, bind, claim, config, bus master
 *   genode.h   raw requests, revocation, IO-port and MMIO accessors,
 *              IRQ fds, DMA buffers
 *   process.h  fd passing, CAP_SYS_RAWIO, children
 *   timing.h   the monotonic clock, sleeps
 *   drivers/   edu, e1000e, the 16550 UART, the PIT, QEMU's VGA
 */
#ifndef GENODE_TEST_H
#define GENODE_TEST_H

#include "sysfs.h"
#include "pci.h"
#include "genode.h"
#include "process.h"
#include "timing.h"
#include "drivers/edu.h"
#include "drivers/e1000e.h"
#include "drivers/uart.h"
#include "drivers/pit.h"
#include "drivers/vga.h"

#endif
