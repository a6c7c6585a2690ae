# shellcheck shell=bash source-path=SCRIPTDIR
# Which QEMU the host scripts build and run, and what building it needs.
# Source it after lib.sh; do not run it.
#
#   QEMU=7.2 (default)  Debian 12's QEMU 7.2: source build/qemu-src,
#                       build folder build/qemu
#   QEMU=10             Debian 13's QEMU 10.0: source build/qemu-src-10,
#                       build folder build/qemu-10
#
# QEMU 10.0 needs meson >= 1.5 and Debian 12 has 1.0, which the 7.2 build
# keeps using. bookworm-backports' meson is downloaded and unpacked into
# build/tools/meson-backports/ (never installed into the host system) and
# found by QEMU's configure through PYTHONPATH.

QEMU=${QEMU:-7.2}
# shellcheck disable=SC2034 # used by the scripts that source this one
case $QEMU in
7.2)
	SVM_QEMU_SRC=$SVM_BUILD/qemu-src
	SVM_QEMU_OUT=$SVM_BUILD/qemu
	;;
10)
	SVM_QEMU_SRC=$SVM_BUILD/qemu-src-10
	SVM_QEMU_OUT=$SVM_BUILD/qemu-10
	;;
*) die "QEMU must be 7.2 or 10, not '$QEMU'" ;;
esac

SVM_MESON_BPO=$SVM_BUILD/tools/meson-backports

# The Python path that holds bookworm-backports' mesonbuild, unpacked on
# first use.
qemu_backports_meson() {
	local dl=$SVM_BUILD/tools/meson-dl py=$SVM_MESON_BPO/usr/lib/python3/dist-packages
	if [ ! -d "$py/mesonbuild" ]; then
		# shellcheck source=apt-suite.sh
		declare -F suite_apt >/dev/null || . "$SVM_TOP/scripts/apt-suite.sh"
		rm -rf "$dl" "$SVM_MESON_BPO.tmp"
		mkdir -p "$dl"
		chmod 777 "$dl"	# apt's _apt user writes the downloads
		log "fetching meson from bookworm-backports (QEMU 10 needs >= 1.5)"
		(cd "$dl" && suite_apt bookworm-backports apt-get download -qq meson \
			>"$dl/apt.log" 2>&1) ||
			die "downloading bookworm-backports' meson failed, see $dl/apt.log"
		dpkg-deb -x "$dl"/meson_*.deb "$SVM_MESON_BPO.tmp" ||
			die "unpacking $dl/meson_*.deb failed"
		mv "$SVM_MESON_BPO.tmp" "$SVM_MESON_BPO"
		rm -rf "$dl"
	fi
	PYTHONPATH=$py python3 -c '
import sys
from mesonbuild import coredata
v = tuple(int(x) for x in coredata.version.split(".")[:2])
sys.exit(v < (1, 5))' || die "$SVM_MESON_BPO has no meson >= 1.5"
	echo "$py"
}
