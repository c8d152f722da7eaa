#!/bin/bash
# The body of `make check`: static checks on the host, then the kselftest
# programs in the QEMU VM in each configuration of tests/vm/configs (every
# kernel with and without an IOMMU, the debug kernel of
# scripts/debug-kernel.sh, the module built with clang, the lockdown and
# other boots of one program), the framebuffer demo on every kernel, then
# installing on this host through DKMS and the Debian package (see
# check-install.sh).  Each static check and each TAP result
# counts as one test; the last line is "N passed, N failed" (", N skipped"
# when something skipped).  HOST_INSTALL=no skips the checks that install
# on the host.  QUICK=yes (make check-quick) runs the static checks, the
# build checks and the configurations marked "quick" only, and says what
# it skipped.  IOMMUS (default "off on") leaves out the configurations
# whose machine it does not name.
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

# The boots of tests/vm/configs (make check-quick: its "quick" lines),
# each line on each of its kernels.
# shellcheck source=tests/vm/configs.sh
. "$top/tests/vm/configs.sh"

# vm_boot KVER NAME LABEL KO PROGRAMS TIMEOUT [run.sh options]: one boot,
# logs in vm-KVER-NAME/
vm_boot() {
	local v=$1 dir=$out/vm-$1-$2 label="$1 $3" ko=$4 progs=$5 timeout=$6 tests p
	shift 6
	tests=$build/tests
	if [ "$progs" != all ]; then
		tests=$dir.tests
		rm -rf "$tests"
		mkdir -p "$tests"
		for p in $progs; do
			cp "$build/tests/$p" "$tests/"
		done
	fi
	"$top/tests/vm/run.sh" --ko "$ko" --tests "$tests" --out "$dir" \
		--timeout "$timeout" "$@" "$v"
	vm_counts "$dir" "$label"
}

configs=$(vm_configs quick check) || {
	failed=$((failed + 1))
	summary+=("tests/vm/configs: unreadable")
}
while IFS=$'\t' read -r -u 3 name use kernels module progs timeout opts label; do
	read -r -a optv <<< "$opts"
	if [ "$use" != quick ] && [ "$QUICK" = yes ]; then
		skip "$label ($kernels kernel)" "QUICK=yes (make check-quick)"
		summary+=("$label ($kernels kernel): skipped (QUICK=yes)")
		continue
	fi
	iommu=$(vm_config_iommu "${optv[@]}")
	if ! echo "$IOMMUS" | tr ' ' '\n' | grep -qx "$iommu"; then
		skip "$label ($kernels kernel)" "IOMMUS=$IOMMUS"
		summary+=("$label ($kernels kernel): skipped (IOMMUS=$IOMMUS)")
		continue
	fi
	case $kernels in
	each) kvers=("$@") ;;
	last) kvers=("${*: -1}") ;;
	debug)
		if [ -z "$debug" ]; then
			skip "$label under the debug kernel" DEBUG_KERNEL=off
			summary+=("debug kernel, $label: skipped (DEBUG_KERNEL=off)")
			continue
		fi
		if [ -z "$dkver" ] || [ ! -f "$debug/bzImage" ]; then
			failed=$((failed + 1))
			summary+=("debug kernel, $label: not built in $debug")
			continue
		fi
		kvers=("$dkver")
		optv+=(--kernel-image "$debug/bzImage"
			--moddir "$debug/modules/lib/modules/$dkver") ;;
	*)
		failed=$((failed + 1))
		summary+=("tests/vm/configs: $name: unknown kernels $kernels")
		continue ;;
	esac
	for v in "${kvers[@]}"; do
		ko=$build/$v/kmod/genode.ko
		if [ "$module" = clang ]; then
			if [ -n "$llvm_skip" ]; then
				skip "the VM tests on $v with the clang-built genode.ko" "$llvm_skip"
				summary+=("$v $label: skipped ($llvm_skip)")
				continue
			elif [ -z "$llvm_ko" ]; then
				failed=$((failed + 1))
				summary+=("$v $label: no module (see $out/llvm)")
				continue
			fi
			ko=$llvm_ko
		fi
		echo "# $v $label"
		vm_boot "$v" "$name" "$label" "$ko" "$progs" "$timeout" "${optv[@]}"
	done
done 3<<< "$configs"

# Each errno the uapi header lists for an ioctl was returned to a test in
# the boots above, and none that it does not list (errno-coverage.py): one
# result per ioctl comment of the header.  Only the whole matrix reaches
# them all (lockdown, the IOMMU, the debug kernel's fault injection).
echo "== errnos"
cover_skip=""
if [ "$QUICK" = yes ]; then
	cover_skip="QUICK=yes (make check-quick)"
elif ! echo "$IOMMUS" | grep -qw off || ! echo "$IOMMUS" | grep -qw on; then
	cover_skip="IOMMUS=$IOMMUS"
elif [ -z "$debug" ]; then
	cover_skip="DEBUG_KERNEL=off"
fi
if [ -n "$cover_skip" ]; then
	skip "errnos of each ioctl reached by the tests, none unlisted" "$cover_skip"
	summary+=("errnos: skipped ($cover_skip)")
else
	ep=$passed ef=$failed
	python3 scripts/errno-coverage.py uapi/genode_dev.h \
		tests/errno-coverage.exceptions "$out"/vm-*/errnos > "$out/errnos" 2>&1
	st=$?
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) result 0 "${line#ok - }" ;;
		"not ok - "*) result 1 "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done < "$out/errnos"
	if [ $st != 0 ] && [ "$failed" = "$ef" ]; then
		result 1 "scripts/errno-coverage.py exited with status $st" "$out/errnos"
	fi
	summary+=("errnos: $((passed - ep)) passed, $((failed - ef)) failed")
fi

# The VESA framebuffer example, its picture taken with QEMU's screendump
# and checked pixel by pixel on the host (scripts/demo.sh, `make demo`).
echo "== demo"
if [ "$QUICK" = yes ]; then
	skip "vesa_fb demo" "QUICK=yes (make check-quick)"
	summary+=("vesa_fb demo: skipped (QUICK=yes)")
else
	dp=$passed df=$failed
	for v in "$@"; do
		dir=$out/demo-$v
		"$top/scripts/demo.sh" --build "$build" --kver "$v" --out "$dir" \
			> "$out/demo-$v.log" 2>&1
		result $? "vesa_fb demo on $v: 1024x768 picture checked from the host ($dir/vesa.png)" \
			"$out/demo-$v.log"
	done
	summary+=("demo: $((passed - dp)) passed, $((failed - df)) failed")
fi

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
