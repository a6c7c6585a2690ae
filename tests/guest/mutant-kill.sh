#!/bin/sh
# make mutants, guest side: run each argument as a command (the Kill lines
# of a mutant), every one even when one fails, and note the guest's uptime
# at the first "not ok" (scripts/mutants.sh reads it as the time to kill).
# Exit status: 1 when any command failed (status 4, every test skipped as
# kselftest's, is no failure: the skip is not a kill).
rc=0
for cmd in "$@"; do
	echo "# mutant kill: $cmd"
	{ sh -c "$cmd"; echo $? >/tmp/kill.status; } 2>&1 |
		awk '/^not ok/ && !t { getline u < "/proc/uptime"; split(u, a, " ");
			print "# first failure at " a[1] " s"; t = 1 } { print; fflush() }'
	case $(cat /tmp/kill.status) in 0|4) ;; *) rc=1 ;; esac
done
exit $rc
