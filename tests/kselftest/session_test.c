// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions and the ABI conventions, through GENODE_INFO: the size field,
 * flags, reserved fields and unknown commands.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

_Static_assert(sizeof(struct genode_info) == 112, "genode_info layout");
_Static_assert(offsetof(struct genode_info, features) == 16,
	       "genode_info layout");

#define INFO_MIN_SIZE (offsetof(struct genode_info, features) + 8)

FIXTURE(session) {
	int fd;
};

FIXTURE_SETUP(session)
{
	self->fd = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(session)
{
	close(self->fd);
}

TEST_F(session, info_reports_version)
{
	struct genode_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->fd, GENODE_INFO, &info));
	EXPECT_EQ(GENODE_ABI_VERSION, info.abi_version);
	EXPECT_EQ(sizeof(info), info.argsz);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(0, info.features & ~(__u64)GENODE_TEST_KNOWN_FEATURES);
}

TEST_F(session, unknown_command_is_enotty)
{
	struct genode_info info = { .argsz = sizeof(info) };

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, _IO(GENODE_IOCTL_TYPE, 0x7f), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* the right number with another type byte */
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, _IO(GENODE_IOCTL_TYPE + 1, 0), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* the right number with a size and direction encoded */
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(GENODE_IOCTL_TYPE, 0,
					    struct genode_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* a terminal ioctl */
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TCGETS, &info));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(session, argsz_too_small_is_einval)
{
	__u32 sizes[] = { 0, 4, 8, INFO_MIN_SIZE - 1 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct genode_info info = { .argsz = sizes[i] };

		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, &info));
		EXPECT_EQ(EINVAL, errno) TH_LOG("argsz %u", sizes[i]);
		EXPECT_EQ(0, info.abi_version) TH_LOG("written at argsz %u",
						      sizes[i]);
	}
}

TEST_F(session, larger_argsz_with_zero_tail_is_accepted)
{
	struct {
		struct genode_info info;
		unsigned char tail[64];
	} big;
	unsigned int i;

	memset(&big, 0, sizeof(big));
	big.info.argsz = sizeof(big);
	ASSERT_EQ(0, ioctl(self->fd, GENODE_INFO, &big));
	EXPECT_EQ(GENODE_ABI_VERSION, big.info.abi_version);
	EXPECT_EQ(sizeof(big), big.info.argsz);
	/* nothing written past what the kernel knows */
	for (i = 0; i < sizeof(big.tail); i++) {
		ASSERT_EQ(0, big.tail[i]) {
			TH_LOG("tail byte %u written", i);
		}
	}
}

TEST_F(session, larger_argsz_with_nonzero_tail_is_e2big)
{
	struct {
		struct genode_info info;
		unsigned char tail[64];
	} big;
	unsigned int pos[] = { 0, 31, 63 };

	for (unsigned int i = 0; i < 3; i++) {
		memset(&big, 0, sizeof(big));
		big.info.argsz = sizeof(big);
		big.tail[pos[i]] = 1;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, &big));
		EXPECT_EQ(E2BIG, errno) TH_LOG("tail byte %u", pos[i]);
		EXPECT_EQ(0, big.info.abi_version);
	}
}

TEST_F(session, argsz_beyond_a_page_is_e2big)
{
	long page = sysconf(_SC_PAGESIZE);
	struct genode_info *info;

	info = calloc(1, page * 2);
	ASSERT_NE(NULL, info);
	info->argsz = page + 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, info));
	EXPECT_EQ(E2BIG, errno);
	/* exactly a page with a zero tail is fine */
	info->argsz = page;
	EXPECT_EQ(0, ioctl(self->fd, GENODE_INFO, info));
	free(info);
}

TEST_F(session, unknown_flags_are_einval)
{
	for (unsigned int bit = 0; bit < 32; bit++) {
		struct genode_info info = {
			.argsz = sizeof(info),
			.flags = 1u << bit,
		};

		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, &info));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flag bit %u", bit);
	}
}

TEST_F(session, nonzero_reserved_is_einval)
{
	struct genode_info info = { .argsz = sizeof(info), .__reserved = 1 };

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(session, bad_pointer_is_efault)
{
	void *ro;

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* readable but not writable: the answer cannot be copied out */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	((struct genode_info *)ro)->argsz = sizeof(struct genode_info);
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_INFO, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
}

TEST_F(session, revoke_refuses_what_is_no_resource)
{
	struct genode_revoke rv = { .argsz = sizeof(rv), .fd = -1 };
	int null_fd = open("/dev/null", O_RDWR);

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_REVOKE, &rv));
	EXPECT_EQ(EBADF, errno);

	/* an fd that is open but no genode resource */
	ASSERT_LE(0, null_fd);
	rv.fd = null_fd;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_REVOKE, &rv));
	EXPECT_EQ(EINVAL, errno);

	/* a session is no resource either */
	rv.fd = self->fd;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_REVOKE, &rv));
	EXPECT_EQ(EINVAL, errno);

	rv.fd = null_fd;
	rv.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_REVOKE, &rv));
	EXPECT_EQ(EINVAL, errno);
	rv.flags = 0;
	rv.__reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, GENODE_REVOKE, &rv));
	EXPECT_EQ(EINVAL, errno);
	close(null_fd);
}

TEST(device_node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(GENODE_DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST(unprivileged_user_cannot_open)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(GENODE_DEV_PATH, O_RDWR);
		if (fd >= 0)
			_exit(3);
		_exit(errno == EACCES ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("2: could not drop privileges, 3: open succeeded, 4: wrong errno");
}

#define MANY 256

TEST(many_sessions_are_counted_and_released)
{
	int fds[MANY];
	long base = genode_sessions();

	ASSERT_LE(0, base);
	for (int i = 0; i < MANY; i++) {
		fds[i] = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fds[i]) TH_LOG("open %d: %s", i, strerror(errno));
	}
	EXPECT_EQ(base + MANY, genode_sessions());
	for (int i = 0; i < MANY; i++)
		ASSERT_EQ(0, close(fds[i]));
	EXPECT_EQ(base, genode_sessions());
}

static void *open_close_loop(void *arg)
{
	long fails = 0;

	(void)arg;
	for (int i = 0; i < 1000; i++) {
		struct genode_info info = { .argsz = sizeof(info) };
		int fd = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);

		if (fd < 0 || ioctl(fd, GENODE_INFO, &info) ||
		    info.abi_version != GENODE_ABI_VERSION)
			fails++;
		if (fd >= 0)
			close(fd);
	}
	return (void *)fails;
}

/*
 * The library's session open asks the module for its ABI version and
 * hands out only a session it can speak to: a file that answers no
 * GENODE_INFO is no session (and is closed again).
 */
TEST(library_open_checks_the_abi_version)
{
	uint32_t version;
	int s = genode_session_open(NULL), lowest;

	ASSERT_LE(0, s);
	ASSERT_EQ(0, genode_query_info(s, &version, NULL));
	EXPECT_EQ(GENODE_ABI_VERSION, version);
	lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, lowest);
	close(lowest);
	EXPECT_EQ(-ENOTTY, genode_session_open("/dev/null"));
	/* the refused open left no fd behind: the lowest free one is free */
	EXPECT_EQ(lowest, open("/dev/null", O_RDONLY | O_CLOEXEC));
	close(lowest);
	close(s);
}

TEST(concurrent_open_close)
{
	long base = genode_sessions();
	pthread_t th[4];
	void *fails;

	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, open_close_loop, NULL));
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &fails));
		EXPECT_EQ(0, (long)fails);
	}
	EXPECT_EQ(base, genode_sessions());
}

TEST_HARNESS_MAIN
