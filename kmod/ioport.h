/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioport.h - x86 IO-port ranges as resource fds
 */
#ifndef _GENODE_IOPORT_H
#define _GENODE_IOPORT_H

struct genode_ucmd;

/* GENODE_IOPORT_REQUEST on a session fd. */
int genode_ioport_request(struct genode_ucmd *ucmd);

#endif /* _GENODE_IOPORT_H */
