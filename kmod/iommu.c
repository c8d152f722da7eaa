// SPDX-License-Identifier: GPL-2.0
/*
 * iommu.c - IOMMU domains: I/O address spaces whose addresses the caller
 * picks, with claimed devices attached and DMA buffers mapped into them
 *
 * A domain is an unmanaged paging domain of the IOMMU API (the kind VFIO
 * type1 and iommufd use), allocated for the IOMMU of one claimed device.
 * Attaching a device takes the DMA ownership of its IOMMU group from the
 * DMA API (iommu_group_claim_dma_owner(), which the "genode" driver's
 * driver_managed_dma allows) and switches the group to the domain;
 * detaching gives the group back to its default domain.  A device is a
 * DMA API device (its own GENODE_DMA_ALLOC buffers, in its default
 * domain) or a domain device, never both: dma.c refuses buffers for a
 * member of an owned group, and ATTACH refuses a group one of whose
 * members has buffers that are not revoked (both under the buffer list's
 * lock, so neither slips past the other; a revoked buffer's memory stays
 * mapped in the default domain, unused, until the device's release).
 * The whole group goes into the domain, so ATTACH follows VFIO's rule:
 * every other member of the group is unbound or claimed by the same
 * session (pci.c checks it with claim_lock held throughout the attach),
 * and while the group is owned no function of it can be claimed
 * (GENODE_PCI_CLAIM: EBUSY) or bound to a driver that uses the DMA API
 * (its probe fails in iommu_device_use_default_domain()).
 * The other members are in the domain through the group, not attached
 * themselves.
 *
 * Mappings.  GENODE_IOMMU_MAP maps a page-aligned range of a DMA buffer
 * for no device at an IOVA the caller picks.  The mapping pins the buffer
 * (genode_dma_pin(): its file, and its memory and quota charge even
 * across GENODE_REVOKE of the buffer, which then leaves the freeing to
 * the last unpin) and takes a reference to each page it maps
 * (get_page()).  Both are dropped only after iommu_unmap(), which on an
 * unmanaged domain syncs the IOTLB before it returns (the flush queue of
 * lazy mode is the DMA API's, not ours).
 * Mappings are kept in a list sorted by IOVA (Genode maps a buffer once,
 * at allocation: not a hot path).
 *
 * The end.  The domain's revocation (GENODE_REVOKE, or its file's last
 * reference) switches bus mastering of every attached device off,
 * detaches its group and gives its ownership back, then unmaps
 * everything, frees the domain, and only then drops the page references.
 * A device released while attached (revoked, unbound, its last fd gone
 * while the attachment holds none: it holds one, see below) is detached
 * by its release hook at GENODE_PCI_STAGE_DMA, after bus mastering was
 * cleared and the function reset; the attachment stays on the domain's
 * list, detached, until the domain lets go of it.  An attachment holds a
 * reference to the device fd's file, so the claim outlives the domain's
 * use of it unless the device is revoked explicitly.
 *
 * Locking.
 *  - The domain's revoke_lock (resource.c): its ioctls hold it for
 *    reading, its revocation for writing; nothing else takes it.
 *  - gdev->lock (pci.h) guards att->attached and gdev->iommu_attached:
 *    ATTACH, DETACH, the release hook and the revocation change them
 *    under it, so the hook and the domain's side never detach twice.
 *  - dom->lock guards dom->atts (the attachments) and dom->maps (the
 *    mappings, and what the IOMMU maps for them).
 *  - claim_lock (pci.c, genode_pci_claims_hold()) is held by ATTACH
 *    from before the member check to after the group is taken.
 *  Lock order: domain revoke_lock -> claim_lock -> gdev->lock ->
 *  dom->lock -> dma.c's buffer list lock -> the group's mutex, and
 *  dom->lock -> a DMA buffer's revoke_lock (for writing, by
 *  genode_dma_unpin() at unmap); genode_dma_pin() takes the buffer's for
 *  reading with none of these but the domain's revoke_lock held.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "dma.h"
#include "genode_dev.h"
#include "iommu.h"
#include "pci.h"
#include "resource.h"

struct genode_iommu_domain {
	struct genode_resource res;
	struct iommu_domain *domain;
	/* fixed at allocation */
	u64 pgsize;			/* the smallest page size */
	int prot_cache;			/* IOMMU_CACHE where it snoops, or 0 */
	bool isolating;
	/* attachments with ->attached set (changed under their gdev->lock) */
	atomic_t nr_attached;

	/* guards @atts and @maps, see above */
	struct mutex lock;
	struct list_head atts;
	struct list_head maps;		/* sorted by IOVA */
};

/* A device attached to a domain, or detached by its release. */
struct genode_iommu_att {
	struct list_head node;		/* in dom->atts */
	struct genode_iommu_domain *dom;
	struct genode_pci_device *gdev;
	struct file *dev_file;		/* keeps @gdev alive */
	struct iommu_group *group;	/* a reference */
	struct genode_pci_hook hook;
	/* the group is ours and attached to the domain (gdev->lock) */
	bool attached;
};

/* One GENODE_IOMMU_MAP. */
struct genode_iommu_map_ent {
	struct list_head node;		/* in dom->maps */
	u64 iova;
	u64 size;
	unsigned long nr_pages;
	struct page **pages;		/* each with a reference of ours */
	struct file *buf_file;		/* the buffer, pinned (dma.c) */
};

static struct genode_iommu_domain *to_dom(struct genode_resource *res)
{
	return container_of(res, struct genode_iommu_domain, res);
}

/* ---- attachments ---- */

/*
 * Bus mastering off, the group detached from the domain and given back
 * to the DMA API.  gdev->lock held; once it returns, the device reaches
 * nothing of the domain.
 */
static void __genode_iommu_detach(struct genode_iommu_att *att)
{
	struct genode_pci_device *gdev = att->gdev;
	unsigned long flags;

	lockdep_assert_held(&gdev->lock);
	if (!att->attached)
		return;
	if (!gdev->released && gdev->enabled) {
		spin_lock_irqsave(&gdev->intx_lock, flags);
		pci_clear_master(gdev->pdev);
		spin_unlock_irqrestore(&gdev->intx_lock, flags);
	}
	iommu_detach_group(att->dom->domain, att->group);
	iommu_group_release_dma_owner(att->group);
	att->attached = false;
	atomic_dec(&att->dom->nr_attached);
	gdev->iommu_attached = false;
}

/* The device's release, at GENODE_PCI_STAGE_DMA.  gdev->lock held. */
static void genode_iommu_device_released(struct genode_pci_hook *hook,
					 struct genode_pci_device *gdev)
{
	struct genode_iommu_att *att =
		container_of(hook, struct genode_iommu_att, hook);

	__genode_iommu_detach(att);
}

/*
 * The end of an attachment that was taken off dom->atts: detach it unless
 * its release did, and keep the hook from running.  gdev->lock held.
 */
static void __genode_iommu_att_end(struct genode_iommu_att *att)
{
	lockdep_assert_held(&att->gdev->lock);
	/* the hook is off the list once it ran, and does not run after this */
	if (!list_empty(&att->hook.node))
		list_del_init(&att->hook.node);
	__genode_iommu_detach(att);
}

/* Free an ended attachment, without locks. */
static void genode_iommu_att_free(struct genode_iommu_att *att)
{
	iommu_group_put(att->group);
	fput(att->dev_file);
	kfree(att);
}

/*
 * Does [start, start + size) meet a reserved region of @group?  A direct
 * region that may be relaxed (an RMRR of a USB or graphics device, the
 * ISA bridge's window below 16 MiB) counts as free, as VFIO type1 counts
 * it: a group in a domain of its holder no longer needs the firmware's
 * identity mapping.
 */
static int genode_iommu_resv_check(struct iommu_group *group, u64 start,
				   u64 size)
{
	struct iommu_resv_region *r, *n;
	LIST_HEAD(regions);
	int ret;

	ret = iommu_get_group_resv_regions(group, &regions);
	if (ret)
		return ret;
	list_for_each_entry(r, &regions, list) {
		if (r->type == IOMMU_RESV_DIRECT_RELAXABLE)
			continue;
		if (start <= r->start + r->length - 1 &&
		    r->start <= start + size - 1) {
			ret = -EADDRNOTAVAIL;
			break;
		}
	}
	list_for_each_entry_safe(r, n, &regions, list)
		kfree(r);
	return ret;
}

static int genode_iommu_attach(struct genode_ucmd *ucmd)
{
	struct genode_iommu_domain *dom = to_dom(ucmd->res);
	struct genode_iommu_attach *cmd = ucmd->cmd;
	struct genode_iommu_map_ent *m;
	struct genode_pci_device *gdev;
	struct genode_iommu_att *att;
	struct iommu_group *group;
	struct file *file;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		return -ENOMEM;
	INIT_LIST_HEAD(&att->hook.node);

	/* no claim or unbind of a member while the group is looked at */
	genode_pci_claims_hold();
	gdev = genode_pci_device_lock_fd(dom->res.owner, cmd->device_fd,
					 &file);
	if (IS_ERR(gdev)) {
		ret = PTR_ERR(gdev);
		goto err_release_claims;
	}
	group = iommu_group_get(&gdev->pdev->dev);
	if (!group) {
		ret = -ENODEV;
		goto err_unlock;
	}
	ret = gdev->iommu_attached ? -EBUSY :
	      genode_pci_group_ours(gdev, group);
	if (ret)
		goto err_put_group;

	mutex_lock(&dom->lock);
	ret = 0;
	list_for_each_entry(m, &dom->maps, node) {
		ret = genode_iommu_resv_check(group, m->iova, m->size);
		if (ret)
			break;
	}
	if (ret)
		goto err_unlock_dom;

	/*
	 * EBUSY: a member has DMA API buffers (in the default domain);
	 * EPERM: a driver that uses the DMA API holds a member.
	 */
	ret = genode_dma_group_claim(group, dom);
	if (ret) {
		ret = ret == -ENOMEM ? ret : -EBUSY;
		goto err_unlock_dom;
	}
	/* from here the device reaches nothing but the domain */
	if (gdev->enabled) {
		unsigned long flags;

		spin_lock_irqsave(&gdev->intx_lock, flags);
		pci_clear_master(gdev->pdev);
		spin_unlock_irqrestore(&gdev->intx_lock, flags);
	}
	ret = iommu_attach_group(dom->domain, group);
	if (ret)
		goto err_release_owner;

	att->dom = dom;
	att->gdev = gdev;
	att->group = group;
	att->dev_file = get_file(file);
	att->attached = true;
	atomic_inc(&dom->nr_attached);
	gdev->iommu_attached = true;
	list_add_tail(&att->node, &dom->atts);
	mutex_unlock(&dom->lock);
	att->hook.stage = GENODE_PCI_STAGE_DMA;
	att->hook.release = genode_iommu_device_released;
	genode_pci_hook_add(gdev, &att->hook);
	genode_pci_device_unlock_fput(gdev, file);
	genode_pci_claims_release();
	return 0;

err_release_owner:
	iommu_group_release_dma_owner(group);
err_unlock_dom:
	mutex_unlock(&dom->lock);
err_put_group:
	iommu_group_put(group);
err_unlock:
	genode_pci_device_unlock_fput(gdev, file);
err_release_claims:
	genode_pci_claims_release();
	kfree(att);
	return ret;
}

static int genode_iommu_detach(struct genode_ucmd *ucmd)
{
	struct genode_iommu_domain *dom = to_dom(ucmd->res);
	struct genode_iommu_attach *cmd = ucmd->cmd;
	struct genode_iommu_att *att, *found = NULL;
	struct genode_pci_device *gdev;
	struct file *file;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	gdev = genode_pci_device_lock_fd(dom->res.owner, cmd->device_fd,
					 &file);
	if (IS_ERR(gdev))
		return PTR_ERR(gdev);
	/* taken off the list under the lock: a racing DETACH finds none */
	mutex_lock(&dom->lock);
	list_for_each_entry(att, &dom->atts, node) {
		if (att->gdev == gdev) {
			found = att;
			list_del(&att->node);
			break;
		}
	}
	mutex_unlock(&dom->lock);
	if (found)
		__genode_iommu_att_end(found);
	genode_pci_device_unlock_fput(gdev, file);
	if (!found)
		return -ENOENT;
	genode_iommu_att_free(found);
	return 0;
}

/* ---- mappings ---- */

static void genode_iommu_unpin(struct page **pages, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		put_page(pages[i]);
		if (!(i % 1024))
			cond_resched();
	}
}

/* Unmap @m (IOTLB synced when it returns) and free it.  dom->lock held. */
static void __genode_iommu_unmap(struct genode_iommu_domain *dom,
				 struct genode_iommu_map_ent *m)
{
	size_t done;

	lockdep_assert_held(&dom->lock);
	done = iommu_unmap(dom->domain, m->iova, m->size);
	/* a page the IOMMU may still map must never go back */
	if (WARN_ON(done != m->size))
		return;
	list_del(&m->node);
	genode_iommu_unpin(m->pages, m->nr_pages);
	kvfree(m->pages);
	genode_dma_unpin(m->buf_file);
	kfree(m);
}

/* Map @m's pages at m->iova, run of contiguous pages by run. */
static int genode_iommu_map_pages(struct genode_iommu_domain *dom,
				  struct genode_iommu_map_ent *m, int prot)
{
	unsigned long i = 0, start;
	u64 done = 0;
	int ret;

	while (i < m->nr_pages) {
		start = i;
		do {
			i++;
		} while (i < m->nr_pages &&
			 page_to_pfn(m->pages[i]) ==
			 page_to_pfn(m->pages[start]) + (i - start));
		ret = genode_iommu_map(dom->domain, m->iova + done,
				       page_to_phys(m->pages[start]),
				       (i - start) << PAGE_SHIFT, prot);
		if (ret) {
			if (done)
				iommu_unmap(dom->domain, m->iova, done);
			return ret;
		}
		done += (u64)(i - start) << PAGE_SHIFT;
	}
	return 0;
}

static int genode_iommu_map_ioctl(struct genode_ucmd *ucmd)
{
	struct genode_iommu_domain *dom = to_dom(ucmd->res);
	struct iommu_domain_geometry *geo = &dom->domain->geometry;
	struct genode_iommu_map_ent *m, *pos;
	struct genode_iommu_map *cmd = ucmd->cmd;
	struct list_head *before;
	struct genode_iommu_att *att;
	u64 end;
	int prot, ret;

	if (cmd->flags & ~(GENODE_IOMMU_MAP_READ | GENODE_IOMMU_MAP_WRITE) ||
	    !cmd->flags || cmd->__reserved)
		return -EINVAL;
	if (!cmd->size || (cmd->offset | cmd->size | cmd->iova) &
	    (max_t(u64, dom->pgsize, PAGE_SIZE) - 1))
		return -EINVAL;
	if (check_add_overflow(cmd->iova, cmd->size - 1, &end) ||
	    cmd->iova < geo->aperture_start || end > geo->aperture_end ||
	    end > ULONG_MAX)
		return -ERANGE;

	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return -ENOMEM;
	m->iova = cmd->iova;
	m->size = cmd->size;
	m->nr_pages = cmd->size >> PAGE_SHIFT;
	m->pages = kvmalloc_array(m->nr_pages, sizeof(*m->pages),
				  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!m->pages) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = genode_dma_pin(dom->res.owner, cmd->dma_fd, cmd->offset,
			     cmd->size, m->pages, &m->buf_file);
	if (ret)
		goto err_free_pages;

	prot = dom->prot_cache;
	if (cmd->flags & GENODE_IOMMU_MAP_READ)
		prot |= IOMMU_READ;
	if (cmd->flags & GENODE_IOMMU_MAP_WRITE)
		prot |= IOMMU_WRITE;

	mutex_lock(&dom->lock);
	before = &dom->maps;
	list_for_each_entry(pos, &dom->maps, node) {
		if (pos->iova <= end && cmd->iova <= pos->iova + pos->size - 1) {
			ret = -EEXIST;
			goto err_unlock;
		}
		if (pos->iova > end) {
			before = &pos->node;
			break;
		}
	}
	list_for_each_entry(att, &dom->atts, node) {
		ret = genode_iommu_resv_check(att->group, cmd->iova,
					      cmd->size);
		if (ret)
			goto err_unlock;
	}
	ret = genode_iommu_map_pages(dom, m, prot);
	if (ret)
		goto err_unlock;
	list_add_tail(&m->node, before);
	mutex_unlock(&dom->lock);
	return 0;

err_unlock:
	mutex_unlock(&dom->lock);
	genode_iommu_unpin(m->pages, m->nr_pages);
	genode_dma_unpin(m->buf_file);
err_free_pages:
	kvfree(m->pages);
err_free:
	kfree(m);
	return ret;
}

static int genode_iommu_unmap_ioctl(struct genode_ucmd *ucmd)
{
	struct genode_iommu_domain *dom = to_dom(ucmd->res);
	struct genode_iommu_unmap *cmd = ucmd->cmd;
	struct genode_iommu_map_ent *m;
	int ret = -ENOENT;

	if (cmd->flags)
		return -EINVAL;
	mutex_lock(&dom->lock);
	list_for_each_entry(m, &dom->maps, node) {
		if (m->iova == cmd->iova && m->size == cmd->size) {
			__genode_iommu_unmap(dom, m);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&dom->lock);
	return ret;
}

/* ---- the domain fd ---- */

static int genode_iommu_info(struct genode_ucmd *ucmd)
{
	struct genode_iommu_domain *dom = to_dom(ucmd->res);
	struct genode_iommu_domain_info *cmd = ucmd->cmd;
	struct iommu_domain *domain = dom->domain;
	struct genode_iommu_map_ent *m;
	u64 bytes = 0;
	u32 n = 0;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	cmd->out_flags = dom->isolating ? GENODE_IOMMU_ISOLATING : 0;
	cmd->nr_attached = atomic_read(&dom->nr_attached);
	cmd->aperture_start = domain->geometry.aperture_start;
	cmd->aperture_end = domain->geometry.aperture_end;
	cmd->pgsize_bitmap = domain->pgsize_bitmap;
	mutex_lock(&dom->lock);
	list_for_each_entry(m, &dom->maps, node) {
		n++;
		bytes += m->size;
	}
	mutex_unlock(&dom->lock);
	cmd->nr_mappings = n;
	cmd->mapped_bytes = bytes;
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static const struct genode_ioctl_op genode_iommu_ioctls[] = {
	GENODE_IOCTL_OP(GENODE_IOMMU_ATTACH, genode_iommu_attach,
			struct genode_iommu_attach, __reserved),
	GENODE_IOCTL_OP(GENODE_IOMMU_DETACH, genode_iommu_detach,
			struct genode_iommu_attach, __reserved),
	GENODE_IOCTL_OP(GENODE_IOMMU_MAP, genode_iommu_map_ioctl,
			struct genode_iommu_map, iova),
	GENODE_IOCTL_OP(GENODE_IOMMU_UNMAP, genode_iommu_unmap_ioctl,
			struct genode_iommu_unmap, size),
	GENODE_IOCTL_OP(GENODE_IOMMU_DOMAIN_INFO, genode_iommu_info,
			struct genode_iommu_domain_info, mapped_bytes),
};

/*
 * In the order "The end" above describes: every device detached (bus
 * mastering off first), then every mapping removed, the domain freed, and
 * the pages released.
 */
static void genode_iommu_revoke(struct genode_resource *res)
{
	struct genode_iommu_domain *dom = to_dom(res);
	struct genode_iommu_map_ent *m, *n;
	struct genode_iommu_att *att;

	lockdep_assert_held_write(&res->revoke_lock);
	for (;;) {
		mutex_lock(&dom->lock);
		att = list_first_entry_or_null(&dom->atts,
					       struct genode_iommu_att, node);
		if (att)
			list_del(&att->node);
		mutex_unlock(&dom->lock);
		if (!att)
			break;
		/* @att's device file keeps gdev alive */
		mutex_lock(&att->gdev->lock);
		__genode_iommu_att_end(att);
		mutex_unlock(&att->gdev->lock);
		genode_iommu_att_free(att);
	}

	mutex_lock(&dom->lock);
	list_for_each_entry_safe(m, n, &dom->maps, node)
		__genode_iommu_unmap(dom, m);
	/* a mapping left (the IOMMU refused to unmap) keeps its domain */
	if (list_empty(&dom->maps)) {
		iommu_domain_free(dom->domain);
		dom->domain = NULL;
	}
	mutex_unlock(&dom->lock);
}

static void genode_iommu_free(struct genode_resource *res)
{
	struct genode_iommu_domain *dom = to_dom(res);

	mutex_destroy(&dom->lock);
	kfree(dom);
}

static const struct genode_resource_ops genode_iommu_ops = {
	.name = "genode-iommu",
	.ioctls = genode_iommu_ioctls,
	.num_ioctls = ARRAY_SIZE(genode_iommu_ioctls),
	.revoke = genode_iommu_revoke,
	.free = genode_iommu_free,
};

int genode_iommu_alloc(struct genode_ucmd *ucmd)
{
	struct genode_iommu_domain_alloc *cmd = ucmd->cmd;
	struct genode_session *s = ucmd->session;
	struct genode_iommu_domain *dom;
	struct genode_pci_device *gdev;
	struct iommu_domain *domain;
	struct device *dev;
	struct file *file;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	dom = kzalloc(sizeof(*dom), GFP_KERNEL_ACCOUNT);
	if (!dom)
		return -ENOMEM;

	gdev = genode_pci_device_lock_fd(s, cmd->device_fd, &file);
	if (IS_ERR(gdev)) {
		ret = PTR_ERR(gdev);
		goto err_free;
	}
	dev = &gdev->pdev->dev;
	/* no IOMMU, or one that passes the device through */
	if (!genode_pci_iommu_translates(gdev->pdev)) {
		ret = -ENODEV;
		goto err_unlock;
	}
	domain = genode_iommu_domain_alloc(dev);
	if (IS_ERR(domain)) {
		ret = PTR_ERR(domain);
		goto err_unlock;
	}
	dom->domain = domain;
	dom->pgsize = 1ULL << __ffs(domain->pgsize_bitmap);
	dom->prot_cache = device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY) ?
			  IOMMU_CACHE : 0;
	dom->isolating = genode_pci_msi_isolated(gdev->pdev);
	genode_pci_device_unlock_fput(gdev, file);

	mutex_init(&dom->lock);
	INIT_LIST_HEAD(&dom->atts);
	INIT_LIST_HEAD(&dom->maps);
	genode_resource_init(&dom->res, &genode_iommu_ops, s);

	cmd->out_flags = dom->isolating ? GENODE_IOMMU_ISOLATING : 0;
	cmd->aperture_start = domain->geometry.aperture_start;
	cmd->aperture_end = domain->geometry.aperture_end;
	cmd->pgsize_bitmap = domain->pgsize_bitmap;
	return genode_resource_install(&dom->res, ucmd, sizeof(*cmd),
				       &cmd->fd);

err_unlock:
	genode_pci_device_unlock_fput(gdev, file);
err_free:
	kfree(dom);
	return ret;
}
