# shellcheck shell=bash
# The ratio rows of 'make bench', shared by scripts/bench.sh (the table) and
# scripts/bench-check.sh (two passes compared). Source it; do not run it.
#
# bench_rows FILE HOST: one line per ratio row of the svm-bench output FILE,
# against the host reference HOST (GB/s), tab-separated:
#   id  name  median  p25  p75  bound  target  verdict
# median is the median over the interleaved pairs (for the rows against the
# host: the median of the device's samples over HOST), p25-p75 its spread
# (interquartile range), bound the relative agreement the row must repeat
# within (0.10: +-10 %; 0: exactly), target "op value" or "report".
# verdict: unstable when half the spread exceeds bound * median (the row
# cannot promise to repeat within its bound), otherwise met / missed
# against the target, or report.
bench_rows() {
	awk -v host="$2" -F'[ \t]+' '
	$1 == "BENCH" && !($2 in med) { med[$2] = $3; lo[$2] = ($7 == "" ? $4 : $7); hi[$2] = ($8 == "" ? $5 : $8) }
	function row(id, name, k, div, bound, op, t,   m, a, b, v) {
		if (!(k in med))
			return
		m = med[k] / div; a = lo[k] / div; b = hi[k] / div
		if ((b - a) / 2 > bound * m + 1e-9)
			v = "unstable"
		else if (op == "report")
			v = "report"
		else
			v = (op == ">=" ? m >= t : m <= t) ? "met" : "missed"
		printf "%s\t%s\t%.4g\t%.4g\t%.4g\t%s\t%s\t%s\n", id, name, m, a, b, bound,
			(op == "report" ? "report" : op " " t), v
	}
	END {
		row("dma_4k", "DMA copy 64 MiB, 4 KiB pages, checker off / host", "copy_bw_4k_checker_off", host, 0.10, ">=", 0.6)
		row("dma_4k_on", "same, checker on / host", "copy_bw_4k_checker_on", host, 0.10, ">=", 0.25)
		row("checker", "checker on / off (interleaved pairs)", "checker_on_vs_off", 1, 0.10, "report", 0)
		row("dma_thp", "DMA copy 64 MiB, THP, checker off / host", "copy_bw_thp_checker_off", host, 0.10, ">=", 0.9)
		row("walks_thp", "IOTLB reach, THP: walks per GiB copied", "walks_per_gib_thp", 1, 0.10, "<=", 512)
		row("munmap_1", "munmap of 1 page, bound / unbound (same process)", "munmap_bound_vs_unbound_1", 1, 0.10, "<=", 1.3)
		row("munmap_16", "munmap of 16 pages, bound / unbound (same process)", "munmap_bound_vs_unbound_16", 1, 0.10, "<=", 1.3)
		row("munmap_512", "munmap of 512 pages, bound / unbound (same process)", "munmap_bound_vs_unbound_512", 1, 0.10, "<=", 1.3)
		row("crossover", "whole-PASID crossover, from the device counters (pages; spread: at the cheapest and the dearest PTE price)", "whole_pasid_crossover_pages", 1, 0, "report", 0)
		row("fault", "device fault / CPU minor fault", "device_vs_cpu_fault", 1, 0.10, "<=", 2)
	}' "$1"
}

# host_ref FILE...: the best host_memcpy_bw median of the host runs
host_ref() {
	awk '$1 == "BENCH" && $2 == "host_memcpy_bw" && $3 > b { b = $3 } END { print b }' "$@"
}

# bench_merge ROWS1 ROWS2: the rows of two boots as one: median the mean of
# the two medians, spread from the lower p25 to the higher p75, verdict
# unstable when the two boots disagree by more than the bound (a shift from
# boot to boot that the pairs of one boot cannot see) or either was
# unstable; the two medians as columns 9 and 10.
bench_merge() {
	awk -F'\t' -v OFS='\t' '
	NR == FNR { r[$1] = $0; next }
	($1 in r) {
		split(r[$1], a, "\t")
		m = (a[3] + $3) / 2
		d = m ? (a[3] - $3) / m : 0
		d = d < 0 ? -d : d
		lo = a[4] < $4 ? a[4] : $4
		hi = a[5] > $5 ? a[5] : $5
		split($7, t, " ")
		if (d > $6 + 1e-9 || a[8] == "unstable" || $8 == "unstable")
			v = "unstable"
		else if ($7 == "report")
			v = "report"
		else
			v = (t[1] == ">=" ? m >= t[2] : m <= t[2]) ? "met" : "missed"
		printf "%s\t%s\t%.4g\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, m, lo, hi, $6, $7, v, a[3], $3
	}' "$1" "$2"
}
