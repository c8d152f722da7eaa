/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Core's session with /dev/genode
 * \date   2026-11-21
 */

/* core includes */
#include <genode_dev_core.h>

using namespace Core;


int Genode_dev::session()
{
	/*
	 * One session for all of core: every resource obtained through it
	 * belongs to core, which hands it to components as a dataspace fd and
	 * revokes it when the component's session goes.  Opened lazily by the
	 * first session request (core's entrypoint), so no lock is needed
	 * beyond the compiler's guard of the static.
	 */
	static int const fd = [] () {
		int const fd = lx_open(GENODE_DEV_PATH, O_RDWR | LX_O_CLOEXEC);
		if (fd < 0) {
			error("genode-dev: cannot open " GENODE_DEV_PATH " (", fd, "), "
			      "no IO_MEM, IO_PORT or IRQ for components");
			return fd;
		}

		/* a module of another ABI version would misread our requests */
		genode_info i { };
		i.argsz = sizeof(i);
		int const ret = ioctl(fd, GENODE_INFO, &i);
		if (ret < 0 || i.abi_version != GENODE_ABI_VERSION) {
			error("genode-dev: " GENODE_DEV_PATH " speaks ABI ",
			      ret < 0 ? 0u : i.abi_version, ", core ", GENODE_ABI_VERSION,
			      " (", ret, "), no IO_MEM, IO_PORT or IRQ for components");
			lx_close(fd);
			return -71; /* EPROTO */
		}
		return fd;
	} ();

	return fd;
}


genode_info const &Genode_dev::info()
{
	static genode_info const facts = [] () {
		genode_info i { };
		i.argsz = sizeof(i);
		int const fd = session();
		if (fd < 0 || ioctl(fd, GENODE_INFO, &i) < 0)
			return genode_info { };
		return i;
	} ();

	return facts;
}


__u64 Genode_dev::features() { return info().features; }
