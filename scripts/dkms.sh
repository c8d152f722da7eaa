#!/bin/sh
# The body of `make dkms-install` and `make dkms-remove`.
#
# usage: dkms.sh install [KVER...]   put kmod/, uapi/ and dkms.conf into
#                                    /usr/src/genode-dev-<version>/, register
#                                    them with DKMS, and build and install
#                                    genode.ko for each KVER (default: every
#                                    kernel under /lib/modules with headers)
#        dkms.sh remove              remove every kernel's module, DKMS's
#                                    copy and /usr/src/genode-dev-<version>/
#
# The sources are copied by directory, so kmod/Kbuild stays the only list
# of source files.  Kernels that dkms.conf excludes (older than 6.1) are
# reported and skipped; any other failure is an error.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
name=genode-dev
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$version" ] || { echo "dkms.sh: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
src=/usr/src/$name-$version

if [ "$(id -u)" != 0 ]; then
	echo "dkms.sh: DKMS needs root" >&2
	exit 1
fi
command -v dkms > /dev/null || { echo "dkms.sh: dkms is not installed (apt-get install dkms)" >&2; exit 1; }

# The package genode-dev-dkms owns the same directory: refuse to mix them.
owned_by_package() {
	dpkg-query -S "$src" > /dev/null 2>&1
}

remove() {
	if owned_by_package; then
		echo "dkms.sh: $src belongs to a package ($(dpkg-query -S "$src" | cut -d: -f1)); remove that instead" >&2
		exit 1
	fi
	if [ -d "/var/lib/dkms/$name/$version" ]; then
		dkms remove -m "$name" -v "$version" --all
	fi
	rm -rf "$src"
}

case "${1:-}" in
install)
	shift
	remove
	mkdir -p "$src"
	cp -r "$top/kmod" "$top/uapi" "$top/dkms.conf" "$src/"
	# only sources: nothing a build in the tree may have left behind
	find "$src" -type f ! -name '*.[ch]' ! -name '*.sh' ! -name Kbuild \
		! -name dkms.conf -delete
	dkms add -m "$name" -v "$version"
	if [ $# = 0 ]; then
		for b in /lib/modules/*/build; do
			[ -d "$b/include" ] || continue
			k=${b%/build}
			set -- "$@" "${k#/lib/modules/}"
		done
	fi
	[ $# -gt 0 ] || echo "dkms.sh: no kernel headers installed: nothing built" >&2
	for k in "$@"; do
		rc=0
		dkms build -m "$name" -v "$version" -k "$k" || rc=$?
		case $rc in
		0) dkms install -m "$name" -v "$version" -k "$k" ;;
		77) echo "dkms.sh: $k is older than the oldest supported kernel (6.1): skipped" >&2 ;;
		*) echo "dkms.sh: building for $k failed (dkms status $rc)" >&2; exit "$rc" ;;
		esac
	done
	;;
remove)
	remove
	;;
*)
	echo "usage: dkms.sh install [KVER...] | remove" >&2
	exit 2
	;;
esac
