/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels genode.ko supports
 *
 * Force-included into each object by Kbuild.  The GENODE_HAVE_* macros come
 * from the header probes in compat/probe.sh; the .c files use only the
 * names defined here and never test a kernel version themselves.
 *
 * The oldest supported kernel, 6.1, is enforced by Kbuild and dkms.conf.
 */
#ifndef _GENODE_COMPAT_H
#define _GENODE_COMPAT_H

#endif /* _GENODE_COMPAT_H */
