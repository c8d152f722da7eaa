#!/bin/sh
# Install what the build and the QEMU test bed need, from Debian's packages.
# Idempotent and quiet when everything is present.  Kernel packages are named
# through Debian's meta-packages, so an ABI bump (6.1.0-NN) needs no change.
set -eu

PKGS="linux-image-amd64 linux-headers-amd64
      linux-image-rt-amd64 linux-headers-rt-amd64
      linux-image-6.12-amd64 linux-headers-6.12-amd64
      linux-source-6.1 qemu-system-x86 busybox-static cpio kmod xz-utils zstd
      sparse dkms gcc make libc6-dev pkg-config valgrind
      debhelper dh-dkms dpkg-dev
      clang lld llvm linux-source-6.12 bc flex bison libelf-dev libssl-dev python3
      expect g++ fdisk gnuplot-nox"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root: $0)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
