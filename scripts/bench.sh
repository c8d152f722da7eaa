#!/bin/bash
# The body of `make bench`: boot the test VM once per machine (q35 without
# and with intel-iommu), with one vCPU, run bench/genode_bench in it
# against uio_pci_generic and vfio-pci on the same edu function, and print
# its tables.  The numbers are TCG's, taken on a shared host: only the
# ratios within one run mean anything.  No number is judged; the run fails
# only when a measurement could not be made at all.
#
# Each machine idle and under load (--loads "off on"): under load
# genode_bench runs at SCHED_FIFO beside a CPU hog and a memory/IO hog
# (genode_bench -l), for the percentiles real-time users look at.
#
# The "irq scale" rows (delivery beside some 200 other armed IRQ fds, and
# beside many sessions) are made in --scaling-rounds of the rounds (40: all).
#
# Each boot's log, distributions and picture: DIR/bench/NAME.log,
# NAME.csv (each row's quantiles), NAME-contig.csv (the contiguous DMA
# buffers' tries) and NAME.png (scripts/bench-plot.sh, where gnuplot is
# installed), NAME being KVER-iommu-off, KVER-iommu-on-load and so on.
#
# With --trace (IOMMU machines only: vfio-pci needs one), only the MSI
# round trips in read(), genode's and vfio-pci's (genode_bench -T), with
# the function_graph tracer timing the handlers and the read()s of both.
#
# usage: bench.sh --build DIR --kver KVER [--iommus "off on"] [--rounds N]
#                 [--scaling-rounds N] [--scale PERCENT] [--loads "off on"]
#                 [--kernel-image F --moddir DIR] [--trace]
set -eu
build="" kver="" iommus="off on" rounds=40 scaling=40 scale=100 kernel="" loads="off"
trace=""
# what --trace times: the hard-IRQ handlers and the read()s of an MSI
trace_functions="genode_irq_handler genode_irq_read vfio_msihandler eventfd_read"
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--iommus) iommus=$2; shift 2 ;;
	--loads) loads=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--scaling-rounds) scaling=$2; shift 2 ;;
	--scale) scale=$2; shift 2 ;;
	--kernel-image|--moddir) kernel="$kernel $1 $2"; shift 2 ;;
	--trace) trace=1; shift ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$build" ] && [ -n "$kver" ] ||
	{ echo "usage: bench.sh --build DIR --kver KVER [...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
out=$build/bench
# the machine: tests/vm/configs' bench line (one vCPU, virtio-rng-pci's
# 256 MSI-X vectors that nobody raises, for the "irq scale" rows)
# shellcheck source=tests/vm/configs.sh
. "$here/tests/vm/configs.sh"
IFS=$'\t' read -r _ _ _ _ _ timeout machine _ < <(vm_config bench bench)
mkdir -p "$out"

# What the VM runs: the peers' modules, then the benchmark.  vfio-pci only
# where there are IOMMU groups (Debian's kernels have no no-IOMMU mode).
# printk is quieted so that no kernel message splits the table.
run=$out/opt
rm -rf "$run"
mkdir -p "$run"
cp "$build/bench/genode_bench" "$run/"
cat > "$run/run.sh" <<EOF
echo 1 > /proc/sys/kernel/printk
modprobe uio_pci_generic || echo "bench: modprobe uio_pci_generic failed" >&2
if [ -n "\$(ls /sys/kernel/iommu_groups 2>/dev/null)" ]; then
	# busybox modprobe ignores softdeps: vfio-pci does not pull in type1
	modprobe vfio_iommu_type1 && modprobe vfio-pci || echo "bench: modprobe vfio failed" >&2
fi
# vfio type1 refuses a machine without interrupt remapping (unless told
# allow_unsafe_interrupts=1, which this does not do): say which it is.
ir=\$(dmesg | grep -o -m 1 'Enabled IRQ remapping in [a-z0-9]* mode')
load=
[ -e /opt/load ] && load=-l
if [ ! -e /opt/trace ]; then
	/opt/genode_bench -r $rounds -S $scaling -s $scale -n "\${ir:-IRQ remapping: not enabled}" \$load
	exit
fi
# --trace: the kernel functions of an MSI round trip in read(), each
# timed by the function_graph tracer (only they are patched)
t=/sys/kernel/tracing
mount -t tracefs nodev \$t 2> /dev/null
traced=
if grep -qw function_graph \$t/available_tracers 2> /dev/null; then
	traced=1
	echo 0 > \$t/tracing_on
	echo "$trace_functions" | tr ' ' '\n' > \$t/set_ftrace_filter
	echo function_graph > \$t/current_tracer
	echo 16384 > \$t/buffer_size_kb
	echo 1 > \$t/tracing_on
fi
/opt/genode_bench -T -r $rounds -s $scale -n "\${ir:-IRQ remapping: not enabled}"
st=\$?
echo @@TRACE-BEGIN@@
if [ -z "\$traced" ]; then
	echo "trace: n/a: this kernel has no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)"
	echo @@TRACE-END@@
	exit \$st
fi
echo 0 > \$t/tracing_on
echo "function                         n    p10 ns median ns    p90 ns (function_graph, including the tracer's own cost)"
awk -F '|' '/\(\);/ {
	d = \$1; sub(/^ *[0-9]+\)/, "", d); gsub(/[^0-9.]/, " ", d); split(d, a, " ")
	n = \$2; sub(/^ */, "", n); sub(/[ (].*/, "", n)
	print n, a[1] * 1000
}' \$t/trace | sort -k1,1 -k2,2n | awk '
function flush() {
	if (cnt)
		printf "%-26s %7d %9.0f %9.0f %9.0f\n", cur, cnt, v[int(cnt * 0.1) + 1], v[int(cnt * 0.5) + 1], v[int(cnt * 0.9) + 1]
}
\$1 != cur { flush(); cur = \$1; cnt = 0 }
{ v[++cnt] = \$2 }
END { flush() }'
echo "lost events: \$(grep -c LOST \$t/trace)"
echo @@TRACE-END@@
exit \$st
EOF
[ -n "$trace" ] && touch "$run/trace"

# the lines between @@$1-BEGIN@@ and @@$1-END@@ in the VM's log (none:
# nothing)
section() {
	sed -n "/@@$1-BEGIN@@/,/@@$1-END@@/p" "$log" | tr -d '\r' | grep -v '^@@' || :
}

status=0
tables=""
pictures=""
for iommu in $iommus; do
for under in $loads; do
	if [ -n "$trace" ] && { [ "$iommu" = off ] || [ "$under" = on ]; }; then
		echo "bench: --trace: iommu=$iommu, load $under left out (idle IOMMU machines only)" >&2
		continue
	fi
	name=$kver-iommu-$iommu${trace:+-trace}
	what="iommu=$iommu${trace:+, traced}"
	rm -f "$run/load"
	if [ "$under" = on ]; then
		name=$name-load what="$what, under load"
		touch "$run/load"
	fi
	log=$out/$name.log
	rm -f "$out/$name.csv" "$out/$name-contig.csv" "$out/$name.png"
	echo "bench: $kver, $what: booting (log: $log)" >&2
	rc=0 start=$(date +%s) load=$(cut -d' ' -f1 /proc/loadavg)
	# shellcheck disable=SC2086
	"$here/tests/vm/run.sh" --mode run $machine --timeout "$timeout" --iommu "$iommu" \
		--ko "$build/$kver/kmod/genode.ko" $kernel --run "$run" \
		--out "$out/vm-$name" "$kver" > "$log" 2>&1 || rc=$?
	table=$(sed -n '/@@BENCH-BEGIN@@/,/@@BENCH-END@@/p' "$log" | tr -d '\r' |
		grep -v '^@@BENCH-')
	if [ -z "$table" ]; then
		tail -n 30 "$log" >&2
		echo "bench: $what: no table from the VM (status $rc)" >&2
		status=1
		continue
	fi
	echo "bench: $what: $(( $(date +%s) - start )) s" >&2
	[ "$rc" = 0 ] || { echo "bench: $what: a measurement failed (status $rc)" >&2; status=1; }
	section CSV > "$out/$name.csv"
	section CONTIG-CSV > "$out/$name-contig.csv"
	if ! command -v gnuplot > /dev/null; then
		:
	elif "$here/scripts/bench-plot.sh" "$out/$name" \
		"$kver, q35, $what (make bench, $(date -u +%F))"; then
		pictures="$pictures $out/$name.png"
	else
		echo "bench: $what: no picture (bench-plot.sh failed)" >&2
	fi
	tables="$tables
== q35, $what (host load $load at its start): $table
$(section TRACE)
"
done
done

echo
echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'); $(qemu-system-x86_64 --version | head -n 1)"
echo "host: $(nproc) CPUs, load average now $(cut -d' ' -f1-3 /proc/loadavg) (TCG: compare only within one run)"
echo "$tables"
if command -v gnuplot > /dev/null; then
	echo "distributions: $out/*.csv; pictures:$pictures"
else
	echo "distributions: $out/*.csv; no pictures: gnuplot is not installed (scripts/deps.sh installs gnuplot-nox)"
fi
exit "$status"
