#!/usr/bin/env bash
# Build svm_edu.ko for one kernel series.
#
# Usage: scripts/kbuild.sh SERIES [MAKE-ARGS...]
#   e.g. scripts/kbuild.sh 6.12 W=1 KCFLAGS=-Werror
#        scripts/kbuild.sh latest W=1 C=2
#
# Kbuild wants the sources in the module's folder: they are linked into
# build/module/SERIES/driver (one folder per series), then
#     make -C $(cat build/kernel/SERIES/kdir) M=build/module/SERIES/driver \
#          MAKE-ARGS... [modules]
# runs on the host, or inside the sid build root (scripts/buildroot.sh) when
# the host cannot build for that kernel: series 'latest', a compiler the
# host lacks (the one the headers' .kernelvariables names) or kbuild tools
# the host cannot run (they need a newer glibc). SVM_BUILDROOT=1 or 0 forces
# the choice. 'modules' is the target unless MAKE-ARGS names one.
# SVM_MOD_SRC (a folder with driver/ and include/, default the project)
# and SVM_MOD_OUT (default build/module/SERIES) let make mutants build a
# patched copy beside the real module.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: kbuild.sh SERIES [MAKE-ARGS...]}
shift
kdir_file=$SVM_BUILD/kernel/$series/kdir
[ -f "$kdir_file" ] || die "$kdir_file is missing (scripts/kernel.sh $series)"
kdir=$(cat "$kdir_file")
src=${SVM_MOD_SRC:-$SVM_TOP}
out=${SVM_MOD_OUT:-$SVM_BUILD/module/$series}
mod=$out/driver

# The sources, linked (relative links: the same inside the build root).
mkdir -p "$mod"
find "$mod" -maxdepth 1 -type l -delete
ln -sfnr "$src/include" "$out/include"
for f in "$src"/driver/*; do
	ln -sfr "$f" "$mod/"
done

# Does this kernel need the build root?
needs_root() {
	local cc
	case ${SVM_BUILDROOT:-} in
	1) return 0 ;;
	0) return 1 ;;
	esac
	[ "$series" != latest ] || return 0
	cc=$(sed -n 's/^CC *=.* \([^ ]*gcc[-0-9]*\) *$/\1/p' "$kdir/.kernelvariables" 2>/dev/null | head -1)
	cc=${cc/\$(CROSS_COMPILE)/x86_64-linux-gnu-}
	if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
		return 0
	fi
	if [ -x "$kdir/scripts/basic/fixdep" ] && ! "$kdir/scripts/basic/fixdep" >/dev/null 2>&1; then
		# fixdep without arguments prints its usage and exits 1; a loader
		# failure (GLIBC_2.xx not found) exits 127 or so with "not found".
		"$kdir/scripts/basic/fixdep" 2>&1 | grep -q 'not found' && return 0
	fi
	return 1
}

target=modules
for a in "$@"; do
	case $a in
	*=*) ;;
	*) target= ;;
	esac
done

# Newer kernels' Makefiles (7.2's; not 6.1's or 6.12's) validate sparse
# with scripts/checker-valid.sh, which Debian's linux-kbuild package leaves
# out: without it C=1/2 only prints a make notice and runs no sparse at all.
# Put the project's own (scripts/checker-valid.sh) there when the Makefile
# wants it and it is missing.
checker=$kdir/scripts/checker-valid.sh
mapfile -t top_makefiles < <(echo "$kdir/Makefile"; sed -n 's/^include \(\/.*\)/\1/p' "$kdir/Makefile")
if grep -qs 'scripts/checker-valid.sh' "${top_makefiles[@]}" && [ ! -e "$checker" ]; then
	install -m 755 "$SVM_TOP/scripts/checker-valid.sh" "$checker"
fi

run=()
if needs_root; then
	bash "$SVM_TOP/scripts/buildroot.sh" setup "$series" >&2
	run=(bash "$SVM_TOP/scripts/buildroot.sh" run)
fi
# A checker that Kbuild finds unusable is only a make notice; it must fail.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
"${run[@]}" make -C "$kdir" M="$mod" "$@" $target 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
if grep -q 'specified, but .* is not available or not up to date' "$log"; then
	die "sparse did not run: the checker is missing or too old for $series"
fi
exit "$rc"
