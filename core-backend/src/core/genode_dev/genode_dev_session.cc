/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  Core's session with /dev/genode
 * \date   2026-11-21
 */

/* core includes */
#include <genode_dev_core.h>

using namespace Core;


namespace {

	/* core's session and the module's GENODE_INFO answer, made once */
	struct Opened
	{
		int         fd   = -1;
		genode_info info { };
	};

	/*
	 * One session for all of core: every resource obtained through it
	 * belongs to core, which hands it to components as a dataspace fd and
	 * revokes it when the component's session goes.  Opened lazily by the
	 * first session request (core's entrypoint), so no lock is needed
	 * beyond the compiler's guard of the static.
	 */
	Opened const &opened()
	{
		static Opened const o = [] () {
			Opened o { };
			o.fd = lx_open(GENODE_DEV_PATH, O_RDWR | LX_O_CLOEXEC);
			if (o.fd < 0) {
				error("genode-dev: cannot open " GENODE_DEV_PATH " (", o.fd, "), "
				      "no IO_MEM, IO_PORT or IRQ for components");
				return o;
			}

			/* a module of another ABI version would misread our requests */
			o.info.argsz = sizeof(o.info);
			int const ret = Genode_dev::ioctl(o.fd, GENODE_INFO, &o.info);
			if (ret < 0 || o.info.abi_version != GENODE_ABI_VERSION) {
				error("genode-dev: " GENODE_DEV_PATH " speaks ABI ",
				      ret < 0 ? 0u : o.info.abi_version, ", core ",
				      GENODE_ABI_VERSION, " (", ret, "), "
				      "no IO_MEM, IO_PORT or IRQ for components");
				lx_close(o.fd);
				return Opened { .fd = -71 /* EPROTO */, .info = { } };
			}
			return o;
		} ();

		return o;
	}
}


int Genode_dev::session() { return opened().fd; }


/* all 0 without a session */
genode_info const &Genode_dev::info() { return opened().info; }


__u64 Genode_dev::features() { return info().features; }
