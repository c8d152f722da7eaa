/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pci.h - claimed PCI devices, for the resource kinds built on them
 *
 * A session claims a PCI function with GENODE_PCI_CLAIM and gets a device
 * fd, a struct genode_pci_device.  What a driver does with the device
 * (its BAR mappings, interrupts, DMA buffers) are resources of their own
 * that hang off the device.  They use this interface:
 *
 *   struct file *file;
 *   struct genode_pci_device *gdev = genode_pci_device_lock_fd(s, fd, &file);
 *
 *   if (IS_ERR(gdev))
 *           return PTR_ERR(gdev);
 *   ... gdev->pdev is claimed, enabled, its BARs requested; set up the
 *   ... hardware, then register the release hook:
 *   my->hook.stage = GENODE_PCI_STAGE_IRQ;
 *   my->hook.release = my_release;
 *   genode_pci_hook_add(gdev, &my->hook);
 *   my->dev_file = get_file(file);	(keeps gdev alive, see below)
 *   genode_pci_device_unlock_fput(gdev, file);
 *
 * and, when the resource is freed (its ops->free, without gdev->lock):
 *
 *   genode_pci_hook_del(my->gdev, &my->hook);
 *   ... undo the hardware setup unless the hook ran ...
 *   fput(my->dev_file);
 *
 * Lifetime.  The device fd is a genode_resource: the claim lasts until
 * the resource is revoked (GENODE_REVOKE, or its file's last reference
 * goes).  A resource that depends on the device should hold a reference
 * to the device's file (get_file()), as IO-memory regions of BARs do;
 * then the claim outlives every such resource unless it is revoked
 * explicitly, and struct genode_pci_device (and gdev->pdev) stays valid
 * as long as the reference is held, released or not.
 *
 * Release.  The claim ends (genode_pci_device.released becomes true) on
 * revocation of the device fd, or when the function is unbound from the
 * "genode" driver behind our back (sysfs unbind, hot removal).  Then,
 * with gdev->lock held throughout:
 *
 *   1. hooks of GENODE_PCI_STAGE_IRQ: interrupts off;
 *   2. hooks of GENODE_PCI_STAGE_IOMEM: BAR mappings revoked;
 *   3. bus mastering cleared;
 *   4. the function reset, when it has a reset method (not when the
 *      release comes from the driver's remove callback: it runs under the
 *      device lock, which the reset needs);
 *   5. if the function was reset, the quarantine of its DMA memory from
 *      earlier claims ended (dma.c); hooks of GENODE_PCI_STAGE_DMA: DMA
 *      memory freed, now that the device cannot reach it any more, or
 *      quarantined if it was not reset;
 *   6. BARs released (pci_release_regions), pci_disable_device();
 *   7. and, on revocation, the driver unbound unless the administrator
 *      assigned the function to "genode".
 *
 * Each hook runs at most once, and is off the device's list when its
 * release callback runs.  The callback runs with gdev->lock held (so it
 * is serialised with everything else done to the device) and possibly
 * with the device lock held (the driver's remove); it must not call
 * genode_pci_hook_add/del or take gdev->lock, and must not wait for
 * anything that may wait for gdev->lock.  It may revoke its own resource
 * with genode_resource_revoke() if that resource's operations and page
 * faults never take gdev->lock (IO-memory regions don't); otherwise it
 * switches its hardware off and wakes its sleepers, and its operations
 * see gdev->released under gdev->lock and fail with -ENODEV.
 *
 * Locking.  gdev->lock, the per-device mutex, serialises everything that
 * touches the device's state while it is claimed: config-space writes,
 * bus mastering, reset, the IRQ and DMA setup, the hooks, and the
 * release.  Operations on a dependent resource take it (not the device
 * fd's revoke_lock) and check gdev->released.  Lock order:
 *
 *   device_lock(&pdev->dev) -> gdev->lock -> a dependent resource's
 *   revoke_lock (write, in a release hook)
 *   gdev->lock -> a BAR region's map_lock (write, around a reset)
 *
 * gdev->lock is never held while waiting for the device lock (reset only
 * tries it).  Config-space read-modify-writes of the command register
 * (bus mastering here, INTx disable in the IRQ code through pci_intx())
 * are made under gdev->lock.  The INTx handler and the ack change INTx
 * Disable without it, from interrupt context (pci_check_and_mask_intx()
 * and pci_check_and_unmask_intx(), atomic only against other users of the
 * PCI core's pci_lock): they do that under gdev->intx_lock, and so does
 * every read-modify-write of the command register that the line may fire
 * into (a client's config write of the register's high byte, bus
 * mastering), so that none of them writes back a stale INTx Disable.
 *
 *   gdev->lock -> gdev->intx_lock
 *   gi->wait.lock (irq.c) -> gdev->intx_lock
 */
#ifndef _GENODE_PCI_H
#define _GENODE_PCI_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>

#include "resource.h"

struct genode_ucmd;
struct iommu_group;

/* When a hook runs in the release order above. */
enum genode_pci_stage {
	GENODE_PCI_STAGE_IRQ,	/* 1: interrupts off */
	GENODE_PCI_STAGE_IOMEM,	/* 2: BAR mappings revoked */
	GENODE_PCI_STAGE_DMA,	/* 5: DMA memory freed, after bus master off and reset */
	GENODE_PCI_STAGES,
};

struct genode_pci_device;

/* A dependent resource's part in the release of its device. */
struct genode_pci_hook {
	struct list_head node;	/* in genode_pci_device.hooks, under its lock */
	enum genode_pci_stage stage;
	void (*release)(struct genode_pci_hook *hook,
			struct genode_pci_device *gdev);
	/*
	 * A resource whose mappings show a memory BAR, or NULL: a reset
	 * zaps them and holds its page faults off until the function
	 * decodes again (genode_resource_block_maps()).
	 */
	struct genode_resource *bar_mapping;
};

/* A claimed PCI function: the object behind a device fd. */
struct genode_pci_device {
	struct genode_resource res;
	/* holds a reference (pci_dev_get) until the device fd is freed */
	struct pci_dev *pdev;

	/*
	 * The per-device mutex: guards @released, @enabled, @counted,
	 * @hooks, the saved DMA masks and the device's hardware state, see
	 * above.
	 */
	struct mutex lock;
	/* the claim has ended; the hardware must not be touched any more */
	bool released;
	/* pci_enable_device() and pci_request_regions() done */
	bool enabled;
	/*
	 * The release reset the function, so DMA memory need not go into
	 * quarantine (dma.c).  Set before the GENODE_PCI_STAGE_DMA hooks.
	 */
	bool reset_on_release;
	/*
	 * Counted in the session's claims (genode_dma_session_claim()) until
	 * the release has ended
	 */
	bool counted;
	/* release hooks, in the order they were added */
	struct list_head hooks;
	/*
	 * Guards the command register's INTx Disable bit: its changes by
	 * the INTx handler and the ack, and the read-modify-writes of the
	 * register that may run while they do (see "Locking" above).
	 */
	spinlock_t intx_lock;
	/* the DMA masks and segment size before the claim, for the release */
	u64 dma_mask;
	u64 coherent_dma_mask;
	unsigned int max_seg_size;

	/*
	 * The claim bound the function to the "genode" driver and set its
	 * driver_override, so the release undoes that; both false when the
	 * administrator had assigned it.  Set under claim_lock (pci.c);
	 * bound_by_claim is also cleared by the remove callback, under the
	 * device lock, under which the release reads it.
	 */
	bool bound_by_claim;
	bool override_by_claim;
	/*
	 * Attached to an IOMMU domain (iommu.c), its group's DMA owned by
	 * it: no DMA API buffers for it meanwhile.  Under @lock.
	 */
	bool iommu_attached;
	/* BARs that an IO-memory region holds (atomic bitops, no lock) */
	unsigned long bars_in_use;
	/*
	 * On the list of claims the bus notifier searches, from the take to
	 * the free (under genode_pci_claims_lock, pci.c).
	 */
	struct list_head claims_node;
};

/*
 * The device behind the device fd @fd that session @s claimed, with
 * gdev->lock held, not released.  *@filep holds a reference to the device
 * fd's file.  Returns -EBADF (@fd not open), -EINVAL (no device fd),
 * -EPERM (another session claimed it) or -ENODEV (the device was
 * released) as an ERR_PTR.  Every resource of a device is made through
 * it, so that only the session that claimed a device hangs resources off
 * it.
 */
struct genode_pci_device *genode_pci_device_lock_fd(struct genode_session *s,
						    int fd,
						    struct file **filep);
/*
 * Does the INTx pin of a function bound to genode.ko (claimed, or
 * assigned by the administrator) route to Linux interrupt @irq?  Such a
 * line is the device's, not free for a legacy IRQ fd.
 */
bool genode_pci_irq_in_use(unsigned int irq);

/* Undo genode_pci_device_lock_fd(). */
void genode_pci_device_unlock_fput(struct genode_pci_device *gdev,
				   struct file *file);

/* The device behind a file, or NULL if it is no device fd. */
struct genode_pci_device *genode_pci_device_from_file(struct file *file);

/* Run @hook->release at its stage of the release.  gdev->lock held. */
void genode_pci_hook_add(struct genode_pci_device *gdev,
			 struct genode_pci_hook *hook);
/*
 * Take @hook off the device if it has not run.  Takes gdev->lock; when it
 * returns, @hook->release is not running and will not run.
 */
void genode_pci_hook_del(struct genode_pci_device *gdev,
			 struct genode_pci_hook *hook);

/* Does an IOMMU translate the device's DMA (no identity mapping)? */
bool genode_pci_iommu_translates(struct pci_dev *pdev);
/* Is the DMA of @pdev's IOMMU group owned (an IOMMU domain, VFIO)? */
bool genode_pci_group_owned(struct pci_dev *pdev);

/*
 * Which bits of config byte @pos a client may change (config.c): a mask,
 * or a negative value for a byte no write may touch.
 */
int genode_pci_config_mask(struct pci_dev *pdev, unsigned int pos);
/*
 * Which bits of config byte @pos the kernel changes at any time (INTx
 * Disable): a write keeps them as they are, whatever it carries for them.
 */
u8 genode_pci_config_kept(unsigned int pos);

/* Does BAR @bar hold the device's MSI-X table or its PBA? */
bool genode_pci_bar_holds_msix(struct pci_dev *pdev, unsigned int bar);

/*
 * Are the device's MSIs isolated: interrupt remapping (or an MSI
 * controller that tells devices apart), so that a write to the MSI window
 * raises only the interrupts the kernel gave the device?
 */
bool genode_pci_msi_isolated(struct pci_dev *pdev);

/*
 * Is the device's DMA isolated: translated, its MSIs isolated, in an
 * IOMMU group of its own (so its DMA domain is shared with no other
 * device)?
 */
bool genode_pci_dma_isolated(struct pci_dev *pdev);

/*
 * May the caller let the device master the bus (DMA, MSI)?  Unless its
 * DMA is isolated, only with CAP_SYS_RAWIO and without kernel lockdown:
 * 0 or -EPERM.
 */
int genode_pci_dma_permitted(struct genode_pci_device *gdev);

/*
 * For GENODE_IOMMU_ATTACH (iommu.c): hold claims and their ends off
 * (claim_lock, taken before gdev->lock) while the members of an IOMMU
 * group are checked and the group is taken.  A claim of a function whose
 * group's DMA is owned fails with -EBUSY.
 */
void genode_pci_claims_hold(void);
void genode_pci_claims_release(void);
/*
 * Is every member of @group but @gdev's function unbound, or claimed by
 * @gdev's session (or assigned to the module and unclaimed)?  0, or
 * -EBUSY.  With genode_pci_claims_hold().
 */
int genode_pci_group_ours(struct genode_pci_device *gdev,
			  struct iommu_group *group);

/* GENODE_PCI_CLAIM and GENODE_PCI_LIST on a session. */
int genode_pci_claim(struct genode_ucmd *ucmd);
int genode_pci_list(struct genode_ucmd *ucmd);

/* The ECAM window of PCI segment 0 from ACPI's MCFG, or all 0. */
void genode_pci_ecam(u64 *base, u16 *segment, u8 *bus_start, u8 *bus_end);

/* The "genode" PCI driver, registered while the module is loaded. */
int genode_pci_init(void);
void genode_pci_exit(void);

#endif /* _GENODE_PCI_H */
