// SPDX-License-Identifier: GPL-2.0
/*
 * genode_dev.c - /dev/genode: hardware access for Genode's core on Linux
 *
 * The misc device and its ioctl dispatcher.  Each open() is a session
 * (session.c); each resource kind lives in a file of its own.
 */
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "dma.h"
#include "genode_dev.h"
#include "iomem.h"
#include "iommu.h"
#include "ioport.h"
#include "irq.h"
#include "pci.h"
#include "platform.h"
#include "resource.h"

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
	genode_session_closed();
	genode_session_put(file->private_data);
	return 0;
}

int genode_ucmd_respond(struct genode_ucmd *ucmd, size_t cmd_len)
{
	if (ucmd->res) {
		ucmd->out_len = cmd_len;
		return 0;
	}
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

static int genode_info(struct genode_ucmd *ucmd)
{
	struct genode_info *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved || cmd->__reserved2 ||
	    cmd->__reserved3 || cmd->__reserved4)
		return -EINVAL;

	cmd->abi_version = GENODE_ABI_VERSION;
	cmd->features = GENODE_FEATURE_REVOKE | GENODE_FEATURE_IOPORT |
			GENODE_FEATURE_PCI | GENODE_FEATURE_IOMEM |
			GENODE_FEATURE_IRQ | GENODE_FEATURE_DMA |
			GENODE_FEATURE_ECAM | GENODE_FEATURE_PCI_LIST |
			GENODE_FEATURE_IOPORT_BAR | GENODE_FEATURE_IRQ_MSI_MSG |
			GENODE_FEATURE_DMA_BELOW_4G |
			GENODE_FEATURE_IRQ_ACK_WAIT | GENODE_FEATURE_PLATFORM |
			GENODE_FEATURE_IOMMU;
	genode_pci_ecam(&cmd->ecam_base, &cmd->ecam_segment,
			&cmd->ecam_bus_start, &cmd->ecam_bus_end);
	genode_platform_info(cmd);
	return genode_ucmd_respond(ucmd, sizeof(*cmd));
}

static int genode_revoke(struct genode_ucmd *ucmd)
{
	struct genode_revoke *cmd = ucmd->cmd;
	struct genode_resource *res;
	struct file *file;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;

	file = fget(cmd->fd);
	if (!file)
		return -EBADF;
	res = genode_resource_from_file(file);
	ret = res ? genode_resource_revoke_by(res, ucmd->session) : -EINVAL;
	fput(file);
	return ret;
}

static const struct genode_ioctl_op genode_session_ioctls[] = {
	GENODE_IOCTL_OP(GENODE_INFO, genode_info, struct genode_info,
			features),
	GENODE_IOCTL_OP(GENODE_REVOKE, genode_revoke, struct genode_revoke,
			__reserved),
	GENODE_IOCTL_OP(GENODE_IOPORT_REQUEST, genode_ioport_request,
			struct genode_ioport_request, __reserved),
	GENODE_IOCTL_OP(GENODE_PCI_CLAIM, genode_pci_claim,
			struct genode_pci_claim, fd),
	GENODE_IOCTL_OP(GENODE_PCI_LIST, genode_pci_list,
			struct genode_pci_list, functions),
	GENODE_IOCTL_OP(GENODE_IOMEM_REQUEST, genode_iomem_request,
			struct genode_iomem_request, __reserved),
	GENODE_IOCTL_OP(GENODE_IRQ_REQUEST, genode_irq_request,
			struct genode_irq_request, fd),
	GENODE_IOCTL_OP(GENODE_DMA_ALLOC, genode_dma_alloc,
			struct genode_dma_alloc, phys_addr),
	GENODE_IOCTL_OP(GENODE_DMA_QUOTA, genode_dma_quota,
			struct genode_dma_quota, used),
	GENODE_IOCTL_OP(GENODE_DMA_SET_MASK, genode_dma_set_mask,
			struct genode_dma_set_mask, bits),
	GENODE_IOCTL_OP(GENODE_IOMMU_DOMAIN_ALLOC, genode_iommu_alloc,
			struct genode_iommu_domain_alloc, pgsize_bitmap),
};

/*
 * Arguments larger than this are refused with E2BIG before their tail is
 * scanned for nonzero bytes.  The kernel's own structs fit GENODE_MAX_CMDSZ
 * (GENODE_IOCTL_OP() checks it at build time).
 */
#define GENODE_MAX_ARGSZ PAGE_SIZE

const struct genode_ioctl_op *genode_ioctl_lookup(const struct genode_ioctl_op *ops,
						  unsigned int n,
						  unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ops[i].cmd == cmd)
			return &ops[i];
	return NULL;
}

int genode_ioctl_copy_in(const struct genode_ioctl_op *op,
			 struct genode_ucmd *ucmd, void *buf)
{
	int ret;

	if (get_user(ucmd->user_size, (u32 __user *)ucmd->ubuffer))
		return -EFAULT;
	if (ucmd->user_size < op->min_size)
		return -EINVAL;
	if (ucmd->user_size > GENODE_MAX_ARGSZ)
		return -E2BIG;

	ret = copy_struct_from_user(buf, op->size, ucmd->ubuffer,
				    ucmd->user_size);
	if (ret)
		return ret;
	ucmd->cmd = buf;
	return 0;
}

long genode_ioctl_dispatch(const struct genode_ioctl_op *ops, unsigned int n,
			   unsigned int cmd, struct genode_ucmd *ucmd)
{
	const struct genode_ioctl_op *op = genode_ioctl_lookup(ops, n, cmd);
	u64 buf[GENODE_MAX_CMDSZ / sizeof(u64)];
	int ret;

	if (!op)
		return -ENOTTY;
	ret = genode_ioctl_copy_in(op, ucmd, buf);
	if (ret)
		return ret;
	return op->execute(ucmd);
}

static long genode_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct genode_ucmd ucmd = {
		.session = file->private_data,
		.ubuffer = (void __user *)arg,
	};

	return genode_ioctl_dispatch(genode_session_ioctls,
				     ARRAY_SIZE(genode_session_ioctls), cmd,
				     &ucmd);
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

static ssize_t resources_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", genode_resource_count());
}
static DEVICE_ATTR_RO(resources);

static struct attribute *genode_attrs[] = {
	&dev_attr_sessions.attr,
	&dev_attr_resources.attr,
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

	genode_dma_init();
	genode_platform_init();
	ret = genode_pci_init();
	if (ret)
		goto err_dma_exit;

	ret = misc_register(&genode_misc);
	if (ret)
		goto err_pci_exit;

	pr_info("genode: /dev/genode ready (ABI %d)\n", GENODE_ABI_VERSION);
	return 0;

err_pci_exit:
	genode_pci_exit();
err_dma_exit:
	genode_dma_exit();
	return ret;
}

static void __exit genode_exit(void)
{
	misc_deregister(&genode_misc);
	genode_pci_exit();
	genode_dma_exit();
}

module_init(genode_init);
module_exit(genode_exit);

MODULE_DESCRIPTION("Hardware access for Genode's core on Linux");
MODULE_AUTHOR("The genode-dev authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(GENODE_VERSION);
