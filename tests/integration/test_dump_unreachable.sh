#!/bin/bash
# dump against an unreachable host returns within its timeout (N seconds,
# not N + 1: measured, with a margin for start-up, not a second), reports
# the host offline with libvirt's message once, and exits 1; reachable hosts
# still show their inventory.
. "$(dirname "$0")/lib.sh"

# A closed port answers at once; a server that accepts and then never
# speaks hangs libvirt's handshake: the deadline must bound both.
# (the slot's base port: no lab node ever listens there)
silent_port=$((16500 + 10 * ${LAB_SLOT:-0}))
busybox nc -l -p "$silent_port" -e sleep 600 &
silent_id=$(proc_id $!) && cleanup "signal_proc TERM $silent_id"
listening() { ss -Hltn "( sport = :$silent_port )" | grep -q .; }
wait_until 5 listening || fail "silent listener did not start"
: >"$WORK/empty.conf"
start=$(now_ms)
"$HVDECK" -c "$WORK/empty.conf" -H "up=$LAB_URI_1" -H "closed=qemu+tcp://127.0.0.1:1/system" \
	-H "blackhole=qemu+tcp://127.0.0.1:$silent_port/system" --timeout 3 dump --json \
	>"$WORK/out.json" 2>"$WORK/err" && fail "dump exited 0 with unreachable hosts"
elapsed=$(( $(now_ms) - start ))
info "dump returned in ${elapsed} ms"
[ "$elapsed" -ge 3000 ] || fail "dump returned after ${elapsed} ms, before its --timeout 3"
[ "$elapsed" -lt 3500 ] || fail "dump took ${elapsed} ms with --timeout 3"
jq_any '.hosts[] | select(.name == "up" and .state == "online")' "$WORK/out.json" >/dev/null ||
	fail "reachable host not online"
jq_any '.hosts[] | select(.name == "closed" and .state == "offline" and (.error | test("Connection refused")))' \
	"$WORK/out.json" >/dev/null || fail "closed port not reported with libvirt's message"
jq_any '.hosts[] | select(.name == "blackhole" and .state == "offline" and .error == "connect timed out")' "$WORK/out.json" >/dev/null ||
	fail "unanswering host not offline"
grep -q "closed:" "$WORK/err" || fail "no message on stderr for the closed host"
[ "$(grep -c "Connection refused" "$WORK/err")" -eq 1 ] || fail "closed host's error not printed once: $(cat "$WORK/err")"
[ "$(grep -c "blackhole" "$WORK/err")" -eq 1 ] || fail "blackhole's error not printed once: $(cat "$WORK/err")"
pass "${elapsed} ms"
