// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - the lifetime of a /dev/genode session
 */
#include <linux/atomic.h>
#include <linux/slab.h>

#include "genode_dev.h"
#include "dma.h"

/* Open session fds, shown in sysfs so that tests and admins can see leaks. */
static atomic_t session_count = ATOMIC_INIT(0);

struct genode_session *genode_session_create(void)
{
	struct genode_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;

	kref_init(&s->ref);
	mutex_init(&s->lock);
	genode_dma_session_init(s);
	atomic_inc(&session_count);
	return s;
}

struct genode_session *genode_session_get(struct genode_session *s)
{
	kref_get(&s->ref);
	return s;
}

static void genode_session_free(struct kref *ref)
{
	struct genode_session *s = container_of(ref, struct genode_session, ref);

	mutex_destroy(&s->lock);
	kfree(s);
}

void genode_session_put(struct genode_session *s)
{
	kref_put(&s->ref, genode_session_free);
}

void genode_session_closed(void)
{
	atomic_dec(&session_count);
}

unsigned int genode_session_count(void)
{
	return atomic_read(&session_count);
}
