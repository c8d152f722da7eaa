// SPDX-License-Identifier: GPL-2.0
/*
 * genode_compat_test.c - every wrapper in compat.h, used the way genode.ko
 * will use it.  Compiled against each supported kernel, never loaded.
 */
#include <linux/build_bug.h>
#include <linux/eventfd.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/screen_info.h>

#include "genode_compat_test.h"

void genode_compat_test_vma(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYWRITE);
}
EXPORT_SYMBOL_GPL(genode_compat_test_vma);

void genode_compat_test_eventfd(struct eventfd_ctx *ctx)
{
	genode_eventfd_signal(ctx);
}
EXPORT_SYMBOL_GPL(genode_compat_test_eventfd);

bool genode_compat_test_msi_isolated(struct device *dev,
				     struct iommu_group *group)
{
	return genode_msi_isolated(dev, group);
}
EXPORT_SYMBOL_GPL(genode_compat_test_msi_isolated);

unsigned int genode_compat_test_screen_info_type(const struct screen_info *si)
{
	return genode_screen_info_type(si);
}
EXPORT_SYMBOL_GPL(genode_compat_test_screen_info_type);

struct iommu_domain *genode_compat_test_iommu_domain(struct device *dev)
{
	return genode_iommu_domain_alloc(dev);
}
EXPORT_SYMBOL_GPL(genode_compat_test_iommu_domain);

int genode_compat_test_iommu_map(struct iommu_domain *domain,
				 unsigned long iova, phys_addr_t paddr)
{
	return genode_iommu_map(domain, iova, paddr, PAGE_SIZE,
				IOMMU_READ | IOMMU_WRITE);
}
EXPORT_SYMBOL_GPL(genode_compat_test_iommu_map);

/* Linking it proves it is exported on this kernel. */
int genode_compat_test_contig(unsigned long pfn, unsigned long nr)
{
	int ret = genode_alloc_contig_range(pfn, pfn + nr, GFP_KERNEL);

	if (!ret)
		free_contig_range(pfn, nr);
	return ret;
}
EXPORT_SYMBOL_GPL(genode_compat_test_contig);

/*
 * MAX_PAGE_ORDER is the largest order, inclusive: an order-MAX_PAGE_ORDER
 * block is one MAX_ORDER_NR_PAGES block on every kernel.  On x86 with 4 KiB
 * pages that is order 10 (4 MiB) unless the architecture forces another.
 */
static_assert((1UL << MAX_PAGE_ORDER) == MAX_ORDER_NR_PAGES);
static_assert(NR_PAGE_ORDERS == (MAX_PAGE_ORDER + 1));
#if defined(CONFIG_X86) && !defined(CONFIG_ARCH_FORCE_MAX_ORDER)
static_assert(MAX_PAGE_ORDER == 10);
#endif

MODULE_DESCRIPTION("genode-dev compat.h compile test");
MODULE_LICENSE("GPL");
