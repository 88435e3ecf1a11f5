#!/bin/bash
# Plain `hvdeck` starts the cluster's server and attaches (issue 20, as
# tmux starts its own; server_autostart, true by default), against the
# lab:
# - -r, --no-server and server_autostart = false start none: the console
#   runs in-process;
# - plain hvdeck starts one in a session of its own, says so in the log,
#   and attaches; a job the console started outlives the console's
#   terminal, and plain hvdeck again attaches to the same server;
# - two consoles started at once share one server;
# - a socket directory open to others: the console says why and exits 1,
#   starting nothing.
# Every server the test started is stopped at exit by pid and start time
# (lib.sh's kill_servers finds them in the test's XDG_RUNTIME_DIR).
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
# the default, whatever the harness wrote (HVDECK_TEST_IN_PROCESS)
sed -i '/^server_autostart/d' "$conf"
# a guest without ACPI ignores a shutdown: its job runs until the timeout
echo "shutdown_timeout = 15;" >>"$conf"
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
said() { cat "$WORK/out" "$WORK/err"; }
d="t$$-deaf"
"$LAB" guest-xml "$d" | sed '/<acpi\/>/d' >"$WORK/$d.xml" || fail "guest-xml"
vsh 1 define "$WORK/$d.xml" >/dev/null || fail "cannot define $d"
cleanup "vsh 1 destroy $d; vsh 1 undefine $d"
vsh 1 start "$d" >/dev/null || fail "virsh start $d"

# -r and --no-server: in-process, no server
for opt in -r --no-server; do
	tui_start "$conf" 200 40 "$opt"
	tui_online
	on_screen "attached to server" && fail "$opt attached to a server"
	[ -z "$(server_pid)" ] || fail "$opt started a server (pid $(server_pid))"
	tmx kill-session -t hv
done
# the setting false: in-process too
{ cat "$conf"; echo "server_autostart = false;"; } >"$WORK/no-auto.conf"
tui_start "$WORK/no-auto.conf" 200 40
tui_online
on_screen "attached to server" && fail "server_autostart = false attached to a server"
[ -z "$(server_pid)" ] || fail "server_autostart = false started a server (pid $(server_pid))"
tmx kill-session -t hv
info "-r, --no-server and server_autostart = false start no server"

# plain hvdeck: starts one, attaches
tui_start "$conf" 200 40
wait_screen 30 "attached to server [0-9]+"
spid=$(server_pid)
[ -n "$spid" ] || fail "no server holds the lock in $XDG_RUNTIME_DIR/hvdeck"
on_screen "attached to server $spid " || fail "the console is attached to another pid than the server's ($spid)"
grep -q "console: started the cluster's server (pid $spid)" "$WORK/hvdeck.log" ||
	fail "the log does not say the console started server $spid"
pane_pid=$(tmx display-message -p -t hv '#{pane_pid}')
[ "$(ps -o sid= -p "$spid" | tr -d ' ')" = "$spid" ] ||
	fail "server $spid is not the leader of a session of its own"
[ "$(ps -o sid= -p "$spid" | tr -d ' ')" != "$(ps -o sid= -p "$pane_pid" | tr -d ' ')" ] ||
	fail "server $spid is in the console's session"
hv server status || fail "server status: exit $?: $(said)"
grep -qx "pid $spid" "$WORK/out" || fail "server status names another server: $(said)"
info "plain hvdeck started server $spid in its own session and attached"

# a job the console started goes on when its terminal goes
tui_online
keys 4; wait_screen 3 "Desktops"
keys : ; keys -l "go $d"; keys Enter
keys h
keys 5
wait_screen 10 "[0-9]+ +shutdown +$d +hv1 +running"
tmx kill-session -t hv
hv jobs --json || fail "jobs: exit $?: $(said)"
jq_any --arg d "$d" 'select(.kind == "shutdown" and .target == $d and .state == "running")' "$WORK/out" ||
	fail "the server's jobs lost the shutdown when the console went: $(said)"
tui_start "$conf" 200 40
wait_screen 20 "attached to server $spid "
keys 5
wait_screen 30 "[0-9]+ +shutdown +$d +hv1 +failed"
[ "$(server_pid)" = "$spid" ] || fail "another server runs now: $(server_pid)"
tmx kill-session -t hv
info "the console's job outlived its terminal; hvdeck attached to server $spid again"

# two consoles at once share one server
hv server stop --force || fail "server stop: exit $?: $(said)"
gone() { [ -z "$(server_pid)" ]; }
wait_until 15 gone || fail "server $spid did not stop"
tmx new-session -d -s hv -x 200 -y 40 \
	"LANG=C.UTF-8 $HVDECK -c $conf --log $WORK/hvdeck.log; echo HVDECK-EXITED \$?; sleep 600" &&
tmx new-session -d -s hv2 -x 200 -y 40 \
	"LANG=C.UTF-8 $HVDECK -c $conf --log $WORK/hvdeck2.log; echo HVDECK-EXITED \$?; sleep 600" ||
	fail "tmux did not start the two consoles"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv2"
wait_screen 30 "attached to server [0-9]+"
second_attached() { tmx capture-pane -p -t hv2 | grep -qE "attached to server [0-9]+"; }
wait_until 30 second_attached || fail "the second console never attached: $(tmx capture-pane -p -t hv2)"
p1=$(screen | grep -oE "attached to server [0-9]+" | grep -oE "[0-9]+")
p2=$(tmx capture-pane -p -t hv2 | grep -oE "attached to server [0-9]+" | grep -oE "[0-9]+")
[ "$p1" = "$p2" ] || fail "two consoles attached to two servers: $p1 and $p2"
[ "$(server_pid)" = "$p1" ] || fail "the consoles' server $p1 does not hold the lock"
tmx kill-session -t hv2
tmx kill-session -t hv
info "two consoles started at once attached to one server ($p1)"

# a socket directory open to others: refused, nothing started
hv server stop --force || fail "server stop: exit $?: $(said)"
wait_until 15 gone || fail "server $p1 did not stop"
chmod 0755 "$XDG_RUNTIME_DIR/hvdeck"
"$HVDECK" -c "$conf" --log "$WORK/hvdeck.log" >"$WORK/out" 2>"$WORK/err" </dev/null; rc=$?
chmod 0700 "$XDG_RUNTIME_DIR/hvdeck"
[ "$rc" -eq 1 ] || fail "a console with an open socket directory: exit $rc: $(said)"
grep -q "is open to others (mode 0755, want 0700)" "$WORK/err" ||
	fail "the refusal does not say why: $(said)"
[ -z "$(server_pid)" ] || fail "a server started all the same"
pass "server_autostart: one server per cluster, started by the console"
