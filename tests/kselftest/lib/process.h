/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes: passing fds over UNIX sockets (SCM_RIGHTS), CAP_SYS_RAWIO,
 * groups, running a function in a child, killing one, and memory
 * cgroups.  Every function
 * returns 0 or a value, or a negative errno, and prints nothing.
 */
#ifndef GENODE_TEST_PROCESS_H
#define GENODE_TEST_PROCESS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

/* One message of len bytes, with fd attached unless it is negative. */
static inline int send_msg_fd(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	n = sendmsg(sock, &m, MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EPROTO;
}

/*
 * One message of exactly len bytes; *fd (if fd is not NULL) gets the fd
 * passed with it (close-on-exec), or -1.
 */
static inline int recv_msg_fd(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	if (fd)
		*fd = -1;
	n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EPROTO;
	cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_RIGHTS && fd)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}

/* Send fd alone (with one byte). */
static inline int send_fd(int sock, int fd)
{
	char c = 'f';

	return send_msg_fd(sock, &c, 1, fd);
}

/* The fd that send_fd() sent, or -errno (-EPROTO: none came). */
static inline int recv_fd(int sock)
{
	int ret, fd;
	char c;

	ret = recv_msg_fd(sock, &c, 1, &fd);
	if (ret)
		return ret;
	return fd < 0 ? -EPROTO : fd;
}

static inline int caps_get(struct __user_cap_header_struct *h,
			   struct __user_cap_data_struct d[2])
{
	h->version = _LINUX_CAPABILITY_VERSION_3;
	h->pid = 0;
	return syscall(SYS_capget, h, d) ? -errno : 0;
}

/* Drop capability cap from the effective and permitted sets of the caller. */
static inline int drop_cap(unsigned int cap)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	int ret = caps_get(&h, d);

	if (ret)
		return ret;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	d[cap / 32].permitted &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

static inline int drop_cap_sys_rawio(void)
{
	return drop_cap(CAP_SYS_RAWIO);
}

/* The caller's locked memory (VmLck in /proc/self/status) in KiB, or -errno. */
static inline long vm_locked_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kib = -ENOENT;

	if (!f)
		return -errno;
	while (kib < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kib) != 1)
			kib = -ENOENT;
	fclose(f);
	return kib;
}

/* Is CAP_SYS_RAWIO effective?  1, 0 or -errno. */
static inline int has_cap_sys_rawio(void)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	int ret = caps_get(&h, d);

	if (ret)
		return ret;
	return !!(d[CAP_SYS_RAWIO / 32].effective &
		  (1u << (CAP_SYS_RAWIO % 32)));
}

/* The gid of name in /etc/group (no NSS in a static binary), or -errno. */
static inline long group_gid(const char *name)
{
	FILE *f = fopen("/etc/group", "r");
	char line[256];
	long gid = -ENOENT;

	if (!f)
		return -errno;
	while (gid < 0 && fgets(line, sizeof(line), f)) {
		char *gr_name = strtok(line, ":");
		char *gid_str;

		strtok(NULL, ":");
		gid_str = strtok(NULL, ":");
		if (gr_name && gid_str && !strcmp(gr_name, name))
			gid = strtol(gid_str, NULL, 10);
	}
	fclose(f);
	return gid;
}

/*
 * Use up the caller's fd table: RLIMIT_NOFILE lowered to just above the
 * lowest free fd, and every fd left under it taken by a dup into fds[]
 * (at most max).  *old gets the limit for fds_give_back().  Returns how
 * many fds it took (so that the next new fd is EMFILE), or -errno.
 */
static inline int fds_use_up(int *fds, int max, struct rlimit *old)
{
	struct rlimit low;
	int fd, n = 0;

	if (getrlimit(RLIMIT_NOFILE, old))
		return -errno;
	fd = dup(0);
	if (fd < 0)
		return -errno;
	close(fd);
	low = *old;
	low.rlim_cur = fd + 1;
	if (setrlimit(RLIMIT_NOFILE, &low))
		return -errno;
	while (n < max && (fd = dup(0)) >= 0)
		fds[n++] = fd;
	if (fd >= 0)
		return -ENOSPC;	/* more free fds than fds[] holds */
	return errno == EMFILE ? n : -errno;
}

/* Undo fds_use_up(): close the n fds, restore the limit.  0 or -errno. */
static inline int fds_give_back(int *fds, int n, const struct rlimit *old)
{
	while (n > 0)
		close(fds[--n]);
	return setrlimit(RLIMIT_NOFILE, old) ? -errno : 0;
}

/* Run fn(arg) in a child that exits with its result: its wait status, or -errno. */
static inline int run_in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return status;
}

/* SIGKILL the child pid and reap it: 0 when SIGKILL ended it, or -errno. */
static inline int child_kill(pid_t pid)
{
	int status;

	if (kill(pid, SIGKILL))
		return -errno;
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : -ECHILD;
}

#define MEMCG_ROOT "/sys/fs/cgroup"

/*
 * An empty memory cgroup at path, below MEMCG_ROOT (cgroup2, mounted
 * there if it is not yet; the memory controller enabled for its
 * children): 0; -ENODEV when cgroup2 cannot be mounted, -EOPNOTSUPP
 * without a memory controller (a test skips on both); or -errno.
 */
static inline int memcg_create(const char *path)
{
	struct stat st;
	int fd;

	if (stat(MEMCG_ROOT "/cgroup.controllers", &st)) {
		mkdir(MEMCG_ROOT, 0755);
		if (mount("cgroup2", MEMCG_ROOT, "cgroup2", 0, NULL))
			return -ENODEV;
	}
	fd = open(MEMCG_ROOT "/cgroup.subtree_control", O_WRONLY);
	if (fd < 0)
		return -EOPNOTSUPP;
	if (write(fd, "+memory", 7) != 7) {
		close(fd);
		return -EOPNOTSUPP;
	}
	close(fd);
	rmdir(path);
	return mkdir(path, 0755) ? -errno : 0;
}

#endif
