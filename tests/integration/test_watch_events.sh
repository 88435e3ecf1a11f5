#!/bin/bash
# watch --json follows the lab from libvirt events: a desktop started,
# stopped or migrated with virsh shows up within 1 s, and a migrated desktop
# is the same object (same UUID) that changes host.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 w; g=$GUEST
uuid=$(vsh 1 domuuid "$g")
watch_start "$conf"
# the human feed beside the JSON one
"$HVDECK" -c "$conf" watch >"$WORK/text.log" 2>&1 &
text_id=$(proc_id $!) && cleanup "signal_proc TERM $text_id"

# seen NAME STATE HOST SINCE_MS: a line after SINCE_MS shows the desktop so
seen_line() {
	jq -c --arg u "$uuid" --arg s "$2" --arg h "$3" --argjson t "$4" \
		'select(.kind == "desktop" and .object.uuid == $u and .object.state == $s and .object.host == $h and .time_ms >= $t)' \
		"$out" 2>/dev/null | head -n1
}
seen() { [ -n "$(seen_line "$@")" ]; }
latency() {  # ms from $1 to the first matching line
	local line
	line=$(seen_line "$uuid" "$2" "$3" "$1")
	echo $(( $(jq -r .time_ms <<<"$line") - $1 ))
}

wait_until 2 seen "$uuid" shutoff hv1 0 || fail "defined desktop $g not in the inventory"

t0=$(now_ms); vsh 1 start "$g" >/dev/null || fail "virsh start"; t1=$(now_ms)
wait_until 1 seen "$uuid" running hv1 "$t0" || fail "start not seen within 1 s"
info "start seen $(( $(latency "$t0" running hv1) - (t1 - t0) )) ms after virsh returned"
[ $(( $(latency "$t0" running hv1) - (t1 - t0) )) -le 1000 ] || fail "start seen too late"

# a live migration: same UUID, new host, never removed on the way. The
# guest first fills its RAM ballast, so the migration takes several
# iterations, each reported to watchers.
serial_log=$LAB_DIR/node1/log/qemu/$g-serial.log
ballast_ready() { grep -q 'ballast ready' "$serial_log" 2>/dev/null; }
wait_until 120 ballast_ready || fail "$g did not report 'ballast ready' on its serial console"
t0=$(now_ms)
vsh 1 migrate --live --persistent --undefinesource "$g" "$LAB_URI_2" || fail "virsh migrate"
t1=$(now_ms)
info "migration took $((t1 - t0)) ms"
wait_until 1 seen "$uuid" running hv2 "$t0" || fail "migration not seen within 1 s"
[ "$(guest_state 2 "$g")" = running ] || fail "virsh: $g not running on node 2"
jq_any --arg u "$uuid" --argjson t "$t0" 'select(.kind == "desktop" and .op == "remove" and .object.uuid == $u and .time_ms >= $t)' \
	"$out" >/dev/null && fail "migrated desktop was removed and re-added"
jq_any --arg u "$uuid" --argjson t "$t0" 'select(.kind == "desktop" and .object.uuid == $u and .time_ms >= $t and .object.job.kind == "migration" and .object.job.iteration >= 1)' \
	"$out" || fail "no migration iteration was reported during the migration"
info "migration iterations reported: $(jq -r --arg u "$uuid" --argjson t "$t0" 'select(.kind == "desktop" and .object.uuid == $u and .time_ms >= $t and .object.job != null) | .object.job.iteration' "$out" | sort -un | paste -sd, -)"
# after the migration, hv1 no longer holds it
last=$(jq -c --arg u "$uuid" 'select(.kind == "desktop" and .object.uuid == $u)' "$out" | tail -n1)
[ "$(jq -r '[.object.hosts[].host] | join(",")' <<<"$last")" = hv2 ] || fail "desktop still placed on: $last"

t0=$(now_ms); vsh 2 destroy "$g" >/dev/null || fail "virsh destroy"
wait_until 1 seen "$uuid" shutoff hv2 "$t0" || fail "destroy not seen within 1 s"

t0=$(now_ms); vsh 2 undefine "$g" >/dev/null || fail "virsh undefine"
removed() {
	jq_any --arg u "$uuid" --argjson t "$t0" 'select(.kind == "desktop" and .op == "remove" and .object.uuid == $u and .time_ms >= $t)' \
		"$out" >/dev/null
}
wait_until 1 removed || fail "undefine not seen within 1 s"
signal_proc TERM $watch_id; wait "$watch_pid"
for line in "$g running on hv1" "$g running on hv2 (moved from hv1)" "$g shutoff on hv2" "$g removed from hv2"; do
	grep -qF -- "$line" "$WORK/text.log" || { cat "$WORK/text.log" >&2; fail "text watch lacks '$line'"; }
done
pass "start, migrate, destroy, undefine followed"
