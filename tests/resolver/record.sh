#!/usr/bin/env bash
# Record what the live archive says about one kernel series or the QEMU
# source into a fixture folder for the resolver tests: the apt-cache answers
# the resolver asks for (pkgnames, policy, depends, showsrc). Downloads are
# not recorded: a case says which files its pool misses ('pool-missing').
#
# Usage: tests/resolver/record.sh 6.1|6.12|latest|qemu-7.2|qemu-10 DIR
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
. "$SVM_TOP/scripts/apt-suite.sh"
. "$SVM_TOP/scripts/resolve.sh"
what=${1:?usage: record.sh WHAT DIR}
out=${2:?usage: record.sh WHAT DIR}

# rec SUB CMD...: apt-cache CMD into DIR/SUB/..., as the fakes read it.
rec_policy() {
	local sub=$1 p
	shift
	mkdir -p "$out/$sub/policy"
	for p; do r_apt_cache policy "$p" 2>/dev/null >"$out/$sub/policy/$p"; done
}

case $what in
qemu-*)
	qemu_source_info "${what#qemu-}"
	for s in $Q_SUITES; do
		RESOLVE_SUITE=${s#host}
		sub=.
		[ -z "$RESOLVE_SUITE" ] || { suite_apt_ensure "$RESOLVE_SUITE"; sub=suite-$s; }
		mkdir -p "$out/$sub"
		r_apt_cache showsrc qemu 2>/dev/null | grep -E '^(Package|Version):' >"$out/$sub/showsrc-qemu"
	done
	;;
*)
	kernel_series_info "$what"
	sub=.
	[ -z "$RESOLVE_SUITE" ] || { suite_apt_ensure "$RESOLVE_SUITE"; sub=suite-$RESOLVE_SUITE; }
	mkdir -p "$out/$sub/depends"
	# The three newest releases of the series are enough for every case.
	r_apt_cache pkgnames linux-headers- | grep -E "$K_PATTERN" | sort -rV | head -3 >"$out/$sub/pkgnames.new"
	{ cat "$out/$sub/pkgnames.new"; cat "$out/$sub/pkgnames" 2>/dev/null || true; } |
		sort -u >"$out/$sub/pkgnames.tmp"
	mv "$out/$sub/pkgnames.tmp" "$out/$sub/pkgnames"
	while read -r hdr; do
		rel=${hdr#linux-headers-}
		r_apt_cache depends "$hdr" >"$out/$sub/depends/$hdr"
		common=$(sed -n 's/^ *Depends: \(linux-headers-.*-common\)$/\1/p' "$out/$sub/depends/$hdr")
		r_apt_cache depends "$common" >"$out/$sub/depends/$common"
		kbuild=$(sed -n 's/^ *Depends: \(linux-kbuild-.*\)$/\1/p' "$out/$sub/depends/$hdr" "$out/$sub/depends/$common" | head -1)
		# shellcheck disable=SC2086
		rec_policy "$sub" "$hdr" "$common" "$kbuild" ${K_IMAGES//@REL@/$rel}
	done <"$out/$sub/pkgnames.new"
	rm -f "$out/$sub/pkgnames.new"
	;;
esac
echo "recorded $what into $out" >&2
