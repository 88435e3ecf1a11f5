#!/bin/sh
# The engine's threads under ThreadSanitizer: dump and a few seconds of
# watch over hosts of libvirt's in-process test driver (four connections to
# the one shared test:///default, and a node file of our own). Events are
# driven by tests/unit/test_engine.c, which `make tsan` runs first.
set -eu
hvdeck=$1
here=$(cd "$(dirname "$0")/.." && pwd)
supp=$here/tests/tsan.supp

# A plain `race:` entry naming a library matches any frame of either stack:
# every hvdeck callback runs under libvirt frames, so it would hide them.
if grep -Eq '^race:.*\.so' "$supp"; then
	echo "tsan: $supp: use race_top: or called_from_lib: for libraries" >&2
	exit 1
fi

conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
: >"$conf"
node="test://$here/tests/unit/data/engine/node.xml"
hosts="-H a=test:///default -H b=test:///default -H c=test:///default -H d=test:///default -H e=$node"
# shellcheck disable=SC2086
"$hvdeck" -c "$conf" $hosts dump --json >/dev/null
# shellcheck disable=SC2086
timeout -s INT 3 "$hvdeck" -c "$conf" $hosts watch --json --stats >/dev/null || [ $? -eq 124 ]
# shellcheck disable=SC2086
timeout -s TERM 3 "$hvdeck" -c "$conf" $hosts watch >/dev/null || [ $? -eq 124 ]
echo "tsan: engine clean"
