#!/usr/bin/env bash
# Fetch a Debian guest kernel and its headers for one kernel series.
#
# Usage: scripts/kernel.sh SERIES      (SERIES: 6.1 or 6.12)
#
# Resolves the newest linux-image/linux-headers pair of SERIES that Debian 12's
# archive offers (no ABI number is hard-coded), then, under
# build/kernel/SERIES/:
#   release        the kernel release string, e.g. 6.1.0-56-amd64
#   vmlinuz        the kernel image, taken out of the linux-image package
#   headers/       linux-headers-*, its -common and linux-kbuild packages,
#                  unpacked with dpkg-deb -x (nothing is installed system-wide)
#   kdir           path of the headers tree to build modules against
# The resolved release is kept: delete build/kernel/SERIES to move to a newer
# one. Prints the release on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: kernel.sh SERIES}
case $series in
6.1) pattern='^linux-headers-6\.1\.0-[0-9]+-amd64$' ;;
6.12) pattern='^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' ;;
*) die "unknown kernel series '$series' (supported: 6.1, 6.12)" ;;
esac

dir=$SVM_BUILD/kernel/$series
if [ -f "$dir/kdir" ] && [ -f "$dir/vmlinuz" ]; then
	cat "$dir/release"
	exit 0
fi

rel=
for pkg in $(apt-cache pkgnames linux-headers-"$series" | grep -E "$pattern" | sort -rV); do
	cand=${pkg#linux-headers-}
	if apt-cache show "linux-image-$cand" >/dev/null 2>&1 ||
	   apt-cache show "linux-image-$cand-unsigned" >/dev/null 2>&1; then
		rel=$cand
		break
	fi
done
[ -n "$rel" ] || die "no linux-image/linux-headers pair for $series in the apt archive (run apt-get update?)"
log "kernel $series: $rel"

rm -rf "$dir"
mkdir -p "$dir/dl" "$dir/headers"
image=linux-image-$rel
apt-cache show "$image" >/dev/null 2>&1 || image=$image-unsigned

common=$(apt-cache depends "linux-headers-$rel" | sed -n 's/.*Depends: \(linux-headers-.*-common\)$/\1/p' | head -1)
kbuild=$(apt-cache depends "linux-headers-$rel" "$common" | sed -n 's/.*Depends: \(linux-kbuild-.*\)$/\1/p' | head -1)
[ -n "$common" ] && [ -n "$kbuild" ] || die "cannot find the -common/kbuild packages of linux-headers-$rel"

# apt drops privileges to _apt for downloads; let it write here.
(cd "$dir/dl" && chmod 777 . && apt-get download -q "$image" "linux-headers-$rel" "$common" "$kbuild" >/dev/null 2>&1) ||
	die "apt-get download of $image and its headers failed"

# Only the kernel image is needed from the (large) image package.
dpkg-deb --fsys-tarfile "$dir"/dl/"$image"_*.deb |
	tar -xO "./boot/vmlinuz-$rel" >"$dir/vmlinuz.tmp"
mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
for deb in "$dir"/dl/linux-headers-*.deb "$dir"/dl/linux-kbuild-*.deb; do
	dpkg-deb -x "$deb" "$dir/headers"
done
kdir=$dir/headers/usr/src/linux-headers-$rel
# Debian's top Makefile includes the -common tree by absolute path.
sed -i "s|include /usr/src/|include $dir/headers/usr/src/|" "$kdir/Makefile"
rm -rf "$dir/dl"
echo "$kdir" >"$dir/kdir"
echo "$rel" >"$dir/release"
echo "$rel"
