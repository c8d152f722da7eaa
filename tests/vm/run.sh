#!/bin/bash
# Boot one of Debian's kernels under QEMU (TCG) with the test devices and run
# the initramfs built by mkinitramfs.sh in one of its modes.
#
# usage: run.sh [options] KVER
#   --iommu on|off     add -device intel-iommu and intel_iommu=on (off)
#   --mode MODE        check (default), shell or run
#   --ko PATH          genode.ko built for KVER
#   --tests DIR        test programs to copy to /tests
#   --run DIR          run mode: directory copied to /opt, with run.sh in it
#   --out DIR          where the console log and the counts go (check mode)
#   --mem SIZE         guest memory (1G)
#   --smp N            guest CPUs (2)
#   --timeout SECONDS  the whole VM run (300)
#
# check mode prints the VM's TAP and a summary line, writes DIR/counts as
# "passed failed skipped", and exits nonzero on any failure, on a missing
# result or on a timeout.  run mode exits with the status of /opt/run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
iommu=off mode=check ko="" tests="" run="" out="" mem=1G smp=2 timeout=300
while [ $# -gt 1 ]; do
	case "$1" in
	--iommu) iommu=$2 ;;
	--mode) mode=$2 ;;
	--ko) ko=$2 ;;
	--tests) tests=$2 ;;
	--run) run=$2 ;;
	--out) out=$2 ;;
	--mem) mem=$2 ;;
	--smp) smp=$2 ;;
	--timeout) timeout=$2 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
kver=${1:?usage: run.sh [options] KVER}
[ -n "$ko" ] && [ -f "$ko" ] || { echo "run.sh: --ko missing" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$out"
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
[ -n "$tests" ] || tests=$empty

initrd=$out/initramfs.cpio
"$here/mkinitramfs.sh" "$kver" "$ko" "$tests" "$initrd" "$run"

append="console=ttyS0,115200 panic=-1 panic_on_warn=1 loglevel=5"
append="$append 8250.nr_uarts=1 genode.mode=$mode"
devices=()
if [ "$iommu" = on ]; then
	# intel-iommu must come before the PCI devices it translates for.
	devices+=(-device intel-iommu)
	append="$append intel_iommu=on iommu.strict=1"
else
	append="$append intel_iommu=off"
fi
devices+=(-device edu)
# The console UART (COM1: 0x3f8, IRQ 4, chardev "con" set per mode below)
# and a second 16550 (COM2: 0x2f8, IRQ 3) for the legacy-IRQ tests, which
# Linux leaves alone (8250.nr_uarts=1).  COM2 is created first: QEMU lists
# the ISA devices created last first in the DSDT, and Linux's 8250 PNP
# probe hands ttyS0 to the first serial port it finds.
serials=(-chardev null,id=com2 -device isa-serial,index=1,chardev=com2
	-device isa-serial,index=0,chardev=con)

qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m "$mem" -smp "$smp"
	-no-reboot -nodefaults -display none -vga none
	-kernel "/boot/vmlinuz-$kver" -initrd "$initrd" -append "$append"
	"${devices[@]}")

case "$mode" in
shell)
	exec "${qemu[@]}" -chardev stdio,id=con,mux=on -mon chardev=con \
		"${serials[@]}"
	;;
run)
	log=$out/console.log
	rc=0
	timeout "$timeout" "${qemu[@]}" -chardev stdio,id=con "${serials[@]}" \
		</dev/null | tee "$log" || rc=$?
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
timeout "$timeout" "${qemu[@]}" -chardev "file,id=con,path=$log" "${serials[@]}" \
	</dev/null || qrc=$?
took=$(( $(date +%s) - start ))
label="$kver iommu=$iommu"

"$here/tap-report.sh" "$log" "$label" "$qrc" "$took" "$out/counts"
