#!/usr/bin/env bash
# 'make bench': measure, in one run, the device against the host's own
# memcpy and against its targets; write docs/benchmarks.md and the plots in
# docs/bench/. Needs 'make guest' (KERNEL, default 6.1) and the host
# memcpy program built (the Makefile does both).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$SVM_BUILD/bench
docs=$SVM_TOP/docs
mkdir -p "$out" "$docs/bench"

log "host memcpy"
"$SVM_BUILD/bench/host_memcpy" >"$out/host.txt"
log "guest svm-bench (KERNEL=${KERNEL:-6.1}, several minutes under TCG)"
"$SVM_TOP/scripts/run-guest" -n bench -t 1200 -- svm-bench >"$out/guest.txt"
cat "$out/host.txt" "$out/guest.txt" >"$out/all.txt"
# Both binding modes side by side (issue 15): the same svm-bench with shadow
# page-table bindings (libsvmedu's svmedu_bind() follows SVMEDU_BIND_MODE).
log "guest svm-bench, shadow bindings (KERNEL=${KERNEL:-6.1})"
"$SVM_TOP/scripts/run-guest" -n bench-shadow -t 1200 -- \
	'SVMEDU_BIND_MODE=shadow svm-bench' >"$out/guest-shadow.txt"
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
for s in bw_vs_size hit_vs_ws_4k hit_vs_ws_thp flush_cost_range flush_cost_whole doorbells_per_callback; do
	awk -v s="$s" '$1 == "SERIES" && $2 == s { print $3, $4 }' "$out/all.txt" >"$out/$s.dat"
done

# The same from the shadow-binding run.
value_shadow() { awk -v k="$1" -v f="${2:-3}" '$1 == "BENCH" && $2 == k { print $f; exit }' "$out/guest-shadow.txt"; }
host=$(value host_memcpy_bw)
row() {	# name median spread target verdict
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
ok() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
	r = (op == ">=") ? v >= t : (op == "<=") ? v <= t : v == t
	print r ? "met" : "missed" }'; }
spread() { echo "$(value "$1" 4)-$(value "$1" 5)"; }

off=$(value copy_bw_4k_checker_off); on=$(value copy_bw_4k_checker_on)
r_off=$(ratio "$off" "$host"); r_on=$(ratio "$on" "$host")
crossover=$(value whole_pasid_crossover_pages)
{
	echo "# Benchmarks"
	echo
	echo "Measured by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%d),"
	echo "guest kernel $(cat "$SVM_BUILD/kernel/${KERNEL:-6.1}/release"), TCG, on:"
	echo
	echo "- host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
	echo "- QEMU 7.2 (Debian source) with svm-edu, default properties (IOTLB 64 entries, 4-way)"
	echo
	echo "Every row is the median of 5 runs (host memcpy: 9) in one \`make bench\`,"
	echo "with the spread (min-max). Device bandwidth is device bytes over device busy"
	echo "time (host nanoseconds the DMA thread spent on descriptors)."
	echo
	echo "| metric | median | spread | target | verdict |"
	echo "|---|---|---|---|---|"
	row "host memcpy, single thread, 64 MiB" "$host GB/s" "$(spread host_memcpy_bw)" "reference" "-"
	row "DMA copy 64 MiB, 4 KiB pages, warm, checker off" "$off GB/s = ${r_off}x host" "$(spread copy_bw_4k_checker_off) GB/s" ">= 0.5x" "$(ok "$r_off" ">=" 0.5)"
	row "same, checker on (report)" "$on GB/s = ${r_on}x host" "$(spread copy_bw_4k_checker_on) GB/s" ">= 0.25x" "$(ok "$r_on" ">=" 0.25)"
	row "DMA copy 64 MiB, THP, checker off" "$(value copy_bw_thp_checker_off) GB/s" "$(spread copy_bw_thp_checker_off)" "-" "-"
	row "IOTLB reach, THP: walks per GiB copied" "$(value walks_per_gib_thp)" "$(spread walks_per_gib_thp)" "<= 512" "$(ok "$(value walks_per_gib_thp)" "<=" 512)"
	row "same, 4 KiB pages" "$(value walks_per_gib_4k)" "$(spread walks_per_gib_4k)" "(262144)" "-"
	row "IOTLB hit ratio, sequential 64 MiB, THP" "$(value hit_ratio_thp) %" "$(spread hit_ratio_thp)" ">= 99.9 %" "$(ok "$(value hit_ratio_thp)" ">=" 99.9)"
	row "same, 4 KiB pages" "$(value hit_ratio_4k) %" "$(spread hit_ratio_4k)" "report" "-"
	row "doorbells per notifier callback, munmap of 1..262144 pages" "$(value doorbells_per_callback)" "$(spread doorbells_per_callback)" "exactly 1" "$(awk -v a="$(value doorbells_per_callback 4)" -v b="$(value doorbells_per_callback 5)" 'BEGIN { print (a == 1 && b == 1) ? "met" : "missed" }')"
	row "device time per invalidation command" "$(value device_ns_per_inv_command) ns" "-" "<= 1000 ns" "$(ok "$(value device_ns_per_inv_command)" "<=" 1000)"
	for n in 1 16 512; do
		v=$(value munmap_bound_vs_unbound_$n)
		row "mmap+touch+munmap of $n pages, bound vs unbound" "${v}x" "$(spread munmap_bound_vs_unbound_$n)" "<= 1.3x" "$(ok "$v" "<=" 1.3)"
	done
	row "whole-PASID crossover (range vs whole flush + refill)" "$crossover pages" "-" "becomes the default" "-"
	for k in $BENCH_KERNELS; do
		f=$out/crossover-$k.txt
		kv() { awk -v k="$1" '$1 == "BENCH" && $2 == k { print $3; exit }' "$f"; }
		row "same, guest $(cat "$SVM_BUILD/kernel/$k/release"); whole-PASID flushes per 64-page munmap with the threshold off" \
			"$(kv whole_pasid_crossover_pages) pages; $(kv whole_pasid_flushes_per_64_page_munmap)" "-" "report" "-"
	done
	row "device page fault per page (page request)" "$(value device_fault_ns) ns" "$(spread device_fault_ns)" "-" "-"
	row "CPU minor fault per page, same guest" "$(value cpu_minor_fault_ns) ns" "$(spread cpu_minor_fault_ns)" "-" "-"
	row "device fault vs CPU minor fault" "$(value device_vs_cpu_fault)x" "$(spread device_vs_cpu_fault)" "<= 2x" "$(ok "$(value device_vs_cpu_fault)" "<=" 2)"
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
	echo
	echo "Plots: [invalidation cost vs range size](bench/flush_cost.png),"
	echo "[IOTLB hit ratio vs working set](bench/hit_ratio.png),"
	echo "[bandwidth vs transfer size](bench/bandwidth.png) (SVG beside each)."
	echo
	echo "Raw output: \`build/bench/all.txt\` of the run. Reproduce: \`make bench\`"
	echo "(\`KERNEL=6.12 make bench\` for the other guest kernel)."
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
	"pages unmapped" "device microseconds" "set logscale x 2" \
	"set arrow from ${crossover:-1}, graph 0 to ${crossover:-1}, graph 1 nohead dt 2; plot '$out/flush_cost_range.dat' w lp t 'range flush', '$out/flush_cost_whole.dat' w lp t 'whole-PASID flush'"
plot hit_ratio "IOTLB hit ratio vs working set (repeated FILL)" "working set (bytes)" "hit ratio (%)" \
	"set logscale x 2" "plot '$out/hit_vs_ws_4k.dat' w lp t '4 KiB pages', '$out/hit_vs_ws_thp.dat' w lp t '2 MiB THP'"
plot bandwidth "DMA copy bandwidth vs transfer size (checker off)" "bytes" "GB/s" \
	"set logscale x 2" "plot '$out/bw_vs_size.dat' w lp t 'COPY'"

cp "$out/table.md" "$docs/benchmarks.md"
cat "$out/table.md"
