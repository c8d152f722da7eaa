#!/bin/bash
# The body of `make check`: static checks on the host, then the kselftest
# programs in the QEMU VM for every kernel, with and without an IOMMU, then
# the framebuffer demo on every kernel.
# Each static check and each TAP result counts as one test; the last line is
# "N passed, N failed" (", N skipped" when something skipped).
#
# usage: check.sh --build DIR --linux-src DIR KVER...
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="" lsrc=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--linux-src) lsrc=$2; shift 2 ;;
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

for v in "$@"; do
	sp=$build/$v/sparse
	rm -rf "$sp"
	mkdir -p "$sp"
	cp -r kmod uapi "$sp/"
	make -C "/lib/modules/$v/build" M="$sp/kmod" C=2 CHECK=sparse W=1 \
		KCFLAGS=-Werror modules > "$out/sparse-$v" 2>&1
	st=$?
	if [ $st = 0 ] && grep -Eq '(warning|error):' "$out/sparse-$v"; then
		st=1
	fi
	result $st "sparse (C=2) and W=1 against $v" "$out/sparse-$v"
done
summary+=("static checks: $passed passed, $failed failed")

for v in "$@"; do
	for iommu in $IOMMUS; do
		dir=$out/vm-$v-iommu-$iommu
		"$top/tests/vm/run.sh" --iommu "$iommu" --ko "$build/$v/kmod/genode.ko" \
			--tests "$build/tests" --out "$dir" "$v"
		if read -r p f s < "$dir/counts" 2>/dev/null; then
			passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
			summary+=("$v iommu=$iommu: $p passed, $f failed, $s skipped")
		else
			failed=$((failed + 1))
			summary+=("$v iommu=$iommu: no result")
		fi
	done
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

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
