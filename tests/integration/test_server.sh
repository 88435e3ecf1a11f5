#!/bin/bash
# hvdeck server: one per cluster, and the command line as its client.
# - `server start` returns once it listens; `server status` names it;
# - `host maintenance` and `desktop start/shutdown` through it: the same
#   exit status and output as in-process, the config file changed, and the
#   audit record written by the server's pid, naming the client's user and
#   SSH address;
# - changes made to the file in-process reach the server (maintenance, a
#   host removed and put back);
# - 20 x `desktop delete NAME --yes` timed without and with a server
#   (printed, never judged);
# - a second server for the cluster is refused, naming the first's pid;
# - the server killed with SIGKILL: its stale socket is found and replaced;
# - a client of another uid is refused by the peer credentials (the
#   directory's and socket's modes loosened so nothing else stops it);
# - a read-only client sending every entry that is not read-only-safe
#   through the socket is refused "read-only: NAME is not allowed"; a
#   client of another hvdeck version is refused naming both;
# - a job whose client is killed goes on in the server and ends there,
#   its audit record naming the client's user;
# - `server stop` asks on a terminal naming the running jobs (refused
#   without one) and ends it; an idle server ends after server_idle, one
#   started with --keep does not;
# - a client that connects and says nothing stalls nothing else.
# The test has its own XDG_RUNTIME_DIR; each server it starts is stopped at
# exit by pid and start time.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
audit=$XDG_STATE_HOME/hvdeck/audit.log
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
hv_local() { "$HVDECK" --no-server -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
said() { cat "$WORK/out" "$WORK/err"; }

# servers of this test: lib.sh's server_start and server_track
start_server() { server_start "$conf" "$WORK/server.log"; }

start_server
hv server status || fail "server status: exit $?: $(said)"
grep -qx "pid $SERVER_PID" "$WORK/out" || fail "status: $(said)"
sock=$(sed -n 's/^socket //p' "$WORK/out")
[ -S "$sock" ] || fail "no socket at '$sock': $(said)"
case $sock in "$XDG_RUNTIME_DIR"/hvdeck/cluster-*.sock) ;; *) fail "socket $sock is not in \$XDG_RUNTIME_DIR/hvdeck" ;; esac
[ "$(stat -c %a "$XDG_RUNTIME_DIR/hvdeck")" = 700 ] || fail "socket directory mode $(stat -c %a "$XDG_RUNTIME_DIR/hvdeck")"
grep -qx "config $conf" "$WORK/out" || fail "status names no config: $(said)"
hosts_online() { hv server status && grep -qx "hosts online $LAB_NODES/$LAB_NODES" "$WORK/out"; }
wait_until "$HOST_ONLINE_S" hosts_online || fail "the server's hosts are not online: $(said)"

# audit_pid COMMAND PID [FROM]: the last end line of COMMAND in the audit
# log was written by PID for user root (from address FROM, default none)
audit_pid() {
	python3 - "$audit" "$@" <<'EOF'
import json, sys
path, cmd, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
frm = sys.argv[4] if len(sys.argv) > 4 else None
last = None
for line in open(path):
    r = json.loads(line)
    if r.get("command") == cmd and r.get("event") == "end":
        last = r
sys.exit(0 if last is not None and last["pid"] == pid and
         last["user"] == "root" and last["from"] == frm else 1)
EOF
}

# ---- the same command in-process and through the server ----
# same COMMAND...: run in-process, undo, run through the server; exit
# status and output must match
same() {
	local rc1 rc2 out1 out2
	hv_local "$@"; rc1=$?
	out1=$(said)
	"${UNDO[@]}" >/dev/null 2>&1
	sleep 1	# the server's model hears of the undo by an event
	hv "$@"; rc2=$?
	out2=$(said)
	[ "$rc1" = "$rc2" ] || fail "$*: exit $rc1 in-process, $rc2 through the server: $out2"
	[ "$out1" = "$out2" ] || fail "$*: in-process said
$out1
through the server
$out2"
	[ "$rc2" -eq 0 ] || fail "$*: exit $rc2: $out2"
	audit_pid "$*" "$SERVER_PID" 2>/dev/null || audit_pid "${1} ${2}" "$SERVER_PID" ||
		fail "$*: the audit record is not the server's (pid $SERVER_PID)"
	info "$*: exit $rc2, same output both ways: $(tr '\n' ' ' <<<"$out2")"
}

UNDO=(hv_local host maintenance hv2 off)
same host maintenance hv2 on
grep -A4 'name = "hv2"' "$conf" | grep -q 'maintenance = true' || fail "hv2's maintenance is not in $conf"
hv host maintenance hv2 off || fail "maintenance off: $(said)"
# the client's SSH address is the audit record's "from"
SSH_CONNECTION="192.0.2.7 40000 10.0.0.1 22" hv host maintenance hv2 on ||
	fail "maintenance over ssh: $(said)"
audit_pid "host maintenance" "$SERVER_PID" 192.0.2.7 || fail "the audit record lacks the client's address: $(tail -n1 "$audit")"

# ---- the server follows its file: changes made in-process reach it ----
maint_is() { hv server status && grep -qx "hosts in maintenance $1" "$WORK/out"; }
maint_is hv2 || fail "the server's model lacks its own change: $(said)"
hv_local host maintenance hv2 off || fail "in-process maintenance off: $(said)"
wait_until 5 maint_is - || fail "an in-process change did not reach the server: $(said)"
hv_local host maintenance hv2 on || fail "in-process maintenance on: $(said)"
wait_until 5 maint_is hv2 || fail "an in-process change did not reach the server: $(said)"
hv_local host maintenance hv2 off
wait_until 5 maint_is - || fail "an in-process change did not reach the server: $(said)"
cp "$conf" "$WORK/conf.saved"
hv_local host remove hv3 --yes || fail "in-process host remove: $(said)"
n_online() { hv server status && grep -qx "hosts online $1" "$WORK/out"; }
wait_until 10 n_online "$((LAB_NODES - 1))/$((LAB_NODES - 1))" || fail "a host removed in-process stays in the server: $(said)"
cp "$WORK/conf.saved" "$conf"
wait_until "$HOST_ONLINE_S" n_online "$LAB_NODES/$LAB_NODES" || fail "a host put back in the file did not join the server: $(said)"
info "the server follows its file: maintenance, a host removed and put back"

new_guest 3 s; g=$GUEST
UNDO=(vsh 3 destroy "$g")
same desktop start "$g"
[ "$(guest_state 3 "$g")" = running ] || fail "$g is $(guest_state 3 "$g") after start"
# the lab's guest answers ACPI once its init has opened the power button
_acpi() { grep -q 'ballast ready' "$LAB_DIR/node3/log/qemu/$g-serial.log" 2>/dev/null; }
wait_until 120 _acpi || fail "$g never got ready"
cleanup "rm -f $LAB_DIR/node*/log/qemu/$g-serial.log"
UNDO=(vsh 3 start "$g")
same_shutdown() {
	hv_local desktop shutdown "$g"; rc1=$?; out1=$(said)
	# started again only once it is off (a start while it still shuts
	# down is refused, and the wait below would wait for nothing)
	wait_until 60 _off || fail "$g is $(guest_state 3 "$g") after the in-process shutdown: $out1"
	vsh 3 start "$g" >/dev/null || fail "virsh start $g refused (now $(guest_state 3 "$g"))"
	wait_until 120 _acpi2 || fail "$g never got ready again (now $(guest_state 3 "$g"))"
	hv desktop shutdown "$g"; rc2=$?; out2=$(said)
	[ "$rc1" = "$rc2" ] && [ "$out1" = "$out2" ] && [ "$rc2" -eq 0 ] ||
		fail "shutdown: exit $rc1/$rc2, said '$out1' / '$out2'"
	info "desktop shutdown $g: exit 0, same output both ways: $out2"
}
_off() { [ "$(guest_state 3 "$g")" = "shut off" ]; }
_acpi2() { [ "$(grep -c 'ballast ready' "$LAB_DIR/node3/log/qemu/$g-serial.log" 2>/dev/null)" -ge 2 ]; }
same_shutdown
[ "$(guest_state 3 "$g")" = "shut off" ] || fail "$g is $(guest_state 3 "$g") after shutdown"

# ---- 20 deletes, timed (informational) ----
N=20
prefix="t$$-del"
cleanup "undefine_named $prefix"
for ((i = 1; i <= 2 * N + 2; i++)); do
	"$LAB" guest 1 "$prefix-$i" >/dev/null || fail "cannot define $prefix-$i"
done
# the last two: in-process sees them, then the server does
wait_until "$HOST_ONLINE_S" hv_local desktop delete "$prefix-$((2 * N + 2))" --yes || fail "the guests are not there: $(said)"
time_deletes() {	# FIRST LAST FUNCTION: the ms each delete took, one a line
	local i t0
	for ((i = $1; i <= $2; i++)); do
		t0=$(now_ms)
		"$3" desktop delete "$prefix-$i" --yes || fail "delete $prefix-$i: $(said)"
		echo $(( $(now_ms) - t0 ))
	done
}
wait_until "$HOST_ONLINE_S" hv desktop delete "$prefix-$((2 * N + 1))" --yes || fail "the server never saw the guests: $(said)"
time_deletes 1 "$N" hv_local >"$WORK/local.ms"
time_deletes $((N + 1)) $((2 * N)) hv >"$WORK/server.ms"
report() {
	sort -n "$2" | awk -v what="$1" '{ v[NR] = $1; s += $1 }
	    END { printf "%s: %d deletes, total %d ms, median %d ms\n", what, NR, s, v[int((NR + 1) / 2)] }'
}
info "$(report "in-process" "$WORK/local.ms")"
info "$(report "through the server" "$WORK/server.ms")"
[ -z "$(vsh 1 list --all --name | grep "^$prefix-")" ] || fail "guests left after the deletes"

# ---- a client that says nothing holds only its own thread ----
python3 -c "import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(30)" "$sock" &
mute=$(proc_id $!)
# shellcheck disable=SC2086
cleanup "signal_proc KILL $mute"
_mute_counted() { hv server status && grep -qx "clients 1" "$WORK/out"; }
wait_until 5 _mute_counted || fail "the silent client is not counted: $(said)"
hv host maintenance hv2 off || fail "a command beside a silent client: $(said)"
# shellcheck disable=SC2086
signal_proc KILL $mute
wait "${mute%% *}" 2>/dev/null
_mute_gone() { hv server status && grep -qx "clients 0" "$WORK/out"; }
wait_until 5 _mute_gone || fail "the silent client's end was not seen: $(said)"

# ---- one server per cluster ----
"$HVDECK" -c "$conf" server >"$WORK/out" 2>"$WORK/err"; rc=$?
[ "$rc" -eq 1 ] || fail "a second server: exit $rc: $(said)"
grep -qF "runs already (pid $SERVER_PID" "$WORK/err" || fail "a second server said: $(said)"

# ---- a read-only client: every entry that writes, through the socket ----
"$HVDECK" list-commands | awk -F'\t' '$4 == "writes" { print $2 }' >"$WORK/writes"
[ "$(wc -l <"$WORK/writes")" -ge 10 ] || fail "list-commands lists few writing entries: $(cat "$WORK/writes")"
version=$("$HVDECK" --version | awk '{ print $2 }')
proto=$(sed -n 's/^#define PROTO_VERSION \([0-9]*\)$/\1/p' "$top/include/srv/proto.h")
[ -n "$proto" ] || fail "no PROTO_VERSION in include/srv/proto.h"
python3 - "$sock" "$WORK/writes" "$version" "$proto" <<'EOF' || fail "a read-only client was let through"
import socket, struct, sys
sock, names = sys.argv[1], [l.rstrip("\n") for l in open(sys.argv[2])]
version, proto = sys.argv[3], sys.argv[4]
HELLO, HELLO_OK, REFUSE, CMD, SAY, EXIT = 1, 2, 3, 4, 5, 9

def send(s, t, fields):
    body = bytes([t]) + b"".join(f.encode() + b"\0" for f in fields)
    s.sendall(struct.pack(">I", len(body)) + body)

def recv(s):
    head = b""
    while len(head) < 4:
        head += s.recv(4 - len(head))
    n = struct.unpack(">I", head)[0]
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    return body[0], [f.decode() for f in body[1:].split(b"\0")[:-1]]

# another hvdeck's version is refused, naming both
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
send(s, HELLO, ["hvdeck-proto", proto, "0.0.1", "1", "root", ""])
t, f = recv(s)
if t != REFUSE or "hvdeck 0.0.1, this is hvdeck %s" % version not in f[0]:
    print("FAIL: HELLO of hvdeck 0.0.1 answered %d %s" % (t, f))
    sys.exit(1)
s.close()

bad = 0
for name in names:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    send(s, HELLO, ["hvdeck-proto", proto, version, "1", "root", ""])
    t, f = recv(s)
    assert t == HELLO_OK, (t, f)
    send(s, CMD, ["--"] + name.split(" ") + ["x"])
    said, status = [], None
    while status is None:
        t, f = recv(s)
        if t == SAY:
            said.append(f[1])
        elif t == EXIT:
            status = int(f[0])
    want = "read-only: %s is not allowed" % name
    if status != 1 or want not in said:
        print("FAIL: %s: exit %s, said %s" % (name, status, said))
        bad += 1
    s.close()
print("  read-only client refused for %d entries" % len(names))
sys.exit(1 if bad else 0)
EOF
hv -r host maintenance hv2 on; rc=$?
[ "$rc" -eq 1 ] && grep -qx "hvdeck: read-only: host maintenance is not allowed" "$WORK/err" ||
	fail "-r host maintenance: exit $rc: $(said)"
grep -A4 'name = "hv2"' "$conf" | grep -q 'maintenance = true' && fail "a read-only client changed $conf"

# ---- a client of another uid: only the peer credentials stop it ----
pub=$WORK/pub
mkdir -m 0755 "$pub"
cp "$conf" "$pub/hvdeck.conf"
chmod 0644 "$pub/hvdeck.conf"
# a copy nobody may run wherever the checkout is (/root is 0700)
install -m 0755 "$HVDECK" "$pub/hvdeck"
chmod 0711 "$WORK" "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/hvdeck"
chmod 0777 "$sock"
setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/ XDG_STATE_HOME=/nonexistent \
	"$pub/hvdeck" -S "$sock" -c "$pub/hvdeck.conf" host maintenance hv2 on >"$WORK/out" 2>"$WORK/err"; rc=$?
chmod 0700 "$WORK" "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/hvdeck"
chmod 0600 "$sock"
[ "$rc" -eq 1 ] || fail "a client of uid nobody: exit $rc: $(said)"
grep -q "the server refused this client: uid $(id -u nobody) may not use the server of uid 0" "$WORK/err" ||
	fail "a client of uid nobody said: $(said)"
grep -q "refused a client .*uid $(id -u nobody)" "$WORK/server.log" || fail "the server did not log the refusal"
grep -A4 'name = "hv2"' "$conf" | grep -q 'maintenance = true' && fail "the refused client changed $conf"
# ... and a directory open to others is refused by a client
chmod 0755 "$XDG_RUNTIME_DIR/hvdeck"
hv desktop start "$g"; rc=$?
chmod 0700 "$XDG_RUNTIME_DIR/hvdeck"
[ "$rc" -eq 1 ] && grep -q "is open to others (mode 0755, want 0700)" "$WORK/err" ||
	fail "a socket directory of mode 0755: exit $rc: $(said)"

# ---- a job outlives its client ----
# node 1's libvirtd frozen: the start waits in the server; the client is
# killed; thawed, the start ends in the server
cleanup "'$LAB' libvirtd-thaw 1"
new_guest 1 j; gj=$GUEST
_known() { hv desktop shutdown "$gj"; grep -q "it is not running" "$WORK/err"; }
wait_until 30 _known || fail "the server does not know $gj: $(said)"
"$LAB" libvirtd-freeze 1 || fail "cannot freeze node 1"
"$HVDECK" -c "$conf" desktop start "$gj" >"$WORK/client.out" 2>&1 &
client=$(proc_id $!)
job_runs() { hv server status && grep -q "^jobs running 1: start $gj" "$WORK/out"; }
wait_until 10 job_runs || { "$LAB" libvirtd-thaw 1; fail "the start is not a job of the server: $(said)"; }
# server stop asks on the terminal, naming the running job; n keeps it
tmx new-session -d -s hv -x 200 -y 10 \
	"$HVDECK -c $conf server stop; echo HVDECK-EXITED \$?; sleep 600" || fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
wait_until 10 on_screen "Stop the server \\(pid $SERVER_PID\\)\\? Its running jobs are cancelled: start $gj \\(job [0-9]+\\) \\[y/N\\]" ||
	{ "$LAB" libvirtd-thaw 1; fail "server stop did not ask naming the job: $(screen)"; }
keys n Enter
wait_until 10 on_screen "HVDECK-EXITED 1" || { "$LAB" libvirtd-thaw 1; fail "server stop answered n: $(screen)"; }
same_proc ${SERVERS[-1]} || { "$LAB" libvirtd-thaw 1; fail "server stop answered n stopped the server"; }
hv server stop </dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "server stop (--force answers it): asks for a confirmation on a terminal" "$WORK/err" ||
	{ "$LAB" libvirtd-thaw 1; fail "server stop without a terminal: exit $rc: $(said)"; }
# shellcheck disable=SC2086
signal_proc KILL $client
# shellcheck disable=SC2086
wait "${client%% *}" 2>/dev/null
"$LAB" libvirtd-thaw 1 || fail "cannot thaw node 1"
_running() { [ "$(guest_state 1 "$gj")" = running ]; }
wait_until 30 _running || fail "the job of a killed client did not finish: $gj is $(guest_state 1 "$gj")"
_ended() { audit_pid "desktop start" "$SERVER_PID"; }
wait_until 10 _ended || fail "no audit end line of the server for the start"
grep "\"desktop start\"" "$audit" | tail -n1 | grep -q '"result":"ok"' || fail "the start's audit: $(grep '"desktop start"' "$audit" | tail -n1)"
info "a job whose client was killed ended in the server"

# ---- kill -9: a stale socket is replaced ----
old=$SERVER_PID
# shellcheck disable=SC2086
signal_proc KILL ${SERVERS[-1]}
_gone() { ! same_proc ${SERVERS[-1]}; }
wait_until 10 _gone || fail "server $old survived SIGKILL"
[ -S "$sock" ] || fail "no stale socket after SIGKILL"
hv server status; rc=$?
[ "$rc" -eq 1 ] && grep -q "no server runs" "$WORK/err" || fail "status of a killed server: exit $rc: $(said)"
hv --no-server host maintenance hv2 off || fail "in-process after the crash: $(said)"
start_server
[ "$SERVER_PID" != "$old" ] || fail "the same pid?"
hv server status && grep -qx "pid $SERVER_PID" "$WORK/out" || fail "the new server: $(said)"
grep -q "replaced the stale socket" "$WORK/server.log" || fail "the server did not say it replaced the stale socket"
wait_until "$HOST_ONLINE_S" hosts_online || fail "the new server's hosts: $(said)"
hv host maintenance hv2 on || fail "maintenance through the new server: $(said)"
audit_pid "host maintenance" "$SERVER_PID" || fail "maintenance did not go through the new server"
hv host maintenance hv2 off

# ---- server stop ----
hv server stop || fail "server stop: exit $?: $(said)"
grep -q "stopping the server (pid $SERVER_PID)" "$WORK/out" || fail "stop said: $(said)"
_stopped() { ! same_proc ${SERVERS[-1]}; }
wait_until 10 _stopped || fail "server $SERVER_PID still runs after stop"
[ ! -e "$sock" ] || fail "the socket stays after stop"
hv server status; [ $? -eq 1 ] || fail "status after stop: $(said)"

# ---- idle: a server with no client and no job ends after server_idle ----
printf 'hosts = ();\nserver_idle = 1;\n' >"$WORK/idle.conf"
"$HVDECK" -c "$WORK/idle.conf" server start >"$WORK/out" 2>"$WORK/err" || fail "idle server: $(said)"
idle_pid=$(sed -n 's/^server started (pid \([0-9]*\))$/\1/p' "$WORK/out")
server_track "$idle_pid"
_idle_gone() { ! same_proc ${SERVERS[-1]}; }
wait_until 10 _idle_gone || fail "a server idle for server_idle = 1 still runs"
"$HVDECK" -c "$WORK/idle.conf" server start --keep >"$WORK/out" 2>"$WORK/err" || fail "kept server: $(said)"
idle_pid=$(sed -n 's/^server started (pid \([0-9]*\))$/\1/p' "$WORK/out")
server_track "$idle_pid"
sleep 3
same_proc ${SERVERS[-1]} || fail "server --keep ended while idle"
"$HVDECK" -c "$WORK/idle.conf" server stop --force >/dev/null || fail "stop of the kept server"
wait_until 10 _idle_gone || fail "the kept server still runs after stop"
pass
