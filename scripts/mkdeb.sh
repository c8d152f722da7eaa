#!/bin/sh
# The body of `make deb`: build the Debian package genode-dev-dkms with
# debhelper and dh-dkms from a copy of what it ships, and print the path of
# the .deb.  (Debian 12's dkms 3.0 has no `dkms mkdeb` any more.)
#
# usage: mkdeb.sh OUTDIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: mkdeb.sh OUTDIR}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")

rm -rf "$out"
mkdir -p "$out/genode-dev-$version"
# kmod/ and uapi/ go in whole: kmod/Kbuild is the one list of sources.
(cd "$top" && cp -r debian dkms.conf kmod uapi udev modprobe.d \
	"$out/genode-dev-$version/")
# only sources: nothing a build in the tree may have left behind
find "$out/genode-dev-$version/kmod" "$out/genode-dev-$version/uapi" -type f \
	! -name '*.[ch]' ! -name '*.sh' ! -name Kbuild -delete
(cd "$out/genode-dev-$version" &&
	dpkg-buildpackage --build=binary --no-sign > ../build.log 2>&1) || {
	cat "$out/build.log" >&2
	echo "mkdeb.sh: dpkg-buildpackage failed" >&2
	exit 1
}
ls "$out"/genode-dev-dkms_"$version"_all.deb
