#!/bin/sh
# The engine's threads under ThreadSanitizer: dump and a few seconds of
# watch over four hosts of libvirt's in-process test driver.
set -eu
hvdeck=$1
conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
: >"$conf"
hosts="-H a=test:///default -H b=test:///default -H c=test:///default -H d=test:///default"
# shellcheck disable=SC2086
"$hvdeck" -c "$conf" $hosts dump --json >/dev/null
# shellcheck disable=SC2086
timeout -s INT 3 "$hvdeck" -c "$conf" $hosts watch --json --stats >/dev/null || [ $? -eq 124 ]
echo "tsan: engine clean"
