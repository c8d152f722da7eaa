/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq.h - IRQ fds: interrupts delivered to user space
 */
#ifndef _GENODE_IRQ_H
#define _GENODE_IRQ_H

struct genode_ucmd;

/* GENODE_IRQ_REQUEST on a session fd. */
int genode_irq_request(struct genode_ucmd *ucmd);

#endif /* _GENODE_IRQ_H */
