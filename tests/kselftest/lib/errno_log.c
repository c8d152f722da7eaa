// SPDX-License-Identifier: GPL-2.0
/*
 * Which errno each /dev/genode ioctl returned to the tests.  Every test
 * program is linked with -Wl,--wrap=ioctl, so that each ioctl it makes,
 * directly or through libgenode_dev, comes here first.  When the
 * environment names a log (GENODE_TEST_ERRNO_LOG, set by the VM's init),
 * each failed ioctl of the genode ABI on an fd of the module appends one
 * line "program command errno" to it, e.g. "dma_test 0x60 ENOMEM", the
 * first time a process sees that pair.  scripts/errno-coverage.py compares
 * the logs of all boots with the errnos the uapi header lists.
 *
 * What is not the module's answer is not logged: an fd that is not open
 * (EBADF from the VFS) and an fd that is not the module's (ENOTTY from
 * another file).  The log is opened once, at a high fd number, so that a
 * test that runs out of fds (EMFILE) still gets its errors logged and a
 * test's own fd numbers do not change; a test that closes it, or puts
 * something else there, loses its later lines rather than writing into the
 * wrong file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "genode_dev.h"

/* the module's pseudo file system, of its resource fds (kmod/resource.c) */
#define GENODE_FS_MAGIC	0x47656e64

/* where the log fd goes: above what any test opens */
#define LOG_FD_MIN	900

static int log_fd = -1;
static struct stat log_st;
static dev_t genode_rdev;
/* one bit per (command number, errno) this process logged already */
static unsigned long seen[256 * 256 / (8 * sizeof(unsigned long))];

__attribute__((constructor)) static void errno_log_open(void)
{
	const char *path = getenv("GENODE_TEST_ERRNO_LOG");
	struct stat st;
	int fd;

	if (!path || !*path)
		return;
	if (stat(GENODE_DEV_PATH, &st) == 0)
		genode_rdev = st.st_rdev;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	log_fd = fcntl(fd, F_DUPFD_CLOEXEC, LOG_FD_MIN);
	close(fd);
	if (log_fd >= 0 && fstat(log_fd, &log_st)) {
		close(log_fd);
		log_fd = -1;
	}
}

/* the fd is the module's: /dev/genode or a resource fd */
static int genode_fd(int fd)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	if (S_ISCHR(st.st_mode))
		return genode_rdev && st.st_rdev == genode_rdev;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == GENODE_FS_MAGIC;
}

static void errno_log(int fd, unsigned long cmd, int err)
{
	unsigned int nr = _IOC_NR(cmd), bit = nr * 256 + (unsigned int)err;
	const unsigned int bits = 8 * sizeof(seen[0]);
	unsigned long mask = 1UL << (bit % bits), old;
	const char *name;
	struct stat st;
	char line[128];
	ssize_t n = 0;
	int len;

	if (err <= 0 || err > 255)
		return;
	/* a pair logged already costs no system call */
	if (__atomic_load_n(&seen[bit / bits], __ATOMIC_RELAXED) & mask)
		return;
	if (!genode_fd(fd))
		return;
	/* the log fd is still the file opened at start */
	if (fstat(log_fd, &st) || st.st_dev != log_st.st_dev ||
	    st.st_ino != log_st.st_ino)
		return;
	old = __atomic_fetch_or(&seen[bit / bits], mask, __ATOMIC_RELAXED);
	if (old & mask)
		return;
	name = strerrorname_np(err);
	len = snprintf(line, sizeof(line), "%s 0x%02x %s\n",
		       program_invocation_short_name, nr, name ? name : "E?");
	if (len > 0 && (size_t)len < sizeof(line))
		n = write(log_fd, line, len);
	(void)n;
}

int __real_ioctl(int fd, unsigned long cmd, ...);

int __wrap_ioctl(int fd, unsigned long cmd, ...)
{
	va_list ap;
	void *arg;
	int ret, err;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	ret = __real_ioctl(fd, cmd, arg);
	if (ret == -1 && log_fd >= 0 && _IOC_TYPE(cmd) == GENODE_IOCTL_TYPE) {
		err = errno;
		errno_log(fd, cmd, err);
		errno = err;
	}
	return ret;
}
