/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the kselftest programs. */
#ifndef GENODE_TEST_UTIL_H
#define GENODE_TEST_UTIL_H

#include <stdio.h>

/* Every feature bit this test suite knows about. */
#define GENODE_TEST_KNOWN_FEATURES \
	(GENODE_FEATURE_REVOKE | GENODE_FEATURE_IOPORT | GENODE_FEATURE_PCI | \
	 GENODE_FEATURE_IOMEM | GENODE_FEATURE_IRQ | GENODE_FEATURE_DMA)

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
