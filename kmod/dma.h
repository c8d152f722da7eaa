/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma.h - DMA buffers
 */
#ifndef _GENODE_DMA_H
#define _GENODE_DMA_H

#include <linux/types.h>

struct file;
struct genode_pci_device;
struct iommu_group;
struct genode_session;
struct genode_ucmd;
struct page;
struct pci_dev;

/* Module init and exit: the debugfs view of the buffers. */
void genode_dma_init(void);
void genode_dma_exit(void);

/* Set a new session's DMA quota from the module parameter. */
void genode_dma_session_init(struct genode_session *s);

/*
 * A claim of session @s begins, or the release of its device @pdev has
 * ended (bus mastering off, the device reset if it could be: @reset):
 * the last end frees the session's held buffers for no device, or
 * quarantines them if a release could not reset its device (dma.c,
 * "Holding").  Take @s->lock.
 */
void genode_dma_session_claim(struct genode_session *s);
void genode_dma_session_unclaim(struct genode_session *s,
				struct pci_dev *pdev, bool reset);

/* Session ioctls. */
int genode_dma_alloc(struct genode_ucmd *ucmd);
int genode_dma_quota(struct genode_ucmd *ucmd);
int genode_dma_set_mask(struct genode_ucmd *ucmd);

/*
 * Pin the DMA buffer behind fd @fd, a buffer for no device of session
 * @s, for an IOMMU domain (iommu.c): its memory and quota charge stay
 * until genode_dma_unpin(*@filep), even if it is revoked meanwhile, and
 * *@filep holds its file.  Also takes a reference to each page of
 * [offset, offset + size) into @pages (size / PAGE_SIZE entries), to be
 * dropped with put_page().  0, or -EBADF (not open), -EINVAL (no DMA
 * buffer fd, a buffer for a device, a range not inside it), -EPERM
 * (another session's), -ENODEV (revoked).  Takes the buffer's revoke_lock
 * for reading.
 */
int genode_dma_pin(struct genode_session *s, int fd, u64 offset, u64 size,
		   struct page **pages, struct file **filep);
/*
 * Undo one genode_dma_pin(), after the device can no longer reach the
 * memory: frees it if the buffer was revoked meanwhile and this was its
 * last pin.  Takes the buffer's revoke_lock for writing.
 */
void genode_dma_unpin(struct file *file);

/*
 * End the quarantine of @pdev's memory (dma.c, "Quarantine"), or of every
 * device's for NULL: its device was reset, is being removed, or the module
 * is unloaded.  Takes the buffer list's lock.
 */
void genode_dma_quarantine_end(struct pci_dev *pdev);
/*
 * Unmap @pdev's memory in quarantine from it, keeping the pages: the
 * driver's binding ends, and DMA API mappings must not outlive it.  Takes
 * the buffer list's lock.
 */
void genode_dma_quarantine_unmap(struct pci_dev *pdev);
/*
 * Whether @pdev has memory in quarantine while all quarantined memory is
 * at or above the quarantine_mb module parameter: then claiming @pdev
 * needs CAP_SYS_RAWIO.
 */
bool genode_dma_quarantine_full(struct pci_dev *pdev);

/*
 * Take the DMA ownership of @group for @owner (iommu_group_claim_dma_owner())
 * unless a member has DMA buffers of its own that are not revoked
 * (-EBUSY); while the group is owned, GENODE_DMA_ALLOC refuses buffers
 * for its members.  0, -EBUSY, or the claim's error (-EPERM: a driver
 * that uses the DMA API holds a member).
 */
int genode_dma_group_claim(struct iommu_group *group, void *owner);

#endif /* _GENODE_DMA_H */
