/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  PCI functions of /dev/genode for Genode's platform driver
 * \date   2026-12-01
 *
 * Genode's platform driver reaches a function's config space only through
 * IO_MEM of the function's 4 KiB ECAM page, which it maps and accesses
 * with plain loads and stores.  On Linux the kernel owns config space, so
 * core serves that page as a shadow: a memfd with a snapshot of the
 * function's config space, taken right after core claimed the function.
 * The platform driver reads and writes the shadow; when an IO_MEM
 * session of the page closes, core commits what changed to the device,
 * register by register, as far as the kernel lets it:
 *
 *  - command register, bus master enable: GENODE_PCI_BUS_MASTER;
 *    decoding and INTx disable stay the kernel's (shadow only);
 *  - power management control, power state set to D3hot: bus mastering
 *    off and GENODE_PCI_RESET (Genode's "device powered off");
 *  - PCI Express device control, initiate function level reset:
 *    GENODE_PCI_RESET, and the bit reads as 0 again, as in hardware;
 *  - BARs and the expansion ROM BAR: the kernel placed them; a change is
 *    logged and undone in the shadow, so that the next reader sees the
 *    kernel's values (the platform driver sizes BARs by writing all ones,
 *    which a shadow cannot answer);
 *  - MSI and MSI-X capabilities: shadow only; the kernel programs them
 *    when core requests the vector, and Irq_session::info() hands out the
 *    message it programmed, so the platform driver's own writes repeat it;
 *  - everything else: GENODE_PCI_CONFIG_WRITE, dword by dword, through
 *    the module's write filter (a refusal is logged).
 *
 * The functions are those the administrator assigned to the module (ids=
 * or driver_override "genode"), claimed by core when it first needs one.
 * Core keeps them until it exits; the module then releases them.
 *
 * Where an IOMMU translates the functions' DMA, core maps it the way
 * Genode's platform driver expects of a kernel that owns the IOMMU
 * (platform_info iommu="true"): each platform session has a device PD,
 * whose address space is an IOMMU domain of the module (device_space.h).
 * A function goes into the devices ROM only if its DMA fits the mode:
 * with an IOMMU, only functions whose IOMMU group a domain of core can
 * take (tried once at the claim: GENODE_IOMMU_ATTACH and DETACH; a group
 * with a member bound to a kernel driver cannot); without, only
 * functions that no IOMMU translates, because core's DMA buffers are then
 * at their physical addresses.
 */

#ifndef _CORE__INCLUDE__PCI_FUNCTION_H_
#define _CORE__INCLUDE__PCI_FUNCTION_H_

/* Genode includes */
#include <base/mutex.h>
#include <base/node.h>

/* core includes */
#include <genode_dev_core.h>

namespace Core { namespace Genode_dev {

	class Pci_function;
	class Pci_functions;

	/**
	 * The functions of /dev/genode, claimed on first use (by the first
	 * session of the "devices" ROM)
	 */
	Pci_functions &pci_functions();

	/**
	 * Call fn with the functions if they were claimed already
	 *
	 * Sessions that name a function by address (IO_MEM, IO_PORT, IRQ)
	 * follow the devices ROM, which the platform driver reads first; other
	 * sessions of those services claim no function.
	 */
	void with_pci_functions(auto const &fn);
} }


class Core::Genode_dev::Pci_function
{
	public:

		static constexpr unsigned CFG_MAX = 4096, BARS = 6;

		/* pseudo IRQ numbers of INTx, above every GSI */
		static constexpr unsigned INTX_IRQ_BASE = 1024;

		struct Bar
		{
			__u32 flags;  /* GENODE_PCI_BAR_* */
			__u64 addr;
			__u64 size;
		};

	private:

		friend class Pci_functions;

		int             _device_fd = -1;
		genode_pci_info _info { };
		Bar             _bar[BARS] { };
		addr_t          _config_phys = 0;  /* its ECAM page */
		unsigned        _index = 0;        /* in Pci_functions */

		int   _shadow_fd = -1;             /* memfd of the config page */
		__u8  _committed[CFG_MAX] { };     /* the shadow at the last commit */
		__u32 _kernel_bar[7] { };          /* BARs 0-5 and the ROM BAR */

		/* capability offsets in config space, 0 if absent */
		unsigned _pm = 0, _pcie = 0, _msi = 0, _msix = 0;

		bool _bus_master = false;

		/* the IOMMU domain of a device PD it is attached to, or -1 */
		int _domain_fd = -1;

		/* the bytes of config space the shadow holds */
		unsigned _cfg_size() const {
			return _info.cfg_size < CFG_MAX ? _info.cfg_size : CFG_MAX; }

		bool _claim(genode_pci_function const &, int session);
		bool _snapshot();
		void _find_capabilities();
		void _reset(char const *why);
		void _bus_master_set(bool);
		bool _kernel_owned(unsigned offset) const;
		int  _domain_op(int domain_fd, unsigned long cmd) const;
		int  _domain_probe() const;
		void _bar_written(unsigned offset, __u32 value);
		int  _bar_holding(__u32 kind, __u64 base, __u64 size) const;

		Pci_function(Pci_function const &);
		Pci_function &operator = (Pci_function const &);

	public:

		Pci_function() { }

		using Name = String<16>;

		Name name() const;

		int device_fd() const { return _device_fd; }

		genode_pci_info const &info() const { return _info; }

		Bar const &bar(unsigned i) const { return _bar[i]; }

		addr_t config_phys() const { return _config_phys; }

		/* the requester ID (bus, device and function) */
		__u16 rid() const { return (__u16)(_info.bus << 8 | _info.devfn); }

		bool translated() const { return _info.caps & GENODE_PCI_CAP_IOMMU; }

		/**
		 * Attach the function to the IOMMU domain domain_fd (a device PD's,
		 * see device_space.h), detaching it from the one it was in
		 *
		 * \return  0 or a negative errno
		 */
		int attach(int domain_fd);

		/**
		 * The domain domain_fd ends: the module detaches the function
		 */
		void domain_gone(int domain_fd)
		{
			if (_domain_fd == domain_fd)
				_domain_fd = -1;
		}

		unsigned intx_irq() const { return INTX_IRQ_BASE + _index; }

		/**
		 * A new fd of the config shadow, for one IO_MEM dataspace
		 *
		 * \return  the fd, or a negative errno
		 */
		int shadow_fd() const;

		/**
		 * Bring what changed in the shadow since the last commit to the
		 * device (see above)
		 */
		void commit();

		/**
		 * Index of the memory BAR that holds [base, base + size), or -1
		 */
		int bar_index(addr_t base, size_t size) const {
			return _bar_holding(GENODE_PCI_BAR_MEM, base, size); }

		/**
		 * Index of the IO BAR that holds [base, base + size), or -1
		 */
		int io_bar_index(unsigned base, unsigned size) const {
			return _bar_holding(GENODE_PCI_BAR_IO, base, size); }

		/**
		 * This function's node of the devices ROM, in the format of
		 * Genode's pci_decode
		 */
		void generate(Generator &) const;
};


class Core::Genode_dev::Pci_functions
{
	public:

		static constexpr unsigned MAX = 32;

	private:

		Mutex        _mutex { };
		Pci_function  _slot[MAX];     /* every function core claimed */
		Pci_function *_fn[MAX] { };   /* those in the devices ROM */
		unsigned     _count = 0;
		addr_t       _ecam_base = 0;
		bool         _ecam_real = false;
		bool         _iommu     = false;

		Pci_functions(Pci_functions const &);
		Pci_functions &operator = (Pci_functions const &);

	public:

		Pci_functions();

		/**
		 * Call fn with the function whose ECAM page starts at phys
		 */
		void with_config(addr_t phys, auto const &fn)
		{
			Mutex::Guard guard(_mutex);
			for (unsigned i = 0; i < _count; i++)
				if (_fn[i]->_config_phys == phys) { fn(*_fn[i]); return; }
		}

		/**
		 * Call fn with the function and BAR index that hold the range
		 */
		void with_bar(addr_t base, size_t size, auto const &fn)
		{
			Mutex::Guard guard(_mutex);
			for (unsigned i = 0; i < _count; i++) {
				int const bar = _fn[i]->bar_index(base, size);
				if (bar >= 0) { fn(*_fn[i], (unsigned)bar); return; }
			}
		}

		/**
		 * Call fn with the function and IO BAR index that hold the ports
		 */
		void with_io_bar(unsigned base, unsigned size, auto const &fn)
		{
			Mutex::Guard guard(_mutex);
			for (unsigned i = 0; i < _count; i++) {
				int const bar = _fn[i]->io_bar_index(base, size);
				if (bar >= 0) { fn(*_fn[i], (unsigned)bar); return; }
			}
		}

		/**
		 * Call fn with the function whose INTx has the pseudo number irq
		 */
		void with_intx(unsigned irq, auto const &fn)
		{
			Mutex::Guard guard(_mutex);
			for (unsigned i = 0; i < _count; i++)
				if (_fn[i]->intx_irq() == irq) { fn(*_fn[i]); return; }
		}

		/**
		 * Call fn with every function
		 */
		void for_each(auto const &fn)
		{
			Mutex::Guard guard(_mutex);
			for (unsigned i = 0; i < _count; i++)
				fn(*_fn[i]);
		}

		/**
		 * Whether an IOMMU translates the DMA of the functions, which core
		 * then maps for device PDs (platform_info iommu="true")
		 */
		bool iommu() const { return _iommu; }

		/**
		 * Whether phys lies in the window of ECAM pages core serves
		 */
		bool config_window(addr_t phys) const
		{
			return phys >= _ecam_base && phys < _ecam_base + (256ul << 20);
		}

		/**
		 * Content of the "devices" ROM
		 */
		void generate_devices(Generator &) const;
};

namespace Core { namespace Genode_dev {

	/* set once pci_functions() has claimed them */
	extern Pci_functions *claimed_pci_functions;

	void with_pci_functions(auto const &fn)
	{
		if (claimed_pci_functions)
			fn(*claimed_pci_functions);
	}
} }

#endif /* _CORE__INCLUDE__PCI_FUNCTION_H_ */
