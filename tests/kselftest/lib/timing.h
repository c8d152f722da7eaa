/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CLOCK_MONOTONIC as seconds and as nanoseconds, a sleep of ms, and a
 * SIGALRM that interrupts a blocking call.
 */
#ifndef GENODE_TEST_TIMING_H
#define GENODE_TEST_TIMING_H

#include <errno.h>
#include <signal.h>
#include <time.h>

static inline void sigalrm_nothing(int sig)
{
	(void)sig;
}

/*
 * Make SIGALRM end a blocking system call with EINTR (a handler that does
 * nothing, no SA_RESTART); the handler before it in *old, unless NULL.
 * 0 or -errno.
 */
static inline int sigalrm_interrupts(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = sigalrm_nothing };

	return sigaction(SIGALRM, &sa, old) ? -errno : 0;
}

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
