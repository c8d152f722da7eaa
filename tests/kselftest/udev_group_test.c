// SPDX-License-Identifier: GPL-2.0
/*
 * The opt-in group of udev/70-genode.rules: with the rule applied,
 * /dev/genode is root:genode 0660, a user in group genode can open it and
 * a user outside it cannot.
 *
 * The test VM has no udev.  Its init names a command in
 * GENODE_TEST_UDEV_APPLY that applies the shipped rule file to the device
 * the way udev would (tests/vm/udev-apply), so a wrong rule fails here.
 * Each test applies the rule in its setup and puts the node back as the
 * module made it in its teardown, so the other programs see the default.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genode_dev.h"
#include "kselftest_harness.h"
#include "lib/genode_test.h"

#define GROUP_NAME "genode"
#define NOBODY 65534

/*
 * Fork a child that becomes uid NOBODY with primary group gid and the
 * supplementary groups in groups[], then opens /dev/genode and asks for
 * GENODE_INFO.  Returns 0 when that worked, the open() errno when it was
 * refused, or a negative value when the child could not get that far.
 */
static int open_as(gid_t gid, const gid_t *groups, size_t ngroups)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct genode_info info = { .argsz = sizeof(info) };
		int fd;

		if (setgroups(ngroups, groups) || setgid(gid) ||
		    setuid(NOBODY))
			_exit(200);
		/* no way back: the refusal below is not root's */
		if (setuid(0) == 0)
			_exit(201);
		fd = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(errno > 0 && errno < 200 ? errno : 202);
		if (ioctl(fd, GENODE_INFO, &info))
			_exit(203);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -2;
	if (WEXITSTATUS(status) >= 200)
		return -WEXITSTATUS(status);
	return WEXITSTATUS(status);
}

FIXTURE(udev_group) {
	struct stat orig;
	bool applied;
	gid_t gid;
};

/* Back to what the module created, for the programs that follow. */
static int restore_node(const struct stat *orig)
{
	if (chown(GENODE_DEV_PATH, orig->st_uid, orig->st_gid) ||
	    chmod(GENODE_DEV_PATH, orig->st_mode & 07777))
		return -errno;
	return 0;
}

FIXTURE_SETUP(udev_group)
{
	const char *apply = getenv("GENODE_TEST_UDEV_APPLY");
	long gid;
	int ret;

	ASSERT_EQ(0, stat(GENODE_DEV_PATH, &self->orig));
	if (!apply || !*apply)
		return;	/* each test skips */
	gid = group_gid(GROUP_NAME);
	ASSERT_LT(0, gid) TH_LOG("no group %s in /etc/group", GROUP_NAME);
	ASSERT_NE(NOBODY, gid);
	self->gid = gid;

	ret = system(apply);
	if (ret)
		restore_node(&self->orig);
	ASSERT_EQ(0, ret) TH_LOG("%s failed", apply);
	self->applied = true;
}

FIXTURE_TEARDOWN(udev_group)
{
	int ret = restore_node(&self->orig);

	EXPECT_EQ(0, ret) TH_LOG("cannot restore %s: %s", GENODE_DEV_PATH,
				 strerror(-ret));
}

#define NEED_RULE() do {						\
	if (!self->applied)						\
		SKIP(return, "GENODE_TEST_UDEV_APPLY is not set (the test VM sets it)"); \
} while (0)

TEST_F(udev_group, rule_makes_node_root_group_0660)
{
	struct stat st;

	NEED_RULE();
	ASSERT_EQ(0, stat(GENODE_DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(self->orig.st_rdev, st.st_rdev);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(self->gid, st.st_gid);
	EXPECT_EQ(0660, st.st_mode & 07777);
}

TEST_F(udev_group, member_can_open)
{
	gid_t groups[] = { self->gid };

	NEED_RULE();
	EXPECT_EQ(0, open_as(NOBODY, groups, 1));
}

TEST_F(udev_group, primary_group_member_can_open)
{
	NEED_RULE();
	EXPECT_EQ(0, open_as(self->gid, NULL, 0));
}

TEST_F(udev_group, non_member_cannot_open)
{
	NEED_RULE();
	EXPECT_EQ(EACCES, open_as(NOBODY, NULL, 0));
}

TEST_F(udev_group, member_of_other_groups_cannot_open)
{
	gid_t groups[] = { 1, 100 };	/* daemon, users */

	NEED_RULE();
	ASSERT_NE(1, self->gid);
	ASSERT_NE(100, self->gid);
	EXPECT_EQ(EACCES, open_as(NOBODY, groups, 2));
}

/*
 * What a member of the group (not root, no CAP_SYS_RAWIO) may do with a
 * session, in a child: exit 0, or the number of the step that went wrong.
 */
static int member_session(gid_t gid, const struct pci_addr *edu, bool assigned)
{
	gid_t groups[] = { gid };
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int s, dev, fd;

		if (setgroups(1, groups) || setgid(NOBODY) || setuid(NOBODY))
			_exit(200);
		s = open(GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
		if (s < 0)
			_exit(201);
		dev = pci_claim(s, edu);
		if (!assigned)
			_exit(dev == -EPERM ? 0 : 1);
		if (dev < 0)
			_exit(2);
		/* its BAR needs nothing more */
		fd = genode_iomem_request_bar(s, dev, 0, 0);
		if (fd < 0)
			_exit(3);
		close(fd);
		/* what needs CAP_SYS_RAWIO */
		if (ioport_request(s, 0x2f8, 8, &fd) != -EPERM)
			_exit(4);
		if (genode_iomem_request_phys(s, 0xfed00000, 4096, 0) != -EPERM)
			_exit(5);
		/* COM2's line, GSI 3, which nobody holds */
		if (genode_irq_open_line(s, 3, 0) != -EPERM)
			_exit(6);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -2;
	return WEXITSTATUS(status);
}

/*
 * A member claims only a function that the administrator assigned to the
 * module: an unassigned one needs CAP_SYS_RAWIO, as binding a driver does.
 */
TEST_F(udev_group, member_claims_only_what_the_administrator_assigned)
{
	struct pci_addr edu;
	char drv[64];

	NEED_RULE();
	if (edu_find(0, &edu))
		SKIP(return, "no edu device (-device edu) in this VM");
	pci_driver_of(&edu, drv, sizeof(drv));
	ASSERT_STREQ("", drv);
	EXPECT_EQ(0, member_session(self->gid, &edu, false))
		TH_LOG("1: the claim of an unassigned function was not EPERM");
	pci_driver_of(&edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);

	ASSERT_EQ(0, pci_bind(&edu, "genode"));
	EXPECT_EQ(0, member_session(self->gid, &edu, true))
		TH_LOG("2: claim, 3: BAR, 4: IO ports, 5: physical range, 6: legacy line not EPERM");
	EXPECT_EQ(0, pci_unbind(&edu));
}

TEST_HARNESS_MAIN
