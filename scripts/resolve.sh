# shellcheck shell=bash
# Resolution of what to download from Debian's archive: guest kernels
# (image + headers + -common + kbuild) and QEMU source (.dsc + tarballs).
# Source it after lib.sh and apt-suite.sh; do not run it.
#
# The archive moves under us: ABI numbers change, a package can be listed
# but have no candidate (apt-cache show still exits 0 for a name that is
# only referenced), and a listed file can be missing from the pool. So
# every decision here is made from real candidates (the 'Candidate:' line of
# apt-cache policy), newest first, and a download that fails moves on to the
# next older complete set. When nothing works, the error lists every
# candidate tried and why it failed.
#
# tests/resolver/ runs these functions against recorded apt outcomes.

# The apt look-ups and downloads go to the host's apt, or to a private one
# for a suite the host does not carry (apt-suite.sh). RESOLVE_SUITE selects.
RESOLVE_SUITE=${RESOLVE_SUITE:-}
r_apt_cache() {
	if [ -n "$RESOLVE_SUITE" ]; then
		suite_apt "$RESOLVE_SUITE" apt-cache "$@"
	else
		apt-cache "$@"
	fi
}
r_apt_get() {
	if [ -n "$RESOLVE_SUITE" ]; then
		suite_apt "$RESOLVE_SUITE" apt-get "$@"
	else
		apt-get "$@"
	fi
}

# apt_candidate PKG: the candidate version of PKG, or nothing.
apt_candidate() {
	r_apt_cache policy "$1" 2>/dev/null |
		awk '$1 == "Candidate:" && $2 != "(none)" { print $2; exit }'
}

# Reasons collected while resolving, printed when nothing worked.
RESOLVE_TRIED=()
resolve_note() { RESOLVE_TRIED+=("$*"); }
resolve_fail() {
	local what=$1 t
	{
		printf '[svm-edu] error: no usable %s in the apt archive; tried:\n' "$what"
		if [ ${#RESOLVE_TRIED[@]} -eq 0 ]; then
			printf '  (no candidate at all: was apt-get update run, and is the suite (deb-src for sources) listed?)\n'
		fi
		for t in "${RESOLVE_TRIED[@]}"; do
			printf '  %s\n' "$t"
		done
	} >&2
	exit 1
}

# The first error line of an apt command's output, for a one-line reason
# (apt names the file and the pool's answer first, then a generic line).
apt_error_line() {
	grep -E '^(E|W): ' "$1" | head -1 | cut -c1-240
}

# --- guest kernels ---------------------------------------------------------

# kernel_series_info SERIES: sets K_PATTERN (linux-headers-* names of the
# series), K_IMAGES (image package name templates, @REL@ replaced, in order
# of preference: signed first) and RESOLVE_SUITE.
kernel_series_info() {
	case $1 in
	6.1)
		K_PATTERN='^linux-headers-6\.1\.0-[0-9]+-amd64$'
		K_IMAGES='linux-image-@REL@ linux-image-@REL@-unsigned'
		RESOLVE_SUITE=
		;;
	6.12)
		K_PATTERN='^linux-headers-6\.12\.[0-9]+\+deb12-amd64$'
		K_IMAGES='linux-image-@REL@ linux-image-@REL@-unsigned'
		RESOLVE_SUITE=
		;;
	latest)
		# Debian unstable; since 7.x the image package is linux-binary-*.
		K_PATTERN='^linux-headers-[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64$'
		K_IMAGES='linux-binary-@REL@ linux-binary-unsigned-@REL@ linux-image-@REL@ linux-image-@REL@-unsigned'
		RESOLVE_SUITE=sid
		;;
	*)
		die "unknown kernel series '$1' (supported: 6.1, 6.12, latest)"
		;;
	esac
}

# kernel_sets SERIES: one line per complete candidate set, newest first:
#   REL IMAGE-PKG HEADERS-PKG COMMON-PKG KBUILD-PKG
# Incomplete releases are noted in RESOLVE_TRIED (so call it without a
# subshell: kernel_sets SERIES >FILE).
kernel_sets() {
	local series=$1 pkg rel img image hdr deps common kbuild
	kernel_series_info "$series"
	[ -z "$RESOLVE_SUITE" ] || suite_apt_ensure "$RESOLVE_SUITE"
	for pkg in $(r_apt_cache pkgnames linux-headers- 2>/dev/null | grep -E "$K_PATTERN" | sort -rV); do
		rel=${pkg#linux-headers-}
		hdr=$pkg
		if [ -z "$(apt_candidate "$hdr")" ]; then
			resolve_note "$rel: $hdr has no candidate"
			continue
		fi
		image=
		for img in $K_IMAGES; do
			img=${img//@REL@/$rel}
			if [ -n "$(apt_candidate "$img")" ]; then
				image=$img
				break
			fi
		done
		if [ -z "$image" ]; then
			resolve_note "$rel: no image package with a candidate (tried ${K_IMAGES//@REL@/$rel})"
			continue
		fi
		# -common is a dependency of the headers, kbuild of the headers
		# (6.1) or of -common (6.12, unstable).
		deps=$(r_apt_cache depends "$hdr" 2>/dev/null | sed -n 's/^ *Depends: \([^ <>]*\)$/\1/p')
		common=$(printf '%s\n' "$deps" | grep -E '^linux-headers-.*-common$' | head -1)
		if [ -n "$common" ]; then
			deps="$deps
$(r_apt_cache depends "$common" 2>/dev/null | sed -n 's/^ *Depends: \([^ <>]*\)$/\1/p')"
		fi
		kbuild=$(printf '%s\n' "$deps" | grep -E '^linux-kbuild-' | head -1)
		if [ -z "$common" ] || [ -z "$kbuild" ]; then
			resolve_note "$rel: $hdr does not name its -common and kbuild packages"
			continue
		fi
		if [ -z "$(apt_candidate "$common")" ] || [ -z "$(apt_candidate "$kbuild")" ]; then
			resolve_note "$rel: $common or $kbuild has no candidate"
			continue
		fi
		echo "$rel $image $hdr $common $kbuild"
	done
}

# kernel_download SERIES DIR: downloads the newest complete set that the
# pool really serves into DIR (emptied first) and prints its line (see
# kernel_sets). Dies with every candidate and its reason when none works.
kernel_download() {
	local series=$1 dir=$2 sets line rel pkgs log
	RESOLVE_TRIED=()
	sets=$(mktemp)
	kernel_sets "$series" >"$sets"
	# shellcheck disable=SC2094 # false positive: the loop reads $sets and writes only $log, another file
	while read -r line; do
		[ -n "$line" ] || continue
		rel=${line%% *}
		pkgs=${line#* }
		rm -rf "$dir"
		mkdir -p "$dir"
		chmod 777 "$dir"	# apt drops privileges to _apt for downloads
		log="$dir/download.log"
		# shellcheck disable=SC2086
		if (cd "$dir" && r_apt_get download -q $pkgs) >"$log" 2>&1 &&
		   [ "$(find "$dir" -name '*.deb' | wc -l)" -eq 4 ]; then
			rm -f "$sets"
			echo "$line"
			return 0
		fi
		resolve_note "$rel: download of $pkgs failed: $(apt_error_line "$log")"
		log "kernel $series: $rel could not be downloaded, trying an older one"
	done <"$sets"
	rm -f "$sets"
	resolve_fail "linux-image/linux-headers set for kernel series $series"
}

# --- QEMU source -----------------------------------------------------------

# qemu_source_info SPEC: sets Q_SUITES (where to look, in order: "host" is
# the host's own apt) and Q_MAJOR (the upstream series accepted).
qemu_source_info() {
	case $1 in
	7.2) Q_SUITES='host'; Q_MAJOR=7.2 ;;
	# 10.0: trixie's, then bookworm-backports' (listed, but the pool
	# lacked its files on 2026-11-29), then any in sid. Not 10.1 or later:
	# the device compiles on 10.2.2, but 10.2.2 itself fails to link in
	# this minimal configuration (hw/acpi/cxl.c needs CXL code that
	# --without-default-devices leaves out).
	10) Q_SUITES='trixie bookworm-backports sid'; Q_MAJOR=10.0 ;;
	*) die "unknown QEMU '$1' (supported: 7.2, 10)" ;;
	esac
}

# qemu_source_versions SPEC: "SUITE VERSION" lines, suite by suite, each
# newest first. Only versions whose upstream part is Q_MAJOR followed by a
# separator (so 7.2 never picks 7.20, and 10 never 11).
qemu_source_versions() {
	local spec=$1 suite v seen=' '
	qemu_source_info "$spec"
	for suite in $Q_SUITES; do
		RESOLVE_SUITE=${suite#host}
		[ -z "$RESOLVE_SUITE" ] || suite_apt_ensure "$RESOLVE_SUITE"
		for v in $(r_apt_cache showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' | sort -rV); do
			case ${v#*:} in
			"$Q_MAJOR"[.+~-]*) ;;
			*) continue ;;
			esac
			case $seen in *" $v "*) continue ;; esac
			seen="$seen$v "
			echo "$suite $v"
		done
	done
	RESOLVE_SUITE=
}

# qemu_source_download SPEC DIR: downloads the newest QEMU source of SPEC
# whose .dsc and tarballs the pool serves into DIR (emptied first) and
# prints "SUITE VERSION DSC-PATH".
qemu_source_download() {
	local spec=$1 dir=$2 vers suite v log dsc=
	RESOLVE_TRIED=()
	vers=$(mktemp)
	qemu_source_versions "$spec" >"$vers"
	# shellcheck disable=SC2094 # false positive: the loop reads $vers and writes only $log, another file
	while read -r suite v; do
		[ -n "$v" ] || continue
		rm -rf "$dir"
		mkdir -p "$dir"
		chmod 777 "$dir"
		log="$dir/download.log"
		RESOLVE_SUITE=${suite#host}
		# apt-get source fails when any file the .dsc names (tarballs)
		# cannot be fetched or does not match its hash.
		if (cd "$dir" && r_apt_get source --download-only -q "qemu=$v") >"$log" 2>&1 &&
		   dsc=$(find "$dir" -maxdepth 1 -name 'qemu_*.dsc' | head -1) && [ -n "$dsc" ]; then
			RESOLVE_SUITE=
			rm -f "$vers"
			echo "$suite $v $dsc"
			return 0
		fi
		resolve_note "qemu $v ($suite): $(apt_error_line "$log")"
		RESOLVE_SUITE=
		log "QEMU $spec: source $v could not be downloaded, trying an older one"
	done <"$vers"
	rm -f "$vers"
	resolve_fail "QEMU $spec source package"
}
