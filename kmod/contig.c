// SPDX-License-Identifier: GPL-2.0
/*
 * contig.c - large physically contiguous allocations without CMA
 *
 * The buddy allocator hands out at most 2^MAX_PAGE_ORDER pages
 * (4 MiB on x86).  Inside the kernel, larger ranges come from CMA, which
 * Debian's kernels do not configure, or from alloc_contig_pages(), which is
 * not exported.  What is exported is alloc_contig_range(): given a PFN
 * range inside one zone, it isolates the range's pageblocks, migrates the
 * pages in use there elsewhere and takes the then free range out of the
 * buddy allocator.  This file finds the candidate ranges for it, much as
 * alloc_contig_pages() does inside the kernel.
 *
 * Limits, also stated in the uapi header:
 *  - Only a range in which every page is free or movable (page cache,
 *    anonymous memory) can be had.  A single unmovable page (kernel
 *    allocations, page tables, slab, another DMA buffer) fails the range
 *    and the search moves below it.  On a freshly booted machine most of
 *    RAM qualifies; after long uptime, unmovable allocations scattered
 *    over memory can leave no range of the size asked for (ENOMEM).
 *  - The pages taken stay unmovable for the buffer's lifetime, in
 *    pageblocks the kernel expected to stay movable, which weakens the
 *    kernel's anti-fragmentation (as gigantic hugetlb pages allocated at
 *    run time do).
 *  - ZONE_MOVABLE is never used: memory there must stay migratable for
 *    memory hot-unplug, and long-term pins (io_uring fixed buffers) refuse
 *    it.  ZONE_DEVICE memory is no RAM to allocate.
 *  - Time: migration copies every page in use in the range, and each
 *    failed attempt costs an isolation and migration pass, so a request
 *    can take from milliseconds to seconds.  The search gives up after
 *    GENODE_CONTIG_ATTEMPTS failed attempts and stops on a fatal signal.
 *  - Higher zones are searched first, and each zone from its top down, to
 *    leave low memory to devices with small DMA masks.
 */
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/memory_hotplug.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/page-flags.h>
#include <linux/pageblock-flags.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "contig.h"

/* Failed alloc_contig_range() calls after which a request gives up. */
#define GENODE_CONTIG_ATTEMPTS 32

/*
 * Can alloc_contig_range() be expected to take this page?  Read without
 * locks: a hint that saves a futile isolation and migration pass, never a
 * promise (alloc_contig_range() checks again).
 */
static bool genode_contig_pfn_usable(struct zone *zone, unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);
	struct folio *folio;

	if (!page || page_zone(page) != zone)
		return false;
	if (PageReserved(page) || PageHuge(page))
		return false;
	if (PageBuddy(page))
		return true;
	folio = page_folio(page);
	/* free (inside a buddy block or on a per-CPU list) or being freed */
	if (!folio_ref_count(folio))
		return true;
	return folio_test_lru(folio) || __folio_test_movable(folio);
}

/*
 * The lowest unusable PFN in [pfn, pfn + nr_pages), or pfn + nr_pages if
 * every page looks usable.
 */
static unsigned long genode_contig_first_unusable(struct zone *zone,
						  unsigned long pfn,
						  unsigned long nr_pages)
{
	unsigned long end = pfn + nr_pages;

	for (; pfn < end; pfn++) {
		if (!genode_contig_pfn_usable(zone, pfn))
			break;
	}
	return pfn;
}

/* Search one zone below @limit_pfn (exclusive), from the top down. */
static struct page *genode_contig_zone(struct zone *zone,
				       unsigned long nr_pages,
				       unsigned long limit_pfn, int *attempts)
{
	/*
	 * alloc_contig_range() isolates whole pageblocks: those of the range
	 * must lie in the zone at both ends.
	 */
	unsigned long start = ALIGN(zone->zone_start_pfn, pageblock_nr_pages);
	unsigned long end = min(ALIGN_DOWN(zone_end_pfn(zone),
					   pageblock_nr_pages), limit_pfn);
	unsigned long pfn, bad;
	int ret;

	if (end <= start || end - start < nr_pages)
		return ERR_PTR(-ENOMEM);

	pfn = ALIGN_DOWN(end - nr_pages, pageblock_nr_pages);
	while (pfn >= start) {
		if (fatal_signal_pending(current))
			return ERR_PTR(-EINTR);
		cond_resched();

		bad = genode_contig_first_unusable(zone, pfn, nr_pages);
		if (bad == pfn + nr_pages) {
			ret = genode_alloc_contig_range(pfn, pfn + nr_pages,
							GFP_KERNEL |
							__GFP_NOWARN);
			if (!ret)
				return pfn_to_page(pfn);
			if (ret == -EINTR)
				return ERR_PTR(-EINTR);
			if (++*attempts >= GENODE_CONTIG_ATTEMPTS)
				return ERR_PTR(-ENOMEM);
			/* something in the range would not move: step down */
			if (pfn < start + pageblock_nr_pages)
				break;
			pfn -= pageblock_nr_pages;
			continue;
		}
		/* the next range must end at or below the unusable page */
		if (bad < start + nr_pages)
			break;
		pfn = ALIGN_DOWN(bad - nr_pages, pageblock_nr_pages);
	}
	return ERR_PTR(-ENOMEM);
}

struct page *genode_contig_alloc(unsigned long nr_pages, phys_addr_t limit)
{
	unsigned long limit_pfn = PHYS_PFN(limit) + 1;
	int attempts = 0;
	int nid, zi;

	if (!nr_pages)
		return ERR_PTR(-EINVAL);

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (zi = MAX_NR_ZONES - 1; zi >= 0; zi--) {
			struct zone *zone = &pgdat->node_zones[zi];
			struct page *page;

			if (zi == ZONE_MOVABLE || !populated_zone(zone) ||
			    zone_is_zone_device(zone))
				continue;
			page = genode_contig_zone(zone, nr_pages, limit_pfn,
						  &attempts);
			if (!IS_ERR(page) || PTR_ERR(page) == -EINTR ||
			    attempts >= GENODE_CONTIG_ATTEMPTS)
				return page;
		}
	}
	return ERR_PTR(-ENOMEM);
}
