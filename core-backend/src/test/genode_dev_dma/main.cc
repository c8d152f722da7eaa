/* SPDX-License-Identifier: AGPL-3.0-only */
/*
 * \brief  DMA isolation between two platform sessions, with QEMU's edu
 * \date   2026-12-02
 *
 * Two instances, each a client of Genode's platform driver with an edu
 * device of its own (QEMU's educational PCI device, whose DMA engine
 * copies between its 4 KiB buffer and any bus address it is given):
 *
 *  - role "victim": allocates a 64 KiB Platform::Dma_buffer, fills it
 *    with 0x5a, reports its IOVA ("buffer" report), and once the
 *    attacker reports that it is done ("attack" ROM), checks that every
 *    byte is still 0x5a;
 *  - role "attacker": allocates a 4 KiB buffer of its own and lets its
 *    edu copy a pattern into edu and back out into the buffer (the DMA
 *    works: the bytes arrive); then lets edu write its buffer to the
 *    victim's IOVA, which its own session's IOMMU domain does not map.
 *
 * Where each platform session has a domain of its own, the second write
 * faults (a DMAR fault of the attacker's device in the kernel log) and
 * the victim's bytes stay.  Where the sessions shared one address space,
 * the victim would see them change.
 */

#include <base/component.h>
#include <base/attached_rom_dataspace.h>
#include <base/log.h>
#include <os/reporter.h>
#include <platform_session/device.h>
#include <platform_session/dma_buffer.h>
#include <timer_session/connection.h>

namespace Test {

	using namespace Genode;

	struct Edu;
	struct Main;
}


struct Test::Edu
{
	enum : unsigned { IDENT = 0x00, DMA_SRC = 0x80, DMA_DST = 0x88,
	                  DMA_COUNT = 0x90, DMA_CMD = 0x98 };

	static constexpr uint64_t CMD_START = 1, CMD_TO_RAM = 2;

	/* edu's own buffer, as its DMA engine addresses it */
	static constexpr addr_t BUFFER = 0x40000;

	/*
	 * Bytes per transfer: QEMU 7.2's edu refuses a transfer of its whole
	 * 4 KiB buffer (a hardware error that stops the VM), as its range
	 * check is one byte short
	 */
	static constexpr size_t COUNT = 0x800;

	Timer::Connection             &_timer;
	Platform::Device               _device;
	Platform::Device::Mmio<0x100>  _mmio { _device };

	volatile uint64_t &_reg(unsigned off) {
		return *(_mmio.local_addr<volatile uint64_t>() + off / 8); }

	Edu(Platform::Connection &platform, Timer::Connection &timer)
	: _timer(timer), _device(platform) { }

	uint32_t ident() {
		return *_mmio.local_addr<volatile uint32_t>(); }

	/**
	 * Copy count bytes from src to dst, one of them edu's buffer
	 *
	 * \return  false if edu did not finish within 5 seconds
	 */
	bool dma(addr_t src, addr_t dst, size_t count, bool to_ram)
	{
		_reg(DMA_SRC)   = src;
		_reg(DMA_DST)   = dst;
		_reg(DMA_COUNT) = count;
		_reg(DMA_CMD)   = CMD_START | (to_ram ? CMD_TO_RAM : 0);

		for (unsigned i = 0; i < 5000; i++) {
			if (!(_reg(DMA_CMD) & CMD_START))
				return true;
			_timer.msleep(1);
		}
		return false;
	}
};


struct Test::Main
{
	using Role = String<16>;

	Env &_env;

	Attached_rom_dataspace _config { _env, "config" };

	Role const _role = _config.node().attribute_value("role", Role());

	Timer::Connection    _timer    { _env };
	Platform::Connection _platform { _env };
	Edu                  _edu      { _platform, _timer };

	bool const _victim = (_role == "victim");

	Platform::Dma_buffer _buffer { _platform, _victim ? 0x10000UL : 0x1000UL, CACHED };

	Constructible<Expanding_reporter>     _report { };
	Constructible<Attached_rom_dataspace> _rom    { };

	Signal_handler<Main> _rom_handler { _env.ep(), *this, &Main::_handle_rom };

	bool _done = false;

	static bool _all(uint8_t const *p, size_t size, uint8_t v)
	{
		for (size_t i = 0; i < size; i++)
			if (p[i] != v)
				return false;
		return true;
	}

	void _fill(uint8_t v)
	{
		uint8_t *p = _buffer.local_addr<uint8_t>();
		for (size_t i = 0; i < _buffer.size(); i++)
			p[i] = v;
	}

	void _victim_check(Node const &attack)
	{
		if (!attack.attribute_value("done", false))
			return;
		_done = true;

		if (_all(_buffer.local_addr<uint8_t>(), _buffer.size(), 0x5a))
			log("victim: its buffer at IOVA ", Hex(_buffer.dma_addr()),
			    " is untouched after the attack");
		else
			error("victim: its buffer at IOVA ", Hex(_buffer.dma_addr()),
			      " was written by the attacker's device");
	}

	void _attack(Node const &victim)
	{
		addr_t const target = victim.attribute_value("iova", 0UL);
		if (!target)
			return;
		_done = true;

		addr_t const own = _buffer.dma_addr();
		if (target < own + _buffer.size() && own < target + Edu::COUNT) {
			error("attacker: the victim's IOVA ", Hex(target), " is its own");
			return;
		}

		/* edu's DMA works: a pattern goes into edu and comes back out */
		_fill(0xa5);
		bool ok = _edu.dma(own, Edu::BUFFER, Edu::COUNT, false);
		_fill(0);
		ok = ok && _edu.dma(Edu::BUFFER, own, Edu::COUNT, true);
		if (!ok || !_all(_buffer.local_addr<uint8_t>(), Edu::COUNT, 0xa5)) {
			error("attacker: edu's DMA into its own buffer at IOVA ", Hex(own),
			      " did not land");
			return;
		}
		log("attacker: edu's DMA into its own buffer at IOVA ", Hex(own), " landed");

		/* the same write to the victim's IOVA */
		if (!_edu.dma(Edu::BUFFER, target, Edu::COUNT, true)) {
			error("attacker: edu did not finish its DMA to IOVA ", Hex(target));
			return;
		}
		log("attacker: edu's DMA to IOVA ", Hex(target),
		    " (the victim's buffer, not mapped in its own domain) issued");

		_report->generate([&] (Generator &g) { g.attribute("done", true); });
	}

	void _handle_rom()
	{
		if (_done)
			return;
		_rom->update();
		if (_victim)
			_victim_check(_rom->node());
		else
			_attack(_rom->node());
	}

	Main(Env &env) : _env(env)
	{
		log(_role, ": edu ", Hex(_edu.ident()), ", DMA buffer of ",
		    _buffer.size(), " bytes at IOVA ", Hex(_buffer.dma_addr()));

		if (_victim) {
			_fill(0x5a);
			_report.construct(_env, "buffer", "buffer");
			_report->generate([&] (Generator &g) {
				g.attribute("iova", String<20>(Hex(_buffer.dma_addr())));
				g.attribute("size", _buffer.size());
			});
			_rom.construct(_env, "attack");
		} else {
			_report.construct(_env, "attack", "attack");
			_rom.construct(_env, "victim");
		}
		_rom->sigh(_rom_handler);
		_handle_rom();
	}
};


void Component::construct(Genode::Env &env) { static Test::Main main(env); }
