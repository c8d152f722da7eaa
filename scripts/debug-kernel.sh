#!/bin/sh
# Build the debug kernel of make check: Debian's linux-source-6.1 with
# tests/debug-kernel/config.fragment merged onto allnoconfig, out of tree,
# in the cache directory given.  The build is keyed by a hash of the
# fragment, the source package's version, the compiler and $recipe below,
# so a second run with nothing changed costs nothing.  Prints the build's
# directory, which holds:
#
#   bzImage          the kernel image
#   kernel.release   its `uname -r`
#   build/           the O= tree, for M= module builds against it
#   modules/         its modules_install (INSTALL_MOD_PATH): lib/modules/...
#
# usage: debug-kernel.sh [--dir] CACHE_DIR
#   --dir   only print where the build is (or would be), build nothing
#
# Environment: DEBUG_KERNEL_JOBS (make -j, default 2).  The build runs at
# nice 19, as the machines' cores are shared.
set -eu

dironly=0
if [ "${1:-}" = --dir ]; then
	dironly=1
	shift
fi
cache=${1:?usage: debug-kernel.sh [--dir] CACHE_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
fragment=$top/tests/debug-kernel/config.fragment
jobs=${DEBUG_KERNEL_JOBS:-2}
# Bump this when a change below builds something different from the same
# fragment (a build costs 10 to 25 minutes, so comments and the like do
# not count).
recipe=1
# Nothing of a calling make (its -j, its command-line variables) reaches
# the kernel's build.
unset MAKEFLAGS MFLAGS MAKELEVEL

tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || srcver=""
if [ -z "$tarball" ] || [ -z "$srcver" ]; then
	echo "debug-kernel: linux-source-6.1 is not installed (scripts/deps.sh)" >&2
	exit 1
fi
key=$({
	echo "$srcver"
	gcc --version | head -n 1
	echo "recipe $recipe"
	cat "$fragment"
} | sha256sum | cut -c 1-16)
base=$cache/debug-kernel
dir=$base/$key

if [ "$dironly" = 1 ]; then
	echo "$dir"
	exit 0
fi

# Concurrent make checks on the same machine share the cache: one builds,
# the others wait for it.
mkdir -p "$base"
exec 9> "$base/.lock"
flock 9

if [ -f "$dir/.done" ]; then
	touch "$dir/.done"
	echo "$dir"
	exit 0
fi

log=$base/build-$key.log
echo "debug-kernel: building $key from linux-source-6.1 $srcver (log: $log)" >&2
start=$(date +%s)

# The source tree, extracted once per package version, shared by builds.
src=$base/src-$srcver/linux-source-6.1
if [ ! -f "$src/.extracted" ]; then
	rm -rf "$base/src-$srcver"
	mkdir -p "$base/src-$srcver"
	tar -C "$base/src-$srcver" -xf "$tarball"
	touch "$src/.extracted"
	echo "debug-kernel: extracted $tarball in $(( $(date +%s) - start )) s" >&2
fi

# A build that was interrupted goes on where it stopped: the configuration
# comes out the same, and make redoes only what is missing.
mkdir -p "$dir/build"
obj=$dir/build

kmake() {
	nice -n 19 make -C "$src" O="$obj" ARCH=x86_64 "$@"
}

# Every option the fragment sets or unsets must come out of olddefconfig
# as asked: one that a missing dependency dropped would be a checker that
# silently does not run.
config_check() {
	bad=0
	grep -E '^(CONFIG_[A-Za-z0-9_]+=.*|# CONFIG_[A-Za-z0-9_]+ is not set)$' "$fragment" |
	{
		while read -r line; do
			case "$line" in
			"# "*)
				sym=${line#\# }
				sym=${sym%% *}
				if grep -q "^$sym=" "$obj/.config"; then
					echo "debug-kernel: $sym is set, the fragment unsets it:" \
						"$(grep "^$sym=" "$obj/.config")" >&2
					bad=1
				fi
				;;
			*)
				if ! grep -qxF "$line" "$obj/.config"; then
					sym=${line%%=*}
					now=$(grep -E "^$sym=|^# $sym is not set" "$obj/.config" || echo "absent")
					echo "debug-kernel: asked for $line, got: $now" >&2
					bad=1
				fi
				;;
			esac
		done
		exit $bad
	}
}

if ! {
	kmake allnoconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment"
	kmake olddefconfig
} > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "debug-kernel: configuration failed (log: $log)" >&2
	exit 1
fi
if ! config_check; then
	echo "debug-kernel: olddefconfig dropped options of $fragment" >&2
	exit 1
fi

if ! {
	kmake -j"$jobs" bzImage modules
	kmake INSTALL_MOD_PATH="$dir/modules" modules_install
} >> "$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "debug-kernel: build failed (log: $log)" >&2
	exit 1
fi

release=$(cat "$obj/include/config/kernel.release")
cp "$obj/arch/x86/boot/bzImage" "$dir/bzImage"
echo "$release" > "$dir/kernel.release"
[ -f "$dir/modules/lib/modules/$release/modules.dep" ] || {
	echo "debug-kernel: no modules.dep for $release after modules_install" >&2
	exit 1
}
mv "$log" "$dir/build.log"
touch "$dir/.done"
echo "debug-kernel: $release built in $(( $(date +%s) - start )) s" >&2

# Keep the three builds used last (other branches may have other
# fragments) and the sources they need; drop the rest.
ls -1t "$base"/*/.done 2>/dev/null | tail -n +4 | while read -r done; do
	rm -rf "$(dirname "$done")"
done
for s in "$base"/src-*; do
	[ -d "$s" ] && [ "$s" != "$base/src-$srcver" ] && rm -rf "$s"
done
echo "$dir"
