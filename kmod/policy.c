// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - the administrator's allow list and exclusive range ownership
 *
 * The allow list names IO-port and IO-memory ranges that may be handed out
 * even though a kernel driver holds them, for instance the PIT's ports,
 * which the kernel claims at boot:
 *
 *   modprobe genode allow=io:0x40-0x43,io:0x61
 *   echo mem:0xfd000000-0xfdffffff > /sys/module/genode/parameters/allow
 *
 * Entries are "io:" or "mem:" followed by START or START-END (inclusive),
 * in any base that kstrtoull accepts, separated by commas.  Writing the
 * parameter replaces the whole list; a malformed list is refused with
 * EINVAL, one of more than GENODE_ALLOW_MAX (32) entries with ENOSPC, and
 * either leaves the old one in place.  Sessions that already hold a
 * range keep it when the list changes.
 */
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "policy.h"

#define GENODE_ALLOW_MAX 32

struct genode_allow {
	enum genode_range_kind kind;
	u64 start;
	u64 last;
};

static const char *const kind_names[GENODE_RANGE_KINDS] = {
	[GENODE_RANGE_IO] = "io",
	[GENODE_RANGE_MEM] = "mem",
};

/* guards allow_list and allow_count */
static DEFINE_MUTEX(allow_lock);
static struct genode_allow allow_list[GENODE_ALLOW_MAX];
static unsigned int allow_count;

/* guards held_ranges: every range some resource holds */
static DEFINE_MUTEX(range_lock);
static LIST_HEAD(held_ranges);

static int parse_entry(char *s, struct genode_allow *a)
{
	char *colon = strchr(s, ':');
	char *dash;
	unsigned int k;

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	for (k = 0; k < GENODE_RANGE_KINDS; k++)
		if (!strcmp(s, kind_names[k]))
			break;
	if (k == GENODE_RANGE_KINDS)
		return -EINVAL;
	a->kind = k;

	s = colon + 1;
	dash = strchr(s, '-');
	if (dash)
		*dash = '\0';
	if (kstrtoull(s, 0, &a->start))
		return -EINVAL;
	a->last = a->start;
	if (dash && kstrtoull(dash + 1, 0, &a->last))
		return -EINVAL;
	if (a->last < a->start)
		return -EINVAL;
	if (k == GENODE_RANGE_IO && a->last > 0xffff)
		return -EINVAL;
	return 0;
}

static int allow_set(const char *val, const struct kernel_param *kp)
{
	struct genode_allow *parsed;
	unsigned int n = 0;
	char *buf, *cur, *tok;
	int ret = 0;

	parsed = kcalloc(GENODE_ALLOW_MAX, sizeof(*parsed), GFP_KERNEL);
	buf = kstrdup(val, GFP_KERNEL);
	if (!parsed || !buf) {
		ret = -ENOMEM;
		goto out_free;
	}

	cur = strim(buf);
	while ((tok = strsep(&cur, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		if (n == GENODE_ALLOW_MAX) {
			ret = -ENOSPC;
			goto out_free;
		}
		ret = parse_entry(tok, &parsed[n++]);
		if (ret)
			goto out_free;
	}

	mutex_lock(&allow_lock);
	memcpy(allow_list, parsed, n * sizeof(*parsed));
	allow_count = n;
	mutex_unlock(&allow_lock);

out_free:
	kfree(buf);
	kfree(parsed);
	return ret;
}

static int allow_get(char *buffer, const struct kernel_param *kp)
{
	int len = 0;
	unsigned int i;

	mutex_lock(&allow_lock);
	for (i = 0; i < allow_count; i++)
		len += scnprintf(buffer + len, PAGE_SIZE - len, "%s%s:0x%llx-0x%llx",
				 i ? "," : "", kind_names[allow_list[i].kind],
				 allow_list[i].start, allow_list[i].last);
	mutex_unlock(&allow_lock);
	len += scnprintf(buffer + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops allow_ops = {
	.set = allow_set,
	.get = allow_get,
};

module_param_cb(allow, &allow_ops, NULL, 0600);
MODULE_PARM_DESC(allow,
		 "IO ranges that may be handed out although a kernel driver holds them: io:START[-END] or mem:START[-END], comma-separated");

bool genode_policy_allows(enum genode_range_kind kind, u64 start, u64 last)
{
	bool allowed = false;
	unsigned int i;

	mutex_lock(&allow_lock);
	for (i = 0; i < allow_count && !allowed; i++)
		allowed = allow_list[i].kind == kind &&
			  allow_list[i].start <= start &&
			  last <= allow_list[i].last;
	mutex_unlock(&allow_lock);
	return allowed;
}

int genode_range_claim(struct genode_range *r, enum genode_range_kind kind,
		       u64 start, u64 last)
{
	struct genode_range *held;
	int ret = 0;

	mutex_lock(&range_lock);
	list_for_each_entry(held, &held_ranges, node) {
		if (held->kind == kind && held->start <= last &&
		    start <= held->last) {
			ret = -EBUSY;
			goto out_unlock;
		}
	}
	r->kind = kind;
	r->start = start;
	r->last = last;
	list_add(&r->node, &held_ranges);
out_unlock:
	mutex_unlock(&range_lock);
	return ret;
}

void genode_range_release(struct genode_range *r)
{
	mutex_lock(&range_lock);
	list_del(&r->node);
	mutex_unlock(&range_lock);
}
