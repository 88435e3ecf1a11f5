#!/usr/bin/env bash
# Lab self-test: `make demo`'s script without a terminal (as in CI or a
# script) brings a 3-node lab up, falls back to `hvdeck dump`, and brings the
# lab down again on exit - right after the other lab tests, with no lab up.
# Needs root and HVDECK (the binary). Last line: PASS or FAIL.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/lab.sh
TOP=$(cd "$HERE/../.." && pwd)
fail() { echo "FAIL: test_demo: $*"; exit 1; }
: "${HVDECK:=$TOP/build/hvdeck}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$LAB" status >/dev/null 2>&1 && fail "a lab is already up"
"$TOP/scripts/demo.sh" "$HVDECK" </dev/null >"$out" 2>&1 || { cat "$out"; fail "demo.sh exited $?"; }
for h in hv1 hv2 nas1; do
	grep -Eq "^host name=$h state=online" "$out" || { cat "$out"; fail "dump did not show $h online"; }
done
grep -q 'demo-desktop-1' "$out" || { cat "$out"; fail "dump did not show the demo desktop"; }
"$LAB" status >/dev/null 2>&1 && fail "the lab is still up after demo.sh exited"
echo PASS
