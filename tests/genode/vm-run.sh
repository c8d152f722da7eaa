#!/bin/sh
# /opt/run.sh of the test VM for scripts/genode-check.sh (tests/vm/run.sh
# --mode run): runs each Genode scenario in /opt, one core after the other.
#
# /opt/scenarios lists the scenario directories in order.  Each holds a
# boot directory (core, ld.lib.so, init, config, components) and
# scenario.conf, which sets
#   pattern  a line of the scenario's log (grep -F) that proves it
#   count    how often it must appear before core is stopped
#   limit    seconds to wait for that
#   stop     another line (grep -F) that ends the wait at once: an outcome
#            that the host's checks tell apart from the pattern's
#   assign   PCI functions (domain:bus:device.function) that the scenario's
#            platform driver gets: bound to genode.ko through driver_override
#            before core starts, as an administrator assigns them, and
#            unbound again after core (the next scenario's core claims only
#            its own)
#   identity yes: first give the IOMMU group of each of them the identity
#            domain (the IOMMU passes their DMA through untranslated);
#            translated: first unbind the other functions of each group
#            and give it the translating DMA domain, so that a domain of
#            core's can take the group (GENODE_IOMMU_ATTACH)
#   allow    /dev/genode's allow list while the scenario runs (the module
#            parameter "allow", e.g. io:0x60,io:0x64), empty again after
#   ready    a line of the log (grep -F) on which the console gets
#            "@@GENODE READY NAME@@" at once, while core runs on: the host
#            then looks at the screen and sends input (QMP)
# For each scenario the console gets, between "@@GENODE BEGIN NAME@@" and
# "@@GENODE END NAME STATUS@@" (0: the pattern came, 1: it did not): the
# scenario's log (core's output), each line prefixed with "[NAME] ", and
# "genode-check: NAME while running: sessions S resources R",
# "genode-check: NAME interrupts: LINES" (/proc/interrupts' lines of
# /dev/genode's IRQs, while core runs, joined by ";") and
# "genode-check: NAME after core: sessions S resources R" from
# /sys/class/misc/genode/.  The kernel log follows between "@@GENODE-DMESG@@"
# and "@@GENODE-DMESG-END@@".  Exits 0 when every scenario's pattern came.
sysfs=/sys/class/misc/genode

counts() { # counts: "sessions S resources R"
	echo "sessions $(cat $sysfs/sessions) resources $(cat $sysfs/resources)"
}

# The processes whose working directory is DIR: core and its children.
procs_in() { # procs_in DIR
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}

# Stop core's children (KILL, so that none of them runs on without core),
# then core (TERM, then KILL), then whatever of its children is left.
stop_core() { # stop_core PID DIR
	for p in $(procs_in "$2"); do
		[ "$p" = "$1" ] || kill -9 "$p" 2>/dev/null
	done
	kill "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	left=$(procs_in "$2")
	if [ -n "$left" ]; then
		echo "genode-check: killing what core left: $left"
		# shellcheck disable=SC2086
		kill -9 $left 2>/dev/null
	fi
	# the module releases the session once the last fd of it is closed, and
	# a resource once the last fd and mapping of it are gone (the address
	# spaces of killed processes go a moment after them)
	i=0
	while [ "$(counts)" != "sessions 0 resources 0" ] && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
}

# Bind each function to genode.ko, as "driver_override" and "drivers_probe"
# in sysfs do for an administrator.
assign() { # assign BDF...
	for f in "$@"; do
		d=/sys/bus/pci/devices/$f
		[ -e "$d/driver" ] && echo "$f" > "$d/driver/unbind"
		echo genode > "$d/driver_override"
		echo "$f" > /sys/bus/pci/drivers_probe
		echo "genode-check: assigned $f to $(basename "$(readlink "$d/driver")")"
	done
}

# Undo assign: unbind each function from genode.ko, no driver_override.
unassign() { # unassign BDF...
	for f in "$@"; do
		d=/sys/bus/pci/devices/$f
		[ -e "$d/driver" ] && echo "$f" > "$d/driver/unbind"
		echo > "$d/driver_override"
	done
}

# Give the IOMMU group of each function the domain type TYPE (identity:
# the IOMMU passes DMA through; DMA: it translates, strictly or lazily),
# every member unbound first: the kernel demands that for the change, and
# GENODE_IOMMU_ATTACH takes a group only while no other member has a
# driver.
group_domain() { # group_domain TYPE BDF...
	t=$1
	shift
	for f in "$@"; do
		g=/sys/bus/pci/devices/$f/iommu_group
		[ -e "$g" ] || continue
		g=$(readlink -f "$g")
		for m in "$g"/devices/*; do
			[ -e "$m/driver" ] && echo "${m##*/}" > "$m/driver/unbind"
		done
		case "$t:$(cat "$g/type")" in
		identity:identity|DMA:DMA|DMA:DMA-FQ) ;;
		*) echo "$t" > "$g/type" ;;
		esac
		echo "genode-check: IOMMU group ${g##*/} of $f: $(cat "$g/type")"
	done
}

run_scenario() { # run_scenario NAME
	name=$1 dir=/opt/$1 log=/tmp/$1.log
	pattern="" count=1 limit=300 assign="" identity="" stop="" allow="" ready=""
	# shellcheck source=/dev/null
	. "$dir/scenario.conf"
	echo "@@GENODE BEGIN $name@@"
	# shellcheck disable=SC2086
	[ "$identity" = yes ] && group_domain identity $assign
	# shellcheck disable=SC2086
	[ "$identity" = translated ] && group_domain DMA $assign
	# shellcheck disable=SC2086
	assign $assign
	[ -z "$allow" ] || echo "$allow" > /sys/module/genode/parameters/allow
	(cd "$dir" && exec ./core) < /dev/null > "$log" 2>&1 &
	pid=$!
	status=1 waited=0
	while [ $waited -lt "$limit" ] && kill -0 $pid 2>/dev/null; do
		if [ -n "$ready" ] && grep -qF -- "$ready" "$log"; then
			echo "@@GENODE READY $name@@"
			ready=""
		fi
		if [ "$(grep -cF -- "$pattern" "$log")" -ge "$count" ] ||
		   { [ -n "$stop" ] && grep -qF -- "$stop" "$log"; }; then
			status=0
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	echo "genode-check: $name while running: $(counts)"
	irqs=$(grep genode /proc/interrupts | tr -s ' ' | tr '\n' ';')
	echo "genode-check: $name interrupts: ${irqs%;}"
	stop_core $pid "$dir"
	# shellcheck disable=SC2086
	unassign $assign
	[ -z "$allow" ] || echo "" > /sys/module/genode/parameters/allow
	echo "genode-check: $name after core: $(counts)"
	sed "s/^/[$name] /" "$log"
	echo "@@GENODE END $name $status@@"
	return $status
}

# core reserves about 100 MiB at its start, more than a small VM has free
echo 1 > /proc/sys/vm/overcommit_memory

rc=0
while read -r s; do
	run_scenario "$s" || rc=1
done < /opt/scenarios
echo "@@GENODE-DMESG@@"
dmesg
echo "@@GENODE-DMESG-END@@"
exit $rc
