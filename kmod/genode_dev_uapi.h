/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi header, with its layouts pinned: a change to a struct that
 * user space already knows breaks the build here, not users.
 */
#ifndef _GENODE_DEV_UAPI_H
#define _GENODE_DEV_UAPI_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <genode_dev.h>

static_assert(sizeof(struct genode_info) == 24);
static_assert(offsetof(struct genode_info, features) == 16);
static_assert(sizeof(struct genode_revoke) == 16);

/* IO ports */
static_assert(sizeof(struct genode_ioport_request) == 24);
static_assert(offsetof(struct genode_ioport_request, fd) == 16);
static_assert(sizeof(struct genode_ioport_op) == 8);
static_assert(offsetof(struct genode_ioport_op, value) == 4);
static_assert(sizeof(struct genode_ioport_batch) == 24);
static_assert(offsetof(struct genode_ioport_batch, ops) == 8);
static_assert(offsetof(struct genode_ioport_batch, count) == 16);
static_assert(sizeof(struct genode_ioport_info) == 24);
static_assert(offsetof(struct genode_ioport_info, attrs) == 16);

/* DMA buffers */
static_assert(sizeof(struct genode_dma_alloc) == 48);
static_assert(offsetof(struct genode_dma_alloc, cache) == 16);
static_assert(offsetof(struct genode_dma_alloc, fd) == 24);
static_assert(offsetof(struct genode_dma_alloc, bus_addr) == 32);
static_assert(offsetof(struct genode_dma_alloc, phys_addr) == 40);
static_assert(sizeof(struct genode_dma_quota) == 24);
static_assert(sizeof(struct genode_dma_info) == 40);
static_assert(offsetof(struct genode_dma_info, bus_addr) == 24);
static_assert(sizeof(struct genode_dma_sync) == 32);
static_assert(offsetof(struct genode_dma_sync, direction) == 24);

#endif /* _GENODE_DEV_UAPI_H */
