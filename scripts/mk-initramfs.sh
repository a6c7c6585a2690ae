#!/usr/bin/env bash
# Build the guest initramfs for one kernel series.
#
# Usage: scripts/mk-initramfs.sh SERIES OUTPUT.cpio.gz
#
# Contents: busybox (static), /init (scripts/guest-init), svm_edu.ko built for
# SERIES, the guest binaries from build/guest/bin and the shared libraries
# they need (libpci has no static build on Debian 12), and tests/guest/.
# SVM_KO overrides the module (make mutants packs a mutated driver).
# SVM_STAGE=DIR (the install check, tests/install/check-install.sh) packs a
# 'make install DESTDIR=DIR' tree at / instead of the module and binaries
# from build/, tests/install/ as /tests, and /etc/svm-edu-staged, which
# tells /init to leave loading the module to the command; SVM_STAGE_TESTS
# names test programs built against the tree, packed into /tests.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: mk-initramfs.sh SERIES OUTPUT}
output=${2:?usage: mk-initramfs.sh SERIES OUTPUT}
ko=${SVM_KO:-$SVM_BUILD/module/$series/driver/svm_edu.ko}
bins=$SVM_BUILD/guest/bin
stage=${SVM_STAGE:-}
if [ -n "$stage" ]; then
	[ -d "$stage" ] || die "$stage is missing (make install DESTDIR=$stage)"
	bins=$stage/usr/local/bin
else
	[ -f "$ko" ] || die "$ko is missing (make module KERNEL=$series)"
fi
[ -x /bin/busybox ] || die "/bin/busybox is missing (busybox-static)"

root=$(mktemp -d "$SVM_BUILD/initramfs-root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/modules,proc,sys,dev,tmp,run,root,etc}
cp /bin/busybox "$root/bin/busybox"
install -m 755 "$SVM_TOP/scripts/guest-init" "$root/init"
if [ -n "$stage" ]; then
	cp -a "$stage/." "$root/"
	cp -r "$SVM_TOP/tests/install" "$root/tests"
	touch "$root/etc/svm-edu-staged"
else
	cp "$ko" "$root/lib/modules/"
	cp -r "$SVM_TOP/tests/guest" "$root/tests"
fi

# Guest binaries and every shared library they load, at the same paths;
# the staged tree's own libraries are in place already.
for b in "$bins"/* ${SVM_STAGE_TESTS:-}; do
	[ -x "$b" ] || continue
	case $b in
	"$bins"/*) [ -n "$stage" ] || cp "$b" "$root/usr/bin/" ;;
	*) cp "$b" "$root/tests/" ;;
	esac
	LD_LIBRARY_PATH=${stage:+$stage/usr/local/lib} ldd "$b" |
	awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
	while read -r lib; do
		case $lib in "$stage"/*) [ -z "$stage" ] || continue ;; esac
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done

mkdir -p "$(dirname "$output")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$output.tmp"
mv "$output.tmp" "$output"
