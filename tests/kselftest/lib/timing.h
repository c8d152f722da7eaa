/* SPDX-License-Identifier: GPL-2.0 */
/* CLOCK_MONOTONIC as seconds and as nanoseconds. */
#ifndef GENODE_TEST_TIMING_H
#define GENODE_TEST_TIMING_H

#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#endif
