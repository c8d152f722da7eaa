#!/bin/sh
# Prepare a kernel tree to build genode.ko with clang (LLVM=1) against, and
# print its path.
#
# Debian's headers packages cannot do this: they are configured for gcc
# (CONFIG_CC_IS_GCC, and .kernelvariables sets CC to gcc-12, so LLVM=1 alone
# still compiles with gcc, and CC=clang fails on gcc-only flags such as
# -mfunction-return=thunk-extern).  So this takes the matching
# linux-source-<series> package, Debian's .config of KVER, lets Kconfig
# redo the compiler-dependent options for clang (olddefconfig LLVM=1) and
# runs modules_prepare, once; Module.symvers comes from KVER's headers.
# The tree's release is KVER's (KERNELRELEASE), not the sources' own
# (6.12.117): the module's vermagic must be KVER's for it to load there.
# And objtool records the module's calls to __fentry__ without turning
# them into NOPs (no --mnop): Debian's kernel is built with gcc's
# -mrecord-mcount, so its ftrace expects those calls in a module and
# replaces them itself; a NOP there fails ftrace_verify_code at insmod
# (a WARNING, a panic with panic_on_warn).
#
# usage: llvm-tree.sh CACHE_DIR KVER
# Exits 3 with the reason on stderr when the kernel needs a newer clang
# than Debian's, so that the check can report a skip.
set -eu
cache=${1:?usage: llvm-tree.sh CACHE_DIR KVER}
kver=${2:?usage: llvm-tree.sh CACHE_DIR KVER}
series=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
tarball=$(ls "/usr/src/linux-source-$series.tar."* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "llvm-tree.sh: linux-source-$series is not installed" >&2; exit 1; }
config=/lib/modules/$kver/build/.config
[ -f "$config" ] || { echo "llvm-tree.sh: no $config" >&2; exit 1; }
for tool in clang ld.lld llvm-ar llvm-nm llvm-objcopy; do
	command -v "$tool" > /dev/null || { echo "llvm-tree.sh: $tool is not installed" >&2; exit 1; }
done

dir=$cache/src/linux-llvm-$kver
clang_version=$(clang -dumpversion)
key="$(stat -c '%s-%Y' "$tarball") $(md5sum < "$config" | cut -c1-32) clang-$clang_version release-$kver fentry-calls"

mkdir -p "$cache/src"
exec 9> "$cache/src/.linux-llvm.lock"
flock 9
if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$key" ]; then
	echo "llvm-tree.sh: preparing $dir (once; takes a minute)" >&2
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -C "$dir" --strip-components=1 -xf "$tarball"
	min=$(sh "$dir/scripts/min-tool-version.sh" llvm)
	if ! printf '%s\n%s\n' "$min" "$clang_version" | sort -V -C; then
		rm -rf "$dir"
		echo "llvm-tree.sh: Linux $series needs clang $min or newer, Debian's clang is $clang_version" >&2
		exit 3
	fi
	cp "$config" "$dir/.config"
	make -s -C "$dir" LLVM=1 olddefconfig >&2
	make -s -C "$dir" LLVM=1 KERNELRELEASE="$kver" -j"$(nproc)" modules_prepare >&2
	[ "$(cat "$dir/include/config/kernel.release")" = "$kver" ] || {
		echo "llvm-tree.sh: $dir is not released as $kver" >&2
		exit 1
	}
	sed -i '/^CONFIG_HAVE_OBJTOOL_NOP_MCOUNT=y$/d' "$dir/include/config/auto.conf"
	cp "/lib/modules/$kver/build/Module.symvers" "$dir/"
	echo "$key" > "$dir/.stamp"
fi
echo "$dir"
