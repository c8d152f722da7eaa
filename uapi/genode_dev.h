/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * genode_dev.h - the ioctl ABI of /dev/genode
 *
 * /dev/genode lets Genode's core, running on Linux, hand real hardware to
 * user-level device drivers.  This header is the single source of truth for
 * the kernel module and every user-space client.
 *
 * Conventions (Documentation/driver-api/ioctl.rst, vfio.h, iommufd.h):
 *
 *  - Every ioctl takes a pointer to a struct that starts with
 *    "__u32 argsz; __u32 flags;".  argsz is the size of the struct as the
 *    caller knows it.  The ioctl numbers are _IO() and do not encode a size,
 *    so a struct may grow at its end without a new number:
 *      - argsz smaller than the first version of the struct: EINVAL;
 *      - argsz larger than the kernel knows: accepted if the extra bytes are
 *        zero, E2BIG otherwise;
 *      - output is copied back only up to argsz.
 *  - Unknown bits in flags and nonzero reserved fields: EINVAL.
 *  - Only fixed-size types, explicit padding, 64-bit fields aligned with
 *    __aligned_u64, addresses as __u64, no enums, no bool.
 *  - Unknown commands: ENOTTY.  A bad user pointer: EFAULT.
 *  - New file descriptors come back in an output field and are O_CLOEXEC.
 *
 * Opening /dev/genode creates a session.  Everything obtained through a
 * session is owned by it.  The device is mode 0600, root only, unless a udev
 * rule hands it to a group.
 *
 * The ioctl type byte 0xB9 is unassigned in
 * Documentation/userspace-api/ioctl/ioctl-number.rst (checked up to 6.18).
 *
 * This header compiles alone with -std=c90 -Wall -Werror.
 */
#ifndef _UAPI_GENODE_DEV_H
#define _UAPI_GENODE_DEV_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define GENODE_DEV_PATH		"/dev/genode"
#define GENODE_IOCTL_TYPE	0xB9

/*
 * The ABI version.  It changes only on an incompatible change, which this
 * project does not plan to make; growth is announced by feature bits.
 */
#define GENODE_ABI_VERSION	1

/**
 * GENODE_INFO - _IO(GENODE_IOCTL_TYPE, 0x00), struct genode_info
 *
 * Report the ABI version and which features this module provides.
 *
 * In:  argsz, flags (must be 0), __reserved (must be 0).
 * Out: abi_version, features (GENODE_FEATURE_* bits).
 *
 * Who may call: any session.
 * Return: 0 on success;
 *  -EINVAL argsz below offsetofend(struct genode_info, features), unknown
 *          flags, or a nonzero reserved field;
 *  -E2BIG  argsz larger than the kernel's struct with nonzero extra bytes;
 *  -EFAULT the argument is not readable or writable.
 */
struct genode_info {
	__u32 argsz;
	__u32 flags;
	__u32 abi_version;
	__u32 __reserved;
	__aligned_u64 features;
};

/*
 * Feature bits of struct genode_info.  Each resource kind announces itself
 * here when the module provides it.
 */
#define GENODE_FEATURE_REVOKE	_BITULL(0)	/* GENODE_REVOKE */

#define GENODE_INFO		_IO(GENODE_IOCTL_TYPE, 0x00)

/**
 * GENODE_REVOKE - _IO(GENODE_IOCTL_TYPE, 0x01), struct genode_revoke
 *
 * Revoke a resource that this session created: every mapping of it in
 * every process is zapped (later accesses fault with SIGBUS), sleepers on
 * it are woken with an error, the hardware is released, and every later
 * operation on any fd of it fails with ENODEV.  Closing the last fd and
 * mapping of a resource revokes it implicitly.
 *
 * In:  argsz, flags (must be 0), fd (a resource fd of the caller),
 *      __reserved (must be 0).
 *
 * Who may call: the session that created the resource.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field, or fd is no genode resource;
 *  -EBADF  fd is not open;
 *  -EPERM  another session created the resource;
 *  -ENODEV the resource was revoked already.
 */
struct genode_revoke {
	__u32 argsz;
	__u32 flags;
	__s32 fd;
	__u32 __reserved;
};

#define GENODE_REVOKE		_IO(GENODE_IOCTL_TYPE, 0x01)

/* ====================================================================== */
/* IO ports (x86)                                                         */
/* ====================================================================== */

#define GENODE_FEATURE_IOPORT	_BITULL(1)	/* GENODE_IOPORT_* */

/*
 * An IO-port resource is a range [base, base + size) of x86 IO ports,
 * held exclusively by the session that requested it.  Its fd gives access
 * to the ports inside the range, and to nothing else:
 *
 *  - pread(fd, buf, len, port) performs an IN of width len at port and
 *    stores the value in host byte order in buf; pwrite(fd, buf, len, port)
 *    performs an OUT of width len with the value in buf.  Both return len.
 *    read() and write() use the file position, which stays 0 (lseek is a
 *    no-op), so use pread and pwrite.
 *  - GENODE_IOPORT_BATCH performs a list of INs and OUTs in one call.
 *  - GENODE_IOPORT_INFO tells a process that received the fd what it is.
 *
 * An access is valid when its width is 1, 2 or 4 bytes, the port is a
 * multiple of the width (natural alignment: registers of real devices are
 * defined that way, and an unaligned access would be split into cycles
 * whose effect depends on the chipset), and all of [port, port + width) lies
 * in the range.  Anything else fails with EINVAL and touches no port.
 * Accesses through one resource are serialized: a batch is not interleaved
 * with other accesses through the same resource.
 *
 * Policy, like ioperm(2):
 *  - requesting a range needs CAP_SYS_RAWIO (checked against the caller of
 *    GENODE_IOPORT_REQUEST) and a kernel that is not locked down for IO
 *    ports (lockdown "integrity" or "confidentiality" refuse it);
 *  - the fd is itself the permission: a process that receives it (fork,
 *    SCM_RIGHTS) may use it without CAP_SYS_RAWIO, which is how Genode's
 *    core hands a port range to a driver component;
 *  - lockdown is checked again on every access, so that raising it cuts
 *    off port access through fds obtained before (ioperm(2) does not).
 *
 * Closing the last fd, or GENODE_REVOKE by the session that requested it,
 * releases the range: later accesses fail with ENODEV, and the range can
 * be requested again.
 */

/**
 * GENODE_IOPORT_REQUEST - _IO(GENODE_IOCTL_TYPE, 0x10),
 *                         struct genode_ioport_request
 *
 * Obtain an IO-port resource fd for the ports [base, base + size).
 *
 * The range must be free: no other resource holds any of it, and no kernel
 * driver has claimed any of it (a busy entry in /proc/ioports), unless the
 * administrator's allow list (module parameter "allow", entries
 * "io:START-END") contains the whole range.  A range nobody holds appears
 * as "genode" in /proc/ioports while the resource lives, which keeps kernel
 * drivers off it.  A range that a kernel driver holds and the allow list
 * permits (the PIT at 0x40-0x43, say) is handed out beside the driver:
 * the kernel's entry stays as it is and none of ours is added;
 * GENODE_IOPORT_INFO reports it with GENODE_IOPORT_ATTR_KERNEL_HELD.
 *
 * In:  argsz, flags (must be 0), base, size, __reserved (must be 0).
 * Out: fd, a new O_CLOEXEC resource fd (on success only).
 *
 * Who may call: a session whose caller has CAP_SYS_RAWIO, when the kernel
 * is not locked down for IO ports.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field; size 0; base past 0xffff;
 *          or base + size - 1 past 0xffff (or overflowing);
 *  -EPERM  the caller lacks CAP_SYS_RAWIO, or the kernel is locked down;
 *  -EBUSY  another resource holds part of the range, or a kernel driver
 *          does (or the range straddles the boundary of a bus window in
 *          /proc/ioports) and the allow list does not contain the range;
 *  -EMFILE no free fd; -ENOMEM; -EFAULT.
 */
struct genode_ioport_request {
	__u32 argsz;
	__u32 flags;
	__u32 base;		/* first port */
	__u32 size;		/* number of ports */
	__s32 fd;		/* out */
	__u32 __reserved;
};

#define GENODE_IOPORT_REQUEST	_IO(GENODE_IOCTL_TYPE, 0x10)

/* One access of a batch. */
struct genode_ioport_op {
	__u16 port;
	__u8 width;		/* 1, 2 or 4 bytes */
	__u8 dir;		/* GENODE_IOPORT_IN or GENODE_IOPORT_OUT */
	__u32 value;		/* OUT: the value; IN: overwritten with it */
};

#define GENODE_IOPORT_IN	0
#define GENODE_IOPORT_OUT	1

/* The most operations one GENODE_IOPORT_BATCH call takes. */
#define GENODE_IOPORT_BATCH_MAX	256

/**
 * GENODE_IOPORT_BATCH - _IO(GENODE_IOCTL_TYPE, 0x11),
 *                       struct genode_ioport_batch, on an IO-port fd
 *
 * Perform count accesses, in order, as described by the array of struct
 * genode_ioport_op at ops.  The whole array is checked before the first
 * access; if any operation is invalid, no port is touched.  The value of
 * each IN operation is written back into its element (zero-extended); OUT
 * elements are left as they are.  If the array is not writable and it
 * holds an IN, the call fails with EFAULT before touching any port.
 *
 * An operation is valid when it is a valid access (see above), dir is
 * GENODE_IOPORT_IN or GENODE_IOPORT_OUT, and the value of an OUT fits its
 * width.
 *
 * In:  argsz, flags (must be 0), ops (a user pointer), count (1 to
 *      GENODE_IOPORT_BATCH_MAX), __reserved (must be 0), and the array.
 * Out: the values of the INs, in the array.
 *
 * Who may call: any holder of the fd, when the kernel is not locked down.
 * Return: 0 on success, after every operation was performed;
 *  -EINVAL bad argsz, flags or reserved field, count 0, or an invalid
 *          operation (nothing was performed);
 *  -E2BIG  count above GENODE_IOPORT_BATCH_MAX;
 *  -EFAULT ops is not readable, or holds an IN and is not writable;
 *  -EPERM  the kernel is locked down for IO ports;
 *  -ENODEV the resource was revoked.
 */
struct genode_ioport_batch {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 ops;	/* struct genode_ioport_op[count] */
	__u32 count;
	__u32 __reserved;
};

#define GENODE_IOPORT_BATCH	_IO(GENODE_IOCTL_TYPE, 0x11)

/**
 * GENODE_IOPORT_INFO - _IO(GENODE_IOCTL_TYPE, 0x12),
 *                      struct genode_ioport_info, on an IO-port fd
 *
 * Report the range of an IO-port fd.
 *
 * In:  argsz, flags (must be 0), __reserved (must be 0).
 * Out: base, size, attrs (GENODE_IOPORT_ATTR_* bits).
 *
 * Who may call: any holder of the fd.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field;
 *  -ENODEV the resource was revoked;
 *  -EFAULT.
 */
struct genode_ioport_info {
	__u32 argsz;
	__u32 flags;
	__u32 base;
	__u32 size;
	__u32 attrs;
	__u32 __reserved;
};

/*
 * A kernel driver holds (part of) the range too; it was handed out because
 * the allow list contains it, and /proc/ioports shows the driver's entry.
 */
#define GENODE_IOPORT_ATTR_KERNEL_HELD	_BITUL(0)

#define GENODE_IOPORT_INFO	_IO(GENODE_IOCTL_TYPE, 0x12)

/* ====================================================================== */
/* DMA buffers                                                            */
/* ====================================================================== */

/*
 * DMA buffers (GENODE_FEATURE_DMA), ioctls 0x60-0x6f
 *
 * A DMA buffer is RAM that a device can reach, handed out as a file
 * descriptor of its own (O_CLOEXEC, passable over SCM_RIGHTS) that the
 * caller mmap()s.  It is
 *  - physically contiguous, except for a device behind an IOMMU, where it
 *    is contiguous in the device's bus address space instead;
 *  - zeroed before it is handed out;
 *  - mapped with the cache attribute asked for, in every user mapping and
 *    in the kernel's own mapping of the memory (x86 PAT), so that no two
 *    mappings of it disagree;
 *  - charged to the session's DMA quota and, where the kernel allows
 *    (buffers up to 4 MiB on x86), to the caller's memory cgroup as
 *    kernel memory; larger buffers come from alloc_contig_range(), which
 *    offers no cgroup charge, and count against the quota only;
 *  - backed by struct pages in every mapping, so a buffer can be the
 *    target of O_DIRECT and of other kernel I/O into user memory;
 *  - freed when the last fd and the last mapping of it are gone (or when
 *    the session that created it revokes it), and never while a device
 *    can still reach it.
 *
 * mmap() of a buffer fd: MAP_SHARED only (EINVAL otherwise), the whole
 * buffer or any page-aligned part of it (EINVAL beyond its end).  After
 * revocation every access through an old mapping faults with SIGBUS.
 *
 * Buffers larger than the buddy allocator's largest block (4 MiB on x86)
 * are taken from a free or movable range of RAM by migrating what is in
 * use there; this needs no CMA, but it can fail with ENOMEM when RAM is
 * fragmented by unmovable allocations, and it can take seconds.
 */
#define GENODE_FEATURE_DMA	_BITULL(5)

/* Cache attributes, Genode's Cache enum. */
#define GENODE_DMA_CACHED		0
#define GENODE_DMA_UNCACHED		1
#define GENODE_DMA_WRITE_COMBINED	2

/*
 * Output flags of struct genode_dma_alloc and struct genode_dma_info.
 *
 * GENODE_DMA_TRANSLATED:    an IOMMU translates the device's accesses;
 *                           bus_addr is an I/O virtual address and the
 *                           physical address is never reported.
 * GENODE_DMA_PHYS_WITHHELD: phys_addr is 0: an IOMMU translates, or the
 *                           caller lacks CAP_SYS_RAWIO.
 * GENODE_DMA_BUS_WITHHELD:  bus_addr is 0: it would be the physical
 *                           address and the caller lacks CAP_SYS_RAWIO.
 */
#define GENODE_DMA_TRANSLATED		_BITUL(0)
#define GENODE_DMA_PHYS_WITHHELD	_BITUL(1)
#define GENODE_DMA_BUS_WITHHELD		_BITUL(2)

/**
 * GENODE_DMA_ALLOC - _IO(GENODE_IOCTL_TYPE, 0x60), struct genode_dma_alloc
 *
 * Allocate a DMA buffer and return an fd for it.
 *
 * In:  argsz; flags (must be 0); size in bytes (rounded up to whole
 *      pages); cache (GENODE_DMA_CACHED, _UNCACHED or _WRITE_COMBINED);
 *      device_fd: -1 for a buffer for no device (its bus address is its
 *      physical address, and no IOMMU maps it), or the fd of a PCI device
 *      that this session has claimed.
 * Out: fd (the buffer, O_CLOEXEC); out_flags (GENODE_DMA_TRANSLATED,
 *      _PHYS_WITHHELD, _BUS_WITHHELD); bus_addr: the address the device
 *      uses for the first byte; phys_addr: the physical address of the
 *      first byte.  Both follow the rules of the output flags: the
 *      physical address goes only to a caller with CAP_SYS_RAWIO and
 *      never where an IOMMU translates.
 *
 * The buffer counts against the session's DMA quota until it is freed.
 * The quota is the module parameter dma_quota_mb (MiB) as it was when the
 * session was opened (GENODE_DMA_QUOTA reports it).
 *
 * Who may call: any session.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, unknown flags, size 0, a size that overflows when
 *           rounded up to pages or exceeds the largest file offset,
 *           unknown cache attribute, device_fd open but no PCI device fd;
 *  -EBADF   device_fd is neither -1 nor an open fd;
 *  -EPERM   device_fd is a PCI device that this session does not hold;
 *  -EDQUOT  the buffer would exceed the session's DMA quota;
 *  -ENOMEM  no memory, or no physically contiguous range of the size;
 *  -EINTR   a fatal signal interrupted the search for a large range;
 *  -EMFILE  no free fd;
 *  -EFAULT  the argument is not readable or writable.
 */
struct genode_dma_alloc {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 size;
	__u32 cache;
	__s32 device_fd;
	__s32 fd;
	__u32 out_flags;
	__aligned_u64 bus_addr;
	__aligned_u64 phys_addr;
};

#define GENODE_DMA_ALLOC	_IO(GENODE_IOCTL_TYPE, 0x60)

/**
 * GENODE_DMA_QUOTA - _IO(GENODE_IOCTL_TYPE, 0x61), struct genode_dma_quota
 *
 * Report the session's DMA quota and how much of it its buffers use.
 * Memory is counted in whole pages, from allocation until it is freed.
 *
 * In:  argsz, flags (must be 0).
 * Out: limit and used, in bytes.
 *
 * Who may call: any session.
 * Return: 0 on success; -EINVAL bad argsz or flags; -E2BIG, -EFAULT.
 */
struct genode_dma_quota {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 limit;
	__aligned_u64 used;
};

#define GENODE_DMA_QUOTA	_IO(GENODE_IOCTL_TYPE, 0x61)

/**
 * GENODE_DMA_INFO - _IO(GENODE_IOCTL_TYPE, 0x63), struct genode_dma_info
 *
 * An ioctl on a DMA buffer fd: describe the buffer, for instance to a
 * process that received the fd over a UNIX socket.  The address rules are
 * those of GENODE_DMA_ALLOC, applied to the caller.
 *
 * In:  argsz, flags (must be 0).
 * Out: size (bytes, a multiple of the page size), cache, out_flags,
 *      bus_addr, phys_addr.
 *
 * Who may call: whoever holds the fd.
 * Return: 0 on success; -EINVAL bad argsz or flags; -ENODEV the buffer
 *  was revoked; -E2BIG, -EFAULT.
 */
struct genode_dma_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 size;
	__u32 cache;
	__u32 out_flags;
	__aligned_u64 bus_addr;
	__aligned_u64 phys_addr;
};

#define GENODE_DMA_INFO		_IO(GENODE_IOCTL_TYPE, 0x63)

/* flags of struct genode_dma_sync: exactly one of them */
#define GENODE_DMA_SYNC_FOR_CPU		_BITUL(0)
#define GENODE_DMA_SYNC_FOR_DEVICE	_BITUL(1)

/* direction of struct genode_dma_sync */
#define GENODE_DMA_TO_DEVICE		1
#define GENODE_DMA_FROM_DEVICE		2
#define GENODE_DMA_BIDIRECTIONAL	3

/**
 * GENODE_DMA_SYNC - _IO(GENODE_IOCTL_TYPE, 0x64), struct genode_dma_sync
 *
 * An ioctl on a DMA buffer fd: hand a range of the buffer to the CPU
 * (after the device wrote it) or to the device (after the CPU wrote it),
 * as dma_sync_single_for_cpu()/_for_device() do.  On cache-coherent
 * systems (x86) it has nothing to do; portable drivers call it anyway.
 * A buffer for no device has no device to sync for: the call checks its
 * arguments and does nothing.
 *
 * In:  argsz; flags (GENODE_DMA_SYNC_FOR_CPU or _FOR_DEVICE); offset and
 *      length of the range in bytes; direction (GENODE_DMA_TO_DEVICE,
 *      _FROM_DEVICE, _BIDIRECTIONAL); __reserved (must be 0).
 *
 * Who may call: whoever holds the fd.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, flags, direction or reserved field, length 0, or
 *           a range not inside the buffer;
 *  -ENODEV  the buffer was revoked; -E2BIG, -EFAULT.
 */
struct genode_dma_sync {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 length;
	__u32 direction;
	__u32 __reserved;
};

#define GENODE_DMA_SYNC		_IO(GENODE_IOCTL_TYPE, 0x64)

#endif /* _UAPI_GENODE_DEV_H */
