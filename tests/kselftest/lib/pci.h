/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI functions: found in sysfs, their drivers, claimed through a session,
 * their config space and bus mastering through the device fd (by
 * libgenode_dev).  Every
 * function returns 0 or a value, or a negative errno, and prints nothing.
 */
#ifndef GENODE_TEST_PCI_H
#define GENODE_TEST_PCI_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "genode_dev.h"
#include "libgenode_dev.h"
#include "sysfs.h"

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

/*
 * The name of the driver bound to the function into buf: 0, or -errno
 * with buf "" (no driver: -ENOENT).
 */
static inline int pci_driver_of(const struct pci_addr *a, char *buf,
				size_t len)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", a->dir);
	n = readlink(path, link, sizeof(link) - 1);
	buf[0] = '\0';
	if (n < 0)
		return -errno;
	link[n] = '\0';
	snprintf(buf, len, "%s", strrchr(link, '/') + 1);
	return 0;
}

/* The function's driver_override into buf: 0, or -errno with buf "?". */
static inline int pci_override_of(const struct pci_addr *a, char *buf,
				  size_t len)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/driver_override", a->dir);
	ret = sysfs_read(path, buf, len);
	if (ret)
		snprintf(buf, len, "?");
	return ret;
}

/*
 * Bind the function to drv through driver_override and drivers_probe:
 * 0, or -errno (-ENODEV: drv did not take it).
 */
static inline int pci_bind(const struct pci_addr *a, const char *drv)
{
	char path[160], cur[64];
	int ret;

	snprintf(path, sizeof(path), "%s/driver_override", a->dir);
	ret = sysfs_write(path, drv);
	if (ret)
		return ret;
	sysfs_write("/sys/bus/pci/drivers_probe", a->name);
	pci_driver_of(a, cur, sizeof(cur));
	return strcmp(cur, drv) ? -ENODEV : 0;
}

/* Unbind the function from its driver, if any, and clear driver_override. */
static inline int pci_unbind(const struct pci_addr *a)
{
	char path[160], cur[64];
	int ret = 0, ret2;

	if (!pci_driver_of(a, cur, sizeof(cur))) {
		snprintf(path, sizeof(path), "%s/driver/unbind", a->dir);
		ret = sysfs_write(path, a->name);
	}
	snprintf(path, sizeof(path), "%s/driver_override", a->dir);
	ret2 = sysfs_write(path, "\n");
	return ret ? ret : ret2;
}

/*
 * The index'th function whose vendor, device and class (masked) match, in
 * address order: 0 and its address, or -ENODEV.
 */
static inline int pci_scan(unsigned int vendor, unsigned int device,
			   unsigned int class_code, unsigned int class_mask,
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
		    (vendor == ~0u || sysfs_hex(dir, "vendor") == vendor) &&
		    (device == ~0u || sysfs_hex(dir, "device") == device) &&
		    (sysfs_hex(dir, "class") & class_mask) == class_code &&
		    found++ == index) {
			pci_addr_set(a, d, b, s << 3 | f);
			ret = 0;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* The index'th function with these ids, in address order; 0 or -ENODEV. */
static inline int pci_find(unsigned int vendor, unsigned int device,
			   unsigned int index, struct pci_addr *a)
{
	return pci_scan(vendor, device, 0, 0, index, a);
}

/* The first function whose class, masked, is class_code; 0 or -ENODEV. */
static inline int pci_find_class(unsigned int class_code, unsigned int mask,
				 struct pci_addr *a)
{
	return pci_scan(~0u, ~0u, class_code, mask, 0, a);
}

/* GENODE_PCI_CLAIM: the device fd, or -errno. */
/*
 * The flags of function a in the module's list (GENODE_PCI_FUNCTION_*),
 * -ENOENT if it is not in it, or -errno.
 */
static inline int pci_list_flags(int session, const struct pci_addr *a)
{
	struct genode_pci_function fns[64];
	long n = genode_pci_list(session, fns, 64), i;

	if (n < 0)
		return n;
	for (i = 0; i < n && i < 64; i++) {
		if (fns[i].domain == a->domain && fns[i].bus == a->bus &&
		    fns[i].devfn == a->devfn)
			return fns[i].flags;
	}
	return -ENOENT;
}

static inline int pci_claim(int session, const struct pci_addr *a)
{
	return genode_pci_claim(session, a->domain, a->bus, a->devfn);
}

/* GENODE_PCI_INFO's caps (GENODE_PCI_CAP_*) of a device fd, or 0. */
static inline uint32_t pci_caps(int dev)
{
	struct genode_pci_info info;

	return genode_pci_query_info(dev, &info) ? 0 : info.caps;
}

/* An IOMMU translates the device's bus addresses (GENODE_PCI_CAP_IOMMU). */
static inline bool pci_translated(int dev)
{
	return pci_caps(dev) & GENODE_PCI_CAP_IOMMU;
}

/* Config space through the device fd: the value, or -errno. */
static inline long pci_cfg_read(int dev, unsigned int offset,
				unsigned int width)
{
	uint32_t v;
	int ret = genode_pci_config_read(dev, offset, width, &v);

	return ret ? ret : (long)v;
}

static inline int pci_cfg_write(int dev, unsigned int offset,
				unsigned int width, unsigned int value)
{
	return genode_pci_config_write(dev, offset, width, value);
}

/*
 * GENODE_PCI_BUS_MASTER with enable as given (genode_pci_set_bus_master()
 * makes any nonzero value 1; the tests also pass what the ABI refuses).
 */
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
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

/* Does the function decode memory (PCI_COMMAND_MEMORY, as sysfs shows)? 1, 0 or -errno. */
static inline int pci_decodes_memory(const struct pci_addr *a)
{
	unsigned char cfg[PCI_COMMAND + 2];
	int ret = pci_sysfs_config(a, cfg, sizeof(cfg));

	if (ret)
		return ret;
	return !!(cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY);
}

#define PCI_DEBUGFS_QUARANTINE	"/sys/kernel/debug/genode/quarantine"

/*
 * End the quarantine of the DMA memory of a function without a reset
 * (kmod/dma.c), as its administrator may once its transfers are done, so
 * that it does not pile up over a run: 0, or -errno (-ENOENT: no debugfs).
 */
static inline int pci_end_quarantine(const struct pci_addr *a)
{
	return sysfs_write(PCI_DEBUGFS_QUARANTINE, a->name);
}

#endif
