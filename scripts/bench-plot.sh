#!/bin/sh
# Draw one make bench boot's distributions (bench/plot.gp, with gnuplot):
# BASE.csv (each row's quantiles: measurement,implementation,n,quantile,ns)
# and BASE-contig.csv (the contiguous DMA buffers' tries:
# state,device,step,size_mib,result,ns) into BASE.png.
#
# usage: bench-plot.sh BASE HEADING
set -eu
base=${1:?usage: bench-plot.sh BASE HEADING} heading=${2:-$1}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Split a CSV line into fields, double-quoted ones with their commas.
split='
function fields(line,    n, f) {
	n = 0
	while (line != "") {
		if (substr(line, 1, 1) == "\"") {
			f = substr(line, 2)
			f = substr(f, 1, index(f, "\"") - 1)
			line = substr(line, length(f) + 4)
		} else if (index(line, ",")) {
			f = substr(line, 1, index(line, ",") - 1)
			line = substr(line, length(f) + 2)
		} else {
			f = line
			line = ""
		}
		F[++n] = f
	}
	return n
}'

# The panels: one per measurement, a data block per implementation
# ("us fraction"), in the order of the file.
awk "$split"'
NR > 1 && fields($0) >= 5 {
	key = F[1] SUBSEP F[2]
	if (!(F[1] in panel)) {
		panel[F[1]] = ++np
		ptitle[np] = F[1]
		pfirst[np] = nb
	}
	if (!(key in block)) {
		block[key] = nb++
		pcount[panel[F[1]]]++
		ctitle[nb] = F[2]
		if (nb > 1)
			printf "\n\n" > data
	}
	printf "%g %s\n", F[5] / 1000, F[4] > data
}
END {
	printf "npanels = %d\narray ptitle[%d]\narray pfirst[%d]\narray pcount[%d]\narray ctitle[%d]\n",
		np, np + 1, np + 1, np + 1, nb + 1
	for (p = 1; p <= np; p++)
		printf "ptitle[%d] = \"%s\"; pfirst[%d] = %d; pcount[%d] = %d\n",
			p, ptitle[p], p, pfirst[p], p, pcount[p]
	for (b = 1; b <= nb; b++)
		printf "ctitle[%d] = \"%s\"\n", b, ctitle[b]
}' data="$tmp/data" "$base.csv" > "$tmp/defs"

# The contiguous buffers: a block per state and device, the sizes that
# worked ("MiB ms") in order, titled with the largest of them.
ncontig=0
if [ -s "$base-contig.csv" ]; then
	awk "$split"'
	NR > 1 && fields($0) >= 6 && F[5] == "ok" {
		key = F[1] ", " F[2]
		if (!(key in block)) {
			order[++nb] = key
			block[key] = nb
		}
		line[key] = line[key] sprintf("%d %g\n", F[4], F[6] / 1e6)
		if (F[4] + 0 > largest[key])
			largest[key] = F[4] + 0
	}
	END {
		printf "ncontig = %d\narray ktitle[%d]\n", nb, nb + 1
		for (b = 1; b <= nb; b++) {
			# the ladder and the bisection, by size
			n = split(line[order[b]], l, "\n")
			for (i = 1; i < n; i++)
				for (j = i + 1; j < n; j++)
					if (l[j] + 0 < l[i] + 0) {
						t = l[i]; l[i] = l[j]; l[j] = t
					}
			if (b > 1)
				printf "\n\n" > data
			for (i = 1; i < n; i++)
				print l[i] > data
			printf "ktitle[%d] = \"%s (up to %d MiB)\"\n", b,
				order[b], largest[order[b]]
		}
	}' data="$tmp/contig" "$base-contig.csv" >> "$tmp/defs"
	ncontig=$(sed -n 's/^ncontig = //p' "$tmp/defs")
fi
[ "$ncontig" != 0 ] || echo "ncontig = 0" >> "$tmp/defs"
touch "$tmp/contig"

gnuplot -e "defs='$tmp/defs'; data='$tmp/data'; contig='$tmp/contig'; out='$base.png'; heading='$heading'" \
	"$here/bench/plot.gp"
