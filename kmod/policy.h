/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - who may have which IO-port and IO-memory ranges
 */
#ifndef _GENODE_POLICY_H
#define _GENODE_POLICY_H

#include <linux/list.h>
#include <linux/types.h>

enum genode_range_kind {
	GENODE_RANGE_IO,	/* x86 IO ports */
	GENODE_RANGE_MEM,	/* physical IO memory */
	GENODE_RANGE_KINDS,
};

/*
 * Does the administrator's allow list (module parameter "allow") contain
 * the whole of [start, last]?  An allowed range may be handed out although
 * a kernel driver has claimed it (the PIT, say).
 */
bool genode_policy_allows(enum genode_range_kind kind, u64 start, u64 last);

/* A range held by some resource: at most one holder per address. */
struct genode_range {
	struct list_head node;
	enum genode_range_kind kind;
	u64 start;
	u64 last;
};

/* Hold [start, last] for @r, or -EBUSY if any of it is held already. */
int genode_range_claim(struct genode_range *r, enum genode_range_kind kind,
		       u64 start, u64 last);
void genode_range_release(struct genode_range *r);

#endif /* _GENODE_POLICY_H */
