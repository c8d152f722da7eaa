/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IRQ service of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * Every interrupt source becomes an IRQ fd of /dev/genode:
 *
 *  - legacy lines (x86 GSIs, with trigger and polarity);
 *  - MSI and MSI-X (irq_type) of the PCI function whose ECAM page is
 *    device_config_phys: vector 0, which the kernel programs into the
 *    device when core requests it.  info() returns that message, and
 *    Genode's platform driver writes it into the MSI capability (the
 *    config shadow keeps it) or the MSI-X table (the same values again);
 *  - the INTx of a function of the "devices" ROM, which names it by a
 *    pseudo number from Pci_function::INTX_IRQ_BASE on, so that the
 *    platform driver sees no shared lines (the kernel shares them).
 */

/* Genode includes */
#include <base/thread.h>
#include <util/arg_string.h>

/* core includes */
#include <irq_session_component.h>
#include <irq_object.h>
#include <genode_dev_core.h>
#include <pci_function.h>

using namespace Core;


Irq_session_component::Irq_session_component(Runtime         &runtime,
                                             Range_allocator &,
                                             char const      *args)
:
	_irq_number((unsigned)Arg_string::find_arg(args, "irq_number").long_value(-1)),
	_irq_object(runtime, _irq_number)
{
	long const type = Arg_string::find_arg(args, "irq_type").long_value(Irq_session::TYPE_LEGACY);

	if (type == Irq_session::TYPE_MSI || type == Irq_session::TYPE_MSIX) {
		addr_t const config = Arg_string::find_arg(args, "device_config_phys").ulong_value(0);
		unsigned const source = type == Irq_session::TYPE_MSI ? GENODE_IRQ_SOURCE_MSI
		                                                      : GENODE_IRQ_SOURCE_MSIX;
		bool found = false, ok = false;
		Genode_dev::with_pci_functions([&] (Genode_dev::Pci_functions &functions) {
			functions.with_config(config, [&] (Genode_dev::Pci_function &f) {
				found = true;
				ok = _irq_object.associate_pci(f.device_fd(), source, f.name().string());
			}); });
		if (!found)
			error("IRQ ", _irq_number, ": no PCI function of /dev/genode has its "
			      "config page at ", Hex(config));
		if (ok)
			_irq_object.start();
		return;
	}

	if (_irq_number >= Genode_dev::Pci_function::INTX_IRQ_BASE) {
		bool found = false, ok = false;
		Genode_dev::with_pci_functions([&] (Genode_dev::Pci_functions &functions) {
			functions.with_intx(_irq_number, [&] (Genode_dev::Pci_function &f) {
				found = true;
				ok = _irq_object.associate_pci(f.device_fd(), GENODE_IRQ_SOURCE_INTX,
				                               f.name().string());
			}); });
		if (!found)
			error("IRQ ", _irq_number, ": no PCI function of /dev/genode has it as INTx");
		if (ok)
			_irq_object.start();
		return;
	}

	auto const trigger  = (Irq_session::Trigger)
		Arg_string::find_arg(args, "irq_trigger").long_value(Irq_session::TRIGGER_UNCHANGED);
	auto const polarity = (Irq_session::Polarity)
		Arg_string::find_arg(args, "irq_polarity").long_value(Irq_session::POLARITY_UNCHANGED);

	if (_irq_object.associate(trigger, polarity))
		_irq_object.start();
}


Irq_session_component::~Irq_session_component() { }


void Irq_session_component::ack_irq()
{
	_irq_object.ack_irq();
}


void Irq_session_component::sigh(Signal_context_capability cap)
{
	_irq_object.sigh(cap);
}


Irq_session::Info Irq_session_component::info()
{
	return _irq_object.info();
}


Irq_object::Irq_object(Runtime &runtime, unsigned irq)
:
	Thread(runtime, "irq", Stack_size { 4096 * 4 }, Thread::Location { }),
	_irq(irq)
{ }


Irq_object::~Irq_object()
{
	if (_fd < 0)
		return;

	genode_irq_info info { };
	info.argsz = sizeof(info);
	if (Genode_dev::ioctl(_fd, GENODE_IRQ_GET_INFO, &info) == 0)
		log("genode-dev: IRQ ", _name, ": raised ", info.raised, " delivered ",
		    info.delivered, " acked ", info.acked);

	/* wakes the IRQ thread with ENODEV, frees the line masked */
	(void)Genode_dev::revoke(_fd);
	join();
	(void)Genode_dev::close(_fd);
}


bool Irq_object::_request(genode_irq_request &req)
{
	int const session = Genode_dev::session();
	if (session < 0)
		return false;

	int const ret = Genode_dev::ioctl(session, GENODE_IRQ_REQUEST, &req);
	if (ret < 0) {
		/*
		 * -EBUSY: a kernel driver holds the line, or another mode is set;
		 * -ENOSPC: the kernel has no vector for the device now
		 */
		error("IRQ ", _name, " refused by /dev/genode (", ret, ")");
		return false;
	}
	_fd = req.fd;

	/* only a level-triggered line or INTx has something to re-arm */
	genode_irq_info info { };
	info.argsz = sizeof(info);
	if (Genode_dev::ioctl(_fd, GENODE_IRQ_GET_INFO, &info) < 0)
		return true;

	_level = info.state & GENODE_IRQ_STATE_LEVEL;

	if (req.source == GENODE_IRQ_SOURCE_LEGACY)
		return true;

	if (info.msi_address || info.msi_data) {
		_info = { Irq_session::Info::MSI, info.msi_address, info.msi_data };
		log("genode-dev: IRQ ", _name, " = Linux IRQ ", info.linux_irq,
		    ", message ", Hex(info.msi_address), "/", Hex(info.msi_data));
	} else
		log("genode-dev: IRQ ", _name, " = Linux IRQ ", info.linux_irq);
	return true;
}


bool Irq_object::associate(Irq_session::Trigger trigger, Irq_session::Polarity polarity)
{
	genode_irq_request req { };
	req.argsz  = sizeof(req);
	req.source = GENODE_IRQ_SOURCE_LEGACY;
	req.line   = _irq;
	req.device_fd = GENODE_NO_DEVICE;
	_name      = String<32>(_irq);

	switch (trigger) {
	case Irq_session::TRIGGER_LEVEL:     req.flags |= GENODE_IRQ_TRIGGER_LEVEL; break;
	case Irq_session::TRIGGER_EDGE:      req.flags |= GENODE_IRQ_TRIGGER_EDGE;  break;
	case Irq_session::TRIGGER_UNCHANGED: break;
	}
	switch (polarity) {
	case Irq_session::POLARITY_HIGH:      req.flags |= GENODE_IRQ_POLARITY_HIGH; break;
	case Irq_session::POLARITY_LOW:       req.flags |= GENODE_IRQ_POLARITY_LOW;  break;
	case Irq_session::POLARITY_UNCHANGED: break;
	}

	return _request(req);
}


bool Irq_object::associate_pci(int device_fd, unsigned source, char const *function)
{
	genode_irq_request req { };
	req.argsz     = sizeof(req);
	req.source    = source;
	req.device_fd = device_fd;
	if (source != GENODE_IRQ_SOURCE_INTX)
		req.num_vectors = 1;

	char const *kind = source == GENODE_IRQ_SOURCE_MSI  ? " msi0"  :
	                   source == GENODE_IRQ_SOURCE_MSIX ? " msix0" : " intx";
	_name = String<32>(function, kind);

	return _request(req);
}


void Irq_object::entry()
{
	_sync_bootup.wakeup();

	for (;;) {
		uint64_t count = 0;
		long const ret = lx_syscall(SYS_read, _fd, &count, sizeof(count));

		if (ret == -4 /* EINTR */)
			continue;

		/* -ENODEV: revoked by the destructor */
		if (ret != (long)sizeof(count))
			return;

		/*
		 * One signal per wake-up.  A level-triggered line stays masked in
		 * the kernel until ack_irq; interrupts that arrive before a signal
		 * handler is registered are counted by the kernel and reported
		 * with the next read.
		 */
		if (_sig_cap.valid())
			Signal_transmitter(_sig_cap).submit(1);
	}
}


void Irq_object::ack_irq()
{
	/* an edge-triggered line is re-armed already: no system call */
	if (_fd < 0 || !_level)
		return;

	genode_irq_ack ack { };
	ack.argsz = sizeof(ack);
	int const ret = Genode_dev::ioctl(_fd, GENODE_IRQ_ACK, &ack);
	if (ret < 0)
		warning("IRQ ", _irq, ": ack failed (", ret, ")");
}


Thread::Start_result Irq_object::start()
{
	Start_result const result = Thread::start();
	if (result == Start_result::OK)
		_sync_bootup.block();
	return result;
}


void Irq_object::sigh(Signal_context_capability cap)
{
	_sig_cap = cap;
}
