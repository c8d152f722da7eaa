#!/bin/bash
# The body of `make genode-check`: Genode's unmodified core for base-linux,
# built with core-backend/ as a repository, and Genode's components, run in
# the test VM on each kernel through /dev/genode.  Scenarios (boot
# directories as Genode's tool/run/boot_dir/linux makes them, the init
# configs in tests/genode/):
#   rtc   timer, pc_rtc and test-rtc: the CMOS clock through IO_PORT
#   uart  timer, pc_uart (COM2) and test-terminal_echo: lines the host
#         writes into COM2 come back out of it, through IO_PORT and IRQ 3
#   nvme  timer, Genode's platform driver, nvme, part_block and two
#         block_testers on QEMU's NVMe controller (a GPT disk image made
#         here): the platform driver takes the devices and platform_info
#         ROMs and the config page from core, the driver DMAs through
#         Platform::Dma_buffer and takes MSI-X; one tester reads partition
#         1, the other reads the start of partition 2 and writes it back
#         4 MiB further on, which this script finds in the image afterwards
#   ahci  the same with Genode's ahci driver on q35's ICH9 AHCI controller
#         (00:1f.2, MSI) and a disk of its own, which the driver's policy
#         selects by the model and serial number it reads from the disk;
#         its port report, logged by report_rom, shows them
#   nic   Genode's platform driver, virtio_pci_nic, nic_router and ping on
#         QEMU's virtio-net without MSI-X (vectors=0): its INTx, a level-
#         triggered line acked through core, by a pseudo number; ping gets
#         answers from QEMU's user-mode network (10.0.2.2)
#   fb    Genode's platform driver, nitpicker, boot_fb, testnit, ps2 and
#         event_dump: boot_fb takes the VESA framebuffer the VM booted
#         with (core's platform_info from the module's platform facts) and
#         shows nitpicker's screen with testnit's views, which the host
#         checks pixel by pixel in a screendump (tests/genode/fb-host.py);
#         ps2 gets the PS/2 controller through the platform driver (core's
#         devices ROM, IO_PORT 0x60/0x64 by the allow list, IRQs 1 and 12)
#         and event_dump logs the keys and the mouse move that the host
#         sends through QEMU's monitor (QMP)
# Each check is one TAP line; the last line is "N passed, N failed".
#
# usage: genode-check.sh --build DIR KVER...
#   DIR is the project's build directory: genode.ko is taken from
#   DIR/KVER/kmod/, Genode's build directory and the boot directories go
#   to DIR/genode/.
# Environment:
#   GENODE_DIR        a Genode source tree (without it: one SKIP line)
#   GENODE_TOOLCHAIN  genode (default): Genode's tool chain, the prefix that
#                     GENODE_DIR/repos/base/etc/tools.conf names;
#                     host: the host's gcc/g++, with the settings of
#                     genode_host_toolchain below and the C++-runtime shim
#                     of core-backend/host-toolchain/ (Genode unchanged)
#   GENODE_JOBS       make -j for Genode's build (2)
#   GENODE_IOMMU      the VM lanes per kernel ("off on"): off runs every
#                     scenario without an IOMMU; on runs the PCI scenarios
#                     with QEMU's intel-iommu (see pack)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	*) break ;;
	esac
done
GENODE_DIR=${GENODE_DIR:-}
GENODE_TOOLCHAIN=${GENODE_TOOLCHAIN:-genode}
GENODE_JOBS=${GENODE_JOBS:-2}
GENODE_IOMMU=${GENODE_IOMMU:-off on}

SCENARIOS="rtc uart nvme ahci nic fb"
# Genode's build targets for those
TARGETS="core/linux lib/ld init timer/linux driver/rtc/spec/x86 test/rtc
	driver/uart/spec/x86 test/terminal_echo
	driver/platform driver/nvme/spec/x86 driver/ahci server/part_block
	app/block_tester server/report_rom driver/nic/virtio/spec/x86
	server/nic_router app/ping
	driver/framebuffer/boot driver/ps2/x86 server/nitpicker test/nitpicker
	server/event_dump test/genode_dev_dma"
# How many of the host's 8-byte lines the uart scenario echoes before core
# stops.  test-terminal_echo says "got N byte(s)" per read, and how the
# bytes of a line fall into reads is the UART's and the VM's timing (one
# byte each, or the whole line): so core stops after UART_BYTES reads,
# which hold at least that many bytes, and the host writes enough lines
# for that many reads of whole lines.
UART_LINES=3
UART_BYTES=$((UART_LINES * 8))
# The controllers of the nvme and ahci scenarios: the function in the VM
# (the NVMe controller is added at slot 0x10, the AHCI controller is q35's
# own), and the serial number the disk's identify data reports
NVME_BDF=0000:00:10.0
NVME_SERIAL=genode-dev-nvme
AHCI_BDF=0000:00:1f.2
# The dma_isolation scenario's two edu functions (QEMU's educational
# device, a DMA engine): one per platform session, victim and attacker
EDU_VICTIM=0000:00:12.0
EDU_ATTACKER=0000:00:13.0
AHCI_SERIAL=genode-dev-ahci
# The virtio-net function of the nic scenario (added at slot 0x11)
NIC_BDF=0000:00:11.0
# How many answers the nic scenario's ping waits for before core stops
NIC_PINGS=5
# The fb scenario: the mode the VM boots with (tests/vm/run.sh's vga=), the
# ports that /dev/genode's allow list hands to ps2 (the kernel's "keyboard"
# resources), and the event that the host sends last (tests/genode/fb-host.py)
FB_MODE="800x600x32 @ 0xfd000000 type=1 pitch=3200"
FB_ALLOW="io:0x60,io:0x64"
FB_LAST_EVENT="RELEASE KEY_C"
# Each disk (512-byte blocks): GPT, partition 1 at 2048 (16 MiB), partition
# 2 at 34816 (46 MiB).  Every block of partition 1 and of the first 64 KiB
# of partition 2 says which block it is; the rest is zero.
DISK_P2=34816
DISK_WRITE_AT=8192   # block_tester_write's target in partition 2 (tests/genode/*.config)
# What the dma_isolation scenario's victim logs (core-backend/src/test/genode_dev_dma)
VICTIM_KEPT="is untouched after the attack"
VICTIM_HIT="was written by the attacker's device"
# What core logs when device PDs map DMA through the IOMMU
IOMMU_MODE='device PDs map DMA through IOMMU domains (platform_info iommu="true")'

passed=0 failed=0

result() { # result STATUS NAME [OUTPUT_FILE]
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		echo "not ok - $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/    /' "$3" | tail -n 40
	fi
	return 0
}

# grep -q GREP-ARGS in TEXT.  Not through a pipe: with pipefail, a printf
# into a grep -q that stops reading at its first match fails the pipeline
# (SIGPIPE) when the text is long.
in_text() { # in_text TEXT GREP-ARGS...
	local t=$1
	shift
	grep -q "$@" <<< "$t"
}

# Lines that prove a result, as TAP comments.
proof() { # proof TEXT
	[ -n "$1" ] && printf '%s\n' "$1" | sed 's/^/#   /'
	return 0
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

skip_all() { # skip_all REASON
	echo "ok - genode-check # SKIP $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

# ---- the Genode tree, the tool chain, the build directory ----

genode_tree() {
	[ -n "$GENODE_DIR" ] || skip_all "GENODE_DIR is not set (make genode-check GENODE_DIR=<a Genode tree>)"
	if [ ! -x "$GENODE_DIR/tool/create_builddir" ] || [ ! -d "$GENODE_DIR/repos/base-linux" ]; then
		skip_all "GENODE_DIR=$GENODE_DIR is not a Genode tree (no tool/create_builddir, repos/base-linux)"
	fi
	GENODE_DIR=$(cd "$GENODE_DIR" && pwd -P)
}

# The x86 tool-chain prefix that Genode's tools.conf names.
genode_prefix() {
	sed -n 's/^CROSS_DEV_PREFIX ?= \(.*genode-x86-\)$/\1/p' \
		"$GENODE_DIR/repos/base/etc/tools.conf" | head -n 1
}

toolchain() {
	local prefix
	case "$GENODE_TOOLCHAIN" in
	genode)
		prefix=$(genode_prefix)
		if [ -z "$prefix" ] || [ ! -x "${prefix}g++" ]; then
			result 1 "Genode's tool chain ${prefix}g++ is installed (GENODE_TOOLCHAIN=host builds with the host's gcc instead)"
			summary
		fi
		;;
	host)
		if ! command -v g++ > /dev/null; then
			result 1 "the host's g++ is installed (GENODE_TOOLCHAIN=host)"
			summary
		fi
		;;
	*)
		result 1 "GENODE_TOOLCHAIN=$GENODE_TOOLCHAIN is genode or host"
		summary
		;;
	esac
	# Genode's build runs tool/migrate_to_codeberg, an expect script
	if ! command -v expect > /dev/null; then
		result 1 "expect is installed (Genode's build needs it; scripts/deps.sh installs it)"
		summary
	fi
}

# etc/tools.conf of the build directory for the host's compiler.  Genode's
# etc/tools.conf (read first) sets the prefix with ?=, so plain assignments
# win.  -no-pie and no build-id note: Debian's gcc links position-
# independent executables with a .note.gnu.build-id by default, Genode's
# tool chain does neither; a PIE core would be loaded at a random address
# instead of its link address.
genode_host_toolchain() {
	cat <<-EOF
	# written by genode-dev's scripts/genode-check.sh (GENODE_TOOLCHAIN=host)
	CROSS_DEV_PREFIX =
	REQUIRED_GCC_VERSION = $(g++ -dumpfullversion)
	CXX_LINK_OPT += -no-pie -Wl,--build-id=none
	EOF
}

# Lines appended to the build directory's etc/build.conf: core-backend/
# before all other repositories (before base-linux in particular), and for
# the host's compiler core-backend/host-toolchain/ before that (its cxx.mk
# wraps base's).
genode_repositories() {
	echo "# written by genode-dev's scripts/genode-check.sh"
	if [ "$GENODE_TOOLCHAIN" = host ]; then
		echo "REPOSITORIES := $top/core-backend/host-toolchain $top/core-backend \$(REPOSITORIES)"
	else
		echo "REPOSITORIES := $top/core-backend \$(REPOSITORIES)"
	fi
}

# Write FILE only when its content changes: Genode's build depends on the
# files of etc/.
write_if_changed() { # write_if_changed FILE < CONTENT
	local tmp=$1.new
	cat > "$tmp"
	if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# The build directory of this tool chain, made once per Genode tree.
builddir() {
	bdir=$build/genode/x86_64-$GENODE_TOOLCHAIN
	if [ "$(cat "$bdir/etc/genode-check.tree" 2>/dev/null)" != "$GENODE_DIR" ]; then
		rm -rf "$bdir"
		mkdir -p "$build/genode"
		if ! "$GENODE_DIR/tool/create_builddir" x86_64 BUILD_DIR="$bdir" \
				> "$build/genode/create_builddir.log" 2>&1; then
			result 1 "create_builddir x86_64 in $bdir" "$build/genode/create_builddir.log"
			summary
		fi
		cp "$bdir/etc/build.conf" "$bdir/etc/build.conf.orig"
		echo "$GENODE_DIR" > "$bdir/etc/genode-check.tree"
	fi
	{ cat "$bdir/etc/build.conf.orig"; genode_repositories; } |
		write_if_changed "$bdir/etc/build.conf"
	if [ "$GENODE_TOOLCHAIN" = host ]; then
		genode_host_toolchain | write_if_changed "$bdir/etc/tools.conf"
	else
		rm -f "$bdir/etc/tools.conf"
	fi
}

genode_build() {
	local log=$build/genode/build.log st
	# shellcheck disable=SC2086
	make -C "$bdir" KERNEL=linux BOARD=linux -j"$GENODE_JOBS" $TARGETS > "$log" 2>&1
	st=$?
	result $st "Genode's core/linux (with core-backend), ld, init, timer, pc_rtc, test-rtc, pc_uart, test-terminal_echo, platform, nvme, ahci, part_block, block_tester, report_rom, virtio_pci_nic, nic_router, ping, boot_fb, ps2, nitpicker, testnit, event_dump, test-genode_dev_dma built for base-linux ($GENODE_TOOLCHAIN tool chain, $bdir)" "$log"
	[ $st = 0 ] || summary
}

# ---- boot directories ----

# One directory per scenario, as Genode's tool/run/boot_dir/linux makes it
# (binaries renamed: core, ld.lib.so, timer), plus scenario.conf for
# tests/genode/vm-run.sh, which becomes /opt/run.sh in the VM.
# What a scenario's boot directory holds besides config: build-directory
# binary:boot-directory name.
boot_binaries() { # boot_binaries NAME
	echo "core-linux:core ld-linux.lib.so:ld.lib.so init:init linux_timer:timer"
	case "$1" in
	rtc) echo "pc_rtc:pc_rtc test-rtc:test-rtc" ;;
	uart) echo "pc_uart:pc_uart test-terminal_echo:test-terminal_echo" ;;
	nvme) echo "platform:platform nvme:nvme part_block:part_block block_tester:block_tester" ;;
	ahci) echo "platform:platform ahci:ahci part_block:part_block block_tester:block_tester report_rom:report_rom" ;;
	nic) echo "platform:platform virtio_pci_nic:virtio_pci_nic nic_router:nic_router ping:ping" ;;
	fb) echo "platform:platform nitpicker:nitpicker boot_fb:boot_fb testnit:testnit ps2:ps2 event_dump:event_dump" ;;
	dma_isolation) echo "platform:platform report_rom:report_rom test-genode_dev_dma:test-genode_dev_dma" ;;
	esac
}

# A scenario NAME of the run directory DIR from the init config CONFIG
# (tests/genode/CONFIG.config) and the boot binaries of KIND; the other
# arguments are the fields of scenario.conf (tests/genode/vm-run.sh).
pack_scenario() { # pack_scenario DIR NAME KIND PATTERN COUNT LIMIT [ASSIGN [IDENTITY [STOP [ALLOW [READY]]]]]
	local d=$1/$2 b
	mkdir -p "$d"
	for b in $(boot_binaries "$3"); do
		cp -L "$bdir/bin/${b%%:*}" "$d/${b##*:}" || return 1
	done
	cp "$top/tests/genode/$3.config" "$d/config" || return 1
	printf 'pattern="%s"\ncount=%s\nlimit=%s\nassign="%s"\nidentity="%s"\nstop="%s"\nallow="%s"\nready="%s"\n' \
		"$4" "$5" "$6" "${7:-}" "${8:-}" "${9:-}" "${10:-}" "${11:-}" > "$d/scenario.conf"
	echo "$2" >> "$1/scenarios"
}

# Two run directories, one per VM lane.  Without an IOMMU: every scenario.
# With the IOMMU: nvme_iommu, nvme's scenario while the IOMMU translates
# the controller's DMA: core says iommu="true" in platform_info, and
# Genode's platform driver maps its DMA buffers into the session's device
# PD, an IOMMU domain of genode.ko; then the nvme and ahci scenarios with
# their IOMMU groups in the identity domain, where the kernel allows it
# (6.1 does not for a group of several functions, such as q35's 00:1f.*,
# and no domain can take such a group while its other members have kernel
# drivers: then core refuses the AHCI controller, saying why).
pack() {
	local d done="--- all tests finished ---"
	for d in "$build/genode/run" "$build/genode/run-iommu"; do
		rm -rf "$d"
		mkdir -p "$d"
		cp "$top/tests/genode/vm-run.sh" "$d/run.sh"
	done
	d=$build/genode/run
	pack_scenario "$d" rtc rtc "--- RTC test finished ---" 1 900 &&
		pack_scenario "$d" uart uart " byte(s)" "$UART_BYTES" 600 &&
		pack_scenario "$d" nvme nvme "$done" 2 900 "$NVME_BDF" &&
		pack_scenario "$d" ahci ahci "$done" 2 900 "$AHCI_BDF" &&
		pack_scenario "$d" nic nic "icmp_seq=$NIC_PINGS ttl=" 1 600 "$NIC_BDF" &&
		pack_scenario "$d" fb fb "$FB_LAST_EVENT" 1 900 "" "" "" "$FB_ALLOW" "screen is"
	result $? "boot directories of the scenarios ($SCENARIOS) in $d"
	d=$build/genode/run-iommu
	pack_scenario "$d" nvme_iommu nvme "$done" 2 900 "$NVME_BDF" &&
		pack_scenario "$d" nvme nvme "$done" 2 900 "$NVME_BDF" yes &&
		pack_scenario "$d" ahci ahci "$done" 2 900 "$AHCI_BDF" yes &&
		pack_scenario "$d" nic nic "icmp_seq=$NIC_PINGS ttl=" 1 600 "$NIC_BDF" yes &&
		pack_scenario "$d" dma_isolation dma_isolation "$VICTIM_KEPT" 1 300 \
			"$EDU_VICTIM $EDU_ATTACKER" "" "$VICTIM_HIT" &&
		pack_scenario "$d" ahci_iommu ahci "$done" 2 900 "$AHCI_BDF" translated
	result $? "boot directories of the IOMMU lane's scenarios (nvme_iommu, nvme, ahci, nic, dma_isolation, ahci_iommu) in $d"
	[ "$failed" = 0 ] || summary
}

# ---- one VM boot per kernel ----

# The disk image of the nvme and ahci scenarios (see DISK_P2 above).
disk_image() { # disk_image FILE
	rm -f "$1"
	truncate -s 64M "$1" &&
		sfdisk -q "$1" <<-EOF > /dev/null &&
		label: gpt
		start=2048, size=32768, name="genode-dev-p1"
		start=$DISK_P2, size=94208, name="genode-dev-p2"
		EOF
		python3 - "$1" "$DISK_P2" <<-'EOF'
		import sys
		img, p2 = sys.argv[1], int(sys.argv[2])
		with open(img, 'r+b') as f:
		    def stamp(part, start, n):
		        f.seek(start * 512)
		        for i in range(n):
		            b = ('genode-dev %s block %08d\n' % (part, i)).encode()
		            f.write((b * (512 // len(b) + 1))[:512])
		    stamp('p1', 2048, 32768)
		    stamp('p2', p2, 128)
		EOF
}

# Whether block_tester_write's 64 KiB landed: partition 2's first 64 KiB,
# which it read, at block DISK_WRITE_AT of partition 2, where zeros were.
disk_written() { # disk_written FILE
	python3 - "$1" "$DISK_P2" "$DISK_WRITE_AT" <<-'EOF'
		import sys
		img, p2, at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
		with open(img, 'rb') as f:
		    f.seek(p2 * 512)
		    first = f.read(65536)
		    f.seek((p2 + at) * 512)
		    written = f.read(65536)
		    after = f.read(512)
		ok = written == first and first.startswith(b'genode-dev p2 block 00000000') \
		     and after == bytes(512)
		print('block %d of partition 2: %r...' % (at, written[:28]))
		sys.exit(0 if ok else 1)
		EOF
}

# Write a numbered line of 8 bytes into COM2 every 2 s once
# test-terminal_echo's greeting came out of it, until UART_BYTES are
# written or the VM is gone.
uart_writer() { # uart_writer FIFO_BASE HOST_LOG
	local i=0
	until grep -aq "Terminal echo test started" "$2" 2>/dev/null; do sleep 1; done
	exec 3> "$1.in" || return
	while [ $i -lt "$UART_BYTES" ]; do
		i=$((i + 1))
		printf 'ping%03d\r' $i >&3 || return
		sleep 2
	done
}

# The lines of scenario NAME in the console log, without the prefix.
scenario_log() { # scenario_log LOG NAME
	sed -n "/^@@GENODE BEGIN $2@@/,/^@@GENODE END $2 /p" "$1" | tr -d '\r' |
		sed -n "s/^\[$2\] //p"
}

# The VM's lines about scenario NAME ("genode-check: NAME ...").
scenario_note() { # scenario_note LOG NAME WHAT
	tr -d '\r' < "$1" | sed -n "s/^genode-check: $2 $3: //p" | tail -n 1
}

# Error reports in a scenario's log: Genode's error(), an uncaught
# exception, a fault, a refusal by /dev/genode.
log_errors() { # log_errors TEXT
	printf '%s\n' "$1" | grep -E 'Error: |Uncaught exception|Segmentation fault|signum=|refused by /dev/genode|Cxx_heap'
}

# A report of the kernel's checkers or a fault (tests/vm/tap-report.sh's
# list, and user-space segfaults).
kernel_problems() { # kernel_problems LOG
	tr -d '\r' < "$1" | sed -n '/^@@GENODE-DMESG@@/,/^@@GENODE-DMESG-END@@/p' |
		grep -E 'WARNING:|BUG:|kernel BUG at|Oops|general protection fault|Call Trace|UBSAN|KASAN|KFENCE|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|ODEBUG|refcount_t:|list_add corruption|list_del corruption|hung_task|blocked for more than|segfault|traps:'
}

check_rtc() { # check_rtc KVER LOG
	local text
	text=$(scenario_log "$2" rtc)
	in_text "$text" -F -- "--- RTC test finished ---" &&
		in_text "$text" -F 'child "test-rtc" exited with exit value 0'
	result $? "$1 rtc: test-rtc read the CMOS clock through pc_rtc and core's IO_PORT, finished with exit value 0"
	proof "$(printf '%s\n' "$text" | grep -E 'RTC\[|RTC test finished|exited with exit value' | tail -n 4)"
	check_clean "$1" "$2" rtc "sessions 1 resources 1" "$text"
}

check_uart() { # check_uart KVER LOG HOST_COM2_LOG
	local text echoed irq got
	text=$(scenario_log "$2" uart)
	got=$(printf '%s\n' "$text" | sed -n 's/.*test-terminal_echo\] got \([0-9]*\) byte(s)$/\1/p' |
		awk '{ n++; b += $1 } END { print n + 0, b + 0 }')
	[ "${got#* }" -ge "$UART_BYTES" ]
	result $? "$1 uart: test-terminal_echo got the host's lines from pc_uart (COM2, IRQ 3): ${got#* } bytes in ${got% *} reads, $UART_BYTES or more"
	proof "$(printf '%s\n' "$text" | grep -F ' byte(s)' | head -n 3)"
	# test-terminal_echo's greeting ends in a NUL: grep -a
	echoed=$(tr -d '\r' < "$3" | grep -ao 'ping[0-9][0-9][0-9]' | sort -u)
	[ "$(printf '%s\n' "$echoed" | grep -c .)" -ge "$UART_LINES" ]
	result $? "$1 uart: the echoes came back out of COM2 on the host"
	proof "$(tr -d '\r\0' < "$3" | grep -aE 'Terminal echo|ping' | head -n 4)"
	irq=$(scenario_note "$2" uart "interrupts")
	in_text "$irq" 'genode-gsi3' &&
		[ "$(printf '%s\n' "$irq" | interrupt_count)" -gt 0 ]
	result $? "$1 uart: /proc/interrupts counted IRQ 3 as genode-gsi3"
	proof "$irq"
	check_clean "$1" "$2" uart "sessions 1 resources 2" "$text"
}

# The interrupts that lines of /proc/interrupts (on stdin, joined by ";"
# in a scenario's note) counted, all CPUs and lines together.
interrupt_count() {
	tr ';' '\n' | awk '{ for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }'
}

# The line of IRQ fd NAME (genode-gsi1) in a scenario's interrupts note.
interrupt_line() { # interrupt_line NOTE NAME
	printf '%s\n' "$1" | tr ';' '\n' | grep " $2\$"
}

# /sys/class/misc/genode/{sessions,resources}: as expected while core ran
# (RUNNING: an extended regular expression), 0 and 0 after it.
# No errors in the scenario's log TEXT, and the module's counters while
# core ran (RUNNING) and after it (check_counts).
check_clean() { # check_clean KVER LOG NAME RUNNING TEXT
	local errs
	errs=$(log_errors "$5")
	[ -z "$errs" ]
	result $? "$1 $3: no errors in the log"
	proof "$errs"
	check_counts "$1" "$2" "$3" "$4"
}

check_counts() { # check_counts KVER LOG NAME RUNNING
	local during after
	during=$(scenario_note "$2" "$3" "while running")
	after=$(scenario_note "$2" "$3" "after core")
	in_text "$during" -xE "$4"
	result $? "$1 $3: /sys/class/misc/genode while core ran: $4"
	proof "$during"
	[ "$after" = "sessions 0 resources 0" ]
	result $? "$1 $3: /sys/class/misc/genode after core: sessions 0 resources 0"
	proof "$after"
}

# The nvme and ahci scenarios: Genode's platform driver and a block driver
# on the disk IMAGE, through the function BDF, its interrupt KIND (msi0,
# msix0), and IDENT, the driver's log line that shows the disk's identify
# data (read by DMA), an extended regular expression.
check_block() { # check_block KVER LOG NAME BDF KIND IDENT IMAGE
	local text irq bdf=${4#0000:}
	text=$(scenario_log "$2" "$3")
	in_text "$text" "genode-dev: PCI $bdf \[[0-9a-f:]*\] claimed, config shadow" &&
		in_text "$text" "genode-dev: PCI $bdf: bus mastering on (platform driver)"
	result $? "$1 $3: core claimed $bdf from the functions assigned to genode.ko, served its config page as a shadow, and switched bus mastering on when the platform driver set it"
	proof "$(printf '%s\n' "$text" | grep -E "genode-dev: (PCI $bdf|[0-9]+ PCI)" | head -n 5)"
	in_text "$text" -E -- "$6"
	result $? "$1 $3: Genode's $3 driver read the disk's identify data (/$6/, DMA into a Platform::Dma_buffer)"
	proof "$(printf '%s\n' "$text" | grep -E -- "$6" | head -n 1)"
	in_text "$text" "GPT Partition 1: LBA 2048 (32768 blocks) .* name: 'genode-dev-p1'" &&
		in_text "$text" "GPT Partition 2: LBA $DISK_P2 (94208 blocks) .* name: 'genode-dev-p2'"
	result $? "$1 $3: part_block found both GPT partitions (header and entry CRCs checked)"
	proof "$(printf '%s\n' "$text" | grep -F 'GPT Partition' | head -n 2)"
	in_text "$text" -F 'child "block_tester_read" exited with exit value 0' &&
		in_text "$text" -F 'child "block_tester_write" exited with exit value 0'
	result $? "$1 $3: both block_testers finished with exit value 0 (completions by $5)"
	proof "$(printf '%s\n' "$text" | grep -E 'finished (sequential|random)' | head -n 4)"
	irq=$(scenario_note "$2" "$3" "interrupts")
	in_text "$text" "genode-dev: IRQ $bdf $5 = Linux IRQ [0-9]*, message 0x" &&
		in_text "$irq" "genode-$4-$5\$" &&
		[ "$(printf '%s\n' "$irq" | interrupt_count)" -gt 0 ]
	result $? "$1 $3: the $5 vector came from /dev/genode with the kernel's message, and /proc/interrupts counted it"
	proof "$(printf '%s\n' "$text" | grep -F "genode-dev: IRQ $bdf"; printf '%s\n' "$irq")"
	local written
	written=$(disk_written "$7")
	result $? "$1 $3: the image holds what block_tester_write wrote (partition 2's first 64 KiB again at its block $DISK_WRITE_AT), checked on the host after poweroff"
	proof "$written"
	check_clean "$1" "$2" "$3" "sessions 1 resources [1-9][0-9]*" "$text"
}

# The nic scenario: ping's answers came through virtio_pci_nic, whose
# interrupt is the function's INTx, level-triggered, through core.
check_nic() { # check_nic LABEL LOG
	local text irq bdf=${NIC_BDF#0000:}
	text=$(scenario_log "$2" nic)
	in_text "$text" "genode-dev: PCI $bdf \[1af4:1000\] claimed, config shadow" &&
		in_text "$text" "genode-dev: PCI $bdf: bus mastering on (platform driver)"
	result $? "$1 nic: core claimed $bdf (virtio-net) and switched bus mastering on when the platform driver set it"
	proof "$(printf '%s\n' "$text" | grep -E "genode-dev: PCI $bdf" | head -n 3)"
	[ "$(printf '%s\n' "$text" | grep -c '64 bytes from 10.0.2.2: icmp_seq=')" -ge "$NIC_PINGS" ]
	result $? "$1 nic: ping got $NIC_PINGS answers from 10.0.2.2 through nic_router and virtio_pci_nic (DMA of both virtqueues)"
	proof "$(printf '%s\n' "$text" | grep -E 'VirtIO PCI driver started|icmp_seq=' | head -n 3)"
	irq=$(scenario_note "$2" nic "interrupts")
	in_text "$text" "genode-dev: IRQ $bdf intx = Linux IRQ [0-9]*\$" &&
		in_text "$irq" "fasteoi genode-$NIC_BDF-intx\$" &&
		[ "$(printf '%s\n' "$irq" | interrupt_count)" -gt 0 ]
	result $? "$1 nic: the interrupt was the function's INTx (a level-triggered line, by a pseudo number of the devices ROM), and /proc/interrupts counted it"
	proof "$(printf '%s\n' "$text" | grep -F "genode-dev: IRQ $bdf"; printf '%s\n' "$irq")"
	check_clean "$1" "$2" nic "sessions 1 resources [1-9][0-9]*" "$text"
}

# The fb scenario: boot_fb drove the boot framebuffer that core's
# platform_info describes, the host saw nitpicker's picture in it (HOST_LOG:
# fb-host.py's TAP lines), and event_dump logged the host's input in order,
# through the PS/2 controller's IRQs 1 and 12.
FB_EVENTS="PRESS KEY_A|RELEASE KEY_A|PRESS KEY_B|RELEASE KEY_B|REL_MOTION +10+5|PRESS KEY_C|RELEASE KEY_C"
check_fb() { # check_fb LABEL LOG HOST_LOG
	local text errs events irq
	text=$(scenario_log "$2" fb)
	in_text "$text" -F "using boot framebuffer: $FB_MODE"
	result $? "$1 fb: boot_fb took the boot framebuffer that core's platform_info describes ($FB_MODE)"
	proof "$(printf '%s\n' "$text" | grep -F 'using boot framebuffer')"
	grep -q '^ok - fb: the screen' "$3"
	result $? "$1 fb: the host's screendump shows nitpicker's picture of testnit's views, every pixel as expected" "$3"
	proof "$(grep -F 'fb: the screen' "$3")"
	# "Input event #N<TAB>PRESS KEY_A 65534<TAB>key count: 1": the events
	# without the code point, in the order event_dump numbered them
	events=$(printf '%s\n' "$text" | grep -F 'Input event #' |
		sed 's/.*Input event #[0-9]*\t\([^\t]*\)\t.*/\1/; s/^\(PRESS [A-Z_0-9]*\) .*/\1/' |
		paste -sd '|')
	[ "$events" = "$FB_EVENTS" ]
	result $? "$1 fb: event_dump logged the host's keys and mouse move in order, from Genode's ps2 driver: $FB_EVENTS"
	proof "$(printf '%s\n' "$text" | grep -F 'Input event #' | head -n 8)"
	irq=$(scenario_note "$2" fb "interrupts")
	[ "$(interrupt_line "$irq" genode-gsi1 | interrupt_count)" -gt 0 ] &&
		[ "$(interrupt_line "$irq" genode-gsi12 | interrupt_count)" -gt 0 ]
	result $? "$1 fb: /proc/interrupts counted the keyboard's IRQ 1 and the mouse's IRQ 12 (genode-gsi1, genode-gsi12)"
	proof "$irq"
	errs=$(log_errors "$text")
	[ -z "$errs" ]
	result $? "$1 fb: no errors in the log"
	proof "$errs"
	# the framebuffer, the two ports and the two IRQs (the functions of
	# the scenarios before it went back after each)
	check_counts "$1" "$2" fb "sessions 1 resources 5"
}

# A block scenario whose DMA went through a device PD's IOMMU domain: core
# said so in platform_info, attached the function to the domain when the
# platform driver assigned it, mapped each Platform::Dma_buffer at the IOVA
# the platform driver chose, and the block_testers passed (check_block).
check_iommu() { # check_iommu LABEL LOG NAME BDF KIND IDENT IMAGE
	local text bdf=${4#0000:} iovas
	text=$(scenario_log "$2" "$3")
	iovas=$(printf '%s\n' "$text" | grep -E 'genode-dev: device PD: DMA buffer of [0-9]+ bytes at IOVA 0x')
	in_text "$text" -F "genode-dev: $IOMMU_MODE" &&
		in_text "$text" -F "genode-dev: device PD: PCI $bdf attached to its IOMMU domain" &&
		[ -n "$iovas" ]
	result $? "$1 $3: platform_info said iommu=\"true\", core attached $bdf to the device PD's IOMMU domain at assign_pci, and mapped the platform driver's DMA buffers at its IOVAs"
	proof "$(printf '%s\n' "$text" | grep -E "genode-dev: (device PD: PCI|device PDs map)" | head -n 2; printf '%s\n' "$iovas" | head -n 3)"
	check_block "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}

# The dma_isolation scenario: two platform sessions, each with an edu of
# its own and so a device PD (IOMMU domain) of its own.  The attacker's
# edu DMAed into its own buffer (it works), then to the IOVA of the
# victim's buffer: the IOMMU blocked it (a DMAR fault of the attacker's
# function at that address) and the victim's bytes stayed.
check_isolation() { # check_isolation LABEL LOG
	local text faults iova a=${EDU_ATTACKER#0000:} v=${EDU_VICTIM#0000:}
	text=$(scenario_log "$2" dma_isolation)
	in_text "$text" -F "genode-dev: device PD: PCI $v attached to its IOMMU domain" &&
		in_text "$text" -F "genode-dev: device PD: PCI $a attached to its IOMMU domain" &&
		[ "$(printf '%s\n' "$text" | grep -c 'genode-dev: device PD: DMA buffer of [0-9]* bytes at IOVA')" -ge 2 ]
	result $? "$1 dma_isolation: each platform session's edu went into a device PD of its own, and each session's DMA buffer was mapped in its domain"
	proof "$(printf '%s\n' "$text" | grep -E 'genode-dev: device PD|(victim|attacker): edu')"
	in_text "$text" -F "attacker: edu's DMA into its own buffer at IOVA" &&
		in_text "$text" -F "attacker: edu's DMA to IOVA"
	result $? "$1 dma_isolation: the attacker's edu DMAed into its own buffer (the bytes arrived), then to the victim's IOVA"
	proof "$(printf '%s\n' "$text" | grep -F 'attacker: edu')"
	iova=$(printf '%s\n' "$text" | sed -n 's/.*victim: edu .* at IOVA 0x\([0-9a-f]*\)$/\1/p' | head -n 1)
	faults=$(tr -d '\r' < "$2" | sed -n '/^@@GENODE-DMESG@@/,/^@@GENODE-DMESG-END@@/p' |
		grep -E "DMAR: .*Request device \[$a\].* fault addr (0x)?0*${iova:-none} ")
	[ -n "$iova" ] && [ -n "$faults" ]
	result $? "$1 dma_isolation: the IOMMU blocked the attacker's write to the victim's IOVA 0x$iova (a DMAR fault of $a in the kernel log)"
	proof "$(printf '%s\n' "$faults" | head -n 2)"
	in_text "$text" -F "victim: its buffer at IOVA 0x$iova $VICTIM_KEPT" &&
		! in_text "$text" -F "$VICTIM_HIT"
	result $? "$1 dma_isolation: the victim's buffer held its bytes after the attack"
	proof "$(printf '%s\n' "$text" | grep -E "$VICTIM_KEPT|$VICTIM_HIT")"
	check_clean "$1" "$2" dma_isolation "sessions 1 resources [1-9][0-9]*" "$text"
}

# The IOMMU group of BDF as vm-run.sh left it for scenario NAME
# ("identity", "DMA", ...).
group_type() { # group_type LOG BDF NAME
	sed -n "/^@@GENODE BEGIN $3@@/,/^@@GENODE END $3 /p" "$1" | tr -d '\r' |
		sed -n "s/^genode-check: IOMMU group [0-9]* of $2: //p" | tail -n 1
}

# No DMA remapping fault of any device in the kernel log but the
# dma_isolation attacker's, which check_isolation wants (each fault names
# its device: "Request device [BDF]").
check_no_fault() { # check_no_fault LABEL LOG
	local faults
	faults=$(tr -d '\r' < "$2" | sed -n '/^@@GENODE-DMESG@@/,/^@@GENODE-DMESG-END@@/p' |
		grep -E 'DMAR: .*Request device' | grep -vF "Request device [${EDU_ATTACKER#0000:}]")
	[ -z "$faults" ]
	result $? "$1: no DMA remapping fault in the kernel log but the dma_isolation attacker's"
	proof "$(printf '%s\n' "$faults" | head -n 5)"
}

vm() { # vm KVER off|on
	local v=$1 iommu=$2 out=$build/genode/vm-$1 ko=$build/$1/kmod/genode.ko
	local fifo writer reader rc log run=$build/genode/run label=$1 fbhost=""
	if [ "$iommu" = on ]; then
		out=$out-iommu run=$build/genode/run-iommu label="$1 iommu=on"
	fi
	echo "== $label"
	if [ ! -f "$ko" ]; then
		result 1 "$v: $ko is built (make)"
		return
	fi
	rm -rf "$out"
	mkdir -p "$out"
	log=$out/console.log
	fifo=$out/com2
	mkfifo "$fifo.in" "$fifo.out"
	: > "$out/com2-host.log"
	cat "$fifo.out" > "$out/com2-host.log" &
	reader=$!
	uart_writer "$fifo" "$out/com2-host.log" &
	writer=$!
	if [ "$iommu" = off ]; then
		"$top/tests/genode/fb-host.py" "$out/qmp.sock" "$out/console.log" "$out" 2400 \
			> "$out/fb-host.log" 2>&1 &
		fbhost=$!
	fi
	if ! disk_image "$out/nvme.img" || ! disk_image "$out/ahci.img"; then
		kill "$writer" "$reader" $fbhost 2>/dev/null
		result 1 "$v: the disk images of the nvme and ahci scenarios are made (sfdisk, python3)"
		return
	fi
	"$top/tests/vm/run.sh" --mode run --iommu "$iommu" --smp 1 --mem 512M --timeout 2400 \
		--ko "$ko" --run "$run" --out "$out" --com2 "pipe,path=$fifo" \
		--qmp "$out/qmp.sock" --append initcall_blacklist=cmos_init,i8042_init \
		--qemu "-drive file=$out/nvme.img,if=none,id=nvm,format=raw -device nvme,drive=nvm,serial=$NVME_SERIAL,addr=0x${NVME_BDF:8:2} -drive file=$out/ahci.img,if=none,id=ahd,format=raw -device ide-hd,drive=ahd,bus=ide.0,serial=$AHCI_SERIAL -netdev user,id=nic0 -device virtio-net-pci,netdev=nic0,vectors=0,addr=0x${NIC_BDF:8:2} -device edu,addr=0x${EDU_VICTIM:8:2} -device edu,addr=0x${EDU_ATTACKER:8:2}" \
		"$v" > "$out/run.log" 2>&1
	rc=$?
	kill "$writer" "$reader" $fbhost 2>/dev/null
	wait "$writer" "$reader" $fbhost 2>/dev/null
	rm -f "$fifo.in" "$fifo.out"
	result $rc "$label: every scenario reached its proving line in the VM (tests/vm/run.sh --mode run --iommu $iommu, $out)" "$out/run.log"
	if [ "$iommu" = off ]; then
		check_rtc "$label" "$log"
		check_uart "$label" "$log" "$out/com2-host.log"
	else
		check_iommu "$label" "$log" nvme_iommu "$NVME_BDF" msix0 "serial:'$NVME_SERIAL' model:'QEMU NVMe Ctrl'" "$out/nvme.img"
		[ "$(group_type "$log" "$NVME_BDF" nvme)" = identity ]
		result $? "$label nvme: the IOMMU group of $NVME_BDF went to the identity domain"
		proof "$(group_type "$log" "$NVME_BDF" nvme)"
	fi
	check_block "$label" "$log" nvme "$NVME_BDF" msix0 "serial:'$NVME_SERIAL' model:'QEMU NVMe Ctrl'" "$out/nvme.img"
	# report_rom logs the port report as the driver writes it, XML or HID
	local ahci_ident="model(=\"|: )QEMU HARDDISK\"?( \\| |\" )serial(=\"|: )$AHCI_SERIAL"
	if [ "$iommu" = off ] || [ "$(group_type "$log" "$AHCI_BDF" ahci)" = identity ]; then
		check_block "$label" "$log" ahci "$AHCI_BDF" msi0 "$ahci_ident" "$out/ahci.img"
	else
		# 6.1: the group stays translated, its other members unbound
		echo "# $label ahci: the kernel kept the IOMMU group of $AHCI_BDF translated ($(group_type "$log" "$AHCI_BDF" ahci))"
		proof "$(tr -d '\r' < "$log" | grep -E 'Cannot change default domain' | head -n 1)"
		check_iommu "$label" "$log" ahci "$AHCI_BDF" msi0 "$ahci_ident" "$out/ahci.img"
	fi
	if [ "$iommu" = on ]; then
		check_iommu "$label" "$log" ahci_iommu "$AHCI_BDF" msi0 "$ahci_ident" "$out/ahci.img"
	fi
	check_nic "$label" "$log"
	if [ "$iommu" = off ]; then
		check_fb "$label" "$log" "$out/fb-host.log"
	else
		check_isolation "$label" "$log"
	fi
	if [ "$iommu" = on ]; then
		check_no_fault "$label" "$log"
	fi
	local bad
	bad=$(kernel_problems "$log")
	[ "$(tr -d '\r' < "$log" | grep -c '^@@GENODE-DMESG-END@@')" -gt 0 ] && [ -z "$bad" ]
	result $? "$label: the kernel log is clean"
	proof "$bad"
}

[ -n "$build" ] || { echo "genode-check.sh: --build DIR missing" >&2; exit 2; }
genode_tree
[ $# -gt 0 ] || { echo "genode-check.sh: no kernel to run on" >&2; exit 2; }
toolchain
builddir
genode_build
pack
for v in "$@"; do
	for i in $GENODE_IOMMU; do
		vm "$v" "$i"
	done
done
summary
