#!/bin/bash
# A migration started from a console attached to the cluster's server is
# the server's (2 nodes; hv3 and beyond take no migrations):
# - a console and a shell share one server: `host maintenance hv2 on`
#   from the shell shows in the console (a deadline), and the console's m
#   then offers no host (hv2 named as in maintenance); off again, the form
#   offers hv2;
# - the form, with a bandwidth of 1 MiB/s, sends the migration to the
#   server: the form gives way to the progress view, whose numbers are
#   the server's (every field, data processed advancing);
# - the console's tmux session is killed mid-migration: the server goes
#   on; `hvdeck attach` in a new session shows the migration running in
#   the jobs pane, Enter opens its progress view, b raises the bandwidth
#   through the server, and the migration completes: the guest runs on
#   hv2 only (virsh);
# - the audit log's record of the migration is the server's, naming the
#   client's user (root);
# - a read-only attached console's x is refused by the server (its jobs
#   are every console's) and the row stays;
# - x in the view dismisses the job in the server: the view closes, the
#   row goes, and a new console does not show it.
# The test has its own XDG_RUNTIME_DIR; the server it starts is stopped at
# exit by pid and start time.
. "$(dirname "$0")/lib.sh"

[ "${LAB_NODES:-0}" -ge 2 ] || fail "needs a lab with 2 nodes"
conf=$(write_config)
server_test_env
audit=$XDG_STATE_HOME/hvdeck/audit.log

for ((i = 3; i <= LAB_NODES; i++)); do
	hv host role "hv$i" disk || fail "cannot set hv$i's role: $(said)"
done
running_guest 1 amig; g=$GUEST

server_start "$conf" "$WORK/server.log"
cleanup "'$HVDECK' --no-server -c '$conf' host maintenance hv2 off"
tui_start "$conf" 240 45
wait_screen 20 "attached to server $SERVER_PID"
host_line() { screen | grep -E "^.hv$1 " | head -n1; }
desk_row() { screen | grep -E -- "^.$g " | head -n1; }
row_has() { desk_row | grep -qE -- "$1"; }
wait_until 60 row_has "running +hv1" || { screen >&2; fail "$g is not shown running on hv1"; }
wait_screen 60 "^.hv2 +[a-z]+ +online"

# the shell's maintenance reaches the console, whose m then offers no host
hv host maintenance hv2 on || fail "host maintenance: exit $?: $(said)"
hv2_maint() { host_line 2 | grep -q yes; }
wait_until 5 hv2_maint || { screen >&2; fail "hv2's maintenance never showed: $(host_line 2)"; }
keys : ; keys -l "desktop $g"; keys Enter
keys m
wait_screen 10 "no host can receive $g: .*hv2.*maintenance"
on_screen "Migrate $g from" && fail "a form opened with hv2 in maintenance"
hv host maintenance hv2 off || fail "maintenance off: exit $?: $(said)"
hv2_back() { host_line 2 | grep -qv yes; }
wait_until 5 hv2_back || fail "hv2's maintenance never ended in the console: $(host_line 2)"
info "maintenance from the shell showed in the console; m offered no host"

# the form sends a slow migration to the server; its progress view here
keys m
wait_screen 10 "Migrate $g from hv1"
on_screen "hv2  free [0-9.]+[KMGT]" || { screen >&2; fail "the form does not offer hv2"; }
for _ in 1 2 3 4 5 6 7; do keys Tab; done
keys C-u; keys -l 1
keys Enter
wait_screen 90 "Migration [0-9]+: $g  hv1 -> hv2   running"
for f in "memory transferred" "processed, .* remaining of" "transfer rate" \
	"iteration" "bandwidth limit +1 MiB/s" "elapsed .* ETA" "Pre-flight"; do
	on_screen "$f" || { screen >&2; fail "the progress view lacks '$f'"; }
done
processed() { screen | sed -n 's/.*data  *\([0-9.]*[BKMGT]\) processed.*/\1/p'; }
first=$(processed)
moved() { [ "$(processed)" != "$first" ]; }
wait_until 30 moved || { screen >&2; fail "processed data stayed at $first"; }
info "the form's migration runs in the server; its view advances ($first -> $(processed))"

# the console's terminal goes; the migration goes on in the server
tmx kill-session -t hv
kill -0 "$SERVER_PID" || fail "the server ended with the console"
tui_start "$conf" 240 45 attach
wait_screen 20 "attached to server $SERVER_PID"
keys 5
wait_screen 10 "migrate +$g +hv1 +running"
keys Enter
wait_screen 10 "Migration [0-9]+: $g  hv1 -> hv2   running"
first=$(processed)
wait_until 30 moved || { screen >&2; fail "after attach, processed data stayed at $first"; }
keys b
wait_screen 10 "Bandwidth of migration [0-9]+ \($g\)"
keys C-u; keys -l 200; keys Enter
wait_screen 10 "bandwidth limit +200 MiB/s"
wait_screen 180 "done in .*; downtime"
[ "$(guest_state 2 "$g")" = running ] || fail "$g is not running on hv2: $(guest_state 2 "$g")"
vsh 1 dominfo "$g" >/dev/null 2>&1 && fail "$g is still defined on hv1"
info "attached again: jobs pane, Enter, b through the server; the migration completed"

python3 - "$audit" "$g" "$SERVER_PID" <<'EOF' || fail "the audit log has no migration end of the server naming root: $(grep -F "$g" "$audit")"
import json, sys
path, g, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
ok = False
for line in open(path):
    r = json.loads(line)
    if (r.get("command") == "desktop migrate" and r.get("event") == "end" and
            r.get("target") == g + " hv2" and r.get("result") == "ok"):
        ok = r["pid"] == pid and r["user"] == "root"
sys.exit(0 if ok else 1)
EOF

# a read-only console attached to the server may not dismiss it
tmx kill-session -t hv
tui_start "$conf" 240 45 -r attach
wait_screen 20 "attached to server $SERVER_PID"
keys 5
wait_screen 10 "migrate +$g +hv1"
keys x
wait_screen 10 "read-only: job dismiss is not allowed"
on_screen "migrate +$g +hv1" || fail "a read-only console's x removed the job's row"
tmx kill-session -t hv
tui_start "$conf" 240 45 attach
wait_screen 20 "attached to server $SERVER_PID"
keys 5
wait_screen 10 "migrate +$g +hv1"
keys Enter
wait_screen 10 "Migration [0-9]+: $g"
info "a read-only console's x: refused by the server, the row stays"

# x dismisses the job in the server: the view closes, and a new console
# does not show it either
keys x
# (the mirror drops the job first, the view then saying "Job N is gone",
# and closes it when the server's dismiss comes back)
gone() { ! on_screen "Migration [0-9]+: $g|Job [0-9]+ is gone"; }
wait_until 10 gone || { screen >&2; fail "x did not close the progress view"; }
keys 5
no_row() { ! on_screen "migrate +$g +hv1"; }
wait_until 10 no_row || { screen >&2; fail "x did not dismiss the job"; }
tmx kill-session -t hv
tui_start "$conf" 240 45 attach
wait_screen 20 "attached to server $SERVER_PID"
keys 5
wait_screen 10 "Jobs"
# the console draws once the server's snapshot is in: a row would show
no_row || { screen >&2; fail "the dismissed job shows in a new console"; }
info "x dismissed the job in the server: gone in a new console"
keys q
wait_screen 5 "HVDECK-EXITED 0"
pass "a migration from an attached console outlives it"
