# shellcheck shell=bash
# A private apt for one other Debian suite (trixie, sid, bookworm-backports):
# its own sources list, package lists and download cache under
# build/apt/SUITE/, so that the host's apt configuration never sees the
# suite and nothing from it can be installed into the host system. Only
# downloads ('apt-get download', 'apt-get source --download-only') and
# look-ups are done with it. Source it after lib.sh; do not run it.
#
#   suite_apt SUITE apt-get|apt-cache ARGS...
#
# The first call of a session refreshes the suite's lists ('apt-get update'
# on the private state): the archive moves, and resolution must follow it.
# sid is served with an expired Release file here: its validity date is not
# checked, its signature is.

SVM_APT_SUITES_UPDATED=${SVM_APT_SUITES_UPDATED:-}

suite_apt_dir() { echo "$SVM_BUILD/apt/$1"; }

# The mirror the host already uses for Debian's main archive.
host_mirror() {
	local m
	m=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ && $2 !~ /security/ {print $2; exit}' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null)
	[ -n "$m" ] || m=$(awk '/^deb / && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}

suite_apt_opts() {
	local d
	d=$(suite_apt_dir "$1")
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$d/sources.list" \
		-o "Dir::Etc::SourceParts=/dev/null" \
		-o "Dir::State::Lists=$d/lists" \
		-o "Dir::State::status=/dev/null" \
		-o "Dir::Cache=$d/cache" \
		-o "Acquire::Check-Valid-Until=false" \
		-o "APT::Architecture=amd64" \
		-o "APT::Architectures=amd64" \
		-o "APT::Sandbox::User=root"
}

suite_apt_update() {
	local suite=$1 d key=/usr/share/keyrings/debian-archive-keyring.gpg mirror
	d=$(suite_apt_dir "$suite")
	mirror=$(host_mirror)
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	{
		echo "deb [signed-by=$key] $mirror $suite main"
		echo "deb-src [signed-by=$key] $mirror $suite main"
	} >"$d/sources.list"
	log "apt-get update for $suite (private lists in ${d#"$SVM_TOP"/})"
	# shellcheck disable=SC2046
	apt-get $(suite_apt_opts "$suite") -qq update >"$d/update.log" 2>&1 ||
		die "apt-get update of $suite failed, see $d/update.log"
	SVM_APT_SUITES_UPDATED="$SVM_APT_SUITES_UPDATED $suite"
	export SVM_APT_SUITES_UPDATED
}

# suite_apt_ensure SUITE: refresh the suite's lists once. Call it in the
# main shell before looking up in command substitutions (subshells), or
# each of them would update again.
suite_apt_ensure() {
	case " $SVM_APT_SUITES_UPDATED " in
	*" $1 "*) ;;
	*) suite_apt_update "$1" ;;
	esac
}

suite_apt() {
	local suite=$1 tool=$2
	shift 2
	suite_apt_ensure "$suite"
	# shellcheck disable=SC2046
	"$tool" $(suite_apt_opts "$suite") "$@"
}
