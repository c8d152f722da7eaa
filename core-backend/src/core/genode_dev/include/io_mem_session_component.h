/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IO_MEM session of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * Shadows base-linux's header of the same name (this repository's include
 * directory comes first): the same interface, plus the region fd, which
 * the destructor revokes, so that the range is unmapped in the component
 * and released when the session is closed, or the fd of a PCI function's
 * config shadow, which the destructor commits.
 */

#ifndef _CORE__INCLUDE__IO_MEM_SESSION_COMPONENT_H_
#define _CORE__INCLUDE__IO_MEM_SESSION_COMPONENT_H_

/* Genode includes */
#include <base/allocator.h>
#include <base/rpc_server.h>
#include <io_mem_session/io_mem_session.h>

/* core includes */
#include <dataspace_component.h>

namespace Core { class Io_mem_session_component; }


class Core::Io_mem_session_component : public Rpc_object<Io_mem_session>
{
	private:

		Range_allocator            &_io_mem_alloc;
		Dataspace_component         _ds;
		Rpc_entrypoint             &_ds_ep;
		Io_mem_dataspace_capability _ds_cap;
		int                         _fd = -1;  /* region or shadow fd, or -1 */
		bool                        _config = false;  /* a config shadow */

		size_t get_arg_size(char const *);
		addr_t get_arg_phys(char const *);
		Cache  get_arg_wc  (char const *);

		/*
		 * Noncopyable
		 */
		Io_mem_session_component(Io_mem_session_component const &);
		Io_mem_session_component &operator = (Io_mem_session_component const &);

	public:

		Io_mem_session_component(Range_allocator &io_mem_alloc,
		                         Range_allocator &ram_alloc,
		                         Rpc_entrypoint  &ds_ep,
		                         const char      *args);

		~Io_mem_session_component();


		/*****************************
		 ** Io-mem session interface **
		 *****************************/

		Io_mem_dataspace_capability dataspace() override;
};

#endif /* _CORE__INCLUDE__IO_MEM_SESSION_COMPONENT_H_ */
