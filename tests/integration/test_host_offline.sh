#!/bin/bash
# Killing one node's libvirtd turns that host offline within 15 s while the
# others stay online; restarting it brings it back with a correct inventory,
# all without restarting hvdeck.
. "$(dirname "$0")/lib.sh"

n=$LAB_NODES
conf=$(write_config)
new_guest "$n" off; g=$GUEST
cleanup "$LAB libvirtd-start $n"
watch_start "$conf"

host_state() {  # NAME SINCE_MS -> the last state reported for NAME
	jq -r --arg h "$1" --argjson t "$2" 'select(.kind == "host" and .object.name == $h and .time_ms >= $t) | .object.state' \
		"$out" 2>/dev/null | tail -n1
}
is_state() { [ "$(host_state "$1" "$3")" = "$2" ]; }

t0=$(now_ms)
"$LAB" libvirtd-stop "$n" || fail "cannot stop libvirtd of node $n"
wait_until 15 is_state "hv$n" offline "$t0" || fail "hv$n not offline within 15 s"
info "hv$n offline after $(( $(now_ms) - t0 )) ms"
for ((i = 1; i < n; i++)); do
	jq_any --arg h "hv$i" --argjson t "$t0" 'select(.kind == "host" and .object.name == $h and .time_ms >= $t and .object.state != "online")' \
		"$out" >/dev/null && fail "hv$i left online when hv$n died"
done
# the desktop of the dead host is kept, its state unknown
jq_any --arg g "$g" --argjson t "$t0" 'select(.kind == "desktop" and .object.name == $g and .object.state == "unknown" and .time_ms >= $t)' \
	"$out" >/dev/null || fail "$g not shown as unknown while its host is offline"
"$HVDECK" -c "$conf" dump --json --timeout 5 >"$WORK/dump.json" 2>/dev/null && fail "dump exit 0 with a host down"

t1=$(now_ms)
"$LAB" libvirtd-start "$n" || fail "cannot restart libvirtd of node $n"
wait_until 30 is_state "hv$n" online "$t1" || fail "hv$n did not come back"
info "hv$n back after $(( $(now_ms) - t1 )) ms"
# inventory after reconnect: the desktop and the pools are there
jq_any --arg g "$g" --argjson t "$t1" 'select(.kind == "desktop" and .object.name == $g and .object.state == "shutoff" and .time_ms >= $t)' \
	"$out" >/dev/null || fail "$g not re-inventoried after reconnect"
for pool in $(vsh "$n" pool-list --all --name); do
	jq_any --arg p "$pool" --arg h "hv$n" --argjson t "$t1" 'select(.kind == "pool" and .object.host == $h and .object.name == $p and .time_ms >= $t)' \
		"$out" >/dev/null || fail "pool $pool of hv$n not re-read"
done
same_proc $watch_id || fail "hvdeck watch died"
pass
