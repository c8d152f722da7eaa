#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Feature probes against the kernel headers in $1 ($(srctree) of the kernel
# being built against; for a Debian headers package that is the -common
# directory).  Prints -D flags for compat.h.  Probes look at what a header
# declares, not at the version number, because distributions backport.

srctree=${1:?usage: probe.sh SRCTREE}

# probe NAME FILE PATTERN: define NAME when FILE (below include/) matches
probe() {
	if grep -Eqs -- "$3" "$srctree/include/$2"; then
		printf ' -D%s' "$1"
	fi
}

# vm_flags became read-only with helpers in 6.3.
probe GENODE_HAVE_VM_FLAGS_SET linux/mm.h 'static inline void vm_flags_set\('
# eventfd_signal() lost its count argument in 6.8.
probe GENODE_HAVE_EVENTFD_SIGNAL_NOCOUNT linux/eventfd.h 'eventfd_signal\(struct eventfd_ctx \*ctx\)'

# --- DMA buffers (dma.c) ---
# The buddy allocator's largest order: MAX_PAGE_ORDER (inclusive) since
# 6.8; before, MAX_ORDER, exclusive until 6.4 and inclusive after.
probe GENODE_HAVE_MAX_PAGE_ORDER linux/mmzone.h 'define MAX_PAGE_ORDER'
probe GENODE_HAVE_MAX_ORDER_EXCLUSIVE linux/mmzone.h 'MAX_ORDER_NR_PAGES \(1 << \(MAX_ORDER - 1\)\)'
echo
