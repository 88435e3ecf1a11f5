#!/usr/bin/env bash
# tests/bench/bench.sh — `make bench`: hvdeck at fleet scale against floors.
#
# Every figure is taken BENCH_REPS times (default 5; BENCH_QUICK=1 means 1
# and shorter windows) and reported min / median / max beside its floor (a
# plain C libvirt client making the same calls, tests/bench/floor.c) or
# peer (tmux echo, virt-manager) measured in the same run, with the ratio
# of the medians. It reports and never judges a timing: it fails only when
# a measure could not be taken.
#
# The fleet: tests/bench/fleet.py writes 100 libvirt test-driver node files
# (100 desktops each, 1,000 running in all, 3 pools x 100 volumes), served
# out of process by the lab's libvirtds as test+tcp://127.0.0.1:PORT/FILE.
# The lab: tests/lab/lab.sh in HVDECK_LAB_DIR / HVDECK_LAB_SLOT (default
# /tmp/hvdeck-bench, slot 8), brought up and down here unless a lab was
# already up there (then it is used and left up, its fill removed).
# Processes: only those started here, each recorded by pid and start time
# (tests/lab/proc.sh) and signalled only while both still match.
#
# Environment: HVDECK, FLOOR (binaries; make bench sets them),
# BENCH_REPS, BENCH_QUICK, BENCH_OUT (default tests/bench/results.txt),
# BENCH_ONLY (words: dump dumpserver calls console hosts labdump events
# screen vm wall;
# default all), BENCH_WALL_S (the wall's run, default 180; issue 23's
# 10 minutes are BENCH_WALL_S=600 BENCH_ONLY=wall; quick 90).
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$top/tests/lab/lab.sh
# shellcheck source=tests/lab/proc.sh
. "$top/tests/lab/proc.sh"
: "${HVDECK:=$top/build/hvdeck}" "${FLOOR:=$top/build/bench/floor}"
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then REPS=${BENCH_REPS:-1}; else REPS=${BENCH_REPS:-5}; fi
OUT=${BENCH_OUT:-$top/tests/bench/results.txt}
export HVDECK_LAB_DIR=${HVDECK_LAB_DIR:-/tmp/hvdeck-bench}
export HVDECK_LAB_SLOT=${HVDECK_LAB_SLOT:-8}
WORK=$(mktemp -d /tmp/hvdeck-bench-work.XXXXXX)
export XDG_STATE_HOME=$WORK/state        # hvdeck's audit log stays here
# and the servers' sockets: no server of the bench is met elsewhere
export XDG_RUNTIME_DIR=$WORK/run
mkdir -m 0700 "$XDG_RUNTIME_DIR"
MISSED=()
HZ=$(getconf CLK_TCK)
: >"$WORK/labels"

# Windows (seconds). Quick: every measure once, short windows.
if [ "$QUICK" = 1 ]; then
	RSS_AT=(20 35 50); HOSTS_SETTLE=12; IDLE_WIN=10; KEY_SAMPLES=3
	FLIPS=60; SCREEN_FLIPS=20; VM_FIRST=30; VM_NEXT=30
else
	RSS_AT=(30 60 180); HOSTS_SETTLE=12; IDLE_WIN=10; KEY_SAMPLES=5
	FLIPS=300; SCREEN_FLIPS=30; VM_FIRST=30; VM_NEXT=60
fi
# The long runs take fewer repetitions, or 5 would not fit the 30-minute
# budget (a whole run took 39 minutes with two of each and the wall's 10,
# 31 with one of each and the wall's 5):
# the console's RSS at its last point and virt-manager beside the console
# once.
LONG_REPS=$((REPS < 1 ? REPS : 1))
# the wall: one run of BENCH_WALL_S seconds; RSS after its first minute
# and at its end, CPU between them
if [ "$QUICK" = 1 ]; then WALL_S=${BENCH_WALL_S:-90}; else WALL_S=${BENCH_WALL_S:-180}; fi
VM_REPS=$((REPS < 1 ? REPS : 1))
FLOOR_WIN=15    # the polling floor's window at 100 hosts

say() { echo "bench $(date +%T): $*" >&2; }
# sleep_until T0 S: sleep until S seconds after T0 (date +%s), if not past.
sleep_until() { local d=$(($1 + $2 - $(date +%s))); [ "$d" -gt 0 ] && sleep "$d"; return 0; }
die() { say "$*"; exit 1; }
now_ms() { date +%s%3N; }
missed() { MISSED+=("$1"); say "MEASURE NOT TAKEN: $1"; }

# ---- processes started here: "PID START" lines, stopped at exit ----
PROCS=$WORK/procs
# bg_record PID: remember a background process we just started.
bg_record() { proc_id "$1" >>"$PROCS" 2>/dev/null; }
# bg_stop PID: TERM it (if it is still ours), wait, KILL.
bg_stop() {
	local id k
	id=$(grep "^$1 " "$PROCS" 2>/dev/null | tail -n1) || return 0
	[ -n "$id" ] || return 0
	# shellcheck disable=SC2086
	signal_proc TERM $id
	for k in $(seq 1 50); do
		# shellcheck disable=SC2086
		same_proc $id || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	signal_proc KILL $id
}
TMUX_SOCKET=$WORK/tmux.sock
tmx() { tmux -S "$TMUX_SOCKET" "$@"; }
LAB_STARTED=0
FILLED=0
on_exit() {
	local l
	tmx list-sessions -F '#{session_name}' 2>/dev/null | while read -r l; do
		tmx kill-session -t "$l" 2>/dev/null
	done
	if [ -s "$PROCS" ]; then
		while read -r l; do
			# shellcheck disable=SC2086
			bg_stop ${l%% *}
		done <"$PROCS"
	fi
	if [ "$LAB_STARTED" = 1 ]; then
		"$LAB" down >&2
	elif [ "$FILLED" = 1 ]; then
		"$LAB" unfill >&2
	fi
	rm -rf "$WORK"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ---- figures ----
# cpu_ticks PID: utime + stime so far (clock ticks).
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null; }
# rss_mib PID: resident set now.
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
# cpu_pct PID SECONDS: % of one core used by PID over the next SECONDS.
cpu_pct() {
	local a b t0 t1
	a=$(cpu_ticks "$1") && t0=$(now_ms) || return 1
	sleep "$2"
	b=$(cpu_ticks "$1") && t1=$(now_ms) || return 1
	awk -v a="$a" -v b="$b" -v t="$((t1 - t0))" -v hz="$HZ" \
	    'BEGIN { printf "%.2f", (b - a) * 100000 / hz / t }'
}

# row KEY LABEL UNIT: open a table row; add VALUES with add KEY hv|floor V.
# The floor's name is given by peer KEY NAME.
row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WORK/labels"; }
add() { [ -n "$3" ] && echo "$3" >>"$WORK/v.$1.$2"; }
peer() { echo "$2" >"$WORK/peer.$1"; }
# add_idle HOSTS hv|floor CPU: idle CPU, and per host polled (row idleNph).
add_idle() {
	add "idle$1" "$2" "$3"
	add "idle$1ph" "$2" "$(awk -v c="$3" -v n="$1" 'BEGIN { printf "%.3f", c / n }')"
}

# ---- setup ----
install_missing() {
	local p missing=
	for p in xvfb virt-manager tmux jq time python3; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		say "missing packages:$missing (run as root to install them)"
		return 0
	fi
	say "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null 2>&1
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >"$WORK/apt.log" 2>&1 ||
		say "apt-get install failed (see below); measures needing it are skipped: $(tail -3 "$WORK/apt.log")"
}

lab_up() {
	if "$LAB" status >/dev/null 2>&1; then
		say "using the lab already up in $HVDECK_LAB_DIR (left up)"
	else
		LAB_STARTED=1
		"$LAB" up 3 >&2 || die "the lab did not come up"
	fi
	eval "$("$LAB" env)"
	[ "${LAB_NODES:-0}" -ge 3 ] || die "the lab in $HVDECK_LAB_DIR has fewer than 3 nodes"
}

FLEET=$HVDECK_LAB_DIR/bench-fleet
# fleet_uris N: the first N fleet hosts' URIs, spread over the lab's nodes.
fleet_uris() {
	local h port
	for h in $(seq 1 "$1"); do
		port=$(echo "$LAB_URI_1" | sed 's|.*:\([0-9]*\)/system|\1|')
		echo "test+tcp://127.0.0.1:$((port + (h - 1) % 3))$FLEET/host$h.xml"
	done
}
make_fleet() {
	mkdir -p "$FLEET" || die "cannot make $FLEET"
	python3 "$top/tests/bench/fleet.py" "$FLEET" 100 100 1000 3 100 ||
		die "the fleet was not generated"
	virsh -q -c "$(fleet_uris 1)" list --all --name | grep -c . >"$WORK/n" &&
		[ "$(cat "$WORK/n")" = 100 ] ||
		die "the lab's libvirtd does not serve the test driver files ($(fleet_uris 1))"
	# shellcheck disable=SC2046
	conf_for "$WORK/fleet.conf" $(fleet_uris 100)
}
# conf_for FILE URI...: an hvdeck config with these hosts (default settings).
conf_for() {
	local f=$1 i=0 u sep=; shift
	{
		echo "hosts = ("
		for u in "$@"; do
			i=$((i + 1))
			printf '%s  { name = "h%03d"; uri = "%s"; role = "mixed"; }\n' "$sep" "$i" "$u"
			sep=,
		done
		echo ");"
		echo "connect_timeout = 60;"
	} >"$f"
}

# ---- the console in tmux ----
# hvdeck_tmux SESSION ARG...: hvdeck ARG... in a 200x60 tmux session, its
# log $WORK/SESSION.log; its pid in $CONSOLE_PID (the pane's process:
# exec'd, so hvdeck itself), recorded.
hvdeck_tmux() {
	local s=$1; shift
	tmx new-session -d -s "$s" -x 200 -y 60 \
		"LANG=C.UTF-8 exec $HVDECK --log $WORK/$s.log $*" || return 1
	CONSOLE_PID=$(tmx display-message -p -t "$s" '#{pane_pid}')
	bg_record "$CONSOLE_PID"
}
# console_start SESSION CONF: the console in-process (--no-server): the
# figures are the process that holds the connections.
console_start() { hvdeck_tmux "$1" --no-server -c "$2"; }
console_stop() {
	tmx kill-session -t "$1" 2>/dev/null
	bg_stop "$CONSOLE_PID"
}
# the screen without its last line (the clock ticks there every minute)
cap() { tmx capture-pane -p -t "$1" | sed '$d'; }

# key_ms SESSION KEY...: send the keys, poll the screen until it changes;
# prints the milliseconds (nothing after 5 s without a change: noted).
# KEY_CAP=cap_all: the last line counts too (the filter prompt opens
# there, and Esc closes it).
cap_all() { tmx capture-pane -p -t "$1"; }
key_ms() {
	local s=$1 before t0 t c=${KEY_CAP:-cap}; shift
	before=$($c "$s")
	t0=$(now_ms)
	tmx send-keys -t "$s" "$@"
	while :; do
		[ "$($c "$s")" != "$before" ] && break
		t=$(now_ms)
		if [ $((t - t0)) -ge 5000 ]; then
			echo "key '$*' in $s: no screen change within 5 s (no sample)" >>"$WORK/notes"
			return 1
		fi
	done
	echo $(($(now_ms) - t0))
}
# settle SESSION: until the screen stays the same for a second (10 s max).
settle() {
	local a b k
	for k in $(seq 1 10); do
		a=$(cap "$1"); sleep 1; b=$(cap "$1")
		[ "$a" = "$b" ] && return 0
	done
}

# ---- measures ----

# The console at 100 hosts: RSS at three points, idle CPU between the
# first two, the keys after the second.
measure_console_fleet() {
	local r t0 cpu k s=fleet
	row idle100 "console idle CPU, 100 hosts, 10k desktops, stats_interval 2" "% core"
	peer idle100 "polling floor (same connections and stats calls)"
	row idle100ph "  per host polled" "% core"
	row tty "bytes to the terminal, 200x60, idle (same window)" "B/s"
	echo "bytes to the terminal: what tmux pipe-pane saw the console write" >>"$WORK/notes"
	for k in 0 1 2; do
		row "rss$k" "console RSS at ${RSS_AT[$k]} s, 10k desktops" "MiB"
		peer "rss$k" "polling floor RSS"
	done
	echo "console RSS at ${RSS_AT[2]} s: $LONG_REPS repetition(s) (the rest stop after the keys)" >>"$WORK/notes"
	row key_filter "key: filter (one character after /)" "ms"
	row key_sort "key: sort (s)" "ms"
	row key_pgdn "key: PgDn" "ms"
	row key_end "key: G (last row)" "ms"
	for k in key_filter key_sort key_pgdn key_end; do peer "$k" "tmux echo (cat in a pane)"; done
	row key_shell "echo in a plain shell pane (bash)" "ms"
	peer key_shell "tmux echo (cat in a pane)"
	for r in $(seq 1 "$REPS"); do
		say "console, 100 hosts: repetition $r/$REPS (${RSS_AT[2]} s)"
		t0=$(date +%s)
		console_start "$s" "$WORK/fleet.conf" || { missed "console did not start"; return; }
		sleep_until "$t0" "${RSS_AT[0]}"
		add rss0 hv "$(rss_mib "$CONSOLE_PID")"
		: >"$WORK/tty.out"
		tmx pipe-pane -t "$s" -o "cat >>$WORK/tty.out"
		cpu=$(cpu_pct "$CONSOLE_PID" $((RSS_AT[1] - RSS_AT[0]))) && add_idle 100 hv "$cpu"
		tmx pipe-pane -t "$s"
		add tty hv "$(awk -v b="$(stat -c %s "$WORK/tty.out")" -v t=$((RSS_AT[1] - RSS_AT[0])) \
		    'BEGIN { printf "%.1f", b / t }')"
		add rss1 hv "$(rss_mib "$CONSOLE_PID")"
		say "  idle CPU $cpu %, RSS $(rss_mib "$CONSOLE_PID") MiB; keys"
		tmx send-keys -t "$s" 4; settle "$s"
		for k in $(seq 1 "$KEY_SAMPLES"); do
			add key_pgdn hv "$(key_ms "$s" NPage)"
			add key_end hv "$(key_ms "$s" G)"
			key_ms "$s" g >/dev/null
			add key_sort hv "$(key_ms "$s" s)"
			KEY_CAP=cap_all key_ms "$s" / >/dev/null
			add key_filter hv "$(key_ms "$s" 7)"
			# Esc restores the filter before '/': none
			KEY_CAP=cap_all key_ms "$s" Escape >/dev/null
		done
		if [ "$r" -le "$LONG_REPS" ]; then
			sleep_until "$t0" "${RSS_AT[2]}"
			add rss2 hv "$(rss_mib "$CONSOLE_PID")"
		fi
		console_stop "$s"
		measure_floor_poll
	done
	measure_echo_floor
}

# The wall (hvdeck wall, 200x60) at 100 hosts, 10k desktops, once for
# WALL_S seconds: its CPU from the end of the first minute to the end
# (the clock redraws every second, the hosts' stats change every 2 s),
# and its RSS at one minute and at the end (issue 23: under 1 % of a core,
# RSS within 1 MiB).
measure_wall() {
	local t0 pid cpu first=60 s=wall
	[ "$WALL_S" -gt "$first" ] || first=$((WALL_S / 2))
	row wall_cpu "wall idle CPU, 100 hosts, 10k desktops, ${first}..${WALL_S} s" "% core"
	row wall_rss1 "wall RSS at $first s" "MiB"
	row wall_rss2 "wall RSS at $WALL_S s" "MiB"
	row wall_rssd "  growth from $first s to $WALL_S s" "MiB"
	say "wall, 100 hosts: $WALL_S s"
	t0=$(date +%s)
	hvdeck_tmux "$s" -c "$WORK/fleet.conf" wall || { missed "wall did not start"; return; }
	pid=$CONSOLE_PID
	sleep_until "$t0" "$first"
	add wall_rss1 hv "$(rss_mib "$pid")"
	cpu=$(cpu_pct "$pid" $((WALL_S - first))) && add wall_cpu hv "$cpu"
	add wall_rss2 hv "$(rss_mib "$pid")"
	add wall_rssd hv "$(awk -v a="$(median wall_rss1 hv)" -v b="$(median wall_rss2 hv)" \
	    'BEGIN { printf "%.1f", b - a }')"
	say "  wall CPU $cpu %, RSS $(median wall_rss1 hv) -> $(median wall_rss2 hv) MiB"
	tmx kill-session -t "$s" 2>/dev/null
	bg_stop "$pid"
}

# measure_floor_poll: the polling floor at 100 hosts, CPU over FLOOR_WIN
# after 3 s (it has no inventory to settle), its RSS then.
measure_floor_poll() {
	local p cpu k
	# shellcheck disable=SC2046
	"$FLOOR" poll $((FLOOR_WIN + 5)) 2 $(fleet_uris 100) &
	p=$!; bg_record "$p"
	sleep 3
	cpu=$(cpu_pct "$p" "$FLOOR_WIN") && add_idle 100 floor "$cpu"
	for k in 0 1 2; do add "rss$k" floor "$(rss_mib "$p")"; done
	bg_stop "$p"; wait "$p" 2>/dev/null
}

# The floors of a key: tmux echoing into a pane running cat (the tty
# echoes), and bash's own line editor.
measure_echo_floor() {
	local k
	tmx new-session -d -s echo -x 200 -y 60 "exec cat" || { missed "tmux echo floor"; return; }
	bg_record "$(tmx display-message -p -t echo '#{pane_pid}')"
	tmx new-session -d -s shell -x 200 -y 60 "exec bash --norc -i" || { missed "shell echo"; return; }
	bg_record "$(tmx display-message -p -t shell '#{pane_pid}')"
	sleep 1
	for k in $(seq 1 $((REPS * KEY_SAMPLES * 4))); do
		add key_filter floor "$(key_ms echo x)"
		add key_shell hv "$(key_ms shell x)"
		[ $((k % 50)) = 0 ] && { tmx send-keys -t echo Enter; tmx send-keys -t shell C-u; sleep 0.2; }
	done
	for k in key_sort key_pgdn key_end key_shell; do cp "$WORK/v.key_filter.floor" "$WORK/v.$k.floor"; done
	tmx kill-session -t echo; tmx kill-session -t shell
}

# Idle CPU of the console at 25 and 50 hosts (100: above), and the floor.
measure_console_hosts() {
	local n r s=hosts cpu
	for n in 25 50; do
		# shellcheck disable=SC2046
		conf_for "$WORK/h$n.conf" $(fleet_uris "$n")
		row "idle$n" "console idle CPU, $n hosts ($((n * 100)) desktops)" "% core"
		peer "idle$n" "polling floor, $n hosts"
		row "idle${n}ph" "  per host polled" "% core"
		for r in $(seq 1 "$REPS"); do
			say "console, $n hosts: repetition $r/$REPS"
			console_start "$s" "$WORK/h$n.conf" || { missed "console did not start"; return; }
			sleep "$HOSTS_SETTLE"
			cpu=$(cpu_pct "$CONSOLE_PID" "$IDLE_WIN") && add_idle "$n" hv "$cpu"
			console_stop "$s"
			floor_idle "$n"
		done
	done
}
# floor_idle HOSTS: the polling floor's CPU over IDLE_WIN after 3 s.
floor_idle() {
	local p cpu
	# shellcheck disable=SC2046
	"$FLOOR" poll $((IDLE_WIN + 5)) 2 $(fleet_uris "$1") &
	p=$!; bg_record "$p"
	sleep 3
	cpu=$(cpu_pct "$p" "$IDLE_WIN") && add_idle "$1" floor "$cpu"
	bg_stop "$p"; wait "$p" 2>/dev/null
}

# timed KEY-PREFIX CMD...: wall s, peak RSS MiB and CPU s of one command.
timed() {
	local k=$1 w rss u sy; shift
	/usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/time.err" || {
		missed "$* failed: $(tail -2 "$WORK/time.err")"; return 1; }
	read -r w rss u sy <"$WORK/time"
	TIMED_WALL=$w TIMED_RSS=$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')
	TIMED_CPU=$(awk -v a="$u" -v b="$sy" 'BEGIN { printf "%.2f", a + b }')
	: "$k"
}

# `dump --json` at 10k desktops against the same calls one thread per host
# (the dump floor) and bulk calls only (the bulk floor).
measure_dump() {
	local r
	row dump_wall "dump --json, 100 hosts, 10k desktops: wall" "s"
	peer dump_wall "bulk-only floor (lists + GetAllDomainStats)"
	row dump_same "dump --json: wall" "s"
	peer dump_same "dump floor (hvdeck's calls, a thread per host)"
	row dump_rss "dump --json: peak RSS" "MiB"
	peer dump_rss "bulk-only floor"
	row dump_cpu "dump --json: CPU" "s"
	peer dump_cpu "bulk-only floor"
	for r in $(seq 1 "$REPS"); do
		say "dump, 100 hosts: repetition $r/$REPS"
		timed dump "$HVDECK" --no-server -c "$WORK/fleet.conf" dump --json || return
		add dump_wall hv "$TIMED_WALL"; add dump_rss hv "$TIMED_RSS"; add dump_cpu hv "$TIMED_CPU"
		# shellcheck disable=SC2046
		timed bulk "$FLOOR" bulk $(fleet_uris 100) || return
		add dump_wall floor "$TIMED_WALL"; add dump_rss floor "$TIMED_RSS"; add dump_cpu floor "$TIMED_CPU"
		# shellcheck disable=SC2046
		timed same "$FLOOR" dump $(fleet_uris 100) || return
		add dump_same floor "$TIMED_WALL"; cp "$WORK/v.dump_wall.hv" "$WORK/v.dump_same.hv"
	done
}

# `dump --json` through a running server (`hvdeck server`): its model is
# warm, so the command costs no libvirt call; against the bulk floor's
# fresh inventory (the floor a fresh process cannot beat) and the server's
# own RSS. The server is started once, waited for until every host is
# online (a dump through it exits 0), and stopped by pid and start time.
measure_dump_server() {
	local r pid t0
	row dumps_wall "dump --json through a running server, 10k desktops: wall" "s"
	peer dumps_wall "bulk-only floor (a fresh inventory)"
	row dumps_crss "  the dump's own peak RSS (the client)" "MiB"
	peer dumps_crss "bulk-only floor (a fresh inventory)"
	row dumps_rss "  the server's RSS once settled" "MiB"
	"$HVDECK" -c "$WORK/fleet.conf" --log "$WORK/server.log" server start >"$WORK/server.out" 2>&1 ||
		{ missed "server start: $(tail -2 "$WORK/server.out")"; return; }
	pid=$(sed -n 's/^server started (pid \([0-9]*\))$/\1/p' "$WORK/server.out")
	[ -n "$pid" ] && bg_record "$pid" || { missed "server start said: $(cat "$WORK/server.out")"; return; }
	t0=$(date +%s)
	until "$HVDECK" -c "$WORK/fleet.conf" dump --json >/dev/null 2>&1; do
		[ $(($(date +%s) - t0)) -lt 120 ] || { missed "the server's hosts never all came online"; bg_stop "$pid"; return; }
		sleep 1
	done
	sleep 5	# past the first stats polls
	for r in $(seq 1 "$REPS"); do
		say "dump through the server: repetition $r/$REPS"
		timed dumps "$HVDECK" -c "$WORK/fleet.conf" dump --json || break
		add dumps_wall hv "$TIMED_WALL"
		add dumps_crss hv "$TIMED_RSS"
		add dumps_rss hv "$(rss_mib "$pid")"
		# shellcheck disable=SC2046
		timed bulk "$FLOOR" bulk $(fleet_uris 100) || break
		add dumps_wall floor "$TIMED_WALL"
		add dumps_crss floor "$TIMED_RSS"
	done
	measure_console_attached "$pid"
	bg_stop "$pid"
}

# measure_console_attached SERVER_PID: the default console (plain
# hvdeck, attached to the running server: a mirror of its model, no
# libvirt connection of its own), once: its RSS once settled, then its
# idle CPU and the server's over the same window.
measure_console_attached() {
	local t0 s=attached srv=$1
	row att_rss "console attached to a server (the default), 10k desktops: RSS at ${RSS_AT[0]} s" "MiB"
	row att_cpu "  its idle CPU (${RSS_AT[0]}..${RSS_AT[1]} s)" "% core"
	row att_srv "  the server's idle CPU over the same window" "% core"
	row att_srss "  the server's RSS then" "MiB"
	say "console attached to the server: ${RSS_AT[1]} s"
	t0=$(date +%s)
	hvdeck_tmux "$s" -c "$WORK/fleet.conf" ||
		{ missed "the attached console did not start"; return; }
	sleep_until "$t0" "${RSS_AT[0]}"
	add att_rss hv "$(rss_mib "$CONSOLE_PID")"
	cpu_pct "$srv" $((RSS_AT[1] - RSS_AT[0])) >"$WORK/att_srv" &
	add att_cpu hv "$(cpu_pct "$CONSOLE_PID" $((RSS_AT[1] - RSS_AT[0])))"
	wait $!
	add att_srv hv "$(cat "$WORK/att_srv")"
	add att_srss hv "$(rss_mib "$srv")"
	grep -q "attached to the cluster's server" "$WORK/$s.log" ||
		echo "attached console: its log does not say it attached: $(head -3 "$WORK/$s.log")" >>"$WORK/notes"
	console_stop "$s"
}

# rpc_calls CMD...: remote-program calls the client sent (libvirt's own
# client debug log of every message queued: RPC_CLIENT_MSG_TX_QUEUE with
# the remote program's number; keepalives are another program).
rpc_calls() {
	rm -f "$WORK/rpc.log"
	LIBVIRT_LOG_FILTERS="1:rpc.netclient" LIBVIRT_LOG_OUTPUTS="1:file:$WORK/rpc.log" \
		"$@" >/dev/null 2>&1 || return 1
	rpc_count "$WORK/rpc.log"
}
# rpc_count LOG: the calls (type 0) of the remote program in a client log.
rpc_count() { grep -c 'RPC_CLIENT_MSG_TX_QUEUE.*prog=536903814 .*type=0 ' "$1"; }
# Calls per stats interval: the console at 25 hosts with libvirt's client
# log on, the remote calls of a window once settled, per host and interval
# (stats_interval 2); the polling floor the same way.
measure_interval_calls() {
	local s=calls p a b w=10
	row icalls "libvirt calls per host per stats interval, 25 hosts" "calls"
	peer icalls "polling floor"
	# shellcheck disable=SC2046
	conf_for "$WORK/h25.conf" $(fleet_uris 25)
	say "libvirt calls per stats interval"
	tmx new-session -d -s "$s" -x 200 -y 60 \
		"LIBVIRT_LOG_FILTERS=1:rpc.netclient LIBVIRT_LOG_OUTPUTS=1:file:$WORK/icalls.log LANG=C.UTF-8 exec $HVDECK --no-server -c $WORK/h25.conf --log $WORK/$s.log" ||
		{ missed "console did not start"; return; }
	CONSOLE_PID=$(tmx display-message -p -t "$s" '#{pane_pid}'); bg_record "$CONSOLE_PID"
	sleep "$HOSTS_SETTLE"
	a=$(rpc_count "$WORK/icalls.log")
	sleep "$w"
	b=$(rpc_count "$WORK/icalls.log")
	console_stop "$s"
	add icalls hv "$(awk -v n=$((b - a)) -v w="$w" 'BEGIN { printf "%.2f", n / 25 / (w / 2) }')"
	rm -f "$WORK/icalls.log"
	# shellcheck disable=SC2046
	LIBVIRT_LOG_FILTERS=1:rpc.netclient LIBVIRT_LOG_OUTPUTS="1:file:$WORK/icalls.log" \
		"$FLOOR" poll $((w + 10)) 2 $(fleet_uris 25) & p=$!; bg_record "$p"
	sleep 3
	a=$(rpc_count "$WORK/icalls.log")
	sleep "$w"
	b=$(rpc_count "$WORK/icalls.log")
	bg_stop "$p"; wait "$p" 2>/dev/null
	add icalls floor "$(awk -v n=$((b - a)) -v w="$w" 'BEGIN { printf "%.2f", n / 25 / (w / 2) }')"
}

measure_calls() {
	local n
	row calls "libvirt calls in one dump, 100 hosts (connect + events included)" "calls"
	peer calls "bulk-only floor"
	say "libvirt calls per inventory"
	n=$(rpc_calls "$HVDECK" -c "$WORK/fleet.conf" dump --json) && [ "$n" -gt 0 ] ||
		{ missed "hvdeck's libvirt calls could not be counted"; return; }
	add calls hv "$n"
	# shellcheck disable=SC2046
	n=$(rpc_calls "$FLOOR" bulk $(fleet_uris 100)) && add calls floor "$n"
	row calls_same "  the dump floor's calls (hvdeck's calls, plain C)" "calls"
	peer calls_same "bulk-only floor"
	# shellcheck disable=SC2046
	n=$(rpc_calls "$FLOOR" dump $(fleet_uris 100)) && add calls_same hv "$n"
	cp "$WORK/v.calls.floor" "$WORK/v.calls_same.floor"
}

# ---- the real lab ----
LAB_GUEST=bench-ev
lab_fill() {
	local i
	say "filling the lab: 3 nodes x 300 shut-off desktops"
	FILLED=1
	for i in 1 2 3; do
		"$LAB" fill "$i" 300 300 >&2 || die "lab fill failed on node $i"
	done
	conf_for "$WORK/lab.conf" "$LAB_URI_1" "$LAB_URI_2" "$LAB_URI_3"
}

measure_lab_dump() {
	local r
	row lab_dump "real lab, 3 nodes x 300 shut-off desktops: dump --json" "s"
	peer lab_dump "dump floor (same calls, thread per host)"
	row lab_bulk "real lab dump --json" "s"
	peer lab_bulk "bulk-only floor"
	for r in $(seq 1 "$REPS"); do
		say "lab dump: repetition $r/$REPS"
		timed lab "$HVDECK" -c "$WORK/lab.conf" dump --json || return
		add lab_dump hv "$TIMED_WALL"
		timed lab "$FLOOR" dump "$LAB_URI_1" "$LAB_URI_2" "$LAB_URI_3" || return
		add lab_dump floor "$TIMED_WALL"
		timed lab "$FLOOR" bulk "$LAB_URI_1" "$LAB_URI_2" "$LAB_URI_3" || return
		add lab_bulk floor "$TIMED_WALL"; cp "$WORK/v.lab_dump.hv" "$WORK/v.lab_bulk.hv"
	done
}

lab_guest_up() {
	lab_guest_down    # one an interrupted bench left behind
	"$LAB" guest 1 "$LAB_GUEST" >/dev/null &&
		virsh -q -c "$LAB_URI_1" start "$LAB_GUEST" >/dev/null ||
		{ missed "the lab guest did not start"; return 1; }
	sleep 3
}
lab_guest_down() {
	virsh -q -c "$LAB_URI_1" destroy "$LAB_GUEST" >/dev/null 2>&1
	virsh -q -c "$LAB_URI_1" undefine "$LAB_GUEST" >/dev/null 2>&1
}

# latencies FLIPS STATES: each state seen ("MS paused|running", in time
# order) against the latest call that asked for it ("MS suspend|resume")
# made before it, each call matched once; one latency (ms) a line. A state
# the client never showed (flips faster than it looked) has no line.
latencies() {
	awk 'FNR == NR { k = ($2 == "suspend") ? "paused" : "running"; t[k, ++n[k]] = $1; next }
	     { k = $2; while (i[k] < n[k] && t[k, i[k] + 1] <= $1) i[k]++
	       if (i[k] > 0 && !used[k, i[k]]) { used[k, i[k]] = 1; print $1 - t[k, i[k]] } }' "$1" "$2"
}
# pct FILE P: the P-th percentile (nearest rank) of the numbers in FILE.
pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 }
	    END { if (NR == 0) exit 1; i = int((p * NR + 99) / 100); if (i < 1) i = 1; print v[i] }'
}

# Event -> model: the same suspend/resume seen by hvdeck watch --json and
# by a plain C event client, both running while the flips happen.
measure_events() {
	local r fifo wp sp fp
	row ev50 "event -> model, p50 ($FLIPS suspend/resume, lab guest)" "ms"
	peer ev50 "plain C event client"
	row ev99 "event -> model, p99" "ms"
	peer ev99 "plain C event client"
	for r in $(seq 1 "$REPS"); do
		say "event latency: repetition $r/$REPS ($FLIPS flips)"
		fifo=$WORK/watch.fifo; rm -f "$fifo"; mkfifo "$fifo"
		"$FLOOR" stamp <"$fifo" >"$WORK/watch.out" & sp=$!; bg_record "$sp"
		"$HVDECK" -c "$WORK/lab.conf" watch --json >"$fifo" 2>"$WORK/watch.err" & wp=$!; bg_record "$wp"
		"$FLOOR" events "$LAB_URI_1" >"$WORK/events.out" & fp=$!; bg_record "$fp"
		sleep 5
		"$FLOOR" flip "$LAB_URI_1" "$LAB_GUEST" "$FLIPS" 30 >"$WORK/flips" ||
			{ missed "suspend/resume of the lab guest failed"; return; }
		sleep 2
		bg_stop "$wp"; bg_stop "$fp"; wait "$wp" "$fp" "$sp" 2>/dev/null
		awk -v g="\"name\":\"$LAB_GUEST\"" 'index($0, g) && /"kind":"desktop"/ {
		        s = $0; sub(/.*"object":\{/, "", s); match(s, /"state":"[a-z]+"/)
		        st = substr(s, RSTART + 9, RLENGTH - 10)
		        if (st != last && (st == "paused" || st == "running")) print $1, st; last = st }' \
		    "$WORK/watch.out" | sed '1{/running/d}' >"$WORK/hv.states"
		awk -v g="$LAB_GUEST" '$2 == g && $3 == 3 { print $1, "paused" }
		    $2 == g && $3 == 4 { print $1, "running" }' "$WORK/events.out" >"$WORK/fl.states"
		latencies "$WORK/flips" "$WORK/hv.states" >"$WORK/hv.lat"
		latencies "$WORK/flips" "$WORK/fl.states" >"$WORK/fl.lat"
		say "  seen: hvdeck $(wc -l <"$WORK/hv.lat"), client $(wc -l <"$WORK/fl.lat") of $((2 * FLIPS))"
		[ -s "$WORK/hv.lat" ] && [ -s "$WORK/fl.lat" ] ||
			{ missed "event latency: no events matched"; return; }
		add ev50 hv "$(pct "$WORK/hv.lat" 50)"; add ev99 hv "$(pct "$WORK/hv.lat" 99)"
		add ev50 floor "$(pct "$WORK/fl.lat" 50)"; add ev99 floor "$(pct "$WORK/fl.lat" 99)"
	done
}

# screen_states SESSION PID: while PID (the flipper) runs, the guest's
# state in its row of the desktops pane (left edge, not the event log),
# "MS state" at each change, into $WORK/scr.states.
screen_states() {
	local t st last=
	: >"$WORK/scr.states"
	while kill -0 "$2" 2>/dev/null; do
		st=$(tmx capture-pane -p -t "$1" | grep "^│$LAB_GUEST " | head -n1 |
		     grep -oE 'running|paused' | head -n1)
		t=$(now_ms)
		if [ -n "$st" ] && [ "$st" != "$last" ]; then echo "$t $st" >>"$WORK/scr.states"; last=$st; fi
	done
	sed -i '1{/running/d}' "$WORK/scr.states"    # the state before the flips
}

# Event -> screen: one console shows the guest (filtered to it); each
# repetition flips it SCREEN_FLIPS times, 250 ms apart, while the screen
# is polled and a plain C event client listens.
measure_screen() {
	local r s=evscreen fp flipper
	row scr99 "event -> screen, p99 ($SCREEN_FLIPS suspend/resume)" "ms"
	peer scr99 "plain C event client (event -> model p99)"
	row scr50 "event -> screen, p50" "ms"
	peer scr50 "plain C event client (event -> model p50)"
	console_start "$s" "$WORK/lab.conf" || { missed "console did not start"; return; }
	sleep 8
	tmx send-keys -t "$s" 4 /; tmx send-keys -t "$s" -l "$LAB_GUEST"
	tmx send-keys -t "$s" Enter; sleep 2
	for r in $(seq 1 "$REPS"); do
		say "event -> screen: repetition $r/$REPS"
		"$FLOOR" events "$LAB_URI_1" >"$WORK/events.out" & fp=$!; bg_record "$fp"
		sleep 1
		"$FLOOR" flip "$LAB_URI_1" "$LAB_GUEST" "$SCREEN_FLIPS" 250 >"$WORK/flips" &
		flipper=$!
		screen_states "$s" "$flipper"
		wait "$flipper"
		sleep 1
		bg_stop "$fp"; wait "$fp" 2>/dev/null
		awk -v g="$LAB_GUEST" '$2 == g && $3 == 3 { print $1, "paused" }
		    $2 == g && $3 == 4 { print $1, "running" }' "$WORK/events.out" >"$WORK/fl.states"
		latencies "$WORK/flips" "$WORK/scr.states" >"$WORK/scr.lat"
		latencies "$WORK/flips" "$WORK/fl.states" >"$WORK/fl.lat"
		say "  seen on screen: $(wc -l <"$WORK/scr.lat") of $((2 * SCREEN_FLIPS))"
		[ -s "$WORK/scr.lat" ] && [ -s "$WORK/fl.lat" ] ||
			{ missed "event -> screen: nothing matched"; break; }
		add scr99 hv "$(pct "$WORK/scr.lat" 99)"; add scr50 hv "$(pct "$WORK/scr.lat" 50)"
		add scr99 floor "$(pct "$WORK/fl.lat" 99)"; add scr50 floor "$(pct "$WORK/fl.lat" 50)"
	done
	console_stop "$s"
}

# virt-manager (Debian's, under Xvfb) and the console side by side on the
# lab's 900 desktops: CPU and RSS over the first VM_FIRST s, the next VM_NEXT.
measure_virt_manager() {
	local r xp vp d=$((90 + HVDECK_LAB_SLOT)) cfg=$WORK/vmcfg s=vm a b c e
	row vm_cpu1 "console vs virt-manager, 900 desktops: CPU first ${VM_FIRST} s" "% core"
	row vm_cpu2 "  CPU next ${VM_NEXT} s" "% core"
	row vm_rss1 "  RSS at ${VM_FIRST} s" "MiB"
	row vm_rss2 "  RSS at $((VM_FIRST + VM_NEXT)) s" "MiB"
	row vm_conns "  TCP connections to the lab's libvirtds (3 expected)" "count"
	for a in vm_cpu1 vm_cpu2 vm_rss1 vm_rss2 vm_conns; do peer "$a" "virt-manager 4.1 (Xvfb)"; done
	if ! command -v virt-manager >/dev/null || ! command -v Xvfb >/dev/null; then
		say "SKIPPED virt-manager: not installed and could not be installed"
		echo "virt-manager skipped: not installed and could not be installed" >>"$WORK/notes"
		return
	fi
	# its connections, autoconnected, from a private GSettings keyfile
	mkdir -p "$cfg/glib-2.0/settings"
	{
		echo "[org/virt-manager/virt-manager/connections]"
		echo "uris=['$LAB_URI_1', '$LAB_URI_2', '$LAB_URI_3']"
		echo "autoconnect=['$LAB_URI_1', '$LAB_URI_2', '$LAB_URI_3']"
	} >"$cfg/glib-2.0/settings/keyfile"
	echo "virt-manager side by side: $VM_REPS repetition(s)" >>"$WORK/notes"
	for r in $(seq 1 "$VM_REPS"); do
		say "virt-manager side by side: repetition $r/$VM_REPS ($((VM_FIRST + VM_NEXT)) s)"
		Xvfb ":$d" -screen 0 1280x1024x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 & xp=$!; bg_record "$xp"
		sleep 2
		DISPLAY=:$d XDG_CONFIG_HOME=$cfg GSETTINGS_BACKEND=keyfile NO_AT_BRIDGE=1 \
			virt-manager --no-fork >"$WORK/vm.log" 2>&1 & vp=$!; bg_record "$vp"
		console_start "$s" "$WORK/lab.conf" || { missed "console did not start"; return; }
		a=$(cpu_ticks "$vp"); b=$(cpu_ticks "$CONSOLE_PID")
		sleep "$VM_FIRST"
		kill -0 "$vp" 2>/dev/null || { missed "virt-manager exited: $(tail -3 "$WORK/vm.log")"; return; }
		c=$(cpu_ticks "$vp"); e=$(cpu_ticks "$CONSOLE_PID")
		add vm_cpu1 floor "$(awk -v a="$a" -v c="$c" -v t="$VM_FIRST" -v hz="$HZ" 'BEGIN { printf "%.2f", (c - a) * 100 / hz / t }')"
		add vm_cpu1 hv "$(awk -v a="$b" -v c="$e" -v t="$VM_FIRST" -v hz="$HZ" 'BEGIN { printf "%.2f", (c - a) * 100 / hz / t }')"
		add vm_rss1 floor "$(rss_mib "$vp")"; add vm_rss1 hv "$(rss_mib "$CONSOLE_PID")"
		# proof it works on the lab: its connections to the three libvirtds
		ss -Htnp state established >"$WORK/ss" 2>/dev/null
		add vm_conns floor "$(grep -c "pid=$vp," "$WORK/ss")"
		add vm_conns hv "$(grep -c "pid=$CONSOLE_PID," "$WORK/ss")"
		sleep "$VM_NEXT"
		a=$(cpu_ticks "$vp"); b=$(cpu_ticks "$CONSOLE_PID")
		add vm_cpu2 floor "$(awk -v a="$c" -v c="$a" -v t="$VM_NEXT" -v hz="$HZ" 'BEGIN { printf "%.2f", (c - a) * 100 / hz / t }')"
		add vm_cpu2 hv "$(awk -v a="$e" -v c="$b" -v t="$VM_NEXT" -v hz="$HZ" 'BEGIN { printf "%.2f", (c - a) * 100 / hz / t }')"
		add vm_rss2 floor "$(rss_mib "$vp")"; add vm_rss2 hv "$(rss_mib "$CONSOLE_PID")"
		console_stop "$s"
		bg_stop "$vp"; bg_stop "$xp"; wait "$vp" "$xp" 2>/dev/null
	done
}

# ---- the table ----
# mmm KEY WHO: "min / median / max" of the values taken (or "-").
mmm() {
	local f=$WORK/v.$1.$2
	[ -s "$f" ] || { echo "-"; return; }
	sort -g "$f" | awk '{ v[NR] = $1 } END {
	    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%g / %g / %g", v[1], m, v[NR] }'
}
median() { mmm "$1" "$2" | awk -F' / ' '{ print $2 }'; }
table() {
	local key label unit p hm fm
	echo "hvdeck bench $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$top" describe --always --dirty 2>/dev/null)" \
	     "$([ "$QUICK" = 1 ] && echo '(QUICK RUN: short windows)'), $REPS repetition(s)"
	echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), " \
	     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory," \
	     "load at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "figures: min / median / max over the repetitions; ratio = hvdeck median / floor median"
	echo
	printf '%-66s %-7s %-26s %-26s %s\n' "measure" "unit" "hvdeck" "floor or peer" "ratio"
	while IFS=$'\t' read -r key label unit; do
		hm=$(mmm "$key" hv); fm=$(mmm "$key" floor)
		p=$(cat "$WORK/peer.$key" 2>/dev/null)
		printf '%-66s %-7s %-26s %-26s %s\n' "$label" "$unit" "$hm" "$fm" \
			"$(awk -v a="$(median "$key" hv)" -v b="$(median "$key" floor)" \
			    'BEGIN { if (a != "" && b != "" && b + 0 > 0) printf "%.2fx", a / b; else print "-" }')"
		[ -n "$p" ] && [ "$fm" != "-" ] && printf '%-66s %-7s %-26s %s\n' "" "" "" "  ^ $p"
	done <"$WORK/labels"
	echo
	[ -s "$WORK/notes" ] && cat "$WORK/notes"
	if [ ${#MISSED[@]} -gt 0 ]; then printf 'NOT TAKEN: %s\n' "${MISSED[@]}"; fi
	return 0
}

# ---- main ----
want() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }
[ -x "$HVDECK" ] || die "no hvdeck binary at $HVDECK (make all)"
[ -x "$FLOOR" ] || die "no floor binary at $FLOOR (make build/bench/floor)"
[ "$(id -u)" = 0 ] || die "the lab needs root"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)
install_missing
lab_up
make_fleet
want dump && measure_dump
want dumpserver && measure_dump_server
want calls && { measure_calls; measure_interval_calls; }
want console && measure_console_fleet
want hosts && measure_console_hosts
want wall && measure_wall
if want labdump || want events || want screen || want vm; then
	lab_fill
	want labdump && measure_lab_dump
	if want events || want screen; then
		lab_guest_up && { want events && measure_events; want screen && measure_screen; }
		lab_guest_down
	fi
	want vm && measure_virt_manager
fi
table | tee "$WORK/table"
{ cat "$WORK/table"; echo "(bench took $(( $(date +%s) - T_START )) s)"; } >"$OUT"
say "written to $OUT ($(( $(date +%s) - T_START )) s)"
[ ${#MISSED[@]} -eq 0 ]
