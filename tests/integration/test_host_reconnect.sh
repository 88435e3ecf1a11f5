#!/bin/bash
# Lost hosts over the transport host add writes (qemu+ssh through
# hvdeck-ssh), timed: a killed libvirtd is seen offline within 3 s (the
# pipe closes), a frozen one within 12 s (keepalive 3 s x 2 answers
# missed, "about nine seconds" in the man page, plus a loaded machine's
# slack), in `watch --json`. In the console, an offline host whose next try
# is still ≥ 6 s away comes back within 3 s of `:host reconnect NAME` once
# its libvirtd runs again; an unknown name is refused in words. A migration
# whose destination's libvirtd is killed half-way ends within 15 s saying
# so in words, and the desktop runs on its source.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
cleanup "'$LAB' libvirtd-thaw 2; '$LAB' libvirtd-start 2"
conf=$(write_config)
grep -q 'name = "hv2"; uri = "qemu+libssh://' "$conf" || fail "hv2 is not configured as host add wrote it: $(cat "$conf")"

# state_since N STATE: ms until hv2's Nth-or-later feed line says STATE
state_since() {
	tail -n +"$1" "$out" | jq -r 'select(.kind == "host" and .object.name == "hv2") | .object.state' 2>/dev/null |
		grep -qx "$2"
}
timed() {	# WHAT LIMIT_MS ACTION...: hv2 offline within LIMIT_MS of ACTION
	local what=$1 limit=$2 n t0 ms
	shift 2
	n=$(($(wc -l <"$out") + 1))
	t0=$(now_ms)
	"$@" >/dev/null || fail "$*"
	wait_until $((limit / 1000 + 30)) state_since "$n" offline || fail "$what: hv2 never went offline"
	ms=$(($(now_ms) - t0))
	info "$what: offline after $ms ms"
	[ "$ms" -le "$limit" ] || fail "$what: offline after $ms ms, more than $limit"
}

watch_start "$conf"
timed "libvirtd killed" 3000 "$LAB" libvirtd-stop 2
"$LAB" libvirtd-start 2 >/dev/null || fail "libvirtd-start"
wait_until 90 state_since 1 online || fail "hv2 did not come back"
n=$(($(wc -l <"$out") + 1))
wait_until 90 state_since "$n" online || true	# settle on the newest line
sleep 2
timed "libvirtd frozen" 12000 "$LAB" libvirtd-freeze 2
thaw_node 2
[ -s "$WORK/watch.err" ] && grep -v '^hvdeck: ' "$WORK/watch.err" | grep -q . &&
	fail "watch printed foreign lines: $(grep -v '^hvdeck: ' "$WORK/watch.err" | head -3)"

# ---- the console: :host reconnect cuts the backoff short ----
tui_start "$conf" 200 40
wait_screen 60 "hv2 +mixed +online"
"$LAB" libvirtd-stop 2 >/dev/null || fail "libvirtd-stop"
wait_screen 10 "hv2 +mixed +offline"
# hv2's details say when its next try comes
keys :; keys -l "host hv2"; keys Enter
keys Enter
wait_screen 10 "last seen"
retry_in() { screen | grep -oE 'next retry in [0-9]+s' | head -n1 | grep -oE '[0-9]+'; }
far_retry() {
	local s
	keys Escape; keys Enter	# the details again, drawn now
	sleep 0.3
	s=$(retry_in)
	[ -n "$s" ] && [ "$s" -ge 6 ]
}
wait_until 60 far_retry || { screen >&2; fail "hv2's next try never was 6 s away"; }
left=$(retry_in)
keys Escape
"$LAB" libvirtd-start 2 >/dev/null || fail "libvirtd-start"
keys :; keys -l "host reconnect hv2"; keys Enter
t0=$(now_ms)
wait_screen 3 "hv2 +mixed +online"
info "back online $(($(now_ms) - t0)) ms after :host reconnect (the next try was ${left} s away)"
keys :; keys -l "host reconnect nosuch"; keys Enter
wait_screen 5 "no host called nosuch"

# ---- with a console open the backoff stays short; Shift-C reconnects ----
"$LAB" libvirtd-stop 2 >/dev/null || fail "libvirtd-stop"
wait_screen 10 "hv2 +mixed +offline"
keys :; keys -l "host hv2"; keys Enter
keys Enter
wait_screen 10 "last seen"
long_retry() {
	local s
	keys Escape; keys Enter
	sleep 0.3
	s=$(retry_in)
	[ -n "$s" ] && [ "$s" -ge 7 ]
}
# 1, 2, 4, 8 s: then 16 would follow, capped at 10 (jittered: at most 12)
wait_until 60 long_retry || { screen >&2; fail "hv2's backoff never grew"; }
for _ in 1 2 3 4 5 6 7 8; do
	keys Escape; keys Enter
	sleep 2
	s=$(retry_in)
	[ -z "$s" ] || [ "$s" -le 12 ] ||
		{ screen >&2; fail "next retry ${s}s away with a console open (cap 10 s)"; }
done
keys Escape
"$LAB" libvirtd-start 2 >/dev/null || fail "libvirtd-start"
keys C	# the selected host: hv2
t0=$(now_ms)
wait_screen 3 "hv2 +mixed +online"
info "back online $(($(now_ms) - t0)) ms after Shift-C"
tmx kill-session -t hv

# ---- a migration loses its destination ----
wait_until 60 state_since 1 online || true
running_guest 1 lost
"$HVDECK" -c "$conf" migrate "$GUEST" hv2 --bandwidth 5 >"$WORK/mig.out" 2>"$WORK/mig.err" &
mpid=$!
cleanup "kill $mpid"
progress() { grep -qE '^[^:]+: [0-9.]+% memory' "$WORK/mig.out"; }
wait_until 60 progress || fail "no migration progress: $(cat "$WORK/mig.out" "$WORK/mig.err")"
t0=$(now_ms)
"$LAB" libvirtd-stop 2 >/dev/null || fail "libvirtd-stop"
wait "$mpid"
rc=$?
ms=$(($(now_ms) - t0))
info "migration ended $ms ms after its destination's libvirtd was killed: $(tail -n1 "$WORK/mig.err")"
[ "$rc" -eq 1 ] || fail "migrate exited $rc: $(cat "$WORK/mig.err")"
grep -q "destination hv2 went offline during the migration: $GUEST stays on its source hv1" "$WORK/mig.err" ||
	fail "the lost destination is not said in words: $(cat "$WORK/mig.err")"
[ "$ms" -le 15000 ] || fail "the migration ran on $ms ms after its destination was gone"
[ "$(guest_state 1 "$GUEST")" = running ] || fail "$GUEST is not running on node 1: $(guest_state 1 "$GUEST")"
"$LAB" libvirtd-start 2 >/dev/null || fail "libvirtd-start"
pass "killed and frozen libvirtd seen within bounds; :host reconnect brings a host back before its backoff ends; a lost destination ends its migration in words"
