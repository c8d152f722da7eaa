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
#   --kernel-image F   the kernel to boot (/boot/vmlinuz-KVER)
#   --moddir DIR       KVER's modules, for the peers (/lib/modules/KVER)
#   --checkers         a debug kernel: check that its bug finders run and
#                      end with a kmemleak scan (see init)
#
# check mode prints the VM's TAP and a summary line, writes DIR/counts as
# "passed failed skipped", and exits nonzero on any failure, on a missing
# result or on a timeout.  run mode exits with the status of /opt/run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
iommu=off mode=check ko="" tests="" run="" out="" mem=1G smp=2 timeout=300
image="" moddir="" checkers=0
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
append="$append 8250.nr_uarts=1 genode.mode=$mode"
[ "$checkers" = 1 ] && append="$append genode.checkers=1"
devices=()
if [ "$iommu" = on ]; then
	# intel-iommu must come before the PCI devices it translates for.
	devices+=(-device intel-iommu)
	append="$append intel_iommu=on iommu.strict=1"
else
	append="$append intel_iommu=off"
fi
devices+=(-device edu)

qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m "$mem" -smp "$smp"
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
	timeout "$timeout" "${qemu[@]}" -serial stdio </dev/null | tee "$log" || rc=$?
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

"$here/tap-report.sh" "$log" "$label" "$qrc" "$took" "$out/counts"
