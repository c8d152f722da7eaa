/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genode_dev.h - internal interfaces between the parts of genode.ko
 */
#ifndef _GENODE_DEV_H
#define _GENODE_DEV_H

#include <linux/build_bug.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "genode_dev_uapi.h"

struct genode_resource;

/*
 * A session is one open() of /dev/genode.  It owns everything obtained
 * through it: each resource holds a reference to its session, so the
 * session's accounting outlives the session fd while resources that were
 * handed to other processes live on.
 */
struct genode_session {
	struct kref ref;
	/* guards the session's accounting, added by the resource kinds */
	struct mutex lock;

	/* DMA buffers (dma.c): quota and use in bytes, under @lock */
	u64 dma_limit;
	u64 dma_used;
	/*
	 * Claims of the session whose release has not ended yet (pci.c), the
	 * buffers for no device whose memory waits for the last of them, and
	 * the first device among them whose release could not reset it (a
	 * reference), for which that memory then goes into quarantine (dma.c,
	 * "Holding"), under @lock.
	 */
	unsigned int dma_claims;
	struct list_head dma_held;
	struct pci_dev *dma_unreset;
};

struct genode_session *genode_session_create(void);
struct genode_session *genode_session_get(struct genode_session *s);
void genode_session_put(struct genode_session *s);
/* Open session fds, for the sysfs counter. */
unsigned int genode_session_count(void);
void genode_session_closed(void);

/*
 * One ioctl call in flight: the user's buffer and its size, and the
 * kernel's copy of the argument.  Handlers that return data call
 * genode_ucmd_respond() before they make anything visible that cannot be
 * undone (an installed fd).  On a session fd that copies out at once; on a
 * resource fd it only records @out_len, and the copy out happens once the
 * resource's revoke_lock is dropped (resource.c).
 */
struct genode_ucmd {
	struct genode_session *session;	/* an ioctl on the session fd */
	struct genode_resource *res;	/* an ioctl on a resource fd */
	struct file *file;		/* ... and its file */
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
	size_t out_len;			/* resource fds: what to copy out */
};

int genode_ucmd_respond(struct genode_ucmd *ucmd, size_t cmd_len);

/*
 * One ioctl: its number, the size of the kernel's struct and of the first
 * version of it (offsetofend of its last field then), and the handler.
 */
struct genode_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	unsigned int min_size;
	int (*execute)(struct genode_ucmd *ucmd);
	/*
	 * On a resource fd: the handler runs without revoke_lock and takes
	 * it itself around the hardware access (genode_resource_enter()),
	 * because it touches user memory beyond the argument.
	 */
	bool unlocked;
};

/* The largest kernel struct of an ioctl: the dispatcher's buffer. */
#define GENODE_MAX_CMDSZ 256

/* A struct that does not fit the dispatcher's buffer does not build. */
#define __GENODE_IOCTL_OP(_ioctl, _fn, _struct, _last, _unlocked)	\
	{								\
		.cmd = _ioctl,						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(_struct) > GENODE_MAX_CMDSZ), \
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
		.unlocked = _unlocked,					\
	}

#define GENODE_IOCTL_OP(_ioctl, _fn, _struct, _last)			\
	__GENODE_IOCTL_OP(_ioctl, _fn, _struct, _last, false)
#define GENODE_IOCTL_OP_UNLOCKED(_ioctl, _fn, _struct, _last)		\
	__GENODE_IOCTL_OP(_ioctl, _fn, _struct, _last, true)

/* The op of @cmd in @ops, or NULL. */
const struct genode_ioctl_op *genode_ioctl_lookup(const struct genode_ioctl_op *ops,
						  unsigned int n,
						  unsigned int cmd);

/*
 * Copy the argument of @op in to @buf (GENODE_MAX_CMDSZ bytes), checking
 * argsz against the op's sizes, and point ucmd->cmd at it.
 * ucmd->ubuffer must be set.
 */
int genode_ioctl_copy_in(const struct genode_ioctl_op *op,
			 struct genode_ucmd *ucmd, void *buf);

/*
 * Look @cmd up, copy its argument in and run its handler; ENOTTY for a
 * command not in @ops.  ucmd->session and ucmd->ubuffer must be set.
 */
long genode_ioctl_dispatch(const struct genode_ioctl_op *ops, unsigned int n,
			   unsigned int cmd, struct genode_ucmd *ucmd);

#endif /* _GENODE_DEV_H */
