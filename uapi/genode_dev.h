/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * genode_dev.h - the ioctl ABI of /dev/genode
 *
 * /dev/genode lets Genode's core, running on Linux, hand real hardware to
 * user-level device drivers.  This header is the single source of truth for
 * the kernel module and every user-space client.
 *
 * Conventions (Documentation/driver-api/ioctl.rst, vfio.h, iommufd.h):
 *
 *  - Every ioctl takes a pointer to a struct that starts with
 *    "__u32 argsz; __u32 flags;".  argsz is the size of the struct as the
 *    caller knows it.  The ioctl numbers are _IO() and do not encode a size,
 *    so a struct may grow at its end without a new number:
 *      - argsz smaller than the first version of the struct: EINVAL;
 *      - argsz larger than the kernel knows: accepted if the extra bytes are
 *        zero, E2BIG otherwise; argsz above 4096 (a page): E2BIG without
 *        looking at the bytes;
 *      - output is copied back only up to argsz;
 *      - what a later version added (a field, a flag, a kind of request)
 *        is announced by a GENODE_FEATURE_* bit of GENODE_INFO.
 *  - The module copies the argument in before it touches the resource
 *    and copies the answer out after; a call that fails with anything but
 *    EFAULT leaves the caller's struct as it was.
 *  - Unknown bits in flags and nonzero reserved fields: EINVAL.
 *  - Only fixed-size types, explicit padding, 64-bit fields aligned with
 *    __aligned_u64, addresses as __u64, no enums, no bool.
 *  - Unknown commands: ENOTTY.  A bad user pointer: EFAULT.
 *  - New file descriptors come back in an output field and are O_CLOEXEC.
 *  - A device_fd that names no device is GENODE_NO_DEVICE (-1), in every
 *    request that can be for a device or for none; 0 is an fd like any
 *    other.
 *
 * Opening /dev/genode creates a session.  Everything obtained through a
 * session is owned by it.  The device is mode 0600, root only, unless a udev
 * rule hands it to a group.
 *
 * Threat model.  The module assumes that whoever holds /dev/genode (root,
 * or a member of the group the udev rule names) or any resource fd is
 * hostile, as VFIO does for the holder of a group or device fd.  A
 * resource fd is a capability: whoever holds it (after fork or
 * SCM_RIGHTS) may use it without any privilege of its own, and only the
 * session that created it may revoke it (GENODE_REVOKE), which zaps every
 * mapping of it in every process.
 *
 *  - Any session may: claim a PCI function that the administrator
 *    assigned to the module (ids=, or driver_override "genode") and that
 *    is not part of the platform (no bridge, no IOMMU); map the memory
 *    BARs and use the IO BARs of its own
 *    claimed devices, request their INTx, MSI and MSI-X vectors and
 *    allocate DMA buffers for them (the resources of a device are its
 *    claimer's only: EPERM for another session's device fd); allocate
 *    DMA buffers for no device within its DMA quota; write the
 *    config-space registers of an allow list (GENODE_PCI_CONFIG_WRITE);
 *    allocate IOMMU domains, attach its claimed devices to them and map
 *    its DMA buffers into them (GENODE_IOMMU_*).
 *  - CAP_SYS_RAWIO is needed for: claiming a function nobody assigned
 *    (no driver, no driver_override); IO ports other than a claimed
 *    device's IO BARs; physical IO-memory ranges (only of memory no one
 *    else owns: never RAM, the interrupt address range or a PCI BAR but
 *    the boot framebuffer, see GENODE_IOMEM_REQUEST); legacy interrupt lines
 *    (GSIs: a platform resource, like IO ports for ioperm(2), that would
 *    keep a kernel driver loaded later off its line);
 *    bus mastering of a device whose DMA is not isolated (no translating
 *    IOMMU, no interrupt remapping, or an IOMMU group shared with other
 *    devices: GENODE_PCI_CAP_ISOLATED); the physical and bus addresses of DMA
 *    buffers that no IOMMU translates.
 *  - Kernel lockdown (integrity or confidentiality) refuses, even to
 *    root: IO ports (checked again on every access), physical ranges, BAR
 *    regions, config writes, and bus mastering that is not isolated.
 *  - Memory a device can reach by DMA is never executable, is zeroed when
 *    allocated, and is freed only when no device can reach it any more.
 *    A buffer for a device stays allocated and mapped for it until the
 *    device's release (bus mastering off, then a reset where the function
 *    has a reset method), and is unmapped (the IOTLB flushed) before its
 *    pages are freed.  A device that the release could not reset may
 *    keep a transfer queued, which completes once its next holder turns
 *    bus mastering on: its buffers' memory is then kept in quarantine,
 *    so that such a transfer lands in memory no one else has.  While the
 *    function stays bound to "genode" (the administrator assigned it),
 *    the memory also stays mapped for it, so that the next holder's
 *    buffers never get the same bus addresses; a function that a claim
 *    bound is unbound at its release, and the DMA API's mappings end
 *    with the binding: behind an IOMMU a stale transfer then faults, or
 *    reaches the next holder's buffer if that got the same I/O virtual
 *    address.  The quarantine ends when a later release resets the
 *    device, when it is removed, when the module is unloaded, or when the
 *    administrator ends it (debugfs genode/quarantine); while all of it
 *    holds the module parameter quarantine_mb (256 MiB) or more, claiming
 *    a device with memory in quarantine needs CAP_SYS_RAWIO (EBUSY).
 *    What such a device keeps besides (a transfer its last holder aimed
 *    at an address of the next holder's choosing, its registers) is the
 *    next holder's to clear before bus mastering: holders of a device
 *    without GENODE_PCI_CAP_RESET must be trusted with each other's data
 *    on it, as under VFIO.
 *    A buffer for no device is mapped for none, but its physical address
 *    (given to CAP_SYS_RAWIO) is a bus address for every device no IOMMU
 *    translates for.  A live process that closes or revokes such a buffer
 *    must have stopped the devices it gave the address to; it is freed
 *    at once.  When a dying process's last fd of it goes while its
 *    session holds claims, its memory and quota charge stay until the
 *    release of the session's last claim has ended (bus mastering off,
 *    the function reset), whatever order the fds closed in; if the
 *    release of one of those claims could not reset its device, the
 *    memory then goes into that device's quarantine (above), which a
 *    transfer the device holds may reach.
 *
 * What the module does not bound: the number of sessions (the DMA quota
 * is per session).  DMA memory that no memory cgroup sees (physically
 * contiguous buffers beyond the buddy allocator's largest block) is
 * charged to the allocating process's locked memory instead
 * (RLIMIT_MEMLOCK, unless it has CAP_IPC_LOCK), as vfio charges the pages
 * it pins.
 *
 * The ioctl type byte 0xB9 is unassigned in
 * Documentation/userspace-api/ioctl/ioctl-number.rst (checked up to 6.18).
 *
 * This header compiles alone with -std=c90 -Wall -Werror.
 */
#ifndef _UAPI_GENODE_DEV_H
#define _UAPI_GENODE_DEV_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define GENODE_DEV_PATH		"/dev/genode"
#define GENODE_IOCTL_TYPE	0xB9

/*
 * The ABI version.  It changes only on an incompatible change; growth is
 * announced by feature bits.  Its history:
 *
 *  1  the first ABI.
 *  2  "no device" is GENODE_NO_DEVICE (-1) in every request: a physical
 *     IO-memory range, a range of IO ports and a legacy interrupt line
 *     took device_fd 0 in version 1 (GENODE_DMA_ALLOC took -1 already).
 *     An older client's 0 now names fd 0 there, which is refused.
 */
#define GENODE_ABI_VERSION	2

/* the device_fd of a request for no device */
#define GENODE_NO_DEVICE	(-1)

/**
 * GENODE_INFO - _IO(GENODE_IOCTL_TYPE, 0x00), struct genode_info
 *
 * Report the ABI version and which features this module provides.
 *
 * In:  argsz, flags (must be 0), __reserved, __reserved2, __reserved3 and
 *      __reserved4 (must be 0, as far as argsz covers them).
 * Out: abi_version, features (GENODE_FEATURE_* bits); with
 *      GENODE_FEATURE_ECAM and an argsz that covers them, the PCI Express
 *      enhanced configuration (ECAM) window of PCI segment 0 from the
 *      ACPI MCFG table: ecam_base (the physical address of the config
 *      space of bus 0, device 0, function 0, whether or not bus 0 is in
 *      the window), ecam_segment (0), ecam_bus_start and ecam_bus_end
 *      (the buses it covers); all 0 when the firmware has no MCFG entry
 *      for segment 0.  Function bus:devfn's 4 KiB of config space lie at
 *      ecam_base + (bus << 20 | devfn << 12).  The address is a fact for
 *      describing devices (it is in /proc/iomem as "PCI MMCONFIG"); the
 *      window itself is the kernel's and never handed out as IO memory.
 *      With GENODE_FEATURE_PLATFORM and an argsz that covers them, the
 *      platform facts that Genode's core puts into its platform_info ROM:
 *      platform, GENODE_PLATFORM_* bits (below); the ACPI root pointer
 *      (RSDP) the firmware left, found in the EFI configuration table or
 *      in the BIOS areas the ACPI specification names (the first KiB of
 *      the EBDA, 0xe0000-0xfffff), with a valid checksum: acpi_rsdp (its
 *      physical address), acpi_revision (the RSDP's revision: 0 for ACPI
 *      1.0, 2 and up with an XSDT), acpi_rsdt and acpi_xsdt (the root
 *      tables' physical addresses, 0 where the RSDP has none); and the
 *      boot framebuffer, the linear framebuffer that the firmware or the
 *      kernel's real-mode setup (vga=) set up before Linux started, as
 *      the kernel's screen_info describes it: fb_kind (GENODE_FB_*),
 *      fb_base (its physical address), fb_size (the bytes the firmware
 *      reports for it, at least fb_pitch * fb_height), fb_width and
 *      fb_height (pixels), fb_pitch (bytes per line), fb_bpp (bits per
 *      pixel) and the position and width in bits of each colour channel
 *      in a pixel (fb_red_pos, fb_red_size and so on).  All of them 0
 *      without GENODE_PLATFORM_ACPI or GENODE_PLATFORM_FB respectively.
 *      The addresses (acpi_rsdp, acpi_rsdt, acpi_xsdt, fb_base) are
 *      reported to a caller with CAP_SYS_RAWIO only, the capability that
 *      mapping them needs (GENODE_IOMEM_REQUEST); to others they are 0
 *      and GENODE_PLATFORM_WITHHELD is set.  The framebuffer itself is
 *      physical IO memory like any other: a GENODE_IOMEM_REQUEST of it
 *      (with GENODE_IOMEM_WC for write combining) is EBUSY while a kernel
 *      driver (vesafb, efifb, simpledrm) holds it.
 *
 * Who may call: any session.
 * Return: 0 on success;
 *  -EINVAL argsz below offsetofend(struct genode_info, features), unknown
 *          flags, or a nonzero reserved field;
 *  -E2BIG  argsz larger than the kernel's struct with nonzero extra bytes;
 *  -EFAULT the argument is not readable or writable.
 */
struct genode_info {
	__u32 argsz;
	__u32 flags;
	__u32 abi_version;
	__u32 __reserved;
	__aligned_u64 features;
	__aligned_u64 ecam_base;
	__u16 ecam_segment;
	__u8 ecam_bus_start;
	__u8 ecam_bus_end;
	__u32 __reserved2;
	/* GENODE_FEATURE_PLATFORM */
	__aligned_u64 platform;
	__aligned_u64 acpi_rsdp;
	__aligned_u64 acpi_rsdt;
	__aligned_u64 acpi_xsdt;
	__aligned_u64 fb_base;
	__aligned_u64 fb_size;
	__u32 fb_width;
	__u32 fb_height;
	__u32 fb_pitch;
	__u8 fb_bpp;
	__u8 fb_kind;
	__u8 acpi_revision;
	__u8 __reserved3;
	__u8 fb_red_pos;
	__u8 fb_red_size;
	__u8 fb_green_pos;
	__u8 fb_green_size;
	__u8 fb_blue_pos;
	__u8 fb_blue_size;
	__u16 __reserved4;
};

/*
 * Feature bits of struct genode_info.  Each resource kind announces itself
 * here when the module provides it, and so does each later addition to
 * an ioctl (a field, a flag or a kind of request): a caller that uses one
 * checks its bit first, since an older module ignores fields past its own
 * struct when they are zero and refuses unknown flags with EINVAL.
 */
#define GENODE_FEATURE_REVOKE	_BITULL(0)	/* GENODE_REVOKE */
/* GENODE_INFO reports the ECAM window (ecam_*) */
#define GENODE_FEATURE_ECAM	_BITULL(6)
/* GENODE_INFO reports the platform facts (platform, acpi_*, fb_*) */
#define GENODE_FEATURE_PLATFORM	_BITULL(13)

/* struct genode_info's platform bits */
/* PCI MSI and MSI-X are available (not disabled by pci=nomsi) */
#define GENODE_PLATFORM_MSI		_BITULL(0)
/* an IOMMU serves PCI devices (a PCI function is in an IOMMU group) */
#define GENODE_PLATFORM_IOMMU		_BITULL(1)
/* and it remaps interrupts: a device's MSI writes raise only its own */
#define GENODE_PLATFORM_INTR_REMAP	_BITULL(2)
/* acpi_* describe the firmware's ACPI root pointer */
#define GENODE_PLATFORM_ACPI		_BITULL(3)
/* fb_* describe a boot framebuffer */
#define GENODE_PLATFORM_FB		_BITULL(4)
/* the addresses are 0: the caller lacks CAP_SYS_RAWIO */
#define GENODE_PLATFORM_WITHHELD	_BITULL(5)

/* fb_kind: who set the boot framebuffer up */
#define GENODE_FB_VESA	1	/* the VESA BIOS (vga=, the kernel's setup) */
#define GENODE_FB_EFI	2	/* UEFI's graphics output protocol */

#define GENODE_INFO		_IO(GENODE_IOCTL_TYPE, 0x00)

/**
 * GENODE_REVOKE - _IO(GENODE_IOCTL_TYPE, 0x01), struct genode_revoke
 *
 * Revoke a resource that this session created: every mapping of it in
 * every process is zapped (later accesses fault with SIGBUS), sleepers on
 * it are woken with an error, the hardware is released, and every later
 * operation on any fd of it fails with ENODEV (an ioctl that the fd's
 * kind does not have stays ENOTTY).  Closing the last fd and mapping of a
 * resource revokes it implicitly.
 *
 * In:  argsz, flags (must be 0), fd (a resource fd of the caller),
 *      __reserved (must be 0).
 *
 * Who may call: the session that created the resource.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field, or fd is no genode resource;
 *  -EBADF  fd is not open;
 *  -EPERM  another session created the resource;
 *  -ENODEV the resource was revoked already.
 */
struct genode_revoke {
	__u32 argsz;
	__u32 flags;
	__s32 fd;
	__u32 __reserved;
};

#define GENODE_REVOKE		_IO(GENODE_IOCTL_TYPE, 0x01)

/* ====================================================================== */
/* IO ports (x86)                                                         */
/* ====================================================================== */

#define GENODE_FEATURE_IOPORT	_BITULL(1)	/* GENODE_IOPORT_* */

/*
 * An IO-port resource is a range [base, base + size) of x86 IO ports,
 * held exclusively by the session that requested it.  Its fd gives access
 * to the ports inside the range, and to nothing else:
 *
 *  - pread(fd, buf, len, port) performs an IN of width len at port and
 *    stores the value in host byte order in buf; pwrite(fd, buf, len, port)
 *    performs an OUT of width len with the value in buf.  Both return len.
 *    read() and write() use the file position, which stays 0 (lseek is a
 *    no-op), so use pread and pwrite.
 *  - GENODE_IOPORT_BATCH performs a list of INs and OUTs in one call.
 *  - GENODE_IOPORT_INFO tells a process that received the fd what it is.
 *
 * An access is valid when its width is 1, 2 or 4 bytes, the port is a
 * multiple of the width (natural alignment: registers of real devices are
 * defined that way, and an unaligned access would be split into cycles
 * whose effect depends on the chipset), and all of [port, port + width) lies
 * in the range.  Anything else fails with EINVAL and touches no port.
 * Accesses through one resource are serialized: a batch is not interleaved
 * with other accesses through the same resource.
 *
 * Policy, like ioperm(2):
 *  - requesting a range needs CAP_SYS_RAWIO (checked against the caller of
 *    GENODE_IOPORT_REQUEST) and a kernel that is not locked down for IO
 *    ports (lockdown "integrity" or "confidentiality" refuse it);
 *  - the fd is itself the permission: a process that receives it (fork,
 *    SCM_RIGHTS) may use it without CAP_SYS_RAWIO, which is how Genode's
 *    core hands a port range to a driver component;
 *  - lockdown is checked again on every access, so that raising it cuts
 *    off port access through fds obtained before (ioperm(2) does not).
 *
 * Closing the last fd, or GENODE_REVOKE by the session that requested it,
 * releases the range: later accesses fail with ENODEV, and the range can
 * be requested again.
 */

/**
 * GENODE_IOPORT_REQUEST - _IO(GENODE_IOCTL_TYPE, 0x10),
 *                         struct genode_ioport_request
 *
 * Obtain an IO-port resource fd for the ports [base, base + size).
 *
 * The range must be free: no other resource holds any of it, and no kernel
 * driver has claimed any of it (a busy entry in /proc/ioports), unless the
 * administrator's allow list (module parameter "allow", entries
 * "io:START-END") contains the whole range.  A range nobody holds appears
 * as "genode" in /proc/ioports while the resource lives, which keeps kernel
 * drivers off it.  A range that a kernel driver holds and the allow list
 * permits (the PIT at 0x40-0x43, say) is handed out beside the driver:
 * the kernel's entry stays as it is and none of ours is added;
 * GENODE_IOPORT_INFO reports it with GENODE_IOPORT_ATTR_KERNEL_HELD.
 *
 * With GENODE_IOPORT_BAR (GENODE_FEATURE_IOPORT_BAR), the range is an IO
 * BAR of a PCI device this session claimed instead: device_fd is the
 * device fd, bar its index, and the range is the whole BAR, which the
 * call reports in base and size.  That needs no CAP_SYS_RAWIO (the claim
 * gave the device), and the claim's own entry in /proc/ioports stays the
 * only one.  Each IO BAR can be requested by one resource at a time.  The
 * resource holds the device: the device is not released before it, and a
 * revoked or released device revokes its IO-port resources first (later
 * accesses fail with ENODEV).  Lockdown refuses it as any IO port.
 *
 * In:  argsz, flags (0 or GENODE_IOPORT_BAR), base, size, __reserved
 *      (must be 0); with GENODE_IOPORT_BAR base and size must be 0, and
 *      argsz must cover device_fd and bar; without it, device_fd must be
 *      GENODE_NO_DEVICE and bar 0 (as far as argsz covers them: a struct
 *      that ends before device_fd is for no device).
 * Out: fd, a new O_CLOEXEC resource fd (on success only); with
 *      GENODE_IOPORT_BAR, base and size of the BAR.
 *
 * Who may call: a session whose caller has CAP_SYS_RAWIO, when the kernel
 * is not locked down for IO ports; for a BAR, the session that claimed the
 * device, when the kernel is not locked down for IO ports.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field; size 0; base past 0xffff;
 *          or base + size - 1 past 0xffff (or overflowing); for a BAR, a
 *          nonzero base or size, bar above 5, an argsz that ends before
 *          bar, or a device_fd that is no device fd; without
 *          GENODE_IOPORT_BAR, a device_fd other than GENODE_NO_DEVICE or
 *          a nonzero bar;
 *  -EBADF  device_fd is not open;
 *  -ENXIO  the BAR is not implemented or is no IO BAR;
 *  -EPERM  the caller lacks CAP_SYS_RAWIO, or the kernel is locked down;
 *          another session claimed the device of device_fd;
 *  -ENODEV the device was released;
 *  -EBUSY  another resource holds part of the range, or a kernel driver
 *          does (or the range straddles the boundary of a bus window in
 *          /proc/ioports) and the allow list does not contain the range;
 *          also when the kernel has no memory for the range's entry in
 *          /proc/ioports, which __request_region() reports as it reports
 *          a conflict; for a BAR, another resource holds the BAR;
 *  -EMFILE no free fd; -ENFILE no free file in the system; -ENOMEM;
 *  -EFAULT.
 */
struct genode_ioport_request {
	__u32 argsz;
	__u32 flags;
	__u32 base;		/* first port (out with GENODE_IOPORT_BAR) */
	__u32 size;		/* number of ports (likewise) */
	__s32 fd;		/* out */
	__u32 __reserved;
	__s32 device_fd;	/* GENODE_IOPORT_BAR: the claimed device */
	__u32 bar;		/* GENODE_IOPORT_BAR: its BAR index, 0..5 */
};

/* an IO BAR of a claimed device (device_fd, bar), not a range of ports */
#define GENODE_IOPORT_BAR	_BITUL(0)
/* GENODE_IOPORT_REQUEST takes GENODE_IOPORT_BAR */
#define GENODE_FEATURE_IOPORT_BAR	_BITULL(8)

#define GENODE_IOPORT_REQUEST	_IO(GENODE_IOCTL_TYPE, 0x10)

/* One access of a batch. */
struct genode_ioport_op {
	__u16 port;
	__u8 width;		/* 1, 2 or 4 bytes */
	__u8 dir;		/* GENODE_IOPORT_IN or GENODE_IOPORT_OUT */
	__u32 value;		/* OUT: the value; IN: overwritten with it */
};

#define GENODE_IOPORT_IN	0
#define GENODE_IOPORT_OUT	1

/* The most operations one GENODE_IOPORT_BATCH call takes. */
#define GENODE_IOPORT_BATCH_MAX	256

/**
 * GENODE_IOPORT_BATCH - _IO(GENODE_IOCTL_TYPE, 0x11),
 *                       struct genode_ioport_batch, on an IO-port fd
 *
 * Perform count accesses, in order, as described by the array of struct
 * genode_ioport_op at ops.  The whole array is checked before the first
 * access; if any operation is invalid, no port is touched.  The value of
 * each IN operation is written back into its element (zero-extended); OUT
 * elements are left as they are.  If the array is not writable and it
 * holds an IN, the call fails with EFAULT before touching any port.
 *
 * An operation is valid when it is a valid access (see above), dir is
 * GENODE_IOPORT_IN or GENODE_IOPORT_OUT, and the value of an OUT fits its
 * width.
 *
 * In:  argsz, flags (must be 0), ops (a user pointer), count (1 to
 *      GENODE_IOPORT_BATCH_MAX), __reserved (must be 0), and the array.
 * Out: the values of the INs, in the array.
 *
 * Who may call: any holder of the fd, when the kernel is not locked down.
 * Return: 0 on success, after every operation was performed;
 *  -EINVAL bad argsz, flags or reserved field, count 0, or an invalid
 *          operation (nothing was performed);
 *  -E2BIG  count above GENODE_IOPORT_BATCH_MAX;
 *  -EFAULT ops is not readable, or holds an IN and is not writable;
 *  -EPERM  the kernel is locked down for IO ports;
 *  -ENODEV the resource was revoked.
 */
struct genode_ioport_batch {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 ops;	/* struct genode_ioport_op[count] */
	__u32 count;
	__u32 __reserved;
};

#define GENODE_IOPORT_BATCH	_IO(GENODE_IOCTL_TYPE, 0x11)

/**
 * GENODE_IOPORT_INFO - _IO(GENODE_IOCTL_TYPE, 0x12),
 *                      struct genode_ioport_info, on an IO-port fd
 *
 * Report the range of an IO-port fd.
 *
 * In:  argsz, flags (must be 0), __reserved (must be 0).
 * Out: base, size, attrs (GENODE_IOPORT_ATTR_* bits).
 *
 * Who may call: any holder of the fd.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field;
 *  -ENODEV the resource was revoked;
 *  -EFAULT.
 */
struct genode_ioport_info {
	__u32 argsz;
	__u32 flags;
	__u32 base;
	__u32 size;
	__u32 attrs;
	__u32 __reserved;
};

/*
 * A kernel driver holds (part of) the range too; it was handed out because
 * the allow list contains it, and /proc/ioports shows the driver's entry.
 */
#define GENODE_IOPORT_ATTR_KERNEL_HELD	_BITUL(0)
/* An IO BAR of a claimed device (GENODE_IOPORT_BAR). */
#define GENODE_IOPORT_ATTR_BAR		_BITUL(1)

#define GENODE_IOPORT_INFO	_IO(GENODE_IOCTL_TYPE, 0x12)
/* ==================================================================== */
/* PCI devices: 0x20-0x3f                                               */
/* ==================================================================== */

#define GENODE_FEATURE_PCI	_BITULL(3)	/* GENODE_PCI_* */

/**
 * GENODE_PCI_CLAIM - _IO(GENODE_IOCTL_TYPE, 0x20), struct genode_pci_claim
 *
 * Claim the PCI function domain:bus:devfn for this session and return it
 * as a device fd.  The module binds the function to its own PCI driver
 * "genode" (through driver_override, as vfio-pci is bound), enables it,
 * switches its bus mastering off (whatever firmware or the last driver
 * left) and requests all its BARs.  A function that the administrator assigned
 * to the module before (module parameter ids=, or driver_override and
 * drivers_probe in sysfs) is taken as it is and stays bound to "genode"
 * after its release; any other function is unbound again on release.
 *
 * The device fd is released on GENODE_REVOKE of it, or when its last
 * reference goes (the fd, and every IO-memory region of one of its BARs,
 * hold one), in this order: the device's interrupts are switched off, its
 * BAR mappings are revoked, bus mastering is cleared, the function is
 * reset if it has a reset method, its DMA memory is freed (or kept in
 * quarantine if it could not be reset: see the threat model above), its
 * BARs are released and the function is disabled, and the driver is
 * unbound.
 *
 * In:  argsz, flags (must be 0), domain, bus (0..255), devfn (0..255:
 *      device << 3 | function).
 * Out: fd, the device fd (O_CLOEXEC).
 *
 * Who may call: any session for a function the administrator assigned to
 * the module; for any other, a caller with CAP_SYS_RAWIO (the claim binds
 * it, as the administrator would).
 * Return: 0 on success;
 *  -EPERM  the function is not assigned to the module and the caller
 *          lacks CAP_SYS_RAWIO;
 *  -EINVAL bad argsz or flags, bus or devfn above 255, or the function
 *          is part of the platform: a bridge (its header type is not 0,
 *          or its base class is 0x06: host, ISA/LPC and other bridges)
 *          or an IOMMU (class 0x0806);
 *  -ENODEV there is no such function;
 *  -EBUSY  another driver is bound to the function, driver_override names
 *          another driver, a session holds it already, a kernel driver
 *          holds one of its BARs, the DMA of its IOMMU group is owned
 *          (by an IOMMU domain, GENODE_IOMMU_ATTACH, or by VFIO), or the
 *          function has memory in quarantine while the quarantine is
 *          full (quarantine_mb) and the caller lacks CAP_SYS_RAWIO;
 *  -EMFILE, -ENFILE, -ENOMEM, -EFAULT as usual; an error of
 *          pci_enable_device().
 */
struct genode_pci_claim {
	__u32 argsz;
	__u32 flags;
	__u32 domain;
	__u32 bus;
	__u32 devfn;
	__s32 fd;
};

#define GENODE_PCI_CLAIM	_IO(GENODE_IOCTL_TYPE, 0x20)

/* One entry of GENODE_PCI_LIST. */
struct genode_pci_function {
	__u32 domain;
	__u8 bus;
	__u8 devfn;
	__u16 flags;		/* GENODE_PCI_FUNCTION_* */
};

/*
 * The administrator assigned the function to the module (ids=, or
 * driver_override "genode"): any session may claim it.
 */
#define GENODE_PCI_FUNCTION_ASSIGNED	_BITUL(0)
/* a session holds the function (GENODE_PCI_CLAIM) */
#define GENODE_PCI_FUNCTION_CLAIMED	_BITUL(1)

/**
 * GENODE_PCI_LIST - _IO(GENODE_IOCTL_TYPE, 0x27), struct genode_pci_list
 *
 * The PCI functions that belong to the module: every function that the
 * administrator assigned to it, and every function a session claimed.  A
 * Genode platform driver's device list is made from it.  The answer is a
 * snapshot; claims and assignments may change right after it.
 *
 * In:  argsz, flags (must be 0), count (how many entries the array at
 *      functions has room for; 0 to ask for the number only), functions
 *      (a user pointer to an array of struct genode_pci_function),
 *      __reserved (must be 0).
 * Out: count, the number of such functions; the first min(count in,
 *      count out) of them written to the array, in the PCI core's order
 *      (by domain, bus, devfn).
 *
 * Who may call: any session (the same facts are in sysfs for everyone).
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field;
 *  -ENOMEM, -EFAULT as usual.
 */
struct genode_pci_list {
	__u32 argsz;
	__u32 flags;
	__u32 count;
	__u32 __reserved;
	__aligned_u64 functions;
};

#define GENODE_PCI_LIST		_IO(GENODE_IOCTL_TYPE, 0x27)
/* GENODE_PCI_LIST */
#define GENODE_FEATURE_PCI_LIST	_BITULL(7)

/*
 * The ioctls on a device fd follow.  Any process that holds the fd may use
 * them.  Once the device was released (revoked, or unbound behind the
 * module's back through sysfs or by hot removal), each of them fails with
 * -ENODEV.  Each fails with -EINVAL on a bad argsz, unknown flags or a
 * nonzero reserved field, and with -EFAULT on a bad pointer.
 */

/**
 * GENODE_PCI_INFO - _IO(GENODE_IOCTL_TYPE, 0x21), struct genode_pci_info
 *
 * The identity of the claimed function and its interrupt capabilities.
 *
 * In:  argsz, flags (must be 0), __reserved (must be 0).
 * Out: caps (GENODE_PCI_CAP_*), domain, bus, devfn, revision, irq_pin
 *      (0: none, 1..4: INTA..INTD), vendor, device, subsystem_vendor,
 *      subsystem_device, class_code (base class << 16 | subclass << 8 |
 *      programming interface), msi_vectors and msix_vectors (how many
 *      vectors the MSI and MSI-X capabilities offer, 0 without the
 *      capability), cfg_size (256 or 4096: the size of config space).
 *
 * Return: 0, or an error listed above.
 */
struct genode_pci_info {
	__u32 argsz;
	__u32 flags;
	__u32 caps;
	__u32 domain;
	__u8 bus;
	__u8 devfn;
	__u8 revision;
	__u8 irq_pin;
	__u16 vendor;
	__u16 device;
	__u16 subsystem_vendor;
	__u16 subsystem_device;
	__u32 class_code;
	__u32 msi_vectors;
	__u32 msix_vectors;
	__u32 cfg_size;
	__u32 __reserved;
};

/* an IOMMU translates the device's DMA (bus addresses are not physical) */
#define GENODE_PCI_CAP_IOMMU	_BITUL(0)
/* GENODE_PCI_RESET can reset the function */
#define GENODE_PCI_CAP_RESET	_BITUL(1)
/* the function is PCI Express */
#define GENODE_PCI_CAP_PCIE	_BITUL(2)
/*
 * The function's DMA is isolated: an IOMMU translates it, its MSIs are
 * isolated (GENODE_PCI_CAP_MSI_ISOLATED), and its IOMMU group has no other
 * member, so it shares its DMA domain with no other device (a kernel
 * driver's included) and reaches only the buffers allocated for it.
 * GENODE_PCI_CAP_IOMMU without this flag: the addresses are translated,
 * but the domain is the group's, shared with the other functions in it
 * (those of a multi-function device without ACS, or behind a PCIe-to-PCI
 * bridge), which may also reach each other without the IOMMU; or writes
 * to the MSI window (0xfee00000 on x86, which no DMA remapping
 * translates) can raise any interrupt on any CPU.
 */
#define GENODE_PCI_CAP_ISOLATED	_BITUL(3)
/*
 * The function's MSIs are isolated: interrupt remapping (or an MSI
 * controller that tells devices apart) lets its writes to the MSI window
 * raise only the interrupts the kernel gave it.
 */
#define GENODE_PCI_CAP_MSI_ISOLATED	_BITUL(4)

#define GENODE_PCI_INFO		_IO(GENODE_IOCTL_TYPE, 0x21)

/**
 * GENODE_PCI_BAR_INFO - _IO(GENODE_IOCTL_TYPE, 0x22), struct genode_pci_bar_info
 *
 * One entry of the function's BAR table.  A BAR that is not implemented,
 * and the upper half of a 64-bit BAR, read as size 0 and bar_flags 0.
 *
 * In:  argsz, flags (must be 0), index (0..5).
 * Out: bar_flags (GENODE_PCI_BAR_*), addr (the CPU physical address of a
 *      memory BAR, the port number of an IO BAR), size (in bytes).
 *
 * Return: 0; -EINVAL index above 5; or an error listed above.
 */
struct genode_pci_bar_info {
	__u32 argsz;
	__u32 flags;
	__u32 index;
	__u32 bar_flags;
	__aligned_u64 addr;
	__aligned_u64 size;
};

#define GENODE_PCI_BAR_MEM	_BITUL(0)	/* memory space */
#define GENODE_PCI_BAR_IO	_BITUL(1)	/* IO space */
#define GENODE_PCI_BAR_64	_BITUL(2)	/* a 64-bit memory BAR */
#define GENODE_PCI_BAR_PREFETCH	_BITUL(3)	/* prefetchable memory */

#define GENODE_PCI_BAR_INFO	_IO(GENODE_IOCTL_TYPE, 0x22)

/**
 * GENODE_PCI_CONFIG_READ - _IO(GENODE_IOCTL_TYPE, 0x23), struct genode_pci_config
 * GENODE_PCI_CONFIG_WRITE - _IO(GENODE_IOCTL_TYPE, 0x24), struct genode_pci_config
 *
 * Read or write the function's config space: width 1, 2 or 4 bytes at an
 * offset aligned to the width, within the first cfg_size bytes (see
 * GENODE_PCI_INFO).  Reads reach every register.  Writes follow an allow
 * list, as vfio-pci's do: a bit is writable only if it is listed here,
 * and a write fails with -EPERM and writes nothing if it
 *  - touches a byte of the BAR registers (0x10-0x27), of the expansion
 *    ROM BAR (0x30-0x33), of the MSI or MSI-X capability (the kernel
 *    programs them), of a standard capability this list does not name, or
 *    of an extended capability other than AER, vendor-specific and device
 *    serial number (so SR-IOV, Resizable BAR, ACS, ATS, PRI, PASID and
 *    the rest are read-only), even with the value it holds;
 *  - or changes a bit that is not writable (writing a read-only bit as it
 *    is, for a wider write, is fine).
 * Writable are: in the header, the command register but IO space, memory
 * space and bus master (bits 0, 1 and 2: decoding is on while the device
 * is claimed, bus mastering is GENODE_PCI_BUS_MASTER's) and INTx disable
 * (bit 10, the IRQ ioctls': the kernel sets and clears it at any time, so
 * a write's value for it is ignored, never refused, and the write keeps
 * the bit as it is at that moment), the status register (its error bits are
 * write-1-to-clear), cache line size, latency timer and interrupt line;
 * power management: PME enable and PME status (not the power state);
 * PCI Express: in device control the error reporting enables, relaxed
 * ordering, extended tags, aux power, no snoop and max read request size
 * (not the max payload size, phantom functions or FLR: reset is
 * GENODE_PCI_RESET's), the error bits of device status, and the
 * completion timeout of device control 2; VPD address and data; the
 * body of vendor-specific capabilities; AER's registers; and the bytes of
 * the first 256 that lie in no capability (device-specific registers).
 * Never a capability's ID or next pointer.  Under kernel lockdown
 * (LOCKDOWN_PCI_ACCESS, as for config writes through sysfs) every write
 * fails with -EPERM.
 *
 * In:  argsz, flags (must be 0), offset, width (1, 2 or 4), value (write:
 *      in the low width bytes, the rest must be 0), __reserved (must be 0).
 * Out: value (read).
 *
 * Return: 0; -EINVAL bad width, unaligned offset, offset beyond config
 *  space, or a write value wider than width; -EPERM see above; or an
 *  error listed above.
 */
struct genode_pci_config {
	__u32 argsz;
	__u32 flags;
	__u32 offset;
	__u32 width;
	__u32 value;
	__u32 __reserved;
};

#define GENODE_PCI_CONFIG_READ	_IO(GENODE_IOCTL_TYPE, 0x23)
#define GENODE_PCI_CONFIG_WRITE	_IO(GENODE_IOCTL_TYPE, 0x24)

/**
 * GENODE_PCI_BUS_MASTER - _IO(GENODE_IOCTL_TYPE, 0x25), struct genode_pci_bus_master
 *
 * Switch the function's bus mastering (its DMA, and with it MSI) on or
 * off.  Unless the function's DMA is isolated (GENODE_PCI_CAP_ISOLATED),
 * it reaches all memory (no IOMMU) or what the kernel mapped for the other
 * devices of its IOMMU group, so switching it on then needs
 * CAP_SYS_RAWIO, as VFIO's no-IOMMU mode does, and is refused under kernel
 * lockdown (LOCKDOWN_PCI_ACCESS).  Switching it off needs nothing.  It is
 * switched off when the device is released, and when a kernel driver
 * binds to another function of the device's IOMMU group (before that
 * driver's probe, so that the device reaches nothing the driver maps; the
 * group is shared from then on, so switching it on again needs
 * CAP_SYS_RAWIO).
 *
 * In:  argsz, flags (must be 0), enable (0 or 1), __reserved (must be 0).
 *
 * Return: 0; -EINVAL enable is neither 0 nor 1; -EPERM not isolated, and
 *  no CAP_SYS_RAWIO or the kernel is locked down; or an error listed
 *  above.
 */
struct genode_pci_bus_master {
	__u32 argsz;
	__u32 flags;
	__u32 enable;
	__u32 __reserved;
};

#define GENODE_PCI_BUS_MASTER	_IO(GENODE_IOCTL_TYPE, 0x25)

/**
 * GENODE_PCI_RESET - _IO(GENODE_IOCTL_TYPE, 0x26), struct genode_pci_reset
 *
 * Reset the function with the best method the kernel knows for it
 * (function level reset, Advanced Features FLR, power management reset,
 * a secondary bus reset when it is alone on its bus, ...).  Its config
 * space is saved before and restored after the reset, so BARs, decoding
 * and bus mastering are as before; the device's own state is reset.
 * Decoding is off during the reset, and an access to a BAR then would end
 * in an unsupported request (fatal on some machines): so every mapping of
 * the device's BAR regions is zapped first, and an access through one
 * waits in its page fault until the reset is over.
 *
 * In:  argsz, flags (must be 0).
 *
 * Return: 0; -ENOTTY the function has no reset method (GENODE_PCI_CAP_RESET
 *  is clear); -EAGAIN the kernel holds the device's lock right now, try
 *  again; an error of the reset itself; or an error listed above.
 */
struct genode_pci_reset {
	__u32 argsz;
	__u32 flags;
};

#define GENODE_PCI_RESET	_IO(GENODE_IOCTL_TYPE, 0x26)

/* ==================================================================== */
/* IO memory: 0x40-0x4f                                                 */
/* ==================================================================== */

#define GENODE_FEATURE_IOMEM	_BITULL(2)	/* GENODE_IOMEM_* */

/**
 * GENODE_IOMEM_REQUEST - _IO(GENODE_IOCTL_TYPE, 0x40), struct genode_iomem_request
 *
 * Obtain IO memory as a region fd that can be mapped (shared, readable,
 * writable, never executable) with the cache attribute asked for here.
 * Two kinds:
 *
 *  - a memory BAR of a claimed PCI device (GENODE_IOMEM_BAR): device_fd is
 *    the device fd, bar its index; base and size must be 0, the region is
 *    the whole BAR.  Each BAR of a claimed device can be requested by one
 *    region at a time.  The region holds the device: the device is not
 *    released before the region is, and a revoked or released device
 *    revokes its regions first.
 *  - a physical range [base, base + size) for a device that is not PCI
 *    (a boot framebuffer, a platform device): device_fd must be
 *    GENODE_NO_DEVICE and bar 0.
 *    Needs CAP_SYS_RAWIO, and is refused under kernel lockdown as
 *    /dev/mem is.  A physical range is memory no one else owns:
 *     - never System RAM, and never the interrupt address range
 *       [0xfee00000, 0xfeefffff] (where MSI writes go and the local
 *       APICs' registers are), whatever the allow list says;
 *     - never a memory BAR of a PCI function, claimed or not (a BAR is
 *       had by claiming its device, GENODE_IOMEM_BAR), except for the
 *       boot framebuffer's pages (GENODE_INFO's fb_base and fb_size);
 *     - not a range that a kernel driver holds (a busy region in
 *       /proc/iomem) or the firmware reserved (e820 "Reserved" in
 *       /proc/iomem: its tables, the BIOS flash, chipset registers),
 *       unless the administrator's allow list (module parameter "allow",
 *       "mem:" entries) covers it.
 *    The allow list must cover all pages the range touches.  While the
 *    region lives, its pages show as "genode" in /proc/iomem (unless only
 *    the allow list let them through), so no driver can claim them.
 *    System RAM is checked when the region is requested: a range that
 *    only the allow list let through holds nothing in /proc/iomem, so
 *    nothing keeps its owner from turning it into RAM later (memory
 *    hot-add by virtio-mem, dax/kmem or a memory device's driver), and
 *    the region would then map the kernel's memory.  The allow list must
 *    therefore never name a range that can become RAM.
 *
 * Ranges need not be page aligned: the pages that a range touches are
 * mapped (and the checks above apply to all of them), and GENODE_IOMEM_INFO
 * reports where the range starts in its first page.  A page belongs to at
 * most one region at a time: -EBUSY for a range that shares a page with
 * another session's (or this session's) region.
 *
 * In:  argsz, flags (GENODE_IOMEM_*), base, size, device_fd, bar,
 *      __reserved (must be 0).
 * Out: fd, the region fd (O_CLOEXEC).
 *
 * Who may call: any session; for a BAR, the caller needs the device fd.
 * Return: 0 on success;
 *  -EINVAL bad argsz or unknown flags; a zero size; base + size wraps or
 *          lies beyond the physical address space; a BAR request with a
 *          nonzero base or size or a bar above 5; GENODE_IOMEM_WC for a BAR
 *          that holds the MSI-X table or PBA (the kernel's mapping of the
 *          table must stay uncached); a physical request with a
 *          device_fd other than GENODE_NO_DEVICE or a nonzero bar;
 *          device_fd is no device fd;
 *  -EBADF  device_fd is not open;
 *  -ENXIO  the BAR is not implemented or is not a memory BAR;
 *  -EPERM  another session holds the device of device_fd;
 *          the range touches System RAM or the interrupt address
 *          range; no CAP_SYS_RAWIO for a physical
 *          range; the kernel is locked down (physical ranges:
 *          LOCKDOWN_DEV_MEM, BARs: LOCKDOWN_PCI_ACCESS);
 *  -EBUSY  a page of it belongs to another region; a BAR that does not
 *          fill its pages, and something else (another device's BAR, a
 *          driver) has some of the rest of them (the rest is requested
 *          as "genode-pad" in /proc/iomem while the region lives, as
 *          vfio-pci does); a physical range touches a memory BAR of a
 *          PCI function outside the boot framebuffer; a kernel driver
 *          holds part of it or the firmware reserved it (or it straddles
 *          the boundary of a range in /proc/iomem) and the allow list
 *          does not cover it; or the
 *          write-combined memory type cannot be set: another mapping of it
 *          uses another type, or the range is not held by this region
 *          (a range that only the allow list let through is uncached);
 *          physical ranges also when the kernel has no memory for the
 *          range's entry in /proc/iomem (request_mem_region() reports it
 *          as it reports a conflict);
 *  -ENODEV the device was released;
 *  -EMFILE, -ENFILE, -ENOMEM, -EFAULT as usual.
 */
struct genode_iomem_request {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 base;
	__aligned_u64 size;
	__s32 device_fd;
	__u32 bar;
	__s32 fd;
	__u32 __reserved;
};

/* map write-combined; without it the region is mapped uncached */
#define GENODE_IOMEM_WC		_BITUL(0)
/* a BAR of a claimed device (device_fd, bar), not a physical range */
#define GENODE_IOMEM_BAR	_BITUL(1)

#define GENODE_IOMEM_REQUEST	_IO(GENODE_IOCTL_TYPE, 0x40)

/**
 * GENODE_IOMEM_INFO - _IO(GENODE_IOCTL_TYPE, 0x41), struct genode_iomem_info
 *
 * Where a region is and how to map it.  mmap() of the region fd maps the
 * pages the region touches: file offset 0 is its first page (the one that
 * holds phys), and offset plus length must not exceed map_size.  The
 * region's first byte is at page_offset in the mapping of offset 0.
 * mmap() fails with -EINVAL beyond map_size or without MAP_SHARED, and
 * with -EPERM with PROT_EXEC (nor can mprotect() add it later: EACCES).
 * The pages are mapped on access; once the region is revoked, every
 * access through any of its mappings raises SIGBUS.
 *
 * In:  argsz, flags (must be 0).
 * Out: attrs (the GENODE_IOMEM_WC and GENODE_IOMEM_BAR flags it was
 *      requested with), bar (its BAR index, or 0 for a physical range),
 *      phys (the physical address of its first byte), size (its size in
 *      bytes), map_size (the bytes its pages span, a multiple of the page
 *      size), page_offset (phys modulo the page size).
 *
 * Return: 0; -EINVAL bad argsz, flags; -ENODEV revoked; -EFAULT.
 */
struct genode_iomem_info {
	__u32 argsz;
	__u32 flags;
	__u32 attrs;
	__u32 bar;
	__aligned_u64 phys;
	__aligned_u64 size;
	__aligned_u64 map_size;
	__aligned_u64 page_offset;
};

#define GENODE_IOMEM_INFO	_IO(GENODE_IOCTL_TYPE, 0x41)
/* ==================================================================== */
/* IRQs: 0x50-0x5f                                                      */
/* ==================================================================== */

/*
 * An IRQ fd stands for one interrupt source: a legacy line (an x86 GSI),
 * or the INTx, one MSI vector or one MSI-X vector of a PCI device claimed
 * through this session.  It follows Genode's Irq_session:
 *
 *  - read() of 8 bytes (a __u64) blocks until at least one interrupt has
 *    arrived and returns the number that arrived since the last read;
 *    with O_NONBLOCK it fails with EAGAIN instead of blocking.  A buffer
 *    shorter than 8 bytes: EINVAL.  Each interrupt is returned by exactly
 *    one read, also when several threads read the same fd.
 *  - poll/select/epoll report the fd readable (POLLIN) while interrupts
 *    are waiting to be read, and always writable (POLLOUT).
 *  - An ack re-arms the source: write() of the 8-byte value 1, or
 *    GENODE_IRQ_ACK.  Level-triggered lines and INTx are masked when an
 *    interrupt arrives and stay masked until the ack; an interrupt that is
 *    still or again pending then is reported after the ack, not lost.
 *    Edge-triggered lines, MSI and MSI-X are not masked by an interrupt:
 *    every interrupt is counted, and the ack only counts.  An ack with
 *    nothing to re-arm is harmless.
 *  - Optionally an eventfd is signalled instead (GENODE_IRQ_SET_EVENTFD).
 *  - Revocation or the last close frees the interrupt with the source
 *    masked; readers and pollers are woken: read() then fails with ENODEV,
 *    poll reports POLLERR | POLLHUP.  The release of a PCI device (its
 *    device fd revoked, or the function unbound) turns its interrupts off
 *    first, before bus mastering, in the same way: its IRQ fds then fail
 *    every operation with ENODEV until they are closed.  An IRQ fd keeps
 *    the claim of its device alive while the device fd is merely closed.
 *  - MSI and MSI-X are memory writes: they arrive only while bus mastering
 *    is on (GENODE_PCI_BUS_MASTER).
 *
 * Ownership is exclusive: a line that a kernel driver (or another
 * session) holds is refused with EBUSY.  Only INTx of a device that
 * supports masking in its command register (PCI 2.3 Interrupt Disable) is
 * requested as a shared line, since only then can the handler tell and
 * silence its own device.
 */
#define GENODE_FEATURE_IRQ	_BITULL(4)	/* GENODE_IRQ_* */

/* Sources, struct genode_irq_request.source */
#define GENODE_IRQ_SOURCE_LEGACY	0	/* a GSI: line */
#define GENODE_IRQ_SOURCE_INTX		1	/* INTx of device_fd */
#define GENODE_IRQ_SOURCE_MSI		2	/* MSI vector of device_fd */
#define GENODE_IRQ_SOURCE_MSIX		3	/* MSI-X vector of device_fd */

/* Flags of struct genode_irq_request, for GENODE_IRQ_SOURCE_LEGACY only */
#define GENODE_IRQ_TRIGGER_EDGE		_BITUL(0)
#define GENODE_IRQ_TRIGGER_LEVEL	_BITUL(1)
#define GENODE_IRQ_POLARITY_HIGH	_BITUL(2)
#define GENODE_IRQ_POLARITY_LOW		_BITUL(3)

/**
 * GENODE_IRQ_REQUEST - _IO(GENODE_IOCTL_TYPE, 0x50),
 *                      struct genode_irq_request
 *
 * Take an interrupt source and return an IRQ fd for it (see above).
 *
 * In:  argsz;
 *      flags: for LEGACY, at most one of GENODE_IRQ_TRIGGER_EDGE and
 *             _LEVEL and at most one of GENODE_IRQ_POLARITY_HIGH and _LOW;
 *             an attribute not given is the one the line is configured
 *             with (by the firmware for ISA lines, by the PCI core for a
 *             device's INTx pin), or for a line nobody has configured yet
 *             edge/high for GSIs 0-15 (ISA) and level/low above (PCI);
 *             for the other sources 0 (the kernel knows how INTx and MSI
 *             are signalled);
 *      source: GENODE_IRQ_SOURCE_*;
 *      line: LEGACY: the GSI (the ISA IRQ where no ACPI interrupt source
 *            override moves it: ISA IRQ 0 is GSI 2 on PCs); otherwise 0;
 *      device_fd: INTX, MSI, MSIX: a device fd claimed by this session;
 *            LEGACY: GENODE_NO_DEVICE;
 *      vector: MSI, MSIX: the index of the vector; otherwise 0;
 *      num_vectors: MSI, MSIX: how many vectors to enable on the device if
 *            none are enabled yet (1 up to what the device has), or 0 to
 *            use those already enabled; while any vector fd of the device
 *            is open, only 0 or the number enabled is accepted;
 *            otherwise 0.
 * Out: fd, the IRQ fd (O_CLOEXEC).
 *
 * Who may call: any session for INTX, MSI and MSI-X; LEGACY needs
 * CAP_SYS_RAWIO.
 * Return: 0 on success;
 *  -EINVAL   bad argsz, unknown flags, trigger or polarity flags that
 *            contradict each other or are given for a PCI source, an
 *            unknown source, a nonzero field the source does not use
 *            (LEGACY: a device_fd other than GENODE_NO_DEVICE), a
 *            line beyond the kernel's interrupt numbers, a vector at or
 *            beyond num_vectors (or what is enabled), num_vectors above
 *            what the device supports or 0 while none are enabled, or
 *            device_fd not a device fd;
 *  -EBADF    device_fd is not open;
 *  -EPERM    device_fd belongs to another session; LEGACY: the caller
 *            lacks CAP_SYS_RAWIO;
 *  -EBUSY    the line is held by a kernel driver or another IRQ fd, or is
 *            configured (by the firmware or its holder) with another
 *            trigger mode or polarity; LEGACY: the line is the INTx line
 *            of a device bound to genode.ko (claimed by any session, or
 *            assigned by the administrator), which only INTX serves;
 *            INTX: a legacy IRQ fd holds the line; the vector is held
 *            by another IRQ fd; the device has another kind of
 *            interrupt (INTx, MSI, MSI-X) enabled, or a different number
 *            of vectors.  A refusal leaves nothing in the kernel log;
 *  -ENXIO    no interrupt controller serves the line;
 *  -ENOSPC   the device cannot have num_vectors vectors now, or no CPU
 *            has an interrupt vector left for this one (x86: about 200
 *            per CPU, for all devices);
 *  -ENODEV   the device fd was revoked;
 *  -EOPNOTSUPP the device has no such kind of interrupt; or the line's
 *            interrupt controller sits on a slow bus (irq_bus_lock), so
 *            that the ack could not unmask it with interrupts off (no
 *            x86 controller does);
 *  -ENOMEM, -EMFILE, -ENFILE, -EFAULT.
 */
struct genode_irq_request {
	__u32 argsz;
	__u32 flags;
	__u32 source;
	__u32 line;
	__s32 device_fd;
	__u32 vector;
	__u32 num_vectors;
	__s32 fd;
};

#define GENODE_IRQ_REQUEST	_IO(GENODE_IOCTL_TYPE, 0x50)

/**
 * GENODE_IRQ_ACK - _IO(GENODE_IOCTL_TYPE, 0x51), struct genode_irq_ack
 *
 * On an IRQ fd: acknowledge the interrupts reported so far and re-arm the
 * source, as a write() of the 8-byte value 1 does.  With
 * GENODE_IRQ_ACK_WAIT (GENODE_FEATURE_IRQ_ACK_WAIT) it then waits as
 * read() does and returns the count read() would, so that a driver's
 * interrupt loop costs one system call per interrupt: ack the last one
 * and wait for the next.  An ack re-arms only a level-triggered source
 * (GENODE_IRQ_STATE_LEVEL in GENODE_IRQ_GET_INFO); for the others it is
 * counted and does nothing else, and a caller may leave it out.
 *
 * In:  argsz, flags (0 or GENODE_IRQ_ACK_WAIT).
 * Out: count, with GENODE_IRQ_ACK_WAIT (argsz must cover it).
 *
 * Who may call: whoever holds the IRQ fd.
 * Return: 0 on success; -EINVAL bad argsz or flags;
 *  -ENODEV revoked, or its device released; with GENODE_IRQ_ACK_WAIT
 *  after the ack: -EAGAIN (an O_NONBLOCK fd, none pending), -EINTR (a
 *  signal; wait again with read(), the ack is done), -EFAULT (count is
 *  not writable; the interrupts stay pending).
 */
struct genode_irq_ack {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 count;
};

/* wait for the next interrupts after the ack, as read() does */
#define GENODE_IRQ_ACK_WAIT	_BITUL(0)

#define GENODE_IRQ_ACK		_IO(GENODE_IOCTL_TYPE, 0x51)
/* GENODE_IRQ_ACK takes GENODE_IRQ_ACK_WAIT */
#define GENODE_FEATURE_IRQ_ACK_WAIT	_BITULL(11)

/**
 * GENODE_IRQ_SET_EVENTFD - _IO(GENODE_IOCTL_TYPE, 0x52),
 *                          struct genode_irq_set_eventfd
 *
 * On an IRQ fd: signal an eventfd for each interrupt instead of counting
 * it for read(), or stop doing so.  Interrupts counted before stay
 * readable.  The ack is still made on the IRQ fd.  The IRQ fd holds a
 * reference to the eventfd until it is replaced, detached or revoked.
 *
 * In:  argsz, flags (must be 0), eventfd (an eventfd, or -1 to detach),
 *      __reserved (must be 0).
 *
 * Who may call: whoever holds the IRQ fd.
 * Return: 0 on success;
 *  -EINVAL bad argsz, flags or reserved field, or eventfd is no eventfd;
 *  -EBADF  eventfd is not open;
 *  -ENODEV revoked, or its device released.
 */
struct genode_irq_set_eventfd {
	__u32 argsz;
	__u32 flags;
	__s32 eventfd;
	__u32 __reserved;
};

#define GENODE_IRQ_SET_EVENTFD	_IO(GENODE_IOCTL_TYPE, 0x52)

/* State bits of struct genode_irq_info */
#define GENODE_IRQ_STATE_LEVEL		_BITUL(0) /* masked until the ack */
#define GENODE_IRQ_STATE_ACK_MASKED	_BITUL(1) /* masked, awaiting ack */
#define GENODE_IRQ_STATE_USER_MASKED	_BITUL(2) /* GENODE_IRQ_MASK */
#define GENODE_IRQ_STATE_EVENTFD	_BITUL(3) /* an eventfd attached */
#define GENODE_IRQ_STATE_SHARED		_BITUL(4) /* the line is shared */

/**
 * GENODE_IRQ_GET_INFO - _IO(GENODE_IOCTL_TYPE, 0x53),
 *                       struct genode_irq_info
 *
 * On an IRQ fd: what it is and its counters.
 *
 * In:  argsz, flags (must be 0).
 * Out: source, line, vector (as requested); linux_irq (the kernel's
 *      number for it, as in /proc/interrupts); state (GENODE_IRQ_STATE_*);
 *      raised (interrupts the handler took for this source), delivered
 *      (returned by read() or signalled to the eventfd), acked (acks
 *      made, also those with nothing to re-arm), spurious (calls of the
 *      handler of a shared line when the device had not interrupted),
 *      pending (raised, not yet delivered); with
 *      GENODE_FEATURE_IRQ_MSI_MSG and an argsz that covers them, for an
 *      MSI or MSI-X vector the message the kernel programmed into the
 *      device for it: msi_address (address high << 32 | address low)
 *      and msi_data, as they are in the MSI capability or the MSI-X table
 *      entry now (with interrupt remapping, in the remappable format);
 *      0 and 0 for other sources.  A driver that programs MSI itself
 *      (Genode's platform driver does) writes exactly this, so that the
 *      interrupt arrives where the kernel expects it.
 *
 * Who may call: whoever holds the IRQ fd.
 * Return: 0 on success; -EINVAL bad argsz, flags or reserved field;
 *  -ENODEV revoked, or its device released.
 */
struct genode_irq_info {
	__u32 argsz;
	__u32 flags;
	__u32 source;
	__u32 line;
	__u32 vector;
	__u32 linux_irq;
	__u32 state;
	__u32 __reserved;
	__aligned_u64 raised;
	__aligned_u64 delivered;
	__aligned_u64 acked;
	__aligned_u64 spurious;
	__aligned_u64 pending;
	__aligned_u64 msi_address;
	__u32 msi_data;
	__u32 __reserved2;
};

#define GENODE_IRQ_GET_INFO	_IO(GENODE_IOCTL_TYPE, 0x53)
/* struct genode_irq_info has msi_address and msi_data */
#define GENODE_FEATURE_IRQ_MSI_MSG	_BITULL(9)

/**
 * GENODE_IRQ_MASK - _IO(GENODE_IOCTL_TYPE, 0x54), struct genode_irq_mask
 * GENODE_IRQ_UNMASK - _IO(GENODE_IOCTL_TYPE, 0x55), struct genode_irq_mask
 *
 * On an IRQ fd: mask or unmask this one source (one MSI or MSI-X vector,
 * or a line held exclusively), independent of the ack.  An interrupt
 * that arrives while masked is held back and reported after the unmask.
 * When MASK returns, the handler no longer runs for the source.  Masking
 * a masked source or unmasking an unmasked one does nothing.
 *
 * In:  argsz, flags (must be 0).
 *
 * Who may call: whoever holds the IRQ fd.
 * Return: 0 on success; -EINVAL bad argsz or flags; -ENODEV revoked, or
 *  its device released; -EOPNOTSUPP a shared INTx line, which only the
 *  ack masks.
 */
struct genode_irq_mask {
	__u32 argsz;
	__u32 flags;
};

#define GENODE_IRQ_MASK		_IO(GENODE_IOCTL_TYPE, 0x54)
#define GENODE_IRQ_UNMASK	_IO(GENODE_IOCTL_TYPE, 0x55)

/* ====================================================================== */
/* DMA buffers                                                            */
/* ====================================================================== */

/*
 * DMA buffers (GENODE_FEATURE_DMA), ioctls 0x60-0x6f
 *
 * A DMA buffer is RAM that a device can reach, handed out as a file
 * descriptor of its own (O_CLOEXEC, passable over SCM_RIGHTS) that the
 * caller mmap()s.  It is
 *  - physically contiguous, except for a device behind an IOMMU, where it
 *    is contiguous in the device's bus address space instead;
 *  - zeroed before it is handed out;
 *  - mapped with the cache attribute asked for, in every user mapping and
 *    in the kernel's own mapping of the memory (x86 PAT), so that no two
 *    mappings of it disagree;
 *  - charged to the session's DMA quota and, where the kernel allows
 *    (buffers up to 4 MiB on x86, and every buffer for a device behind an
 *    IOMMU), to the caller's memory cgroup as kernel memory; larger
 *    physically contiguous buffers come from alloc_contig_range(), which
 *    offers no cgroup charge: they are charged to the caller's locked
 *    memory (RLIMIT_MEMLOCK, VmLck in /proc/PID/status; none with
 *    CAP_IPC_LOCK) until they are freed, as vfio charges pinned pages;
 *  - backed by struct pages in every mapping, so a buffer can be the
 *    target of O_DIRECT, io_uring and other kernel I/O into user memory
 *    (io_uring's registered buffers take it on later kernels, 6.12
 *    tested; 6.1's refuse every file-backed mapping but shmem and
 *    hugetlbfs);
 *  - freed when the last fd and the last mapping of it are gone (or when
 *    the session that created it revokes it), and never while a device
 *    can still reach it.
 *
 * mmap() of a buffer fd: MAP_SHARED only (EINVAL otherwise), the whole
 * buffer or any page-aligned part of it (EINVAL beyond its end), never
 * executable: PROT_EXEC fails with EPERM, and mprotect() cannot add it
 * later (EACCES).  After
 * revocation every access through an old mapping faults with SIGBUS.
 *
 * Buffers larger than the buddy allocator's largest block (4 MiB on x86)
 * are taken from a free or movable range of RAM by migrating what is in
 * use there; this needs no CMA, but it can fail with ENOMEM when RAM is
 * fragmented by unmovable allocations, and it can take seconds.
 */
#define GENODE_FEATURE_DMA	_BITULL(5)

/* Cache attributes, Genode's Cache enum. */
#define GENODE_DMA_CACHED		0
#define GENODE_DMA_UNCACHED		1
#define GENODE_DMA_WRITE_COMBINED	2

/*
 * Output flags of struct genode_dma_alloc and struct genode_dma_info.
 *
 * GENODE_DMA_TRANSLATED:    an IOMMU translates the device's accesses;
 *                           bus_addr is an I/O virtual address and the
 *                           physical address is never reported.
 * GENODE_DMA_PHYS_WITHHELD: phys_addr is 0: an IOMMU translates, or the
 *                           caller lacks CAP_SYS_RAWIO.
 * GENODE_DMA_BUS_WITHHELD:  bus_addr is 0: it would be the physical
 *                           address and the caller lacks CAP_SYS_RAWIO.
 */
#define GENODE_DMA_TRANSLATED		_BITUL(0)
#define GENODE_DMA_PHYS_WITHHELD	_BITUL(1)
#define GENODE_DMA_BUS_WITHHELD		_BITUL(2)

/**
 * GENODE_DMA_ALLOC - _IO(GENODE_IOCTL_TYPE, 0x60), struct genode_dma_alloc
 *
 * Allocate a DMA buffer and return an fd for it.
 *
 * In:  argsz; flags (0 or GENODE_DMA_ALLOC_BELOW_4G, see below); size in
 *      bytes (rounded up to whole
 *      pages); cache (GENODE_DMA_CACHED, _UNCACHED or _WRITE_COMBINED);
 *      device_fd: GENODE_NO_DEVICE for a buffer for no device (its bus
 *      address is its physical address, and no IOMMU maps it), or the fd
 *      of a PCI device that this session has claimed: the buffer is then
 *      mapped for the device, below its DMA mask (GENODE_DMA_SET_MASK), at
 *      the address the device must use, and only that device (and no
 *      other session's) can reach it where an IOMMU translates.  The
 *      buffer belongs to the device: the device's release revokes it, and
 *      its memory is freed only when the device can no longer reach it:
 *      not before the device is released (closing the buffer earlier
 *      revokes it, but its memory and quota charge stay until then), and
 *      not at all while it is in quarantine (see the threat model).
 * Out: fd (the buffer, O_CLOEXEC); out_flags (GENODE_DMA_TRANSLATED,
 *      _PHYS_WITHHELD, _BUS_WITHHELD); bus_addr: the address the device
 *      uses for the first byte; phys_addr: the physical address of the
 *      first byte.  Both follow the rules of the output flags: the
 *      physical address goes only to a caller with CAP_SYS_RAWIO and
 *      never where an IOMMU translates.
 *
 * GENODE_DMA_ALLOC_BELOW_4G (GENODE_FEATURE_DMA_BELOW_4G) places a buffer
 * for no device entirely below 4 GiB, for a driver whose DMA window ends
 * there (Genode's platform driver hands out bus addresses in
 * [0x1000, 4 GiB)).  A buffer for a device is placed by the device's DMA
 * mask instead (GENODE_DMA_SET_MASK), so the flag is refused with one.
 *
 * The buffer counts against the session's DMA quota until it is freed or
 * goes into quarantine; a call that fails leaves the quota as it was.
 * The quota is the module parameter dma_quota_mb (MiB) as it was when the
 * session was opened (GENODE_DMA_QUOTA reports it).
 *
 * Who may call: any session.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, unknown flags, size 0, a size that overflows when
 *           rounded up to pages or exceeds the largest file offset,
 *           unknown cache attribute, device_fd open but no PCI device fd,
 *           GENODE_DMA_ALLOC_BELOW_4G with a device_fd other than
 *           GENODE_NO_DEVICE;
 *  -EBADF   device_fd is neither GENODE_NO_DEVICE nor an open fd;
 *  -EPERM   device_fd is a PCI device that this session does not hold;
 *  -ENODEV  the device was released;
 *  -EDQUOT  the buffer would exceed the session's DMA quota;
 *  -ENOMEM  no memory, no physically contiguous range of the size (below
 *           the device's mask, or 4 GiB), or no bus address range below
 *           the mask; or a buffer that is charged to locked memory would
 *           exceed the caller's RLIMIT_MEMLOCK; or a device that the
 *           kernel marks untrusted (external-facing, e.g. behind a
 *           Thunderbolt port) and a buffer whose pages are not physically
 *           contiguous: the IOMMU code maps each piece of such a device's
 *           buffers at an I/O virtual address of its own (so that it can
 *           bounce what does not fill its IOMMU pages), and the pieces
 *           then form no one range of bus addresses.  This fails safe;
 *           a smaller buffer is more likely to be contiguous;
 *  -EINTR   a fatal signal interrupted the search for a large range (the
 *           caller is being killed and never sees it; what the call
 *           took is given back);
 *  -EBUSY   the device's IOMMU group is attached to an IOMMU domain
 *           (GENODE_IOMMU_ATTACH), or its DMA is otherwise owned (VFIO):
 *           it is not the DMA API's;
 *  -EMFILE  no free fd;
 *  -ENFILE  no free file in the system;
 *  -EFAULT  the argument is not readable or writable.
 */
struct genode_dma_alloc {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 size;
	__u32 cache;
	__s32 device_fd;
	__s32 fd;
	__u32 out_flags;
	__aligned_u64 bus_addr;
	__aligned_u64 phys_addr;
};

/* Input flag of struct genode_dma_alloc: a buffer for no device below 4 GiB */
#define GENODE_DMA_ALLOC_BELOW_4G	_BITUL(0)

#define GENODE_DMA_ALLOC	_IO(GENODE_IOCTL_TYPE, 0x60)
/* GENODE_DMA_ALLOC takes GENODE_DMA_ALLOC_BELOW_4G */
#define GENODE_FEATURE_DMA_BELOW_4G	_BITULL(10)

/**
 * GENODE_DMA_QUOTA - _IO(GENODE_IOCTL_TYPE, 0x61), struct genode_dma_quota
 *
 * Report the session's DMA quota and how much of it its buffers use.
 * Memory is counted in whole pages, from allocation until it is freed.
 *
 * In:  argsz, flags (must be 0).
 * Out: limit and used, in bytes.
 *
 * Who may call: any session.
 * Return: 0 on success; -EINVAL bad argsz or flags; -E2BIG, -EFAULT.
 */
struct genode_dma_quota {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 limit;
	__aligned_u64 used;
};

#define GENODE_DMA_QUOTA	_IO(GENODE_IOCTL_TYPE, 0x61)

/**
 * GENODE_DMA_SET_MASK - _IO(GENODE_IOCTL_TYPE, 0x62), struct genode_dma_set_mask
 *
 * Set the DMA mask of a claimed PCI device: how many address bits it
 * drives.  Buffers allocated for the device afterwards lie entirely below
 * 2^bits in its bus address space; one that cannot be placed there fails
 * with ENOMEM.  (QEMU's edu drives 28 bits; the PCI core starts every
 * device at 32.)  The mask holds until it is set again or the device is
 * released; the release restores the masks the device had before the
 * claim, so the next driver finds what it would have found without us.
 *
 * In:  argsz, flags (must be 0), device_fd (a device fd of this session),
 *      bits (24 to 64).
 *
 * Who may call: the session that holds the device.
 * Return: 0 on success;
 *  -EINVAL  bad argsz or flags, bits below 24 or above 64, device_fd open
 *           but no PCI device fd;
 *  -EBADF   device_fd is not open;
 *  -EPERM   another session holds the device;
 *  -ENODEV  the device was released;
 *  -EBUSY   a buffer of the device lies above the new mask;
 *  -EIO     the platform cannot do DMA for the device with this mask
 *           (dma_set_mask() refused it; x86 with ZONE_DMA and its
 *           IOMMUs take every mask from 24 bits up, so there it is never
 *           returned).
 */
struct genode_dma_set_mask {
	__u32 argsz;
	__u32 flags;
	__s32 device_fd;
	__u32 bits;
};

#define GENODE_DMA_SET_MASK	_IO(GENODE_IOCTL_TYPE, 0x62)

/**
 * GENODE_DMA_INFO - _IO(GENODE_IOCTL_TYPE, 0x63), struct genode_dma_info
 *
 * An ioctl on a DMA buffer fd: describe the buffer, for instance to a
 * process that received the fd over a UNIX socket.  The address rules are
 * those of GENODE_DMA_ALLOC, applied to the caller.
 *
 * In:  argsz, flags (must be 0).
 * Out: size (bytes, a multiple of the page size), cache, out_flags,
 *      bus_addr, phys_addr.
 *
 * Who may call: whoever holds the fd.
 * Return: 0 on success; -EINVAL bad argsz or flags; -ENODEV the buffer
 *  was revoked; -E2BIG, -EFAULT.
 */
struct genode_dma_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 size;
	__u32 cache;
	__u32 out_flags;
	__aligned_u64 bus_addr;
	__aligned_u64 phys_addr;
};

#define GENODE_DMA_INFO		_IO(GENODE_IOCTL_TYPE, 0x63)

/* flags of struct genode_dma_sync: exactly one of them */
#define GENODE_DMA_SYNC_FOR_CPU		_BITUL(0)
#define GENODE_DMA_SYNC_FOR_DEVICE	_BITUL(1)

/* direction of struct genode_dma_sync */
#define GENODE_DMA_TO_DEVICE		1
#define GENODE_DMA_FROM_DEVICE		2
#define GENODE_DMA_BIDIRECTIONAL	3

/**
 * GENODE_DMA_SYNC - _IO(GENODE_IOCTL_TYPE, 0x64), struct genode_dma_sync
 *
 * An ioctl on a DMA buffer fd: hand a range of the buffer to the CPU
 * (after the device wrote it) or to the device (after the CPU wrote it),
 * as dma_sync_single_for_cpu()/_for_device() do.  On cache-coherent
 * systems (x86) it has nothing to do; portable drivers call it anyway.
 * A buffer for no device has no device to sync for: the call checks its
 * arguments and does nothing.
 *
 * In:  argsz; flags (GENODE_DMA_SYNC_FOR_CPU or _FOR_DEVICE); offset and
 *      length of the range in bytes; direction (GENODE_DMA_TO_DEVICE,
 *      _FROM_DEVICE, _BIDIRECTIONAL); __reserved (must be 0).
 *
 * Who may call: whoever holds the fd.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, flags, direction or reserved field, length 0, or
 *           a range not inside the buffer;
 *  -ENODEV  the buffer was revoked; -E2BIG, -EFAULT.
 */
struct genode_dma_sync {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 length;
	__u32 direction;
	__u32 __reserved;
};

#define GENODE_DMA_SYNC		_IO(GENODE_IOCTL_TYPE, 0x64)

/* ====================================================================== */
/* IOMMU domains                                                          */
/* ====================================================================== */

/*
 * IOMMU domains (GENODE_FEATURE_IOMMU), ioctls 0x70-0x7f
 *
 * An IOMMU domain is an I/O address space whose addresses the caller
 * chooses, as a microkernel's core does for a device PD (Genode's
 * Kernel_io_mmu) and as VFIO type1 does for QEMU.  It is a file
 * descriptor of its own (O_CLOEXEC, "genode-iommu" in /proc/PID/fd).
 * Devices of the session are attached to it, and DMA buffers of the
 * session are mapped into it at I/O virtual addresses (IOVAs) the caller
 * picks.  An attached device reaches exactly what is mapped in its
 * domain: no DMA buffer of another domain, of another session, or of the
 * kernel.  A DMA to an IOVA that is not mapped is blocked by the IOMMU
 * (a DMAR fault in the kernel log, nothing written).
 *
 * Ownership.  ATTACH takes the DMA ownership of the device's whole IOMMU
 * group from the kernel's DMA API (iommu_group_claim_dma_owner(), as
 * VFIO does), and DETACH or the end of the domain gives it back: the
 * group returns to its default domain.  So a device is either a DMA API
 * device (GENODE_DMA_ALLOC with its device_fd, buffers at bus addresses
 * the kernel picks) or a domain device, never both at once:
 * GENODE_DMA_ALLOC for a function of an attached group fails with EBUSY,
 * and ATTACH of a device whose group has a function with DMA buffers of
 * its own fails with EBUSY.  Buffers for a domain are allocated for no
 * device (device_fd GENODE_NO_DEVICE) and mapped with GENODE_IOMMU_MAP.
 * The whole group goes into the domain, so ATTACH follows VFIO's rule:
 * every other function of the group is unbound, or claimed by the same
 * session; and
 * while the group is attached, none of its functions can be claimed
 * (GENODE_PCI_CLAIM: EBUSY) or bound to a kernel driver that uses the
 * DMA API.  The other functions are in the domain through the group
 * without being attached themselves (ATTACH of one: EBUSY).
 *
 * Isolation.  A domain is isolating (GENODE_IOMMU_ISOLATING) when the
 * device it was allocated for has its MSIs isolated (interrupt
 * remapping), the condition VFIO type1 puts on its containers: without
 * it, a device's write to the MSI window raises any interrupt.  Bus
 * mastering (GENODE_PCI_BUS_MASTER) of an attached device needs no
 * privilege where its DMA is isolated (GENODE_PCI_CAP_ISOLATED: an
 * isolating domain, and the device alone in its group); elsewhere it
 * needs CAP_SYS_RAWIO, as for every device whose DMA is not isolated:
 * so also for the functions of a group of several, which can reach each
 * other peer to peer.  Allocating, attaching and mapping need no
 * privilege.
 *
 * Lifetime.  Each mapping holds its buffer: a mapped buffer's memory
 * stays allocated, and charged to the session's DMA quota, while a
 * mapping of it exists, even when the buffer fd is closed or revoked
 * (revocation still zaps every user mapping of it at once), and goes
 * back only after GENODE_IOMMU_UNMAP (or the end of the domain) has
 * removed it from the IOMMU and invalidated the IOTLB (iommu_unmap() on a
 * domain of our own flushes synchronously, whatever iommu.strict says).  The domain ends on
 * GENODE_REVOKE of its fd, or when its last fd goes (session close,
 * kill -9, in any order of fds): bus mastering of every attached device
 * off, the devices detached and their groups back to the kernel, every
 * mapping removed, and only then the pages released.  A device revoked or
 * unbound while attached is detached by its release, after bus
 * mastering is off and before its memory goes.  An attachment holds a
 * reference to the device fd, so that closing the device fd alone does
 * not end the claim while the device is attached.
 *
 * Without an IOMMU (intel_iommu=off), or for a device that no IOMMU
 * translates, GENODE_IOMMU_DOMAIN_ALLOC fails with ENODEV.
 */
#define GENODE_FEATURE_IOMMU	_BITULL(12)

/* out_flags of struct genode_iommu_domain_alloc */
#define GENODE_IOMMU_ISOLATING	_BITUL(0)	/* MSIs isolated, see above */

/**
 * GENODE_IOMMU_DOMAIN_ALLOC - _IO(GENODE_IOCTL_TYPE, 0x70),
 *			       struct genode_iommu_domain_alloc
 *
 * Allocate an empty IOMMU domain for the IOMMU of a claimed device and
 * return an fd for it.  Nothing is attached to it yet.
 *
 * In:  argsz, flags (must be 0), device_fd (a PCI device fd of this
 *      session; the domain is allocated for its IOMMU), __reserved (0).
 * Out: fd (the domain, O_CLOEXEC); out_flags (GENODE_IOMMU_ISOLATING);
 *      aperture_start and aperture_end (inclusive): the IOVAs a mapping
 *      may use; pgsize_bitmap: the page sizes the IOMMU maps (bit n set:
 *      2^n bytes), the smallest of them the granule of every IOVA, size
 *      and offset.
 *
 * Who may call: the session that holds the device.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, flags or reserved field, device_fd open but no PCI
 *           device fd;
 *  -EBADF   device_fd is not open;
 *  -EPERM   another session holds the device;
 *  -ENODEV  the device was released, or no IOMMU translates for it;
 *  -ENOMEM, -EMFILE, -ENFILE, -EFAULT.
 */
struct genode_iommu_domain_alloc {
	__u32 argsz;
	__u32 flags;
	__s32 device_fd;
	__s32 fd;
	__u32 out_flags;
	__u32 __reserved;
	__aligned_u64 aperture_start;
	__aligned_u64 aperture_end;
	__aligned_u64 pgsize_bitmap;
};

#define GENODE_IOMMU_DOMAIN_ALLOC	_IO(GENODE_IOCTL_TYPE, 0x70)

/**
 * GENODE_IOMMU_ATTACH - _IO(GENODE_IOCTL_TYPE, 0x71), struct genode_iommu_attach
 * GENODE_IOMMU_DETACH - _IO(GENODE_IOCTL_TYPE, 0x72), struct genode_iommu_attach
 *
 * Ioctls on a domain fd: attach a claimed device to the domain, or
 * detach it again.  ATTACH takes the DMA ownership of the device's IOMMU
 * group (see "Ownership" above) and switches the group to the domain;
 * DETACH switches bus mastering off, detaches the group and gives it
 * back to its default domain.  Both leave bus mastering off: the device
 * is turned on again with GENODE_PCI_BUS_MASTER once its mappings are in
 * place.  Mappings stay in the domain across both.
 *
 * In:  argsz, flags (must be 0), device_fd (a PCI device fd of the
 *      session that allocated the domain), __reserved (0).
 *
 * Who may call: whoever holds the domain fd, with a device fd of the
 * domain's session.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, flags or reserved field, device_fd open but no
 *           PCI device fd;
 *  -EBADF   device_fd is not open;
 *  -EPERM   the device belongs to another session than the domain;
 *  -ENODEV  the device was released, or the domain was revoked;
 *  -EBUSY   ATTACH: the device's group is attached to a domain already
 *           (this one or another, through this device or another
 *           function), a function of the group has DMA buffers of its
 *           own that are not revoked (GENODE_DMA_ALLOC with its
 *           device_fd; a closed one's memory stays mapped in the default
 *           domain until the device's release, out of use meanwhile),
 *           another function
 *           of the group is bound to a driver other than "genode" or
 *           claimed by another session, or the group's DMA is owned by
 *           someone else (VFIO, iommufd, a kernel driver);
 *  -EADDRNOTAVAIL  ATTACH: a mapping of the domain lies in a reserved
 *           region of the device's group (its MSI window, an RMRR that
 *           may not be relaxed: see GENODE_IOMMU_MAP);
 *  -ENOENT  DETACH: the device is not attached to this domain;
 *  -E2BIG, -EFAULT; ATTACH: -ENOMEM, or an error of the IOMMU driver
 *           (the group stays with its default domain).
 */
struct genode_iommu_attach {
	__u32 argsz;
	__u32 flags;
	__s32 device_fd;
	__u32 __reserved;
};

#define GENODE_IOMMU_ATTACH	_IO(GENODE_IOCTL_TYPE, 0x71)
#define GENODE_IOMMU_DETACH	_IO(GENODE_IOCTL_TYPE, 0x72)

/* flags of struct genode_iommu_map: the device's access, at least one */
#define GENODE_IOMMU_MAP_READ	_BITUL(0)	/* the device reads memory */
#define GENODE_IOMMU_MAP_WRITE	_BITUL(1)	/* the device writes memory */

/**
 * GENODE_IOMMU_MAP - _IO(GENODE_IOCTL_TYPE, 0x73), struct genode_iommu_map
 *
 * An ioctl on a domain fd: map [offset, offset + size) of a DMA buffer at
 * [iova, iova + size) of the domain, for the device to read, to write or
 * both.  The mapping holds a reference to each of its pages (see
 * "Lifetime" above).
 *
 * In:  argsz; flags (GENODE_IOMMU_MAP_READ, _WRITE, or both); dma_fd (a
 *      DMA buffer fd of the domain's session, allocated for no device:
 *      device_fd GENODE_NO_DEVICE); __reserved (0); offset, size, iova:
 *      multiples of the domain's smallest page size (pgsize_bitmap), size
 *      not 0.
 *
 * Who may call: whoever holds the domain fd, with a DMA buffer fd of the
 * domain's session.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, flags or reserved field, no access flag, size 0,
 *           offset, size or iova not page-aligned, a range not inside the
 *           buffer, dma_fd open but no DMA buffer fd, or a buffer that
 *           was allocated for a device;
 *  -EBADF   dma_fd is not open;
 *  -EPERM   the buffer belongs to another session than the domain;
 *  -ENODEV  the buffer or the domain was revoked;
 *  -ERANGE  [iova, iova + size) is not inside the domain's aperture;
 *  -EEXIST  it overlaps a mapping of the domain;
 *  -EADDRNOTAVAIL  it overlaps a reserved region (the MSI window, an
 *           RMRR) of a group attached to the domain; a direct region
 *           that the kernel may relax (a USB or graphics RMRR, the ISA
 *           bridge's window below 16 MiB) is free for mappings, as
 *           under VFIO;
 *  -ENOMEM, -E2BIG, -EFAULT.
 */
struct genode_iommu_map {
	__u32 argsz;
	__u32 flags;
	__s32 dma_fd;
	__u32 __reserved;
	__aligned_u64 offset;
	__aligned_u64 size;
	__aligned_u64 iova;
};

#define GENODE_IOMMU_MAP	_IO(GENODE_IOCTL_TYPE, 0x73)

/**
 * GENODE_IOMMU_UNMAP - _IO(GENODE_IOCTL_TYPE, 0x74), struct genode_iommu_unmap
 *
 * An ioctl on a domain fd: remove the mapping made at iova with size
 * (exactly one GENODE_IOMMU_MAP's range).  When it returns, the IOTLB is
 * invalidated and no device of the domain reaches the pages any more; a
 * transfer in flight to the range faults from then on.  The mapping's
 * page references are dropped after that.
 *
 * In:  argsz, flags (must be 0), iova, size.
 *
 * Who may call: whoever holds the domain fd.
 * Return: 0 on success;
 *  -EINVAL  bad argsz or flags;
 *  -ENOENT  no mapping starts at iova with this size;
 *  -ENODEV  the domain was revoked; -E2BIG, -EFAULT.
 */
struct genode_iommu_unmap {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 iova;
	__aligned_u64 size;
};

#define GENODE_IOMMU_UNMAP	_IO(GENODE_IOCTL_TYPE, 0x74)

/**
 * GENODE_IOMMU_DOMAIN_INFO - _IO(GENODE_IOCTL_TYPE, 0x75),
 *			      struct genode_iommu_domain_info
 *
 * An ioctl on a domain fd: what the domain is, and what it holds now.  A
 * process that was given the fd (SCM_RIGHTS) learns the domain's
 * aperture and page sizes from it, as its allocator did from
 * GENODE_IOMMU_DOMAIN_ALLOC; a holder can see that a device's release
 * detached it, or that nothing is mapped any more.
 *
 * In:  argsz, flags (must be 0), __reserved (0).
 * Out: out_flags (GENODE_IOMMU_ISOLATING), aperture_start, aperture_end
 *      and pgsize_bitmap, as GENODE_IOMMU_DOMAIN_ALLOC reported them;
 *      nr_attached: the devices attached now (ATTACH without DETACH,
 *      less those whose release detached them); nr_mappings and
 *      mapped_bytes: the mappings (GENODE_IOMMU_MAP without UNMAP) and
 *      the bytes they cover.
 *
 * Who may call: whoever holds the domain fd.
 * Return: 0 on success;
 *  -EINVAL  bad argsz, flags or reserved field;
 *  -ENODEV  the domain was revoked;
 *  -E2BIG, -EFAULT.
 */
struct genode_iommu_domain_info {
	__u32 argsz;
	__u32 flags;
	__u32 out_flags;
	__u32 nr_attached;
	__aligned_u64 aperture_start;
	__aligned_u64 aperture_end;
	__aligned_u64 pgsize_bitmap;
	__u32 nr_mappings;
	__u32 __reserved;
	__aligned_u64 mapped_bytes;
};

#define GENODE_IOMMU_DOMAIN_INFO	_IO(GENODE_IOCTL_TYPE, 0x75)

#endif /* _UAPI_GENODE_DEV_H */
