#!/bin/bash
# `make check`: unit tests, then a real lab (always brought down again),
# then every integration test against it, then the lab's own tests.
# Last line: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
: "${HVDECK:=$top/build/hvdeck}"
export HVDECK
LAB_NODES=${LAB_NODES:-3}

pass=0
fail=0
failed=()

# "PID STARTTIME" of every process running $HVDECK (the binary under test):
# what a test leaves behind is what is new after it (pid AND start time, so
# a reused pid is never taken for one of ours).
hvdeck_procs() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "${exe% (deleted)}" = "$HVDECK" ] || continue
		echo "${p#/proc/} $(awk '{ print $22 }' "$p/stat" 2>/dev/null)"
	done | sort
}
# A test that leaves an hvdeck running fails, and what it left is stopped:
# a leaked watch or console keeps refreshing pools into the next tests.
check_leftovers() {  # NAME BEFORE
	local left pid st tries=0
	# a process the test's own cleanup signalled may still be exiting
	while left=$(comm -13 <(echo "$2") <(hvdeck_procs)) && [ -n "$left" ] &&
	    [ $tries -lt 30 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	[ -n "$left" ] || return 0
	echo "$1 left hvdeck running: $(echo "$left" | tr '\n' ' ')"
	while read -r pid st; do
		[ "$(awk '{ print $22 }' "/proc/$pid/stat" 2>/dev/null)" = "$st" ] &&
			kill -TERM "$pid" 2>/dev/null
	done <<<"$left"
	return 1
}
record() {  # name status
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $1"
	else
		fail=$((fail + 1)); failed+=("$1"); echo "FAIL $1"
	fi
}

# commands the unit tests run write the audit log: never the machine's own
XDG_STATE_HOME=$(mktemp -d /tmp/hvdeck-unit-state.XXXXXX)
export XDG_STATE_HOME
for t in "$@"; do
	"$t"
	rc=$?	# before any $(...) in record's arguments resets $?
	record "unit/$(basename "$t")" "$rc"
done

rm -rf "$XDG_STATE_HOME"
unset XDG_STATE_HOME

# The layer rule (its check refuses planted breaches) and the unit tests
# below the console linked without curses (from the binaries just run).
if [ $# -gt 0 ]; then
	for t in tests/layers/test_*.sh; do
		bash "$t" "$(dirname "$(dirname "$1")")"
		rc=$?
		record "layers/$(basename "$t" .sh)" "$rc"
	done
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (the lab runs libvirtd and sshd)" >&2
	record "lab (needs root)" 1
else
	tests/lab/lab.sh down >/dev/null 2>&1
	trap 'tests/lab/lab.sh down' EXIT
	if tests/lab/lab.sh up "$LAB_NODES"; then
		eval "$(tests/lab/lab.sh env)"
		for t in tests/integration/test_*.sh; do
			echo "--- $t"
			before=$(hvdeck_procs)
			timeout 600 bash "$t"
			rc=$?
			check_leftovers "$(basename "$t" .sh)" "$before" || rc=1
			record "$(basename "$t" .sh)" "$rc"
		done
	else
		record "lab up" 1
	fi
	tests/lab/lab.sh down
	rc=$?
	record "lab down leaves no process" "$rc"
	trap - EXIT
	# The lab's own tests bring labs up and down themselves: proof that it
	# stops only what it started, and `make demo` right after the others.
	for t in tests/lab/selftest.sh tests/lab/test_identity.sh tests/lab/test_demo.sh; do
		echo "--- $t"
		timeout 600 bash "$t"
		rc=$?
		record "lab/$(basename "$t" .sh)" "$rc"
	done
fi

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
