#!/bin/bash
# hvdeck dump --json agrees with virsh on every lab node: desktops (names,
# states), pools and volumes with their backing files.
. "$(dirname "$0")/lib.sh"

new_guest 1 run; g1=$GUEST
new_guest 2 off; g2=$GUEST
vsh 1 start "$g1" >/dev/null || fail "virsh start $g1"
conf=$(write_config)

"$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" 2>"$WORK/dump.err" ||
	fail "dump exited $? ($(cat "$WORK/dump.err"))"
jq -e . "$WORK/dump.json" >/dev/null || fail "dump is not JSON"

for ((n = 1; n <= LAB_NODES; n++)); do
	host=hv$n
	[ "$(jq -r --arg h "$host" '.hosts[] | select(.name == $h) | .state' "$WORK/dump.json")" = online ] ||
		fail "$host not online in dump"
	# desktops: name and state per host, as virsh sees them
	vsh "$n" list --all | awk '{ st = $3; for (i = 4; i <= NF; i++) st = st " " $i; print $2, st }' |
		sed 's/shut off/shutoff/' | sort >"$WORK/virsh-$n"
	jq -r --arg h "$host" '.desktops[] | . as $d | .hosts[] | select(.host == $h) | "\($d.name) \(.state)"' \
		"$WORK/dump.json" | sort >"$WORK/dump-$n"
	diff -u "$WORK/virsh-$n" "$WORK/dump-$n" >&2 || fail "desktops of $host differ from virsh"
	# pools and volumes with backing files
	for pool in $(vsh "$n" pool-list --all --name); do
		vsh "$n" vol-list "$pool" | awk '{ print $1, $2 }' | sort >"$WORK/vv"
		jq -r --arg h "$host" --arg p "$pool" \
			'.pools[] | select(.host == $h and .name == $p) | .volumes[] | "\(.name) \(.path)"' \
			"$WORK/dump.json" | sort >"$WORK/dv"
		diff -u "$WORK/vv" "$WORK/dv" >&2 || fail "volumes of $host/$pool differ"
	done
	[ "$(vsh "$n" pool-list --all --name | awk 'NF { print $1 }' | sort | tr '\n' ' ')" = \
	  "$(jq -r --arg h "$host" '.pools[] | select(.host == $h) | .name' "$WORK/dump.json" | sort | tr '\n' ' ')" ] ||
		fail "pools of $host differ"
done

# the lab's template is a qcow2 with a backing file: dump shows it
backing=$(jq -r '[.pools[] | .volumes[] | select(.backing != null) | .backing][0] // empty' "$WORK/dump.json")
[ -n "$backing" ] || fail "no volume with a backing file in dump"
# the running desktop shows its host, vCPUs and memory
jq_any --arg g "$g1" '.desktops[] | select(.name == $g and .host == "hv1" and .state == "running" and .vcpus >= 1 and .memory_kib > 0)' \
	"$WORK/dump.json" >/dev/null || fail "$g1 not running on hv1 with vcpus/memory"

# text mode prints the same desktops
"$HVDECK" -c "$conf" dump >"$WORK/dump.txt" 2>/dev/null || fail "text dump failed"
grep -q "desktop name=$g1 .* state=running host=hv1" "$WORK/dump.txt" || fail "text dump misses $g1"
pass "$LAB_NODES hosts agree with virsh"
