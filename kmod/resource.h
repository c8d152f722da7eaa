/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resource.h - resource fds: what every kind of resource has in common
 */
#ifndef _GENODE_RESOURCE_H
#define _GENODE_RESOURCE_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rwsem.h>

struct genode_session;
struct genode_resource;
struct genode_ucmd;
struct genode_ioctl_op;

/*
 * What a kind of resource provides.  Every callback but revoke and free may
 * be NULL.  read, write and the ioctls run with the resource's
 * revoke_lock held for reading and only while it is not revoked (but the
 * ioctls marked unlocked, which take it themselves); mmap runs with
 * map_lock held for reading and only while the resource may be mapped;
 * poll runs without either, see below.
 * The generic code answers ENODEV otherwise.  None of them touches user
 * memory under revoke_lock: read and write get a kernel buffer of 8 bytes
 * (read fills at most that much of it, len is the user's), the ioctls the
 * kernel copy of their argument, and the generic code copies in before
 * and out after.
 */
struct genode_resource_ops {
	const char *name;	/* of the fd, in /proc/<pid>/fd */

	const struct genode_ioctl_op *ioctls;
	unsigned int num_ioctls;

	/*
	 * The file operations, for a kind whose read() and poll() are its
	 * own (GENODE_RESOURCE_FOPS below), or NULL for the generic ones,
	 * which call the methods here.  A kind's own read() runs without
	 * revoke_lock, as its poll() does: it may touch only what lives
	 * until free, must fail with ENODEV once genode_resource_dying()
	 * says the resource is going, and copies to user memory itself.
	 */
	const struct file_operations *fops;

	/*
	 * Is a read or write of @len bytes at @pos valid (0 or -errno)?
	 * Called without locks, before the user's buffer is touched, so that
	 * a refused access leaves it as it was.
	 */
	int (*rw_check)(struct genode_resource *res, size_t len, loff_t pos);
	ssize_t (*read)(struct genode_resource *res, struct file *file,
			void *buf, size_t len, loff_t *pos);
	ssize_t (*write)(struct genode_resource *res, struct file *file,
			 const void *buf, size_t len, loff_t *pos);
	/*
	 * Without revoke_lock, and so possibly while the resource is being
	 * revoked: it may touch only what lives until free (the wait queue,
	 * flags), and must report a resource that genode_resource_dying()
	 * says is going (EPOLLERR | EPOLLHUP); unblock wakes its queue after
	 * dying is set.  The generic code answers a revoked one.
	 */
	__poll_t (*poll)(struct genode_resource *res, struct file *file,
			 poll_table *wait);
	int (*mmap)(struct genode_resource *res, struct vm_area_struct *vma);

	/*
	 * Wake everything that sleeps in read or poll so that revocation
	 * can take the lock; they must then see genode_resource_dying().
	 * Called without locks held, before revoke.
	 */
	void (*unblock)(struct genode_resource *res);
	/*
	 * Release the hardware.  Called exactly once, with revoke_lock held
	 * for writing, after every mapping of the fd has been zapped.
	 */
	void (*revoke)(struct genode_resource *res);
	/* Free the object that embeds the resource.  Called exactly once. */
	void (*free)(struct genode_resource *res);
};

/*
 * The common part of every resource, embedded in the kind's object.  The
 * resource's lifetime is that of its struct file: each fd and each mapping
 * holds a reference to the file, and the file's release revokes and frees.
 */
struct genode_resource {
	const struct genode_resource_ops *ops;
	/* the session that created it: only it may revoke; holds a ref */
	struct genode_session *owner;
	/* its own inode, so that revocation can zap every mapping of it */
	struct file *file;

	/*
	 * revoke_lock guards @revoked and, for readers, the hardware behind
	 * the resource: held for reading by every file operation but mmap
	 * and poll, for writing by revocation.  It is never held across an
	 * access to user memory, and never taken inside mmap_lock.
	 */
	struct rw_semaphore revoke_lock;
	bool revoked;
	/*
	 * map_lock guards @unmapped and, for readers, what the mappings of
	 * the resource show: held for reading by mmap() and by page faults
	 * (inside mmap_lock), for writing by revocation while it zaps every
	 * mapping (inside revoke_lock).  Lock order: revoke_lock ->
	 * mmap_lock -> map_lock.
	 */
	struct rw_semaphore map_lock;
	bool unmapped;
	/* set, without the lock, before revocation wakes the sleepers */
	bool dying;
};

/*
 * Set up a resource; call before anything else on it.  Each call site
 * (each kind) gets lock classes of its own: revoking a device revokes its
 * DMA buffers with the device's revoke_lock held, which lockdep would
 * take for recursion if all resources shared one class.
 */
#define genode_resource_init(res, ops, owner)				\
	do {								\
		static struct lock_class_key __revoke_key, __map_key;	\
									\
		__genode_resource_init(res, ops, owner, &__revoke_key,	\
				       &__map_key);			\
	} while (0)

void __genode_resource_init(struct genode_resource *res,
			    const struct genode_resource_ops *ops,
			    struct genode_session *owner,
			    struct lock_class_key *revoke_key,
			    struct lock_class_key *map_key);

/*
 * Make the resource an fd of the caller: reserve the fd, store it in
 * *fd_out, answer the ioctl through genode_ucmd_respond(@ucmd, @cmd_len),
 * and only then install it.  Consumes @res: on failure it is revoked and
 * freed through its ops.
 */
int genode_resource_install(struct genode_resource *res,
			    struct genode_ucmd *ucmd, size_t cmd_len,
			    __s32 *fd_out);

/*
 * The file operations of a resource fd, with a kind's own read and poll
 * (the generic ones: genode_resource_read(), genode_resource_poll()).
 */
ssize_t genode_resource_write(struct file *file, const char __user *buf,
			      size_t len, loff_t *pos);
int genode_resource_mmap(struct file *file, struct vm_area_struct *vma);
long genode_resource_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg);
int genode_resource_release(struct inode *inode, struct file *file);

#define GENODE_RESOURCE_FOPS(_read, _poll)				\
	{								\
		.owner = THIS_MODULE,					\
		.read = (_read),					\
		.write = genode_resource_write,				\
		.poll = (_poll),					\
		.mmap = genode_resource_mmap,				\
		.unlocked_ioctl = genode_resource_ioctl,		\
		.compat_ioctl = compat_ptr_ioctl,			\
		.release = genode_resource_release,			\
		.llseek = noop_llseek,					\
	}

/* The resource behind a file, or NULL if it is not one of ours. */
struct genode_resource *genode_resource_from_file(struct file *file);

/*
 * Revoke @res from inside the module (a device's release revokes what
 * depends on it).  Takes revoke_lock for writing.  Returns false if it
 * had been revoked already.
 */
bool genode_resource_revoke(struct genode_resource *res);

/*
 * For an unlocked ioctl: take revoke_lock for reading; false (and not
 * held) if the resource is revoked.  genode_resource_leave() drops it.
 */
bool genode_resource_enter(struct genode_resource *res);
void genode_resource_leave(struct genode_resource *res);

/* Revoke on behalf of @s: -EPERM if @s did not create it, -ENODEV if done. */
int genode_resource_revoke_by(struct genode_resource *res,
			      struct genode_session *s);

/*
 * For a vm_ops->fault handler: false if the resource can no longer be
 * mapped (answer VM_FAULT_SIGBUS); true with map_lock held for reading,
 * to be dropped with genode_resource_fault_end() after the PTE is in.
 */
static inline bool genode_resource_fault_begin(struct genode_resource *res)
{
	down_read(&res->map_lock);
	if (res->unmapped) {
		up_read(&res->map_lock);
		return false;
	}
	return true;
}

static inline void genode_resource_fault_end(struct genode_resource *res)
{
	up_read(&res->map_lock);
}

/*
 * Zap every mapping of @res and hold page faults on it off (they wait in
 * genode_resource_fault_begin()) until genode_resource_unblock_maps().
 * For a device reset, while the hardware behind the mappings must not be
 * touched.  @subclass tells lockdep apart the resources one caller blocks
 * at once (at most MAX_LOCKDEP_SUBCLASSES).
 */
void genode_resource_block_maps(struct genode_resource *res,
				unsigned int subclass);
void genode_resource_unblock_maps(struct genode_resource *res);

static inline bool genode_resource_dying(struct genode_resource *res)
{
	return READ_ONCE(res->dying);
}

/* Live resources, for the sysfs counter. */
unsigned int genode_resource_count(void);

#endif /* _GENODE_RESOURCE_H */
