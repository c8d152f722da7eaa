/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma.h - DMA buffers
 */
#ifndef _GENODE_DMA_H
#define _GENODE_DMA_H

struct genode_session;
struct genode_ucmd;

/* Module init and exit: the debugfs view of the buffers. */
void genode_dma_init(void);
void genode_dma_exit(void);

/* Set a new session's DMA quota from the module parameter. */
void genode_dma_session_init(struct genode_session *s);

/* Session ioctls. */
int genode_dma_alloc(struct genode_ucmd *ucmd);
int genode_dma_quota(struct genode_ucmd *ucmd);
int genode_dma_set_mask(struct genode_ucmd *ucmd);

#endif /* _GENODE_DMA_H */
