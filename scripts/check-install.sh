# shellcheck shell=bash disable=SC2154
# (out, build, top, CACHE, passed, failed, skipped and summary are check.sh's)
# Sourced by check.sh: the checks that build and install on real machines.
# Each function counts its results through check.sh's result/skip helpers
# and writes its logs to $out.
#
#   check_versions          dkms.conf, debian/changelog and the module agree
#   check_compat KVER...    tests/compat builds against each kernel: every
#                           compat.h wrapper, with the probes' flags shown
#   check_kbuild_old KVER   kmod/Kbuild refuses a kernel older than 6.1
#   check_llvm KVER         genode.ko builds with clang, W=1 -Werror, for
#                           KVER (its vermagic); sets llvm_ko to it for
#                           check.sh's VM boot, or llvm_skip to the reason
#   check_modprobe_example KVER...
#                           modprobe.d/genode.conf names exactly the
#                           module's parameters, each has a description
#   check_userlib_install   make install DESTDIR=..., build against it with
#                           pkg-config (static and shared), make uninstall
#   check_host_diff         the before/after comparison of the host lets
#                           DKMS's own first-use files through, nothing else
#   check_dkms KVER...      make dkms-install on this host, the VM runs the
#                           tests with DKMS's genode.ko, make dkms-remove
#   check_deb KVER...       make deb, dpkg -i, the module for each kernel,
#                           dpkg --purge
#
# check_dkms and check_deb change the host (/usr/src, /var/lib/dkms,
# /lib/modules/<kver>/updates): they need root, take a lock against
# parallel runs, refuse to start when genode-dev is already installed, and
# check that they leave the host as they found it.

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)

check_versions() {
	local log=$out/versions deb
	deb=$(dpkg-parsechangelog -l debian/changelog -S Version 2>&1)
	{
		echo "dkms.conf: $version"
		echo "debian/changelog: $deb"
		grep -n 'define GENODE_VERSION' kmod/genode_dev.c
	} > "$log"
	[ -n "$version" ] && [ "$deb" = "$version" ] &&
		grep -q "define GENODE_VERSION \"$version\"" kmod/genode_dev.c
	result $? "version $version in dkms.conf, debian/changelog and MODULE_VERSION" "$log"
}

check_compat() {
	local v d log
	for v in "$@"; do
		d=$build/$v/compat
		log=$out/compat-$v
		rm -rf "$d"
		mkdir -p "$d/tests"
		cp -r kmod uapi "$d/"
		cp -r tests/compat "$d/tests/"
		make -C "/lib/modules/$v/build" M="$d/tests/compat" W=1 \
			KCFLAGS=-Werror modules > "$log" 2>&1
		local st=$?
		grep -m1 '^genode compat flags' "$log" | sed 's/^/# /'
		result $st "compat.h wrappers compile against $v" "$log"
	done
}

check_kbuild_old() {
	local d=$build/old-kernel log=$out/kbuild-old
	rm -rf "$d"
	mkdir -p "$d"
	cp -r kmod uapi "$d/"
	# The kernel's own VERSION and PATCHLEVEL, overridden to look like 6.0.
	make -C "/lib/modules/$1/build" M="$d/kmod" VERSION=6 PATCHLEVEL=0 \
		modules > "$log" 2>&1
	local st=$?
	[ $st != 0 ] && grep -q 'genode.ko needs Linux 6.1 or newer, this is 6.0' "$log"
	result $? "kmod/Kbuild refuses Linux 6.0 with a clear message" "$log"
}

check_llvm() {
	local v=$1 log=$out/llvm tree st ko=$build/llvm-check/kmod/genode.ko
	# shellcheck disable=SC2034 # check.sh's, for its VM boot
	llvm_ko="" llvm_skip=""
	tree=$(scripts/llvm-tree.sh "$CACHE" "$v" 2> "$log")
	st=$?
	if [ $st = 3 ]; then
		llvm_skip=$(tail -n 1 "$log")
		skip "genode.ko with clang (LLVM=1) against $v" "$llvm_skip"
		return
	fi
	if [ $st = 0 ]; then
		rm -rf "$build/llvm-check"
		mkdir -p "$build/llvm-check"
		cp -r kmod uapi "$build/llvm-check/"
		make -C "$tree" M="$build/llvm-check/kmod" LLVM=1 W=1 \
			KCFLAGS=-Werror modules >> "$log" 2>&1
		st=$?
		# clang really compiled it
		if [ $st = 0 ] && ! readelf -p .comment "$build/llvm-check/kmod/genode.o" |
			grep -q 'clang version'; then
			echo "genode.o was not compiled by clang" >> "$log"
			st=1
		fi
		if [ $st = 0 ] && grep -Eq '(warning|error):' "$log"; then
			st=1
		fi
		# built for v, so that v loads it (check.sh boots it)
		if [ $st = 0 ]; then
			modinfo -F vermagic "$ko" >> "$log" 2>&1
			modinfo -F vermagic "$ko" | grep -q "^$v " || {
				echo "genode.ko's vermagic is not $v's" >> "$log"
				st=1
			}
		fi
	fi
	# shellcheck disable=SC2034
	[ $st = 0 ] && llvm_ko=$ko
	result $st "genode.ko with clang $(clang -dumpversion 2>/dev/null) (LLVM=1, W=1 -Werror) for $v, against Debian's sources configured for clang" "$log"
}

check_modprobe_example() {
	local v ko log params listed p st
	for v in "$@"; do
		ko=$build/$v/kmod/genode.ko
		log=$out/modprobe-example-$v
		# every module_param*() leaves a __param_str_<name> symbol, with
		# or without a description (module_param_cb() has no parmtype)
		params=$(nm "$ko" | sed -n 's/.* __param_str_\([A-Za-z0-9_]*\)$/\1/p' | sort)
		listed=$(sed -n 's/^#[ \t]*options[ \t]\+genode[ \t]\+//p' modprobe.d/genode.conf |
			tr ' \t' '\n\n' | sed -n 's/=.*//p' | sort -u)
		{
			echo "parameters: $params"
			echo "modinfo -p:"
			modinfo -p "$ko"
			echo "modprobe.d/genode.conf names: $listed"
		} > "$log"
		st=0
		[ "$params" = "$listed" ] || st=1
		# every parameter has a MODULE_PARM_DESC
		for p in $params; do
			modinfo -F parm "$ko" | grep -Eq "^$p:.*[^ ]" || {
				echo "$p has no description" >> "$log"
				st=1
			}
		done
		result $st "modprobe.d/genode.conf lists exactly genode.ko's parameters ($v: ${params:-none})" "$log"
	done
}

check_userlib_install() {
	local d=$build/install-check log=$out/userlib-install prefix=/usr/local
	local pc="PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_LIBDIR=$d$prefix/lib/pkgconfig"
	local cflags="-std=c11 -Wall -Wextra -Werror"
	rm -rf "$d"
	mkdir -p "$d"
	{
		make --no-print-directory install DESTDIR="$d/root" PREFIX=$prefix &&
		(cd "$d/root" && find . ! -type d | sort)
	} > "$log" 2>&1
	result $? "make install DESTDIR=... PREFIX=$prefix" "$log"
	pc="PKG_CONFIG_SYSROOT_DIR=$d/root PKG_CONFIG_LIBDIR=$d/root$prefix/lib/pkgconfig"

	log=$out/userlib-shared
	(
		set -e
		eval "$pc pkg-config --modversion genode-dev"
		eval "gcc $cflags \$($pc pkg-config --cflags genode-dev) \
			tests/install/use_lib.c \$($pc pkg-config --libs genode-dev) \
			-o $d/use_lib-shared"
		readelf -d "$d/use_lib-shared" | grep NEEDED
		readelf -d "$d/use_lib-shared" | grep -q 'NEEDED.*\[libgenode_dev\.so\.0\]'
		LD_LIBRARY_PATH=$d/root$prefix/lib ldd "$d/use_lib-shared" |
			grep "libgenode_dev.so.0 => $d/root$prefix/lib/libgenode_dev.so.0 "
		LD_LIBRARY_PATH=$d/root$prefix/lib "$d/use_lib-shared"
	) > "$log" 2>&1
	result $? "a program built with pkg-config against the installed shared library runs" "$log"

	log=$out/userlib-static
	(
		set -e
		eval "gcc $cflags -static \$($pc pkg-config --cflags genode-dev) \
			tests/install/use_lib.c \$($pc pkg-config --static --libs genode-dev) \
			-o $d/use_lib-static"
		if readelf -d "$d/use_lib-static" 2>&1 | grep NEEDED; then
			exit 1
		fi
		"$d/use_lib-static"
	) > "$log" 2>&1
	result $? "a program built with pkg-config against the installed static library runs" "$log"

	log=$out/userlib-uninstall
	{
		make --no-print-directory uninstall DESTDIR="$d/root" PREFIX=$prefix &&
		echo "left:" && (cd "$d/root" && find . ! -type d) &&
		[ -z "$(find "$d/root" ! -type d)" ] &&
		[ ! -e "$d/root$prefix/include/genode-dev" ]
	} > "$log" 2>&1
	result $? "make uninstall leaves no file behind" "$log"
}

# The files DKMS keeps for itself across all its modules and creates on its
# first build on a machine: the module-signing key and certificate
# (mok_signing_key and mok_certificate of /etc/dkms/framework.conf, by
# default /var/lib/dkms/mok.key and mok.pub).  They are not ours to remove.
dkms_own_files() {
	local key=/var/lib/dkms/mok.key cert=/var/lib/dkms/mok.pub f v
	for f in /etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; do
		[ -r "$f" ] || continue
		v=$(sed -n 's/^[ \t]*mok_signing_key=["]*\([^"]*\)["]*[ \t]*$/\1/p' "$f" | tail -n 1)
		[ -n "$v" ] && key=$v
		v=$(sed -n 's/^[ \t]*mok_certificate=["]*\([^"]*\)["]*[ \t]*$/\1/p' "$f" | tail -n 1)
		[ -n "$v" ] && cert=$v
	done
	echo "$key"
	echo "$cert"
}

# What genode-dev may touch on the host, to compare before and after.
# DKMS's own files are listed apart, each as "dkms-own PATH MD5SUM", so that
# host_diff can tell them from ours.
host_snapshot() {
	local v own
	own=$(dkms_own_files)
	{
		find /usr/src -maxdepth 1 -name 'genode*'
		find /var/lib/dkms /etc/modprobe.d /usr/share/genode-dev \
			/usr/share/doc/genode-dev-dkms 2>/dev/null | grep -vxF "$own"
		for v in "$@"; do
			find "/lib/modules/$v" ! -path "*/kernel/*"
			(cd "/lib/modules/$v" && md5sum modules.*)
		done
		# a purged package may stay in dpkg's database as not-installed
		dpkg-query -W -f='${Package} ${Status}\n' 'genode*' 2>/dev/null |
			grep -v ' not-installed$'
		for v in $own; do
			[ -e "$v" ] && echo "dkms-own $v $(md5sum < "$v" | cut -d' ' -f1)"
		done
	} | sort
}

# host_diff BEFORE AFTER: the differences between two host_snapshots, in
# diff's format; fails when there are any.  DKMS's own files may appear
# (its first build on this machine made them), but once there they must be
# the same afterwards: neither removed nor changed.
host_diff() {
	local before=$1 after=$2 created
	created=$(grep '^dkms-own ' <<< "$after" | while read -r _ f _; do
		grep -q "^dkms-own $f " <<< "$before" || echo "dkms-own $f "
	done)
	if [ -n "$created" ]; then
		echo "# DKMS made its own files (not ours, left in place):"
		grep -F "$created" <<< "$after" | sed 's/^/#   /'
		after=$(grep -vF "$created" <<< "$after")
	fi
	diff <(echo "$before") <(echo "$after")
}

# check_host_diff: host_diff lets DKMS's first-use files through and
# nothing else, on made-up snapshots.
check_host_diff() {
	local log=$out/host-diff st=0
	local base=$'/usr/src/linux-headers-x\n/var/lib/dkms'
	local key=$'dkms-own /var/lib/dkms/mok.key 1111\ndkms-own /var/lib/dkms/mok.pub 2222'
	{
		echo "1. DKMS made its key: no difference"
		host_diff "$base" "$(sort <<< "$base"$'\n'"$key")" || st=1
		echo "2. a file of ours left behind: a difference"
		host_diff "$base" "$(sort <<< "$base"$'\n/var/lib/dkms/genode-dev')" && st=1
		echo "3. the key there before and changed: a difference"
		host_diff "$(sort <<< "$base"$'\n'"$key")" \
			"$(sort <<< "$base"$'\n'"${key/1111/3333}")" && st=1
		echo "4. the key there before and removed: a difference"
		host_diff "$(sort <<< "$base"$'\n'"$key")" "$base" && st=1
		echo "5. the key made and a file of ours left: a difference"
		host_diff "$base" "$(sort <<< "$base"$'\n'"$key"$'\n/lib/modules/x/updates/dkms/genode.ko')" && st=1
	} > "$log" 2>&1
	result $st "the host comparison allows DKMS's first-use signing key and nothing else" "$log"
}

# host_clean LOG: nothing of genode-dev installed; says what is, otherwise
host_clean() {
	local st=0
	if dkms status -m genode-dev 2>/dev/null | grep -q .; then
		echo "DKMS already has genode-dev: $(dkms status -m genode-dev)" >> "$1"
		st=1
	fi
	if dpkg-query -W -f='${Status}\n' genode-dev-dkms 2>/dev/null | grep -qv '^unknown\|not-installed'; then
		echo "the package genode-dev-dkms is installed" >> "$1"
		st=1
	fi
	if ls -d /usr/src/genode-dev-* > /dev/null 2>&1; then
		echo "found $(ls -d /usr/src/genode-dev-*)" >> "$1"
		st=1
	fi
	[ $st = 0 ] || echo "make check needs the host without genode-dev: make dkms-remove, or dpkg --purge genode-dev-dkms" >> "$1"
	return $st
}

# dkms_ko KVER DIR: the module DKMS installed for KVER, uncompressed into DIR
dkms_ko() {
	local f
	f=$(ls "/lib/modules/$1/updates/dkms/genode.ko"* 2>/dev/null | head -n 1)
	[ -n "$f" ] || return 1
	case "$f" in
	*.xz) xz -dc "$f" > "$2/genode.ko" ;;
	*.zst) zstd -qdc "$f" > "$2/genode.ko" ;;
	*) cp "$f" "$2/genode.ko" ;;
	esac
	echo "$2/genode.ko"
}

# with_host_lock NAME FUNCTION ARGS...: FUNCTION under a lock that keeps
# parallel checks (other work trees) off the host's DKMS and dpkg.
with_host_lock() {
	local name=$1 fn=$2
	shift 2
	if [ "$(id -u)" != 0 ]; then
		skip "$name" "installing on the host needs root"
		return
	fi
	exec 9> /run/lock/genode-dev-host-install.lock
	if flock -w 1200 9; then
		"$fn" "$@"
	else
		result 1 "$name: no lock on the host's DKMS within 20 minutes"
	fi
	exec 9>&-
}

__check_dkms() {
	local v log before after ko dir st p f s
	log=$out/dkms-host
	: > "$log"
	host_clean "$log"
	st=$?
	result $st "the host has no genode-dev installed before the DKMS check" "$log"
	[ $st = 0 ] || return
	before=$(host_snapshot "$@")

	log=$out/dkms-install
	make --no-print-directory dkms-install DKMS_KVERS="$*" > "$log" 2>&1
	result $? "make dkms-install: dkms add, build and install for $*" "$log"

	for v in "$@"; do
		log=$out/dkms-$v
		dir=$out/dkms-ko-$v
		mkdir -p "$dir"
		{
			dkms status -m genode-dev -v "$version" -k "$v"
			ls -l "/lib/modules/$v/updates/dkms/"
			ko=$(dkms_ko "$v" "$dir") &&
			modinfo "$ko" &&
			dkms status -m genode-dev -v "$version" -k "$v" | grep -q ': installed' &&
			modinfo -F vermagic "$ko" | grep -q "^$v " &&
			grep -q "updates/dkms/genode.ko" "/lib/modules/$v/modules.dep"
		} > "$log" 2>&1
		result $? "DKMS installed genode.ko for $v in /lib/modules/$v/updates/dkms (vermagic, modules.dep)" "$log"
	done

	# AUTOINSTALL: what installing a kernel runs builds the module again.
	# (DKMS forgets the module when its last kernel goes: needs two.)
	v=${*: -1}
	log=$out/dkms-autoinstall
	if [ $# -lt 2 ]; then
		skip "AUTOINSTALL through /etc/kernel/postinst.d/dkms" "needs two kernels"
	else
		{
			dkms remove -m genode-dev -v "$version" -k "$v" &&
			! ls "/lib/modules/$v/updates/dkms/genode.ko"* &&
			/etc/kernel/postinst.d/dkms "$v" &&
			dkms status -m genode-dev -v "$version" -k "$v" | grep ': installed' &&
			ls "/lib/modules/$v/updates/dkms/genode.ko"*
		} > "$log" 2>&1
		result $? "AUTOINSTALL: /etc/kernel/postinst.d/dkms $v builds and installs it again" "$log"
	fi

	log=$out/dkms-refuse
	dkms build -m genode-dev -v "$version" -k 6.0.19-1-amd64 > "$log" 2>&1
	[ $? = 77 ] && grep -q BUILD_EXCLUSIVE "$log"
	result $? "dkms refuses to build for 6.0 (BUILD_EXCLUSIVE_KERNEL, status 77)" "$log"

	# The test suite on each kernel with DKMS's module: one boot, the
	# machine of tests/vm/configs' "dkms" line.
	local line opts timeout label kvers=("$@")
	if line=$(vm_config dkms dkms); then
		IFS=$'\t' read -r _ _ _ _ _ timeout opts label <<< "$line"
	else
		result 1 "tests/vm/configs: its dkms line"
		kvers=()
	fi
	for v in "${kvers[@]}"; do
		dir=$out/vm-dkms-$v
		if ! ko=$(dkms_ko "$v" "$out/dkms-ko-$v"); then
			result 1 "VM on $v with DKMS's genode.ko: no module"
			continue
		fi
		echo "# the test suite on $v with DKMS's genode.ko from /lib/modules/$v/updates/dkms"
		# shellcheck disable=SC2086
		"$top/tests/vm/run.sh" $opts --timeout "$timeout" --ko "$ko" \
			--tests "$build/tests" --out "$dir" "$v"
		if read -r p f s < "$dir/counts" 2>/dev/null; then
			passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
			summary+=("$v $label: $p passed, $f failed, $s skipped")
		else
			result 1 "VM on $v with DKMS's genode.ko: no result"
		fi
	done

	log=$out/dkms-remove
	make --no-print-directory dkms-remove > "$log" 2>&1
	result $? "make dkms-remove" "$log"
	after=$(host_snapshot "$@")
	log=$out/dkms-leftovers
	host_diff "$before" "$after" > "$log"
	result $? "make dkms-remove leaves the host as before (/usr/src, /var/lib/dkms, /lib/modules)" "$log"
}

__check_deb() {
	local v log before after deb st
	log=$out/deb-host
	: > "$log"
	host_clean "$log"
	st=$?
	result $st "the host has no genode-dev installed before the package check" "$log"
	[ $st = 0 ] || return
	before=$(host_snapshot "$@")

	log=$out/deb-build
	deb=$(make --no-print-directory -s deb 2> "$log" | tail -n 1)
	{ echo "$deb"; dpkg-deb -I "$deb" && dpkg-deb -c "$deb"; } >> "$log" 2>&1
	result $? "make deb builds genode-dev-dkms ($(basename "$deb"))" "$log"

	log=$out/deb-install
	DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" > "$log" 2>&1
	result $? "dpkg -i genode-dev-dkms" "$log"
	for v in "$@"; do
		log=$out/deb-$v
		{
			dkms status -m genode-dev -v "$version" -k "$v"
			ls -l "/lib/modules/$v/updates/dkms/"
			dkms status -m genode-dev -v "$version" -k "$v" | grep -q ': installed' &&
			ls "/lib/modules/$v/updates/dkms/genode.ko"* &&
			grep -q "updates/dkms/genode.ko" "/lib/modules/$v/modules.dep"
		} > "$log" 2>&1
		result $? "the package built and installed genode.ko for $v" "$log"
	done
	log=$out/deb-files
	ls -l /etc/modprobe.d/genode.conf /usr/share/genode-dev/70-genode.rules \
		"/usr/src/genode-dev-$version/dkms.conf" "/usr/src/genode-dev-$version/kmod/Kbuild" > "$log" 2>&1 &&
		cmp modprobe.d/genode.conf /etc/modprobe.d/genode.conf >> "$log" 2>&1 &&
		cmp udev/70-genode.rules /usr/share/genode-dev/70-genode.rules >> "$log" 2>&1
	result $? "the package installed the sources, modprobe.d/genode.conf and the udev rule" "$log"

	log=$out/deb-purge
	dpkg --purge genode-dev-dkms > "$log" 2>&1
	result $? "dpkg --purge genode-dev-dkms" "$log"
	after=$(host_snapshot "$@")
	log=$out/deb-leftovers
	host_diff "$before" "$after" > "$log"
	result $? "purging the package leaves the host as before (/usr/src, /var/lib/dkms, /lib/modules, /etc)" "$log"
}

check_dkms() {
	with_host_lock "DKMS on the host" __check_dkms "$@"
}

check_deb() {
	with_host_lock "the Debian package on the host" __check_deb "$@"
}
