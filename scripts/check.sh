#!/bin/bash
# The body of `make check`: static checks on the host, then the kselftest
# programs in the QEMU VM for every kernel, with and without an IOMMU.
# Each static check and each TAP result counts as one test; the last line is
# "N passed, N failed" (", N skipped" when something skipped).
#
# usage: check.sh --build DIR --linux-src DIR [--debug-kernel DIR] KVER...
#   --debug-kernel  the build of scripts/debug-kernel.sh: its kernel runs
#                   the suite too (after the others, with and without an
#                   IOMMU), its bug finders checked and kmemleak scanned
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="" lsrc="" debug=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--linux-src) lsrc=$2; shift 2 ;;
	--debug-kernel) debug=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "check.sh: no kernel to test" >&2; exit 1; }
IOMMUS=${IOMMUS:-"off on"}

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

cd "$top" || exit 1
out=$build/check
rm -rf "$out"
mkdir -p "$out"

echo "== static checks"
kfiles=$(ls kmod/*.c kmod/*.h uapi/*.h)
# shellcheck disable=SC2086
perl "$lsrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f $kfiles > "$out/checkpatch" 2>&1
grep -Eq '(ERROR|WARNING|CHECK):' "$out/checkpatch"
result $((1 - $?)) "checkpatch.pl --strict: kmod/ uapi/" "$out/checkpatch"

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

vm() { # vm KVER IOMMU [run.sh options]
	local v=$1 iommu=$2 dir=$out/vm-$1-iommu-$2 p f s
	shift 2
	"$top/tests/vm/run.sh" --iommu "$iommu" --ko "$build/$v/kmod/genode.ko" \
		--tests "$build/tests" --out "$dir" "$@" "$v"
	if read -r p f s < "$dir/counts" 2>/dev/null; then
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		summary+=("$v iommu=$iommu: $p passed, $f failed, $s skipped")
	else
		failed=$((failed + 1))
		summary+=("$v iommu=$iommu: no result")
	fi
}

for v in "$@"; do
	for iommu in $IOMMUS; do
		vm "$v" "$iommu"
	done
done

# The debug kernel is several times slower under TCG (KASAN, lockdep).
if [ -n "$debug" ]; then
	if [ -n "$dkver" ] && [ -f "$debug/bzImage" ]; then
		for iommu in $IOMMUS; do
			vm "$dkver" "$iommu" --checkers --kernel-image "$debug/bzImage" \
				--moddir "$debug/modules/lib/modules/$dkver" --timeout 900
		done
	else
		failed=$((failed + 1))
		summary+=("debug kernel: not built in $debug")
	fi
fi

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
