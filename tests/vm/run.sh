#!/bin/bash
# Boot one of Debian's kernels under QEMU (TCG) with the test devices and run
# the initramfs built by mkinitramfs.sh in one of its modes.
#
# usage: run.sh [options] KVER
#   --iommu on|lazy|noir|off  add -device intel-iommu with interrupt
#                      remapping (on, lazy) or without (noir), and
#                      intel_iommu=on with strict IOTLB flushes
#                      (iommu.strict=1), or with the flush queue of
#                      Debian's default (lazy: iommu.strict=0); or none (off)
#   --mode MODE        check (default), shell or run
#   --ko PATH          genode.ko built for KVER
#   --tests DIR        test programs to copy to /tests
#   --run DIR          run mode: directory copied to /opt, with run.sh in it
#   --out DIR          where the console log and the counts go (check mode)
#   --mem SIZE         guest memory (1G)
#   --smp N            guest CPUs (2)
#   --timeout SECONDS  the whole VM run (300)
#   --append ARGS      more kernel command line (e.g. genode.lockdown=PROG)
#   --screendump FILE  run mode: once the guest has powered off, save its
#                      screen to FILE (PPM) through QMP
#   --qmp PATH         run mode: a QMP socket at PATH while the guest runs,
#                      for the host to look at its screen and send it input
#   --fb free|vesafb|none  the boot framebuffer: a VESA mode that no kernel
#                      driver holds (free, the default), one that vesafb
#                      holds, or none (text mode)
#   --kernel-image F   the kernel to boot (/boot/vmlinuz-KVER)
#   --moddir DIR       KVER's modules, for the peers (/lib/modules/KVER)
#   --checkers         a debug kernel: check that its bug finders run and
#                      end with a kmemleak scan (see init)
#   --com2 CHARDEV     the backend of COM2 (0x2f8, IRQ 3) as QEMU -chardev
#                      options without the id (null), e.g. pipe,path=/tmp/c2
#                      (the host writes /tmp/c2.in, reads /tmp/c2.out)
#   --device SPEC      one more QEMU -device SPEC after the test devices
#                      (repeatable; tests/vm/configs uses it)
#   --qemu ARGS        more QEMU arguments, split at spaces, after the test
#                      devices, so that theirs keep their addresses (e.g. a
#                      disk: -drive ...,id=d -device nvme,drive=d)
#
# check mode prints the VM's TAP and a summary line, writes DIR/counts as
# "passed failed skipped" and DIR/errnos as the errnos the tests' ioctls
# got, and exits nonzero on any failure, on a missing
# result or on a timeout.  run mode exits with the status of /opt/run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
extra_append="" iommu=off mode=check ko="" tests="" run="" out="" mem=1G smp=2 timeout=300
screendump="" image="" moddir="" checkers=0 com2=null qemu_extra="" qmp_path="" fb=free
extra_devices=()
while [ $# -gt 1 ]; do
	case "$1" in
	--checkers) checkers=1; shift; continue ;;
	--kernel-image) image=$2 ;;
	--moddir) moddir=$2 ;;
	--iommu) iommu=$2 ;;
	--mode) mode=$2 ;;
	--ko) ko=$2 ;;
	--tests) tests=$2 ;;
	--run) run=$2 ;;
	--out) out=$2 ;;
	--mem) mem=$2 ;;
	--smp) smp=$2 ;;
	--timeout) timeout=$2 ;;
	--append) extra_append=$2 ;;
	--screendump) screendump=$2 ;;
	--com2) com2=$2 ;;
	--device) extra_devices+=(-device "$2") ;;
	--qemu) qemu_extra=$2 ;;
	--qmp) qmp_path=$2 ;;
	--fb) fb=$2 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
kver=${1:?usage: run.sh [options] KVER}
[ -n "$image" ] || image=/boot/vmlinuz-$kver
[ -n "$moddir" ] || moddir=/lib/modules/$kver
[ -n "$ko" ] && [ -f "$ko" ] || { echo "run.sh: --ko missing" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$out"
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
[ -n "$tests" ] || tests=$empty

initrd=$out/initramfs.cpio
"$here/mkinitramfs.sh" --moddir "$moddir" "$kver" "$ko" "$tests" "$initrd" "$run"

append="console=ttyS0,115200 panic=-1 panic_on_warn=1 loglevel=5"
append="$append 8250.nr_uarts=1 pnpacpi=off genode.mode=$mode"
# A boot framebuffer: QEMU passes vga= to the kernel's real-mode setup,
# which sets VESA mode 0x143 (800x600, 32 bpp) through the VGA BIOS.
# vesafb, the only driver for it here, is built into Debian's kernels and
# ignores video=vesafb:off; not running its initcall keeps it off.
case "$fb" in
free) append="$append vga=0x343 initcall_blacklist=vesafb_driver_init" ;;
vesafb) append="$append vga=0x343" ;;
none) ;;
*) echo "run.sh: --fb free, vesafb or none" >&2; exit 2 ;;
esac
append="$append $extra_append"
[ "$checkers" = 1 ] && append="$append genode.checkers=1"
devices=()
case "$iommu" in
on | lazy | noir)
	# intel-iommu must come before the PCI devices it translates for.
	# Interrupt remapping isolates MSIs; without it (noir) a device's
	# writes to the MSI window can raise any interrupt.  Lazy mode batches
	# the IOTLB flushes of the DMA API's unmaps in a flush queue.
	ir=on strict=1
	[ "$iommu" = noir ] && ir=off
	[ "$iommu" = lazy ] && strict=0
	devices+=(-device "intel-iommu,intremap=$ir")
	append="$append intel_iommu=on iommu.strict=$strict"
	;;
off)
	append="$append intel_iommu=off"
	;;
*)
	echo "run.sh: --iommu on, lazy, noir or off" >&2
	exit 2
	;;
esac
devices+=(-device edu)
# MSI-X for the IRQ tests.  Linux's e1000e driver is not in the initramfs,
# so the function stays unbound until a test claims it.
devices+=(-device e1000e)
# A second 16550 UART (COM2: 0x2f8, IRQ 3) for the IO-port and legacy IRQ
# tests, left to user space: 8250.nr_uarts=1 gives Linux's serial driver one
# port, and pnpacpi=off keeps its PNP probe from spending that one port on
# COM2 (QEMU lists COM2 before COM1 in the DSDT, so the console would be lost
# to COM2); without PNP the driver takes the legacy COM1 at 0x3f8 only.
devices+=(-chardev "$com2,id=com2" -device isa-serial,chardev=com2,index=1,iobase=0x2f8,irq=3)
# QEMU's standard VGA (1234:1111) for the framebuffer example, after edu so
# that edu keeps its address.
devices+=(-device VGA)
# An empty PCIe root port: a bridge, which a claim must refuse.
devices+=(-device pcie-root-port,id=rp0,chassis=1,slot=1)
# A device with a BAR smaller than a page (the i6300esb watchdog: 16 bytes
# of MMIO), left unbound: no driver for it is in the initramfs.
devices+=(-device i6300esb)
devices+=("${extra_devices[@]}")
# shellcheck disable=SC2206
[ -z "$qemu_extra" ] || devices+=($qemu_extra)

# One host thread for all vCPUs (thread=single): with multi-threaded TCG,
# a 6.12 guest once died of an int3 in sched_clock_cpu while another vCPU
# patched that code (text_poke_bp); round-robin TCG has no such race and
# measured no slower here.
qemu=(qemu-system-x86_64 -machine q35 -accel tcg,thread=single -cpu max -m "$mem" -smp "$smp"
	-no-reboot -nodefaults -display none -vga none
	-kernel "$image" -initrd "$initrd" -append "$append"
	"${devices[@]}")

case "$mode" in
shell)
	exec "${qemu[@]}" -serial mon:stdio
	;;
run)
	log=$out/console.log
	rc=0
	if [ -n "$screendump" ]; then
		# QEMU stays after the guest's poweroff (-no-shutdown), with the
		# screen as the guest left it, until qmp-screendump.py quits it.
		qmp=$out/qmp.sock
		rm -f "$qmp"
		timeout "$timeout" "${qemu[@]}" -no-shutdown \
			-qmp "unix:$qmp,server=on,wait=off" -serial stdio </dev/null |
			tee "$log" &
		sdrc=0
		"$here/qmp-screendump.py" "$qmp" "$screendump" "$timeout" || sdrc=$?
		wait $! || rc=$?
		rm -f "$qmp"
		[ "$sdrc" = 0 ] || { echo "run.sh: no screendump" >&2; exit 124; }
	else
		[ -z "$qmp_path" ] || qemu+=(-qmp "unix:$qmp_path,server=on,wait=off")
		timeout "$timeout" "${qemu[@]}" -serial stdio </dev/null | tee "$log" || rc=$?
	fi
	status=$(sed -n 's/.*@@EXIT \([0-9]*\)@@.*/\1/p' "$log" | tail -n 1)
	if [ -z "$status" ]; then
		echo "run.sh: no exit status from the VM (qemu status $rc)" >&2
		exit 125
	fi
	exit "$status"
	;;
esac

log=$out/console.log
qrc=0
start=$(date +%s)
timeout "$timeout" "${qemu[@]}" -serial "file:$log" </dev/null || qrc=$?
took=$(( $(date +%s) - start ))
label="$kver iommu=$iommu"

# the errnos the tests' ioctls got, "program command errno" (see
# scripts/errno-coverage.py)
tr -d '\r' < "$log" | sed -n '/^@@ERRNOS@@$/,/^@@ERRNOS-END@@$/p' | sed '1d;$d' > "$out/errnos"
"$here/tap-report.sh" "$log" "$label" "$qrc" "$took" "$out/counts"
