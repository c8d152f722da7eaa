/* SPDX-License-Identifier: GPL-2.0 */
/* CLOCK_MONOTONIC as seconds and as nanoseconds, and a sleep of ms. */
#ifndef GENODE_TEST_TIMING_H
#define GENODE_TEST_TIMING_H

#include <errno.h>
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

/* Sleep ms milliseconds, signals or not. */
static inline void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

#endif
