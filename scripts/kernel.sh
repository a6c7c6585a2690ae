#!/usr/bin/env bash
# Fetch a Debian guest kernel and its headers for one kernel series.
#
# Usage: scripts/kernel.sh SERIES      (SERIES: 6.1, 6.12 or latest)
#
#   6.1, 6.12   Debian 12's two kernel series (bookworm, bookworm-security)
#   latest      the newest kernel of Debian unstable, looked up with a private
#               apt (scripts/apt-suite.sh); nothing is installed from it
#
# Resolution (scripts/resolve.sh) takes the newest release whose image
# (signed preferred, -unsigned accepted), headers, -common and kbuild
# packages all have candidates, and falls back to the next older one when
# the pool does not serve a file. No ABI number is hard-coded. Then, under
# build/kernel/SERIES/:
#   release        the kernel release string, e.g. 6.1.0-57-amd64
#   packages       the packages and versions it came from
#   vmlinuz        the kernel image, taken out of the image package
#   headers/       linux-headers-*, its -common and linux-kbuild packages,
#                  unpacked with dpkg-deb -x (nothing is installed system-wide)
#   kdir           path of the headers tree to build modules against
# The resolved release is kept: delete build/kernel/SERIES to move to a newer
# one. Prints the release on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apt-suite.sh"
. "$(dirname "$0")/resolve.sh"

series=${1:?usage: kernel.sh SERIES}
kernel_series_info "$series"	# dies on an unknown series

dir=$SVM_BUILD/kernel/$series
if [ -f "$dir/kdir" ] && [ -f "$dir/vmlinuz" ]; then
	cat "$dir/release"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/headers"
chosen=$(kernel_download "$series" "$dir/dl")
read -r rel image _ <<<"$chosen"
log "kernel $series: $rel ($image)"

# Only the kernel image is needed from the (large) image package: at
# /boot/vmlinuz-REL up to Debian 13, /usr/lib/modules/REL/vmlinuz in the
# linux-binary packages of unstable (vmlinuz.unsigned in linux-binary-unsigned).
imgdeb=$(ls "$dir"/dl/"$image"_*.deb)
member=$(dpkg-deb -c "$imgdeb" 2>/dev/null | awk -v r="$rel" '
	$6 == "./boot/vmlinuz-" r || $6 == "./usr/lib/modules/" r "/vmlinuz" ||
	$6 == "./usr/lib/modules/" r "/vmlinuz.unsigned" { print $6 }' | head -1)
[ -n "$member" ] || die "$image has no vmlinuz for $rel"
dpkg-deb --fsys-tarfile "$imgdeb" | tar -xO "$member" >"$dir/vmlinuz.tmp"
mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
for deb in "$dir"/dl/*.deb; do
	echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >>"$dir/packages"
	[ "$deb" = "$imgdeb" ] || dpkg-deb -x "$deb" "$dir/headers"
done
kdir=$dir/headers/usr/src/linux-headers-$rel
[ -f "$kdir/Makefile" ] || die "linux-headers-$rel has no $kdir/Makefile"
# Debian's top Makefile names the trees by absolute path: the -common tree
# it includes, and since 7.x also KBUILD_OUTPUT (the headers tree itself).
sed -i "s|\([ =]\)/usr/src/|\1$dir/headers/usr/src/|g" "$kdir/Makefile"
rm -rf "$dir/dl"
echo "$kdir" >"$dir/kdir"
echo "$rel" >"$dir/release"
echo "$rel"
