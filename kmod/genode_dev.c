// SPDX-License-Identifier: GPL-2.0
/*
 * genode_dev.c - /dev/genode: hardware access for Genode's core on Linux
 *
 * The misc device and its ioctl dispatcher.  Each open() is a session
 * (session.c); each resource kind lives in a file of its own.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "genode_dev.h"

#define GENODE_VERSION "0.1"

static int genode_open(struct inode *inode, struct file *file)
{
	struct genode_session *s;

	s = genode_session_create();
	if (!s)
		return -ENOMEM;

	file->private_data = s;
	return 0;
}

static int genode_release(struct inode *inode, struct file *file)
{
	genode_session_destroy(file->private_data);
	return 0;
}

int genode_ucmd_respond(struct genode_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

static int genode_info(struct genode_ucmd *ucmd)
{
	struct genode_info *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;

	cmd->abi_version = GENODE_ABI_VERSION;
	cmd->features = 0;
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

/*
 * The kernel's copy of any ioctl argument.  Every member begins with
 * argsz and flags.
 */
union genode_ucmd_buffer {
	struct genode_info info;
};

struct genode_ioctl_op {
	unsigned int cmd;
	unsigned int size;	/* the kernel's struct */
	unsigned int min_size;	/* the first version of the struct */
	int (*execute)(struct genode_ucmd *ucmd);
};

#define GENODE_IOCTL_OP(_ioctl, _fn, _struct, _last)			\
	{								\
		.cmd = _ioctl,						\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
	}

static const struct genode_ioctl_op genode_ioctl_ops[] = {
	GENODE_IOCTL_OP(GENODE_INFO, genode_info, struct genode_info,
			features),
};

/*
 * Arguments larger than this are refused with E2BIG before their tail is
 * scanned for nonzero bytes.
 */
#define GENODE_MAX_ARGSZ PAGE_SIZE

static const struct genode_ioctl_op *genode_ioctl_op(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(genode_ioctl_ops); i++)
		if (genode_ioctl_ops[i].cmd == cmd)
			return &genode_ioctl_ops[i];
	return NULL;
}

static long genode_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	const struct genode_ioctl_op *op = genode_ioctl_op(cmd);
	union genode_ucmd_buffer buf;
	struct genode_ucmd ucmd = {
		.session = file->private_data,
		.ubuffer = (void __user *)arg,
		.cmd = &buf,
	};
	int ret;

	if (!op)
		return -ENOTTY;

	if (get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	if (ucmd.user_size > GENODE_MAX_ARGSZ)
		return -E2BIG;

	ret = copy_struct_from_user(ucmd.cmd, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;

	return op->execute(&ucmd);
}

static const struct file_operations genode_fops = {
	.owner = THIS_MODULE,
	.open = genode_open,
	.release = genode_release,
	.unlocked_ioctl = genode_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static ssize_t sessions_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", genode_session_count());
}
static DEVICE_ATTR_RO(sessions);

static struct attribute *genode_attrs[] = {
	&dev_attr_sessions.attr,
	NULL,
};
ATTRIBUTE_GROUPS(genode);

static struct miscdevice genode_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "genode",
	.fops = &genode_fops,
	.groups = genode_groups,
	.mode = 0600,
};

static int __init genode_init(void)
{
	int ret;

	ret = misc_register(&genode_misc);
	if (ret)
		return ret;

	pr_info("genode: /dev/genode ready (ABI %d)\n", GENODE_ABI_VERSION);
	return 0;
}

static void __exit genode_exit(void)
{
	misc_deregister(&genode_misc);
}

module_init(genode_init);
module_exit(genode_exit);

MODULE_DESCRIPTION("Hardware access for Genode's core on Linux");
MODULE_AUTHOR("The genode-dev authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(GENODE_VERSION);
