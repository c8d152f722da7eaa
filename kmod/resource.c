// SPDX-License-Identifier: GPL-2.0
/*
 * resource.c - resource fds and their revocation
 *
 * Every resource (IO-memory region, IO-port range, IRQ, DMA buffer, PCI
 * device) is a file of its own, so that it can be passed over a UNIX socket
 * and lives as long as any fd or mapping refers to it.  Anon inodes share
 * one inode, and with it one address_space, between all their files; to
 * zap the mappings of one resource without touching anything else, each
 * resource gets an inode of its own from a small pseudo filesystem.
 *
 * Revocation (by the creating session, or implicitly when the last
 * reference goes): mark the resource dying and wake its sleepers, take
 * revoke_lock for writing (so no operation or page fault is inside), zap
 * every mapping of it in every process, and let the kind release the
 * hardware.  From then on every operation fails with ENODEV (an ioctl
 * the kind does not have with ENOTTY, as on a live fd) and every access
 * through an old mapping faults with SIGBUS.
 */
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/uaccess.h>

#include "genode_dev.h"
#include "resource.h"

#define GENODE_FS_MAGIC 0x47656e64	/* "Gend" */

/*
 * The pseudo filesystem is mounted while any resource file exists
 * (simple_pin_fs counts them), so that its superblock, which pins the
 * module, is gone when the last resource is.
 */
static struct vfsmount *genode_mnt;
static int genode_mnt_count;
static atomic_t resource_count = ATOMIC_INIT(0);

static int genode_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, GENODE_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type genode_fs_type = {
	.name = "genode_resource",
	.owner = THIS_MODULE,
	.init_fs_context = genode_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

unsigned int genode_resource_count(void)
{
	return atomic_read(&resource_count);
}

void __genode_resource_init(struct genode_resource *res,
			    const struct genode_resource_ops *ops,
			    struct genode_session *owner,
			    struct lock_class_key *revoke_key,
			    struct lock_class_key *map_key)
{
	res->ops = ops;
	res->owner = genode_session_get(owner);
	res->file = NULL;
	__init_rwsem(&res->revoke_lock, "&res->revoke_lock", revoke_key);
	res->revoked = false;
	__init_rwsem(&res->map_lock, "&res->map_lock", map_key);
	res->unmapped = false;
	res->dying = false;
	atomic_inc(&resource_count);
}

bool genode_resource_revoke(struct genode_resource *res)
{
	WRITE_ONCE(res->dying, true);
	if (res->ops->unblock)
		res->ops->unblock(res);

	down_write(&res->revoke_lock);
	if (res->revoked) {
		up_write(&res->revoke_lock);
		return false;
	}
	res->revoked = true;
	down_write(&res->map_lock);
	res->unmapped = true;
	if (res->file)
		unmap_mapping_range(res->file->f_mapping, 0, 0, 1);
	up_write(&res->map_lock);
	res->ops->revoke(res);
	up_write(&res->revoke_lock);
	return true;
}

static void genode_resource_destroy(struct genode_resource *res)
{
	struct genode_session *owner = res->owner;

	genode_resource_revoke(res);
	res->ops->free(res);
	genode_session_put(owner);
	atomic_dec(&resource_count);
}

void genode_resource_block_maps(struct genode_resource *res,
				unsigned int subclass)
{
	down_write_nested(&res->map_lock, subclass);
	if (res->file && !res->unmapped)
		unmap_mapping_range(res->file->f_mapping, 0, 0, 1);
}

void genode_resource_unblock_maps(struct genode_resource *res)
{
	up_write(&res->map_lock);
}

int genode_resource_revoke_by(struct genode_resource *res,
			      struct genode_session *s)
{
	if (res->owner != s)
		return -EPERM;
	return genode_resource_revoke(res) ? 0 : -ENODEV;
}

/*
 * The file operations but poll: copy what the user gives in, take
 * revoke_lock for reading, refuse a revoked resource, hand over to the
 * kind, drop the lock, copy the answer out.  The lock is never held
 * across an access to user memory: a fault that never completes
 * (userfaultfd, a stalled FUSE mapping) would hold off revocation, and
 * with it the release of a device under the device lock.
 */
bool genode_resource_enter(struct genode_resource *res)
{
	down_read(&res->revoke_lock);
	if (res->revoked) {
		up_read(&res->revoke_lock);
		return false;
	}
	return true;
}

void genode_resource_leave(struct genode_resource *res)
{
	up_read(&res->revoke_lock);
}

/* What read() and write() move: an IO port's value, an IRQ count. */
#define GENODE_RW_MAX sizeof(u64)

static ssize_t genode_resource_read(struct file *file, char __user *buf,
				    size_t len, loff_t *pos)
{
	struct genode_resource *res = file->private_data;
	u64 kbuf = 0;
	ssize_t ret;

	if (READ_ONCE(res->revoked))
		return -ENODEV;
	if (!res->ops->read)
		return -EINVAL;
	if (res->ops->rw_check) {
		ret = res->ops->rw_check(res, len, *pos);
		if (ret)
			return ret;
	}
	/* a bad buffer fails before the kind acts (an IN from a port) */
	if (clear_user(buf, min_t(size_t, len, GENODE_RW_MAX)))
		return -EFAULT;

	if (!genode_resource_enter(res))
		return -ENODEV;
	ret = res->ops->read(res, file, &kbuf, len, pos);
	genode_resource_leave(res);

	if (ret > 0 && copy_to_user(buf, &kbuf, ret))
		ret = -EFAULT;
	return ret;
}

ssize_t genode_resource_write(struct file *file, const char __user *buf,
			      size_t len, loff_t *pos)
{
	struct genode_resource *res = file->private_data;
	u64 kbuf = 0;
	ssize_t ret;

	if (READ_ONCE(res->revoked))
		return -ENODEV;
	if (!res->ops->write)
		return -EINVAL;
	if (res->ops->rw_check) {
		ret = res->ops->rw_check(res, len, *pos);
		if (ret)
			return ret;
	}
	/* longer writes are no valid access of any kind: it refuses them */
	if (len <= GENODE_RW_MAX && copy_from_user(&kbuf, buf, len))
		return -EFAULT;

	if (!genode_resource_enter(res))
		return -ENODEV;
	ret = res->ops->write(res, file, &kbuf, len, pos);
	genode_resource_leave(res);
	return ret;
}

/*
 * A kind without a poll method is always ready, as a plain file is.
 * Without revoke_lock: a kind's poll reads only what lives as long as the
 * file, and reports a dying resource itself (see struct
 * genode_resource_ops).  With the lock, an IRQ fd's poll cost 1.06 to
 * 1.16 of an eventfd's, without it 1.00 to 1.05 (bench/README.md).
 */
static __poll_t genode_resource_poll(struct file *file, poll_table *wait)
{
	struct genode_resource *res = file->private_data;

	if (READ_ONCE(res->revoked))
		return EPOLLERR | EPOLLHUP;
	if (!res->ops->poll)
		return DEFAULT_POLLMASK;
	return res->ops->poll(res, file, wait);
}

/* Called with mmap_lock held: takes map_lock, not revoke_lock. */
int genode_resource_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct genode_resource *res = file->private_data;
	int ret = -ENODEV;

	if (!genode_resource_fault_begin(res))
		return -ENODEV;
	if (res->ops->mmap)
		ret = res->ops->mmap(res, vma);
	genode_resource_fault_end(res);
	return ret;
}

long genode_resource_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct genode_resource *res = file->private_data;
	const struct genode_ioctl_op *op;
	u64 buf[GENODE_MAX_CMDSZ / sizeof(u64)];
	struct genode_ucmd ucmd = {
		.session = NULL,
		.res = res,
		.file = file,
		.ubuffer = (void __user *)arg,
	};
	long ret;

	/* a command of another kind is ENOTTY, revoked or not */
	op = genode_ioctl_lookup(res->ops->ioctls, res->ops->num_ioctls, cmd);
	if (!op)
		return -ENOTTY;
	if (READ_ONCE(res->revoked))
		return -ENODEV;
	ret = genode_ioctl_copy_in(op, &ucmd, buf);
	if (ret)
		return ret;
	if (op->unlocked)
		return op->execute(&ucmd);

	if (!genode_resource_enter(res))
		return -ENODEV;
	ret = op->execute(&ucmd);
	genode_resource_leave(res);

	if (!ret && ucmd.out_len &&
	    copy_to_user(ucmd.ubuffer, buf,
			 min_t(size_t, ucmd.user_size, ucmd.out_len)))
		ret = -EFAULT;
	return ret;
}

int genode_resource_release(struct inode *inode, struct file *file)
{
	genode_resource_destroy(file->private_data);
	/* the file holds the mount itself until after this returns */
	simple_release_fs(&genode_mnt, &genode_mnt_count);
	return 0;
}

static const struct file_operations genode_resource_fops =
	GENODE_RESOURCE_FOPS(genode_resource_read, genode_resource_poll);

/* Every resource's file operations, the generic ones or a kind's own. */
struct genode_resource *genode_resource_from_file(struct file *file)
{
	return file->f_op->release == genode_resource_release ?
	       file->private_data : NULL;
}

static struct file *genode_resource_file(struct genode_resource *res)
{
	struct inode *inode;
	struct file *file;
	int ret;

	ret = simple_pin_fs(&genode_fs_type, &genode_mnt, &genode_mnt_count);
	if (ret)
		return ERR_PTR(ret);

	inode = alloc_anon_inode(genode_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_release_fs;
	}

	/*
	 * The file's last fput() drops a reference to the owner of its fops
	 * (fops_put() in __fput()), which alloc_file_pseudo() does not take,
	 * unlike an open() would.  Take it here, as anon_inode_getfile()
	 * does; the caller is in an ioctl of ours, so the module is live.
	 */
	__module_get(THIS_MODULE);
	file = alloc_file_pseudo(inode, genode_mnt, res->ops->name, O_RDWR,
				 res->ops->fops ?: &genode_resource_fops);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_module_put;
	}
	/*
	 * Pseudo files do not get FMODE_PREAD/FMODE_PWRITE (only
	 * do_dentry_open() sets them), and without them pread and pwrite
	 * fail with ESPIPE; IO ports are accessed at offset = port.
	 */
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	file->private_data = res;
	return file;

err_module_put:
	module_put(THIS_MODULE);
	iput(inode);
err_release_fs:
	simple_release_fs(&genode_mnt, &genode_mnt_count);
	return ERR_PTR(ret);
}

int genode_resource_install(struct genode_resource *res,
			    struct genode_ucmd *ucmd, size_t cmd_len,
			    __s32 *fd_out)
{
	struct file *file;
	int fd, ret;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_destroy;
	}

	file = genode_resource_file(res);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	res->file = file;

	*fd_out = fd;
	ret = genode_ucmd_respond(ucmd, cmd_len);
	if (ret)
		goto err_fput;

	fd_install(fd, file);
	return 0;

err_fput:
	/* the file's release destroys the resource */
	put_unused_fd(fd);
	fput(file);
	return ret;
err_put_fd:
	put_unused_fd(fd);
err_destroy:
	genode_resource_destroy(res);
	return ret;
}
