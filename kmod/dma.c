// SPDX-License-Identifier: GPL-2.0
/*
 * dma.c - DMA buffers: RAM with a known bus address, handed out as fds
 *
 * Memory.  A buffer for no device is physically contiguous.  Up to the
 * buddy allocator's largest block (4 MiB on x86) it comes from
 * alloc_pages_exact() with __GFP_ACCOUNT, which charges it to the memory
 * cgroup of the allocating task as kernel memory (memory.current, "kernel"
 * in memory.stat) until the pages are freed.  Larger buffers come from
 * alloc_contig_range() (contig.c).  Those are NOT charged to a memory
 * cgroup: alloc_contig_range() refuses __GFP_ACCOUNT, and the functions
 * that charge pages to a memcg (__memcg_kmem_charge_page(),
 * obj_cgroup_charge(), mem_cgroup_charge() and the page_counter ones) are
 * not exported to modules by the 6.1 or 6.12 kernels.  They count against
 * the session's DMA quota only, which is what bounds them.
 *
 * Every page ends up an order-0 page with a reference of its own
 * (split_page() in alloc_pages_exact(), or alloc_contig_range()), so user
 * mappings can insert them one by one, get_user_pages() can take
 * references, and freeing is put_page() on each: a page that O_DIRECT or
 * io_uring still holds goes back to the allocator when they let go.
 *
 * Zeroing.  The buddy path asks for __GFP_ZERO; contiguous ranges are
 * cleared here.  Both happen before the cache attribute is applied.
 *
 * Cache attributes.  x86 must not map the same memory with different
 * memory types (PAT: the result is undefined).  For UNCACHED and
 * WRITE_COMBINED buffers the kernel's linear mapping of the pages is
 * switched with set_memory_uc()/set_memory_wc(), which also reserves the
 * type for the pages (PAT memtype tracking of RAM) and flushes the
 * caches, and every user mapping gets pgprot_noncached()/
 * pgprot_writecombine(), the same types.  set_memory_wb() restores the
 * linear mapping before the pages are freed.  Cost: the linear mapping of
 * such a buffer is split into 4 KiB pages for good.
 *
 * Mappings.  mmap() sets up a VM_MIXEDMAP mapping whose pages are inserted
 * on fault (vm_insert_page(): normal struct pages, no VM_PFNMAP, no VM_IO,
 * so get_user_pages() works on them).  The fault handler holds the
 * resource's map_lock for reading and refuses a revoked buffer, so that
 * after revocation (which zaps every mapping) accesses fault with SIGBUS;
 * the memory is freed only after that.  Mapped pages are counted as the process's RssFile.
 *
 * Devices.  A buffer for a claimed PCI device is mapped for it with
 * dma_map_sgtable() on the device's struct device, so its bus address is
 * the one the device must use, and the device's DMA mask is respected:
 *  - without an IOMMU that translates for the device (none, or an identity
 *    domain) the memory is physically contiguous and placed below the mask
 *    (buddy allocator with the zone the mask needs, or a contiguous range
 *    below it); the mapping is checked to be the physical address itself
 *    (never a swiotlb bounce buffer).  A buffer that cannot be placed
 *    below the mask is ENOMEM;
 *  - with a translating IOMMU (intel_iommu=on) the memory is built from
 *    the largest blocks the buddy allocator has (all charged to the
 *    memcg), and the IOMMU maps it at one contiguous I/O virtual range
 *    below the mask, in the DMA domain of the device's IOMMU group.  The
 *    device reaches nothing but what is mapped in that domain: where the
 *    group has no other member (genode_pci_dma_isolated()), the buffers
 *    allocated for it, so no other session's buffers; otherwise also
 *    what the kernel mapped for the group's other devices, which is why
 *    bus mastering then needs CAP_SYS_RAWIO.
 *
 * Lifetime.  The memory is freed at revocation (GENODE_REVOKE, or the
 * last fd and mapping gone), after every user mapping has been zapped, and
 * never while a device can still reach it:
 *  - a buffer for no device is freed then, unless its physical address
 *    was given out and its last fd goes with a dying process while its
 *    session holds claims (see "Holding");
 *  - a buffer for a device stays allocated, and mapped for the device,
 *    until the device is released: the device's release (pci.h) clears
 *    bus mastering and resets it, and only then its DMA hook unmaps the
 *    buffer (where an IOMMU translates, flushing the IOTLB before the
 *    pages are freed: in the kernel's lazy mode, iommu.strict=0, the
 *    unmap alone only queues the flush) and frees the memory.  Until
 *    then the DMA API cannot hand the buffer's bus addresses to another
 *    buffer either.
 * When the device is released first, its DMA hook revokes the buffer
 * (zapping every mapping of it) and frees the memory.
 * The session's quota is charged from allocation until the memory is
 * freed.
 *
 * Holding.  A buffer for no device is mapped for none, but a caller with
 * CAP_SYS_RAWIO learns its physical address, which is the bus address of
 * any device no IOMMU translates for, and may give it to a device its
 * session claimed.  A live process that lets go of such a buffer has
 * stopped the device first (the uapi header asks it to), but a dying
 * process's fds close in any order.  So a buffer whose last fd goes with
 * a dying process (PF_EXITING) while its session still holds claims keeps
 * its memory (and quota charge) on the session's dma_held list until the
 * release of the session's last claim has ended, after bus mastering was
 * cleared and the function reset: a crash frees in the order of an
 * orderly exit.  If the release of one of those claims could not reset
 * its function, the held memory goes into that function's quarantine
 * instead (below), as its buffers' memory does, since the function may
 * hold a transfer to it.  buf->held and the list are guarded by the
 * session's lock; a held buffer's memory belongs to
 * genode_dma_session_unclaim(), which clears buf->held only after it
 * freed or quarantined it, and frees the buffer object too if its fd went
 * meanwhile (buf->held_free).
 *
 * Quarantine.  A device that could not be reset at its release (it has
 * no reset method, its reset failed, or the release came from the
 * driver's remove callback) may hold a transfer it was given before,
 * which completes once its next holder turns bus mastering on.  Its
 * buffers' memory is then not freed but quarantined: the stale transfer
 * lands in memory nobody else has.  While the function stays bound to
 * the "genode" driver (the administrator assigned it) the memory also
 * stays mapped for it, so the DMA API cannot give the buffers' bus
 * addresses to the next holder's buffers.  DMA API mappings must not
 * outlive the driver's binding, so when the function is unbound (the end
 * of a claim that bound it, a sysfs unbind, unloading) the driver's
 * remove unmaps them and only the pages stay: behind an IOMMU a stale
 * transfer then faults, unless the DMA API has given its I/O virtual
 * address to a buffer again.  The quarantine of a device ends when a
 * later release resets it, when it is removed from the system, when the
 * module is unloaded, or when the administrator says the device is idle
 * (debugfs genode/quarantine).  Quarantined memory is charged to no
 * session; its buddy pages stay charged to the memory cgroup they were
 * allocated in.  While the quarantine of all devices holds quarantine_mb
 * or more, a device that has memory in quarantine can be claimed only
 * with CAP_SYS_RAWIO (genode_dma_quarantine_full()), which bounds it.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/sched/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/pgtable.h>
#include <asm/set_memory.h>

#include "contig.h"
#include "dma.h"
#include "genode_dev.h"
#include "pci.h"
#include "resource.h"

static unsigned int dma_quota_mb = 256;
module_param(dma_quota_mb, uint, 0644);
MODULE_PARM_DESC(dma_quota_mb,
		 "DMA memory a session may hold, in MiB, fixed when the session is opened (default 256)");

static unsigned int quarantine_mb = 256;
module_param(quarantine_mb, uint, 0644);
MODULE_PARM_DESC(quarantine_mb,
		 "DMA memory of devices without a reset in quarantine, in MiB, from which on claiming such a device needs CAP_SYS_RAWIO (default 256)");

struct genode_dma_buffer {
	struct genode_resource res;

	/* fixed at allocation */
	u64 size;			/* bytes, a multiple of PAGE_SIZE */
	unsigned long nr_pages;
	u32 cache;			/* GENODE_DMA_* */
	dma_addr_t bus_addr;		/* of the first byte */
	phys_addr_t phys_addr;		/* of the first byte; 0 if scattered */
	bool translated;		/* an IOMMU translates the device's DMA */
	/* holds a quota charge and a reference while it has memory */
	struct genode_session *session;
	/*
	 * Memory that no memory cgroup is charged for (physically contiguous
	 * beyond the buddy allocator's largest block) is charged to the
	 * locked memory of the process that allocated it, as vfio charges
	 * pinned pages: its mm (mmgrab), NULL otherwise.
	 */
	struct mm_struct *locked_mm;

	/*
	 * The memory: guarded by res.revoke_lock (operations use it, the
	 * release holds the lock for writing, always after revocation has
	 * set res.unmapped under res.map_lock, which faults hold), and by the
	 * buffer having no fd any more once the device's hook frees it.  @pages is NULL once
	 * it is freed.
	 */
	struct page **pages;
	bool kernel_map_set;		/* linear mapping switched to @cache */
	struct sg_table sgt;
	bool mapped;			/* @sgt is mapped for the device */

	/*
	 * The device, NULL for none.  @dev_file keeps it (and its claim)
	 * alive; @hook frees the memory in the device's release.
	 * @device_gone (the hook ran) and @hook_frees (the fd is gone, the
	 * hook frees the buffer) are guarded by gdev->lock.
	 */
	struct genode_pci_device *gdev;
	struct file *dev_file;
	struct genode_pci_hook hook;
	bool device_gone;
	bool hook_frees;

	/*
	 * For no device: its physical address was given out; held on the
	 * session's dma_held by @held_link (see "Holding"), @held_free: the
	 * fd went while it was held (the session's lock guards both flags)
	 */
	bool phys_given;
	bool held;
	bool held_free;
	struct list_head held_link;

	/* in genode_dma_buffers while it has memory */
	struct list_head link;
	/* revoked, its memory kept for the device's release (list lock) */
	bool deferred;

	/*
	 * Every buffer gets @spare at allocation: the release of a device
	 * that could not be reset moves the memory of the device's buffers,
	 * and of the held buffers for no device, into it, so that
	 * quarantining needs no allocation.  A quarantined
	 * buffer has nothing but its memory (mapped for the device, @sgt,
	 * while the device stays bound to "genode") and @quarantined_for, a
	 * reference to the device (see "Quarantine" above); it is on
	 * genode_dma_buffers with them.
	 */
	struct genode_dma_buffer *spare;
	struct pci_dev *quarantined_for;

	/*
	 * IOMMU domain mappings of the buffer (genode_dma_pin()): each holds
	 * the buffer's file and a pin, and while there are pins the memory
	 * (and its quota charge) stays, even after revocation, which then
	 * sets @pin_deferred and leaves the freeing to the last unpin.  Pins
	 * are taken under res.revoke_lock for reading and dropped under it
	 * for writing; @pin_deferred is guarded by it.
	 */
	atomic_long_t pins;
	bool pin_deferred;
};

/*
 * Every buffer that holds memory, for the debugfs view and the mask
 * check.  The lock guards the list; a buffer leaves it before its memory
 * is freed, so a reader holding the lock may look at the pages of the
 * buffers on it.  Lock order: gdev->lock -> revoke_lock -> this lock ->
 * an IOMMU group's mutex (genode_dma_group_claim(), the owner check).
 */
static LIST_HEAD(genode_dma_buffers);
static DEFINE_MUTEX(genode_dma_buffers_lock);
/* bytes of the quarantined buffers on the list, under its lock */
static u64 genode_dma_quarantined;
static struct dentry *genode_dma_debugfs;

static struct genode_dma_buffer *to_dma_buffer(struct genode_resource *res)
{
	return container_of(res, struct genode_dma_buffer, res);
}

/* ---- quota ---- */

void genode_dma_session_init(struct genode_session *s)
{
	s->dma_limit = (u64)READ_ONCE(dma_quota_mb) << 20;
	s->dma_used = 0;
	s->dma_claims = 0;
	INIT_LIST_HEAD(&s->dma_held);
}

static int genode_dma_charge(struct genode_session *s, u64 size)
{
	int ret = 0;

	mutex_lock(&s->lock);
	if (size > s->dma_limit - s->dma_used)
		ret = -EDQUOT;
	else
		s->dma_used += size;
	mutex_unlock(&s->lock);
	return ret;
}

static void genode_dma_uncharge(struct genode_session *s, u64 size)
{
	mutex_lock(&s->lock);
	WARN_ON_ONCE(size > s->dma_used);
	s->dma_used -= size;
	mutex_unlock(&s->lock);
}

int genode_dma_quota(struct genode_ucmd *ucmd)
{
	struct genode_dma_quota *cmd = ucmd->cmd;
	struct genode_session *s = ucmd->session;

	if (cmd->flags)
		return -EINVAL;

	mutex_lock(&s->lock);
	cmd->limit = s->dma_limit;
	cmd->used = s->dma_used;
	mutex_unlock(&s->lock);
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

/* ---- memory ---- */

/* Switch the linear mapping of @numpages pages at @addr to @cache. */
static int genode_dma_set_memory(unsigned long addr, int numpages, u32 cache)
{
	switch (cache) {
	case GENODE_DMA_UNCACHED:
		return set_memory_uc(addr, numpages);
	case GENODE_DMA_WRITE_COMBINED:
		return set_memory_wc(addr, numpages);
	default:
		return set_memory_wb(addr, numpages);
	}
}

/*
 * Switch the linear mapping of the buffer's pages to @cache, run of
 * physically contiguous pages by run, for at most @max_runs runs; stop at
 * the first error.  Returns the number of runs done in *done.
 */
static int genode_dma_set_runs(struct genode_dma_buffer *buf, u32 cache,
			       unsigned long max_runs, unsigned long *done)
{
	unsigned long i = 0, runs = 0;
	int ret = 0;

	while (i < buf->nr_pages && runs < max_runs) {
		unsigned long start = i;
		unsigned long pfn = page_to_pfn(buf->pages[i]);

		do {
			i++;
		} while (i < buf->nr_pages && i - start < INT_MAX &&
			 page_to_pfn(buf->pages[i]) == pfn + (i - start));
		ret = genode_dma_set_memory((unsigned long)
					    page_address(buf->pages[start]),
					    i - start, cache);
		if (ret)
			break;
		runs++;
	}
	*done = runs;
	return ret;
}

/* Give the kernel's linear mapping of the buffer its cache attribute. */
static int genode_dma_set_kernel_map(struct genode_dma_buffer *buf)
{
	unsigned long done, undone;
	int ret;

	if (buf->cache == GENODE_DMA_CACHED)
		return 0;

	ret = genode_dma_set_runs(buf, buf->cache, ULONG_MAX, &done);
	if (ret) {
		/*
		 * set_memory_uc/wc() give the memory type back when they
		 * fail, but not the part of the run's linear mapping they
		 * switched already (a later large page could not be split).
		 * So the failing run is switched back with the runs done.
		 * That needs no memory (what was switched is split already,
		 * the rest is write-back), but if it fails all the same, the
		 * pages must not go back to the allocator uncached:
		 * kernel_map_set makes genode_dma_free_pages() try again and
		 * leak them if that fails too.
		 */
		if (genode_dma_set_runs(buf, GENODE_DMA_CACHED, done + 1,
					&undone))
			buf->kernel_map_set = true;
		return ret;
	}
	buf->kernel_map_set = true;
	return 0;
}

static void genode_dma_free_pages(struct genode_dma_buffer *buf,
				  unsigned long nr_pages)
{
	unsigned long i, done;

	if (buf->kernel_map_set) {
		/*
		 * set_memory_wb() can fail only for lack of memory to split
		 * the linear mapping, which setting the attribute did
		 * already; a page left uncached must not go back.
		 */
		if (WARN_ON(genode_dma_set_runs(buf, GENODE_DMA_CACHED,
						ULONG_MAX, &done)))
			return;
		buf->kernel_map_set = false;
	}
	for (i = 0; i < nr_pages; i++) {
		put_page(buf->pages[i]);
		if (!(i % 1024))
			cond_resched();
	}
}

/*
 * Physically contiguous, zeroed pages at or below @limit.  @gfp_zone is
 * the zone modifier for the buddy path (0, __GFP_DMA32 or __GFP_DMA).
 */
static int genode_dma_alloc_contig(struct genode_dma_buffer *buf,
				   phys_addr_t limit, gfp_t gfp_zone)
{
	struct page *page = NULL;
	unsigned long i;

	if (get_order(buf->size) <= MAX_PAGE_ORDER) {
		void *va = alloc_pages_exact(buf->size,
					     GFP_KERNEL_ACCOUNT | __GFP_ZERO |
					     __GFP_NOWARN |
					     __GFP_RETRY_MAYFAIL | gfp_zone);

		if (!va)
			return -ENOMEM;
		if (virt_to_phys(va) + buf->size - 1 <= limit) {
			page = virt_to_page(va);
		} else {
			/* above the limit: search a range below it instead */
			free_pages_exact(va, buf->size);
		}
	}

	if (!page) {
		page = genode_contig_alloc(buf->nr_pages, limit);
		if (IS_ERR(page))
			return PTR_ERR(page);
		for (i = 0; i < buf->nr_pages; i++) {
			clear_highpage(nth_page(page, i));
			if (!(i % 256))
				cond_resched();
		}
	}

	for (i = 0; i < buf->nr_pages; i++)
		buf->pages[i] = nth_page(page, i);
	buf->phys_addr = page_to_phys(page);
	return 0;
}

/*
 * Zeroed pages in the largest blocks the buddy allocator has at hand, for
 * a device whose IOMMU makes them contiguous.  Every page is charged to
 * the caller's memory cgroup.
 */
static int genode_dma_alloc_scattered(struct genode_dma_buffer *buf)
{
	unsigned int order = min_t(unsigned int, MAX_PAGE_ORDER,
				   ilog2(buf->nr_pages));
	unsigned long done = 0, i;

	while (done < buf->nr_pages) {
		unsigned int o = min_t(unsigned int, order,
				       ilog2(buf->nr_pages - done));
		gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN;
		struct page *page;

		if (fatal_signal_pending(current))
			goto err_free;
		/* large blocks only where they come cheap */
		page = alloc_pages(o ? gfp | __GFP_NORETRY : gfp, o);
		if (!page) {
			if (!o)
				goto err_free;
			order = o - 1;
			continue;
		}
		split_page(page, o);
		for (i = 0; i < (1UL << o); i++)
			buf->pages[done++] = nth_page(page, i);
		cond_resched();
	}
	return 0;

err_free:
	genode_dma_free_pages(buf, done);
	return fatal_signal_pending(current) ? -EINTR : -ENOMEM;
}

/*
 * Undo genode_dma_map_device(): the device cannot reach the memory any
 * more once this returns (with the IOMMU's lazy flush, once the flush
 * queue has run).
 */
static void genode_dma_unmap_device(struct genode_dma_buffer *buf)
{
	struct device *dev = buf->quarantined_for ?
			     &buf->quarantined_for->dev : &buf->gdev->pdev->dev;
	struct iommu_domain *domain;

	if (buf->mapped) {
		dma_unmap_sgtable(dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
		/*
		 * A lazy (flush-queue) domain, Debian's default, batches the
		 * IOTLB flush of the unmap, and the device is the user's and
		 * may still be running: flush now, before the pages are
		 * freed, so that it cannot reach them through a stale entry.
		 */
		domain = iommu_get_domain_for_dev(dev);
		if (buf->translated && domain)
			iommu_flush_iotlb_all(domain);
	}
	buf->mapped = false;
	sg_free_table(&buf->sgt);
}

/*
 * Map the buffer for its device, gdev->lock held: one range of bus
 * addresses below the device's mask, and without an IOMMU the physical
 * addresses themselves.
 */
static int genode_dma_map_device(struct genode_dma_buffer *buf)
{
	struct device *dev = &buf->gdev->pdev->dev;
	u64 limit = min_not_zero(dma_get_mask(dev), dev->bus_dma_limit);
	struct scatterlist *sg;
	dma_addr_t next;
	unsigned int i;
	int ret;

	lockdep_assert_held(&buf->gdev->lock);

	/* the mask may have shrunk since the memory was placed */
	if (!buf->translated &&
	    phys_to_dma(dev, buf->phys_addr) + buf->size - 1 > limit)
		return -ENOMEM;

	ret = sg_alloc_table_from_pages_segment(&buf->sgt, buf->pages,
						buf->nr_pages, 0, buf->size,
						UINT_MAX & PAGE_MASK,
						GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	ret = dma_map_sgtable(dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		sg_free_table(&buf->sgt);
		return -ENOMEM;
	}
	buf->mapped = true;

	/* one contiguous range of bus addresses, all of it below the mask */
	buf->bus_addr = sg_dma_address(buf->sgt.sgl);
	next = buf->bus_addr;
	for_each_sgtable_dma_sg(&buf->sgt, sg, i) {
		if (sg_dma_address(sg) != next)
			goto err_unmap;
		next += sg_dma_len(sg);
	}
	if (next - buf->bus_addr != buf->size ||
	    buf->bus_addr + buf->size - 1 > limit)
		goto err_unmap;
	/* no bounce buffer: the device must see the buffer's own memory */
	if (!buf->translated &&
	    buf->bus_addr != phys_to_dma(dev, buf->phys_addr))
		goto err_unmap;
	return 0;

err_unmap:
	genode_dma_unmap_device(buf);
	return -ENOMEM;
}

/*
 * Give the memory back: unmap it from the device, restore the linear
 * mapping, free the pages, return the quota.  With revoke_lock held for
 * writing, or with no fd left; the device must not be able to reach the
 * memory except through the mapping undone here.  Does nothing the second
 * time.
 */
/*
 * Charge a buffer that no memory cgroup sees to the caller's
 * RLIMIT_MEMLOCK (CAP_IPC_LOCK is exempt): 0 or -ENOMEM.
 */
static int genode_dma_lock_charge(struct genode_dma_buffer *buf)
{
	struct mm_struct *mm = current->mm;
	int ret;

	if (buf->translated || get_order(buf->size) <= MAX_PAGE_ORDER || !mm)
		return 0;
	ret = account_locked_vm(mm, buf->nr_pages, true);
	if (ret)
		return ret;
	mmgrab(mm);
	buf->locked_mm = mm;
	return 0;
}

static void genode_dma_lock_uncharge(struct genode_dma_buffer *buf)
{
	if (!buf->locked_mm)
		return;
	account_locked_vm(buf->locked_mm, buf->nr_pages, false);
	mmdrop(buf->locked_mm);
	buf->locked_mm = NULL;
}

/* Return the buffer's charges, once its memory is freed or quarantined. */
static void genode_dma_release_charges(struct genode_dma_buffer *buf)
{
	genode_dma_lock_uncharge(buf);
	genode_dma_uncharge(buf->session, buf->size);
	genode_session_put(buf->session);
	buf->session = NULL;
}

/* Unmap a buffer off the list from its device and free its memory. */
static void genode_dma_free_memory(struct genode_dma_buffer *buf)
{
	if (buf->gdev || buf->quarantined_for)
		genode_dma_unmap_device(buf);
	genode_dma_free_pages(buf, buf->nr_pages);
	kvfree(buf->pages);
	buf->pages = NULL;
}

static void genode_dma_release_memory(struct genode_dma_buffer *buf)
{
	if (!buf->pages)
		return;

	mutex_lock(&genode_dma_buffers_lock);
	list_del(&buf->link);
	mutex_unlock(&genode_dma_buffers_lock);

	genode_dma_free_memory(buf);
	genode_dma_release_charges(buf);
}

/*
 * The release of @pdev could not reset it: move the memory of a revoked
 * buffer that @pdev may reach (its own, still mapped for it, or a held
 * buffer for no device) into the buffer's spare, which joins @pdev's
 * quarantine (see "Quarantine" above).  The caller owns the memory: the
 * device's lock held for the device's buffer, the hold for a held one.
 */
static void genode_dma_quarantine(struct genode_dma_buffer *buf,
				  struct pci_dev *pdev)
{
	struct genode_dma_buffer *q = buf->spare;

	if (!buf->pages)
		return;

	q->size = buf->size;
	q->nr_pages = buf->nr_pages;
	q->cache = buf->cache;
	q->bus_addr = buf->bus_addr;
	q->phys_addr = buf->phys_addr;
	q->translated = buf->translated;
	q->pages = buf->pages;
	q->kernel_map_set = buf->kernel_map_set;
	q->sgt = buf->sgt;
	q->mapped = buf->mapped;
	q->quarantined_for = pci_dev_get(pdev);
	buf->spare = NULL;

	mutex_lock(&genode_dma_buffers_lock);
	list_replace(&buf->link, &q->link);
	genode_dma_quarantined += q->size;
	mutex_unlock(&genode_dma_buffers_lock);

	buf->pages = NULL;
	buf->kernel_map_set = false;
	buf->mapped = false;
	memset(&buf->sgt, 0, sizeof(buf->sgt));
	genode_dma_release_charges(buf);
}

void genode_dma_quarantine_end(struct pci_dev *pdev)
{
	struct genode_dma_buffer *buf, *b;
	LIST_HEAD(ended);

	mutex_lock(&genode_dma_buffers_lock);
	list_for_each_entry_safe(buf, b, &genode_dma_buffers, link) {
		if (!buf->quarantined_for ||
		    (pdev && buf->quarantined_for != pdev))
			continue;
		list_move_tail(&buf->link, &ended);
		genode_dma_quarantined -= buf->size;
	}
	mutex_unlock(&genode_dma_buffers_lock);

	list_for_each_entry_safe(buf, b, &ended, link) {
		genode_dma_free_memory(buf);
		pci_dev_put(buf->quarantined_for);
		kfree(buf);
		cond_resched();
	}
}

void genode_dma_quarantine_unmap(struct pci_dev *pdev)
{
	struct genode_dma_buffer *buf;

	mutex_lock(&genode_dma_buffers_lock);
	list_for_each_entry(buf, &genode_dma_buffers, link) {
		if (buf->quarantined_for == pdev && buf->mapped) {
			genode_dma_unmap_device(buf);
			cond_resched();
		}
	}
	mutex_unlock(&genode_dma_buffers_lock);
}

bool genode_dma_quarantine_full(struct pci_dev *pdev)
{
	struct genode_dma_buffer *buf;
	bool full = false;

	mutex_lock(&genode_dma_buffers_lock);
	if (genode_dma_quarantined >= (u64)READ_ONCE(quarantine_mb) << 20) {
		list_for_each_entry(buf, &genode_dma_buffers, link) {
			if (buf->quarantined_for == pdev) {
				full = true;
				break;
			}
		}
	}
	mutex_unlock(&genode_dma_buffers_lock);
	return full;
}

/* Free a buffer object (its memory is gone) and its spare. */
static void genode_dma_buffer_free(struct genode_dma_buffer *buf)
{
	kfree(buf->spare);
	kfree(buf);
}

/* ---- the buffer fd ---- */

/*
 * The addresses a caller may see: an IOMMU's I/O virtual address always;
 * the physical address, and a bus address that is the physical address,
 * only to a caller with CAP_SYS_RAWIO.
 */
static void genode_dma_addrs(struct genode_dma_buffer *buf, u64 *bus_addr,
			     u64 *phys_addr, u32 *out_flags)
{
	if (buf->translated) {
		*bus_addr = buf->bus_addr;
		*phys_addr = 0;
		*out_flags = GENODE_DMA_TRANSLATED | GENODE_DMA_PHYS_WITHHELD;
	} else if (capable(CAP_SYS_RAWIO)) {
		*bus_addr = buf->bus_addr;
		*phys_addr = buf->phys_addr;
		*out_flags = 0;
		WRITE_ONCE(buf->phys_given, true);
	} else {
		*bus_addr = 0;
		*phys_addr = 0;
		*out_flags = GENODE_DMA_BUS_WITHHELD |
			     GENODE_DMA_PHYS_WITHHELD;
	}
}

static int genode_dma_info(struct genode_ucmd *ucmd)
{
	struct genode_dma_buffer *buf = to_dma_buffer(ucmd->res);
	struct genode_dma_info *cmd = ucmd->cmd;
	u64 bus, phys;
	u32 out_flags;

	if (cmd->flags)
		return -EINVAL;

	genode_dma_addrs(buf, &bus, &phys, &out_flags);
	cmd->size = buf->size;
	cmd->cache = buf->cache;
	cmd->out_flags = out_flags;
	cmd->bus_addr = bus;
	cmd->phys_addr = phys;
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

/* Sync [offset, offset + len) of a mapped buffer, segment by segment. */
static void genode_dma_sync_range(struct genode_dma_buffer *buf, bool for_cpu,
				  u64 offset, u64 len,
				  enum dma_data_direction dir)
{
	struct device *dev = &buf->gdev->pdev->dev;
	struct scatterlist *sg;
	u64 pos = 0, from, to;
	unsigned int i;

	for_each_sgtable_dma_sg(&buf->sgt, sg, i) {
		from = max(offset, pos);
		to = min(offset + len, pos + sg_dma_len(sg));
		if (from < to) {
			if (for_cpu)
				dma_sync_single_range_for_cpu(dev,
							      sg_dma_address(sg),
							      from - pos,
							      to - from, dir);
			else
				dma_sync_single_range_for_device(dev,
								 sg_dma_address(sg),
								 from - pos,
								 to - from, dir);
		}
		pos += sg_dma_len(sg);
	}
}

static int genode_dma_sync(struct genode_ucmd *ucmd)
{
	struct genode_dma_buffer *buf = to_dma_buffer(ucmd->res);
	struct genode_dma_sync *cmd = ucmd->cmd;

	if (cmd->flags != GENODE_DMA_SYNC_FOR_CPU &&
	    cmd->flags != GENODE_DMA_SYNC_FOR_DEVICE)
		return -EINVAL;
	if (cmd->direction != GENODE_DMA_TO_DEVICE &&
	    cmd->direction != GENODE_DMA_FROM_DEVICE &&
	    cmd->direction != GENODE_DMA_BIDIRECTIONAL)
		return -EINVAL;
	if (cmd->__reserved || !cmd->length || cmd->offset >= buf->size ||
	    cmd->length > buf->size - cmd->offset)
		return -EINVAL;

	/* a buffer for no device has no device to sync for */
	if (buf->mapped)
		genode_dma_sync_range(buf, cmd->flags & GENODE_DMA_SYNC_FOR_CPU,
				      cmd->offset, cmd->length,
				      cmd->direction == GENODE_DMA_TO_DEVICE ?
				      DMA_TO_DEVICE :
				      cmd->direction == GENODE_DMA_FROM_DEVICE ?
				      DMA_FROM_DEVICE : DMA_BIDIRECTIONAL);
	return 0;
}

static const struct genode_ioctl_op genode_dma_ioctls[] = {
	GENODE_IOCTL_OP(GENODE_DMA_INFO, genode_dma_info,
			struct genode_dma_info, phys_addr),
	GENODE_IOCTL_OP(GENODE_DMA_SYNC, genode_dma_sync,
			struct genode_dma_sync, __reserved),
};

static vm_fault_t genode_dma_fault(struct vm_fault *vmf)
{
	struct genode_dma_buffer *buf = vmf->vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (!genode_resource_fault_begin(&buf->res))
		return VM_FAULT_SIGBUS;
	if (vmf->pgoff < buf->nr_pages)
		ret = vmf_insert_page(vmf->vma, vmf->address,
				      buf->pages[vmf->pgoff]);
	genode_resource_fault_end(&buf->res);
	return ret;
}

static const struct vm_operations_struct genode_dma_vm_ops = {
	.fault = genode_dma_fault,
};

static pgprot_t genode_dma_pgprot(u32 cache, pgprot_t prot)
{
	switch (cache) {
	case GENODE_DMA_UNCACHED:
		return pgprot_noncached(prot);
	case GENODE_DMA_WRITE_COMBINED:
		return pgprot_writecombine(prot);
	default:
		return prot;
	}
}

static int genode_dma_mmap(struct genode_resource *res,
			   struct vm_area_struct *vma)
{
	struct genode_dma_buffer *buf = to_dma_buffer(res);
	unsigned long pages = vma_pages(vma);

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* memory a device can write is never executable */
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff >= buf->nr_pages ||
	    pages > buf->nr_pages - vma->vm_pgoff)
		return -EINVAL;

	/*
	 * VM_MIXEDMAP lets the fault handler insert pages; no VM_IO or
	 * VM_PFNMAP, so that get_user_pages() works on the mapping.
	 */
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYEXEC);
	vma->vm_page_prot = genode_dma_pgprot(buf->cache, vma->vm_page_prot);
	vma->vm_ops = &genode_dma_vm_ops;
	vma->vm_private_data = buf;
	return 0;
}

/* ---- holding (see "Holding" above) ---- */

/*
 * Keep the memory of a buffer for no device, revoked as its process dies,
 * for the end of its session's claims: true if it is held (now, or
 * already).  revoke_lock held for writing.
 */
static bool genode_dma_hold(struct genode_dma_buffer *buf)
{
	struct genode_session *s = buf->res.owner;
	bool held;

	lockdep_assert_held_write(&buf->res.revoke_lock);
	if (buf->gdev || !READ_ONCE(buf->phys_given) || !buf->res.file ||
	    !(current->flags & PF_EXITING))
		return false;
	mutex_lock(&s->lock);
	held = buf->held;
	if (!held && buf->pages && s->dma_claims) {
		list_add_tail(&buf->held_link, &s->dma_held);
		buf->held = true;
		held = true;
	}
	mutex_unlock(&s->lock);
	return held;
}

void genode_dma_session_claim(struct genode_session *s)
{
	mutex_lock(&s->lock);
	s->dma_claims++;
	mutex_unlock(&s->lock);
}

void genode_dma_session_unclaim(struct genode_session *s,
				struct pci_dev *pdev, bool reset)
{
	struct genode_dma_buffer *buf, *b;
	struct pci_dev *unreset;
	LIST_HEAD(held);
	bool free_it;

	mutex_lock(&s->lock);
	if (WARN_ON_ONCE(!s->dma_claims)) {
		mutex_unlock(&s->lock);
		return;
	}
	if (!reset && !s->dma_unreset)
		s->dma_unreset = pci_dev_get(pdev);
	if (--s->dma_claims) {
		mutex_unlock(&s->lock);
		return;
	}
	list_splice_init(&s->dma_held, &held);
	unreset = s->dma_unreset;
	s->dma_unreset = NULL;
	mutex_unlock(&s->lock);

	/* the buffers' charges hold @s; the last may go with the last one */
	genode_session_get(s);
	list_for_each_entry_safe(buf, b, &held, held_link) {
		if (unreset)
			genode_dma_quarantine(buf, unreset);
		else
			genode_dma_release_memory(buf);
		mutex_lock(&s->lock);
		buf->held = false;
		free_it = buf->held_free;
		mutex_unlock(&s->lock);
		if (free_it)
			genode_dma_buffer_free(buf);
		cond_resched();
	}
	genode_session_put(s);
	pci_dev_put(unreset);
}

static void genode_dma_revoke(struct genode_resource *res)
{
	struct genode_dma_buffer *buf = to_dma_buffer(res);

	lockdep_assert_held_write(&res->revoke_lock);
	/*
	 * The device may still reach the memory (at its physical address,
	 * or at an IOVA the DMA API would give to another buffer once it is
	 * unmapped): it is freed by the device's release hook, after bus
	 * mastering is off.  (@device_gone is read without gdev->lock: the
	 * hook sets it before it takes revoke_lock and frees whatever is
	 * left.)  A buffer that never got a file (its GENODE_DMA_ALLOC
	 * failed before the caller could learn of it) is freed at once.
	 */
	if (buf->gdev && res->file && !READ_ONCE(buf->device_gone)) {
		mutex_lock(&genode_dma_buffers_lock);
		buf->deferred = true;
		mutex_unlock(&genode_dma_buffers_lock);
		return;
	}
	/* an IOMMU domain maps it: the last unmap frees it */
	if (atomic_long_read(&buf->pins)) {
		buf->pin_deferred = true;
		return;
	}
	if (genode_dma_hold(buf))
		return;
	genode_dma_release_memory(buf);
}

static void genode_dma_free(struct genode_resource *res)
{
	struct genode_dma_buffer *buf = to_dma_buffer(res);
	struct genode_pci_device *gdev = buf->gdev;
	struct file *dev_file = buf->dev_file;
	struct genode_session *s = res->owner;
	bool held;

	if (!gdev) {
		/*
		 * A held buffer is freed by genode_dma_session_unclaim(): once
		 * the lock is dropped, @buf may be gone.
		 */
		mutex_lock(&s->lock);
		held = buf->held;
		buf->held_free = held;
		mutex_unlock(&s->lock);
		if (!held)
			genode_dma_buffer_free(buf);
		return;
	}
	mutex_lock(&gdev->lock);
	if (buf->pages && !buf->device_gone) {
		/*
		 * The device's release frees the memory and us: once the lock
		 * is dropped, @buf may be gone.
		 */
		buf->hook_frees = true;
		mutex_unlock(&gdev->lock);
		fput(dev_file);
		return;
	}
	mutex_unlock(&gdev->lock);
	genode_pci_hook_del(gdev, &buf->hook);
	fput(dev_file);
	genode_dma_buffer_free(buf);
}

/*
 * Free the memory of a revoked buffer whose device was released, or
 * quarantine it if the release could not reset the device.
 */
static void genode_dma_release_for_device(struct genode_dma_buffer *buf)
{
	lockdep_assert_held(&buf->gdev->lock);
	if (buf->gdev->reset_on_release)
		genode_dma_release_memory(buf);
	else
		genode_dma_quarantine(buf, buf->gdev->pdev);
}

/*
 * The device's release, at GENODE_PCI_STAGE_DMA: bus mastering is off and
 * the device was reset if it could be, so its memory can go, or go into
 * quarantine.  gdev->lock held.
 */
static void genode_dma_device_released(struct genode_pci_hook *hook,
				       struct genode_pci_device *gdev)
{
	struct genode_dma_buffer *buf =
		container_of(hook, struct genode_dma_buffer, hook);

	lockdep_assert_held(&gdev->lock);
	WRITE_ONCE(buf->device_gone, true);
	if (buf->hook_frees) {
		/* no fd, no mapping, no operation left: nothing else has it */
		genode_dma_release_for_device(buf);
		genode_dma_buffer_free(buf);
		return;
	}
	/* zaps every mapping, and frees the memory unless done already */
	genode_resource_revoke(&buf->res);
	down_write(&buf->res.revoke_lock);
	genode_dma_release_for_device(buf);
	up_write(&buf->res.revoke_lock);
}

static const struct genode_resource_ops genode_dma_ops = {
	.name = "genode-dma",
	.ioctls = genode_dma_ioctls,
	.num_ioctls = ARRAY_SIZE(genode_dma_ioctls),
	.mmap = genode_dma_mmap,
	.revoke = genode_dma_revoke,
	.free = genode_dma_free,
};

/* ---- allocation ---- */

/*
 * The zone modifier that makes the buddy allocator's block likely to lie
 * below @limit (it is checked anyway).
 */
static gfp_t genode_dma_gfp_zone(u64 limit)
{
	return limit <= DMA_BIT_MASK(32) ? __GFP_DMA32 : 0;
}

/*
 * Memory for the buffer: for a translating device scattered pages, else
 * physically contiguous pages below the device's limit (or anywhere).
 */
static int genode_dma_alloc_memory(struct genode_dma_buffer *buf, u64 limit)
{
	if (buf->translated)
		return genode_dma_alloc_scattered(buf);
	return genode_dma_alloc_contig(buf,
				       min_t(u64, limit, (phys_addr_t)-1),
				       genode_dma_gfp_zone(limit));
}

int genode_dma_alloc(struct genode_ucmd *ucmd)
{
	struct genode_dma_alloc *cmd = ucmd->cmd;
	struct genode_session *s = ucmd->session;
	struct genode_pci_device *gdev = NULL;
	struct file *dev_file = NULL;
	struct genode_dma_buffer *buf;
	u64 size, bus, phys, limit = U64_MAX;
	bool translated = false;
	u32 out_flags;
	int ret;

	if (cmd->flags & ~GENODE_DMA_ALLOC_BELOW_4G)
		return -EINVAL;
	/* a device's buffers lie below its mask, GENODE_DMA_SET_MASK's */
	if (cmd->flags & GENODE_DMA_ALLOC_BELOW_4G) {
		if (cmd->device_fd != GENODE_NO_DEVICE)
			return -EINVAL;
		limit = DMA_BIT_MASK(32);
	}
	if (cmd->cache != GENODE_DMA_CACHED &&
	    cmd->cache != GENODE_DMA_UNCACHED &&
	    cmd->cache != GENODE_DMA_WRITE_COMBINED)
		return -EINVAL;
	/* the largest size whose pages can be addressed by file offsets */
	if (!cmd->size || cmd->size > (MAX_LFS_FILESIZE & PAGE_MASK))
		return -EINVAL;
	size = PAGE_ALIGN(cmd->size);

	if (cmd->device_fd != GENODE_NO_DEVICE) {
		struct device *dev;
		struct file *file;

		gdev = genode_pci_device_lock_fd(s, cmd->device_fd, &file);
		if (IS_ERR(gdev))
			return PTR_ERR(gdev);
		dev = &gdev->pdev->dev;
		translated = genode_pci_iommu_translates(gdev->pdev);
		limit = min_not_zero(dma_get_mask(dev), dev->bus_dma_limit);
		/* our own reference, for the buffer */
		dev_file = get_file(file);
		genode_pci_device_unlock_fput(gdev, file);
	}

	ret = genode_dma_charge(s, size);
	if (ret)
		goto err_put_device;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	buf->spare = kzalloc(sizeof(*buf->spare), GFP_KERNEL_ACCOUNT);
	if (!buf->spare) {
		ret = -ENOMEM;
		goto err_free_buf;
	}
	buf->size = size;
	buf->nr_pages = size >> PAGE_SHIFT;
	buf->cache = cmd->cache;
	buf->translated = translated;
	/* no warning for an array beyond INT_MAX (a quota above 1 TiB) */
	buf->pages = kvmalloc_array(buf->nr_pages, sizeof(*buf->pages),
				    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf->pages) {
		ret = -ENOMEM;
		goto err_free_buf;
	}

	ret = genode_dma_lock_charge(buf);
	if (ret)
		goto err_free_array;
	/* allocating can take long: not under the device's lock */
	ret = genode_dma_alloc_memory(buf, limit);
	if (ret)
		goto err_lock_uncharge;
	buf->bus_addr = buf->phys_addr;

	ret = genode_dma_set_kernel_map(buf);
	if (ret)
		goto err_free_pages;

	if (gdev) {
		mutex_lock(&gdev->lock);
		if (gdev->released) {
			ret = -ENODEV;
			goto err_unlock;
		}
		buf->gdev = gdev;
		ret = genode_dma_map_device(buf);
		if (ret)
			goto err_unlock;
	}

	/*
	 * Its group may be an IOMMU domain's, not the DMA API's: checked
	 * under the list lock, which genode_dma_group_claim() holds while it
	 * takes a group, so that no buffer of a member joins the list after
	 * it looked.
	 */
	mutex_lock(&genode_dma_buffers_lock);
	if (gdev && genode_pci_group_owned(gdev->pdev)) {
		mutex_unlock(&genode_dma_buffers_lock);
		genode_dma_unmap_device(buf);
		ret = -EBUSY;
		goto err_unlock;
	}
	/* from here the resource owns the memory, the charge, the device */
	buf->session = genode_session_get(s);
	genode_resource_init(&buf->res, &genode_dma_ops, s);
	if (gdev) {
		buf->dev_file = dev_file;
		buf->hook.stage = GENODE_PCI_STAGE_DMA;
		buf->hook.release = genode_dma_device_released;
		genode_pci_hook_add(gdev, &buf->hook);
	}
	list_add_tail(&buf->link, &genode_dma_buffers);
	mutex_unlock(&genode_dma_buffers_lock);
	if (gdev)
		mutex_unlock(&gdev->lock);

	genode_dma_addrs(buf, &bus, &phys, &out_flags);
	cmd->out_flags = out_flags;
	cmd->bus_addr = bus;
	cmd->phys_addr = phys;
	return genode_resource_install(&buf->res, ucmd, sizeof(*cmd),
				       &cmd->fd);

err_unlock:
	mutex_unlock(&gdev->lock);
	buf->gdev = NULL;
err_free_pages:
	genode_dma_free_pages(buf, buf->nr_pages);
err_lock_uncharge:
	genode_dma_lock_uncharge(buf);
err_free_array:
	kvfree(buf->pages);
err_free_buf:
	genode_dma_buffer_free(buf);
err_uncharge:
	genode_dma_uncharge(s, size);
err_put_device:
	if (dev_file)
		fput(dev_file);
	return ret;
}

/* ---- for IOMMU domains ---- */

int genode_dma_pin(struct genode_session *s, int fd, u64 offset, u64 size,
		   struct page **pages, struct file **filep)
{
	struct genode_resource *res;
	struct genode_dma_buffer *buf;
	unsigned long i, first;
	struct file *file;
	int ret = 0;

	file = fget(fd);
	if (!file)
		return -EBADF;
	res = genode_resource_from_file(file);
	if (!res || res->ops != &genode_dma_ops) {
		ret = -EINVAL;
		goto out_fput;
	}
	if (res->owner != s) {
		ret = -EPERM;
		goto out_fput;
	}
	if (!genode_resource_enter(res)) {
		ret = -ENODEV;
		goto out_fput;
	}
	buf = to_dma_buffer(res);
	/* a device's buffer is its default domain's */
	if (buf->gdev || !buf->pages || offset >= buf->size ||
	    size > buf->size - offset) {
		ret = -EINVAL;
		goto out_leave;
	}
	first = offset >> PAGE_SHIFT;
	for (i = 0; i < size >> PAGE_SHIFT; i++) {
		pages[i] = buf->pages[first + i];
		get_page(pages[i]);
	}
	/* revocation, which frees the memory, waits for the read lock */
	atomic_long_inc(&buf->pins);
	*filep = get_file(file);
out_leave:
	genode_resource_leave(res);
out_fput:
	fput(file);
	return ret;
}

void genode_dma_unpin(struct file *file)
{
	struct genode_dma_buffer *buf =
		to_dma_buffer(genode_resource_from_file(file));

	down_write(&buf->res.revoke_lock);
	if (atomic_long_dec_and_test(&buf->pins) && buf->pin_deferred)
		genode_dma_release_memory(buf);
	up_write(&buf->res.revoke_lock);
	fput(file);
}

int genode_dma_group_claim(struct iommu_group *group, void *owner)
{
	struct genode_dma_buffer *buf;
	struct iommu_group *g;
	int ret = 0;

	mutex_lock(&genode_dma_buffers_lock);
	list_for_each_entry(buf, &genode_dma_buffers, link) {
		/* a revoked one stays mapped, out of use, in the default domain */
		if (!buf->gdev || buf->deferred)
			continue;
		g = iommu_group_get(&buf->gdev->pdev->dev);
		iommu_group_put(g);
		/* still held by the caller if it is the same */
		if (g == group) {
			ret = -EBUSY;
			break;
		}
	}
	if (!ret)
		ret = iommu_group_claim_dma_owner(group, owner);
	mutex_unlock(&genode_dma_buffers_lock);
	return ret;
}

int genode_dma_set_mask(struct genode_ucmd *ucmd)
{
	struct genode_dma_set_mask *cmd = ucmd->cmd;
	struct genode_dma_buffer *buf;
	struct genode_pci_device *gdev;
	struct file *file;
	u64 mask;
	int ret = 0;

	if (cmd->flags || cmd->bits < 24 || cmd->bits > 64)
		return -EINVAL;
	mask = DMA_BIT_MASK(cmd->bits);

	gdev = genode_pci_device_lock_fd(ucmd->session, cmd->device_fd,
					 &file);
	if (IS_ERR(gdev))
		return PTR_ERR(gdev);

	/* the device's buffers in use must stay reachable */
	mutex_lock(&genode_dma_buffers_lock);
	list_for_each_entry(buf, &genode_dma_buffers, link) {
		if (buf->gdev == gdev && !buf->deferred &&
		    buf->bus_addr + buf->size - 1 > mask) {
			ret = -EBUSY;
			break;
		}
	}
	mutex_unlock(&genode_dma_buffers_lock);
	if (!ret)
		ret = dma_set_mask_and_coherent(&gdev->pdev->dev, mask);

	genode_pci_device_unlock_fput(gdev, file);
	return ret;
}

/* ---- debugfs: what the kernel's own mapping of each buffer is ---- */

static const char *const genode_dma_cache_names[] = {
	[GENODE_DMA_CACHED] = "cached",
	[GENODE_DMA_UNCACHED] = "uncached",
	[GENODE_DMA_WRITE_COMBINED] = "write-combined",
};

/* Does the linear mapping of @page have the memory type of @cache? */
static bool genode_dma_kernel_map_matches(struct page *page, u32 cache)
{
	static const enum page_cache_mode modes[] = {
		[GENODE_DMA_CACHED] = _PAGE_CACHE_MODE_WB,
		[GENODE_DMA_UNCACHED] = _PAGE_CACHE_MODE_UC_MINUS,
		[GENODE_DMA_WRITE_COMBINED] = _PAGE_CACHE_MODE_WC,
	};
	pgprotval_t want = cachemode2protval(modes[cache]);
	unsigned int level;
	pte_t *pte;

	pte = lookup_address((unsigned long)page_address(page), &level);
	if (!pte)
		return false;
	if (level != PG_LEVEL_4K)
		want = protval_4k_2_large(want);
	return (pte_flags(*pte) & (level == PG_LEVEL_4K ? _PAGE_CACHE_MASK :
				   _PAGE_PWT | _PAGE_PCD | _PAGE_PAT_LARGE)) ==
	       want;
}

/*
 * One line per buffer: its first PFN, its size in pages, its cache
 * attribute, how many of its pages the kernel maps with another memory
 * type (always 0 unless something is wrong), "deferred" for a revoked
 * buffer whose memory waits for its device's release, and "quarantined"
 * and the device for memory in quarantine.
 */
static int genode_dma_debugfs_show(struct seq_file *m, void *v)
{
	struct genode_dma_buffer *buf;
	unsigned long i, mismatch;

	mutex_lock(&genode_dma_buffers_lock);
	list_for_each_entry(buf, &genode_dma_buffers, link) {
		mismatch = 0;
		for (i = 0; i < buf->nr_pages; i++)
			mismatch += !genode_dma_kernel_map_matches(buf->pages[i],
								   buf->cache);
		seq_printf(m, "pfn 0x%lx pages %lu cache %s kernel_map_mismatch %lu%s%s%s\n",
			   page_to_pfn(buf->pages[0]), buf->nr_pages,
			   genode_dma_cache_names[buf->cache], mismatch,
			   buf->deferred ? " deferred" : "",
			   buf->quarantined_for ? " quarantined " : "",
			   buf->quarantined_for ?
			   pci_name(buf->quarantined_for) : "");
	}
	mutex_unlock(&genode_dma_buffers_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(genode_dma_debugfs);

/*
 * kernel_map: write "<first pfn in hex> <pages>", read how many of those
 * pages the linear mapping maps write-back, otherwise, or not at all: so
 * that a test can see that freed buffers went back write-back.
 */
static unsigned long genode_dma_query_pfn, genode_dma_query_pages;
static DEFINE_MUTEX(genode_dma_query_lock);	/* guards the query range */

static int genode_dma_kernel_map_show(struct seq_file *m, void *v)
{
	unsigned long pfn, end, wb = 0, other = 0, absent = 0;

	mutex_lock(&genode_dma_query_lock);
	pfn = genode_dma_query_pfn;
	end = pfn + genode_dma_query_pages;
	mutex_unlock(&genode_dma_query_lock);

	for (; pfn < end; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page)
			absent++;
		else if (genode_dma_kernel_map_matches(page, GENODE_DMA_CACHED))
			wb++;
		else
			other++;
		if (!(pfn % 1024))
			cond_resched();
	}
	seq_printf(m, "wb %lu other %lu absent %lu\n", wb, other, absent);
	return 0;
}

static int genode_dma_kernel_map_open(struct inode *inode, struct file *file)
{
	return single_open(file, genode_dma_kernel_map_show, NULL);
}

/* A debugfs write of @len bytes into @buf (@size) as a string: 0 or -errno */
static int genode_dma_debugfs_line(char *buf, size_t size,
				   const char __user *ubuf, size_t len)
{
	if (len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	return 0;
}

static ssize_t genode_dma_kernel_map_write(struct file *file,
					   const char __user *ubuf,
					   size_t len, loff_t *pos)
{
	unsigned long pfn, pages;
	char buf[64];
	int ret;

	ret = genode_dma_debugfs_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	if (sscanf(buf, "%lx %lu", &pfn, &pages) != 2 || pages > (1UL << 20) ||
	    pfn + pages < pfn)
		return -EINVAL;

	mutex_lock(&genode_dma_query_lock);
	genode_dma_query_pfn = pfn;
	genode_dma_query_pages = pages;
	mutex_unlock(&genode_dma_query_lock);
	return len;
}

static const struct file_operations genode_dma_kernel_map_fops = {
	.owner = THIS_MODULE,
	.open = genode_dma_kernel_map_open,
	.read = seq_read,
	.write = genode_dma_kernel_map_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * quarantine: reads the bytes in quarantine; writing a device's PCI name
 * ("0000:00:12.0") ends its quarantine, for an administrator who knows
 * that the device is idle (a test that waited for its transfers).
 */
static int genode_dma_quarantine_show(struct seq_file *m, void *v)
{
	mutex_lock(&genode_dma_buffers_lock);
	seq_printf(m, "%llu\n", genode_dma_quarantined);
	mutex_unlock(&genode_dma_buffers_lock);
	return 0;
}

static int genode_dma_quarantine_open(struct inode *inode, struct file *file)
{
	return single_open(file, genode_dma_quarantine_show, NULL);
}

static ssize_t genode_dma_quarantine_write(struct file *file,
					   const char __user *ubuf,
					   size_t len, loff_t *pos)
{
	unsigned int domain, bus, dev, fn;
	struct pci_dev *pdev;
	char buf[32];
	int ret;

	ret = genode_dma_debugfs_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	if (sscanf(buf, "%x:%x:%x.%x", &domain, &bus, &dev, &fn) != 4 ||
	    bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(dev, fn));
	if (!pdev)
		return -ENODEV;
	genode_dma_quarantine_end(pdev);
	pci_dev_put(pdev);
	return len;
}

static const struct file_operations genode_dma_quarantine_fops = {
	.owner = THIS_MODULE,
	.open = genode_dma_quarantine_open,
	.read = seq_read,
	.write = genode_dma_quarantine_write,
	.llseek = seq_lseek,
	.release = single_release,
};

void genode_dma_init(void)
{
	struct dentry *dir = debugfs_create_dir("genode", NULL);

	genode_dma_debugfs = dir;
	debugfs_create_file("dma_buffers", 0400, dir, NULL,
			    &genode_dma_debugfs_fops);
	debugfs_create_file("kernel_map", 0600, dir, NULL,
			    &genode_dma_kernel_map_fops);
	debugfs_create_file("quarantine", 0600, dir, NULL,
			    &genode_dma_quarantine_fops);
}

void genode_dma_exit(void)
{
	debugfs_remove_recursive(genode_dma_debugfs);
	/* no device is ours any more: none can start a transfer through us */
	genode_dma_quarantine_end(NULL);
}
