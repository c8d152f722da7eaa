#!/bin/sh
# Build the test VM's initramfs: busybox, genode.ko, the test programs and
# Debian's own uio/vfio modules (the peers to compare against), with their
# dependencies from the kernel's modules.dep.
#
# usage: mkinitramfs.sh [--moddir DIR] KVER GENODE_KO TESTS_DIR OUT.cpio [RUN_DIR]
#   --moddir   where KVER's modules are (/lib/modules/KVER); a kernel built
#              here has them in its INSTALL_MOD_PATH
#   RUN_DIR, when given, is copied to /opt (run mode: /opt/run.sh).
set -eu

moddir=""
if [ "${1:-}" = --moddir ]; then
	moddir=$2
	shift 2
fi
kver=$1 ko=$2 tests=$3 out=$4 run=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
[ -n "$moddir" ] || moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no $moddir/modules.dep" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp's 0700 would become the mode of the VM's /, which no unprivileged
# user could traverse: every permission test would pass for the wrong reason.
chmod 755 "$root"
mkdir -p "$root"/bin "$root"/sbin "$root"/etc "$root"/proc "$root"/sys \
	"$root"/dev "$root"/tmp "$root"/run "$root"/root "$root"/genode \
	"$root"/tests "$root"/opt "$root/lib/modules/$kver"

cp /bin/busybox "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp "$ko" "$root/genode/genode.ko"
# The shipped udev rule and what applies it without udev (udev_group_test),
# and the shipped modprobe.d example (init's modprobe.d check).
cp "$here/udev-apply" "$here/../../udev/70-genode.rules" \
	"$here/../../modprobe.d/genode.conf" "$root/genode/"
for t in "$tests"/*; do
	[ -f "$t" ] && [ -x "$t" ] && cp "$t" "$root/tests/"
done
[ -n "$run" ] && cp -r "$run"/. "$root/opt/"

# The peers (Debian's, or the debug kernel's) and the test helpers, with
# what they depend on, decompressed so that busybox's
# modprobe needs no xz support; depmod then writes a matching modules.dep.
peers="uio uio_pci_generic vfio vfio_iommu_type1 vfio-pci"
# loop: a block device for the O_DIRECT tests of DMA buffers (tmpfs has no
# O_DIRECT on 6.1)
peers="$peers loop"
for m in $peers; do
	path=$(grep -E "(^|/)$m\.ko(\.xz|\.zst)?:" "$moddir/modules.dep") ||
		{ echo "mkinitramfs: $m not in $kver's modules.dep" >&2; exit 1; }
	echo "$path" | tr -d ':' | tr ' ' '\n'
done | sort -u | while read -r rel; do
	[ -n "$rel" ] || continue
	dst=$root/lib/modules/$kver/${rel%.xz}
	dst=${dst%.zst}
	mkdir -p "$(dirname "$dst")"
	case "$rel" in
	*.xz) xz -dc "$moddir/$rel" > "$dst" ;;
	*.zst) zstd -qdc "$moddir/$rel" > "$dst" ;;
	*) cp "$moddir/$rel" "$dst" ;;
	esac
done
cp "$moddir/modules.order" "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" \
	"$root/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$root" "$kver"

(cd "$root" && find . | cpio -o -H newc --quiet) > "$out"
