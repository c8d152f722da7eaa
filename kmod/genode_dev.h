/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genode_dev.h - internal interfaces between the parts of genode.ko
 */
#ifndef _GENODE_DEV_H
#define _GENODE_DEV_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/list.h>

#include "genode_dev_uapi.h"

/*
 * A session is one open() of /dev/genode.  It owns everything obtained
 * through it.
 */
struct genode_session {
	/* guards the session's resource state, added by later resources */
	struct mutex lock;
};

struct genode_session *genode_session_create(void);
void genode_session_destroy(struct genode_session *s);
unsigned int genode_session_count(void);

/*
 * One ioctl call in flight: the user's buffer and its size, and the
 * kernel's copy of the argument.  Handlers that return data call
 * genode_ucmd_respond() before they make anything visible that cannot be
 * undone (an installed fd).
 */
struct genode_ucmd {
	struct genode_session *session;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

int genode_ucmd_respond(struct genode_ucmd *ucmd, size_t cmd_len);

#endif /* _GENODE_DEV_H */
