#!/usr/bin/env bash
# make mutants: reintroduce historical SVA driver bugs one at a time and
# check that the suite kills every one.
#
# Usage: scripts/mutants.sh SERIES [MUTANT...]
#
# Each tests/mutants/NN-name.patch is a header and a patch of driver/. The
# header says which upstream bug it models and how to kill it:
#   # Upstream: SHORT      the bug's origin, for the table
#   # Kill: COMMAND        run in the guest; several Kill lines run one
#                          after the other, any failure kills
#   # Append: ARGS         extra kernel command line (slub_debug=FZP)
#   # Kernel: SERIES ...   the kernels that can show the bug (default: all)
#   # Limit: SECONDS       wall-clock limit of the boot (default 240)
#   # Pending: WHY         listed, not run
# The patch is applied to a copy of driver/ and include/ under
# build/mutants/NAME (the tree is never patched), built without -Werror and
# with SVM_EDU_DEBUG=1 (driver/svm_edu_debug.h: a sleeping call in an
# atomic context WARNs), packed into its own initramfs and booted. The mutant is killed when the
# boot fails: a test reports "not ok", the console shows a WARN, BUG, Oops
# or RCU stall, the guest crashes, or the limit runs out.
#
# First the unmutated driver, built the same way, runs every Kill command
# and must pass them: otherwise a kill would prove nothing. Exit status: 0 when every mutant
# that applies to SERIES is killed (pending ones aside), 1 otherwise.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: mutants.sh SERIES [MUTANT...]}
shift
dir=$SVM_TOP/tests/mutants
work=$SVM_BUILD/mutants
report=$work/report.md
mkdir -p "$work"

field() {	# field FILE NAME: the values of "# NAME:" header lines
	sed -n "/^---/q; s/^# $2: *//p" "$1"
}

mutants=()
for f in "$dir"/*.patch; do
	name=$(basename "$f" .patch)
	if [ $# -gt 0 ]; then
		case " $* " in
		*" $name "* | *" ${name#*-} "*) ;;
		*) continue ;;
		esac
	fi
	mutants+=("$f")
done
[ ${#mutants[@]} -gt 0 ] || die "no mutant matches: $*"

# One guest command: tests/guest/mutant-kill.sh with every Kill line.
guest_cmd() {
	local line cmd='sh /tests/mutant-kill.sh'
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		cmd+=" '${line//\'/\'\\\'\'}'"
	done
	printf '%s' "$cmd"
}

applies() {	# applies FILE: does its Kernel line list this series (or is there none)?
	local k
	k=$(field "$1" Kernel)
	[ -z "$k" ] || [[ " $k " == *" $series "* ]]
}

# Boot with one module; prints the run-guest status.
boot() {	# boot NAME INITRD LIMIT APPEND COMMAND
	local name=$1 initrd=$2 limit=$3 append=$4 cmd=$5 rc=0
	local args=(-n "mutant-$name" -t "$limit")
	[ -z "$append" ] || args+=(-a "$append")
	SVM_INITRD=$initrd KERNEL=$series bash "$SVM_TOP/scripts/run-guest" \
		"${args[@]}" -- "$cmd" >"$work/$name.out" 2>&1 || rc=$?
	echo "$rc"
}

# What killed it and when (guest uptime, s): the first failing test or
# console report, whichever came first; else how the boot ended.
killed_by() {	# killed_by NAME RC LIMIT: sets by, at
	local name=$1 rc=$2 limit=$3 con=$SVM_BUILD/logs/mutant-$1-$series.console
	local test_by test_at con_by con_at pat
	pat='(svm_edu: [a-z_]+ in atomic context|BUG: [^[]*|WARNING: [^[]*|general protection fault|BUG kmalloc[^:]*: [^(]*|rcu: INFO: [a-z_]+ detected stalls|Kernel panic[^[]*)'
	test_by=$(grep -m1 '^not ok' "$work/$name.out" | cut -c1-90 || true)
	test_at=$(sed -n 's/^# first failure at \([0-9.]*\) s/\1/p' "$work/$name.out" | head -1)
	con_by=$(grep -m1 -oE "$pat" "$con" 2>/dev/null | head -1 | cut -c1-90 || true)
	con_at=$(grep -m1 -E "$pat" "$con" 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' || true)
	by=$test_by at=$test_at
	if [ -n "$con_by" ] && { [ -z "$by" ] ||
		awk -v c="${con_at:-0}" -v t="${test_at:-0}" 'BEGIN { exit !(c < t) }'; }; then
		by="console: $con_by" at=$con_at
	fi
	if [ -z "$by" ]; then
		case $rc in
		124) by="time limit ($limit s)" ;;
		125) by="the guest ended without a status (crash)" ;;
		*) by="exit status $rc" ;;
		esac
		at=
	fi
	by=${by//|/\\|}
	at=${at:+${at%.*}}
}

# A copy of the driver, patched with @patch (none: the baseline), built
# and packed into $m/initramfs.cpio.gz.
build_one() {	# build_one NAME [PATCH]
	local name=$1 patch=${2:-}
	m=$work/$name
	rm -rf "$m"
	mkdir -p "$m/src"
	cp -r "$SVM_TOP/driver" "$SVM_TOP/include" "$m/src/"
	if [ -n "$patch" ]; then
		patch -p1 -s --no-backup-if-mismatch -d "$m/src" <"$patch" ||
			die "$name: the patch does not apply to driver/ any more"
	fi
	log "$name: building"
	SVM_MOD_SRC=$m/src SVM_MOD_OUT=$m/module bash "$SVM_TOP/scripts/kbuild.sh" \
		"$series" SVM_EDU_DEBUG=1 >"$m/build.log" 2>&1 ||
		die "$name: the module does not build ($m/build.log)"
	SVM_KO=$m/module/driver/svm_edu.ko bash "$SVM_TOP/scripts/mk-initramfs.sh" \
		"$series" "$m/initramfs.cpio.gz" >>"$m/build.log" 2>&1 ||
		die "$name: initramfs ($m/build.log)"
}

# The baseline: the unmutated driver must pass every kill command.
[ -f "$SVM_BUILD/initramfs/$series.cpio.gz" ] ||
	die "build the guest first: make guest KERNEL=$series"
all_kills=$(for f in "${mutants[@]}"; do applies "$f" && field "$f" Kill; done | awk '!seen[$0]++')
build_one baseline
log "baseline: the unmutated driver runs every kill command on $series"
t0=$(date +%s)
rc=$(boot baseline "$m/initramfs.cpio.gz" 900 "slub_debug=FZP" "$(guest_cmd <<<"$all_kills")")
if [ "$rc" -ne 0 ]; then
	log "the unmutated driver fails the kill commands (status $rc, $work/baseline.out):"
	grep -E '^not ok' "$work/baseline.out" | head >&2 || true
	exit 1
fi
log "baseline passed in $(($(date +%s) - t0)) s"

{
	echo "| mutant | upstream | result | by | time to kill (s) |"
	echo "|---|---|---|---|---|"
} >"$report"
survived=0
for f in "${mutants[@]}"; do
	name=$(basename "$f" .patch)
	models=$(field "$f" Upstream | head -1)
	pending=$(field "$f" Pending | head -1)
	if [ -n "$pending" ]; then
		echo "| $name | $models | pending | ${pending//|/\\|} | - |" >>"$report"
		log "$name: pending"
		continue
	fi
	if ! applies "$f"; then
		echo "| $name | $models | not on $series | needs $(field "$f" Kernel | head -1) | - |" >>"$report"
		log "$name: does not apply to $series"
		continue
	fi
	build_one "$name" "$f"
	limit=$(field "$f" Limit | awk '{ print $1 }')
	limit=${limit:-240}
	t0=$(date +%s)
	rc=$(boot "$name" "$m/initramfs.cpio.gz" "$limit" "$(field "$f" Append | head -1)" \
		"$(field "$f" Kill | guest_cmd)")
	secs=$(($(date +%s) - t0))
	if [ "$rc" -eq 0 ]; then
		survived=$((survived + 1))
		echo "| $name | $models | **survived** | - | $secs |" >>"$report"
		log "$name: SURVIVED ($secs s)"
	else
		killed_by "$name" "$rc" "$limit"
		echo "| $name | $models | killed | $by | ${at:-$secs} |" >>"$report"
		log "$name: killed by $by (${at:-$secs} s)"
	fi
done

echo
echo "make mutants, kernel $series, $(date -u +%Y-%m-%d):"
cat "$report"
if [ "$survived" -gt 0 ]; then
	echo "$survived mutant(s) survived: a gap in the suite"
	exit 1
fi
