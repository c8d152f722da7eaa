// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libgenode_dev - a small C library over the /dev/genode ioctl ABI
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libgenode_dev.h"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int genode_session_open(const char *path)
{
	int fd = open(path ? path : GENODE_DEV_PATH, O_RDWR | O_CLOEXEC);
	uint32_t version;
	int ret;

	if (fd < 0)
		return neg_errno();
	ret = genode_query_info(fd, &version, NULL);
	if (!ret && version != GENODE_ABI_VERSION)
		ret = -EPROTO;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int genode_close(int fd)
{
	return close(fd) ? neg_errno() : 0;
}

int genode_query_info(int session, uint32_t *abi_version, uint64_t *features)
{
	struct genode_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (ioctl(session, GENODE_INFO, &info))
		return neg_errno();
	if (abi_version)
		*abi_version = info.abi_version;
	if (features)
		*features = info.features;
	return 0;
}

int genode_query_platform(int session, struct genode_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(session, GENODE_INFO, info))
		return neg_errno();
	return info->features & GENODE_FEATURE_PLATFORM ? 0 : -EOPNOTSUPP;
}

/* ---- IO ports ---- */

int genode_ioport_open(int session, uint16_t base, uint32_t size)
{
	struct genode_ioport_request req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.base = base;
	req.size = size;
	req.device_fd = GENODE_NO_DEVICE;
	if (ioctl(session, GENODE_IOPORT_REQUEST, &req))
		return neg_errno();
	return req.fd;
}

static int ioport_in(int fd, uint16_t port, void *value, size_t width)
{
	ssize_t n = pread(fd, value, width, port);

	if (n < 0)
		return neg_errno();
	return (size_t)n == width ? 0 : -EIO;
}

static int ioport_out(int fd, uint16_t port, const void *value, size_t width)
{
	ssize_t n = pwrite(fd, value, width, port);

	if (n < 0)
		return neg_errno();
	return (size_t)n == width ? 0 : -EIO;
}

int genode_ioport_inb(int fd, uint16_t port, uint8_t *value)
{
	return ioport_in(fd, port, value, sizeof(*value));
}

int genode_ioport_inw(int fd, uint16_t port, uint16_t *value)
{
	return ioport_in(fd, port, value, sizeof(*value));
}

int genode_ioport_inl(int fd, uint16_t port, uint32_t *value)
{
	return ioport_in(fd, port, value, sizeof(*value));
}

int genode_ioport_outb(int fd, uint16_t port, uint8_t value)
{
	return ioport_out(fd, port, &value, sizeof(value));
}

int genode_ioport_outw(int fd, uint16_t port, uint16_t value)
{
	return ioport_out(fd, port, &value, sizeof(value));
}

int genode_ioport_outl(int fd, uint16_t port, uint32_t value)
{
	return ioport_out(fd, port, &value, sizeof(value));
}

int genode_ioport_batch(int fd, struct genode_ioport_op *ops, uint32_t count)
{
	struct genode_ioport_batch batch;

	memset(&batch, 0, sizeof(batch));
	batch.argsz = sizeof(batch);
	batch.ops = (uintptr_t)ops;
	batch.count = count;
	return ioctl(fd, GENODE_IOPORT_BATCH, &batch) ? neg_errno() : 0;
}

int genode_ioport_open_bar(int session, int device, unsigned int bar,
			   uint16_t *base, uint32_t *size)
{
	struct genode_ioport_request req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = GENODE_IOPORT_BAR;
	req.device_fd = device;
	req.bar = bar;
	if (ioctl(session, GENODE_IOPORT_REQUEST, &req))
		return neg_errno();
	if (base)
		*base = req.base;
	if (size)
		*size = req.size;
	return req.fd;
}

int genode_ioport_info(int fd, uint16_t *base, uint32_t *size, uint32_t *attrs)
{
	struct genode_ioport_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (ioctl(fd, GENODE_IOPORT_INFO, &info))
		return neg_errno();
	if (base)
		*base = info.base;
	if (size)
		*size = info.size;
	if (attrs)
		*attrs = info.attrs;
	return 0;
}

/* ---- PCI devices ---- */

static int read_hex_file(const char *dir, const char *name, unsigned long *v)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%lx", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

int genode_pci_find(uint16_t vendor, uint16_t device, unsigned int index,
		    uint32_t *domain, uint32_t *bus, uint32_t *devfn)
{
	static const char base[] = "/sys/bus/pci/devices";
	unsigned int d, b, s, f, found = 0;
	unsigned long v, dv;
	struct dirent **names;
	char dir[512];
	int n, i, ret = -ENODEV;

	/* sorted, so that index counts in address order */
	n = scandir(base, &names, NULL, alphasort);
	if (n < 0)
		return neg_errno();
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", base, names[i]->d_name);
		if (ret && sscanf(names[i]->d_name, "%x:%x:%x.%x", &d, &b, &s, &f) == 4 &&
		    !read_hex_file(dir, "vendor", &v) && v == vendor &&
		    !read_hex_file(dir, "device", &dv) && dv == device &&
		    found++ == index) {
			*domain = d;
			*bus = b;
			*devfn = s << 3 | f;
			ret = 0;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int genode_pci_claim(int session, uint32_t domain, uint32_t bus,
		     uint32_t devfn)
{
	struct genode_pci_claim c;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.domain = domain;
	c.bus = bus;
	c.devfn = devfn;
	if (ioctl(session, GENODE_PCI_CLAIM, &c))
		return neg_errno();
	return c.fd;
}

int genode_pci_list(int session, struct genode_pci_function *fns,
		    uint32_t max)
{
	struct genode_pci_list l;

	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.count = max;
	l.functions = (uintptr_t)fns;
	if (ioctl(session, GENODE_PCI_LIST, &l))
		return neg_errno();
	return (int)l.count;
}

int genode_pci_query_info(int device, struct genode_pci_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(device, GENODE_PCI_INFO, info) ? neg_errno() : 0;
}

int genode_pci_query_bar(int device, unsigned int index,
			 struct genode_pci_bar_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(device, GENODE_PCI_BAR_INFO, info) ? neg_errno() : 0;
}

int genode_pci_config_read(int device, uint32_t offset, uint32_t width,
			   uint32_t *value)
{
	struct genode_pci_config c;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.offset = offset;
	c.width = width;
	if (ioctl(device, GENODE_PCI_CONFIG_READ, &c))
		return neg_errno();
	*value = c.value;
	return 0;
}

int genode_pci_config_write(int device, uint32_t offset, uint32_t width,
			    uint32_t value)
{
	struct genode_pci_config c;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.offset = offset;
	c.width = width;
	c.value = value;
	return ioctl(device, GENODE_PCI_CONFIG_WRITE, &c) ? neg_errno() : 0;
}

int genode_pci_set_bus_master(int device, int enable)
{
	struct genode_pci_bus_master c;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.enable = enable ? 1 : 0;
	return ioctl(device, GENODE_PCI_BUS_MASTER, &c) ? neg_errno() : 0;
}

int genode_pci_reset(int device)
{
	struct genode_pci_reset c;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	return ioctl(device, GENODE_PCI_RESET, &c) ? neg_errno() : 0;
}

/* ---- IO memory ---- */

static int iomem_request(int session, struct genode_iomem_request *r)
{
	r->argsz = sizeof(*r);
	if (ioctl(session, GENODE_IOMEM_REQUEST, r))
		return neg_errno();
	return r->fd;
}

int genode_iomem_request_bar(int session, int device, unsigned int bar,
			     uint32_t flags)
{
	struct genode_iomem_request r;

	memset(&r, 0, sizeof(r));
	r.flags = flags | GENODE_IOMEM_BAR;
	r.device_fd = device;
	r.bar = bar;
	return iomem_request(session, &r);
}

int genode_iomem_request_phys(int session, uint64_t base, uint64_t size,
			      uint32_t flags)
{
	struct genode_iomem_request r;

	memset(&r, 0, sizeof(r));
	r.flags = flags;
	r.base = base;
	r.size = size;
	r.device_fd = GENODE_NO_DEVICE;
	return iomem_request(session, &r);
}

int genode_iomem_query(int region, struct genode_iomem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(region, GENODE_IOMEM_INFO, info) ? neg_errno() : 0;
}

int genode_iomem_map(int region, void **mapping,
		     struct genode_iomem_info *info)
{
	void *p;
	int ret;

	ret = genode_iomem_query(region, info);
	if (ret)
		return ret;
	p = mmap(NULL, info->map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 region, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	*mapping = p;
	return 0;
}

/* ---- IRQs ---- */

static int irq_request(int session, struct genode_irq_request *req)
{
	req->argsz = sizeof(*req);
	if (ioctl(session, GENODE_IRQ_REQUEST, req))
		return neg_errno();
	return req->fd;
}

int genode_irq_open_line(int session, uint32_t gsi, uint32_t flags)
{
	struct genode_irq_request req;

	memset(&req, 0, sizeof(req));
	req.flags = flags;
	req.source = GENODE_IRQ_SOURCE_LEGACY;
	req.line = gsi;
	req.device_fd = GENODE_NO_DEVICE;
	return irq_request(session, &req);
}

int genode_irq_open_pci(int session, int device_fd, uint32_t source,
			uint32_t vector, uint32_t num_vectors)
{
	struct genode_irq_request req;

	memset(&req, 0, sizeof(req));
	req.source = source;
	req.device_fd = device_fd;
	req.vector = vector;
	req.num_vectors = num_vectors;
	return irq_request(session, &req);
}

int genode_irq_wait(int irq_fd, uint64_t *count)
{
	uint64_t n;
	ssize_t ret = read(irq_fd, &n, sizeof(n));

	if (ret < 0)
		return neg_errno();
	if (ret != sizeof(n))
		return -EIO;
	if (count)
		*count = n;
	return 0;
}

int genode_irq_ack(int irq_fd)
{
	struct genode_irq_ack ack;

	memset(&ack, 0, sizeof(ack));
	ack.argsz = sizeof(ack);
	return ioctl(irq_fd, GENODE_IRQ_ACK, &ack) ? neg_errno() : 0;
}

int genode_irq_ack_wait(int irq_fd, uint64_t *count)
{
	struct genode_irq_ack ack;

	memset(&ack, 0, sizeof(ack));
	ack.argsz = sizeof(ack);
	ack.flags = GENODE_IRQ_ACK_WAIT;
	if (ioctl(irq_fd, GENODE_IRQ_ACK, &ack))
		return neg_errno();
	*count = ack.count;
	return 0;
}

static int irq_set_mask(int irq_fd, unsigned long cmd)
{
	struct genode_irq_mask m;

	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	return ioctl(irq_fd, cmd, &m) ? neg_errno() : 0;
}

int genode_irq_mask(int irq_fd)
{
	return irq_set_mask(irq_fd, GENODE_IRQ_MASK);
}

int genode_irq_unmask(int irq_fd)
{
	return irq_set_mask(irq_fd, GENODE_IRQ_UNMASK);
}

int genode_irq_set_eventfd(int irq_fd, int eventfd)
{
	struct genode_irq_set_eventfd set;

	memset(&set, 0, sizeof(set));
	set.argsz = sizeof(set);
	set.eventfd = eventfd;
	return ioctl(irq_fd, GENODE_IRQ_SET_EVENTFD, &set) ? neg_errno() : 0;
}

int genode_irq_info(int irq_fd, struct genode_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(irq_fd, GENODE_IRQ_GET_INFO, info) ? neg_errno() : 0;
}

/* ---- DMA buffers ---- */

static int dma_alloc(int session, uint32_t flags, uint64_t size,
		     uint32_t cache, int device_fd, uint64_t *bus_addr,
		     uint64_t *phys_addr, uint32_t *out_flags)
{
	struct genode_dma_alloc a;

	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.flags = flags;
	a.size = size;
	a.cache = cache;
	a.device_fd = device_fd;
	if (ioctl(session, GENODE_DMA_ALLOC, &a))
		return neg_errno();
	if (bus_addr)
		*bus_addr = a.bus_addr;
	if (phys_addr)
		*phys_addr = a.phys_addr;
	if (out_flags)
		*out_flags = a.out_flags;
	return a.fd;
}

int genode_dma_alloc(int session, uint64_t size, uint32_t cache,
		     int device_fd, uint64_t *bus_addr, uint64_t *phys_addr,
		     uint32_t *out_flags)
{
	return dma_alloc(session, 0, size, cache, device_fd, bus_addr,
			 phys_addr, out_flags);
}

int genode_dma_alloc_below_4g(int session, uint64_t size, uint32_t cache,
			      uint64_t *bus_addr, uint64_t *phys_addr,
			      uint32_t *out_flags)
{
	return dma_alloc(session, GENODE_DMA_ALLOC_BELOW_4G, size, cache, -1,
			 bus_addr, phys_addr, out_flags);
}

int genode_dma_info(int buffer, struct genode_dma_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(buffer, GENODE_DMA_INFO, info) ? neg_errno() : 0;
}

int genode_dma_map(int buffer, uint64_t offset, size_t length, void **addr)
{
	void *p;

	if ((uint64_t)(off_t)offset != offset || (off_t)offset < 0)
		return -EINVAL;
	p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, buffer,
		 (off_t)offset);
	if (p == MAP_FAILED)
		return neg_errno();
	*addr = p;
	return 0;
}

int genode_dma_unmap(void *addr, size_t length)
{
	return munmap(addr, length) ? neg_errno() : 0;
}

int genode_dma_sync(int buffer, uint32_t flags, uint64_t offset,
		    uint64_t length, uint32_t direction)
{
	struct genode_dma_sync sync;

	memset(&sync, 0, sizeof(sync));
	sync.argsz = sizeof(sync);
	sync.flags = flags;
	sync.offset = offset;
	sync.length = length;
	sync.direction = direction;
	return ioctl(buffer, GENODE_DMA_SYNC, &sync) ? neg_errno() : 0;
}

int genode_dma_quota(int session, uint64_t *limit, uint64_t *used)
{
	struct genode_dma_quota q;

	memset(&q, 0, sizeof(q));
	q.argsz = sizeof(q);
	if (ioctl(session, GENODE_DMA_QUOTA, &q))
		return neg_errno();
	if (limit)
		*limit = q.limit;
	if (used)
		*used = q.used;
	return 0;
}

int genode_dma_set_mask(int session, int device_fd, unsigned int bits)
{
	struct genode_dma_set_mask m;

	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.device_fd = device_fd;
	m.bits = bits;
	return ioctl(session, GENODE_DMA_SET_MASK, &m) ? neg_errno() : 0;
}

int genode_iommu_domain_alloc(int session, int device_fd,
			      struct genode_iommu_domain_alloc *info)
{
	struct genode_iommu_domain_alloc a;

	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.device_fd = device_fd;
	a.fd = -1;
	if (ioctl(session, GENODE_IOMMU_DOMAIN_ALLOC, &a))
		return neg_errno();
	if (info)
		*info = a;
	return a.fd;
}

static int iommu_attach_cmd(int domain, unsigned long cmd, int device_fd)
{
	struct genode_iommu_attach a;

	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.device_fd = device_fd;
	return ioctl(domain, cmd, &a) ? neg_errno() : 0;
}

int genode_iommu_attach(int domain, int device_fd)
{
	return iommu_attach_cmd(domain, GENODE_IOMMU_ATTACH, device_fd);
}

int genode_iommu_detach(int domain, int device_fd)
{
	return iommu_attach_cmd(domain, GENODE_IOMMU_DETACH, device_fd);
}

int genode_iommu_map(int domain, int buffer, uint64_t offset, uint64_t size,
		     uint64_t iova, uint32_t flags)
{
	struct genode_iommu_map m;

	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = flags;
	m.dma_fd = buffer;
	m.offset = offset;
	m.size = size;
	m.iova = iova;
	return ioctl(domain, GENODE_IOMMU_MAP, &m) ? neg_errno() : 0;
}

int genode_iommu_unmap(int domain, uint64_t iova, uint64_t size)
{
	struct genode_iommu_unmap u;

	memset(&u, 0, sizeof(u));
	u.argsz = sizeof(u);
	u.iova = iova;
	u.size = size;
	return ioctl(domain, GENODE_IOMMU_UNMAP, &u) ? neg_errno() : 0;
}

int genode_iommu_domain_info(int domain, struct genode_iommu_domain_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(domain, GENODE_IOMMU_DOMAIN_INFO, info) ? neg_errno() : 0;
}
