# tests/integration/lib.sh — shared helpers for integration tests. Sourced.
# Tests run against the lab (`tests/lab/lab.sh up`): LAB_* variables come
# from `lab.sh env`; HVDECK is the binary under test.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$top/tests/lab/lab.sh
# shellcheck source=tests/lab/proc.sh
. "$top/tests/lab/proc.sh"
: "${HVDECK:=$top/build/hvdeck}"
[ -n "${LAB_DIR:-}" ] || eval "$("$LAB" env)"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/hvdeck-$TEST_NAME.XXXXXX")
# the audit log of what tests do stays in their work directory
export XDG_STATE_HOME=$WORK/state
# and so does the socket directory of the servers hvdeck starts (plain
# `hvdeck` starts its cluster's server): a test never meets another's
# server, and kill_servers finds every server it started
export XDG_RUNTIME_DIR=$WORK/run
mkdir -m 0700 "$XDG_RUNTIME_DIR" || { echo "FAIL: $TEST_NAME: cannot make $XDG_RUNTIME_DIR" >&2; exit 1; }
CLEANUP=()

# fail MESSAGE: the test fails; a console test shows what hvdeck logged
# last and what the console showed, so a failure can be read from the log
# of the run alone. The log comes first and the screen's empty rows are
# left out: a CI excerpt that keeps only the start of a long failure then
# still holds the cause.
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	# the console's bottom rows (status line, events strip) first: a CI
	# excerpt keeps the start of a failure and cuts its middle
	if [ -S "${TMUX_SOCKET:-}" ] && tmux -S "$TMUX_SOCKET" has-session -t hv 2>/dev/null; then
		echo "--- $TEST_NAME: the screen's last rows" >&2
		tmux -S "$TMUX_SOCKET" capture-pane -p -t hv | grep -Ev '^│ *│$|^ *$' | tail -n 6 >&2
	fi
	if [ -s "$WORK/hvdeck.log" ]; then
		echo "--- $TEST_NAME: the last lines of hvdeck's log" >&2
		tail -n 30 "$WORK/hvdeck.log" >&2
	fi
	# a server the test started with its own log (server_start)
	if [ -s "$WORK/server.log" ]; then
		echo "--- $TEST_NAME: the last lines of the server's log" >&2
		tail -n 30 "$WORK/server.log" >&2
	fi
	if [ -S "${TMUX_SOCKET:-}" ] && tmux -S "$TMUX_SOCKET" has-session -t hv 2>/dev/null; then
		echo "--- $TEST_NAME: the screen (empty rows left out)" >&2
		tmux -S "$TMUX_SOCKET" capture-pane -p -t hv | grep -Ev '^│ *│$|^ *$' >&2
	fi
	# what each node answered at the time (a host that never came online:
	# its daemon, its local socket, SSH), last: the excerpt keeps the start
	if [ "${LAB_NODES:-0}" -gt 0 ] && [ -z "${LAB_PROBED:-}" ]; then
		LAB_PROBED=1
		echo "--- $TEST_NAME: the lab's nodes now (lab.sh probe)" >&2
		"$LAB" probe >&2 2>&1
	fi
	exit 1
}
pass() { echo "PASS: $TEST_NAME${1:+: $1}"; exit 0; }
info() { echo "  $TEST_NAME: $*"; }

# The index has a name no cleanup uses: a cleanup is eval'd in this
# function, and one that loops with its own "i" would move this loop.
on_exit() {
	local _cleanup_at
	for ((_cleanup_at = ${#CLEANUP[@]} - 1; _cleanup_at >= 0; _cleanup_at--)); do
		eval "${CLEANUP[$_cleanup_at]}" >/dev/null 2>&1 || true
	done
	rm -rf "$WORK"
}
trap on_exit EXIT
cleanup() { CLEANUP+=("$1"); }

now_ms() { date +%s%3N; }

# wait_until SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds
# or the deadline passes (returns 1).
wait_until() {
	local deadline=$(( $(now_ms) + $1 * 1000 ))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

vsh() { local n=$1; shift; local u="LAB_URI_$n"; virsh -q -c "${!u}" "$@"; }

# thaw_node N: SIGCONT node N's frozen libvirtd and wait until it answers
# over TCP. libvirt 9.0's RPC thread segfaults now and then when thawed with
# clients that closed while it was stopped (dmesg "rpc-libvirtd ...
# segfault"; CI once lost node 2 that way for the 20 tests after
# test_console_terms): that is libvirt's crash, not hvdeck's, so it is said
# and the daemon started again by record, and the next tests find the node
# as they expect. A daemon alive that does not answer within 30 s fails.
thaw_node() {
	"$LAB" libvirtd-thaw "$1" || fail "cannot thaw libvirtd of node $1"
	node_back "$1"
}
node_back() {	# N: node N's libvirtd answers, started again if it died
	local n=$1 u="LAB_URI_$1"
	node_answers() { timeout 5 virsh -q -c "${!u}" uri >/dev/null 2>&1; }
	node_died() { "$LAB" status 2>/dev/null | grep -q "^node$n: .*libvirtd DOWN"; }
	wait_until 30 eval 'node_answers || node_died' || {
		# restarted by record first, so that the tests after this one
		# do not inherit a daemon that hangs
		"$LAB" probe >&2 2>&1
		"$LAB" libvirtd-stop "$n" && "$LAB" libvirtd-start "$n"
		fail "libvirtd of node $n was alive but did not answer 30 s after the thaw (restarted)"
	}
	node_answers && return 0
	info "libvirtd of node $n died when thawed (libvirt's crash, not hvdeck's): starting it again"
	"$LAB" libvirtd-start "$n" || fail "cannot start libvirtd of node $n again"
}

# A config with every lab node: hv1 over TCP, hv2 over libssh, the rest TCP.
# Every test config's connect_timeout: a host's first connect may take
# that long before it is online or offline, so a test waiting for "online"
# waits HOST_ONLINE_S (the timeout and the first inventory after it) —
# a shorter wait failed in CI on a libssh login slowed by AddressSanitizer.
CONNECT_TIMEOUT_S=30
HOST_ONLINE_S=$((CONNECT_TIMEOUT_S + 10))
write_config() {
	local f=$WORK/hvdeck.conf i u
	{
		echo "hosts = ("
		for ((i = 1; i <= LAB_NODES; i++)); do
			if [ "$i" -eq 2 ]; then u="LAB_SSH_URI_$i"; else u="LAB_URI_$i"; fi
			[ "$i" -gt 1 ] && echo ","
			printf '  { name = "hv%d"; uri = "%s"; role = "mixed"; }' "$i" "${!u}"
		done
		echo ");"
		echo "stats_interval = 1;"
		# a libssh login takes seconds on a loaded 2-core machine (TCG
		# guests, parallel labs): tests of timeouts set their own
		echo "connect_timeout = $CONNECT_TIMEOUT_S;"
		in_process_line
	} >"$f"
	echo "$f"
}

# in_process_line: the config line of HVDECK_TEST_IN_PROCESS=1 (none
# without it). A console the tests start starts its cluster's server and
# attaches (the default); with it, the consoles of the configs that take
# this line run in-process (`make asan` runs the lab tests so, `make check`
# attached: both consoles are driven, and their differences show as
# failures).
in_process_line() {
	[ -z "${HVDECK_TEST_IN_PROCESS:-}" ] || echo "server_autostart = false;"
}

# new_guest NODE TAG: define a guest of this test on node NODE, named in
# $GUEST; it is destroyed and undefined at exit wherever it went. (Not
# called in $(...): the cleanup must be registered in this shell.)
new_guest() {
	GUEST="t$$-$2"
	"$LAB" guest "$1" "$GUEST" >/dev/null || fail "cannot define guest $GUEST"
	cleanup "for _n in \$(seq 1 $LAB_NODES); do vsh \$_n destroy $GUEST; vsh \$_n undefine $GUEST; done"
}

# running_guest NODE TAG: new_guest, started on NODE, once its RAM ballast
# is filled (the lab's guest dirties it: a migration then has work to do);
# its serial logs go with it. Sets $GUEST.
running_guest() {
	new_guest "$1" "$2"
	vsh "$1" start "$GUEST" >/dev/null || fail "cannot start $GUEST"
	cleanup "rm -f $LAB_DIR/node*/log/qemu/$GUEST-serial.log"
	_ballast() { grep -q 'ballast ready' "$LAB_DIR/node$1/log/qemu/$GUEST-serial.log" 2>/dev/null; }
	wait_until 120 _ballast "$1" || fail "$GUEST never filled its ballast"
}

guest_state() { vsh "$1" domstate "$2" 2>/dev/null | head -n1; }

# node_of NAME: the number of the lab node NAME is defined on, empty if none.
node_of() {
	local i
	for ((i = 1; i <= LAB_NODES; i++)); do
		vsh "$i" dominfo "$1" >/dev/null 2>&1 && { echo "$i"; return; }
	done
}
# undefine_named PREFIX: every lab domain whose name starts with PREFIX
# destroyed and undefined (its NVRAM with it), on every node.
undefine_named() {
	local i d
	for ((i = 1; i <= LAB_NODES; i++)); do
		for d in $(vsh "$i" list --all --name 2>/dev/null | grep -F "$1" | grep "^$1"); do
			vsh "$i" destroy "$d" >/dev/null 2>&1
			vsh "$i" undefine --nvram "$d" >/dev/null 2>&1
		done
	done
}

# jq_any JQ-ARGS... FILTER FILE: some input of FILE gives a result (jq -e
# judges only the last input, which makes it useless over JSON lines).
jq_any() { jq -c "$@" 2>/dev/null | grep -q .; }

# ---- the console in tmux, driven as an operator would ----
TMUX_SOCKET=$WORK/tmux.sock
# tmux's server exits when its last session is killed, and a new-session
# sent while it is still exiting fails (CI, under load: "tmux did not
# start" after a test killed its console's session to start another). The
# test's own server keeps a session of its own, killed last at exit, so
# killing a console's session never empties it.
tmux_keeper() {
	tmux -S "$TMUX_SOCKET" has-session -t keep 2>/dev/null && return 0
	tmux -S "$TMUX_SOCKET" new-session -d -s keep "sleep 100000" || return 1
	cleanup "tmux -S $TMUX_SOCKET kill-session -t keep"
}
tmx() {
	if [ "$1" = new-session ]; then tmux_keeper || return 1; fi
	tmux -S "$TMUX_SOCKET" "$@"
}

# tui_start CONF WIDTH HEIGHT [OPTIONS...]: hvdeck in a detached tmux session.
tui_start() {
	local conf=$1 w=$2 h=$3
	shift 3
	tmx new-session -d -s hv -x "$w" -y "$h" \
		"LANG=C.UTF-8 $HVDECK -c $conf --log $WORK/hvdeck.log $*; echo HVDECK-EXITED \$?; sleep 600" ||
		fail "tmux did not start"
	cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
}
# tui_resize COLS ROWS: resize the console's window; returns once its
# terminal has the new size. tmux applies a resize to the pty later, in its
# own loop: keys sent at once could reach hvdeck before its SIGWINCH and be
# taken at the old size (behind a "too small" screen, dropped).
tui_resize() {
	local tty
	tmx resize-window -t hv -x "$1" -y "$2" || fail "tmux resize-window failed"
	tty=$(tmx display-message -p -t hv '#{pane_tty}') || fail "no pane tty"
	wait_until 5 pty_size_is "$tty" "$2 $1" || fail "the pane never became $1x$2"
}
pty_size_is() { [ "$(stty -F "$1" size 2>/dev/null)" = "$2" ]; }
screen() { tmx capture-pane -p -t hv; }
keys() { tmx send-keys -t hv "$@"; }
# tui_online [SECONDS]: until the console's status line counts every host
# of its config online. A host's rows show while its inventory comes in,
# before the host is online: an action on them then is refused ("host
# hv1 is connecting"), so a test that acts waits for this, not a row.
tui_online() {
	wait_screen "${1:-$HOST_ONLINE_S}" " hosts ([0-9]+)/\\1 online "
}
on_screen() { screen | grep -qE -- "$1"; }
# wait_screen SECONDS REGEX: until the screen shows REGEX (fails the test).
wait_screen() {
	wait_until "$1" on_screen "$2" || fail "screen never showed /$2/ within $1 s"
}
# the line of the screen that mentions NAME
screen_line() { screen | grep -F -- "$1" | head -n1; }

# ---- hvdeck watch --json in the background ----
# watch_start CONF: lines go to $out (the test's file), the pid to $watch_pid
# and its identity (for signal_proc/same_proc) to $watch_id;
# returns once every lab host has come online in the feed.
watch_start() {
	out=$WORK/watch.jsonl
	"$HVDECK" -c "$1" watch --json >"$out" 2>"$WORK/watch.err" &
	watch_pid=$!
	watch_id=$(proc_id "$watch_pid") && cleanup "signal_proc TERM $watch_id"
	wait_until 30 watch_all_online ||
		fail "hosts did not come online in watch: $(tail -3 "$WORK/watch.err")"
}
watch_all_online() {
	[ "$(jq -r 'select(.kind == "host" and .object.state == "online") | .object.name' "$out" 2>/dev/null |
	     sort -u | wc -l)" -eq "$LAB_NODES" ]
}

# ---- the lab's test user (lab.sh: a user with a password on node $LAB_USER_NODE) ----

# lab_user_password: the test user's password, on stdout (for $(...) in the
# test's own shell: never pass it to a program's argv or environment).
lab_user_password() { cat "$LAB_USER_PASSWORD_FILE"; }

# user_add_setup: for tests of `host add` against the test user: $u its
# node, $port its sshd, hvdeck's files under $WORK/xdg, $conf with hv1
# (node 1) and a copy of it in $WORK/conf.orig.
user_add_setup() {
	[ -n "${LAB_USER:-}" ] || fail "the lab has no test user (lab.sh too old?)"
	u=$LAB_USER_NODE
	local port_var=LAB_SSH_PORT_$u
	port=${!port_var}
	export XDG_CONFIG_HOME=$WORK/xdg XDG_STATE_HOME=$WORK/state
	conf=$WORK/hvdeck.conf
	printf 'hosts = ( { name = "hv1"; uri = "%s"; } );\nconnect_timeout = 30;\n' "$LAB_URI_1" >"$conf"
	in_process_line >>"$conf"
	cp "$conf" "$WORK/conf.orig"
}

# tui_type_secret [SECRET]: type SECRET (or, with no argument, stdin: e.g.
# `tui_type_secret <"$LAB_USER_PASSWORD_FILE"`) into the console's pane. It
# goes to tmux on stdin and is pasted from a buffer deleted at once, so it is
# in no process's argv - neither hvdeck's nor tmux's (printf is a builtin).
tui_type_secret() {
	if [ $# -gt 0 ]; then
		printf '%s' "$1" | tmx load-buffer -b hvsecret -
	else
		tmx load-buffer -b hvsecret -
	fi || fail "tmux load-buffer failed"
	tmx paste-buffer -d -b hvsecret -t hv || fail "tmux paste-buffer failed"
}

# node_host_key_fp NODE: "SHA256:..." of the node's current sshd host key
# (changes with `lab.sh sshd-rekey NODE`).
node_host_key_fp() {
	ssh-keygen -lf "$LAB_DIR/node$1/ssh_host_ed25519_key.pub" -E sha256 | cut -d' ' -f2
}

# user_ssh CMD...: run CMD on the test user's node as the test user, logged
# in by password (ssh reads it from an askpass script that cats the file, so
# it is in no argv or environment); key login is not tried.
user_ssh() {
	local ap=$WORK/askpass port=LAB_SSH_PORT_$LAB_USER_NODE
	[ -x "$ap" ] || { printf '#!/bin/sh\nexec cat "%s"\n' "$LAB_USER_PASSWORD_FILE" >"$ap" && chmod 700 "$ap"; }
	SSH_ASKPASS=$ap SSH_ASKPASS_REQUIRE=force ssh -F /dev/null \
		-o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=yes -o PubkeyAuthentication=no \
		-o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 \
		-o ConnectTimeout=10 -p "${!port}" \
		"$LAB_USER@127.0.0.1" "$@" </dev/null
}

# password_found_in GREP-ARGS...: fail the test, naming the files, if the
# test user's password is in any of them (grep reads it from the file: it
# is not in grep's argv).
password_found_in() {
	local hits
	hits=$(grep -l -a -F -f "$LAB_USER_PASSWORD_FILE" "$@" 2>/dev/null | paste -sd' ' -)
	[ -z "$hits" ] || fail "the test user's password is in: $hits"
}
# assert_no_password FILE|DIR...: not in those files (nor files under DIRs).
assert_no_password() { password_found_in -r -- "$@"; }
# assert_password_not_in_procs: not in any process's argv or environment.
assert_password_not_in_procs() { password_found_in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; }

# lab_user_forget_keys: the test user's node back to no ~/.ssh (as after
# `up`), for a test's cleanup after it authorized a key there.
lab_user_forget_keys() { rm -rf "${LAB_USER_HOME:?}/.ssh"; }

# ---- hvdeck servers a test started ("PID START" each, the last one
# last): stopped at exit, TERM then KILL, by pid and start time ----
SERVERS=()
kill_servers() {
	local s
	servers_found
	[ ${#SERVERS[@]} -gt 0 ] || return 0
	for s in "${SERVERS[@]}"; do
		# shellcheck disable=SC2086
		signal_proc TERM $s
	done
	sleep 1
	for s in "${SERVERS[@]}"; do
		# shellcheck disable=SC2086
		signal_proc KILL $s
	done
}
cleanup kill_servers
# servers_found: every server that holds a lock in the test's socket
# directory (a console started it) tracked too. The pid written in the
# lock is taken only when that process has the lock file open: a pid
# reused since is not signalled.
servers_found() {
	local lock pid fd id
	for lock in "$WORK"/run/hvdeck/*.lock; do
		[ -f "$lock" ] || continue
		pid=$(head -c 20 "$lock" | tr -cd 0-9)
		[ -n "$pid" ] || continue
		for fd in /proc/"$pid"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "$lock" ] || continue
			id=$(proc_id "$pid") && SERVERS+=("$id")
			break
		done
	done
}
# server_pid: the pid of the server running in the test's socket
# directory (the one a console started), empty when none.
server_pid() {
	local SERVERS=()
	servers_found
	[ ${#SERVERS[@]} -gt 0 ] && echo "${SERVERS[0]%% *}"
}
# server_track PID: a server this test started (fails the test when it
# does not run).
server_track() {
	local id
	id=$(proc_id "$1") || fail "server $1 is not running"
	SERVERS+=("$id")
}
# refresh_all: every node's bases, templates and groups pools rescanned
# (after files were made or removed behind libvirt's back).
refresh_all() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in bases templates groups; do vsh "$i" pool-refresh $p >/dev/null 2>&1; done
	done
}

# template_desktop T: a template desktop T-tmpl on node 1 (shut off, its
# disk T-tmpl.qcow2 in the templates pool backed by T-base.qcow2 in the
# bases pool, a NIC of MAC 52:54:00:12:34:56); st is the lab's storage.
# The caller cleans up (its T- names).
template_desktop() {
	local t=$1
	st=${LAB_STORAGE:-$LAB_DIR/storage}
	vsh 1 vol-create-as bases "$t-base.qcow2" 64M --format qcow2 >/dev/null || fail "base"
	vsh 1 vol-create-as templates "$t-tmpl.qcow2" 64M --format qcow2 \
		--backing-vol "$st/bases/$t-base.qcow2" --backing-vol-format qcow2 >/dev/null || fail "template volume"
	refresh_all
	"$LAB" guest-xml "$t-tmpl" |
		sed "s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$st/templates/$t-tmpl.qcow2'/><target dev='vda' bus='virtio'/></disk><interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/></interface>|" \
		>"$WORK/$t-tmpl.xml"
	vsh 1 define "$WORK/$t-tmpl.xml" >/dev/null || fail "define the template desktop"
}

# form_choose LABEL WANT: move the form's choice field LABEL (focused) to
# the item WANT, one key at a time, each shown before the next is sent (a
# key sent while the screen still shows an older state would overshoot).
# Left when WANT is shown left of the chosen item, else Right.
form_choose() {
	local label=$1 want=$2 line prev key i
	_choice_line() { screen | grep -E -- "$label" | head -n1; }
	_choice_stable() { local a; a=$(_choice_line); sleep 0.2; [ "$a" = "$(_choice_line)" ]; }
	wait_until 5 _choice_stable || return 1
	for ((i = 0; i < 16; i++)); do
		line=$(_choice_line)
		grep -qE -- "\[$want[] ]|< ?$want " <<<"$line" && return 0
		if [[ $line =~ (^|[[:space:]])$want[[:space:]].*\[ ]]; then key=Left; else key=Right; fi
		keys "$key"
		prev=$line
		_choice_changed() { [ "$(_choice_line)" != "$prev" ]; }
		wait_until 3 _choice_changed || return 1
	done
	return 1
}
# tui_new_desktop TEMPLATE NAME: in the console, Shift-N on desktop
# TEMPLATE, NAME typed, Enter: the form closes, NAME's row shows and it is
# defined on a node.
tui_new_desktop() {
	keys ":" ; keys "desktop $1" Enter
	keys N
	wait_screen 10 "New desktops from a template"
	keys "$2" Enter
	wait_until 30 sh -c "! tmux -S '$TMUX_SOCKET' capture-pane -p -t hv | grep -qF 'New desktops from a template'" ||
		{ screen >&2; fail "the form stayed open after Enter"; }
	# "Start them" is unticked by default, as the command line's --start
	wait_screen 30 "$2 .*shutoff"
	wait_until 30 desktop_defined "$2" || { screen >&2; fail "the form's desktop $2 was not defined"; }
}
# tui_delete_desktop NAME: in the console, Shift-X on desktop NAME asks
# naming it and its disk groups/NAME.qcow2; with the box ticked, both go.
tui_delete_desktop() {
	keys ":" ; keys "desktop $1" Enter
	keys X
	wait_screen 10 "Delete desktop $1\\? \\(disk groups/$1.qcow2\\)"
	keys Space Enter
	wait_until 30 desktop_undefined "$1" || { screen >&2; fail "Shift-X did not delete $1"; }
	wait_until 30 test ! -e "${LAB_STORAGE:-$LAB_DIR/storage}/groups/$1.qcow2" ||
		fail "Shift-X with the box ticked left $1's disk"
}
desktop_defined() { [ -n "$(node_of "$1")" ]; }
desktop_undefined() { [ -z "$(node_of "$1")" ]; }

# server_test_env: hv (hvdeck with $conf, output in $WORK/out and err) and
# said (that output) for its commands.
server_test_env() {
	hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
	said() { cat "$WORK/out" "$WORK/err"; }
}
# server_start CONF LOG: `hvdeck server start` for CONF (its log in LOG),
# in the test's own XDG_RUNTIME_DIR (set it first); sets SERVER_PID and
# tracks it.
server_start() {
	# a server a console of this test started gives way: this one has
	# the log the test reads
	[ -z "$(server_pid)" ] || "$HVDECK" -c "$1" server stop --force >/dev/null 2>&1
	_no_server() { [ -z "$(server_pid)" ]; }
	wait_until 15 _no_server || fail "the server of an earlier console (pid $(server_pid)) did not stop"
	"$HVDECK" -c "$1" server start --log "$2" >"$WORK/server-start.out" 2>&1 ||
		fail "server start: exit $?: $(cat "$WORK/server-start.out")"
	SERVER_PID=$(sed -n 's/^server started (pid \([0-9]*\))$/\1/p' "$WORK/server-start.out")
	[ -n "$SERVER_PID" ] || fail "server start said: $(cat "$WORK/server-start.out")"
	server_track "$SERVER_PID"
}
