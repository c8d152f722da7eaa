/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu.h - IOMMU domains with caller-chosen I/O virtual addresses
 */
#ifndef _GENODE_IOMMU_H
#define _GENODE_IOMMU_H

struct genode_ucmd;

/* GENODE_IOMMU_DOMAIN_ALLOC on a session. */
int genode_iommu_alloc(struct genode_ucmd *ucmd);

#endif /* _GENODE_IOMMU_H */
