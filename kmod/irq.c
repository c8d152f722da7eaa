// SPDX-License-Identifier: GPL-2.0
/*
 * irq.c - IRQ fds: interrupts delivered to user space
 *
 * An IRQ fd stands for one interrupt source and follows Genode's
 * Irq_session: read() returns the interrupts counted since the last read
 * (blocking until there is one), and an ack re-arms the source.  A level
 * line is masked by the handler when it fires, because user space cannot
 * silence the device from hard-IRQ context; it stays masked until user
 * space has served the device and acks.  An interrupt still or again
 * pending at the ack fires right after the unmask and is counted then, so
 * nothing is lost.  Edge sources are never masked by the handler: each
 * edge is counted, and the ack only counts.
 *
 * Sources by section below: legacy lines (x86 GSIs), and the INTx, MSI
 * and MSI-X vectors of claimed PCI devices.  INTx is masked for the ack in
 * the device (PCI 2.3 Interrupt Disable) where the device supports it, so
 * that the line can be shared; otherwise it is masked at the interrupt
 * controller and the line must be ours alone.  The handler never runs
 * with IRQF_NO_THREAD, so on PREEMPT_RT (or with threadirqs) it runs
 * as a forced-threaded handler with the line kept masked by the core
 * (IRQF_ONESHOT) until it returns; that is why the ack state is guarded
 * by a spinlock_t, which is a sleeping lock there, rather than a raw one.
 *
 * Locking
 *
 * genode_irq_lines_lock (a mutex) guards the mapping of GSIs to Linux
 * interrupt numbers and the request and release of legacy lines: the check
 * "nobody holds this line" and the request_irq() that makes it ours are
 * one step for all of genode.ko's sessions.
 *
 * gi->wait.lock (the spinlock of the IRQ's wait queue, taken in the
 * handler) guards what the handler touches: the counters, ack_masked and
 * trigger.  As in an eventfd, the handler counts and wakes the readers
 * and pollers under that one lock (wake_up_locked_poll()), and read()
 * takes the count, or goes to sleep, under it.  Under it the handler and
 * the ack change an INTx source's INTx Disable bit, also under the
 * device's gdev->intx_lock (pci.h).  The mask of the ack
 * (disable_irq_nosync() in the handler, enable_irq() at the ack) is
 * changed under it, so that ack_masked and the hardware always agree and
 * the disable depth stays balanced.
 *
 * gi->mask_lock (a mutex) serializes GENODE_IRQ_MASK and _UNMASK and
 * guards user_masked.  They use disable_irq(), which waits for a running
 * handler and so cannot be called under gi->wait.lock.  The user's mask
 * and the ack's mask are two separate disable depths; each is taken at
 * most once.
 *
 * res->revoke_lock (resource.c) is held for reading by write() and the
 * ioctls and for writing by revocation, so that none of them runs while
 * the interrupt is freed.  read() and poll() are the IRQ fd's own file
 * operations (genode_irq_fops) and take no revoke_lock: they touch only
 * the counters, the wait queue and the flags, which live until the IRQ
 * is freed with its file, never the hardware.  Revocation marks the
 * resource dying, and the device's release marks the IRQ @dead, before
 * they wake the queue (which takes its lock); read() checks both under
 * the queue's lock and poll() after it registered on the queue, so a
 * reader that has not seen them is woken, and every read() or poll()
 * after revocation sees them (ENODEV, EPOLLERR | EPOLLHUP).  A waiter in
 * GENODE_IRQ_ACK with GENODE_IRQ_ACK_WAIT holds revoke_lock for reading:
 * revocation wakes it in the same way (genode_irq_unblock), so it returns
 * ENODEV and lets go.
 *
 * gdev->lock (pci.h), the claimed device's mutex, serializes the setup
 * and teardown of its interrupts: enabling MSI or MSI-X with the number of
 * vectors asked for, and disabling them with the last vector fd.  The
 * device's IRQ fds are found through its release hooks (each IRQ fd of a
 * device has one there), so the device needs no state of ours.  @dead
 * (the source is released: by revocation, or by the release of the device,
 * whose hook at GENODE_PCI_STAGE_IRQ runs before bus mastering is turned
 * off) is set under gdev->lock, mask_lock and gi->wait.lock, so each of
 * them suffices to read it.  Lock order:
 *
 *   res->revoke_lock -> gdev->lock -> gi->mask_lock -> gi->wait.lock
 *                                                  -> gdev->intx_lock
 *   res->revoke_lock -> genode_irq_lines_lock
 *
 * The device's release hook runs under gdev->lock and takes neither the
 * IRQ fd's revoke_lock nor waits for its operations: it turns the source
 * off and wakes the sleepers, and the operations fail with ENODEV.
 *
 * Functions named __genode_irq_* need a lock held by their caller: the
 * one their lockdep_assert_held() names.
 *
 * The eventfd is replaced by publishing the new one under gi->wait.lock:
 * the handler uses the trigger only under it, so the old one can be put
 * as soon as the lock has been dropped, and after free_irq() the handler
 * runs no more at all.
 */
#include <linux/acpi.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/lockdep.h>
#include <linux/msi.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "genode_dev.h"
#include "irq.h"
#include "pci.h"
#include "resource.h"

/* How the ack re-arms a source. */
enum genode_irq_ackmask {
	GENODE_IRQ_ACKMASK_NONE,	/* edge, MSI, MSI-X: counted only */
	GENODE_IRQ_ACKMASK_LINE,	/* exclusive level line: disable_irq */
	GENODE_IRQ_ACKMASK_INTX,	/* INTx: the device's Interrupt Disable */
};

struct genode_irq {
	struct genode_resource res;

	/* what it is; set before the handler is installed, then constant */
	u32 source;
	u32 line;
	u32 vector;
	unsigned int irq;
	enum genode_irq_ackmask ackmask;
	bool shared;
	/* hands the hardware back; called once, from revocation */
	void (*release)(struct genode_irq *gi);
	/* the action's name in /proc/interrupts */
	char name[48];

	/*
	 * PCI sources: the device (kept alive by a reference to its fd's
	 * file), and the hook that turns the source off when the device is
	 * released; num_vectors MSI or MSI-X vectors are enabled on it.
	 */
	struct genode_pci_device *gdev;
	struct pci_dev *pdev;
	struct file *dev_file;
	struct genode_pci_hook hook;
	unsigned int num_vectors;
	/* released: see "Locking" above */
	bool dead;

	/*
	 * Readers and pollers, woken by interrupts and by revocation; its
	 * lock (wait.lock) guards the rest of this block, see "Locking"
	 * above.
	 */
	wait_queue_head_t wait;
	bool ack_masked;		/* masked by the handler, until ack */
	struct eventfd_ctx *trigger;	/* signalled instead of counting */
	u64 pending;			/* raised, not yet read */
	u64 raised;
	u64 delivered;
	u64 acked;
	u64 spurious;

	/* guards user_masked; see "Locking" above */
	struct mutex mask_lock;
	bool user_masked;
};

static DEFINE_MUTEX(genode_irq_lines_lock);

static struct genode_irq *res_to_irq(struct genode_resource *res)
{
	return container_of(res, struct genode_irq, res);
}

/*
 * ----------------------------------------------------------------------
 * Interrupts, acks and what user space sees of them
 * ----------------------------------------------------------------------
 */

/*
 * Count one interrupt, and wake the readers and pollers under the queue's
 * lock, as eventfd_signal() does: the handler takes one lock.
 */
static void __genode_irq_raise(struct genode_irq *gi)
{
	lockdep_assert_held(&gi->wait.lock);

	gi->raised++;
	if (gi->trigger) {
		genode_eventfd_signal(gi->trigger);
		gi->delivered++;
		return;
	}
	WRITE_ONCE(gi->pending, gi->pending + 1);
	wake_up_locked_poll(&gi->wait, EPOLLIN | EPOLLRDNORM);
}

/*
 * Set (@mask) or clear INTx Disable, as pci_check_and_mask_intx() and
 * pci_check_and_unmask_intx() do, under the device's intx_lock: a config
 * write of the command register merges the bit from a fresh read under it
 * (pci.c), so it never stores a stale one.
 */
static bool genode_irq_intx_mask(struct genode_irq *gi, bool mask)
{
	bool done;

	lockdep_assert_held(&gi->wait.lock);
	spin_lock(&gi->gdev->intx_lock);
	done = mask ? pci_check_and_mask_intx(gi->pdev) :
		      pci_check_and_unmask_intx(gi->pdev);
	spin_unlock(&gi->gdev->intx_lock);
	return done;
}

static irqreturn_t genode_irq_handler(int irq, void *data)
{
	struct genode_irq *gi = data;
	unsigned long flags;

	spin_lock_irqsave(&gi->wait.lock, flags);
	switch (gi->ackmask) {
	case GENODE_IRQ_ACKMASK_LINE:
		/*
		 * Lazy: the core masks the line when it fires again while
		 * disabled, and enable_irq() unmasks it.
		 */
		disable_irq_nosync(irq);
		gi->ack_masked = true;
		break;
	case GENODE_IRQ_ACKMASK_INTX:
		/* someone else's on a shared line, or ours masked already */
		if (!genode_irq_intx_mask(gi, true)) {
			gi->spurious++;
			spin_unlock_irqrestore(&gi->wait.lock, flags);
			return IRQ_NONE;
		}
		gi->ack_masked = true;
		break;
	case GENODE_IRQ_ACKMASK_NONE:
		break;
	}
	__genode_irq_raise(gi);
	spin_unlock_irqrestore(&gi->wait.lock, flags);
	return IRQ_HANDLED;
}

/*
 * A line masked at the interrupt controller for the ack is masked there at
 * once, in the handler, not lazily: a lazily disabled level line is sent
 * again as soon as the handler returns (the device still asserts it), and
 * that message can still be on its way to a CPU when the driver, on
 * another CPU, has acked the device and the ack has re-enabled the line.
 * The handler would then count an interrupt that the device no longer
 * asserts.  Masked at once, there is one message per assertion.  Only for
 * the lifetime of our handler on a line that is ours alone.  Every source
 * requests and frees its interrupt through these two.
 */
static int genode_irq_request_line(struct genode_irq *gi, unsigned long flags)
{
	struct irq_data *d = irq_get_irq_data(gi->irq);
	int ret;

	/*
	 * The ack unmasks a line with enable_irq() under gi->wait.lock, with
	 * interrupts off: a chip that locks a slow bus for that would sleep
	 * there (irq_bus_lock; none of x86's interrupt controllers has one).
	 */
	if (gi->ackmask == GENODE_IRQ_ACKMASK_LINE && d && d->chip &&
	    d->chip->irq_bus_lock)
		return -EOPNOTSUPP;

	ret = request_irq(gi->irq, genode_irq_handler, flags, gi->name, gi);
	if (ret)
		return ret;
	if (gi->ackmask == GENODE_IRQ_ACKMASK_LINE)
		irq_set_status_flags(gi->irq, IRQ_DISABLE_UNLAZY);
	return 0;
}

static void genode_irq_free_line(struct genode_irq *gi)
{
	if (gi->ackmask == GENODE_IRQ_ACKMASK_LINE)
		irq_clear_status_flags(gi->irq, IRQ_DISABLE_UNLAZY);
	free_irq(gi->irq, gi);
}

/*
 * Re-arm what the handler masked.  An interrupt found asserted again
 * counts as the next one.
 */
static void __genode_irq_rearm(struct genode_irq *gi)
{
	lockdep_assert_held(&gi->wait.lock);

	if (!gi->ack_masked)
		return;
	switch (gi->ackmask) {
	case GENODE_IRQ_ACKMASK_LINE:
		/* one still asserted fires right away, into the handler */
		enable_irq(gi->irq);
		break;
	case GENODE_IRQ_ACKMASK_INTX:
		/*
		 * Unmasks only if the device does not assert INTx; otherwise
		 * it stays masked until the next ack, and this is the next
		 * interrupt.
		 */
		if (!genode_irq_intx_mask(gi, false)) {
			__genode_irq_raise(gi);
			return;
		}
		break;
	case GENODE_IRQ_ACKMASK_NONE:
		break;
	}
	gi->ack_masked = false;
}

static int genode_irq_ack(struct genode_irq *gi)
{
	unsigned long flags;

	spin_lock_irqsave(&gi->wait.lock, flags);
	if (gi->dead) {
		spin_unlock_irqrestore(&gi->wait.lock, flags);
		return -ENODEV;
	}
	gi->acked++;
	__genode_irq_rearm(gi);
	spin_unlock_irqrestore(&gi->wait.lock, flags);
	return 0;
}

/* Released, with its resource or with its device? */
static bool genode_irq_gone(struct genode_irq *gi)
{
	return genode_resource_dying(&gi->res) || READ_ONCE(gi->dead);
}

/*
 * Take the count for a reader into *@count: 0, -EAGAIN (none pending) or
 * -ENODEV.  Under the queue's lock, which revocation and the device's
 * release take to wake the readers after they marked the IRQ gone.
 */
static int __genode_irq_take(struct genode_irq *gi, u64 *count)
{
	lockdep_assert_held(&gi->wait.lock);

	if (genode_irq_gone(gi))
		return -ENODEV;
	*count = gi->pending;
	if (!*count)
		return -EAGAIN;
	WRITE_ONCE(gi->pending, 0);
	gi->delivered += *count;
	return 0;
}

/* Give a count back that could not be copied to the reader. */
static void genode_irq_untake(struct genode_irq *gi, u64 count)
{
	unsigned long flags;

	spin_lock_irqsave(&gi->wait.lock, flags);
	WRITE_ONCE(gi->pending, gi->pending + count);
	gi->delivered -= count;
	wake_up_locked_poll(&gi->wait, EPOLLIN | EPOLLRDNORM);
	spin_unlock_irqrestore(&gi->wait.lock, flags);
}

/*
 * Wait for interrupts and take their count into *@count, as read() does:
 * 0, -EAGAIN (@nonblock, none pending), -ERESTARTSYS or -ENODEV.  The
 * check and the sleep are under the queue's lock, as in eventfd_read().
 */
static int genode_irq_wait(struct genode_irq *gi, bool nonblock, u64 *count)
{
	int ret;

	spin_lock_irq(&gi->wait.lock);
	ret = __genode_irq_take(gi, count);
	if (ret == -EAGAIN && !nonblock) {
		ret = wait_event_interruptible_locked_irq(gi->wait,
							  gi->pending ||
							  genode_irq_gone(gi));
		if (!ret)
			ret = __genode_irq_take(gi, count);
	}
	spin_unlock_irq(&gi->wait.lock);
	return ret;
}

/*
 * read(), the fd's own file operation: without revoke_lock and the
 * generic code's indirect calls, as it touches no hardware (see "Locking"
 * above).  The count is copied out after it was taken, and given back if
 * that fails; a bad buffer fails before read() waits.
 */
static ssize_t genode_irq_read(struct file *file, char __user *buf,
			       size_t len, loff_t *pos)
{
	struct genode_irq *gi = res_to_irq(file->private_data);
	u64 count;
	int ret;

	if (len < sizeof(count))
		return -EINVAL;
	ret = genode_irq_wait(gi, true, &count);
	if (ret == -EAGAIN) {
		if (clear_user(buf, sizeof(count)))
			return -EFAULT;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = genode_irq_wait(gi, false, &count);
	}
	if (ret)
		return ret;
	if (put_user(count, (u64 __user *)buf)) {
		genode_irq_untake(gi, count);
		return -EFAULT;
	}
	return sizeof(count);
}

/* write() is exactly the ack's value: shorter fails before it is read */
static int genode_irq_rw_check(struct genode_resource *res, size_t len,
			       loff_t pos)
{
	return len < sizeof(u64) ? -EINVAL : 0;
}

static ssize_t genode_irq_write(struct genode_resource *res, struct file *file,
				const void *buf, size_t len, loff_t *pos)
{
	u64 val;
	int ret;

	if (len != sizeof(val))
		return -EINVAL;
	memcpy(&val, buf, sizeof(val));
	if (val != 1)
		return -EINVAL;

	ret = genode_irq_ack(res_to_irq(res));
	return ret ? ret : sizeof(val);
}

/* poll(), the fd's own file operation, without revoke_lock. */
static __poll_t genode_irq_poll(struct file *file, poll_table *wait)
{
	struct genode_irq *gi = res_to_irq(file->private_data);
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &gi->wait, wait);
	if (genode_irq_gone(gi))
		return EPOLLERR | EPOLLHUP;
	if (READ_ONCE(gi->pending))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static void genode_irq_unblock(struct genode_resource *res)
{
	wake_up_all(&res_to_irq(res)->wait);
}

static void genode_irq_revoke(struct genode_resource *res)
{
	struct genode_irq *gi = res_to_irq(res);

	lockdep_assert_held_write(&res->revoke_lock);
	gi->release(gi);

	/* the handler is gone: nothing signals the eventfd any more */
	if (gi->trigger) {
		eventfd_ctx_put(gi->trigger);
		gi->trigger = NULL;
	}
}

/* Free an IRQ whose hardware is released (or was never taken). */
static void genode_irq_destroy(struct genode_irq *gi)
{
	if (gi->dev_file)
		fput(gi->dev_file);
	mutex_destroy(&gi->mask_lock);
	kfree(gi);
}

static void genode_irq_free(struct genode_resource *res)
{
	genode_irq_destroy(res_to_irq(res));
}

/*
 * ----------------------------------------------------------------------
 * Ioctls on an IRQ fd
 * ----------------------------------------------------------------------
 */

/*
 * Unlocked (it copies the count out itself): the ack, and with
 * GENODE_IRQ_ACK_WAIT the wait as read() does, under revoke_lock.
 */
static int genode_irq_ack_ioctl(struct genode_ucmd *ucmd)
{
	struct genode_irq *gi = res_to_irq(ucmd->res);
	struct genode_irq_ack *cmd = ucmd->cmd;
	struct genode_irq_ack __user *uarg = ucmd->ubuffer;
	u64 count = 0;
	int ret;

	if (cmd->flags & ~GENODE_IRQ_ACK_WAIT)
		return -EINVAL;
	if ((cmd->flags & GENODE_IRQ_ACK_WAIT) &&
	    ucmd->user_size < offsetofend(struct genode_irq_ack, count))
		return -EINVAL;

	if (!genode_resource_enter(&gi->res))
		return -ENODEV;
	ret = genode_irq_ack(gi);
	if (!ret && (cmd->flags & GENODE_IRQ_ACK_WAIT))
		ret = genode_irq_wait(gi, ucmd->file->f_flags & O_NONBLOCK,
				      &count);
	genode_resource_leave(&gi->res);
	/* interrupted after the ack: read() waits without acking again */
	if (ret == -ERESTARTSYS)
		ret = -EINTR;
	if (ret || !(cmd->flags & GENODE_IRQ_ACK_WAIT))
		return ret;

	if (put_user(count, &uarg->count)) {
		genode_irq_untake(gi, count);
		return -EFAULT;
	}
	return 0;
}

static int genode_irq_set_eventfd(struct genode_ucmd *ucmd)
{
	struct genode_irq *gi = res_to_irq(ucmd->res);
	struct genode_irq_set_eventfd *cmd = ucmd->cmd;
	struct eventfd_ctx *ctx = NULL, *old;
	unsigned long flags;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	if (cmd->eventfd != -1) {
		ctx = eventfd_ctx_fdget(cmd->eventfd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}

	spin_lock_irqsave(&gi->wait.lock, flags);
	if (gi->dead) {
		spin_unlock_irqrestore(&gi->wait.lock, flags);
		if (ctx)
			eventfd_ctx_put(ctx);
		return -ENODEV;
	}
	old = gi->trigger;
	gi->trigger = ctx;
	spin_unlock_irqrestore(&gi->wait.lock, flags);

	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static int genode_irq_get_info(struct genode_ucmd *ucmd)
{
	struct genode_irq *gi = res_to_irq(ucmd->res);
	struct genode_irq_info *cmd = ucmd->cmd;
	unsigned long flags;
	u32 state = 0;

	if (cmd->flags || cmd->__reserved || cmd->__reserved2)
		return -EINVAL;

	mutex_lock(&gi->mask_lock);
	if (gi->dead) {
		mutex_unlock(&gi->mask_lock);
		return -ENODEV;
	}
	if (gi->user_masked)
		state |= GENODE_IRQ_STATE_USER_MASKED;
	/* the vectors stay allocated while the fd is not dead */
	if (gi->source == GENODE_IRQ_SOURCE_MSI ||
	    gi->source == GENODE_IRQ_SOURCE_MSIX) {
		struct msi_msg msg;

		get_cached_msi_msg(gi->irq, &msg);
		cmd->msi_address = (u64)msg.address_hi << 32 | msg.address_lo;
		cmd->msi_data = msg.data;
	} else {
		cmd->msi_address = 0;
		cmd->msi_data = 0;
	}
	mutex_unlock(&gi->mask_lock);

	if (gi->ackmask != GENODE_IRQ_ACKMASK_NONE)
		state |= GENODE_IRQ_STATE_LEVEL;
	if (gi->shared)
		state |= GENODE_IRQ_STATE_SHARED;

	spin_lock_irqsave(&gi->wait.lock, flags);
	if (gi->ack_masked)
		state |= GENODE_IRQ_STATE_ACK_MASKED;
	if (gi->trigger)
		state |= GENODE_IRQ_STATE_EVENTFD;
	cmd->raised = gi->raised;
	cmd->delivered = gi->delivered;
	cmd->acked = gi->acked;
	cmd->spurious = gi->spurious;
	cmd->pending = gi->pending;
	spin_unlock_irqrestore(&gi->wait.lock, flags);

	cmd->source = gi->source;
	cmd->line = gi->line;
	cmd->vector = gi->vector;
	cmd->linux_irq = gi->irq;
	cmd->state = state;
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static int genode_irq_set_user_mask(struct genode_ucmd *ucmd, bool mask)
{
	struct genode_irq *gi = res_to_irq(ucmd->res);
	struct genode_irq_mask *cmd = ucmd->cmd;

	if (cmd->flags)
		return -EINVAL;
	/* masking a shared line would silence the other devices on it */
	if (gi->shared)
		return -EOPNOTSUPP;

	mutex_lock(&gi->mask_lock);
	if (gi->dead) {
		mutex_unlock(&gi->mask_lock);
		return -ENODEV;
	}
	if (mask && !gi->user_masked)
		disable_irq(gi->irq);
	else if (!mask && gi->user_masked)
		enable_irq(gi->irq);
	gi->user_masked = mask;
	mutex_unlock(&gi->mask_lock);
	return 0;
}

static int genode_irq_mask(struct genode_ucmd *ucmd)
{
	return genode_irq_set_user_mask(ucmd, true);
}

static int genode_irq_unmask(struct genode_ucmd *ucmd)
{
	return genode_irq_set_user_mask(ucmd, false);
}

static const struct genode_ioctl_op genode_irq_ioctls[] = {
	GENODE_IOCTL_OP_UNLOCKED(GENODE_IRQ_ACK, genode_irq_ack_ioctl,
				 struct genode_irq_ack, flags),
	GENODE_IOCTL_OP(GENODE_IRQ_SET_EVENTFD, genode_irq_set_eventfd,
			struct genode_irq_set_eventfd, __reserved),
	GENODE_IOCTL_OP(GENODE_IRQ_GET_INFO, genode_irq_get_info,
			struct genode_irq_info, pending),
	GENODE_IOCTL_OP(GENODE_IRQ_MASK, genode_irq_mask,
			struct genode_irq_mask, flags),
	GENODE_IOCTL_OP(GENODE_IRQ_UNMASK, genode_irq_unmask,
			struct genode_irq_mask, flags),
};

/* read() and poll() are the IRQ fd's own, the rest is generic */
static const struct file_operations genode_irq_fops =
	GENODE_RESOURCE_FOPS(genode_irq_read, genode_irq_poll);

static const struct genode_resource_ops genode_irq_ops = {
	.name = "genode-irq",
	.ioctls = genode_irq_ioctls,
	.num_ioctls = ARRAY_SIZE(genode_irq_ioctls),
	.fops = &genode_irq_fops,
	.rw_check = genode_irq_rw_check,
	.write = genode_irq_write,
	.unblock = genode_irq_unblock,
	.revoke = genode_irq_revoke,
	.free = genode_irq_free,
};

static struct genode_irq *genode_irq_alloc(u32 source)
{
	struct genode_irq *gi;

	gi = kzalloc(sizeof(*gi), GFP_KERNEL_ACCOUNT);
	if (!gi)
		return NULL;

	gi->source = source;
	init_waitqueue_head(&gi->wait);
	mutex_init(&gi->mask_lock);
	return gi;
}

/*
 * Hand a set-up IRQ, its handler installed, out as an fd.  Consumes @gi:
 * on failure it is revoked (released) and freed.
 */
static int genode_irq_install(struct genode_irq *gi, struct genode_ucmd *ucmd)
{
	struct genode_irq_request *cmd = ucmd->cmd;

	genode_resource_init(&gi->res, &genode_irq_ops, ucmd->session);
	return genode_resource_install(&gi->res, ucmd, sizeof(*cmd), &cmd->fd);
}

/*
 * ----------------------------------------------------------------------
 * Legacy lines: x86 GSIs
 * ----------------------------------------------------------------------
 */

#define GENODE_IRQ_ISA_GSIS	16	/* GSIs 0-15 carry the ISA IRQs */

#define GENODE_IRQ_TRIGGER_FLAGS \
	(GENODE_IRQ_TRIGGER_EDGE | GENODE_IRQ_TRIGGER_LEVEL)
#define GENODE_IRQ_POLARITY_FLAGS \
	(GENODE_IRQ_POLARITY_HIGH | GENODE_IRQ_POLARITY_LOW)

#ifdef CONFIG_ACPI
/*
 * The values an attribute may take, in the order to try them: the one
 * asked for, or else both, the convention of the line first.
 */
static unsigned int genode_irq_attr(u32 flags, u32 flag_a, int val_a,
				    u32 flag_b, int val_b, bool a_first,
				    int *vals)
{
	if (flags & flag_a) {
		vals[0] = val_a;
		return 1;
	}
	if (flags & flag_b) {
		vals[0] = val_b;
		return 1;
	}
	vals[0] = a_first ? val_a : val_b;
	vals[1] = a_first ? val_b : val_a;
	return 2;
}

/*
 * Map @gsi to a Linux interrupt number and take a reference on the
 * mapping, with the trigger mode and polarity of @flags.  EBUSY if a
 * kernel driver (or another IRQ fd) has an action on it, or if it is
 * mapped already with other attributes.
 *
 * An attribute not asked for is the one the line has if it is mapped
 * already (by the firmware's ISA setup, or by the PCI core for a device's
 * INTx pin, with what ACPI says); the IO-APIC code maps a mapped pin
 * again only with the same attributes, and fails with EBUSY and no side
 * effect otherwise, so the candidates are simply tried in turn.  A line
 * not mapped yet gets the first candidate: the ISA convention (edge,
 * active high) for GSIs 0-15, the PCI one (level, active low) above.
 *
 * The IO-APIC code lets the first user of an ISA pin change its trigger
 * mode and polarity (it programs them all with defaults at boot), and
 * kernel drivers such as the timer use ISA lines without registering the
 * GSI.  A request with other attributes must not reprogram such a line
 * under its driver's feet, so the lines the firmware describes (the ISA
 * range) are first mapped as the firmware configured them, through
 * acpi_gsi_to_irq(), and checked for a holder.  While that reference is
 * held the pin's attributes can no longer change.  acpi_unregister_gsi()
 * does nothing for ISA pins, so that reference stays, as that of any ACPI
 * user of them does.
 */
static int __genode_irq_map_gsi(u32 gsi, u32 flags, unsigned int *irq_out)
{
	bool isa = gsi < GENODE_IRQ_ISA_GSIS;
	int triggers[2], polarities[2], ret = -EBUSY;
	unsigned int nt, np, t, p, irq;
	bool firmware;

	lockdep_assert_held(&genode_irq_lines_lock);

	nt = genode_irq_attr(flags, GENODE_IRQ_TRIGGER_EDGE,
			     ACPI_EDGE_SENSITIVE, GENODE_IRQ_TRIGGER_LEVEL,
			     ACPI_LEVEL_SENSITIVE, isa, triggers);
	np = genode_irq_attr(flags, GENODE_IRQ_POLARITY_HIGH, ACPI_ACTIVE_HIGH,
			     GENODE_IRQ_POLARITY_LOW, ACPI_ACTIVE_LOW, isa,
			     polarities);

	firmware = !acpi_gsi_to_irq(gsi, &irq);
	if (firmware && irq_has_action(irq)) {
		acpi_unregister_gsi(gsi);
		return -EBUSY;
	}

	for (t = 0; t < nt && ret == -EBUSY; t++)
		for (p = 0; p < np && ret == -EBUSY; p++)
			ret = acpi_register_gsi(NULL, gsi, triggers[t],
						polarities[p]);

	/* ours is held now, if we got one */
	if (firmware)
		acpi_unregister_gsi(gsi);
	if (ret < 0)
		return ret == -EBUSY || ret == -ENOMEM ? ret : -ENXIO;
	if (irq_has_action(ret)) {
		acpi_unregister_gsi(gsi);
		return -EBUSY;
	}
	*irq_out = ret;
	return 0;
}

static void __genode_irq_unmap_gsi(u32 gsi)
{
	lockdep_assert_held(&genode_irq_lines_lock);
	acpi_unregister_gsi(gsi);
}
#else
static int __genode_irq_map_gsi(u32 gsi, u32 flags, unsigned int *irq_out)
{
	return -ENXIO;
}

static void __genode_irq_unmap_gsi(u32 gsi)
{
}
#endif

static void genode_irq_release_legacy(struct genode_irq *gi)
{
	mutex_lock(&genode_irq_lines_lock);
	/* the last action of an exclusive line: this shuts (masks) it */
	genode_irq_free_line(gi);
	__genode_irq_unmap_gsi(gi->line);
	mutex_unlock(&genode_irq_lines_lock);
}

static int genode_irq_request_legacy(struct genode_ucmd *ucmd)
{
	struct genode_irq_request *cmd = ucmd->cmd;
	struct genode_irq *gi;
	unsigned int irq;
	int ret;

	if (cmd->device_fd != GENODE_NO_DEVICE || cmd->vector ||
	    cmd->num_vectors)
		return -EINVAL;
	/* every GSI has a Linux number below nr_irqs */
	if (cmd->line >= (unsigned int)nr_irqs)
		return -EINVAL;
	/*
	 * A line is the platform's, not behind a device fd: whoever takes
	 * it keeps it from a kernel driver that loads later and sets the
	 * trigger and polarity of a pin nobody configured.  So, as for IO
	 * ports (ioperm) and physical ranges, CAP_SYS_RAWIO.
	 */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;

	gi = genode_irq_alloc(GENODE_IRQ_SOURCE_LEGACY);
	if (!gi)
		return -ENOMEM;
	gi->line = cmd->line;
	snprintf(gi->name, sizeof(gi->name), "genode-gsi%u", cmd->line);

	mutex_lock(&genode_irq_lines_lock);
	ret = __genode_irq_map_gsi(cmd->line, cmd->flags, &irq);
	if (ret)
		goto err_unlock;
	gi->irq = irq;
	/* a claimed device's line is its owner's, through INTx */
	if (genode_pci_irq_in_use(irq)) {
		ret = -EBUSY;
		goto err_unmap;
	}
	if (irqd_is_level_type(irq_get_irq_data(irq)))
		gi->ackmask = GENODE_IRQ_ACKMASK_LINE;

	/*
	 * Not IRQF_SHARED: only we and our device may be on the line, since
	 * the handler cannot tell whose interrupt it is.  PROBE_SHARED keeps
	 * a refusal (EBUSY) out of the kernel log.
	 */
	ret = genode_irq_request_line(gi, IRQF_PROBE_SHARED);
	if (ret)
		goto err_unmap;
	mutex_unlock(&genode_irq_lines_lock);

	gi->release = genode_irq_release_legacy;
	return genode_irq_install(gi, ucmd);

err_unmap:
	__genode_irq_unmap_gsi(cmd->line);
err_unlock:
	mutex_unlock(&genode_irq_lines_lock);
	genode_irq_destroy(gi);
	return ret;
}

/*
 * ----------------------------------------------------------------------
 * PCI devices: INTx, MSI and MSI-X
 * ----------------------------------------------------------------------
 */

static void genode_irq_pci_hook(struct genode_pci_hook *hook,
				struct genode_pci_device *gdev);

/* What the live IRQ fds of a device have set up on it. */
struct genode_irq_pci_state {
	bool intx;			/* an INTx fd */
	u32 msi_source;			/* MSI or MSI-X fds: which, or 0 */
	unsigned int num_vectors;	/* ... and how many are enabled */
	unsigned int vector_fds;
	bool vector_held;		/* ... one of them for the vector */
};

static void __genode_irq_pci_state(struct genode_pci_device *gdev, u32 vector,
				   struct genode_irq_pci_state *st)
{
	struct genode_pci_hook *hook;

	lockdep_assert_held(&gdev->lock);
	memset(st, 0, sizeof(*st));
	list_for_each_entry(hook, &gdev->hooks, node) {
		struct genode_irq *gi;

		if (hook->release != genode_irq_pci_hook)
			continue;
		gi = container_of(hook, struct genode_irq, hook);
		if (gi->dead)
			continue;
		if (gi->source == GENODE_IRQ_SOURCE_INTX) {
			st->intx = true;
			continue;
		}
		st->msi_source = gi->source;
		st->num_vectors = gi->num_vectors;
		st->vector_fds++;
		if (gi->vector == vector)
			st->vector_held = true;
	}
}

static int __genode_irq_setup_intx(struct genode_irq *gi)
{
	struct pci_dev *pdev = gi->pdev;
	struct genode_irq_pci_state st;
	int ret;

	lockdep_assert_held(&gi->gdev->lock);

	if (!pdev->pin || !pdev->irq)
		return -EOPNOTSUPP;
	__genode_irq_pci_state(gi->gdev, 0, &st);
	if (st.intx || st.msi_source)
		return -EBUSY;

	gi->irq = pdev->irq;
	snprintf(gi->name, sizeof(gi->name), "genode-%s-intx", pci_name(pdev));

	if (!pci_intx_mask_supported(pdev)) {
		/* masked at the interrupt controller: the line is ours alone */
		gi->ackmask = GENODE_IRQ_ACKMASK_LINE;
		return genode_irq_request_line(gi, IRQF_PROBE_SHARED);
	}

	/*
	 * The command register is changed only while the handler cannot
	 * change it (pci_intx() is a plain read-modify-write): before the
	 * handler is installed, and while INTx is disabled, when
	 * pci_check_and_mask_intx() leaves it alone.
	 */
	gi->ackmask = GENODE_IRQ_ACKMASK_INTX;
	gi->shared = true;
	pci_intx(pdev, 0);
	/* a line held exclusively: EBUSY, and nothing in the kernel log */
	ret = genode_irq_request_line(gi, IRQF_SHARED | IRQF_PROBE_SHARED);
	if (ret)
		return ret;
	pci_intx(pdev, 1);
	return 0;
}

static int __genode_irq_setup_msi(struct genode_irq *gi, u32 vector,
				  u32 num_vectors)
{
	bool msix = gi->source == GENODE_IRQ_SOURCE_MSIX;
	struct pci_dev *pdev = gi->pdev;
	struct genode_irq_pci_state st;
	bool enable;
	int max, ret;

	lockdep_assert_held(&gi->gdev->lock);

	max = msix ? pci_msix_vec_count(pdev) : pci_msi_vec_count(pdev);
	if (max <= 0)
		return -EOPNOTSUPP;
	if (num_vectors > (u32)max)
		return -EINVAL;

	__genode_irq_pci_state(gi->gdev, vector, &st);
	if (st.intx || (st.msi_source && st.msi_source != gi->source))
		return -EBUSY;
	enable = !st.vector_fds;
	if (enable) {
		if (!num_vectors)
			return -EINVAL;
	} else {
		if (num_vectors && num_vectors != st.num_vectors)
			return -EBUSY;
		num_vectors = st.num_vectors;
	}
	if (vector >= num_vectors)
		return -EINVAL;
	if (st.vector_held)
		return -EBUSY;

	if (enable) {
		/* the kernel programs the capability; the client never does */
		ret = pci_alloc_irq_vectors(pdev, num_vectors, num_vectors,
					    msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI);
		if (ret < 0)
			return ret == -EINVAL ? -ENOSPC : ret;
	}

	gi->vector = vector;
	gi->num_vectors = num_vectors;
	gi->irq = pci_irq_vector(pdev, vector);
	snprintf(gi->name, sizeof(gi->name), "genode-%s-%s%u", pci_name(pdev),
		 msix ? "msix" : "msi", vector);
	ret = genode_irq_request_line(gi, 0);
	if (ret && enable)
		pci_free_irq_vectors(pdev);
	return ret;
}

/*
 * Turn the source off and free it, once: INTx masked in the device first,
 * then the handler freed (which masks the line or vector), then MSI or
 * MSI-X disabled with the device's last vector fd.  Wakes the sleepers.
 */
static void __genode_irq_pci_teardown(struct genode_irq *gi)
{
	struct genode_irq_pci_state st;
	unsigned long flags;
	bool dead;

	lockdep_assert_held(&gi->gdev->lock);

	mutex_lock(&gi->mask_lock);
	spin_lock_irqsave(&gi->wait.lock, flags);
	dead = gi->dead;
	gi->dead = true;
	spin_unlock_irqrestore(&gi->wait.lock, flags);
	mutex_unlock(&gi->mask_lock);
	if (dead)
		return;

	/* the handler only ever sets the bit, as this does */
	if (gi->ackmask == GENODE_IRQ_ACKMASK_INTX)
		pci_intx(gi->pdev, 0);
	genode_irq_free_line(gi);
	if (gi->source != GENODE_IRQ_SOURCE_INTX) {
		__genode_irq_pci_state(gi->gdev, 0, &st);
		if (!st.vector_fds)
			pci_free_irq_vectors(gi->pdev);
	}
	wake_up_all(&gi->wait);
}

/* The device is released: interrupts off first (GENODE_PCI_STAGE_IRQ). */
static void genode_irq_pci_hook(struct genode_pci_hook *hook,
				struct genode_pci_device *gdev)
{
	__genode_irq_pci_teardown(container_of(hook, struct genode_irq, hook));
}

/* Revocation of the IRQ fd. */
static void genode_irq_release_pci(struct genode_irq *gi)
{
	mutex_lock(&gi->gdev->lock);
	__genode_irq_pci_teardown(gi);
	mutex_unlock(&gi->gdev->lock);
	/* it may have run meanwhile; then it found the source dead */
	genode_pci_hook_del(gi->gdev, &gi->hook);
}

static int genode_irq_request_pci(struct genode_ucmd *ucmd)
{
	struct genode_irq_request *cmd = ucmd->cmd;
	struct genode_pci_device *gdev;
	struct genode_irq *gi;
	struct file *file;
	int ret;

	if (cmd->flags || cmd->line)
		return -EINVAL;
	if (cmd->source == GENODE_IRQ_SOURCE_INTX &&
	    (cmd->vector || cmd->num_vectors))
		return -EINVAL;

	gi = genode_irq_alloc(cmd->source);
	if (!gi)
		return -ENOMEM;

	gdev = genode_pci_device_lock_fd(ucmd->session, cmd->device_fd, &file);
	if (IS_ERR(gdev)) {
		ret = PTR_ERR(gdev);
		goto err_destroy;
	}
	gi->gdev = gdev;
	gi->pdev = gdev->pdev;

	if (cmd->source == GENODE_IRQ_SOURCE_INTX)
		ret = __genode_irq_setup_intx(gi);
	else
		ret = __genode_irq_setup_msi(gi, cmd->vector, cmd->num_vectors);
	if (ret)
		goto err_unlock;

	gi->hook.stage = GENODE_PCI_STAGE_IRQ;
	gi->hook.release = genode_irq_pci_hook;
	genode_pci_hook_add(gdev, &gi->hook);
	gi->dev_file = get_file(file);
	gi->release = genode_irq_release_pci;
	genode_pci_device_unlock_fput(gdev, file);

	return genode_irq_install(gi, ucmd);

err_unlock:
	genode_pci_device_unlock_fput(gdev, file);
err_destroy:
	genode_irq_destroy(gi);
	return ret;
}

/*
 * ----------------------------------------------------------------------
 * GENODE_IRQ_REQUEST
 * ----------------------------------------------------------------------
 */

int genode_irq_request(struct genode_ucmd *ucmd)
{
	struct genode_irq_request *cmd = ucmd->cmd;
	u32 flags = cmd->flags;

	if (flags & ~(GENODE_IRQ_TRIGGER_FLAGS | GENODE_IRQ_POLARITY_FLAGS))
		return -EINVAL;
	if ((flags & GENODE_IRQ_TRIGGER_FLAGS) == GENODE_IRQ_TRIGGER_FLAGS ||
	    (flags & GENODE_IRQ_POLARITY_FLAGS) == GENODE_IRQ_POLARITY_FLAGS)
		return -EINVAL;

	switch (cmd->source) {
	case GENODE_IRQ_SOURCE_LEGACY:
		return genode_irq_request_legacy(ucmd);
	case GENODE_IRQ_SOURCE_INTX:
	case GENODE_IRQ_SOURCE_MSI:
	case GENODE_IRQ_SOURCE_MSIX:
		return genode_irq_request_pci(ucmd);
	default:
		return -EINVAL;
	}
}
