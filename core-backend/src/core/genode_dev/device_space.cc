/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  The address space of a device PD: an IOMMU domain of /dev/genode
 * \date   2026-12-02
 *
 * See include/device_space.h.
 */

/* Genode includes */
#include <util/construct_at.h>

/* core includes */
#include <region_map_component.h>
#include <dataspace_component.h>
#include <pci_function.h>

using namespace Core;
using namespace Core::Genode_dev;


Device_space::Region *Device_space::_containing(addr_t at)
{
	for (Region &r : _regions)
		if (r.used && at >= r.at && at - r.at < r.size)
			return &r;
	return nullptr;
}


bool Device_space::_free(addr_t at, size_t size) const
{
	if (!size || at < _base || at > _last || size - 1 > _last - at)
		return false;
	for (Region const &r : _regions)
		if (r.used && at < r.at + r.size && r.at < at + size)
			return false;
	return true;
}


Device_space::Region *Device_space::_slot()
{
	for (Region &r : _regions)
		if (!r.used)
			return &r;
	error("genode-dev: device PD: more than ", MAX_REGIONS, " regions");
	return nullptr;
}


int Device_space::_map(Region &r, int const dma_fd)
{
	genode_iommu_map m { };
	m.argsz  = sizeof(m);
	m.flags  = GENODE_IOMMU_MAP_READ | GENODE_IOMMU_MAP_WRITE;
	m.dma_fd = dma_fd;
	m.size   = r.size;
	m.iova   = r.at;
	int const ret = Genode_dev::ioctl(_domain_fd, GENODE_IOMMU_MAP, &m);
	if (ret < 0)
		error("genode-dev: device PD: DMA buffer of ", r.size, " bytes not "
		      "mapped at IOVA ", Hex(r.at), " (", ret, ")");
	else
		log("genode-dev: device PD: DMA buffer of ", r.size, " bytes at IOVA ",
		    Hex(r.at));
	return ret;
}


/*
 * The domain, allocated for the IOMMU of the first function assigned;
 * then the mappings that waited for it are made
 */
int Device_space::_domain_for(int const device_fd)
{
	if (_domain_fd >= 0)
		return 0;

	genode_iommu_domain_alloc dom { };
	dom.argsz     = sizeof(dom);
	dom.device_fd = device_fd;
	int const ret = Genode_dev::ioctl(Genode_dev::session(), GENODE_IOMMU_DOMAIN_ALLOC, &dom);
	if (ret < 0)
		return ret;
	_domain_fd = dom.fd;

	for (Region &r : _regions) {
		if (!r.used || r.pending < 0)
			continue;
		if (_map(r, r.pending) < 0)
			r.used = false;
		Genode_dev::close(r.pending);
		r.pending = -1;
	}
	return 0;
}


Device_space::Attach_result
Device_space::attach(Dataspace_component &ds, Attr const &attr)
{
	/* a RAM dataspace would be DMA memory: attach_dma is for that */
	addr_t const phys = ds.ram() ? 0 : ds.phys_addr();
	bool config = false;
	with_pci_functions([&] (Pci_functions &functions) {
		functions.with_config(phys, [&] (Pci_function &) { config = true; }); });

	size_t const size = attr.size ? attr.size : ds.size();
	if (!config || attr.offset || size != 0x1000) {
		error("genode-dev: device PD: only a function's config page is "
		      "attached to it");
		return Attach_error::INVALID_DATASPACE;
	}

	addr_t at = attr.use_at ? attr.at : _base;
	if (!attr.use_at)
		while (at <= _last && !_free(at, size))
			at += size;
	if ((at & 0xfff) || !_free(at, size))
		return Attach_error::REGION_CONFLICT;

	Region *r = _slot();
	if (!r)
		return Attach_error::REGION_CONFLICT;
	*r = { .at = at, .size = size, .config = phys, .pending = -1, .used = true };
	return Region_map::Range { .start = at, .num_bytes = size };
}


Device_space::Attach_dma_result
Device_space::attach_dma(Dataspace_component &ds, addr_t const at)
{
	int const dma_fd = ds.ram() ? (ds.phys_addr(), ds.dma_fd()) : -1;
	if (dma_fd < 0) {
		error("genode-dev: device PD: attach_dma of a dataspace that is no "
		      "DMA buffer");
		return Attach_dma_error::DENIED;
	}
	if ((at & 0xfff) || !_free(at, ds.size()))
		return Attach_dma_error::DENIED;

	Region *r = _slot();
	if (!r)
		return Attach_dma_error::DENIED;
	*r = { .at = at, .size = ds.size(), .config = 0, .pending = -1, .used = true };

	/* no function assigned yet: map when the domain is made */
	if (_domain_fd < 0) {
		r->pending = Genode_dev::dup(dma_fd);
		if (r->pending < 0) {
			r->used = false;
			return Attach_dma_error::DENIED;
		}
		return Ok();
	}

	if (_map(*r, dma_fd) < 0) {
		r->used = false;
		return Attach_dma_error::DENIED;
	}
	return Ok();
}


void Device_space::detach(addr_t const at)
{
	Region *r = _containing(at);
	if (!r)
		return;

	if (!r->config && r->pending < 0 && _domain_fd >= 0) {
		genode_iommu_unmap u { };
		u.argsz = sizeof(u);
		u.iova  = r->at;
		u.size  = r->size;
		int const ret = Genode_dev::ioctl(_domain_fd, GENODE_IOMMU_UNMAP, &u);
		if (ret < 0)
			error("genode-dev: device PD: IOVA ", Hex(r->at), " not unmapped (", ret, ")");
	}
	if (r->pending >= 0)
		Genode_dev::close(r->pending);
	r->used = false;
}


bool Device_space::assign_pci(addr_t const at, uint16_t const rid)
{
	Region const *r = _containing(at);
	if (!r || !r->config) {
		error("genode-dev: device PD: assign_pci without a config page at ", Hex(at));
		return false;
	}

	int ret = -19; /* ENODEV */
	Pci_function::Name name { };
	with_pci_functions([&] (Pci_functions &functions) {
		functions.with_config(r->config, [&] (Pci_function &fn) {
			name = fn.name();
			if (fn.rid() != rid)
				return;
			ret = _domain_for(fn.device_fd());
			if (ret == 0)
				ret = fn.attach(_domain_fd);
		});
	});

	if (ret < 0) {
		error("genode-dev: device PD: PCI ", name, " (requester ", Hex(rid),
		      ") not attached to its IOMMU domain (", ret, ")");
		return false;
	}
	log("genode-dev: device PD: PCI ", name, " attached to its IOMMU domain");
	return true;
}


Device_space::~Device_space()
{
	for (Region &r : _regions)
		if (r.used && r.pending >= 0)
			Genode_dev::close(r.pending);

	if (_domain_fd < 0)
		return;

	with_pci_functions([&] (Pci_functions &functions) {
		functions.for_each([&] (Pci_function &fn) { fn.domain_gone(_domain_fd); }); });

	/* bus mastering off, devices detached, mappings removed, pages freed */
	Genode_dev::release(_domain_fd);
}


/*
 * Region maps of base-linux core (see region_map_component.h)
 */

Genode_dev::Device_space *Region_map_component::_space()
{
	if (!_device)
		_md_alloc.try_alloc(sizeof(Device_space)).with_result(
			[&] (Allocator::Allocation &a) {
				a.deallocate = false;
				_device = construct_at<Device_space>(a.ptr, _base, _size); },
			[&] (Alloc_error) { });
	return _device;
}


Region_map_component::~Region_map_component()
{
	if (_device_pd())
		_ep.dissolve(this);
	if (!_device)
		return;
	_device->~Device_space();
	_md_alloc.free(_device, sizeof(Device_space));
}


Region_map::Attach_result
Region_map_component::attach(Dataspace_capability ds_cap, Attr const &attr)
{
	if (!_device_pd())
		return Attach_error::REGION_CONFLICT;

	Device_space * const space = _space();
	if (!space)
		return Attach_error::OUT_OF_RAM;

	Attach_result result = Attach_error::INVALID_DATASPACE;
	_ep.apply(ds_cap, [&] (Dataspace_component *ds) {
		if (ds)
			result = space->attach(*ds, attr); });
	return result;
}


void Region_map_component::detach(addr_t at)
{
	if (_device)
		_device->detach(at);
}


Region_map_component::Attach_dma_result
Region_map_component::attach_dma(Dataspace_capability ds_cap, addr_t at)
{
	if (!_device_pd())
		return Pd_session::Attach_dma_error::DENIED;

	Device_space * const space = _space();
	if (!space)
		return Pd_session::Attach_dma_error::OUT_OF_RAM;

	Attach_dma_result result = Pd_session::Attach_dma_error::DENIED;
	_ep.apply(ds_cap, [&] (Dataspace_component *ds) {
		if (ds)
			result = space->attach_dma(*ds, at); });
	return result;
}


bool Region_map_component::assign_pci(addr_t at, uint16_t rid)
{
	return _device && _device->assign_pci(at, rid);
}
