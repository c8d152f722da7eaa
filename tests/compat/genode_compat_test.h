/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GENODE_COMPAT_TEST_H
#define _GENODE_COMPAT_TEST_H

#include <linux/types.h>

struct vm_area_struct;
struct eventfd_ctx;
struct device;
struct iommu_group;
struct screen_info;
struct iommu_domain;

void genode_compat_test_vma(struct vm_area_struct *vma);
void genode_compat_test_eventfd(struct eventfd_ctx *ctx);
int genode_compat_test_contig(unsigned long pfn, unsigned long nr);
bool genode_compat_test_msi_isolated(struct device *dev,
				     struct iommu_group *group);
unsigned int genode_compat_test_screen_info_type(const struct screen_info *si);
struct iommu_domain *genode_compat_test_iommu_domain(struct device *dev);
int genode_compat_test_iommu_map(struct iommu_domain *domain,
				 unsigned long iova, phys_addr_t paddr);

#endif /* _GENODE_COMPAT_TEST_H */
