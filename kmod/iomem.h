/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iomem.h - IO-memory regions
 */
#ifndef _GENODE_IOMEM_H
#define _GENODE_IOMEM_H

struct genode_ucmd;

/* GENODE_IOMEM_REQUEST on a session. */
int genode_iomem_request(struct genode_ucmd *ucmd);

#endif /* _GENODE_IOMEM_H */
