/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi header, with its layouts pinned: a change to a struct that
 * user space already knows breaks the build here, not users.
 */
#ifndef _GENODE_DEV_UAPI_H
#define _GENODE_DEV_UAPI_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <genode_dev.h>

static_assert(sizeof(struct genode_info) == 24);
static_assert(offsetof(struct genode_info, features) == 16);
static_assert(sizeof(struct genode_revoke) == 16);

#endif /* _GENODE_DEV_UAPI_H */
