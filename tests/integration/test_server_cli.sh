#!/bin/bash
# The command line's own commands through the cluster's server (2 nodes):
# - `dump`, `dump --json`, `host list`, `host list --json` answered from
#   the server's warm model: the same output and exit status as
#   --no-server (the sampled fields aside: cpu_pct, free_kib, a pool's
#   available and allocation, JSON's last_seen_ms and retry_at_ms), their
#   times with and without a server printed;
# - `migrate` through the server: pre-flight and progress lines streamed,
#   it arrives, the audit record written by the server's pid names the
#   client's user; a refusal says what in-process says;
# - a migration whose client is SIGKILLed half-way still arrives (virsh on
#   the destination): the job is the server's; so does one whose client
#   hangs up (SIGHUP);
# - Ctrl-C (SIGINT) in the client cancels it: exit 1, "cancelled", still
#   on its source.
# Its own XDG_RUNTIME_DIR; the server it starts is stopped at exit by pid
# and start time.
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 2 ] || fail "needs a lab with 2 nodes"

conf=$(write_config)
audit=$XDG_STATE_HOME/hvdeck/audit.log
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
hv_local() { "$HVDECK" --no-server -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
said() { cat "$WORK/out" "$WORK/err"; }

server_start "$conf" "$WORK/server.log"
hosts_online() { hv server status && grep -qx "hosts online $LAB_NODES/$LAB_NODES" "$WORK/out"; }
wait_until "$HOST_ONLINE_S" hosts_online || fail "the server's hosts are not online: $(said)"

# ---- dump and host list: the same as in-process ----
# the sampled fields differ between a fresh engine and a warm one
steady() {
	sed -E 's/ cpu_pct=[^ ]*//; s/ free_kib=[0-9]+//; s/ available=[0-9]+//' "$1"
}
steady_json() {
	jq -S 'walk(if type == "object" then del(.cpu_pct, .free_kib,
	    .last_seen_ms, .retry_at_ms, .available, .allocation) else . end)' "$1"
}
# same_as_local FILTER COMMAND...: exit status, stderr and filtered stdout
same_as_local() {
	local filter=$1 rc1 rc2 t0 t1 t2
	shift
	t0=$(now_ms)
	hv_local "$@"; rc1=$?
	t1=$(now_ms)
	"$filter" "$WORK/out" >"$WORK/local.out" || fail "$*: in-process output unreadable"
	cp "$WORK/err" "$WORK/local.err"
	hv "$@"; rc2=$?
	t2=$(now_ms)
	"$filter" "$WORK/out" >"$WORK/srv.out" || fail "$*: the server's output unreadable: $(said)"
	[ "$rc1" = "$rc2" ] || fail "$*: exit $rc1 in-process, $rc2 through the server: $(said)"
	[ -s "$WORK/srv.out" ] || fail "$*: no output through the server: $(said)"
	diff -u "$WORK/local.out" "$WORK/srv.out" >"$WORK/diff" ||
		fail "$*: in-process and server output differ: $(cat "$WORK/diff")"
	diff -u "$WORK/local.err" "$WORK/err" >"$WORK/diff" ||
		fail "$*: in-process and server stderr differ: $(cat "$WORK/diff")"
	info "$*: $((t1 - t0)) ms in-process, $((t2 - t1)) ms through the server"
}
same_as_local steady dump
grep -q "^host name=hv1 state=online" "$WORK/out" || fail "dump through the server: $(said)"
same_as_local steady_json dump --json
same_as_local cat host list
grep -Eq "^hv2 +mixed +no +online" "$WORK/out" || fail "host list through the server: $(said)"
same_as_local cat host list --json

# ---- migrate through the server ----
running_guest 1 smig
runs_on() { [ "$(guest_state "$1" "$GUEST")" = running ]; }
pcts() { grep -oE '^[^:]+: [0-9.]+% memory' "$1" | sort -u | wc -l; }

hv migrate nosuch hv2; rc=$?
cp "$WORK/err" "$WORK/srv.err"
[ "$rc" = 1 ] || fail "migrate nosuch exited $rc through the server: $(said)"
hv_local migrate nosuch hv2
diff -u "$WORK/err" "$WORK/srv.err" >"$WORK/diff" || fail "a refusal differs: $(cat "$WORK/diff")"

hv migrate "$GUEST" hv2 --bandwidth 20 || fail "migrate through the server: exit $?: $(said)"
grep -q "^ok   destination has the memory" "$WORK/out" || fail "no pre-flight lines: $(said)"
[ "$(pcts "$WORK/out")" -ge 2 ] || fail "fewer than two progress percentages: $(said)"
grep -q "migrated hv1 -> hv2 in " "$WORK/out" || fail "no summary: $(said)"
runs_on 2 || fail "$GUEST is not running on hv2"
python3 - "$audit" "$SERVER_PID" <<'EOF' || fail "the audit's migrate record is not the server's for root: $(grep migrate "$audit" | tail -n2)"
import json, sys
last = None
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("command") == "migrate" and r.get("event") == "end":
        last = r
sys.exit(0 if last and last["pid"] == int(sys.argv[2]) and last["user"] == "root" else 1)
EOF
info "hv1 -> hv2 through the server: $(tail -n1 "$WORK/out")"

# ---- its client SIGKILLed half-way: it still arrives ----
"$HVDECK" -c "$conf" migrate "$GUEST" hv1 --bandwidth 5 >"$WORK/k.out" 2>"$WORK/k.err" &
pid=$!
cleanup "kill -KILL $pid 2>/dev/null"
two_pcts() { [ "$(pcts "$1")" -ge 2 ]; }
wait_until 60 two_pcts "$WORK/k.out" || fail "no progress before the kill: $(cat "$WORK/k.out" "$WORK/k.err")"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
runs_on 2 || fail "the migration ended when its client was killed"
wait_until 120 runs_on 1 || fail "the migration of a killed client did not arrive on hv1 ($(guest_state 1 "$GUEST"))"
absent_on() { ! vsh "$1" dominfo "$GUEST" >/dev/null 2>&1; }
wait_until 30 absent_on 2 || fail "the killed client's migration left $GUEST on hv2 ($(guest_state 2 "$GUEST"))"
# the server's model hears of the end by events
on_hv1_only() { hv dump && grep -q "^desktop name=$GUEST .* host=hv1 " "$WORK/out" && ! grep -q "^desktop name=$GUEST .*split_brain" "$WORK/out"; }
wait_until 10 on_hv1_only || fail "the server's dump: $(grep "$GUEST" "$WORK/out")"
info "a killed client's migration arrived on hv1"

# ---- Ctrl-C in the client cancels it ----
"$HVDECK" -c "$conf" migrate "$GUEST" hv2 --bandwidth 5 >"$WORK/c.out" 2>"$WORK/c.err" &
pid=$!
cleanup "kill -KILL $pid 2>/dev/null"
wait_until 60 two_pcts "$WORK/c.out" || fail "no progress before the cancel: $(cat "$WORK/c.out" "$WORK/c.err")"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "a cancelled migrate exited $rc: $(cat "$WORK/c.err")"
grep -q "cancelling the migration of $GUEST" "$WORK/c.err" || fail "no 'cancelling': $(cat "$WORK/c.err")"
grep -q "migration cancelled (hv1 -> hv2): " "$WORK/c.err" || fail "no 'cancelled': $(cat "$WORK/c.err")"
runs_on 1 || fail "a cancelled migration left $GUEST off hv1"
info "Ctrl-C cancelled it: still on hv1"

# ---- its client hung up (SIGHUP, a closed terminal): it still arrives ----
"$HVDECK" -c "$conf" migrate "$GUEST" hv2 --bandwidth 5 >"$WORK/h.out" 2>"$WORK/h.err" &
pid=$!
cleanup "kill -KILL $pid 2>/dev/null"
wait_until 60 two_pcts "$WORK/h.out" || fail "no progress before the hang-up: $(cat "$WORK/h.out" "$WORK/h.err")"
kill -HUP "$pid"
wait "$pid" 2>/dev/null
runs_on 1 || fail "the migration ended when its client hung up"
wait_until 120 runs_on 2 || fail "the migration of a hung-up client did not arrive on hv2 ($(guest_state 2 "$GUEST"))"
info "a hung-up client's migration arrived on hv2"

pass
