/* SPDX-License-Identifier: GPL-2.0 */
/*
 * contig.h - physically contiguous memory beyond the buddy allocator's limit
 */
#ifndef _GENODE_CONTIG_H
#define _GENODE_CONTIG_H

#include <linux/mm_types.h>
#include <linux/types.h>

/*
 * Allocate @nr_pages physically contiguous pages that all lie at or below
 * the physical address @limit, by migrating movable pages out of a range
 * (alloc_contig_range(); no CMA needed).  The pages are order-0 pages with
 * a reference each, not zeroed, not charged to any memory cgroup.
 * Returns the first page, or an ERR_PTR: -ENOMEM when no range could be
 * had, -EINTR when a fatal signal interrupted the search.
 */
struct page *genode_contig_alloc(unsigned long nr_pages, phys_addr_t limit);

#endif /* _GENODE_CONTIG_H */
