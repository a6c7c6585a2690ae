# shellcheck shell=bash
# Shared by the fake apt-cache and apt-get: find the case folder, strip the
# -o options, read recorded files.
: "${RESOLVER_FIXTURE:?RESOLVER_FIXTURE is not set}"
fx_sub=.
while [ "${1:-}" = -o ]; do
	case $2 in
	Dir::Etc::SourceList=*)
		s=${2#*=}
		fx_sub=suite-$(basename "$(dirname "$s")")
		;;
	esac
	shift 2
done
# fixture_cat FILE: FILE of the suite from the case folder, else from the
# case its 'base' file names, and so on.
fixture_cat() {
	local d=$RESOLVER_FIXTURE base
	while :; do
		if [ -f "$d/$fx_sub/$1" ]; then
			cat "$d/$fx_sub/$1"
			return 0
		fi
		base=$(cat "$d/base" 2>/dev/null) || return 0
		d=$(cd "$d" && cd "$base" && pwd)
	done
}
