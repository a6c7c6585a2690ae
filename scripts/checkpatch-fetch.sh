#!/usr/bin/env bash
# The Linux kernel's scripts/checkpatch.pl, for the driver's style check
# (tests/style/kernel-checkpatch.sh). Prints the path of checkpatch.pl.
#
# Debian ships checkpatch.pl in no binary package but the kernel source
# ones: linux-source-SERIES holds /usr/src/linux-source-SERIES.tar.xz
# (about 150 MB). The newest series the archive offers today
# (apt-cache pkgnames linux-source-, each one's Candidate:, newest series
# first, an older series when a download fails) is downloaded once, and
# only checkpatch.pl and the data files it reads (spelling.txt,
# const_structs.checkpatch) are extracted into build/checkpatch/kernel/;
# the .deb is deleted. build/checkpatch/kernel/SOURCE says which package
# it came from. Later runs use that copy without asking apt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resolve.sh"

dest=$SVM_BUILD/checkpatch/kernel
if [ -x "$dest/scripts/checkpatch.pl" ] && [ -f "$dest/SOURCE" ]; then
	echo "$dest/scripts/checkpatch.pl"
	exit 0
fi

dl=$SVM_BUILD/checkpatch/dl
files=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)
RESOLVE_TRIED=()
for pkg in $(apt-cache pkgnames linux-source- 2>/dev/null | grep -E '^linux-source-[0-9.]+$' | sort -rV); do
	ver=$(apt_candidate "$pkg")
	if [ -z "$ver" ]; then
		resolve_note "$pkg: no candidate"
		continue
	fi
	series=${pkg#linux-source-}
	log "fetching checkpatch.pl from $pkg $ver (a ${series} kernel source package, about 150 MB, once)"
	rm -rf "$dl" "$dest.tmp"
	mkdir -p "$dl" "$dest.tmp"
	chmod 777 "$dl"	# apt drops privileges to _apt for downloads
	if ! (cd "$dl" && apt-get download -q "$pkg=$ver") >"$dl/download.log" 2>&1; then
		resolve_note "$pkg $ver: download failed: $(apt_error_line "$dl/download.log")"
		continue
	fi
	# The .deb holds the source tarball; read only the files we need out
	# of it (one pass over the stream, nothing else written).
	if dpkg-deb --fsys-tarfile "$dl"/*.deb |
		tar -xO "./usr/src/linux-source-$series.tar.xz" |
		tar -xJ -C "$dest.tmp" --strip-components=1 \
			"${files[@]/#/linux-source-$series/}" 2>"$dl/extract.log"; then
		chmod 755 "$dest.tmp/scripts/checkpatch.pl"
		echo "$pkg $ver" >"$dest.tmp/SOURCE"
		rm -rf "$dest"
		mv "$dest.tmp" "$dest"
		rm -rf "$dl"
		echo "$dest/scripts/checkpatch.pl"
		exit 0
	fi
	resolve_note "$pkg $ver: extracting ${files[*]} failed: $(head -1 "$dl/extract.log")"
done
rm -rf "$dl" "$dest.tmp"
resolve_fail "linux-source-* package with scripts/checkpatch.pl"
