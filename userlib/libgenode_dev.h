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

#include <stddef.h>
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

/* ---- DMA buffers (GENODE_FEATURE_DMA) ---- */

/*
 * Allocate a DMA buffer of size bytes (rounded up to pages) with a cache
 * attribute (GENODE_DMA_CACHED, _UNCACHED, _WRITE_COMBINED), for the
 * claimed PCI device device_fd or for no device (-1).  Returns the buffer
 * fd or -errno.  bus_addr, phys_addr and out_flags (GENODE_DMA_TRANSLATED,
 * _PHYS_WITHHELD, _BUS_WITHHELD) may be NULL.
 */
int genode_dma_alloc(int session, uint64_t size, uint32_t cache,
		     int device_fd, uint64_t *bus_addr, uint64_t *phys_addr,
		     uint32_t *out_flags);

/* Describe a buffer fd (also one received from another process). */
int genode_dma_info(int buffer, struct genode_dma_info *info);

/*
 * Map length bytes of a buffer from offset (both page multiples),
 * shared and readable/writable; *addr receives the mapping.
 */
int genode_dma_map(int buffer, uint64_t offset, size_t length, void **addr);

/* Undo genode_dma_map(). */
int genode_dma_unmap(void *addr, size_t length);

/*
 * Hand a range to the CPU (GENODE_DMA_SYNC_FOR_CPU) or the device
 * (GENODE_DMA_SYNC_FOR_DEVICE), for direction GENODE_DMA_TO_DEVICE,
 * _FROM_DEVICE or _BIDIRECTIONAL.
 */
int genode_dma_sync(int buffer, uint32_t flags, uint64_t offset,
		    uint64_t length, uint32_t direction);

/* The session's DMA quota and use, in bytes; either may be NULL. */
int genode_dma_quota(int session, uint64_t *limit, uint64_t *used);

#ifdef __cplusplus
}
#endif

#endif /* LIBGENODE_DEV_H */
