/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  IRQ thread of base-linux core on top of /dev/genode
 * \date   2026-11-21
 *
 * Shadows base-linux's header of the same name (this repository's include
 * directory comes first).  One thread per IRQ session blocks in read() of
 * the IRQ fd and submits one signal per wake-up; ack_irq re-arms the
 * source in the kernel (level-triggered lines stay masked until then), and
 * costs no system call for an edge-triggered line, MSI or MSI-X.  The
 * source is a legacy line, or the INTx, MSI or MSI-X vector 0 of a PCI
 * function of /dev/genode; at the end its counters are logged.
 */

#ifndef _IRQ_OBJECT_H_
#define _IRQ_OBJECT_H_

/* Genode includes */
#include <base/thread.h>
#include <irq_session/irq_session.h>

/* core includes */
#include <types.h>
#include <genode_dev_core.h>

namespace Core { class Irq_object; };


class Core::Irq_object : public Thread
{
	private:

		Signal_context_capability _sig_cap { };
		Blockade                  _sync_bootup { };
		unsigned const            _irq;
		int                       _fd = -1;  /* IRQ fd, or -1 */
		bool                      _level = true;  /* the ack re-arms */
		String<32>                _name { };  /* for the log */
		Irq_session::Info         _info { Irq_session::Info::INVALID, 0, 0 };

		void entry() override;

		bool _request(genode_irq_request &);

	public:

		Irq_object(Runtime &, unsigned irq);
		~Irq_object();

		/**
		 * Take the line from /dev/genode
		 *
		 * \return  false if the kernel refused it (the error is logged)
		 */
		bool associate(Irq_session::Trigger, Irq_session::Polarity);

		/**
		 * Take a PCI function's INTx, or vector 0 of its MSI or MSI-X
		 *
		 * \param source  GENODE_IRQ_SOURCE_INTX, _MSI or _MSIX
		 * \return        false if the kernel refused it (the error is logged)
		 */
		bool associate_pci(int device_fd, unsigned source, char const *function);

		/**
		 * The MSI message the kernel programmed, for the platform driver
		 */
		Irq_session::Info info() const { return _info; }

		bool valid() const { return _fd >= 0; }

		void sigh(Signal_context_capability cap);
		void ack_irq();

		Start_result start() override;
};

#endif /* _IRQ_OBJECT_H_ */
