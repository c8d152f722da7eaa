// SPDX-License-Identifier: GPL-2.0
/*
 * ioport.c - x86 IO-port ranges as resource fds
 *
 * GENODE_IOPORT_REQUEST hands out a range of ports as a resource fd; the
 * fd performs IN and OUT instructions inside its range on behalf of its
 * holder (pread/pwrite at offset = port, or GENODE_IOPORT_BATCH), so that
 * no process needs iopl(3) or an IO bitmap of its own.
 *
 * Ownership is twofold.  Among genode resources, genode_range_claim()
 * makes the range exclusive.  Towards kernel drivers, the range is
 * requested from ioport_resource under the name "genode", which both
 * refuses ports a driver holds and keeps drivers off ours.  If a driver
 * holds (part of) the range and the administrator's allow list contains it
 * all, the range is handed out without an entry of ours: the driver keeps
 * its entry, and we neither remove nor shadow it.
 *
 * An IO BAR of a claimed device is the device's: the claim requested it
 * from ioport_resource already, so the resource only claims the range
 * among genode resources and hangs off the device (pci.h), whose release
 * revokes it.
 *
 * Policy (the uapi header has it for users): requesting needs
 * CAP_SYS_RAWIO and a kernel not locked down for IO ports, as ioperm(2)
 * does, or the device fd of the BAR; the fd then carries the permission
 * (SCM_RIGHTS hands it to a driver), and lockdown is checked again on
 * every access.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "genode_dev.h"
#include "ioport.h"
#include "pci.h"
#include "policy.h"
#include "resource.h"

#define IOPORT_LAST	0xffff

/* the name of our entries in /proc/ioports */
static const char genode_ioport_owner[] = "genode";

struct genode_ioport {
	struct genode_resource res;
	/* our hold on [base, base + size) among genode resources */
	struct genode_range range;
	/*
	 * our entry in ioport_resource; NULL when a kernel driver holds it,
	 * or the claim of the BAR's device does
	 */
	struct resource *region;
	u32 base;
	u32 size;
	/* an IO BAR: the claimed device, whose file it holds a reference to */
	struct genode_pci_device *gdev;
	struct file *dev_file;
	struct genode_pci_hook hook;
	u32 bar;
	/*
	 * io_lock guards the ports of the range against accesses through
	 * this resource, so that a batch runs without interleaving.  Taken
	 * inside revoke_lock (held for reading).
	 */
	struct mutex io_lock;
};

static struct genode_ioport *to_ioport(struct genode_resource *res)
{
	return container_of(res, struct genode_ioport, res);
}

/* Is an access of @width at @port valid for @io?  See the uapi header. */
static int ioport_check(struct genode_ioport *io, u64 port, u64 width)
{
	if (width != 1 && width != 2 && width != 4)
		return -EINVAL;
	if (port & (width - 1))
		return -EINVAL;
	if (port < io->base || port - io->base + width > io->size)
		return -EINVAL;
	return 0;
}

static u32 ioport_in(u16 port, unsigned int width)
{
	switch (width) {
	case 1:
		return inb(port);
	case 2:
		return inw(port);
	default:
		return inl(port);
	}
}

static void ioport_out(u16 port, unsigned int width, u32 value)
{
	switch (width) {
	case 1:
		outb(value, port);
		break;
	case 2:
		outw(value, port);
		break;
	default:
		outl(value, port);
		break;
	}
}

/* A value of 1, 2 or 4 bytes in host byte order, as pread/pwrite see it. */
union ioport_value {
	u8 b;
	u16 w;
	u32 l;
};

static int ioport_rw_check(struct genode_resource *res, size_t len,
			   loff_t pos)
{
	return ioport_check(to_ioport(res), pos, len);
}

/* read and write after ioport_rw_check() */
static ssize_t ioport_read(struct genode_resource *res, struct file *file,
			   void *buf, size_t len, loff_t *pos)
{
	struct genode_ioport *io = to_ioport(res);
	union ioport_value *v = buf;
	u32 value;
	int ret;

	ret = security_locked_down(LOCKDOWN_IOPORT);
	if (ret)
		return ret;

	mutex_lock(&io->io_lock);
	value = ioport_in(*pos, len);
	mutex_unlock(&io->io_lock);

	switch (len) {
	case 1:
		v->b = value;
		break;
	case 2:
		v->w = value;
		break;
	default:
		v->l = value;
		break;
	}
	return len;
}

static ssize_t ioport_write(struct genode_resource *res, struct file *file,
			    const void *buf, size_t len, loff_t *pos)
{
	struct genode_ioport *io = to_ioport(res);
	const union ioport_value *v = buf;
	u32 value;
	int ret;

	ret = security_locked_down(LOCKDOWN_IOPORT);
	if (ret)
		return ret;

	switch (len) {
	case 1:
		value = v->b;
		break;
	case 2:
		value = v->w;
		break;
	default:
		value = v->l;
		break;
	}

	mutex_lock(&io->io_lock);
	ioport_out(*pos, len, value);
	mutex_unlock(&io->io_lock);
	return len;
}

static int ioport_check_op(struct genode_ioport *io,
			   const struct genode_ioport_op *op)
{
	int ret = ioport_check(io, op->port, op->width);

	if (ret)
		return ret;
	switch (op->dir) {
	case GENODE_IOPORT_IN:
		return 0;
	case GENODE_IOPORT_OUT:
		if (op->width < 4 && op->value >> (op->width * 8))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static int ioport_batch(struct genode_ucmd *ucmd)
{
	struct genode_ioport_batch *cmd = ucmd->cmd;
	struct genode_ioport *io = to_ioport(ucmd->res);
	struct genode_ioport_op *ops;
	void __user *uops;
	bool any_in = false;
	size_t bytes;
	u32 i;
	int ret;

	if (cmd->flags || cmd->__reserved || !cmd->count)
		return -EINVAL;
	if (cmd->count > GENODE_IOPORT_BATCH_MAX)
		return -E2BIG;

	uops = u64_to_user_ptr(cmd->ops);
	bytes = array_size(cmd->count, sizeof(*ops));
	ops = memdup_user(uops, bytes);
	if (IS_ERR(ops))
		return PTR_ERR(ops);

	/* all or nothing: check every operation before the first access */
	for (i = 0; i < cmd->count; i++) {
		ret = ioport_check_op(io, &ops[i]);
		if (ret)
			goto out_free;
		any_in |= ops[i].dir == GENODE_IOPORT_IN;
	}
	/* the results must be writable before an IN consumes anything */
	if (any_in && copy_to_user(uops, ops, bytes)) {
		ret = -EFAULT;
		goto out_free;
	}

	/* the ports, under revoke_lock; user memory only outside it */
	if (!genode_resource_enter(&io->res)) {
		ret = -ENODEV;
		goto out_free;
	}
	ret = security_locked_down(LOCKDOWN_IOPORT);
	if (ret)
		goto out_leave;
	mutex_lock(&io->io_lock);
	for (i = 0; i < cmd->count; i++) {
		if (ops[i].dir == GENODE_IOPORT_IN)
			ops[i].value = ioport_in(ops[i].port, ops[i].width);
		else
			ioport_out(ops[i].port, ops[i].width, ops[i].value);
	}
	mutex_unlock(&io->io_lock);
	genode_resource_leave(&io->res);

	if (any_in && copy_to_user(uops, ops, bytes))
		ret = -EFAULT;
	goto out_free;

out_leave:
	genode_resource_leave(&io->res);
out_free:
	kfree(ops);
	return ret;
}

static int ioport_info(struct genode_ucmd *ucmd)
{
	struct genode_ioport_info *cmd = ucmd->cmd;
	struct genode_ioport *io = to_ioport(ucmd->res);

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;

	cmd->base = io->base;
	cmd->size = io->size;
	if (io->gdev)
		cmd->attrs = GENODE_IOPORT_ATTR_BAR;
	else
		cmd->attrs = io->region ? 0 : GENODE_IOPORT_ATTR_KERNEL_HELD;
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static const struct genode_ioctl_op ioport_ioctls[] = {
	GENODE_IOCTL_OP_UNLOCKED(GENODE_IOPORT_BATCH, ioport_batch,
				 struct genode_ioport_batch, __reserved),
	GENODE_IOCTL_OP(GENODE_IOPORT_INFO, ioport_info,
			struct genode_ioport_info, __reserved),
};

static struct genode_ioport *ioport_alloc(u32 base, u32 size)
{
	struct genode_ioport *io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);

	if (!io)
		return NULL;
	io->base = base;
	io->size = size;
	mutex_init(&io->io_lock);
	return io;
}

static void ioport_destroy(struct genode_ioport *io)
{
	mutex_destroy(&io->io_lock);
	kfree(io);
}

static void ioport_revoke(struct genode_resource *res)
{
	struct genode_ioport *io = to_ioport(res);

	lockdep_assert_held_write(&res->revoke_lock);
	if (io->region)
		__release_region(&ioport_resource, io->base, io->size);
	genode_range_release(&io->range);
	/* the device may be in its release now: no gdev->lock here */
	if (io->gdev)
		clear_bit(io->bar, &io->gdev->bars_in_use);
}

static void ioport_free(struct genode_resource *res)
{
	struct genode_ioport *io = to_ioport(res);

	if (io->gdev) {
		genode_pci_hook_del(io->gdev, &io->hook);
		fput(io->dev_file);
	}
	ioport_destroy(io);
}

static const struct genode_resource_ops ioport_ops = {
	.name = "[genode-ioport]",
	.ioctls = ioport_ioctls,
	.num_ioctls = ARRAY_SIZE(ioport_ioctls),
	.rw_check = ioport_rw_check,
	.read = ioport_read,
	.write = ioport_write,
	.revoke = ioport_revoke,
	.free = ioport_free,
};

/* The device's release revokes its IO BARs' resources before it lets go. */
static void ioport_device_release(struct genode_pci_hook *hook,
				  struct genode_pci_device *gdev)
{
	genode_resource_revoke(&container_of(hook, struct genode_ioport,
					     hook)->res);
}

static int genode_ioport_request_bar(struct genode_ucmd *ucmd,
				     struct genode_ioport_request *cmd)
{
	struct genode_pci_device *gdev;
	struct genode_ioport *io;
	struct pci_dev *pdev;
	struct file *file;
	u64 start, len;
	int ret;

	if (ucmd->user_size < offsetofend(struct genode_ioport_request, bar) ||
	    cmd->base || cmd->size || cmd->bar >= PCI_STD_NUM_BARS)
		return -EINVAL;

	gdev = genode_pci_device_lock_fd(ucmd->session, cmd->device_fd,
					 &file);
	if (IS_ERR(gdev))
		return PTR_ERR(gdev);
	pdev = gdev->pdev;
	start = pci_resource_start(pdev, cmd->bar);
	len = pci_resource_len(pdev, cmd->bar);
	if (!len || !(pci_resource_flags(pdev, cmd->bar) & IORESOURCE_IO) ||
	    start > IOPORT_LAST || len > IOPORT_LAST + 1 - start) {
		ret = -ENXIO;
		goto err_unlock;
	}
	ret = security_locked_down(LOCKDOWN_IOPORT);
	if (ret)
		goto err_unlock;
	io = ioport_alloc(start, len);
	if (!io) {
		ret = -ENOMEM;
		goto err_unlock;
	}
	if (test_and_set_bit(cmd->bar, &gdev->bars_in_use)) {
		ret = -EBUSY;
		goto err_destroy;
	}
	ret = genode_range_claim(&io->range, GENODE_RANGE_IO, io->base,
				 io->base + io->size - 1);
	if (ret)
		goto err_clear_bar;

	/* from here on the resource's revoke and free undo everything */
	genode_resource_init(&io->res, &ioport_ops, ucmd->session);
	io->gdev = gdev;
	io->bar = cmd->bar;
	io->dev_file = get_file(file);
	io->hook.stage = GENODE_PCI_STAGE_IOMEM;
	io->hook.release = ioport_device_release;
	genode_pci_hook_add(gdev, &io->hook);
	genode_pci_device_unlock_fput(gdev, file);

	cmd->base = io->base;
	cmd->size = io->size;
	return genode_resource_install(&io->res, ucmd, sizeof(*cmd), &cmd->fd);

err_clear_bar:
	clear_bit(cmd->bar, &gdev->bars_in_use);
err_destroy:
	ioport_destroy(io);
err_unlock:
	genode_pci_device_unlock_fput(gdev, file);
	return ret;
}

int genode_ioport_request(struct genode_ucmd *ucmd)
{
	struct genode_ioport_request *cmd = ucmd->cmd;
	struct genode_ioport *io;
	u32 last;
	int ret;

	if (cmd->flags & ~GENODE_IOPORT_BAR || cmd->__reserved)
		return -EINVAL;
	if (cmd->flags & GENODE_IOPORT_BAR)
		return genode_ioport_request_bar(ucmd, cmd);
	/* a struct that ends before device_fd is for no device */
	if (ucmd->user_size < offsetofend(typeof(*cmd), device_fd))
		cmd->device_fd = GENODE_NO_DEVICE;
	if (cmd->device_fd != GENODE_NO_DEVICE || cmd->bar)
		return -EINVAL;
	if (!cmd->size || cmd->base > IOPORT_LAST ||
	    cmd->size > IOPORT_LAST + 1 - cmd->base)
		return -EINVAL;
	last = cmd->base + cmd->size - 1;

	/* the order of ioperm(2) */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_IOPORT);
	if (ret)
		return ret;

	io = ioport_alloc(cmd->base, cmd->size);
	if (!io)
		return -ENOMEM;

	ret = genode_range_claim(&io->range, GENODE_RANGE_IO, io->base, last);
	if (ret)
		goto err_free;

	/*
	 * A busy entry (a driver's) anywhere in the range makes this fail;
	 * so does a range that straddles the end of a bus window.
	 */
	io->region = __request_region(&ioport_resource, io->base, io->size,
				      genode_ioport_owner, 0);
	if (!io->region &&
	    !genode_policy_allows(GENODE_RANGE_IO, io->base, last)) {
		ret = -EBUSY;
		goto err_release_range;
	}

	/* from here on the resource's revoke and free undo all of it */
	genode_resource_init(&io->res, &ioport_ops, ucmd->session);
	return genode_resource_install(&io->res, ucmd, sizeof(*cmd), &cmd->fd);

err_release_range:
	genode_range_release(&io->range);
err_free:
	ioport_destroy(io);
	return ret;
}
