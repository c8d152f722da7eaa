/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Core's access to /dev/genode (genode-dev)
 * \date   2026-11-21
 *
 * Core has no libc: every call here is a raw system call through
 * lx_syscall, which returns a negative errno on failure.
 */

#ifndef _CORE__INCLUDE__GENODE_DEV_CORE_H_
#define _CORE__INCLUDE__GENODE_DEV_CORE_H_

/* core includes */
#include <types.h>
#include <core_linux_syscalls.h>

/* genode-dev ABI (uapi/genode_dev.h of genode-dev) */
#include <genode_dev.h>

namespace Core { namespace Genode_dev {

	/**
	 * Core's session with /dev/genode, opened on first use
	 *
	 * \return  the session fd, or a negative errno when the module is
	 *          missing or core may not open it
	 */
	int session();

	/**
	 * The module's GENODE_FEATURE_* bits, 0 without a session
	 */
	__u64 features();

	inline int ioctl(int fd, unsigned long cmd, void *arg)
	{
		return (int)lx_syscall(SYS_ioctl, fd, cmd, arg);
	}

	inline int close(int fd) { return (int)lx_syscall(SYS_close, fd); }

	/**
	 * Revoke a resource of core's session: its mappings in every component
	 * are zapped and threads blocking on it are woken with ENODEV
	 */
	inline int revoke(int fd)
	{
		genode_revoke r { };
		r.argsz = sizeof(r);
		r.fd    = fd;
		return ioctl(session(), GENODE_REVOKE, &r);
	}

	/**
	 * Revoke and close a resource fd
	 */
	inline void release(int fd)
	{
		if (fd < 0) return;
		(void)revoke(fd);
		(void)close(fd);
	}
} }

#endif /* _CORE__INCLUDE__GENODE_DEV_CORE_H_ */
