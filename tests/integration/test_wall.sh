#!/bin/bash
# hvdeck wall: every host's tile at 80x24 and 200x60; a virsh start moves
# the running count; a node whose libvirtd dies turns offline with an
# alert that clears when it is back; a frozen libvirtd is flagged stale
# while its data age grows; a split brain raises its alert; --kiosk
# survives q, Ctrl-C and Ctrl-Z and stops on SIGTERM with the terminal
# restored; --rotate pages through hosts that do not fit. Deadlines
# only: nothing here is timed.
. "$(dirname "$0")/lib.sh"

# the server's socket is the test's own
conf=$(write_config)
# a host silent 2 s is stale: the window before keepalive declares a
# frozen daemon offline
echo 'wall = { stale_after = 2; };' >>"$conf"
echo 'shutdown_timeout = 6;' >>"$conf"
cleanup "$LAB libvirtd-thaw 3; $LAB libvirtd-start 3"

# wall_start W H [OPTIONS]: the wall in the tmux session hv; the pane runs
# `stty -a` once hvdeck has ended, so the terminal's modes can be read.
wall_start() {
	local w=$1 h=$2
	shift 2
	tmx new-session -d -s hv -x "$w" -y "$h" \
		"LANG=C.UTF-8 $HVDECK -c $conf --log $WORK/hvdeck.log wall $*; echo HVDECK-EXITED \$?; stty -a; sleep 600" ||
		fail "tmux did not start"
	cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
}
wall_pid() {
	local pane
	pane=$(tmx display-message -p -t hv '#{pane_pid}') || return 1
	pgrep -P "$pane" -x hvdeck
}
tiles_shown() {
	local s i
	s=$(screen)
	for ((i = 1; i <= LAB_NODES; i++)); do
		grep -qE "─ hv$i ─" <<<"$s" || return 1
	done
	[ "$(grep -oE '│ +ONLINE +│' <<<"$s" | wc -l)" -eq "$LAB_NODES" ]
}

wall_start 80 24
wait_screen $HOST_ONLINE_S "HOSTS $LAB_NODES/$LAB_NODES online"
wait_until 10 tiles_shown || fail "80x24: not every host's tile is online"
on_screen "ALERTS: none" || fail "80x24: alerts on a healthy lab"
tui_resize 200 60
wait_until 10 tiles_shown || fail "200x60: not every host's tile is shown"
wait_screen 5 "HOSTS ONLINE +DESKTOPS RUNNING"	# the big totals' labels
on_screen "█" || fail "200x60: no big digits"
tui_resize 80 24
wait_until 10 tiles_shown || fail "back at 80x24: tiles missing"

# a virsh start: the running count follows
new_guest 1 run; g=$GUEST
wait_screen 15 "DESKTOPS 0 running of 1"
vsh 1 start "$g" >/dev/null || fail "virsh start $g"
wait_screen 15 "DESKTOPS 1 running of 1"
wait_screen 5 "desktops 1/1 running"
vsh 1 destroy "$g" >/dev/null || fail "virsh destroy $g"
wait_screen 15 "DESKTOPS 0 running of 1"

# node 3's libvirtd dies: its tile (alone on the second row) and an alert
"$LAB" libvirtd-stop 3 || fail "libvirtd-stop 3"
wait_screen 30 "!! OFFLINE !!"
wait_screen 5 "ALERT +[0-9a-z]+ +host hv3 OFFLINE"
wait_screen 5 "HOSTS 2/$LAB_NODES online"
"$LAB" libvirtd-start 3 || fail "libvirtd-start 3"
wait_screen $HOST_ONLINE_S "HOSTS $LAB_NODES/$LAB_NODES online"
wait_screen 10 "ALERTS: none"
on_screen "OFFLINE" && fail "the offline alert stayed after hv3 came back"

# node 3's libvirtd frozen: silent, flagged stale, its data age grows
hv3_age() {	# seconds of hv3's data age: the one tile on its row
	screen | awk '/data .* ago/ && gsub(/data /, "&") == 1' |
		grep -oE 'data [0-9]+s ago' | grep -oE '[0-9]+'
}
age_past() { local a; a=$(hv3_age) && [ -n "$a" ] && [ "$a" -ge "$1" ]; }
"$LAB" libvirtd-freeze 3 || fail "libvirtd-freeze 3"
# stale from 2 s of silence until keepalive (3 s x 2) says offline
wait_screen 20 "ALERT +[0-9a-z]+ +host hv3 STALE: no data for [0-9]+s"
on_screen "!! STALE !!" || on_screen "!! OFFLINE !!" || fail "hv3's tile is neither stale nor offline"
wait_until 20 age_past 4 || fail "hv3's data age did not grow: $(hv3_age)"
first=$(hv3_age)
wait_until 10 age_past $((first + 2)) || fail "hv3's data age stopped at $first"
"$LAB" libvirtd-thaw 3 || fail "libvirtd-thaw 3"
wait_screen $HOST_ONLINE_S "HOSTS $LAB_NODES/$LAB_NODES online"
wait_screen 20 "ALERTS: none"

# a split brain: one UUID started on two nodes
twin="t$$-twin"
uuid=$(cat /proc/sys/kernel/random/uuid)
"$LAB" guest-xml "$twin" | sed "s|<name>|<uuid>$uuid</uuid>\n  <name>|" >"$WORK/twin.xml" ||
	fail "guest-xml"
for n in 1 2; do vsh $n define "$WORK/twin.xml" >/dev/null || fail "define $twin on $n"; done
cleanup "for _n in 1 2; do vsh \$_n destroy $twin; vsh \$_n undefine $twin; done"
vsh 1 start "$twin" >/dev/null || fail "start $twin on 1"
vsh 2 start "$twin" >/dev/null || fail "start $twin on 2"
wait_screen 15 "SPLIT BRAIN: $twin runs on hv1\\+hv2"
vsh 2 destroy "$twin" >/dev/null || fail "destroy $twin on 2"
wait_screen 15 "ALERTS: none"

# q quits the wall
keys q
wait_screen 10 "HVDECK-EXITED 0"
tmx kill-session -t hv

# --rotate: at 60x15 two tiles fit; the third host is on page 2
wall_start 60 15 --rotate 1
wait_screen $HOST_ONLINE_S "3 hosts  page 1/2"
on_screen "─ hv3 ─" && fail "page 1 shows hv3"
wait_screen 10 "3 hosts  page 2/2"
on_screen "─ hv3 ─" || fail "page 2 does not show hv3"
wait_screen 10 "3 hosts  page 1/2"
keys q
wait_screen 10 "HVDECK-EXITED 0"
tmx kill-session -t hv

# with a server: the wall shows its jobs (a shutdown the guest ignores,
# running, then failed), drops them when it goes, finds the next one
deaf="t$$-deaf"
"$LAB" guest-xml "$deaf" | sed '/<acpi\/>/d' >"$WORK/deaf.xml" || fail "guest-xml"
vsh 1 define "$WORK/deaf.xml" >/dev/null || fail "define $deaf"
cleanup "vsh 1 destroy $deaf; vsh 1 undefine $deaf"
vsh 1 start "$deaf" >/dev/null || fail "start $deaf"
server_start "$conf" "$WORK/server.log"
wall_start 120 40
wait_screen $HOST_ONLINE_S "jobs of server $SERVER_PID"
"$HVDECK" -c "$conf" desktop shutdown "$deaf" >"$WORK/shutdown.out" 2>&1 &
wait_screen 15 "JOB +shutdown $deaf on hv1"
wait_screen 30 "ALERT +[0-9a-z]+ +job [0-9]+ FAILED: shutdown $deaf on hv1: $deaf did not shut down"
"$HVDECK" -c "$conf" server stop --force >/dev/null 2>&1 || fail "server stop"
wait_until 15 bash -c "! tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -q 'jobs of server'" ||
	fail "the wall kept the server that went away"
on_screen "FAILED" && fail "the gone server's failed job is still an alert"
server_start "$conf" "$WORK/server2.log"
wait_screen 20 "jobs of server $SERVER_PID"
keys q
wait_screen 10 "HVDECK-EXITED 0"
tmx kill-session -t hv

# the kiosk: q, Ctrl-C and Ctrl-Z do nothing; SIGTERM stops it cleanly
wall_start 80 24 --kiosk
wait_screen $HOST_ONLINE_S "HOSTS $LAB_NODES/$LAB_NODES online"
clock() { screen | head -n1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}'; }
for k in q C-c C-z; do
	keys "$k"
	before=$(clock)
	ticked() { [ "$(clock)" != "$before" ]; }
	wait_until 10 ticked || fail "the kiosk wall stopped after $k"
	on_screen "HVDECK-EXITED" && fail "the kiosk wall exited on $k"
done
pid=$(wall_pid) || fail "no hvdeck under the pane"
kill -TERM "$pid"
wait_screen 10 "HVDECK-EXITED 0"
wait_screen 5 "speed"	# stty -a printed
s=$(screen)
grep -qE "(^| )echo( |$)" <<<"$s" || fail "no echo after SIGTERM"
grep -qE "(^| )icanon( |$)" <<<"$s" || fail "no icanon after SIGTERM"
grep -qE "─ hv1 ─" <<<"$s" && fail "the wall's screen was left behind"
pass "tiles at 80x24 and 200x60, running count, offline, stale, split brain, kiosk"
