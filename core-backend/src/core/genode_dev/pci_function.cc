/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  PCI functions of /dev/genode for Genode's platform driver
 * \date   2026-12-01
 *
 * See include/pci_function.h.
 */

/* Linux includes (register names only) */
#include <linux/pci_regs.h>

/* core includes */
#include <pci_function.h>

using namespace Core;
using namespace Core::Genode_dev;


/*
 * Where core serves ECAM pages when the firmware has no MCFG table: no
 * physical memory of an x86 machine lies there
 */
static constexpr addr_t FALLBACK_ECAM_BASE = 0x7f0000000000ul;


static unsigned slot(unsigned devfn) { return (devfn >> 3) & 0x1f; }
static unsigned func(unsigned devfn) { return devfn & 0x7; }


static int config_read(int device_fd, unsigned offset, unsigned width, __u32 &value)
{
	genode_pci_config c { };
	c.argsz  = sizeof(c);
	c.offset = offset;
	c.width  = width;
	int const ret = Genode_dev::ioctl(device_fd, GENODE_PCI_CONFIG_READ, &c);
	value = c.value;
	return ret;
}


static int config_write(int device_fd, unsigned offset, unsigned width, __u32 value)
{
	genode_pci_config c { };
	c.argsz  = sizeof(c);
	c.offset = offset;
	c.width  = width;
	c.value  = value;
	return Genode_dev::ioctl(device_fd, GENODE_PCI_CONFIG_WRITE, &c);
}


static __u32 get(__u8 const *cfg, unsigned offset, unsigned width)
{
	__u32 v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (__u32)cfg[offset + i] << (8 * i);
	return v;
}


static void put(__u8 *cfg, unsigned offset, unsigned width, __u32 v)
{
	for (unsigned i = 0; i < width; i++)
		cfg[offset + i] = (__u8)(v >> (8 * i));
}


Pci_function::Name Pci_function::name() const
{
	return Name(Hex(_info.bus, Hex::OMIT_PREFIX, Hex::PAD), ":",
	            Hex((__u8)slot(_info.devfn), Hex::OMIT_PREFIX, Hex::PAD), ".",
	            func(_info.devfn));
}


bool Pci_function::_claim(genode_pci_function const &f, int session)
{
	genode_pci_claim claim { };
	claim.argsz  = sizeof(claim);
	claim.domain = f.domain;
	claim.bus    = f.bus;
	claim.devfn  = f.devfn;

	/* for name() until GENODE_PCI_INFO fills in the rest */
	_info.bus   = f.bus;
	_info.devfn = f.devfn;

	int ret = Genode_dev::ioctl(session, GENODE_PCI_CLAIM, &claim);
	if (ret < 0) {
		error("genode-dev: PCI ", name(), ": claim refused by /dev/genode (", ret, ")");
		return false;
	}
	_device_fd = claim.fd;

	_info.argsz = sizeof(_info);
	ret = Genode_dev::ioctl(_device_fd, GENODE_PCI_INFO, &_info);

	for (unsigned i = 0; ret == 0 && i < BARS; i++) {
		genode_pci_bar_info bar { };
		bar.argsz = sizeof(bar);
		bar.index = i;
		ret = Genode_dev::ioctl(_device_fd, GENODE_PCI_BAR_INFO, &bar);
		_bar[i] = { bar.bar_flags, bar.addr, bar.size };
	}

	if (ret == 0 && !_snapshot())
		ret = -1;

	if (ret < 0) {
		error("genode-dev: PCI ", name(), ": no config shadow (", ret, ")");
		Genode_dev::release(_device_fd);
		_device_fd = -1;
		return false;
	}

	log("genode-dev: PCI ", name(), " [", Hex(_info.vendor, Hex::OMIT_PREFIX, Hex::PAD),
	    ":", Hex(_info.device, Hex::OMIT_PREFIX, Hex::PAD), "] claimed, "
	    "config shadow ", _info.cfg_size, " bytes");
	return true;
}


bool Pci_function::_snapshot()
{
	unsigned const size = _cfg_size();

	for (unsigned off = 0; off < size; off += 4) {
		__u32 v = 0;
		if (config_read(_device_fd, off, 4, v) < 0)
			return false;
		put(_committed, off, 4, v);
	}

	for (unsigned i = 0; i < 6; i++)
		_kernel_bar[i] = get(_committed, PCI_BASE_ADDRESS_0 + 4 * i, 4);
	_kernel_bar[6] = get(_committed, PCI_ROM_ADDRESS, 4);

	_bus_master = get(_committed, PCI_COMMAND, 2) & PCI_COMMAND_MASTER;

	_find_capabilities();

	/* the platform driver maps a whole page, also of 256-byte spaces */
	_shadow_fd = Genode_dev::memfd("genode-dev-config", _committed, size,
	                               CFG_MAX, false);
	return _shadow_fd >= 0;
}


void Pci_function::_find_capabilities()
{
	_pm = _msi = _pcie = _msix = 0;

	if (!(get(_committed, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return;

	unsigned pos = _committed[PCI_CAPABILITY_LIST] & ~3u;
	for (unsigned n = 0; pos >= 0x40 && pos < 0x100 && n < 48; n++) {
		switch (_committed[pos + PCI_CAP_LIST_ID]) {
		case PCI_CAP_ID_PM:    _pm   = pos; break;
		case PCI_CAP_ID_MSI:   _msi  = pos; break;
		case PCI_CAP_ID_EXP:   _pcie = pos; break;
		case PCI_CAP_ID_MSIX:  _msix = pos; break;
		}
		pos = _committed[pos + PCI_CAP_LIST_NEXT] & ~3u;
	}
}


/*
 * Registers that the kernel owns and that the shadow keeps to itself
 * (the BARs are undone after the commit)
 */
bool Pci_function::_kernel_owned(unsigned off) const
{
	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_5 + 4)
		return true;
	if (off >= PCI_ROM_ADDRESS && off < PCI_ROM_ADDRESS + 4)
		return true;
	/* the command register is handled on its own */
	if (off == PCI_COMMAND || off == PCI_COMMAND + 1)
		return true;
	if (_pm && (off == _pm + PCI_PM_CTRL || off == _pm + PCI_PM_CTRL + 1))
		return true;
	if (_msi) {
		__u16 const flags = (__u16)get(_committed, _msi + PCI_MSI_FLAGS, 2);
		unsigned len = 10;
		if (flags & PCI_MSI_FLAGS_64BIT)   len += 4;
		if (flags & PCI_MSI_FLAGS_MASKBIT) len += 10;
		if (off >= _msi && off < _msi + len)
			return true;
	}
	if (_msix && off >= _msix && off < _msix + PCI_CAP_MSIX_SIZEOF)
		return true;
	return false;
}


void Pci_function::_bus_master_set(bool on)
{
	genode_pci_bus_master bm { };
	bm.argsz  = sizeof(bm);
	bm.enable = on;

	int const ret = Genode_dev::ioctl(_device_fd, GENODE_PCI_BUS_MASTER, &bm);
	if (ret < 0) {
		/* -EPERM: not isolated and core lacks CAP_SYS_RAWIO, or lockdown */
		error("genode-dev: PCI ", name(), ": bus mastering ", on ? "on" : "off",
		      " refused by /dev/genode (", ret, ")");
		return;
	}
	_bus_master = on;
	log("genode-dev: PCI ", name(), ": bus mastering ", on ? "on" : "off",
	    " (platform driver)");
}


void Pci_function::_reset(char const *why)
{
	if (!(_info.caps & GENODE_PCI_CAP_RESET)) {
		log("genode-dev: PCI ", name(), ": ", why, ", but it has no reset method");
		return;
	}

	genode_pci_reset r { };
	r.argsz = sizeof(r);

	/* -EAGAIN: the kernel holds the device's lock for a moment */
	int ret = -11;
	for (unsigned i = 0; i < 1000 && ret == -11; i++)
		ret = Genode_dev::ioctl(_device_fd, GENODE_PCI_RESET, &r);

	if (ret < 0)
		error("genode-dev: PCI ", name(), ": reset (", why, ") refused by "
		      "/dev/genode (", ret, ")");
	else
		log("genode-dev: PCI ", name(), ": reset (", why, ")");
}


/*
 * The platform driver sizes a BAR by writing all ones and reading it back,
 * which the shadow answers with all ones: it then takes a memory BAR for
 * an IO BAR and writes the address it wants without the memory type bits.
 * That is no move; writing another address is, and is not done.
 */
void Pci_function::_bar_written(unsigned off, __u32 value)
{
	unsigned const i = off == PCI_ROM_ADDRESS ? 6 : (off - PCI_BASE_ADDRESS_0) / 4;
	__u32 const kernel = _kernel_bar[i];

	__u32 mask = PCI_ROM_ADDRESS_MASK;
	if (i < 6)
		mask = (kernel & PCI_BASE_ADDRESS_SPACE_IO) ? (__u32)PCI_BASE_ADDRESS_IO_MASK
		                                            : (__u32)PCI_BASE_ADDRESS_MEM_MASK;
	/* the upper half of a 64-bit BAR has no flag bits */
	if (i > 0 && i < 6 && (_kernel_bar[i - 1] & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
	                       PCI_BASE_ADDRESS_MEM_TYPE_64 &&
	    !(_kernel_bar[i - 1] & PCI_BASE_ADDRESS_SPACE_IO))
		mask = ~0u;

	if ((value & mask & ~0xfu) != (kernel & mask & ~0xfu))
		warning("genode-dev: PCI ", name(), ": platform driver tried to move "
		        "a BAR (", Hex(off), " = ", Hex(value), "), the kernel's ",
		        Hex(kernel), " stays");
}


/*
 * GENODE_IOMMU_ATTACH or _DETACH of the function to the domain domain_fd
 */
int Pci_function::_domain_op(int domain_fd, unsigned long cmd) const
{
	genode_iommu_attach at { };
	at.argsz     = sizeof(at);
	at.device_fd = _device_fd;
	return Genode_dev::ioctl(domain_fd, cmd, &at);
}


/*
 * Whether a domain of core can take the function's IOMMU group: allocate
 * one, attach the function and detach it again (the group goes back to
 * its default domain, bus mastering stays off as the claim left it).
 */
int Pci_function::_domain_probe() const
{
	genode_iommu_domain_alloc dom { };
	dom.argsz     = sizeof(dom);
	dom.device_fd = _device_fd;
	int ret = Genode_dev::ioctl(Genode_dev::session(), GENODE_IOMMU_DOMAIN_ALLOC, &dom);
	if (ret < 0)
		return ret;

	ret = _domain_op(dom.fd, GENODE_IOMMU_ATTACH);
	if (ret == 0)
		ret = _domain_op(dom.fd, GENODE_IOMMU_DETACH);

	Genode_dev::release(dom.fd);
	return ret;
}


int Pci_function::attach(int const domain_fd)
{
	/* Genode's platform driver does not detach: the next session's does */
	if (_domain_fd >= 0 && _domain_fd != domain_fd) {
		int const ret = _domain_op(_domain_fd, GENODE_IOMMU_DETACH);
		if (ret < 0)
			return ret;
		_domain_fd  = -1;
		_bus_master = false;
	}
	if (_domain_fd == domain_fd)
		return 0;

	int const ret = _domain_op(domain_fd, GENODE_IOMMU_ATTACH);
	if (ret < 0)
		return ret;

	/* both leave bus mastering off: the next commit turns it on again */
	_domain_fd  = domain_fd;
	_bus_master = false;
	return 0;
}


int Pci_function::shadow_fd() const
{
	return _shadow_fd < 0 ? _shadow_fd : Genode_dev::dup(_shadow_fd);
}


void Pci_function::commit()
{
	unsigned const size = _cfg_size();

	static __u8 cur[CFG_MAX];  /* under the mutex of Pci_functions */
	if (lx_syscall(SYS_pread64, _shadow_fd, cur, size, 0) != (long)size) {
		error("genode-dev: PCI ", name(), ": config shadow unreadable");
		return;
	}

	/* command register: bus mastering is the module's to switch */
	bool const master = get(cur, PCI_COMMAND, 2) & PCI_COMMAND_MASTER;
	if (master != _bus_master)
		_bus_master_set(master);

	/* power state D3hot: the device is off for Genode, reset it */
	if (_pm) {
		unsigned const old_state = get(_committed, _pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK;
		unsigned const new_state = get(cur, _pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK;
		if (new_state == 3 && old_state != 3) {
			if (_bus_master)
				_bus_master_set(false);
			_reset("power state D3hot");
		}
	}

	/* function level reset: done by the module, reads as 0 after it */
	if (_pcie) {
		unsigned const devctl = _pcie + PCI_EXP_DEVCTL;
		__u32 const ctl = get(cur, devctl, 2);
		if (ctl & PCI_EXP_DEVCTL_BCR_FLR) {
			_reset("function level reset");
			put(cur, devctl, 2, ctl & ~PCI_EXP_DEVCTL_BCR_FLR);
		}
	}

	/* the rest, by the smallest aligned unit that holds the changes */
	unsigned changed = 0, written = 0, refused = 0;
	for (unsigned off = 0; off < size; off += 4) {
		if (get(cur, off, 4) == get(_committed, off, 4))
			continue;

		for (unsigned i = 0; i < 4; i++)
			changed += cur[off + i] != _committed[off + i];

		unsigned first = 4, last = 0;
		bool owned = false;
		for (unsigned i = 0; i < 4; i++) {
			if (cur[off + i] == _committed[off + i])
				continue;
			if (_kernel_owned(off + i)) { owned = true; continue; }
			if (first == 4) first = i;
			last = i;
		}

		if (owned && off >= PCI_BASE_ADDRESS_0 && off <= PCI_ROM_ADDRESS)
			_bar_written(off, get(cur, off, 4));
		if (first == 4)
			continue;

		unsigned width = 4, at = off;
		if (first == last) { width = 1; at = off + first; }
		else if (first / 2 == last / 2) { width = 2; at = off + (first & ~1u); }

		/* a wider unit must not carry kernel-owned bytes */
		bool mixed = false;
		for (unsigned i = 0; i < width; i++)
			mixed |= _kernel_owned(at + i);

		for (unsigned i = 0; i < width; i += (mixed ? 1 : width)) {
			unsigned const o = at + i, w = mixed ? 1 : width;
			if (mixed && (cur[o] == _committed[o] || _kernel_owned(o)))
				continue;
			int const ret = config_write(_device_fd, o, w, get(cur, o, w));
			if (ret == 0)
				written += w;
			if (ret < 0) {
				refused += w;
				/* -EPERM: the module's write filter */
				warning("genode-dev: PCI ", name(), ": config write ", Hex(o),
				        " = ", Hex(get(cur, o, w)), " (", w, " bytes) refused by "
				        "/dev/genode (", ret, ")");
				/* the shadow shows what the device has */
				__u32 v = 0;
				if (config_read(_device_fd, o, w, v) == 0)
					put(cur, o, w, v);
			}
		}
	}

	/* the kernel's BARs for the next reader */
	for (unsigned i = 0; i < 6; i++)
		put(cur, PCI_BASE_ADDRESS_0 + 4 * i, 4, _kernel_bar[i]);
	put(cur, PCI_ROM_ADDRESS, 4, _kernel_bar[6]);

	(void)lx_syscall(SYS_pwrite64, _shadow_fd, cur, size, 0);
	Genode::memcpy(_committed, cur, size);

	if (changed)
		log("genode-dev: PCI ", name(), ": config commit, ", changed, " byte(s) "
		    "changed: ", written, " written, ", refused, " refused, the rest the "
		    "kernel's or done above");
}


int Pci_function::_bar_holding(__u32 kind, __u64 base, __u64 size) const
{
	for (unsigned i = 0; i < BARS; i++) {
		Bar const &b = _bar[i];
		if ((b.flags & kind) && b.size && base >= b.addr &&
		    size <= b.size && base - b.addr <= b.size - size)
			return (int)i;
	}
	return -1;
}


void Pci_function::generate(Generator &g) const
{
	auto hex = [] (unsigned long long v) { return String<20>(Hex(v)); };

	g.node("device", [&] {
		g.attribute("name", name());
		g.attribute("type", "pci");

		g.node("pci-config", [&] {
			g.attribute("address",       hex(_config_phys));
			g.attribute("bus",           hex(_info.bus));
			g.attribute("device",        hex(slot(_info.devfn)));
			g.attribute("function",      hex(func(_info.devfn)));
			g.attribute("vendor_id",     hex(_info.vendor));
			g.attribute("device_id",     hex(_info.device));
			g.attribute("class",         hex(_info.class_code));
			g.attribute("revision",      hex(_info.revision));
			g.attribute("bridge",        "no");
			g.attribute("sub_vendor_id", hex(_info.subsystem_vendor));
			g.attribute("sub_device_id", hex(_info.subsystem_device));
		});

		for (unsigned i = 0; i < BARS; i++) {
			Bar const &b = _bar[i];
			if (!b.size)
				continue;
			if (b.flags & GENODE_PCI_BAR_MEM)
				g.node("io_mem", [&] {
					g.attribute("pci_bar", i);
					g.attribute("address", hex(b.addr));
					g.attribute("size",    hex(b.size));
					if (b.flags & GENODE_PCI_BAR_PREFETCH)
						g.attribute("prefetchable", true);
				});
			if (b.flags & GENODE_PCI_BAR_IO)
				g.node("io_port_range", [&] {
					g.attribute("pci_bar", i);
					g.attribute("address", hex(b.addr));
					g.attribute("size",    hex(b.size));
				});
		}

		/* as pci_decode: MSI before MSI-X before INTx, one of them */
		bool const msi = Genode_dev::features() & GENODE_FEATURE_IRQ_MSI_MSG;
		if (msi && (_info.msi_vectors || _info.msix_vectors))
			g.node("irq", [&] {
				g.attribute("type", _info.msi_vectors ? "msi" : "msi-x");
				g.attribute("number", 1 + _index);
			});
		else if (_info.irq_pin)
			g.node("irq", [&] { g.attribute("number", intx_irq()); });
	});
}


Pci_functions::Pci_functions()
{
	int const session = Genode_dev::session();
	if (session < 0)
		return;

	genode_info const &info = Genode_dev::info();
	if ((info.features & GENODE_FEATURE_ECAM) && info.ecam_base) {
		_ecam_base = (addr_t)info.ecam_base;
		_ecam_real = true;
	} else
		_ecam_base = FALLBACK_ECAM_BASE;

	if (!(info.features & GENODE_FEATURE_PCI_LIST))
		return;

	static genode_pci_function list[MAX];
	genode_pci_list req { };
	req.argsz     = sizeof(req);
	req.count     = MAX;
	req.functions = (__u64)(addr_t)list;
	int const ret = Genode_dev::ioctl(session, GENODE_PCI_LIST, &req);
	if (ret < 0) {
		error("genode-dev: PCI functions not listed by /dev/genode (", ret, ")");
		return;
	}
	if (req.count > MAX)
		warning("genode-dev: ", req.count, " PCI functions, core takes the first ", (unsigned)MAX);

	unsigned const n = req.count < MAX ? req.count : (unsigned)MAX;
	unsigned claimed = 0;
	bool attachable[MAX] { };  /* a domain of core can take its group */
	for (unsigned i = 0; i < n; i++) {
		genode_pci_function const &f = list[i];

		/* another session's, or merely claimable with CAP_SYS_RAWIO */
		if (!(f.flags & GENODE_PCI_FUNCTION_ASSIGNED) ||
		     (f.flags & GENODE_PCI_FUNCTION_CLAIMED) || f.domain != 0)
			continue;

		Pci_function &fn = _slot[claimed];
		fn._config_phys = _ecam_base + ((addr_t)f.bus << 20) + ((addr_t)f.devfn << 12);
		if (!fn._claim(f, session))
			continue;

		if (fn.translated()) {
			int const probe = fn._domain_probe();
			if (probe < 0)
				error("genode-dev: PCI ", fn.name(), ": an IOMMU translates its DMA, "
				      "but its IOMMU group cannot go to a domain of core (", probe,
				      "; -EBUSY: another function of the group is bound to a "
				      "kernel driver); not in the devices ROM");
			attachable[claimed] = (probe == 0);
			_iommu = _iommu || attachable[claimed];
		}
		claimed++;
	}

	/*
	 * One mode for all: with an IOMMU that core maps, a function whose DMA
	 * is not translated would get bus addresses that are IOVAs of a domain
	 * it is not in; without, core's DMA buffers are at their physical
	 * addresses, which the IOMMU of a translated function does not map.
	 */
	for (unsigned i = 0; i < claimed; i++) {
		Pci_function &fn = _slot[i];
		bool const fits = _iommu ? attachable[i] : !fn.translated();
		if (!fits) {
			if (_iommu && !fn.translated())
				error("genode-dev: PCI ", fn.name(), ": no IOMMU translates its "
				      "DMA, while core maps DMA through the IOMMU for the other "
				      "functions; not in the devices ROM");
			Genode_dev::close(fn._shadow_fd);
			fn._shadow_fd = -1;
			Genode_dev::release(fn._device_fd);
			fn._device_fd = -1;
			continue;
		}
		fn._index = _count;
		_fn[_count++] = &fn;
	}

	if (_iommu)
		log("genode-dev: device PDs map DMA through IOMMU domains "
		    "(platform_info iommu=\"true\")");
	if (_count)
		log("genode-dev: ", _count, " PCI function(s), config pages at ",
		    Hex(_ecam_base), _ecam_real ? " (ECAM of the MCFG table)"
		                               : " (no MCFG table: a window of core's)");
}


void Pci_functions::generate_devices(Generator &g) const
{
	for (unsigned i = 0; i < _count; i++)
		_fn[i]->generate(g);

	/*
	 * The PC's PS/2 controller, as Genode's pci_decode lists it on every
	 * PC: ports 0x60 and 0x64, ISA IRQs 1 (keyboard) and 12 (mouse).  The
	 * kernel keeps it unless the administrator frees it: Linux's i8042
	 * off (initcall_blacklist=i8042_init), the ports in /dev/genode's
	 * allow list (allow=io:0x60,io:0x64).  Until then core's IO_PORT
	 * and IRQ sessions for it fail, and so does Genode's ps2 driver.
	 */
	g.node("device", [&] {
		g.attribute("name", "ps2");
		g.node("irq", [&] { g.attribute("number", 1U); });
		g.node("irq", [&] { g.attribute("number", 12U); });
		unsigned const ports[] = { 0x60, 0x64 };
		for (unsigned const port : ports)
			g.node("io_port_range", [&] {
				g.attribute("address", String<8>(Hex(port)));
				g.attribute("size", 1U);
			});
	});
}


Pci_functions *Genode_dev::claimed_pci_functions = nullptr;


Pci_functions &Genode_dev::pci_functions()
{
	static Pci_functions functions;
	claimed_pci_functions = &functions;
	return functions;
}
