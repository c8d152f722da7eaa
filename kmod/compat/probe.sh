#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Feature probes against the kernel headers in $1: $(srctree) of the kernel
# being built against.  For a Debian headers package that is the -common
# directory (linux-headers-<version>-common), where include/ lives; the
# -amd64 directory holds only the configuration and generated files.
#
# Prints the -D flags for compat.h on one line.  Probes look at what a
# header declares, not at the version number, because distributions
# backport.  A header that is not where a probe expects it is an error
# (exit 1), not a silently missing flag: it means the probe needs updating.

srctree=${1:?usage: probe.sh SRCTREE}

# probe NAME FILE PATTERN: define NAME when FILE (below include/) matches
probe() {
	if [ ! -f "$srctree/include/$2" ]; then
		echo "probe.sh: $srctree/include/$2 not found" >&2
		exit 1
	fi
	if grep -Eq -- "$3" "$srctree/include/$2"; then
		printf ' -D%s' "$1"
	fi
}

# vm_flags became read-only with helpers in 6.3.
probe GENODE_HAVE_VM_FLAGS_SET linux/mm.h 'static inline void vm_flags_set\('
# eventfd_signal() lost its count argument in 6.8.
probe GENODE_HAVE_EVENTFD_SIGNAL_NOCOUNT linux/eventfd.h \
	'eventfd_signal\(struct eventfd_ctx \*ctx\)'
# MAX_ORDER counted orders exclusively (the largest order was MAX_ORDER - 1)
# until 6.4; from 6.4 it was inclusive, and 6.8 renamed it MAX_PAGE_ORDER.
probe GENODE_HAVE_MAX_PAGE_ORDER linux/mmzone.h '#define MAX_PAGE_ORDER'
probe GENODE_HAVE_MAX_ORDER_EXCLUSIVE linux/mmzone.h \
	'#define MAX_ORDER_NR_PAGES \(1 << \(MAX_ORDER - 1\)\)'
# driver_override moved from struct pci_dev into struct device (backported
# to 6.12.y).
probe GENODE_HAVE_DEVICE_DRIVER_OVERRIDE linux/device.h \
	'int __device_set_driver_override\('
# iommu_group_has_isolated_msi() (6.3) answers whether a group's MSIs are
# isolated; before it, vfio asked the IOMMU and the IRQ domains itself.
probe GENODE_HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI linux/iommu.h \
	'bool iommu_group_has_isolated_msi\('
# alloc_contig_range() took a migrate type until 6.16, now it takes
# acr_flags_t (ACR_FLAGS_NONE, or ACR_FLAGS_CMA, which is bit 0 like
# MIGRATE_MOVABLE): an unconverted call would ask for a CMA allocation.
probe GENODE_HAVE_ACR_FLAGS linux/gfp.h 'acr_flags_t'
# screen_info_video_type() (6.7) decodes the boot display's type.
probe GENODE_HAVE_SCREEN_INFO_VIDEO_TYPE linux/screen_info.h \
	'unsigned int screen_info_video_type\('
# iommu_paging_domain_alloc() (6.11) allocates a domain for one device's
# IOMMU; before it, iommu_domain_alloc() took the bus.
probe GENODE_HAVE_IOMMU_PAGING_DOMAIN_ALLOC linux/iommu.h \
	'iommu_paging_domain_alloc\(struct device \*dev\)'
# iommu_map() took no allocation flags, and iommu_map_atomic() came beside
# it, until 6.3 gave iommu_map() a gfp_t instead.
probe GENODE_HAVE_IOMMU_MAP_ATOMIC linux/iommu.h 'int iommu_map_atomic\('
echo
