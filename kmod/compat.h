/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels genode.ko supports
 *
 * Force-included into each object by Kbuild.  The GENODE_HAVE_* macros come
 * from the header probes in compat/probe.sh; the .c files use only the
 * names defined here and never test a kernel version themselves.
 *
 * The oldest supported kernel, 6.1, is enforced by Kbuild and dkms.conf.
 */
#ifndef _GENODE_COMPAT_H
#define _GENODE_COMPAT_H

/* ---- PCI driver_override and vm_flags (pci.c, iomem.c) ---- */
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/string.h>

/*
 * Set the driver that alone may bind to @pdev, or clear it with "".
 * 6.1 keeps the name in struct pci_dev; later kernels (and 6.12.y by
 * backport) keep it in struct device.
 */
static inline int genode_set_driver_override(struct pci_dev *pdev,
					     const char *name)
{
#ifdef GENODE_HAVE_DEVICE_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, name);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#endif
}

/* > 0: driver_override names @drv; 0: it names another driver; < 0: unset */
static inline int genode_match_driver_override(struct pci_dev *pdev,
					       const struct device_driver *drv)
{
#ifdef GENODE_HAVE_DEVICE_DRIVER_OVERRIDE
	/* device_match_driver_override(), without the guard sparse can't follow */
	int ret = -1;

	spin_lock(&pdev->dev.driver_override.lock);
	if (pdev->dev.driver_override.name)
		ret = !strcmp(pdev->dev.driver_override.name, drv->name);
	spin_unlock(&pdev->dev.driver_override.lock);
	return ret;
#else
	int ret = -1;

	device_lock(&pdev->dev);
	if (pdev->driver_override)
		ret = !strcmp(pdev->driver_override, drv->name);
	device_unlock(&pdev->dev);
	return ret;
#endif
}

/* vm_flags became read-only in 6.3, with helpers to change it. */
static inline void genode_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
#ifdef GENODE_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void genode_vm_flags_clear(struct vm_area_struct *vma,
					 vm_flags_t flags)
{
#ifdef GENODE_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

#endif /* _GENODE_COMPAT_H */
