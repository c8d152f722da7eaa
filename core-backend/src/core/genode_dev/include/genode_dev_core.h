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
	 *          missing, core may not open it, or the module speaks
	 *          another ABI version (-EPROTO)
	 */
	int session();

	/**
	 * GENODE_INFO as the module answered it once, all 0 without a session
	 */
	genode_info const &info();

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

	/*
	 * Constants of <linux/memfd.h> and <linux/fcntl.h>, whose definitions
	 * clash with the C library's <fcntl.h> that core includes
	 */
	enum {
		MEMFD_CLOEXEC       = 0x1,
		MEMFD_ALLOW_SEALING = 0x2,
		FCNTL_DUPFD_CLOEXEC = 1030,
		FCNTL_ADD_SEALS     = 1033,
		SEAL_SEAL           = 0x1,
		SEAL_SHRINK         = 0x2,
		SEAL_GROW           = 0x4,
		SEAL_WRITE          = 0x8,
	};

	/**
	 * A memfd of size bytes that holds content (of length bytes)
	 *
	 * \param sealed  no process may change it (a ROM)
	 * 
eturn        the fd, or a negative errno
	 */
	inline int memfd(char const *name, void const *content, size_t length,
	                 size_t size, bool sealed)
	{
		int const fd = (int)lx_syscall(SYS_memfd_create, name,
		                               MEMFD_CLOEXEC | (sealed ? MEMFD_ALLOW_SEALING : 0));
		if (fd < 0)
			return fd;

		long ret = lx_syscall(SYS_ftruncate, fd, size);
		if (ret == 0 && length)
			ret = lx_syscall(SYS_pwrite64, fd, content, length, 0);
		if (ret >= 0 && sealed)
			ret = lx_syscall(SYS_fcntl, fd, FCNTL_ADD_SEALS,
			                 SEAL_SEAL | SEAL_SHRINK | SEAL_GROW | SEAL_WRITE);
		if (ret < 0) {
			close(fd);
			return (int)ret;
		}
		return fd;
	}

	/**
	 * Another fd of the same open file (close-on-exec)
	 */
	inline int dup(int fd)
	{
		return (int)lx_syscall(SYS_fcntl, fd, FCNTL_DUPFD_CLOEXEC, 0);
	}
} }

#endif /* _CORE__INCLUDE__GENODE_DEV_CORE_H_ */
