/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Dataspaces of base-linux core, RAM ones DMA-capable on /dev/genode
 * \date   2026-11-21
 *
 * Shadows base-linux's header of the same name (this repository's include
 * directory comes first) and keeps its interface, so that base-linux's
 * dataspace_component.cc (ROM files, the compatibility constructor) builds
 * against it unchanged.  What it adds, for RAM dataspaces only:
 *
 * - the cache attribute, which base-linux drops;
 * - a DMA buffer of /dev/genode as the backing store, with its bus
 *   address, made when core is first asked for the dataspace's DMA
 *   address (Pd_session::dma_addr, which only a PD with
 *   "managing_system" may call: the platform driver, right after it has
 *   allocated the dataspace and before anyone has mapped it).
 *
 * In base-linux's core, phys_addr() has exactly two callers, both in
 * Ram_dataspace_factory: dataspace_dma_addr() (the DMA address) and
 * free_ram(), which gives the address back to core's physical allocator
 * after _revoke_ram_ds().  So phys_addr() answers the bus address while
 * the dataspace lives and the allocator's address once it is revoked.
 */

#ifndef _CORE__INCLUDE__DATASPACE_COMPONENT_H_
#define _CORE__INCLUDE__DATASPACE_COMPONENT_H_

/* Genode includes */
#include <linux_dataspace/linux_dataspace.h>
#include <util/misc_math.h>
#include <base/rpc_server.h>

/* base-internal includes */
#include <base/internal/capability_space_tpl.h>

/* core includes */
#include <types.h>

namespace Core {

	class Dataspace_owner;
	class Dataspace_component;
}


/**
 * Deriving classes can own a dataspace to implement conditional behavior
 */
class Core::Dataspace_owner : Interface { };


class Core::Dataspace_component : public Rpc_object<Linux_dataspace>
{
	private:

		/*
		 * The members that base-linux's dataspace_component.cc initialises,
		 * in its order
		 */
		Filename          _fname { };  /* ROM file name, or empty      */
		size_t const      _size;       /* in bytes                     */
		addr_t const      _addr;       /* from core's phys allocator   */
		Native_capability _cap;        /* the fd as a capability       */
		bool const        _writeable;
		Dataspace_owner const * const _owner;

		bool _sealed = false;

		/* RAM dataspaces (the constructor with a cache attribute) */
		bool  _ram   = false;
		Cache _cache = CACHED;

		enum class Dma { NONE, BUFFER, FAILED, RELEASED };

		Dma    _dma      = Dma::NONE;
		int    _dma_fd   = -1;   /* the buffer fd, also held by _cap */
		addr_t _bus_addr = 0;

		/* the fd went to a component, which may have mapped it */
		bool _fd_handed_out = false;

		static Filename _file_name(const char *args);
		size_t _file_size();

		static Native_capability _fd_to_cap(int const fd)
		{
			return Capability_space::import(Rpc_destination(Lx_sd{fd}), Rpc_obj_key());
		}

		/**
		 * Replace the backing store by a DMA buffer of /dev/genode
		 *
		 * \return  the bus address, or 0 if there is none
		 */
		addr_t _dma_bus_addr();

		/*
		 * Noncopyable
		 */
		Dataspace_component(Dataspace_component const &);
		Dataspace_component &operator = (Dataspace_component const &);

	public:

		/**
		 * Constructor of RAM dataspaces (Ram_dataspace_factory)
		 */
		Dataspace_component(size_t size, addr_t addr, Cache cache,
		                    bool writeable, Dataspace_owner *owner)
		:
			_size(size), _addr(addr), _cap(), _writeable(writeable),
			_owner(owner), _ram(true), _cache(cache)
		{ }

		/**
		 * Invalid dataspace
		 */
		Dataspace_component()
		:
			_size(0), _addr(0), _cap(), _writeable(false), _owner(nullptr)
		{ }

		/**
		 * Compatibility constructor (IO_MEM), see base-linux
		 */
		Dataspace_component(size_t size, addr_t, addr_t phys_addr,
		                    Cache, bool writeable, Dataspace_owner *owner);

		/**
		 * ROM dataspace of a file in core's working directory, see base-linux
		 */
		Dataspace_component(const char *args);

		/**
		 * A read-only memfd and its size
		 */
		struct Memfd { int fd; size_t size; };

		/**
		 * ROM dataspace that core made (platform_rom.cc); the capability
		 * owns the fd
		 */
		Dataspace_component(Memfd m)
		:
			_size(m.size), _addr(0), _cap(_fd_to_cap(m.fd)), _writeable(false),
			_owner(nullptr)
		{ }

		/**
		 * Assign the file descriptor that components map
		 */
		void fd(int fd) { _cap = _fd_to_cap(fd); }

		bool owner(Dataspace_owner const &o) const { return _owner == &o; }

		void detach_from_rm_sessions() { }

		/**
		 * The bus address of a live RAM dataspace (made DMA-capable on
		 * first use), else the address of core's physical allocator
		 */
		addr_t phys_addr()
		{
			if (_ram && _dma != Dma::RELEASED)
				return _dma_bus_addr();
			return _addr;
		}

		/**
		 * Called by _revoke_ram_ds: revoke the DMA buffer (zapping every
		 * mapping of it) and report the allocator's address from now on
		 */
		void release_dma();

		Cache cache() const { return _cache; }

		bool ram() const { return _ram; }

		/**
		 * The fd of the DMA buffer of a RAM dataspace whose DMA address
		 * was asked for, or -1
		 */
		int dma_fd() const { return _dma == Dma::BUFFER ? _dma_fd : -1; }

		void seal() { _sealed = true; }


		/*************************
		 ** Dataspace interface **
		 *************************/

		size_t size() override { return _size; }

		bool writeable() override { return _writeable && !_sealed; }


		/****************************************
		 ** Linux-specific dataspace interface **
		 ****************************************/

		Filename fname() override { return _fname; }

		Untyped_capability fd() override
		{
			_fd_handed_out = true;
			return _cap;
		}
};

#endif /* _CORE__INCLUDE__DATASPACE_COMPONENT_H_ */
