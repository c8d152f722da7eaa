/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  ROM service of base-linux core, with ROMs of /dev/genode
 * \date   2026-12-01
 *
 * As base-linux's: a ROM module is the file of the session label's last
 * element in core's working directory; except "devices" and
 * "platform_info" while /dev/genode is there, which core makes itself
 * (platform_rom.cc), as other kernels' cores make platform_info.
 */

/* core includes */
#include <rom_session_component.h>
#include <platform_rom.h>

using namespace Core;


Rom_session_component::Rom_session_component(Rom_fs         &,
                                             Rpc_entrypoint &ds_ep,
                                             const char     *args)
{
	Session_label const label = label_from_args(args);

	Genode_dev::Platform_rom const rom =
		Genode_dev::platform_rom(label.last_element());
	if (rom.fd >= 0) {
		_ds.construct(ds_ep, Dataspace_component::Memfd { rom.fd, rom.size });
		return;
	}

	_ds.construct(ds_ep, args);

	if (_ds.constructed() && !_ds->_ds.fd().valid())
		_ds.destruct();
}
