#!/bin/sh
# Runs each cmocka unit test binary given; prints "N passed, N failed".
# Used by `make unit` (and `make asan`).
pass=0
fail=0
# commands the tests run write the audit log: never the machine's own
XDG_STATE_HOME=$(mktemp -d /tmp/hvdeck-unit-state.XXXXXX)
export XDG_STATE_HOME
trap 'rm -rf "$XDG_STATE_HOME"' EXIT
for t in "$@"; do
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAILED: $t" >&2
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
