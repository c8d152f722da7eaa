/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the tests of PCI claims and IO memory (QEMU's edu). */
#ifndef GENODE_PCI_UTIL_H
#define GENODE_PCI_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "genode_dev.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

#define SYSFS_PCI "/sys/bus/pci/devices"
#define SYSFS_GENODE "/sys/class/misc/genode"

struct pci_addr {
	unsigned int domain, bus, devfn;
	char name[32];		/* 0000:00:01.0 */
	char dir[96];		/* /sys/bus/pci/devices/0000:00:01.0 */
};

static inline void pci_addr_set(struct pci_addr *a, unsigned int domain,
				unsigned int bus, unsigned int devfn)
{
	a->domain = domain;
	a->bus = bus;
	a->devfn = devfn;
	snprintf(a->name, sizeof(a->name), "%04x:%02x:%02x.%x", domain, bus,
		 devfn >> 3, devfn & 7);
	snprintf(a->dir, sizeof(a->dir), SYSFS_PCI "/%s", a->name);
}

/* A whole small sysfs file into buf (NUL-terminated, newline cut). */
static inline int sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static inline int sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline unsigned long sysfs_hex(const char *dir, const char *name)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (sysfs_read(path, buf, sizeof(buf)))
		return ~0ul;
	return strtoul(buf, NULL, 16);
}

/* The name of the driver bound to the function, "" if none. */
static inline void pci_driver_of(const struct pci_addr *a, char *buf,
				 size_t len)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", a->dir);
	n = readlink(path, link, sizeof(link) - 1);
	buf[0] = '\0';
	if (n > 0) {
		link[n] = '\0';
		snprintf(buf, len, "%s", strrchr(link, '/') + 1);
	}
}

static inline void pci_override_of(const struct pci_addr *a, char *buf,
				   size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/driver_override", a->dir);
	if (sysfs_read(path, buf, len))
		snprintf(buf, len, "?");
}

/* The index'th function with these ids, in address order; 0 or -ENODEV. */
static inline int pci_find(unsigned int vendor, unsigned int device,
			   unsigned int index, struct pci_addr *a)
{
	struct dirent **names;
	unsigned int d, b, s, f, found = 0;
	char dir[300];
	int n, i, ret = -ENODEV;

	n = scandir(SYSFS_PCI, &names, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), SYSFS_PCI "/%s", names[i]->d_name);
		if (ret && sscanf(names[i]->d_name, "%x:%x:%x.%x", &d, &b, &s, &f) == 4 &&
		    sysfs_hex(dir, "vendor") == vendor &&
		    sysfs_hex(dir, "device") == device && found++ == index) {
			pci_addr_set(a, d, b, s << 3 | f);
			ret = 0;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* The first function of a base class (class_code >> 16), 0 or -ENODEV. */
static inline int pci_find_class(unsigned int class_code, unsigned int mask,
				 struct pci_addr *a)
{
	struct dirent **names;
	unsigned int d, b, s, f;
	char dir[300];
	int n, i, ret = -ENODEV;

	n = scandir(SYSFS_PCI, &names, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), SYSFS_PCI "/%s", names[i]->d_name);
		if (ret && sscanf(names[i]->d_name, "%x:%x:%x.%x", &d, &b, &s, &f) == 4 &&
		    (sysfs_hex(dir, "class") & mask) == class_code) {
			pci_addr_set(a, d, b, s << 3 | f);
			ret = 0;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* GENODE_PCI_CLAIM: the device fd, or -errno. */
static inline int pci_claim(int session, const struct pci_addr *a)
{
	struct genode_pci_claim c = {
		.argsz = sizeof(c),
		.domain = a->domain,
		.bus = a->bus,
		.devfn = a->devfn,
		.fd = -1,
	};

	if (ioctl(session, GENODE_PCI_CLAIM, &c))
		return -errno;
	return c.fd;
}

/* Config space through the device fd: the value, or -errno. */
static inline long pci_cfg_read(int dev, unsigned int offset,
				unsigned int width)
{
	struct genode_pci_config c = {
		.argsz = sizeof(c),
		.offset = offset,
		.width = width,
	};

	if (ioctl(dev, GENODE_PCI_CONFIG_READ, &c))
		return -errno;
	return c.value;
}

static inline int pci_cfg_write(int dev, unsigned int offset,
				unsigned int width, unsigned int value)
{
	struct genode_pci_config c = {
		.argsz = sizeof(c),
		.offset = offset,
		.width = width,
		.value = value,
	};

	return ioctl(dev, GENODE_PCI_CONFIG_WRITE, &c) ? -errno : 0;
}

static inline int pci_bus_master(int dev, unsigned int enable)
{
	struct genode_pci_bus_master c = {
		.argsz = sizeof(c),
		.enable = enable,
	};

	return ioctl(dev, GENODE_PCI_BUS_MASTER, &c) ? -errno : 0;
}

/* The first len bytes of the function's config space, read through sysfs. */
static inline int pci_sysfs_config(const struct pci_addr *a, void *buf,
				   size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/config", a->dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, 0);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* Drop CAP_SYS_RAWIO from the effective set of the calling process. */
static inline int drop_cap_sys_rawio(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[0].effective &= ~(1u << CAP_SYS_RAWIO);
	d[0].permitted &= ~(1u << CAP_SYS_RAWIO);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Send fd over a UNIX socket. */
static inline int send_fd(int sock, int fd)
{
	char c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
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
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static inline int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
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
	int fd;

	if (recvmsg(sock, &m, 0) != 1)
		return -errno;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

#endif
