#!/bin/bash
# The console as a client of the cluster's server (hvdeck attach, and
# plain hvdeck when a server runs):
# - `hvdeck attach` with no server says so and how to start one;
# - plain `hvdeck` attaches: the status line names the server's pid, the
#   hosts and the desktops are the server's;
# - `host maintenance hv2 on` from a shell shows in the console (waited
#   on the screen with a deadline);
# - the console's s key starts a real guest through the server (virsh
#   domstate), and the console has no libvirt connection of its own;
# - a job started from the console (a shutdown the guest ignores) goes on
#   when the console's tmux session is killed, and `hvdeck attach` in a
#   new session shows it running, then failed at the timeout;
# - p pauses and resumes through the server; pool refresh and host
#   reconnect, console commands that act through the engine, run in the
#   server;
# - quitting the console asks nothing and leaves the server running;
# - -r attaches read-only: a mutating key is refused;
# - a server that stops leaves its consoles saying so.
# The test has its own XDG_RUNTIME_DIR; the server it starts is stopped at
# exit by pid and start time.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
said() { cat "$WORK/out" "$WORK/err"; }


# no server: attach refuses, naming the config and the way out
hv attach && fail "attach without a server succeeded: $(said)"
grep -qF "no server for $conf; start one with hvdeck server start" "$WORK/err" ||
	fail "attach without a server said: $(said)"

new_guest 1 at; g=$GUEST
# a guest without ACPI ignores a shutdown: its job runs until the timeout
echo "shutdown_timeout = 12;" >>"$conf"
d="t$$-deaf"
"$LAB" guest-xml "$d" | sed '/<acpi\/>/d' >"$WORK/$d.xml" || fail "guest-xml"
vsh 1 define "$WORK/$d.xml" >/dev/null || fail "cannot define $d"
cleanup "vsh 1 destroy $d; vsh 1 undefine $d"
vsh 1 start "$d" >/dev/null || fail "virsh start $d"

server_start "$conf" "$WORK/server.log"
cleanup "'$HVDECK' --no-server -c '$conf' host maintenance hv2 off"

tui_start "$conf" 240 40
wait_screen 20 "attached to server $SERVER_PID"
wait_screen 30 "^.$g "
host_line() { screen | grep -E "^.hv$1 " | head -n1; }
all_online() { [ "$(screen | grep -cE '^.hv[0-9] .* online ')" -eq "$LAB_NODES" ]; }
wait_until 30 all_online || fail "the server's hosts never all showed online"
pane_pid=$(tmx display-message -p -t hv '#{pane_pid}')
console_pid=$(ps -o pid= --ppid "$pane_pid" | head -n1 | tr -d ' ')
[ "$(readlink /proc/"$console_pid"/exe)" = "$(readlink -f "$HVDECK")" ] ||
	fail "no hvdeck under the pane's shell ($pane_pid)"

# a change made from a shell, through the server, reaches the console
hv host maintenance hv2 on || fail "host maintenance: exit $?: $(said)"
hv2_maint() { host_line 2 | grep -q yes; }
wait_until 5 hv2_maint || fail "hv2's maintenance never showed: $(host_line 2)"
# the console's M asks (its own question), then the server does it
cleanup "'$HVDECK' --no-server -c '$conf' host maintenance hv3 off"
keys : ; keys -l "go hv3"; keys Enter
keys M
wait_screen 5 "Put hv3 in maintenance\\?"
keys y
hv3_maint() { host_line 3 | grep -q yes; }
wait_until 5 hv3_maint || fail "M did not put hv3 in maintenance: $(host_line 3)"
grep -A4 'name = "hv3"' "$conf" | grep -q 'maintenance = true' || fail "hv3's maintenance is not in $conf"

# the console's key starts the real guest, through the server: the
# console holds no libvirt connection of its own
keys 4; wait_screen 3 "Desktops"
keys : ; keys -l "go $g"; keys Enter
keys u
running() { [ "$(guest_state 1 "$g")" = running ]; }
wait_until 30 running || fail "u did not start $g: $(guest_state 1 "$g")"
wait_screen 10 "^.$g +running +hv1"
keys 5
wait_screen 10 "[0-9]+ +start +$g +hv1 +done"
# p (the console's toggle) pauses, then resumes, through the server
keys 4; wait_screen 3 "Desktops"
state_is() { [ "$(guest_state 1 "$g")" = "$1" ]; }
keys p
wait_until 30 state_is paused || fail "p did not pause $g: $(guest_state 1 "$g")"
wait_screen 10 "^.$g +paused +hv1"
keys p
wait_until 30 state_is running || fail "p did not resume $g: $(guest_state 1 "$g")"
wait_screen 10 "^.$g +running +hv1"
# the console follows the server's resume job: its end is said in the
# status line once the job's line arrives, which may come after the row
# (a later message would be overwritten by it)
wait_screen 10 "resume $g on hv1: done"
# a command that acts through the engine runs in the server (pool refresh
# is a command-line command too: the server waits for each host's refresh
# and its lines reach the status line, the last one staying)
keys : ; keys -l "pool refresh bases"; keys Enter
wait_screen 10 "hv[0-9]+/bases: refreshed"
keys : ; keys -l "host reconnect hv3"; keys Enter
wait_screen 10 "hv3: reconnecting now"
grep -q "hv3: reconnecting now" "$WORK/server.log" || fail "the server did not reconnect hv3"
ss -xp 2>/dev/null | grep -q "pid=$console_pid,.*libvirt" && fail "the attached console holds a libvirt socket"
ss -tnp 2>/dev/null | grep -q "pid=$console_pid," && fail "the attached console holds a TCP connection: $(ss -tnp | grep "pid=$console_pid,")"

# a job started from the console is the server's: the console's
# terminal goes (its tmux session killed), `hvdeck attach` in a new one
# shows the job running, then its end
keys : ; keys -l "go $d"; keys Enter
keys h
keys 5
wait_screen 10 "[0-9]+ +shutdown +$d +hv1 +running"
tmx kill-session -t hv
kill -0 "$SERVER_PID" || fail "the server ended with the console"
tui_start "$conf" 240 40 attach
wait_screen 20 "attached to server $SERVER_PID"
keys 5
wait_screen 10 "[0-9]+ +shutdown +$d +hv1 +(running|failed)"
wait_screen 30 "[0-9]+ +shutdown +$d +hv1 +failed"
[ "$(guest_state 1 "$d")" = running ] || fail "$d is not running"

# the destructive keys ask first, as in-process, and n (or Esc) changes
# nothing: Shift-X and Shift-E on a host once ran at once when attached
keys 1; wait_screen 3 "Hypervisors"
keys : ; keys -l "go hv1"; keys Enter
cp "$conf" "$WORK/conf.before-x"
keys X
wait_screen 10 "Remove hypervisor hv1 from the config"
keys n
wait_screen 5 "cancelled"
cmp -s "$conf" "$WORK/conf.before-x" || fail "n to Shift-X changed $conf"
keys E
wait_screen 10 "Drain hv1: "
keys Escape
no_drain_form() { ! on_screen "Drain hv1: "; }
wait_until 5 no_drain_form || fail "Esc did not close the drain form"
cmp -s "$conf" "$WORK/conf.before-x" || fail "Esc in the drain form changed $conf"
[ "$(guest_state 1 "$g")" = running ] || fail "Esc in the drain form moved $g"

# quit asks nothing; the server goes on
keys q
wait_screen 5 "HVDECK-EXITED 0"
kill -0 "$SERVER_PID" || fail "the server ended with the console"

# -r attaches read-only: the server refuses what the table does not mark
# read-only-safe, and the console says so; the jobs are the server's, and
# a new console shows the job the last one started
tmx kill-session -t hv
tui_start "$conf" 240 40 -r
wait_screen 20 "attached to server $SERVER_PID \\| READ-ONLY"
wait_screen 30 "^.$g +running"
keys 5
wait_screen 10 "[0-9]+ +start +$g +hv1 +done"
keys 4; wait_screen 3 "Desktops"
keys : ; keys -l "go $g"; keys Enter
keys h
wait_screen 10 "read-only: desktop shutdown is not allowed"
[ "$(guest_state 1 "$g")" = running ] || fail "a read-only console shut $g down"
# the server stops: the console says so, and knows nothing any more
hv server stop --force || fail "server stop: exit $?: $(said)"
wait_screen 10 "the server \\(pid $SERVER_PID\\) went away"
wait_screen 5 "^.hv1 .* offline"
keys q
wait_screen 5 "HVDECK-EXITED 0"

pass "attached console"
