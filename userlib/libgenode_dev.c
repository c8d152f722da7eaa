// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libgenode_dev - a small C library over the /dev/genode ioctl ABI
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libgenode_dev.h"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int genode_session_open(const char *path)
{
	int fd = open(path ? path : GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

int genode_close(int fd)
{
	return close(fd) ? neg_errno() : 0;
}

int genode_query_info(int session, uint32_t *abi_version, uint64_t *features)
{
	struct genode_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (ioctl(session, GENODE_INFO, &info))
		return neg_errno();
	if (abi_version)
		*abi_version = info.abi_version;
	if (features)
		*features = info.features;
	return 0;
}
