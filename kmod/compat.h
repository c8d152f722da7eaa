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

/* ---- DMA buffers (dma.c) ---- */

/* The largest order the buddy allocator hands out (4 MiB on x86). */
#if defined(GENODE_HAVE_MAX_PAGE_ORDER)
#define GENODE_MAX_BUDDY_ORDER MAX_PAGE_ORDER
#elif defined(GENODE_HAVE_MAX_ORDER_EXCLUSIVE)
#define GENODE_MAX_BUDDY_ORDER (MAX_ORDER - 1)
#else
#define GENODE_MAX_BUDDY_ORDER MAX_ORDER
#endif

/* vm_flags became read-only with helpers in 6.3. */
#ifndef GENODE_HAVE_VM_FLAGS_SET
#define vm_flags_set(vma, flags) ((vma)->vm_flags |= (flags))
#endif

/* ---- end DMA buffers ---- */

#endif /* _GENODE_COMPAT_H */
