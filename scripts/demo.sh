#!/bin/sh
# The body of `make demo`: boot the test VM, run the VESA framebuffer
# example (examples/vesa_fb.c) in it, take the screen from outside with
# QEMU's screendump once the guest has powered off, and check the picture
# on the host: OUT/vesa.ppm, OUT/vesa.png.
#
# usage: demo.sh --build DIR --kver KVER --out DIR [--iommu on|off]
set -eu
build="" kver="" out="" iommu=off
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--iommu) iommu=$2; shift 2 ;;
	*) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$build" ] && [ -n "$kver" ] && [ -n "$out" ] ||
	{ echo "usage: demo.sh --build DIR --kver KVER --out DIR [--iommu on|off]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/vesa.ppm" "$out/vesa.png"

"$here/scripts/vm-run.sh" --iommu "$iommu" --ko "$build/$kver/kmod/genode.ko" \
	--tests "$build/tests" --kver "$kver" --screendump "$out/vesa.ppm" \
	--cmd '/opt/genode-ctl info && /opt/vesa_fb -v' \
	"$build/userlib/static/genode-ctl" "$build/examples/vesa_fb" > "$out/vm.log" 2>&1 ||
	{ cat "$out/vm.log"; echo "demo: the VM run failed" >&2; exit 1; }
grep -a '^vesa_fb:\|^abi_version\|^features' "$out/vm.log"
"$here/tests/vm/picture.py" "$out/vesa.ppm" "$out/vesa.png"
