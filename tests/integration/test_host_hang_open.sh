#!/bin/bash
# A host whose libvirtd takes the connection but never answers (SIGSTOP:
# the kernel still accepts on its socket) when hvdeck starts: its open is
# given up after connect_timeout, the host goes offline saying so, the
# other hosts come online meanwhile, and once it answers again it comes
# online by itself. (Before: the host stayed "connecting" for ever with no
# message — how CI saw an SSH host whose daemon did not answer.)
. "$(dirname "$0")/lib.sh"

n=$LAB_NODES
conf=$(write_config)
sed -i "s/^connect_timeout = .*/connect_timeout = 3;/" "$conf"
cleanup "$LAB libvirtd-thaw $n; $LAB libvirtd-start $n"
"$LAB" libvirtd-freeze "$n" || fail "cannot freeze libvirtd of node $n"

out=$WORK/watch.jsonl
t0=$(now_ms)
"$HVDECK" -c "$conf" watch --json >"$out" 2>"$WORK/watch.err" &
watch_pid=$!
watch_id=$(proc_id "$watch_pid") && cleanup "signal_proc TERM $watch_id"

host_state() {  # NAME STATE: NAME was reported in STATE
	jq_any --arg h "$1" --arg s "$2" \
		'select(.kind == "host" and .object.name == $h and .object.state == $s)' "$out"
}
wait_until 20 host_state "hv$n" offline ||
	fail "hv$n (frozen) not offline within 20 s with connect_timeout 3: $(tail -3 "$WORK/watch.err")"
info "hv$n offline $(( $(now_ms) - t0 )) ms after start"
jq_any --arg h "hv$n" \
	'select(.kind == "host" and .object.name == $h and .object.state == "offline" and (.object.error | test("did not answer within 3 s")))' \
	"$out" || fail "the reason does not say the host did not answer: $(grep "\"hv$n\"" "$out" | tail -1)"
for ((i = 1; i < n; i++)); do
	wait_until 20 host_state "hv$i" online || fail "hv$i not online while hv$n hangs"
done

thaw_node "$n"
wait_until 60 host_state "hv$n" online ||
	fail "hv$n did not come online after it answered again: $(tail -3 "$WORK/watch.err")"
info "hv$n online after the thaw"
pass "a host that never answers its open goes offline after connect_timeout and comes back"
