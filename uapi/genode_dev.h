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

#endif /* _UAPI_GENODE_DEV_H */
