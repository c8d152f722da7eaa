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

/*
 * Signal an eventfd once.  eventfd_signal() took a count until 6.8, and
 * returned it; now it takes only the context and returns nothing.
 * (irq.c; the same definition as on the compat.h branch.)
 */
#ifdef GENODE_HAVE_EVENTFD_SIGNAL_NOCOUNT
#define genode_eventfd_signal(ctx)	eventfd_signal(ctx)
#else
#define genode_eventfd_signal(ctx)	((void)eventfd_signal((ctx), 1))
#endif

#endif /* _GENODE_COMPAT_H */
