// SPDX-License-Identifier: GPL-2.0
/*
 * iomem.c - IO-memory regions: BARs of claimed devices and physical ranges
 *
 * A region is a resource fd whose pages can be mapped uncached or
 * write-combined.  Mappings are filled page by page from the fault
 * handler, as vfio-pci maps its BARs, so that revocation only has to zap
 * them (resource.c) for every later access to fault with SIGBUS.
 *
 * Ownership is by page: the pages a region touches are claimed in
 * policy.c's range list (exclusive between all regions), and a physical
 * range also requests them from iomem_resource as "genode", which refuses
 * ranges that a kernel driver holds and keeps drivers off them later.
 * A BAR needs no request of its own: the device claim requested all its
 * BARs.  A BAR smaller than its pages (or not aligned to them) would map
 * whatever else lives in the rest of them, another device's registers
 * perhaps: the rest is requested as "genode-pad", as vfio-pci reserves
 * it, and a BAR whose rest of page is taken is refused.
 *
 * A physical range is for what no one else owns: not System RAM, not the
 * interrupt address range, not a memory BAR of any PCI function (a BAR is
 * had by claiming its device, and the claim's release order keeps it
 * safe) but the boot framebuffer, and, unless the administrator's allow
 * list covers it, nothing that a kernel driver holds or the firmware
 * reserved.
 *
 * Write-combining needs the memory type of the pages reserved as WC in the
 * PAT tracking: without a reservation, a PFN mapping inserted on x86 gets
 * UC- whatever its page protection says.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/security.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <asm/apicdef.h>

#include "genode_dev.h"
#include "iomem.h"
#include "pci.h"
#include "platform.h"
#include "policy.h"

#define GENODE_IOMEM_NAME "genode"
#define GENODE_IOMEM_PAD_NAME "genode-pad"

struct genode_iomem {
	struct genode_resource res;

	u64 phys;		/* the first byte, as requested (or the BAR) */
	u64 size;		/* its size in bytes */
	u64 map_phys;		/* phys rounded down to a page */
	u64 map_size;		/* the bytes of the pages it touches */
	u32 attrs;		/* GENODE_IOMEM_WC, GENODE_IOMEM_BAR */
	u32 bar;

	/* its pages, exclusive among regions */
	struct genode_range range;
	/* a physical range: its pages requested from iomem_resource */
	struct resource *kres;
	/* a BAR: the rest of its first and last page, where it has one */
	struct resource *pad[2];
	/* the pages' memory type is reserved as write-combined */
	bool wc_reserved;

	/* a BAR: the claimed device, whose file it holds a reference to */
	struct genode_pci_device *gdev;
	struct file *dev_file;
	struct genode_pci_hook hook;
};

static inline struct genode_iomem *to_iomem(struct genode_resource *res)
{
	return container_of(res, struct genode_iomem, res);
}

/* ---- the region fd ---- */

static vm_fault_t genode_iomem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct genode_iomem *r = vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (!genode_resource_fault_begin(&r->res))
		return VM_FAULT_SIGBUS;
	if (vmf->pgoff < r->map_size >> PAGE_SHIFT)
		ret = vmf_insert_pfn_prot(vma, vmf->address,
					  PHYS_PFN(r->map_phys) + vmf->pgoff,
					  vma->vm_page_prot);
	genode_resource_fault_end(&r->res);
	return ret;
}

static const struct vm_operations_struct genode_iomem_vm_ops = {
	.fault = genode_iomem_fault,
};

static int genode_iomem_mmap(struct genode_resource *res,
			     struct vm_area_struct *vma)
{
	struct genode_iomem *r = to_iomem(res);
	unsigned long pages = r->map_size >> PAGE_SHIFT;
	unsigned long len = vma_pages(vma);

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff >= pages || len > pages - vma->vm_pgoff)
		return -EINVAL;

	if (r->attrs & GENODE_IOMEM_WC)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYEXEC);
	vma->vm_ops = &genode_iomem_vm_ops;
	vma->vm_private_data = r;
	return 0;
}

static int genode_iomem_info(struct genode_ucmd *ucmd)
{
	struct genode_iomem *r = to_iomem(ucmd->res);
	struct genode_iomem_info *cmd = ucmd->cmd;

	if (cmd->flags)
		return -EINVAL;
	cmd->attrs = r->attrs;
	cmd->bar = r->bar;
	cmd->phys = r->phys;
	cmd->size = r->size;
	cmd->map_size = r->map_size;
	cmd->page_offset = r->phys - r->map_phys;
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static const struct genode_ioctl_op genode_iomem_ioctls[] = {
	GENODE_IOCTL_OP(GENODE_IOMEM_INFO, genode_iomem_info,
			struct genode_iomem_info, page_offset),
};

static void genode_iomem_release_pad(struct genode_iomem *r)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(r->pad); i++) {
		if (r->pad[i])
			release_mem_region(r->pad[i]->start,
					   resource_size(r->pad[i]));
		r->pad[i] = NULL;
	}
}

/*
 * Request what a BAR's pages hold besides the BAR: EBUSY if anything has
 * some of it (another device's BAR, a driver).
 */
static int genode_iomem_request_pad(struct genode_iomem *r)
{
	u64 end = r->phys + r->size, map_end = r->map_phys + r->map_size;

	if (r->phys > r->map_phys) {
		r->pad[0] = request_mem_region(r->map_phys,
					       r->phys - r->map_phys,
					       GENODE_IOMEM_PAD_NAME);
		if (!r->pad[0])
			return -EBUSY;
	}
	if (end < map_end) {
		r->pad[1] = request_mem_region(end, map_end - end,
					       GENODE_IOMEM_PAD_NAME);
		if (!r->pad[1]) {
			genode_iomem_release_pad(r);
			return -EBUSY;
		}
	}
	return 0;
}

/*
 * Give the pages back.  The mappings are zapped already; a BAR's device
 * may be in its release right now (and hold gdev->lock), so nothing here
 * takes that lock.
 */
static void genode_iomem_revoke(struct genode_resource *res)
{
	struct genode_iomem *r = to_iomem(res);

	lockdep_assert_held_write(&res->revoke_lock);
	if (r->wc_reserved)
		arch_io_free_memtype_wc(r->map_phys, r->map_size);
	if (r->kres)
		release_mem_region(r->map_phys, r->map_size);
	genode_iomem_release_pad(r);
	genode_range_release(&r->range);
	if (r->gdev)
		clear_bit(r->bar, &r->gdev->bars_in_use);
}

static void genode_iomem_free(struct genode_resource *res)
{
	struct genode_iomem *r = to_iomem(res);

	if (r->gdev) {
		genode_pci_hook_del(r->gdev, &r->hook);
		fput(r->dev_file);
	}
	kfree(r);
}

static const struct genode_resource_ops genode_iomem_ops = {
	.name = "genode-iomem",
	.ioctls = genode_iomem_ioctls,
	.num_ioctls = ARRAY_SIZE(genode_iomem_ioctls),
	.mmap = genode_iomem_mmap,
	.revoke = genode_iomem_revoke,
	.free = genode_iomem_free,
};

/* ---- GENODE_IOMEM_REQUEST ---- */

/* Round [phys, phys + size) out to pages; the caller checked for wrapping. */
static void genode_iomem_set_range(struct genode_iomem *r, u64 phys, u64 size)
{
	r->phys = phys;
	r->size = size;
	r->map_phys = phys & PAGE_MASK;
	r->map_size = PAGE_ALIGN(phys + size) - r->map_phys;
}

/* The device's release revokes its BAR regions before it lets go. */
static void genode_iomem_device_release(struct genode_pci_hook *hook,
					struct genode_pci_device *gdev)
{
	struct genode_iomem *r = container_of(hook, struct genode_iomem, hook);

	genode_resource_revoke(&r->res);
}

static int genode_iomem_request_bar(struct genode_ucmd *ucmd,
				    struct genode_iomem_request *cmd)
{
	struct genode_pci_device *gdev;
	struct genode_iomem *r;
	struct pci_dev *pdev;
	struct file *file;
	int ret;

	if (cmd->base || cmd->size || cmd->bar >= PCI_STD_NUM_BARS)
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;

	gdev = genode_pci_device_lock_fd(ucmd->session, cmd->device_fd,
					 &file);
	if (IS_ERR(gdev)) {
		ret = PTR_ERR(gdev);
		goto err_free;
	}
	pdev = gdev->pdev;
	if (!pci_resource_len(pdev, cmd->bar) ||
	    !(pci_resource_flags(pdev, cmd->bar) & IORESOURCE_MEM)) {
		ret = -ENXIO;
		goto err_unlock;
	}
	/* the kernel's uncached mapping of the table must stay uncached */
	if ((cmd->flags & GENODE_IOMEM_WC) &&
	    genode_pci_bar_holds_msix(pdev, cmd->bar)) {
		ret = -EINVAL;
		goto err_unlock;
	}
	ret = security_locked_down(LOCKDOWN_PCI_ACCESS);
	if (ret)
		goto err_unlock;
	if (test_and_set_bit(cmd->bar, &gdev->bars_in_use)) {
		ret = -EBUSY;
		goto err_unlock;
	}

	r->attrs = cmd->flags;
	r->bar = cmd->bar;
	genode_iomem_set_range(r, pci_resource_start(pdev, cmd->bar),
			       pci_resource_len(pdev, cmd->bar));
	ret = genode_range_claim(&r->range, GENODE_RANGE_MEM, r->map_phys,
				 r->map_phys + r->map_size - 1);
	if (ret)
		goto err_clear_bar;
	ret = genode_iomem_request_pad(r);
	if (ret)
		goto err_release_range;
	if (r->attrs & GENODE_IOMEM_WC) {
		if (arch_io_reserve_memtype_wc(r->map_phys, r->map_size)) {
			ret = -EBUSY;
			goto err_release_pad;
		}
		r->wc_reserved = true;
	}

	/* from here on the resource's revoke and free undo everything */
	genode_resource_init(&r->res, &genode_iomem_ops, ucmd->session);
	r->gdev = gdev;
	r->dev_file = get_file(file);
	r->hook.stage = GENODE_PCI_STAGE_IOMEM;
	r->hook.release = genode_iomem_device_release;
	r->hook.bar_mapping = &r->res;
	genode_pci_hook_add(gdev, &r->hook);
	genode_pci_device_unlock_fput(gdev, file);

	return genode_resource_install(&r->res, ucmd, sizeof(*cmd), &cmd->fd);

err_release_pad:
	genode_iomem_release_pad(r);
err_release_range:
	genode_range_release(&r->range);
err_clear_bar:
	clear_bit(cmd->bar, &gdev->bars_in_use);
err_unlock:
	genode_pci_device_unlock_fput(gdev, file);
err_free:
	kfree(r);
	return ret;
}

/*
 * Whether [@first, @last] touches the interrupt address range, where MSI
 * writes go and, in xAPIC mode, the local APICs' registers are (in x2APIC
 * mode /proc/iomem does not show them).
 */
static bool genode_iomem_in_intr_window(u64 first, u64 last)
{
	return first <= APIC_DEFAULT_PHYS_BASE + SZ_1M - 1 &&
	       last >= APIC_DEFAULT_PHYS_BASE;
}

/* Whether [@first, @last] touches a memory BAR of any PCI function. */
static bool genode_iomem_in_bar(u64 first, u64 last)
{
	struct pci_dev *pdev = NULL;
	struct resource *res;
	int i;

	for_each_pci_dev(pdev) {
		for (i = 0; i < PCI_BRIDGE_RESOURCES; i++) {
			res = &pdev->resource[i];
			if (resource_type(res) != IORESOURCE_MEM ||
			    (res->flags & IORESOURCE_UNSET) || !res->end)
				continue;
			if (res->start <= last && first <= res->end) {
				pci_dev_put(pdev);
				return true;
			}
		}
	}
	return false;
}

static int genode_iomem_found(struct resource *res, void *arg)
{
	return 1;
}

/*
 * Whether [@first, @last] touches memory the firmware reserved (e820
 * "Reserved": firmware tables, the BIOS flash, chipset registers), at
 * any depth of iomem_resource.
 */
static bool genode_iomem_in_reserved(u64 first, u64 last)
{
	return walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, first,
				   last, NULL, genode_iomem_found) == 1;
}

static int genode_iomem_request_phys(struct genode_ucmd *ucmd,
				     struct genode_iomem_request *cmd)
{
	struct genode_iomem *r;
	u64 last;
	int ret;

	if (cmd->device_fd != GENODE_NO_DEVICE || cmd->bar || !cmd->size)
		return -EINVAL;
	if (check_add_overflow(cmd->base, cmd->size - 1, &last) ||
	    (last | ~PAGE_MASK) > iomem_resource.end)
		return -EINVAL;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->attrs = cmd->flags;
	genode_iomem_set_range(r, cmd->base, cmd->size);

	last = r->map_phys + r->map_size - 1;
	if (region_intersects(r->map_phys, r->map_size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT ||
	    genode_iomem_in_intr_window(r->map_phys, last)) {
		ret = -EPERM;
		goto err_free;
	}
	if (genode_iomem_in_bar(r->map_phys, last) &&
	    !genode_platform_in_boot_fb(r->map_phys, last)) {
		ret = -EBUSY;
		goto err_free;
	}
	ret = genode_range_claim(&r->range, GENODE_RANGE_MEM, r->map_phys,
				 last);
	if (ret)
		goto err_free;

	/*
	 * Fails for pages a driver holds (busy), and for a range that
	 * straddles the boundary of one in /proc/iomem.
	 */
	r->kres = request_mem_region(r->map_phys, r->map_size,
				     GENODE_IOMEM_NAME);
	if ((!r->kres || genode_iomem_in_reserved(r->map_phys, last)) &&
	    !genode_policy_allows(GENODE_RANGE_MEM, r->map_phys, last)) {
		ret = -EBUSY;
		goto err_release_region;
	}

	/*
	 * The PAT code checks (with a WARN) that a range given a memory type
	 * does not straddle a boundary in /proc/iomem; the request above
	 * made sure of that, and nothing else here can.
	 */
	if (r->attrs & GENODE_IOMEM_WC) {
		if (!r->kres ||
		    arch_io_reserve_memtype_wc(r->map_phys, r->map_size)) {
			ret = -EBUSY;
			goto err_release_region;
		}
		r->wc_reserved = true;
	}

	genode_resource_init(&r->res, &genode_iomem_ops, ucmd->session);
	return genode_resource_install(&r->res, ucmd, sizeof(*cmd), &cmd->fd);

err_release_region:
	if (r->kres)
		release_mem_region(r->map_phys, r->map_size);
	genode_range_release(&r->range);
err_free:
	kfree(r);
	return ret;
}

int genode_iomem_request(struct genode_ucmd *ucmd)
{
	struct genode_iomem_request *cmd = ucmd->cmd;

	if (cmd->flags & ~(GENODE_IOMEM_WC | GENODE_IOMEM_BAR) ||
	    cmd->__reserved)
		return -EINVAL;
	if (cmd->flags & GENODE_IOMEM_BAR)
		return genode_iomem_request_bar(ucmd, cmd);
	return genode_iomem_request_phys(ucmd, cmd);
}
