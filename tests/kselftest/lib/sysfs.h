/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs and procfs: small files read and written whole, the module's
 * counters and its allow list, the resource lists of /proc, and the
 * page frames behind a mapping.
 * Every function returns 0 or a value, or a negative errno, and prints
 * nothing.
 */
#ifndef GENODE_TEST_SYSFS_H
#define GENODE_TEST_SYSFS_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mount.h>

#define SYSFS_PCI "/sys/bus/pci/devices"
#define SYSFS_GENODE "/sys/class/misc/genode"
#define GENODE_ALLOW_PARAM "/sys/module/genode/parameters/allow"
#define PAT_MEMTYPE_LIST "/sys/kernel/debug/x86/pat_memtype_list"

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

/* s, in one write(). */
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

/* dir/name as a hexadecimal number, or ~0ul. */
static inline unsigned long sysfs_hex(const char *dir, const char *name)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (sysfs_read(path, buf, sizeof(buf)))
		return ~0ul;
	return strtoul(buf, NULL, 16);
}

/* A file holding one decimal number: the number, or -errno. */
static inline long sysfs_long(const char *path)
{
	char buf[64], *end;
	long v;
	int ret;

	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || errno)
		return -EINVAL;
	return v;
}

/* A "Key: value kB" line of /proc/meminfo, in bytes, or -1. */
static inline long long proc_meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long v = -1;
	size_t n = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = atoll(line + n + 1) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * Bytes on the per-CPU free lists ("count:" of every pageset in
 * /proc/zoneinfo), which MemFree does not include: freed order-0 pages
 * wait there, and alloc_contig_range() drains them into MemFree.
 */
static inline long long proc_pcp_free(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long long pages = 0;
	long v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &v) == 1)
			pages += v;
	fclose(f);
	return pages * sysconf(_SC_PAGESIZE);
}

/* Free memory, with the per-CPU lists. */
static inline long long proc_free_memory(void)
{
	return proc_meminfo("MemFree") + proc_pcp_free();
}

/* The module's counters: open sessions, and resources handed out. */
static inline long genode_sessions(void)
{
	return sysfs_long(SYSFS_GENODE "/sessions");
}

static inline long genode_resources(void)
{
	return sysfs_long(SYSFS_GENODE "/resources");
}

/* The allow list as the module shows it, without the newline. */
static inline int genode_allow_get(char *buf, size_t len)
{
	return sysfs_read(GENODE_ALLOW_PARAM, buf, len);
}

/* Write the allow list as echo does: with a newline, so "" is a write too. */
static inline int genode_allow_set(const char *list)
{
	int fd = open(GENODE_ALLOW_PARAM, O_WRONLY);
	char buf[1024];
	ssize_t n;
	int len;

	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%s\n", list);
	n = write(fd, buf, len);
	close(fd);
	if (n < 0)
		return -errno;
	return n == len ? 0 : -EIO;
}

/*
 * Write a line into the kernel log (/dev/kmsg): for the markers the VM's
 * log check knows ("genode-test: expect DMAR faults begin", "... end").
 * 0 or -errno.
 */
static inline int kmsg_note(const char *s)
{
	return sysfs_write("/dev/kmsg", s);
}

/* Does /proc/ioports hold a line containing what?  1, 0 or -errno. */
static inline int proc_ioports_has(const char *what)
{
	FILE *f = fopen("/proc/ioports", "r");
	char line[256];
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

/*
 * The nth (from 0) range in /proc/iomem whose name is name (at any
 * depth): 0 and [start, end], or -ENOENT (and [0, 0]).
 */
static inline int proc_iomem_nth(const char *name, unsigned int nth,
				 uint64_t *start, uint64_t *end)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256], n[200];
	unsigned long long s, e;
	int ret = -ENOENT;

	*start = *end = 0;
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %llx-%llx : %199[^\n]", &s, &e, n) == 3 &&
		    !strcmp(n, name) && !nth--) {
			*start = s;
			*end = e;
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/* The first range in /proc/iomem whose name is name, as proc_iomem_nth(). */
static inline int proc_iomem_find(const char *name, uint64_t *start,
				  uint64_t *end)
{
	return proc_iomem_nth(name, 0, start, end);
}

/* The interrupt address range: MSI writes, the local APICs' registers */
#define INTR_WINDOW 0xfee00000ull
#define INTR_WINDOW_SIZE (1ull << 20)

/*
 * The first whole page of the next firmware reservation ("Reserved" in
 * /proc/iomem) from *i on that lies above 1 MiB (below, the kernel holds
 * everything) and outside the interrupt address range
 * [0xfee00000, 0xfeefffff]: 0, *page and *i past it, or -ENOENT.
 */
static inline int firmware_reserved_page(unsigned int *i, uint64_t *page)
{
	uint64_t s, e, p;

	for (; !proc_iomem_nth("Reserved", *i, &s, &e); (*i)++) {
		p = (s + 4095) & ~4095ull;
		if (p >= (1 << 20) && p + 4095 <= e &&
		    (p + 4095 < INTR_WINDOW || p >= INTR_WINDOW + INTR_WINDOW_SIZE)) {
			(*i)++;
			*page = p;
			return 0;
		}
	}
	return -ENOENT;
}

/* Is a range in /proc/iomem named name?  1, 0 or -errno. */
static inline int proc_iomem_has(const char *name)
{
	uint64_t start, end;
	int ret = proc_iomem_find(name, &start, &end);

	if (ret == -ENOENT)
		return 0;
	return ret ? ret : 1;
}

/* How many ranges in /proc/iomem are named name, or -errno. */
static inline int proc_iomem_count(const char *name)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256], n[200];
	unsigned long long s, e;
	int count = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %llx-%llx : %199[^\n]", &s, &e, n) == 3 &&
		    !strcmp(n, name))
			count++;
	fclose(f);
	return count;
}

/*
 * Does the PAT memtype list hold [start, end) with type?  1, 0, or
 * -errno when there is no list (no PAT, or no debugfs).
 */
static inline int pat_memtype_has(uint64_t start, uint64_t end,
				  const char *type)
{
	FILE *f = fopen(PAT_MEMTYPE_LIST, "r");
	unsigned long long s, e;
	char line[256], t[64];
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PAT: [mem 0x%llx-0x%llx] %63s", &s, &e, t) == 3 &&
		    s == start && e == end && !strcmp(t, type))
			found = 1;
	fclose(f);
	return found;
}

/*
 * The page frame behind a mapped, present page, from /proc/self/pagemap
 * (the frame is only shown with CAP_SYS_ADMIN): the PFN, or 0.
 */
static inline uint64_t pagemap_pfn(const void *addr)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, 8, (uintptr_t)addr / 4096 * 8) != 8)
		entry = 0;
	close(fd);
	if (!(entry & (1ULL << 63)))
		return 0;
	return entry & ((1ULL << 55) - 1);
}

#define GENODE_KERNEL_MAP "/sys/kernel/debug/genode/kernel_map"

/*
 * How the kernel's linear mapping maps the pages [pfn, pfn + pages) (at
 * most 1 << 20), from the module's debugfs kernel_map: *wb write-back,
 * *other with another memory type, *absent not RAM.  0, or -errno.
 */
static inline int kernel_map_query(uint64_t pfn, unsigned long pages,
				   unsigned long *wb, unsigned long *other,
				   unsigned long *absent)
{
	char q[64];
	FILE *f;
	int n, ret;

	snprintf(q, sizeof(q), "%llx %lu", (unsigned long long)pfn, pages);
	ret = sysfs_write(GENODE_KERNEL_MAP, q);
	if (ret)
		return ret;
	f = fopen(GENODE_KERNEL_MAP, "r");
	if (!f)
		return -errno;
	n = fscanf(f, "wb %lu other %lu absent %lu", wb, other, absent);
	fclose(f);
	return n == 3 ? 0 : -EIO;
}

/*
 * Raising lockdown cannot be undone: the tests that do are the last of
 * their program and run only in a boot of their own (make check sets
 * GENODE_TEST_LOCKDOWN there).
 */
#define LOCKDOWN_ONLY_IN_ITS_OWN_BOOT \
	"raising lockdown cannot be undone: make check runs this in a boot of its own (GENODE_TEST_LOCKDOWN=1)"

/*
 * The lockdown LSM's file, open for writing (securityfs mounted where it
 * is not): the fd, or -errno (-ENOENT: no lockdown LSM).
 */
static inline int lockdown_open(void)
{
	const char *path = "/sys/kernel/security/lockdown";
	int fd;

	if (access(path, F_OK))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0,
		      NULL);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * In a lockdown test's body: skip unless in its own boot, else open the
 * lockdown file into @lfd (skip without a lockdown LSM).
 */
#define LOCKDOWN_OPEN_OR_SKIP(lfd)					\
	do {								\
		if (!getenv("GENODE_TEST_LOCKDOWN"))			\
			SKIP(return, LOCKDOWN_ONLY_IN_ITS_OWN_BOOT);	\
		lfd = lockdown_open();					\
		if (lfd < 0)						\
			SKIP(return, "no lockdown LSM in this kernel (%s)", \
			     strerror(-lfd));				\
	} while (0)

/* Raise lockdown to integrity through lockdown_open()'s fd, and close it. */
static inline int lockdown_raise(int fd)
{
	ssize_t n = write(fd, "integrity", 9);
	int ret = n == 9 ? 0 : n < 0 ? -errno : -EIO;

	close(fd);
	return ret;
}

/*
 * Does the kernel remap interrupts?  Its interrupt chips say so in
 * /proc/interrupts ("IR-IO-APIC", "IR-PCI-MSI").  1, 0 or -errno.
 */
static inline int irq_remapping(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[512];
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " IR-") != NULL;
	fclose(f);
	return found;
}

/*
 * Read /dev/kmsg from @fd (O_NONBLOCK) until a record has all three
 * strings, for at most @seconds: true if one came.
 */
static inline bool kmsg_wait(int fd, const char *n1, const char *n2,
			     const char *n3, int seconds)
{
	char rec[1024];
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0) {
			if (errno == EAGAIN) {
				usleep(10000);
				continue;
			}
			if (errno == EPIPE)	/* overwritten records */
				continue;
			return false;
		}
		rec[n] = 0;
		if (strstr(rec, n1) && strstr(rec, n2) && strstr(rec, n3))
			return true;
	}
	return false;
}

/*
 * The kernel log: the boot log that the test VM's init saved before the
 * tests ran (the file GENODE_TEST_BOOT_LOG names), else the ring buffer
 * (klogctl), whose early lines later messages may have pushed out.  A
 * malloc()ed string, *len its length, or NULL with errno set.
 */
static inline char *kernel_log_read(size_t *len)
{
	const char *path = getenv("GENODE_TEST_BOOT_LOG");
	char *log;
	long size, n = 0, r;
	FILE *f;

	if (!path) {
		size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
		if (size < 0 || !(log = malloc(size + 1)))
			return NULL;
		n = klogctl(3, log, size);	/* SYSLOG_ACTION_READ_ALL */
		if (n < 0) {
			free(log);
			return NULL;
		}
	} else {
		f = fopen(path, "r");
		if (!f)
			return NULL;
		size = 1 << 20;
		log = malloc(size + 1);
		while (log && n < size && (r = fread(log + n, 1, size - n, f)) > 0)
			n += r;
		fclose(f);
		if (!log)
			return NULL;
	}
	log[n] = 0;
	*len = n;
	return log;
}

/*
 * The first line of the kernel log that contains what, without the
 * "<level>[time] " prefix, into buf: 0, -ENOENT if the log has none, or
 * -errno.
 */
static inline int kernel_log_find(const char *what, char *buf, size_t len)
{
	char *log, *line, *end, *text;
	int ret = -ENOENT;
	size_t n;

	log = kernel_log_read(&n);
	if (!log)
		return -errno;
	for (line = log; ret && line < log + n; line = end + 1) {
		end = memchr(line, '\n', log + n - line);
		if (!end)
			end = log + n;
		*end = 0;
		text = strstr(line, "] ");
		text = text ? text + 2 : line;
		if (strstr(text, what)) {
			snprintf(buf, len, "%s", text);
			ret = 0;
		}
	}
	free(log);
	return ret;
}

#endif
