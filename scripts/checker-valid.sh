#!/bin/sh
# svm-edu's stand-in for the kernel's scripts/checker-valid.sh, which
# Debian's linux-kbuild packages do not ship; scripts/kbuild.sh puts it into
# an unpacked headers tree whose Makefile asks for it (7.x).
#
# Kbuild calls it as 'checker-valid.sh CHECK [CHECKFLAGS...]' and runs the
# checker (sparse) only when it prints 1. The checker must exist and parse
# __typeof_unqual__, which the 7.x headers use; sparse exits 0 even on a
# parse error, so its output decides.
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
probe=$(mktemp --suffix=.c) || { echo 0; exit 0; }
trap 'rm -f "$probe"' EXIT
echo 'static inline int svm_edu_probe(const int *p) { __typeof_unqual__(*p) v = *p; return v; }' >"$probe"
if "$@" "$probe" 2>&1 | grep -q error; then
	echo 0
else
	echo 1
fi
