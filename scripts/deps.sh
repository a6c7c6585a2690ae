#!/usr/bin/env bash
# Install the Debian packages the host build needs, when missing, and make
# sure apt can fetch source packages (deb-src). Idempotent and quick when
# everything is there already.
#
# Usage: scripts/deps.sh [EXTRA-PACKAGE...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# toolchain and QEMU build (python3-venv: QEMU 10's configure makes a
	# venv for its meson)
	gcc make libc6-dev pkg-config python3 python3-venv meson ninja-build flex bison
	libglib2.0-dev libpixman-1-dev zlib1g-dev libfdt-dev
	# QEMU source package handling
	dpkg-dev xz-utils
	# guest image
	busybox-static cpio gzip kmod
	# guest user space
	libpci-dev
	# firmware for the q35 machine
	seabios qemu-system-data
	# benchmark plots; free(1) for the benchmark's host line
	gnuplot-nox procps
	# the fuzzer (libFuzzer, ASan, UBSan)
	clang libclang-rt-14-dev
	# kernel module builds
	bc libelf-dev libssl3 gcc-12 pahole sparse
	# the unstable build root for KERNEL=latest (scripts/buildroot.sh)
	debootstrap
	# the install checks: dkms build, man pages rendered with warnings on
	dkms man-db groff-base
	# the style checks (tests/style/): shellcheck; perl runs the kernel's and
	# QEMU's checkpatch.pl (xz-utils, dpkg-dev above unpack the former)
	shellcheck perl
)

missing=()
for p in "${PACKAGES[@]}" "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

# A deb-src twin of every Debian (bookworm*) deb entry, for 'apt-get source'.
ensure_deb_src() {
	local out=/etc/apt/sources.list.d/svm-edu-src.sources
	if grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 1
	fi
	log "adding deb-src entries ($out)"
	{
		# deb822 stanzas whose Types include deb and whose suites are Debian's
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk 'BEGIN { RS = ""; FS = "\n" }
			/(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|$|\n)/ && /(^|\n)Suites:[^\n]*bookworm/ {
				out = ""
				for (i = 1; i <= NF; i++) {
					line = $i
					if (line ~ /^Types:/) line = "Types: deb-src"
					if (line ~ /^#/) continue
					out = out line "\n"
				}
				printf "%s\n", out
			}' "$f"
		done
	} | as_root tee "$out.tmp" >/dev/null
	if [ -f /etc/apt/sources.list ] && grep -qE '^deb .*bookworm' /etc/apt/sources.list; then
		sed -n 's/^deb \(.*bookworm.*\)$/deb-src \1/p' /etc/apt/sources.list |
			as_root tee /etc/apt/sources.list.d/svm-edu-src.list >/dev/null
	fi
	if [ -s "$out.tmp" ]; then
		as_root mv "$out.tmp" "$out"
	else
		as_root rm -f "$out.tmp"
	fi
	return 0
}

need_update=0
[ ${#missing[@]} -eq 0 ] || need_update=1
ensure_deb_src && need_update=1
# apt lists are empty on a new machine: 'apt-cache' finds nothing before it.
have_lists=0
for f in /var/lib/apt/lists/*; do
	case ${f##*/} in
	lock | partial) ;;
	*) [ ! -e "$f" ] || have_lists=1 ;;
	esac
done
[ "$have_lists" -eq 1 ] || need_update=1

if [ "$need_update" -eq 1 ]; then
	log "apt-get update"
	as_root apt-get update -qq >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi
