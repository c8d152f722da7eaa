// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - PCI device claims: the "genode" PCI driver and the device fd
 *
 * A claimed function is bound to our own PCI driver, which has no ids of
 * its own: a function reaches it through driver_override (set by a claim,
 * or by the administrator in sysfs) or through the ids= module parameter,
 * as with vfio-pci.  Binding through the driver core keeps every other
 * driver off the function while it is claimed.
 *
 * Locking (see pci.h for the rules that dependent resources follow):
 *
 *  - claim_lock serialises the claims and the ends of claims of all
 *    functions: binding, publishing the holder, unbinding.  It is taken
 *    before the device lock (device_driver_attach, device_release_driver)
 *    and never by the driver's probe or remove callbacks.
 *  - The device lock (device_lock(&pdev->dev)) guards the function's
 *    driver data, which points to the claim that holds it: the claim is
 *    freed only after it was taken out of there, so the remove callback,
 *    which runs under the device lock, can use it.
 *  - gdev->lock guards the claim's hardware state and its release.
 *  - genode_pci_claims_lock guards the list of claims that the bus
 *    notifier searches.  The notifier takes it under the device lock of a
 *    function another driver binds to, and gdev->lock under it; nothing
 *    takes it under gdev->lock.
 *
 * A kernel driver that binds to another function of a claimed function's
 * IOMMU group shares the claim's DMA domain (and, without ACS, can be
 * reached peer to peer): whatever it maps for its device, the claimed
 * device reaches.  The driver core cannot be told no (the return value of
 * BUS_NOTIFY_BIND_DRIVER is not looked at; vfio refuses such drivers by
 * owning the group's DMA, which the DMA API buffers here rule out), so
 * the notifier switches the claim's bus mastering off before the driver's
 * probe runs.  Switching it on again needs CAP_SYS_RAWIO from then on,
 * since the group is no longer the claimed function's alone.  While an
 * IOMMU domain owns the group (iommu.c) such a driver's probe fails
 * instead, and no function of the group can be claimed.
 */
#include <linux/acpi.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/moduleparam.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dma.h"
#include "genode_dev.h"
#include "pci.h"

#define GENODE_PCI_DRIVER "genode"
#define GENODE_PCI_MAX_IDS 16

static char *ids;
module_param(ids, charp, 0444);
MODULE_PARM_DESC(ids,
		 "PCI functions to bind to genode at load: vendor:device[,vendor:device...] (hex)");

/* guards the claims and their ends, see above */
static DEFINE_MUTEX(claim_lock);

static struct pci_driver genode_pci_driver;

/* the claims, for the bus notifier; guarded as described above */
static LIST_HEAD(genode_pci_claims);
static DEFINE_MUTEX(genode_pci_claims_lock);

static inline struct device_driver *genode_pci_drv(void)
{
	return &genode_pci_driver.driver;
}

/* ---- the hooks of dependent resources ---- */

void genode_pci_hook_add(struct genode_pci_device *gdev,
			 struct genode_pci_hook *hook)
{
	lockdep_assert_held(&gdev->lock);
	list_add_tail(&hook->node, &gdev->hooks);
}

void genode_pci_hook_del(struct genode_pci_device *gdev,
			 struct genode_pci_hook *hook)
{
	mutex_lock(&gdev->lock);
	if (!list_empty(&hook->node))
		list_del_init(&hook->node);
	mutex_unlock(&gdev->lock);
}

/*
 * Run the hooks of one stage.  A callback may end the life of other
 * dependent resources, so the list is searched afresh after each one.
 */
static void genode_pci_run_hooks(struct genode_pci_device *gdev,
				 enum genode_pci_stage stage)
{
	struct genode_pci_hook *hook, *h;

	lockdep_assert_held(&gdev->lock);
	for (;;) {
		hook = NULL;
		list_for_each_entry(h, &gdev->hooks, node) {
			if (h->stage == stage) {
				hook = h;
				break;
			}
		}
		if (!hook)
			return;
		list_del_init(&hook->node);
		hook->release(hook, gdev);
	}
}

/* ---- binding to the "genode" driver ---- */

/* > 0: driver_override names @drv; 0: it names another driver; < 0: unset */
static int genode_match_driver_override(struct pci_dev *pdev,
					const struct device_driver *drv)
{
	int ret = -1;

	genode_driver_override_lock(pdev);
	if (genode_driver_override_name(pdev))
		ret = !strcmp(genode_driver_override_name(pdev), drv->name);
	genode_driver_override_unlock(pdev);
	return ret;
}

/*
 * Make sure the "genode" driver is bound to @pdev: take it as it is if it
 * is bound already, bind it through driver_override if no driver is.
 */
static int genode_pci_bind(struct genode_pci_device *gdev)
{
	struct pci_dev *pdev = gdev->pdev;
	struct device *dev = &pdev->dev;
	bool ours, other;
	int override, ret;

	lockdep_assert_held(&claim_lock);

	device_lock(dev);
	ours = dev->driver == genode_pci_drv();
	other = dev->driver && !ours;
	device_unlock(dev);
	if (ours)
		return 0;
	if (other)
		return -EBUSY;

	/* the administrator reserved it for another driver */
	override = genode_match_driver_override(pdev, genode_pci_drv());
	if (override == 0)
		return -EBUSY;
	/* one not assigned to us is the administrator's to hand out */
	if (override < 0 && !capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (override < 0) {
		ret = genode_set_driver_override(pdev, GENODE_PCI_DRIVER);
		if (ret)
			return ret;
		gdev->override_by_claim = true;
	}

	/* -EBUSY when another driver came first */
	ret = device_driver_attach(genode_pci_drv(), dev);
	if (ret)
		goto err_clear_override;
	gdev->bound_by_claim = true;
	return 0;

err_clear_override:
	if (gdev->override_by_claim)
		genode_set_driver_override(pdev, "");
	gdev->override_by_claim = false;
	return ret;
}

/*
 * The end of a claim, after genode_pci_teardown(): forget the holder, and
 * unbind the function and clear driver_override if the claim set them,
 * unless a later claim holds the function now (this one ended behind our
 * back, by an unbind through sysfs, and another session claimed it
 * since): that claim's binding is not ours to undo, and the override this
 * one set is the later claim's to clear.
 */
static void genode_pci_unbind(struct genode_pci_device *gdev)
{
	struct pci_dev *pdev = gdev->pdev;
	struct device *dev = &pdev->dev;
	struct genode_pci_device *later;
	bool bound;

	mutex_lock(&claim_lock);
	device_lock(dev);
	/* the remove callback cleared it if the function went away */
	if (pci_get_drvdata(pdev) == gdev)
		pci_set_drvdata(pdev, NULL);
	later = pci_get_drvdata(pdev);
	/* it took our driver_override for the administrator's */
	if (later && gdev->override_by_claim)
		later->override_by_claim = true;
	bound = gdev->bound_by_claim && dev->driver == genode_pci_drv();
	device_unlock(dev);

	if (!later) {
		if (bound)
			device_release_driver(dev);
		if (gdev->override_by_claim &&
		    genode_match_driver_override(pdev, genode_pci_drv()) > 0)
			genode_set_driver_override(pdev, "");
	}
	mutex_unlock(&claim_lock);
}

/* ---- the release of a claim ---- */

/*
 * Reset @pdev on release: true if it was reset.  The device lock is only
 * tried, so that a remove callback waiting for gdev->lock cannot deadlock
 * with us; a busy device lock is given a few chances.
 */
static bool genode_pci_release_reset(struct pci_dev *pdev)
{
	int tries = 10, ret;

	if (!pdev->reset_methods[0])
		return false;
	do {
		ret = pci_try_reset_function(pdev);
		if (ret != -EAGAIN)
			break;
		msleep(20);
	} while (--tries);
	if (ret)
		pci_dbg(pdev, "no reset on release: %d\n", ret);
	return !ret;
}

/*
 * Release the hardware, in the order pci.h describes.  @in_remove: called
 * by the remove callback, with the device lock held.
 */
static void genode_pci_teardown(struct genode_pci_device *gdev,
				bool in_remove)
{
	struct pci_dev *pdev = gdev->pdev;
	bool counted = false, reset = false;

	mutex_lock(&gdev->lock);
	if (gdev->released)
		goto out_unlock;
	gdev->released = true;

	genode_pci_run_hooks(gdev, GENODE_PCI_STAGE_IRQ);
	genode_pci_run_hooks(gdev, GENODE_PCI_STAGE_IOMEM);
	/* a function that was never enabled holds no transfer */
	reset = !gdev->enabled;
	if (gdev->enabled) {
		pci_clear_master(pdev);
		if (!in_remove)
			gdev->reset_on_release = genode_pci_release_reset(pdev);
	}
	/* a transfer queued before is gone with the reset */
	if (gdev->reset_on_release)
		genode_dma_quarantine_end(pdev);
	genode_pci_run_hooks(gdev, GENODE_PCI_STAGE_DMA);
	WARN_ON_ONCE(!list_empty(&gdev->hooks));
	if (gdev->enabled) {
		/* for the next driver as the claim found them */
		dma_set_max_seg_size(&pdev->dev, gdev->max_seg_size);
		if (dma_set_mask(&pdev->dev, gdev->dma_mask) ||
		    dma_set_coherent_mask(&pdev->dev, gdev->coherent_dma_mask))
			pci_warn(pdev, "DMA mask not restored\n");
		pci_release_regions(pdev);
		pci_disable_device(pdev);
		gdev->enabled = false;
	}
	counted = gdev->counted;
	gdev->counted = false;
	reset |= gdev->reset_on_release;
out_unlock:
	mutex_unlock(&gdev->lock);
	/*
	 * The device reaches nothing now, or (not reset) holds what it was
	 * given for its next holder: the session's held buffers may go, or
	 * go into quarantine.
	 */
	if (counted)
		genode_dma_session_unclaim(gdev->res.owner, pdev, reset);
}

/* ---- the "genode" PCI driver ---- */

/*
 * Functions that are part of the platform rather than devices a driver
 * runs: bridges (host, ISA/LPC, PCI), whose registers route the chipset's
 * decoding and interrupts, and IOMMUs, which isolate everything else.
 */
#define GENODE_PCI_CLASS_IOMMU	0x0806	/* PCI code and ID assignment spec */

static bool genode_pci_is_platform(struct pci_dev *pdev)
{
	return pdev->hdr_type != PCI_HEADER_TYPE_NORMAL ||
	       pdev->class >> 16 == PCI_BASE_CLASS_BRIDGE ||
	       pdev->class >> 8 == GENODE_PCI_CLASS_IOMMU;
}

static int genode_pci_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	/* the platform stays with the PCI core, assigned to us or not */
	if (genode_pci_is_platform(pdev))
		return -EINVAL;
	return 0;
}

/*
 * The function is unbound: by our own release (then it has no holder any
 * more), or behind our back through sysfs or by hot removal while a
 * session holds it.  Then the claim ends here, and its device fd answers
 * ENODEV from now on.  Either way its memory in quarantine is unmapped.
 */
static void genode_pci_remove(struct pci_dev *pdev)
{
	struct genode_pci_device *gdev = pci_get_drvdata(pdev);

	if (gdev) {
		pci_info(pdev, "unbound while claimed, claim released\n");
		genode_pci_teardown(gdev, true);
		/* a later binding (the administrator's) is not the claim's */
		gdev->bound_by_claim = false;
		pci_set_drvdata(pdev, NULL);
	}
	/* DMA API mappings end with the binding; quarantined pages stay */
	genode_dma_quarantine_unmap(pdev);
}

static const struct pci_device_id genode_pci_ids[] = {
	{ }	/* none: functions come through driver_override or ids= */
};

/*
 * driver_managed_dma: binding does not pin the group to its default
 * domain (iommu_device_use_default_domain()), so that GENODE_IOMMU_ATTACH
 * can take the group's DMA ownership (iommu.c), as vfio-pci does.  The
 * device stays in its default domain until then, and the DMA API buffers
 * of dma.c work there as before; they and an attachment exclude each
 * other (gdev->iommu_attached).
 */
static struct pci_driver genode_pci_driver = {
	.name = GENODE_PCI_DRIVER,
	.id_table = genode_pci_ids,
	.probe = genode_pci_probe,
	.remove = genode_pci_remove,
	.driver_managed_dma = true,
};

/* ---- the device fd ---- */

static inline struct genode_pci_device *ucmd_gdev(struct genode_ucmd *ucmd)
{
	return container_of(ucmd->res, struct genode_pci_device, res);
}

bool genode_pci_iommu_translates(struct pci_dev *pdev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(&pdev->dev);

	return domain && (domain->type & __IOMMU_DOMAIN_PAGING);
}

static int genode_pci_count_dev(struct device *dev, void *count)
{
	(*(unsigned int *)count)++;
	return 0;
}

bool genode_pci_bar_holds_msix(struct pci_dev *pdev, unsigned int bar)
{
	u32 table = 0, pba = 0;

	if (!pdev->msix_cap)
		return false;
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
	return (table & PCI_MSIX_TABLE_BIR) == bar ||
	       (pba & PCI_MSIX_PBA_BIR) == bar;
}

bool genode_pci_msi_isolated(struct pci_dev *pdev)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);
	bool isolated;

	if (!group)
		return false;
	isolated = genode_msi_isolated(&pdev->dev, group);
	iommu_group_put(group);
	return isolated;
}

bool genode_pci_dma_isolated(struct pci_dev *pdev)
{
	struct iommu_group *group;
	unsigned int n = 0;
	bool msi;

	if (!genode_pci_iommu_translates(pdev))
		return false;
	group = iommu_group_get(&pdev->dev);
	if (!group)
		return false;
	/* an MSI is a DMA write that no DMA remapping stops */
	msi = genode_msi_isolated(&pdev->dev, group);
	iommu_group_for_each_dev(group, &n, genode_pci_count_dev);
	iommu_group_put(group);
	return msi && n == 1;
}

int genode_pci_dma_permitted(struct genode_pci_device *gdev)
{
	if (genode_pci_dma_isolated(gdev->pdev))
		return 0;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	/* DMA that reaches all memory reaches the kernel's */
	return security_locked_down(LOCKDOWN_PCI_ACCESS);
}

/* Lock the device for an ioctl on its fd; -ENODEV once released. */
static int genode_pci_enter(struct genode_pci_device *gdev)
{
	mutex_lock(&gdev->lock);
	if (gdev->released) {
		mutex_unlock(&gdev->lock);
		return -ENODEV;
	}
	return 0;
}

static int genode_pci_info(struct genode_ucmd *ucmd)
{
	struct genode_pci_device *gdev = ucmd_gdev(ucmd);
	struct genode_pci_info *cmd = ucmd->cmd;
	struct pci_dev *pdev = gdev->pdev;
	int ret, n;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	ret = genode_pci_enter(gdev);
	if (ret)
		return ret;

	cmd->caps = 0;
	if (genode_pci_iommu_translates(pdev))
		cmd->caps |= GENODE_PCI_CAP_IOMMU;
	if (genode_pci_dma_isolated(pdev))
		cmd->caps |= GENODE_PCI_CAP_ISOLATED;
	if (genode_pci_msi_isolated(pdev))
		cmd->caps |= GENODE_PCI_CAP_MSI_ISOLATED;
	if (pdev->reset_methods[0])
		cmd->caps |= GENODE_PCI_CAP_RESET;
	if (pci_is_pcie(pdev))
		cmd->caps |= GENODE_PCI_CAP_PCIE;
	cmd->domain = pci_domain_nr(pdev->bus);
	cmd->bus = pdev->bus->number;
	cmd->devfn = pdev->devfn;
	cmd->revision = pdev->revision;
	cmd->irq_pin = pdev->pin;
	cmd->vendor = pdev->vendor;
	cmd->device = pdev->device;
	cmd->subsystem_vendor = pdev->subsystem_vendor;
	cmd->subsystem_device = pdev->subsystem_device;
	cmd->class_code = pdev->class;
	n = pci_msi_vec_count(pdev);
	cmd->msi_vectors = n > 0 ? n : 0;
	n = pci_msix_vec_count(pdev);
	cmd->msix_vectors = n > 0 ? n : 0;
	cmd->cfg_size = pdev->cfg_size;
	mutex_unlock(&gdev->lock);

	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static int genode_pci_bar_info(struct genode_ucmd *ucmd)
{
	struct genode_pci_device *gdev = ucmd_gdev(ucmd);
	struct genode_pci_bar_info *cmd = ucmd->cmd;
	struct pci_dev *pdev = gdev->pdev;
	unsigned long flags;
	int ret;

	if (cmd->flags)
		return -EINVAL;
	if (cmd->index >= PCI_STD_NUM_BARS)
		return -EINVAL;
	ret = genode_pci_enter(gdev);
	if (ret)
		return ret;

	cmd->bar_flags = 0;
	cmd->addr = 0;
	cmd->size = pci_resource_len(pdev, cmd->index);
	flags = pci_resource_flags(pdev, cmd->index);
	if (cmd->size) {
		cmd->addr = pci_resource_start(pdev, cmd->index);
		if (flags & IORESOURCE_MEM)
			cmd->bar_flags |= GENODE_PCI_BAR_MEM;
		if (flags & IORESOURCE_IO)
			cmd->bar_flags |= GENODE_PCI_BAR_IO;
		if (flags & IORESOURCE_MEM_64)
			cmd->bar_flags |= GENODE_PCI_BAR_64;
		if (flags & IORESOURCE_PREFETCH)
			cmd->bar_flags |= GENODE_PCI_BAR_PREFETCH;
	}
	mutex_unlock(&gdev->lock);

	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static int genode_pci_config_check(struct genode_pci_device *gdev,
				   struct genode_pci_config *cmd)
{
	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	if (cmd->width != 1 && cmd->width != 2 && cmd->width != 4)
		return -EINVAL;
	if (cmd->offset % cmd->width)
		return -EINVAL;
	if (cmd->offset >= gdev->pdev->cfg_size ||
	    cmd->offset + cmd->width > gdev->pdev->cfg_size)
		return -EINVAL;
	return 0;
}

static int genode_pci_config_read(struct genode_ucmd *ucmd)
{
	struct genode_pci_device *gdev = ucmd_gdev(ucmd);
	struct genode_pci_config *cmd = ucmd->cmd;
	struct pci_dev *pdev = gdev->pdev;
	u16 w = 0;
	u8 b = 0;
	int ret;

	ret = genode_pci_config_check(gdev, cmd);
	if (ret)
		return ret;
	ret = genode_pci_enter(gdev);
	if (ret)
		return ret;

	switch (cmd->width) {
	case 1:
		ret = pci_user_read_config_byte(pdev, cmd->offset, &b);
		cmd->value = b;
		break;
	case 2:
		ret = pci_user_read_config_word(pdev, cmd->offset, &w);
		cmd->value = w;
		break;
	default:
		ret = pci_user_read_config_dword(pdev, cmd->offset, &cmd->value);
		break;
	}
	mutex_unlock(&gdev->lock);
	if (ret)
		return ret;

	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

/*
 * Write @val, @width bytes at @pos, but its @kept bits as the register
 * holds them now: read again and written under gdev->intx_lock, which the
 * INTx handler and the ack hold while they change INTx Disable, so that a
 * change of theirs since the client read the register is not undone.
 */
static int genode_pci_config_write_kept(struct genode_pci_device *gdev,
					unsigned int pos, unsigned int width,
					u32 val, u32 kept)
{
	struct pci_dev *pdev = gdev->pdev;
	unsigned long flags;
	u32 cur = 0;
	u16 w = 0;
	u8 b = 0;
	int ret;

	lockdep_assert_held(&gdev->lock);

	spin_lock_irqsave(&gdev->intx_lock, flags);
	switch (width) {
	case 1:
		ret = pci_read_config_byte(pdev, pos, &b);
		cur = b;
		break;
	case 2:
		ret = pci_read_config_word(pdev, pos, &w);
		cur = w;
		break;
	default:
		ret = pci_read_config_dword(pdev, pos, &cur);
		break;
	}
	if (ret)
		goto out_unlock;
	val = (val & ~kept) | (cur & kept);
	switch (width) {
	case 1:
		ret = pci_write_config_byte(pdev, pos, val);
		break;
	case 2:
		ret = pci_write_config_word(pdev, pos, val);
		break;
	default:
		ret = pci_write_config_dword(pdev, pos, val);
		break;
	}
out_unlock:
	spin_unlock_irqrestore(&gdev->intx_lock, flags);
	return pcibios_err_to_errno(ret);
}

static int genode_pci_config_write(struct genode_ucmd *ucmd)
{
	struct genode_pci_device *gdev = ucmd_gdev(ucmd);
	struct genode_pci_config *cmd = ucmd->cmd;
	struct pci_dev *pdev = gdev->pdev;
	u32 kept = 0;
	unsigned int i;
	int mask, ret;
	u8 cur, keep;

	ret = genode_pci_config_check(gdev, cmd);
	if (ret)
		return ret;
	if (cmd->width < 4 && cmd->value >> (8 * cmd->width))
		return -EINVAL;
	ret = security_locked_down(LOCKDOWN_PCI_ACCESS);
	if (ret)
		return ret;
	ret = genode_pci_enter(gdev);
	if (ret)
		return ret;

	/*
	 * every byte: locked, or only its writable bits change (config.c);
	 * the kept ones are not compared, the write keeps them
	 */
	for (i = 0; i < cmd->width; i++) {
		mask = genode_pci_config_mask(pdev, cmd->offset + i);
		if (mask < 0) {
			ret = -EPERM;
			goto out_unlock;
		}
		keep = genode_pci_config_kept(cmd->offset + i);
		kept |= (u32)keep << (8 * i);
		if (mask == 0xff)
			continue;
		ret = pci_user_read_config_byte(pdev, cmd->offset + i, &cur);
		if (ret)
			goto out_unlock;
		if ((cur ^ (cmd->value >> (8 * i))) & ~(mask | keep) & 0xff) {
			ret = -EPERM;
			goto out_unlock;
		}
	}

	if (kept) {
		ret = genode_pci_config_write_kept(gdev, cmd->offset,
						   cmd->width, cmd->value,
						   kept);
		goto out_unlock;
	}
	switch (cmd->width) {
	case 1:
		ret = pci_user_write_config_byte(pdev, cmd->offset, cmd->value);
		break;
	case 2:
		ret = pci_user_write_config_word(pdev, cmd->offset, cmd->value);
		break;
	default:
		ret = pci_user_write_config_dword(pdev, cmd->offset, cmd->value);
		break;
	}
out_unlock:
	mutex_unlock(&gdev->lock);
	return ret;
}

static int genode_pci_bus_master(struct genode_ucmd *ucmd)
{
	struct genode_pci_device *gdev = ucmd_gdev(ucmd);
	struct genode_pci_bus_master *cmd = ucmd->cmd;
	unsigned long flags;
	int ret;

	if (cmd->flags || cmd->__reserved || cmd->enable > 1)
		return -EINVAL;
	ret = genode_pci_enter(gdev);
	if (ret)
		return ret;

	if (cmd->enable)
		ret = genode_pci_dma_permitted(gdev);
	if (!ret) {
		/* a read-modify-write of the command register, INTx Disable too */
		spin_lock_irqsave(&gdev->intx_lock, flags);
		if (cmd->enable)
			pci_set_master(gdev->pdev);
		else
			pci_clear_master(gdev->pdev);
		spin_unlock_irqrestore(&gdev->intx_lock, flags);
	}
	mutex_unlock(&gdev->lock);
	return ret;
}

static int genode_pci_reset(struct genode_ucmd *ucmd)
{
	struct genode_pci_device *gdev = ucmd_gdev(ucmd);
	struct genode_pci_reset *cmd = ucmd->cmd;
	struct genode_pci_hook *hook;
	unsigned int n = 0;
	int ret;

	if (cmd->flags)
		return -EINVAL;
	ret = genode_pci_enter(gdev);
	if (ret)
		return ret;
	/*
	 * The reset turns decoding off: an access to a BAR then ends in an
	 * unsupported request, fatal on some machines.  So the BARs'
	 * mappings are zapped and their faults wait until it decodes again.
	 */
	list_for_each_entry(hook, &gdev->hooks, node)
		if (hook->bar_mapping)
			genode_resource_block_maps(hook->bar_mapping, n++);
	/* only tried: the device lock may be held by a remove waiting for us */
	ret = pci_try_reset_function(gdev->pdev);
	list_for_each_entry(hook, &gdev->hooks, node)
		if (hook->bar_mapping)
			genode_resource_unblock_maps(hook->bar_mapping);
	mutex_unlock(&gdev->lock);
	return ret;
}

static const struct genode_ioctl_op genode_pci_device_ioctls[] = {
	GENODE_IOCTL_OP(GENODE_PCI_INFO, genode_pci_info,
			struct genode_pci_info, __reserved),
	GENODE_IOCTL_OP(GENODE_PCI_BAR_INFO, genode_pci_bar_info,
			struct genode_pci_bar_info, size),
	GENODE_IOCTL_OP(GENODE_PCI_CONFIG_READ, genode_pci_config_read,
			struct genode_pci_config, __reserved),
	GENODE_IOCTL_OP(GENODE_PCI_CONFIG_WRITE, genode_pci_config_write,
			struct genode_pci_config, __reserved),
	GENODE_IOCTL_OP(GENODE_PCI_BUS_MASTER, genode_pci_bus_master,
			struct genode_pci_bus_master, __reserved),
	GENODE_IOCTL_OP(GENODE_PCI_RESET, genode_pci_reset,
			struct genode_pci_reset, flags),
};

static void genode_pci_device_revoke(struct genode_resource *res)
{
	struct genode_pci_device *gdev =
		container_of(res, struct genode_pci_device, res);

	genode_pci_teardown(gdev, false);
	genode_pci_unbind(gdev);
}

static void genode_pci_device_free(struct genode_resource *res)
{
	struct genode_pci_device *gdev =
		container_of(res, struct genode_pci_device, res);

	mutex_lock(&genode_pci_claims_lock);
	list_del(&gdev->claims_node);
	mutex_unlock(&genode_pci_claims_lock);
	pci_dev_put(gdev->pdev);
	mutex_destroy(&gdev->lock);
	kfree(gdev);
}

static const struct genode_resource_ops genode_pci_device_ops = {
	.name = "genode-pci",
	.ioctls = genode_pci_device_ioctls,
	.num_ioctls = ARRAY_SIZE(genode_pci_device_ioctls),
	.revoke = genode_pci_device_revoke,
	.free = genode_pci_device_free,
};

struct genode_pci_device *genode_pci_device_from_file(struct file *file)
{
	struct genode_resource *res = genode_resource_from_file(file);

	if (!res || res->ops != &genode_pci_device_ops)
		return NULL;
	return container_of(res, struct genode_pci_device, res);
}

struct genode_pci_device *genode_pci_device_lock_fd(struct genode_session *s,
						    int fd,
						    struct file **filep)
{
	struct genode_pci_device *gdev;
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	gdev = genode_pci_device_from_file(file);
	if (!gdev) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	if (gdev->res.owner != s) {
		fput(file);
		return ERR_PTR(-EPERM);
	}
	if (genode_pci_enter(gdev)) {
		fput(file);
		return ERR_PTR(-ENODEV);
	}
	*filep = file;
	return gdev;
}

void genode_pci_device_unlock_fput(struct genode_pci_device *gdev,
				   struct file *file)
{
	mutex_unlock(&gdev->lock);
	fput(file);
}

static int genode_pci_routes_to(struct device *dev, void *irq)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	return pdev->pin && pdev->irq == *(unsigned int *)irq;
}

bool genode_pci_irq_in_use(unsigned int irq)
{
	return driver_for_each_device(genode_pci_drv(), NULL, &irq,
				      genode_pci_routes_to);
}

/* ---- IOMMU groups of domains (iommu.c) ---- */

void genode_pci_claims_hold(void)
{
	mutex_lock(&claim_lock);
}

void genode_pci_claims_release(void)
{
	mutex_unlock(&claim_lock);
}

/* One member of the group of @data (a gdev) for genode_pci_group_ours(). */
static int genode_pci_member_ours(struct device *dev, void *data)
{
	struct genode_pci_device *gdev = data, *other;
	struct device_driver *drv = READ_ONCE(dev->driver);

	if (dev == &gdev->pdev->dev || !drv)
		return 0;
	if (drv != genode_pci_drv() || !dev_is_pci(dev))
		return -EBUSY;
	/*
	 * The holder is published and unpublished under claim_lock, and
	 * freed only after that: it stays while we hold the lock.  One that
	 * is assigned to us but unclaimed can be claimed only once the group
	 * is free again (genode_pci_take()).  A claim whose resource is not
	 * set up yet has no owner: EBUSY, for a moment.
	 */
	other = pci_get_drvdata(to_pci_dev(dev));
	if (!other)
		return 0;
	return READ_ONCE(other->res.owner) == gdev->res.owner ? 0 : -EBUSY;
}

int genode_pci_group_ours(struct genode_pci_device *gdev,
			  struct iommu_group *group)
{
	lockdep_assert_held(&claim_lock);
	return iommu_group_for_each_dev(group, gdev, genode_pci_member_ours);
}

/* Is the DMA of @pdev's IOMMU group owned (an IOMMU domain, VFIO)? */
bool genode_pci_group_owned(struct pci_dev *pdev)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);
	bool owned;

	if (!group)
		return false;
	owned = iommu_group_dma_owner_claimed(group);
	iommu_group_put(group);
	return owned;
}

/* ---- GENODE_PCI_CLAIM ---- */

/* Bind, publish and enable @gdev's function; everything undone on error. */
static int genode_pci_take(struct genode_pci_device *gdev)
{
	struct pci_dev *pdev = gdev->pdev;
	struct device *dev = &pdev->dev;
	int ret;

	mutex_lock(&claim_lock);
	/*
	 * A group that an IOMMU domain owns (it took it with claim_lock
	 * held) takes no new member: it would share another's domain.
	 */
	if (genode_pci_group_owned(pdev)) {
		mutex_unlock(&claim_lock);
		return -EBUSY;
	}
	ret = genode_pci_bind(gdev);
	if (ret) {
		mutex_unlock(&claim_lock);
		return ret;
	}

	device_lock(dev);
	if (dev->driver != genode_pci_drv() || pci_get_drvdata(pdev))
		ret = -EBUSY;	/* held by a session, or unbound meanwhile */
	else
		pci_set_drvdata(pdev, gdev);
	device_unlock(dev);
	mutex_unlock(&claim_lock);
	if (ret)
		goto err_unbind;

	mutex_lock(&gdev->lock);
	if (gdev->released) {
		/* the remove callback ran already */
		ret = -ENODEV;
		goto err_unlock;
	}
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_unlock;
	/* whatever firmware or the last driver left: GENODE_PCI_BUS_MASTER's */
	pci_clear_master(pdev);
	ret = pci_request_regions(pdev, GENODE_PCI_DRIVER);
	if (ret)
		goto err_disable;
	/*
	 * DMA buffers are mapped for the device in one segment each; the
	 * segment limit the PCI core sets (64 KiB) is a property of kernel
	 * drivers' scatterlists, not of a device a user-level driver runs.
	 */
	gdev->max_seg_size = dma_get_max_seg_size(&pdev->dev);
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);
	gdev->dma_mask = dma_get_mask(&pdev->dev);
	gdev->coherent_dma_mask = pdev->dev.coherent_dma_mask;
	gdev->enabled = true;
	mutex_unlock(&gdev->lock);
	return 0;

err_disable:
	pci_disable_device(pdev);
err_unlock:
	mutex_unlock(&gdev->lock);
	genode_pci_teardown(gdev, false);
err_unbind:
	genode_pci_unbind(gdev);
	return ret;
}

int genode_pci_claim(struct genode_ucmd *ucmd)
{
	struct genode_pci_claim *cmd = ucmd->cmd;
	struct genode_pci_device *gdev;
	struct pci_dev *pdev;
	int ret;

	if (cmd->flags || cmd->bus > 0xff || cmd->devfn > 0xff)
		return -EINVAL;

	pdev = pci_get_domain_bus_and_slot(cmd->domain, cmd->bus, cmd->devfn);
	if (!pdev)
		return -ENODEV;
	if (genode_pci_is_platform(pdev)) {
		ret = -EINVAL;
		goto err_put_pdev;
	}
	/* the bound of the quarantine of devices without a reset (dma.c) */
	if (genode_dma_quarantine_full(pdev) && !capable(CAP_SYS_RAWIO)) {
		ret = -EBUSY;
		goto err_put_pdev;
	}

	gdev = kzalloc(sizeof(*gdev), GFP_KERNEL_ACCOUNT);
	if (!gdev) {
		ret = -ENOMEM;
		goto err_put_pdev;
	}
	gdev->pdev = pdev;
	mutex_init(&gdev->lock);
	spin_lock_init(&gdev->intx_lock);
	INIT_LIST_HEAD(&gdev->hooks);

	ret = genode_pci_take(gdev);
	if (ret)
		goto err_free;
	mutex_lock(&genode_pci_claims_lock);
	list_add_tail(&gdev->claims_node, &genode_pci_claims);
	mutex_unlock(&genode_pci_claims_lock);

	/* from here on the resource's revoke and free undo everything */
	genode_resource_init(&gdev->res, &genode_pci_device_ops,
			     ucmd->session);
	/* unless an unbind through sysfs has ended the claim already */
	mutex_lock(&gdev->lock);
	if (!gdev->released) {
		genode_dma_session_claim(ucmd->session);
		gdev->counted = true;
	}
	mutex_unlock(&gdev->lock);
	return genode_resource_install(&gdev->res, ucmd, sizeof(*cmd),
				       &cmd->fd);

err_free:
	mutex_destroy(&gdev->lock);
	kfree(gdev);
err_put_pdev:
	pci_dev_put(pdev);
	return ret;
}

/* ---- GENODE_PCI_LIST ---- */

/*
 * Does @pdev belong to the module: bound to "genode" (by the
 * administrator or by a claim) or assigned to it through driver_override?
 * Sets GENODE_PCI_FUNCTION_* in *@flags.
 */
static bool genode_pci_function_flags(struct pci_dev *pdev, u16 *flags)
{
	struct device *dev = &pdev->dev;
	struct genode_pci_device *gdev;
	bool bound, by_claim = false;
	int override;

	/* outside the device lock, which 6.1's driver_override lock is */
	override = genode_match_driver_override(pdev, genode_pci_drv());

	device_lock(dev);
	bound = dev->driver == genode_pci_drv();
	gdev = bound ? pci_get_drvdata(pdev) : NULL;
	/* gdev is freed only after it left the driver data */
	if (gdev)
		by_claim = gdev->bound_by_claim && gdev->override_by_claim;
	device_unlock(dev);

	if (!bound && override <= 0)
		return false;
	*flags = 0;
	if (!by_claim)
		*flags |= GENODE_PCI_FUNCTION_ASSIGNED;
	if (gdev)
		*flags |= GENODE_PCI_FUNCTION_CLAIMED;
	return true;
}

/*
 * Up to @max functions of the module into @out (which may be NULL for
 * @max 0); returns how many there are.
 */
static u32 genode_pci_collect(struct genode_pci_function *out, u32 max)
{
	struct pci_dev *pdev = NULL;
	u32 n = 0;
	u16 flags;

	for_each_pci_dev(pdev) {
		if (!genode_pci_function_flags(pdev, &flags))
			continue;
		if (n < max) {
			out[n].domain = pci_domain_nr(pdev->bus);
			out[n].bus = pdev->bus->number;
			out[n].devfn = pdev->devfn;
			out[n].flags = flags;
		}
		n++;
	}
	return n;
}

int genode_pci_list(struct genode_ucmd *ucmd)
{
	struct genode_pci_list *cmd = ucmd->cmd;
	struct genode_pci_function *list = NULL;
	u32 max;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;

	/* room for what there is now, at most for what the caller has */
	max = min(cmd->count, genode_pci_collect(NULL, 0));
	if (max) {
		list = kvcalloc(max, sizeof(*list), GFP_KERNEL_ACCOUNT);
		if (!list)
			return -ENOMEM;
	}
	cmd->count = genode_pci_collect(list, max);

	ret = 0;
	if (max && copy_to_user(u64_to_user_ptr(cmd->functions), list,
				array_size(min(max, cmd->count),
					   sizeof(*list))))
		ret = -EFAULT;
	kvfree(list);
	return ret ?: genode_ucmd_respond(ucmd, sizeof(*cmd));
}

/* ---- the ECAM window, for GENODE_INFO ---- */

static struct acpi_mcfg_allocation genode_ecam;

/* Segment 0's entry of the ACPI MCFG table, if the firmware has one. */
static void genode_pci_ecam_init(void)
{
	struct acpi_mcfg_allocation *cfg, *end;
	struct acpi_table_header *hdr;

	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_MCFG, 0, &hdr)))
		return;
	cfg = (void *)hdr + sizeof(struct acpi_table_mcfg);
	end = (void *)hdr + hdr->length;
	for (; cfg + 1 <= end; cfg++) {
		if (cfg->pci_segment == 0) {
			genode_ecam = *cfg;
			break;
		}
	}
	acpi_put_table(hdr);
}

void genode_pci_ecam(u64 *base, u16 *segment, u8 *bus_start, u8 *bus_end)
{
	*base = genode_ecam.address;
	*segment = genode_ecam.pci_segment;
	*bus_start = genode_ecam.start_bus_number;
	*bus_end = genode_ecam.end_bus_number;
}

/* ---- the module's PCI driver ---- */

static int genode_pci_parse_ids(u32 *list, unsigned int *n)
{
	char *buf, *cur, *tok, *colon;
	unsigned int vendor, device;
	int ret = 0;

	*n = 0;
	if (!ids || !*ids)
		return 0;
	buf = kstrdup(ids, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while ((tok = strsep(&cur, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		colon = strchr(tok, ':');
		ret = -EINVAL;
		if (!colon || *n == GENODE_PCI_MAX_IDS)
			break;
		*colon = '\0';
		if (kstrtouint(tok, 16, &vendor) || vendor > 0xffff ||
		    kstrtouint(colon + 1, 16, &device) || device > 0xffff)
			break;
		list[(*n)++] = vendor << 16 | device;
		ret = 0;
	}
	kfree(buf);
	if (ret)
		pr_err("genode: ids=%s: expected up to %d vendor:device pairs in hex\n",
		       ids, GENODE_PCI_MAX_IDS);
	return ret;
}

/* ---- kernel drivers in a claim's IOMMU group ---- */

/* @dev, of the IOMMU group of @gdev's function, is getting a driver. */
static void genode_pci_sibling_binds(struct genode_pci_device *gdev,
				     struct device *dev)
{
	struct pci_dev *pdev = gdev->pdev;
	unsigned long flags;
	u16 cmd = 0;

	mutex_lock(&gdev->lock);
	if (gdev->released || !gdev->enabled)
		goto out_unlock;
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MASTER)) {
		pci_info(pdev, "%s, of its IOMMU group, gets driver %s\n",
			 dev_name(dev), dev->driver->name);
		goto out_unlock;
	}
	spin_lock_irqsave(&gdev->intx_lock, flags);
	pci_clear_master(pdev);
	spin_unlock_irqrestore(&gdev->intx_lock, flags);
	pci_warn(pdev, "%s, of its IOMMU group, gets driver %s: bus mastering off\n",
		 dev_name(dev), dev->driver->name);
out_unlock:
	mutex_unlock(&gdev->lock);
}

/*
 * BUS_NOTIFY_BIND_DRIVER comes with the device lock of @data held and
 * the driver set, before its probe.  Binds of our own driver are claims.
 * BUS_NOTIFY_DEL_DEVICE ends the quarantine of a device going away.
 */
static int genode_pci_bus_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct device *dev = data;
	struct genode_pci_device *gdev;
	struct iommu_group *group, *g;

	/* before the IOMMU lets go of it: its mappings can still be undone */
	if (action == BUS_NOTIFY_DEL_DEVICE) {
		genode_dma_quarantine_end(to_pci_dev(dev));
		return NOTIFY_DONE;
	}
	if (action != BUS_NOTIFY_BIND_DRIVER || !dev->driver ||
	    dev->driver == genode_pci_drv())
		return NOTIFY_DONE;
	group = iommu_group_get(dev);
	if (!group)
		return NOTIFY_DONE;

	mutex_lock(&genode_pci_claims_lock);
	list_for_each_entry(gdev, &genode_pci_claims, claims_node) {
		if (&gdev->pdev->dev == dev)
			continue;
		g = iommu_group_get(&gdev->pdev->dev);
		iommu_group_put(g);
		/* still held through @group if it is the same */
		if (g == group)
			genode_pci_sibling_binds(gdev, dev);
	}
	mutex_unlock(&genode_pci_claims_lock);
	iommu_group_put(group);
	return NOTIFY_DONE;
}

static struct notifier_block genode_pci_bus_nb = {
	.notifier_call = genode_pci_bus_notify,
};

int genode_pci_init(void)
{
	u32 list[GENODE_PCI_MAX_IDS];
	unsigned int n, i;
	int ret;

	ret = genode_pci_parse_ids(list, &n);
	if (ret)
		return ret;
	genode_pci_ecam_init();

	ret = bus_register_notifier(&pci_bus_type, &genode_pci_bus_nb);
	if (ret)
		return ret;
	ret = pci_register_driver(&genode_pci_driver);
	if (ret)
		goto err_unregister_notifier;

	/* binds the functions that match and have no driver yet */
	for (i = 0; i < n; i++) {
		ret = pci_add_dynid(&genode_pci_driver, list[i] >> 16,
				    list[i] & 0xffff, PCI_ANY_ID, PCI_ANY_ID,
				    0, 0, 0);
		if (ret)
			goto err_unregister;
	}
	return 0;

err_unregister:
	pci_unregister_driver(&genode_pci_driver);
err_unregister_notifier:
	bus_unregister_notifier(&pci_bus_type, &genode_pci_bus_nb);
	return ret;
}

void genode_pci_exit(void)
{
	pci_unregister_driver(&genode_pci_driver);
	bus_unregister_notifier(&pci_bus_type, &genode_pci_bus_nb);
}
