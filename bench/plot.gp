# bench/plot.gp - the picture of one make bench boot: per measurement a
# panel with each implementation's distribution (a CDF: the fraction of
# samples at or below a time, on a log time axis), and a panel of the
# contiguous DMA buffers' allocation time per size.
#
# scripts/bench-plot.sh prepares the data and calls it:
#   gnuplot -e "defs='D'; data='F'; contig='G'; out='P'; heading='T'" plot.gp
# D defines npanels, ptitle[], pfirst[], pcount[] (the panels: their data
# blocks in F, "us fraction" lines), ctitle[] (the curves' titles by block,
# from 1), ncontig and ktitle[] (G's blocks, "MiB ms" lines).
load defs
cols = 4
n = npanels + (ncontig > 0 ? 1 : 0)
rows = ceil(n / real(cols))
set terminal pngcairo size 1800, 360 * rows font ",9" noenhanced
set output out
set multiplot layout rows, cols title heading font ",12"
set key bottom right font ",8" samplen 2 spacing 0.9
set grid xtics mxtics ytics
set logscale x
set format x "%g"
set xlabel "us" offset 0, 0.5
set yrange [0:1]
set ytics 0.25
set ylabel "fraction <= x" offset 1.5, 0
do for [p = 1:npanels] {
	set title ptitle[p]
	plot for [i = pfirst[p]:pfirst[p] + pcount[p] - 1] data index i \
		using 1:2 with lines lw 1.5 title ctitle[i + 1]
}
if (ncontig > 0) {
	set title "dma contiguous: GENODE_DMA_ALLOC per size"
	set logscale x 2
	set logscale y 10
	set format y "%g"
	set xlabel "MiB"
	set ylabel "ms"
	set yrange [*:*]
	set ytics autofreq
	set key inside top left Left reverse
	plot for [i = 0:ncontig - 1] contig index i using 1:2 \
		with linespoints lw 1.5 pt 7 ps 0.6 title ktitle[i + 1]
}
unset multiplot
