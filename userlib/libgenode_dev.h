/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libgenode_dev - a small C library over the /dev/genode ioctl ABI
 *
 * Every function returns 0 (or a file descriptor) on success and a
 * negative errno value on failure; errno is left as the failing system
 * call set it.  The library prints nothing.
 */
#ifndef LIBGENODE_DEV_H
#define LIBGENODE_DEV_H

#include <stdint.h>

#include "genode_dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Open a session on /dev/genode (or on path, when not NULL): an fd, or -errno. */
int genode_session_open(const char *path);

/* Close a session or resource fd: 0 or -errno. */
int genode_close(int fd);

/* The module's ABI version and feature bits (GENODE_FEATURE_*). */
int genode_query_info(int session, uint32_t *abi_version, uint64_t *features);

#ifdef __cplusplus
}
#endif

#endif /* LIBGENODE_DEV_H */
