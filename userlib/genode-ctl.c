// SPDX-License-Identifier: GPL-2.0
/*
 * genode-ctl - look at /dev/genode from the command line
 *
 *   genode-ctl info           the module's ABI version and features, and
 *                             the platform facts (ACPI, boot framebuffer)
 *   genode-ctl status         open sessions and live resources
 *   genode-ctl devices        PCI functions (endpoints): ids, class, the
 *                             driver bound, and whether a claim can take it
 *   genode-ctl allow          the administrator's allow list
 *   genode-ctl allow LIST     set it (root), e.g. io:0x40-0x43,io:0x61
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libgenode_dev.h"

#define SYSFS_PCI	"/sys/bus/pci/devices"
#define SYSFS_MISC	"/sys/class/misc/genode"
#define SYSFS_ALLOW	"/sys/module/genode/parameters/allow"

static int usage(void)
{
	fprintf(stderr,
		"usage: genode-ctl info\n"
		"       genode-ctl status\n"
		"       genode-ctl devices\n"
		"       genode-ctl allow [LIST]\n");
	return 2;
}

/* A small sysfs file into buf, newline cut; 0 or -errno. */
static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* The platform facts, as far as the module has them and tells the caller. */
static void print_platform(int fd)
{
	static const char *const bits[] = {
		"msi", "iommu", "intr_remap", "acpi", "fb", "withheld",
	};
	struct genode_info i;
	unsigned int b;

	if (genode_query_platform(fd, &i))
		return;
	printf("platform");
	for (b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
		if (i.platform & (1ull << b))
			printf(" %s", bits[b]);
	printf("\n");
	if (i.platform & GENODE_PLATFORM_ACPI)
		printf("acpi rsdp 0x%" PRIx64 " revision %u rsdt 0x%" PRIx64
		       " xsdt 0x%" PRIx64 "\n", (uint64_t)i.acpi_rsdp,
		       i.acpi_revision, (uint64_t)i.acpi_rsdt,
		       (uint64_t)i.acpi_xsdt);
	if (i.platform & GENODE_PLATFORM_FB)
		printf("framebuffer %s %" PRIu32 "x%" PRIu32 "x%u pitch %" PRIu32
		       " at 0x%" PRIx64 " size 0x%" PRIx64 "\n",
		       i.fb_kind == GENODE_FB_EFI ? "efi" : "vesa",
		       i.fb_width, i.fb_height, i.fb_bpp, i.fb_pitch,
		       (uint64_t)i.fb_base, (uint64_t)i.fb_size);
}

static int cmd_info(void)
{
	uint32_t version;
	uint64_t features;
	int fd, ret;

	fd = genode_session_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "genode-ctl: %s: %s\n", GENODE_DEV_PATH,
			strerror(-fd));
		return 1;
	}
	ret = genode_query_info(fd, &version, &features);
	if (ret) {
		genode_close(fd);
		fprintf(stderr, "genode-ctl: info: %s\n", strerror(-ret));
		return 1;
	}
	printf("abi_version %" PRIu32 "\nfeatures 0x%" PRIx64 "\n", version,
	       features);
	print_platform(fd);
	genode_close(fd);
	return 0;
}

static int cmd_status(void)
{
	char sessions[32], resources[32];
	int ret;

	ret = read_file(SYSFS_MISC "/sessions", sessions, sizeof(sessions));
	if (!ret)
		ret = read_file(SYSFS_MISC "/resources", resources,
				sizeof(resources));
	if (ret) {
		fprintf(stderr, "genode-ctl: %s: %s (module not loaded?)\n",
			SYSFS_MISC, strerror(-ret));
		return 1;
	}
	printf("sessions %s\nresources %s\n", sessions, resources);
	return 0;
}

/*
 * One line per PCI endpoint: address, vendor:device, class, the driver
 * bound ("-" for none), and whether GENODE_PCI_CLAIM can take it:
 * "claimable" (no driver, no foreign driver_override: with
 * CAP_SYS_RAWIO), "genode" (bound to the module: claimed by a session, or
 * assigned by the administrator, so any session may claim it), "busy"
 * (another driver holds it or is reserved for it), "platform" (a bridge
 * or an IOMMU: never claimable).
 */
static int cmd_devices(void)
{
	struct dirent **names;
	int n, i;

	n = scandir(SYSFS_PCI, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "genode-ctl: %s: %s\n", SYSFS_PCI,
			strerror(errno));
		return 1;
	}
	printf("%-13s %-9s %-6s %-12s %s\n", "ADDRESS", "ID", "CLASS",
	       "DRIVER", "STATE");
	for (i = 0; i < n; i++) {
		char path[512], link[512], vendor[16], device[16], class[16];
		char override[64], header[8], driver[64] = "-";
		const char *state;
		ssize_t len;

		if (names[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/vendor",
			 names[i]->d_name);
		if (read_file(path, vendor, sizeof(vendor)))
			goto next;
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/device",
			 names[i]->d_name);
		if (read_file(path, device, sizeof(device)))
			goto next;
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/class",
			 names[i]->d_name);
		if (read_file(path, class, sizeof(class)))
			goto next;
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/driver_override",
			 names[i]->d_name);
		if (read_file(path, override, sizeof(override)))
			snprintf(override, sizeof(override), "(null)");
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/driver",
			 names[i]->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			snprintf(driver, sizeof(driver), "%s",
				 strrchr(link, '/') + 1);
		}
		/* config space byte 0x0e: the header type (0: endpoint) */
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/config",
			 names[i]->d_name);
		header[0] = 0;
		{
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd >= 0) {
				if (pread(fd, header, 1, 0x0e) != 1)
					header[0] = 0;
				close(fd);
			}
		}

		/* class 0x06xxxx: bridges; 0x0806xx: IOMMUs */
		if ((header[0] & 0x7f) != 0 || !strncmp(class, "0x06", 4) ||
		    !strncmp(class, "0x0806", 6))
			state = "platform";
		else if (!strcmp(driver, "genode"))
			state = "genode";
		else if (strcmp(driver, "-") ||
			 (strcmp(override, "(null)") &&
			  strcmp(override, "genode")))
			state = "busy";
		else
			state = "claimable";
		printf("%-13s %.4s:%.4s %.6s %-12s %s\n", names[i]->d_name,
		       vendor + 2, device + 2, class + 2, driver, state);
next:
		free(names[i]);
	}
	free(names);
	return 0;
}

static int cmd_allow(const char *list)
{
	char buf[4096];
	int fd, ret;

	if (!list) {
		ret = read_file(SYSFS_ALLOW, buf, sizeof(buf));
		if (ret) {
			fprintf(stderr, "genode-ctl: %s: %s\n", SYSFS_ALLOW,
				strerror(-ret));
			return 1;
		}
		printf("%s\n", buf[0] ? buf : "(empty)");
		return 0;
	}
	fd = open(SYSFS_ALLOW, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, list, strlen(list)) < 0) {
		fprintf(stderr, "genode-ctl: allow %s: %s\n", list,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "info"))
		return cmd_info();
	if (argc == 2 && !strcmp(argv[1], "status"))
		return cmd_status();
	if (argc == 2 && !strcmp(argv[1], "devices"))
		return cmd_devices();
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "allow"))
		return cmd_allow(argc == 3 ? argv[2] : NULL);
	return usage();
}
