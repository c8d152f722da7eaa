#!/bin/sh
# Print the supported kernels that are installed, one version a line, in
# order: what Debian's meta-packages for the 6.1 series, its PREEMPT_RT
# flavour and the 6.12 series point at (the first is the oldest kernel, the
# last the newest: check.sh and the Makefile rely on that).  Reading the meta-packages' dependencies keeps the ABI number
# (6.1.0-NN) out of the project.  A kernel counts when its image and its
# headers are both there.
for meta in linux-image-amd64 linux-image-rt-amd64 linux-image-6.12-amd64; do
	dpkg-query -W -f='${Depends}\n' "$meta" 2>/dev/null |
		tr ',|' '\n\n' | sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' |
		sed 's/-unsigned$//' | head -n 1
done | while read -r v; do
	[ -f "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/build" ] && echo "$v"
done
