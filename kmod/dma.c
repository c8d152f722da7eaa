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
 * resource's revoke_lock for reading and refuses a revoked buffer, so
 * that after revocation (which zaps every mapping) accesses fault with
 * SIGBUS.  Mapped pages are counted as the process's RssFile.
 *
 * Lifetime.  The memory is freed at revocation (GENODE_REVOKE, or the
 * last fd and mapping gone), after every mapping has been zapped.  The
 * session's quota is charged from allocation until then.
 */
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/set_memory.h>

#include "contig.h"
#include "dma.h"
#include "genode_dev.h"
#include "resource.h"

static unsigned int dma_quota_mb = 256;
module_param(dma_quota_mb, uint, 0644);
MODULE_PARM_DESC(dma_quota_mb,
		 "DMA memory a session may hold, in MiB, fixed when the session is opened (default 256)");

struct genode_dma_buffer {
	struct genode_resource res;

	/*
	 * Fixed at allocation.  The pages are guarded by res.revoke_lock:
	 * they are freed (and @pages set to NULL) at revocation, with the
	 * lock held for writing.
	 */
	u64 size;			/* bytes, a multiple of PAGE_SIZE */
	unsigned long nr_pages;
	struct page **pages;
	u32 cache;			/* GENODE_DMA_* */
	bool kernel_map_set;		/* linear mapping switched to @cache */
	dma_addr_t bus_addr;
	phys_addr_t phys_addr;
};

static struct genode_dma_buffer *to_dma_buffer(struct genode_resource *res)
{
	return container_of(res, struct genode_dma_buffer, res);
}

/* ---- quota ---- */

void genode_dma_session_init(struct genode_session *s)
{
	s->dma_limit = (u64)READ_ONCE(dma_quota_mb) << 20;
	s->dma_used = 0;
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

/*
 * Call @fn on each run of physically contiguous pages of @buf, up to
 * @max_runs runs; stop at the first error.  Returns the number of runs
 * done in *done.
 */
static int genode_dma_for_each_run(struct genode_dma_buffer *buf,
				   int (*fn)(unsigned long addr, int numpages),
				   unsigned long max_runs, unsigned long *done)
{
	unsigned long i = 0, runs = 0;
	int ret = 0;

	while (i < buf->nr_pages && runs < max_runs) {
		unsigned long start = i;
		unsigned long pfn = page_to_pfn(buf->pages[i]);

		while (++i < buf->nr_pages && i - start < INT_MAX &&
		       page_to_pfn(buf->pages[i]) == pfn + (i - start))
			;
		ret = fn((unsigned long)page_address(buf->pages[start]),
			 i - start);
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
	int (*fn)(unsigned long addr, int numpages);
	unsigned long done, undone;
	int ret;

	switch (buf->cache) {
	case GENODE_DMA_UNCACHED:
		fn = set_memory_uc;
		break;
	case GENODE_DMA_WRITE_COMBINED:
		fn = set_memory_wc;
		break;
	default:
		return 0;
	}

	ret = genode_dma_for_each_run(buf, fn, ULONG_MAX, &done);
	if (ret) {
		genode_dma_for_each_run(buf, set_memory_wb, done, &undone);
		return ret;
	}
	buf->kernel_map_set = true;
	return 0;
}

static void genode_dma_free_pages(struct genode_dma_buffer *buf)
{
	unsigned long i, done;

	if (buf->kernel_map_set) {
		/*
		 * set_memory_wb() can fail only for lack of memory to split
		 * the linear mapping, which setting the attribute did
		 * already; a page left uncached must not go back.
		 */
		if (WARN_ON(genode_dma_for_each_run(buf, set_memory_wb,
						    ULONG_MAX, &done)))
			goto leak;
		buf->kernel_map_set = false;
	}
	for (i = 0; i < buf->nr_pages; i++) {
		put_page(buf->pages[i]);
		if (!(i % 1024))
			cond_resched();
	}
leak:
	kvfree(buf->pages);
	buf->pages = NULL;
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

	if (get_order(buf->size) <= GENODE_MAX_BUDDY_ORDER) {
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

/* ---- the buffer fd ---- */

/*
 * The addresses a caller may see: the physical address only to a caller
 * with CAP_SYS_RAWIO, and a bus address that is the physical address
 * likewise.
 */
static void genode_dma_addrs(struct genode_dma_buffer *buf, u64 *bus_addr,
			     u64 *phys_addr, u32 *out_flags)
{
	if (capable(CAP_SYS_RAWIO)) {
		*bus_addr = buf->bus_addr;
		*phys_addr = buf->phys_addr;
		*out_flags = 0;
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

	/* a buffer for no device: no device to sync for */
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

	down_read(&buf->res.revoke_lock);
	if (!buf->res.revoked && vmf->pgoff < buf->nr_pages)
		ret = vmf_insert_page(vmf->vma, vmf->address,
				      buf->pages[vmf->pgoff]);
	up_read(&buf->res.revoke_lock);
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
	if (vma->vm_pgoff >= buf->nr_pages ||
	    pages > buf->nr_pages - vma->vm_pgoff)
		return -EINVAL;

	/*
	 * VM_MIXEDMAP lets the fault handler insert pages; no VM_IO or
	 * VM_PFNMAP, so that get_user_pages() works on the mapping.
	 */
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = genode_dma_pgprot(buf->cache, vma->vm_page_prot);
	vma->vm_ops = &genode_dma_vm_ops;
	vma->vm_private_data = buf;
	return 0;
}

static void genode_dma_revoke(struct genode_resource *res)
{
	struct genode_dma_buffer *buf = to_dma_buffer(res);

	lockdep_assert_held_write(&res->revoke_lock);
	genode_dma_free_pages(buf);
	genode_dma_uncharge(res->owner, buf->size);
}

static void genode_dma_free(struct genode_resource *res)
{
	kfree(to_dma_buffer(res));
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

int genode_dma_alloc(struct genode_ucmd *ucmd)
{
	struct genode_dma_alloc *cmd = ucmd->cmd;
	struct genode_session *s = ucmd->session;
	struct genode_dma_buffer *buf;
	u64 size, bus, phys;
	u32 out_flags;
	int ret;

	if (cmd->flags)
		return -EINVAL;
	if (cmd->cache != GENODE_DMA_CACHED &&
	    cmd->cache != GENODE_DMA_UNCACHED &&
	    cmd->cache != GENODE_DMA_WRITE_COMBINED)
		return -EINVAL;
	/* the largest size whose pages can be addressed by file offsets */
	if (!cmd->size || cmd->size > (MAX_LFS_FILESIZE & PAGE_MASK))
		return -EINVAL;
	size = PAGE_ALIGN(cmd->size);

	if (cmd->device_fd != -1) {
		struct file *file = fget(cmd->device_fd);

		if (!file)
			return -EBADF;
		/* no device fds yet: nothing else is a device */
		fput(file);
		return -EINVAL;
	}

	ret = genode_dma_charge(s, size);
	if (ret)
		return ret;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	buf->size = size;
	buf->nr_pages = size >> PAGE_SHIFT;
	buf->cache = cmd->cache;
	buf->pages = kvmalloc_array(buf->nr_pages, sizeof(*buf->pages),
				    GFP_KERNEL_ACCOUNT);
	if (!buf->pages) {
		ret = -ENOMEM;
		goto err_free_buf;
	}

	ret = genode_dma_alloc_contig(buf, (phys_addr_t)-1, 0);
	if (ret)
		goto err_free_array;
	buf->bus_addr = buf->phys_addr;

	ret = genode_dma_set_kernel_map(buf);
	if (ret)
		goto err_free_pages;

	genode_dma_addrs(buf, &bus, &phys, &out_flags);
	cmd->out_flags = out_flags;
	cmd->bus_addr = bus;
	cmd->phys_addr = phys;

	/* from here the resource owns the memory and the quota charge */
	genode_resource_init(&buf->res, &genode_dma_ops, s);
	return genode_resource_install(&buf->res, ucmd, sizeof(*cmd),
				       &cmd->fd);

err_free_pages:
	genode_dma_free_pages(buf);
	goto err_free_buf;
err_free_array:
	kvfree(buf->pages);
err_free_buf:
	kfree(buf);
err_uncharge:
	genode_dma_uncharge(s, size);
	return ret;
}
