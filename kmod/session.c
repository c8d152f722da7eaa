// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - the lifetime of a /dev/genode session
 */
#include <linux/atomic.h>
#include <linux/slab.h>

#include "genode_dev.h"

/* Live sessions, shown in sysfs so that tests and admins can see leaks. */
static atomic_t session_count = ATOMIC_INIT(0);

struct genode_session *genode_session_create(void)
{
	struct genode_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;

	mutex_init(&s->lock);
	atomic_inc(&session_count);
	return s;
}

void genode_session_destroy(struct genode_session *s)
{
	mutex_destroy(&s->lock);
	kfree(s);
	atomic_dec(&session_count);
}

unsigned int genode_session_count(void)
{
	return atomic_read(&session_count);
}
