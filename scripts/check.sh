#!/bin/bash
# The body of `make check`: static checks on the host, then the kselftest
# programs in the QEMU VM for every kernel, with and without an IOMMU (the
# debug kernel of scripts/debug-kernel.sh too), once more with the module
# built with clang (on the last kernel), the framebuffer demo on
# every kernel, then installing on this host through DKMS and the Debian
# package (see check-install.sh).  Each static check and each TAP result
# counts as one test; the last line is "N passed, N failed" (", N skipped"
# when something skipped).  HOST_INSTALL=no skips the checks that install
# on the host.  QUICK=yes (make check-quick) runs the static checks, the
# build checks and the suite in the VM only, and says what it skipped.
#
# usage: check.sh --build DIR --linux-src DIR --cache DIR [--debug-kernel DIR] KVER...
#   --debug-kernel  the build of scripts/debug-kernel.sh: its kernel runs
#                   the suite too (after the others, with and without an
#                   IOMMU), its bug finders checked and kmemleak scanned
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="" lsrc="" CACHE="" debug=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--linux-src) lsrc=$2; shift 2 ;;
	--cache) CACHE=$2; shift 2 ;;
	--debug-kernel) debug=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "check.sh: no kernel to test" >&2; exit 1; }
IOMMUS=${IOMMUS:-"off on"}
HOST_INSTALL=${HOST_INSTALL:-yes}
QUICK=${QUICK:-no}

passed=0 failed=0 skipped=0
declare -a summary

result() { # result STATUS NAME [OUTPUT_FILE]
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		echo "not ok - $2"
		[ -n "${3:-}" ] && sed 's/^/    /' "$3" | head -n 60
	fi
}

skip() { # skip NAME REASON
	skipped=$((skipped + 1))
	echo "ok - $1 # SKIP $2"
}

cd "$top" || exit 1
out=$build/check
rm -rf "$out"
mkdir -p "$out"

echo "== static checks"
kfiles=$(ls kmod/*.c kmod/*.h uapi/*.h tests/compat/*.[ch])
# shellcheck disable=SC2086
perl "$lsrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f $kfiles > "$out/checkpatch" 2>&1
grep -Eq '(ERROR|WARNING|CHECK):' "$out/checkpatch"
result $((1 - $?)) "checkpatch.pl --strict: kmod/ uapi/ tests/compat/" "$out/checkpatch"

echo '#include "genode_dev.h"' |
	gcc -std=c90 -pedantic -Wall -Wextra -Werror -Iuapi -x c -c - -o /dev/null \
		> "$out/uapi-c90" 2>&1
result $? "uapi header compiles alone with -std=c90 -pedantic -Wall -Werror" "$out/uapi-c90"

# The debug kernel's release and build tree, when it takes part.
dkver=""
if [ -n "$debug" ]; then
	dkver=$(cat "$debug/kernel.release" 2>/dev/null) || dkver=""
fi
kdir() {
	if [ -n "$dkver" ] && [ "$1" = "$dkver" ]; then
		echo "$debug/build"
	else
		echo "/lib/modules/$1/build"
	fi
}

for v in "$@" $dkver; do
	sp=$build/$v/sparse
	rm -rf "$sp"
	mkdir -p "$sp"
	cp -r kmod uapi "$sp/"
	make -C "$(kdir "$v")" M="$sp/kmod" C=2 CHECK=sparse W=1 \
		KCFLAGS=-Werror modules > "$out/sparse-$v" 2>&1
	st=$?
	if [ $st = 0 ] && grep -Eq '(warning|error):' "$out/sparse-$v"; then
		st=1
	fi
	result $st "sparse (C=2) and W=1 against $v" "$out/sparse-$v"
done
summary+=("static checks: $passed passed, $failed failed")

echo "== building and installing"
# shellcheck source=scripts/check-install.sh
. "$top/scripts/check-install.sh"
p0=$passed f0=$failed s0=$skipped
check_versions
check_compat "$@"
check_kbuild_old "$1"
if [ "$QUICK" = yes ]; then
	llvm_ko="" llvm_skip="QUICK=yes (make check-quick)"
	skip "genode.ko with clang (LLVM=1) against ${*: -1}" "$llvm_skip"
else
	check_llvm "${@: -1}"
fi
check_modprobe_example "$@"
check_userlib_install
check_host_diff
summary+=("build and install checks: $((passed - p0)) passed, $((failed - f0)) failed, $((skipped - s0)) skipped")

vm_counts() { # vm_counts DIR LABEL: add a VM run's counts to the totals
	local p f s
	if read -r p f s < "$1/counts" 2>/dev/null; then
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		summary+=("$2: $p passed, $f failed, $s skipped")
	else
		failed=$((failed + 1))
		summary+=("$2: no result")
	fi
}

# vm KVER IOMMU [--ko KO NAME] [run.sh options]: the suite in one boot,
# with make's genode.ko for KVER or with KO, the NAME genode.ko
vm() {
	local v=$1 iommu=$2 ko=$build/$1/kmod/genode.ko name="" dir label
	shift 2
	if [ "${1:-}" = --ko ]; then
		ko=$2 name=$3
		shift 3
	fi
	dir=$out/vm-$v-iommu-$iommu${name:+-$name}
	label="$v iommu=$iommu${name:+, $name genode.ko}"
	"$top/tests/vm/run.sh" --iommu "$iommu" --ko "$ko" \
		--tests "$build/tests" --out "$dir" "$@" "$v"
	vm_counts "$dir" "$label"
}

for v in "$@"; do
	for iommu in $IOMMUS; do
		vm "$v" "$iommu"
	done
done

# The module check_llvm built with clang, loaded: the suite in one boot on
# the kernel it was built for, with the IOMMU when that machine is tested.
v=${*: -1}
iommu=$(echo "$IOMMUS" | tr ' ' '\n' | grep -x on || echo off)
if [ -n "$llvm_ko" ]; then
	echo "# the test suite on $v with the clang-built genode.ko ($llvm_ko)"
	vm "$v" "$iommu" --ko "$llvm_ko" clang-built
elif [ -n "$llvm_skip" ]; then
	skip "the VM tests on $v with the clang-built genode.ko" "$llvm_skip"
	summary+=("$v iommu=$iommu, clang-built genode.ko: skipped ($llvm_skip)")
else
	failed=$((failed + 1))
	summary+=("$v iommu=$iommu, clang-built genode.ko: no module (see $out/llvm)")
fi

# The debug kernel is several times slower under TCG (KASAN, lockdep).
if [ -n "$debug" ]; then
	if [ -n "$dkver" ] && [ -f "$debug/bzImage" ]; then
		for iommu in $IOMMUS; do
			vm "$dkver" "$iommu" --checkers --kernel-image "$debug/bzImage" \
				--moddir "$debug/modules/lib/modules/$dkver" --timeout 1800
		done
	else
		failed=$((failed + 1))
		summary+=("debug kernel: not built in $debug")
	fi
else
	why=DEBUG_KERNEL=off
	[ "$QUICK" = yes ] && why="QUICK=yes (make check-quick)"
	skip "the VM tests under the debug kernel" "$why"
	summary+=("debug kernel: skipped ($why)")
fi

# vm_program KVER NAME LABEL PROG [run.sh options]: one program alone in a
# boot of its own (logs in vm-KVER-NAME/)
vm_program() {
	local v=$1 dir=$out/vm-$1-$2 label=$3 prog=$4
	shift 4
	mkdir -p "$dir.tests"
	cp "$build/tests/$prog" "$dir.tests/"
	"$top/tests/vm/run.sh" --ko "$build/$v/kmod/genode.ko" \
		--tests "$dir.tests" --out "$dir" "$@" "$v"
	vm_counts "$dir" "$v $label"
}

# What make check-quick leaves out from here on, each as one SKIP line.
if [ "$QUICK" = yes ]; then
	for lane in "lockdown (ioport_test, iomem_test, pci_test)" \
		"5 GiB (platform_test)" "vesafb (platform_test)" "iommu=noir (pci_test)" \
		"iommu=on, four edu (iommu_domain_test)" "vesa_fb demo"; do
		skip "$lane" "QUICK=yes (make check-quick)"
		summary+=("$lane: skipped (QUICK=yes)")
	done
fi

# The tests that raise the kernel's lockdown (irreversible) run in boots of
# their own: the whole program, with GENODE_TEST_LOCKDOWN=1, then rmmod.
[ "$QUICK" = yes ] || {
echo "== lockdown"
for v in "$@"; do
	for prog in ioport_test iomem_test pci_test; do
		vm_program "$v" "lockdown-$prog" "lockdown ($prog)" "$prog" \
			--append "genode.lockdown=$prog"
	done
done

# platform_test once more in a VM with RAM above 4 GiB, where a DMA buffer
# for no device lies above 4 GiB unless GENODE_DMA_ALLOC_BELOW_4G asks
# otherwise (the boots above have 1 GiB), and in text mode (no boot
# framebuffer to report); and once with vesafb on the boot framebuffer,
# which only the allow list then hands out.
echo "== RAM above 4 GiB"
vm_program "${*: -1}" mem5g "5 GiB (platform_test)" platform_test --mem 5G --fb none
echo "== vesafb on the boot framebuffer"
vm_program "${*: -1}" vesafb "vesafb (platform_test)" platform_test --fb vesafb

# pci_test once more behind an IOMMU without interrupt remapping, where a
# device's DMA is translated but not isolated (its MSIs are not).
echo "== IOMMU without interrupt remapping"
vm_program "${*: -1}" iommu-noir "iommu=noir (pci_test)" pci_test --iommu noir

# iommu_domain_test once more behind the IOMMU with a second edu, for the
# test of two sessions whose devices reach only their own domains (each
# edu on q35's root bus is an IOMMU group of its own), and two more behind
# a PCI-PCI bridge, which share one group, for VFIO's group rule.
echo "== IOMMU domains with more edu functions"
for v in "$@"; do
	vm_program "$v" iommu-domains "iommu=on, four edu (iommu_domain_test)" \
		iommu_domain_test --iommu on --qemu "-device edu \
		-device pci-bridge,id=pb,chassis_nr=3 -device edu,bus=pb,addr=1 \
		-device edu,bus=pb,addr=2"
done

# The VESA framebuffer example, its picture taken with QEMU's screendump
# and checked pixel by pixel on the host (scripts/demo.sh, `make demo`).
echo "== demo"
dp=$passed df=$failed
for v in "$@"; do
	dir=$out/demo-$v
	"$top/scripts/demo.sh" --build "$build" --kver "$v" --out "$dir" \
		> "$out/demo-$v.log" 2>&1
	result $? "vesa_fb demo on $v: 1024x768 picture checked from the host ($dir/vesa.png)" \
		"$out/demo-$v.log"
done
summary+=("demo: $((passed - dp)) passed, $((failed - df)) failed")
}

# Genode's own scenarios need a Genode tree: scripts/genode-check.sh.
skip "Genode's scenarios in the VM (rtc, uart, nvme, ahci, nic)" "make genode-check GENODE_DIR=<a Genode tree>"

echo "== installing on this host: DKMS and the Debian package"
p0=$passed f0=$failed s0=$skipped
if [ "$HOST_INSTALL" = no ]; then
	skip "DKMS and the Debian package on this host" "HOST_INSTALL=no"
else
	check_dkms "$@"
	check_deb "$@"
fi
summary+=("host install checks: $((passed - p0)) passed, $((failed - f0)) failed, $((skipped - s0)) skipped")

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
