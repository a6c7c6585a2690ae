#!/usr/bin/env bash
# 'make bench': measure, in one run, the device against the host's own
# memcpy and against its targets; write docs/benchmarks.md and the plots in
# docs/bench/. Needs 'make guest' (KERNEL, default 6.1) and the host
# memcpy program built (the Makefile does both).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench-rows.sh"

out=$SVM_BUILD/bench
docs=$SVM_TOP/docs
mkdir -p "$out" "$docs/bench"

# The host reference (libc memcpy, rep movsb, non-temporal; the best at
# 64 MiB) before and after the guest run: the best of both is the limit.
log "host copy reference (before)"
"$SVM_BUILD/bench/host_memcpy" >"$out/host.txt"
# Two boots: the pairs of one boot agree with each other, but a ratio can
# shift from boot to boot (issue 16; docs/performance.md), which only a
# second boot shows. Each ratio row is both boots' (scripts/bench-rows.sh).
log "guest svm-bench, boot 1 of 2 (KERNEL=${KERNEL:-6.1}, about a minute under TCG)"
# svmctl latency: the latency histograms of the whole run (issue 16).
"$SVM_TOP/scripts/run-guest" -n bench -t 1200 -- 'svm-bench && svmctl latency' >"$out/guest.txt"
log "guest svm-bench, boot 2 of 2"
"$SVM_TOP/scripts/run-guest" -n bench-2 -t 1200 -- svm-bench >"$out/guest-2.txt"
# Both binding modes side by side (issue 15): the same svm-bench with shadow
# page-table bindings (libsvmedu's svmedu_bind() follows SVMEDU_BIND_MODE).
log "guest svm-bench, shadow bindings"
"$SVM_TOP/scripts/run-guest" -n bench-shadow -t 1200 -- \
	'SVMEDU_BIND_MODE=shadow svm-bench; svm-dma-test --mode shadow shadow-fill-race' \
	>"$out/guest-shadow.txt"
log "host copy reference (after)"
"$SVM_BUILD/bench/host_memcpy" >"$out/host-after.txt"
cat "$out/host.txt" "$out/host-after.txt" "$out/guest.txt" >"$out/all.txt"
# The crossover depends on what the kernel sends (docs/driver.md): measure
# it on every kernel of BENCH_KERNELS as well.
BENCH_KERNELS=${BENCH_KERNELS:-6.1 6.12 latest}
for k in $BENCH_KERNELS; do
	log "guest svm-bench crossover (KERNEL=$k)"
	make -C "$SVM_TOP" --no-print-directory initramfs KERNEL="$k" >"$out/make-$k.log" 2>&1 ||
		die "make initramfs KERNEL=$k failed, see $out/make-$k.log"
	KERNEL=$k "$SVM_TOP/scripts/run-guest" -n "bench-crossover-$k" -t 600 -- \
		svm-bench crossover >"$out/crossover-$k.txt"
done

# value KEY [FIELD]: field 3 median, 4 min, 5 max (first line of KEY)
value() { awk -v k="$1" -v f="${2:-3}" '$1 == "BENCH" && $2 == k { print $f; exit }' "$out/all.txt"; }
# SERIES NAME -> two columns
for s in bw_vs_size hit_vs_ws_4k hit_vs_ws_thp flush_cost_range flush_cost_whole flush_model_range flush_model_whole doorbells_per_callback; do
	awk -v s="$s" '$1 == "SERIES" && $2 == s { print $3, $4 }' "$out/all.txt" >"$out/$s.dat"
done

host=$(host_ref "$out/host.txt" "$out/host-after.txt")
method=$(awk '$2 == "host_memcpy_bw" { print $7 }' "$out/host.txt" | head -1)
# The same from the shadow-binding run.
value_shadow() { awk -v k="$1" -v f="${2:-3}" '$1 == "BENCH" && $2 == k { print $f; exit }' "$out/guest-shadow.txt"; }
row() {	# name median spread target verdict
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5"
}
ok() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
	r = (op == ">=") ? v >= t : (op == "<=") ? v <= t : v == t
	print r ? "met" : "missed" }'; }
spread() { echo "$(value "$1" 4)-$(value "$1" 5)"; }

crossover=$(value whole_pasid_crossover_pages)
bench_rows "$out/all.txt" "$host" >"$out/rows-1.tsv"
bench_rows "$out/guest-2.txt" "$host" >"$out/rows-2.tsv"
bench_merge "$out/rows-1.tsv" "$out/rows-2.tsv" >"$out/rows.tsv"
{
	echo "# Benchmarks"
	echo
	echo "Measured by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%d),"
	echo "guest kernel $(cat "$SVM_BUILD/kernel/${KERNEL:-6.1}/release"), TCG, on:"
	echo
	echo "- host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); load average at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- QEMU 7.2 (Debian source) with svm-edu, default properties (IOTLB 64 entries, 4-way)"
	echo
	echo "Ratio rows: measured in two boots, and in each in interleaved pairs (21 pairs, 63 for the"
	echo "munmap rows; each side of a pair the best of 3 alternating runs A B A B"
	echo "A B (6 for the munmap rows, 12 for the fault row), the order swapped every pair; in"
	echo "one process where both sides can be: checker off/on, CPU/device fault,"
	echo "bound/unbound: the same process with its PASID unbound for the batch,"
	echo "pinned to one vCPU, the first cycle of each batch untimed; a helper"
	echo "process that never bound is a third side, reported below)."
	echo "*boot 1*, *boot 2*: the median over the pairs of each boot; *median*"
	echo "their mean; *spread* the interquartile range of the pairs (p25-p75, the"
	echo "lower and the higher of the two boots). *bound* is how closely the row"
	echo "must repeat: a row whose two boots differ by more, or whose half spread"
	echo "is wider than bound x median, is **unstable**, whatever its median."
	echo "Rows against the host divide the device's samples by the host"
	echo "reference: the best median of libc memcpy, \`rep movsb\` and a"
	echo "non-temporal copy of 64 MiB, measured before and after the guest run"
	echo "(here: $host GB/s, $method). \`make bench-check\` runs the passes twice and"
	echo "compares them ([results](#two-passes))."
	echo
	echo "| metric | boot 1 | boot 2 | median | spread (p25-p75) | bound | target | verdict |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s-%s | %s | %s | %s |\n", $2, $9, $10, $3, $4, $5,
		($6 == 0 ? "equal" : "+-" 100 * $6 " %"), $7, $8 }' "$out/rows.tsv"
	echo
	echo "Other rows (counts, single figures, the sides of the ratio rows; median, min-max):"
	echo
	echo "| metric | median | spread | target | verdict |"
	echo "|---|---|---|---|---|"
	row "host copy reference, 64 MiB, best of memcpy / movsb / nt, before and after" "$host GB/s ($method)" "$(value host_memcpy_bw 4)-$(value host_memcpy_bw 5)" "reference" "-"
	row "host copy of 64 MiB in 4 KiB pieces, best of memcpy / movsb / nt (what an engine that copies page by page could reach)" "$(awk '$1 == "BENCH" && $2 ~ /_in_4k$/ && $3 > b { b = $3; m = $2 } END { sub(/^host_/, "", m); print b " GB/s (" m ")" }' "$out/host.txt" "$out/host-after.txt")" "-" "report" "-"
	row "DMA copy 64 MiB, 4 KiB pages, checker off" "$(value copy_bw_4k_checker_off) GB/s" "$(spread copy_bw_4k_checker_off)" "-" "-"
	row "DMA copy 64 MiB, THP, checker off" "$(value copy_bw_thp_checker_off) GB/s" "$(spread copy_bw_thp_checker_off)" "-" "-"
	row "THP coverage of the THP buffers (AnonHugePages, after compacting)" "$(value thp_coverage) %" "-" "report" "-"
	row "same, 4 KiB pages: walks per GiB" "$(value walks_per_gib_4k)" "$(spread walks_per_gib_4k)" "(262144)" "-"
	row "IOTLB hit ratio, sequential 64 MiB, THP" "$(value hit_ratio_thp) %" "$(spread hit_ratio_thp)" ">= 99.9 %" "$(ok "$(value hit_ratio_thp)" ">=" 99.9)"
	row "same, 4 KiB pages" "$(value hit_ratio_4k) %" "$(spread hit_ratio_4k)" "report" "-"
	row "doorbells per notifier callback, munmap of 1..262144 pages" "$(value doorbells_per_callback)" "$(spread doorbells_per_callback)" "exactly 1" "$(awk -v a="$(value doorbells_per_callback 4)" -v b="$(value doorbells_per_callback 5)" 'BEGIN { print (a == 1 && b == 1) ? "met" : "missed" }')"
	row "device time per invalidation command" "$(value device_ns_per_inv_command) ns" "-" "<= 1000 ns" "$(ok "$(value device_ns_per_inv_command)" "<=" 1000)"
	row "whole-PASID crossover, by device time (cross-check of the counter row)" "$(value whole_pasid_crossover_pages_time) pages" "-" "report" "-"
	row "prices of the counter model: device ns per invalidation command (sweep) / per PTE read of a refill (interleaved pairs)" "$(value device_ns_per_command_sweep) / $(value device_ns_per_pte_read)" "- / $(value device_ns_per_pte_read 7)-$(value device_ns_per_pte_read 8)" "report" "-"
	for k in $BENCH_KERNELS; do
		f=$out/crossover-$k.txt
		kv() { awk -v k="$1" '$1 == "BENCH" && $2 == k { print $3; exit }' "$f"; }
		row "whole-PASID crossover from the counters, guest $(cat "$SVM_BUILD/kernel/$k/release"); whole-PASID flushes per 64-page munmap with the threshold off" \
			"$(kv whole_pasid_crossover_pages) pages; $(kv whole_pasid_flushes_per_64_page_munmap)" "-" "report" "-"
	done
	for n in 1 16 512; do
		row "munmap of $n pages: ns per mmap+touch+munmap bound / unbound (same process) / helper that never bound; bound / helper" "$(value munmap_bound_ns_$n) / $(value munmap_unbound_ns_$n) / $(value munmap_helper_ns_$n); $(value munmap_bound_vs_helper_$n)x" "$(value munmap_bound_vs_helper_$n 7)-$(value munmap_bound_vs_helper_$n 8)x" "report" "-"
	done
	row "device page fault per page (page request)" "$(value device_fault_ns) ns" "$(spread device_fault_ns)" "-" "-"
	row "CPU minor fault per page, same guest" "$(value cpu_minor_fault_ns) ns" "$(spread cpu_minor_fault_ns)" "-" "-"
	echo
	echo "Latency over the whole run (\`svmctl latency\`: the driver's waits, and"
	echo "the device's own time per invalidation command and per page request,"
	echo "from its counters), in ns:"
	echo
	echo "| kind | count | min | avg | max | device per op |"
	echo "|---|---|---|---|---|---|"
	for k in invalidation page_request; do
		awk -v k="$k" '$1 == k { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $NF }' "$out/guest.txt"
	done
	echo
	echo "## SVA and shadow bindings side by side"
	echo
	echo "The same svm-bench, once with sva bindings (the device walks the"
	echo "process's page tables) and once with shadow bindings (a table the"
	echo "driver fills with hmm_range_fault() on the device's page requests;"
	echo "docs/design.md, *Shadow page-table mode*). Medians."
	echo
	echo "| metric | sva | shadow |"
	echo "|---|---|---|"
	# A ratio of nothing (-nan): shadow invalidations of ranges the
	# shadow holds nothing of send no command at all.
	both() {	# name key unit
		local a b
		a="$(value "$2") $3"; b="$(value_shadow "$2") $3"
		case $a in *nan*) a="none sent" ;; esac
		case $b in *nan*) b="none sent" ;; esac
		printf '| %s | %s | %s |\n' "$1" "$a" "$b"
	}
	both "DMA copy 64 MiB, 4 KiB pages, warm, checker off" copy_bw_4k_checker_off GB/s
	both "same, checker on (report)" copy_bw_4k_checker_on GB/s
	both "DMA copy 64 MiB, THP, checker off" copy_bw_thp_checker_off GB/s
	both "walks per GiB copied, THP" walks_per_gib_thp ""
	both "doorbells per notifier callback" doorbells_per_callback ""
	for n in 1 16 512; do
		both "mmap+touch+munmap of $n pages, bound vs unbound" munmap_bound_vs_unbound_$n x
	done
	both "device page fault per page (page request)" device_fault_ns ns
	both "device fault vs CPU minor fault" device_vs_cpu_fault x
	for k in 4k thp; do
		both "page-table memory per GiB mapped, $k: the process's own (VmPTE)" table_kib_per_gib_process_$k KiB
		both "same, $k: the device's table besides it (sva: none, it walks the process's)" table_kib_per_gib_device_$k KiB
	done
	echo
	# svm-dma-test's diag line: "# N rounds: M raced an invalidation (K retries), ..."
	race=$(sed -n 's/^# \([0-9]* rounds: [0-9]* raced an invalidation ([0-9]* retries)\).*/\1/p' "$out/guest-shadow.txt" | head -1)
	echo "Sequence retries under the fill-vs-munmap race (\`svm-dma-test --mode"
	echo "shadow shadow-fill-race\`, lib/test_hmm.c style; a fill held 300 us"
	echo "between \`hmm_range_fault()\` and the driver's lock): ${race:-not measured}."
	echo
	echo "Plots: [invalidation cost vs range size](bench/flush_cost.png),"
	echo "[latency histograms](bench/latency.png),"
	echo "[IOTLB hit ratio vs working set](bench/hit_ratio.png),"
	echo "[bandwidth vs transfer size](bench/bandwidth.png) (SVG beside each)."
	echo
	echo "Raw output: \`build/bench/all.txt\` of the run. Reproduce: \`make bench\`"
	echo "(\`KERNEL=6.12 make bench\` for the other guest kernel)."
	if [ -f "$SVM_BUILD/bench-check/table.md" ]; then
		echo
		echo "## Two passes"
		echo
		echo "The last \`make bench-check\` before this run (two more boots of"
		echo "svm-bench, scripts/bench-check.sh), every ratio row of both against its"
		echo "bound; the verdicts are each boot's own (its pairs only):"
		echo
		cat "$SVM_BUILD/bench-check/table.md"
	fi
} >"$out/table.md"

# Plots (gnuplot, PNG and SVG)
plot() {	# name title xlabel ylabel logx body
	local term
	for term in "pngcairo size 800,500" "svg size 800,500"; do
		ext=${term%% *}; ext=${ext#png}; [ "$ext" = cairo ] && ext=png
		[ "$term" != "${term#png}" ] && ext=png || ext=svg
		gnuplot <<EOG
set terminal $term
set output "$docs/bench/$1.$ext"
set title "$2"
set xlabel "$3"
set ylabel "$4"
set grid
$5
$6
EOG
	done
}
plot flush_cost "Device time of a flush: commands + refill of a 48-page working set" \
	"pages unmapped" "device microseconds" \
	"set logscale x 2; set key bottom right; set y2tics; set y2label 'counters x prices: commands and PTE reads (us)'" \
	"set arrow from ${crossover:-1}, graph 0 to ${crossover:-1}, graph 1 nohead dt 2; plot '$out/flush_cost_range.dat' w lp t 'range flush (time)', '$out/flush_cost_whole.dat' w lp t 'whole-PASID flush (time)', '$out/flush_model_range.dat' axes x1y2 w l dt 3 lw 2 t 'range: counters x prices (right)', '$out/flush_model_whole.dat' axes x1y2 w l dt 3 lw 2 t 'whole: counters x prices (right)'"
plot hit_ratio "IOTLB hit ratio vs working set (repeated FILL)" "working set (bytes)" "hit ratio (%)" \
	"set logscale x 2" "plot '$out/hit_vs_ws_4k.dat' w lp t '4 KiB pages', '$out/hit_vs_ws_thp.dat' w lp t '2 MiB THP'"
# The histograms: one row per bucket, a column per kind.
awk '$1 == "kind" { for (i = 6; i < NF; i++) label[i] = $i; n = NF - 1 }
	$1 == "invalidation" || $1 == "page_request" { for (i = 6; i <= n; i++) v[$1, i] = $i }
	END { for (i = 6; i <= n; i++) printf "%s %d %d\n", label[i], v["invalidation", i], v["page_request", i] }' \
	"$out/guest.txt" >"$out/latency.dat"
plot latency "Latency histograms over make bench (svmctl latency)" "bucket" "count" \
	"set style data histograms; set style fill solid 0.5; set logscale y; set yrange [0.5:*]" \
	"plot '$out/latency.dat' using 2:xtic(1) t 'invalidation: doorbell to WAIT answered', '' using 3 t 'page request: interrupt to answer'"
plot bandwidth "DMA copy bandwidth vs transfer size (checker off)" "bytes" "GB/s" \
	"set logscale x 2" "plot '$out/bw_vs_size.dat' w lp t 'COPY'"

cp "$out/table.md" "$docs/benchmarks.md"
cat "$out/table.md"
