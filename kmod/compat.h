/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels genode.ko supports
 *
 * Force-included into each object by Kbuild, before the .c file's own
 * includes (and before any pr_fmt it defines).  So this header includes
 * nothing: it holds only macros, which expand where they are used, after
 * the kernel header that they refer to.  The GENODE_HAVE_* macros come from
 * the header probes in compat/probe.sh; the .c files use only the names
 * defined here or the newest kernel's names, and never test a kernel
 * version themselves.  tests/compat/ builds a module that uses every
 * wrapper, against each supported kernel.
 *
 * The oldest supported kernel, 6.1, is enforced by Kbuild and dkms.conf.
 *
 * alloc_contig_pages() is not exported to modules on any supported kernel.
 */
#ifndef _GENODE_COMPAT_H
#define _GENODE_COMPAT_H

/*
 * vm_flags_set() and vm_flags_clear() (6.3): before them, vm_flags was a
 * plain field.  Callers hold mmap_lock for writing or own the new vma, as
 * the real helpers require.
 */
#ifndef GENODE_HAVE_VM_FLAGS_SET
#define vm_flags_set(vma, flags)	((void)((vma)->vm_flags |= (flags)))
#define vm_flags_clear(vma, flags)	((void)((vma)->vm_flags &= ~(flags)))
#endif

/*
 * Signal an eventfd once.  eventfd_signal() took a count until 6.8, and
 * returned it; now it takes only the context and returns nothing.
 */
#ifdef GENODE_HAVE_EVENTFD_SIGNAL_NOCOUNT
#define genode_eventfd_signal(ctx)	eventfd_signal(ctx)
#else
#define genode_eventfd_signal(ctx)	((void)eventfd_signal((ctx), 1))
#endif

/*
 * MAX_PAGE_ORDER (6.8) is the largest order the buddy allocator hands out,
 * inclusive.  6.4 to 6.7 call it MAX_ORDER; before 6.4, MAX_ORDER was one
 * more than the largest order.  NR_PAGE_ORDERS came with MAX_PAGE_ORDER.
 */
#ifndef GENODE_HAVE_MAX_PAGE_ORDER
#ifdef GENODE_HAVE_MAX_ORDER_EXCLUSIVE
#define MAX_PAGE_ORDER			(MAX_ORDER - 1)
#else
#define MAX_PAGE_ORDER			MAX_ORDER
#endif
#define NR_PAGE_ORDERS			(MAX_PAGE_ORDER + 1)
#endif

/*
 * driver_override (pci.c): 6.1 keeps the name in struct pci_dev, guarded
 * by the device lock; later kernels (and 6.12.y by backport) keep it in
 * struct device with a spinlock of its own.
 */
#ifdef GENODE_HAVE_DEVICE_DRIVER_OVERRIDE
#define genode_set_driver_override(pdev, name)				\
	device_set_driver_override(&(pdev)->dev, (name))
#define genode_driver_override_lock(pdev)				\
	spin_lock(&(pdev)->dev.driver_override.lock)
#define genode_driver_override_unlock(pdev)				\
	spin_unlock(&(pdev)->dev.driver_override.lock)
#define genode_driver_override_name(pdev) ((pdev)->dev.driver_override.name)
#else
#define genode_set_driver_override(pdev, name) ({			\
	struct pci_dev *__pdev = (pdev);				\
	const char *__name = (name);					\
									\
	driver_set_override(&__pdev->dev, &__pdev->driver_override,	\
			    __name, strlen(__name));			\
})
#define genode_driver_override_lock(pdev)	device_lock(&(pdev)->dev)
#define genode_driver_override_unlock(pdev)	device_unlock(&(pdev)->dev)
#define genode_driver_override_name(pdev)	((pdev)->driver_override)
#endif

/*
 * Take the free or movable pages [start, end) (alloc_contig_range(), a
 * macro over alloc_contig_range_noprof() since 6.10).  Its third argument
 * was the migrate type of the range until acr_flags_t replaced it.
 */
#ifdef GENODE_HAVE_ACR_FLAGS
#define genode_alloc_contig_range(start, end, gfp)			\
	alloc_contig_range((start), (end), ACR_FLAGS_NONE, (gfp))
#else
#define genode_alloc_contig_range(start, end, gfp)			\
	alloc_contig_range((start), (end), MIGRATE_MOVABLE, (gfp))
#endif

/*
 * Are the MSIs of @dev, in IOMMU group @group, isolated (interrupt
 * remapping, or an MSI controller that tells devices apart)?  6.3 made
 * iommu_group_has_isolated_msi() of the two tests vfio made before.
 */
#ifdef GENODE_HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI
#define genode_msi_isolated(dev, group)	iommu_group_has_isolated_msi(group)
#else
#define genode_msi_isolated(dev, group)					\
	(device_iommu_capable((dev), IOMMU_CAP_INTR_REMAP) ||		\
	 irq_domain_check_msi_remap())
#endif

/*
 * The boot display's type (VIDEO_TYPE_*) in @si.  6.7 added
 * screen_info_video_type(); before it, the type is byte 0x0f of struct
 * screen_info, where the x86 boot protocol puts it (the zero page's
 * screen_info is at its start: Documentation/arch/x86/zero-page.rst).
 */
#ifdef GENODE_HAVE_SCREEN_INFO_VIDEO_TYPE
#define genode_screen_info_type(si)	screen_info_video_type(si)
#else
#define genode_screen_info_type(si)	(((const u8 *)(si))[0x0f])
#endif

/*
 * An unmanaged paging domain for the IOMMU of @dev, or an ERR_PTR.  6.11
 * made iommu_paging_domain_alloc() of the bus-wide iommu_domain_alloc(),
 * which answered NULL for every failure.
 */
#ifdef GENODE_HAVE_IOMMU_PAGING_DOMAIN_ALLOC
#define genode_iommu_domain_alloc(dev)	iommu_paging_domain_alloc(dev)
#else
#define genode_iommu_domain_alloc(dev) ({				\
	struct iommu_domain *__d = iommu_domain_alloc((dev)->bus);	\
									\
	__d ? __d : ERR_PTR(-ENOMEM);					\
})
#endif

/*
 * iommu_map() takes the allocation flags for its page tables since 6.3;
 * before, it allocated with GFP_KERNEL (and iommu_map_atomic() existed).
 */
#ifdef GENODE_HAVE_IOMMU_MAP_ATOMIC
#define genode_iommu_map(domain, iova, paddr, size, prot)		\
	iommu_map((domain), (iova), (paddr), (size), (prot))
#else
#define genode_iommu_map(domain, iova, paddr, size, prot)		\
	iommu_map((domain), (iova), (paddr), (size), (prot),		\
		  GFP_KERNEL_ACCOUNT)
#endif

#endif /* _GENODE_COMPAT_H */
