/* SPDX-License-Identifier: GPL-2.0 */
/*
 * read_sysfs_long(): a sysfs number, or -1.  The programs on the test
 * library (lib/) use lib/sysfs.h's sysfs_long(), which returns -errno.
 */
#ifndef GENODE_TEST_UTIL_H
#define GENODE_TEST_UTIL_H

#include <stdio.h>

/* A sysfs file holding one number, or -1. */
static inline long read_sysfs_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

#endif
