#!/bin/bash
# A classroom-sized lab over the transport `host add` writes (qemu+ssh
# through hvdeck-ssh, hvdeck's key and known_hosts only): node 1 holds 300
# desktops, node 2 150, the shared groups pool 300 overlays, and both nodes
# are configured on that transport at once (libvirt 9.0's libssh client
# needed two such hosts to print GLib-CRITICAL on every dump, and crashed
# on the pool). hv1 is written by `host add` itself. dump, watch for 10 s,
# the console for 10 s, derive of a batch and a migration: no crash,
# nothing on stderr but hvdeck's own lines, each result checked against
# libvirt over TCP. The fill is emptied at exit so later tests keep their
# small lab. The libssh failures themselves: test_scale_libssh.sh.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
DESKS1=300 DESKS2=150 VOLS=300
cleanup "'$LAB' unfill"
"$LAB" fill 1 "$DESKS1" "$VOLS" >/dev/null || fail "lab.sh fill 1"
"$LAB" fill 2 "$DESKS2" 0 >/dev/null || fail "lab.sh fill 2"

# hvdeck's own directory: the lab's root key as hvdeck's key, node 2's host
# key known, node 1's learnt by host add
export XDG_CONFIG_HOME=$WORK/xdg
hd=$XDG_CONFIG_HOME/hvdeck
mkdir -p "$hd" && chmod 700 "$hd"
install -m 600 "$LAB_SSH_KEY" "$hd/id_ed25519" || fail "cannot copy the lab key"
install -m 644 "$LAB_SSH_KEY.pub" "$hd/id_ed25519.pub"
grep -vF "[127.0.0.1]:$LAB_SSH_PORT_1 " "$LAB_KNOWN_HOSTS" >"$hd/known_hosts"
chmod 600 "$hd/known_hosts"
uri_of() { echo "qemu+ssh://root@127.0.0.1:$1/system?command=hvdeck-ssh&no_tty=1&keyfile=$hd/id_ed25519"; }
conf=$WORK/hvdeck.conf
printf 'hosts = ( { name = "hv2"; uri = "%s"; } );\nconnect_timeout = 30;\n' \
	"$(uri_of "$LAB_SSH_PORT_2")" >"$conf"
in_process_line >>"$conf"
hv() { "$HVDECK" -c "$conf" --log "$WORK/hvdeck.log" "$@"; }

# only hvdeck's own lines on stderr: no GLib, libvirt or libssh chatter
own_stderr() {	# FILE WHAT
	local other
	other=$(grep -v '^hvdeck: ' "$1" | head -5)
	[ -z "$other" ] || fail "$2: stderr has lines that are not hvdeck's: $other"
}
count_fill() {	# NODE: fill desktops, fill volumes in groups (libvirt over TCP)
	echo "$(vsh "$1" list --all --name | grep -c "^fill-n$1-")" \
		"$(vsh "$1" vol-list groups | grep -c ' fill-')"
}

# ---- host key: the key host add logs in with, and its file ----
hv host key >"$WORK/key.out" 2>"$WORK/key.err" || fail "host key: $(cat "$WORK/key.err")"
[ "$(sed -n 1p "$WORK/key.out")" = "$(cat "$hd/id_ed25519.pub")" ] || fail "host key printed: $(cat "$WORK/key.out")"
[ "$(sed -n 2p "$WORK/key.out")" = "# $hd/id_ed25519.pub" ] || fail "host key's path line: $(cat "$WORK/key.out")"
[ "$(wc -l <"$WORK/key.out")" -eq 2 ] && [ ! -s "$WORK/key.err" ] || fail "host key printed more"

# ---- host add writes the transport, and learns node 1's key ----
hv host add hv1 127.0.0.1 --port "$LAB_SSH_PORT_1" --yes-fingerprint "$(node_host_key_fp 1)" \
	</dev/null >"$WORK/add.out" 2>"$WORK/add.err" || fail "host add: $(cat "$WORK/add.err" "$WORK/add.out")"
own_stderr "$WORK/add.err" "host add"
grep -qF "uri = \"$(uri_of "$LAB_SSH_PORT_1")\"" "$conf" ||
	fail "host add did not write qemu+ssh through hvdeck-ssh: $(cat "$conf")"
grep -qF "[127.0.0.1]:$LAB_SSH_PORT_1 " "$hd/known_hosts" || fail "host add did not learn node 1's key"

# ---- dump: every desktop and volume of both filled hosts ----
read -r d1 v1 < <(count_fill 1)
read -r d2 v2 < <(count_fill 2)
[ "$d1" -eq "$DESKS1" ] && [ "$d2" -eq "$DESKS2" ] && [ "$v1" -eq "$VOLS" ] && [ "$v2" -eq "$VOLS" ] ||
	fail "the fill is not what was asked: $d1 $d2 $v1 $v2"
t0=$(now_ms)
hv dump --json >"$WORK/dump.json" 2>"$WORK/dump.err" || fail "dump exited $?: $(head -5 "$WORK/dump.err")"
info "dump of $((d1 + d2)) desktops and 2x$v1 volumes: $(( $(now_ms) - t0 )) ms"
[ -s "$WORK/dump.err" ] && fail "dump wrote on stderr: $(head -5 "$WORK/dump.err")"
for h in 1 2; do
	want=$([ $h = 1 ] && echo "$d1" || echo "$d2")
	got=$(jq --arg h "hv$h" --arg p "fill-n$h-" '[.desktops[] | select(.host == $h and (.name | startswith($p)))] | length' "$WORK/dump.json")
	[ "$got" = "$want" ] || fail "dump: hv$h has $got fill desktops, libvirt $want"
	got=$(jq --arg h "hv$h" '[.pools[] | select(.host == $h and .name == "groups") | .volumes[] | select(.name | startswith("fill-"))] | length' "$WORK/dump.json")
	[ "$got" = "$VOLS" ] || fail "dump: hv$h's groups pool has $got fill volumes, libvirt $VOLS"
	jq -e --arg h "hv$h" '.hosts[] | select(.name == $h) | .state == "online"' "$WORK/dump.json" >/dev/null ||
		fail "dump: hv$h is not online"
done

# ---- watch for 10 s ----
# hvdeck itself in the background, not the hv function: $! must be the
# process signalled below (a function runs in a subshell whose hvdeck
# would outlive the TERM and keep refreshing pools into later tests)
"$HVDECK" -c "$conf" --log "$WORK/hvdeck.log" watch --json \
	>"$WORK/watch.jsonl" 2>"$WORK/watch.err" &
wpid=$!
wid=$(proc_id "$wpid") && cleanup "signal_proc TERM $wid"
sleep 10
same_proc $wid || fail "watch died within 10 s: $(head -5 "$WORK/watch.err")"
for h in 1 2; do
	jq_any --arg h "hv$h" 'select(.kind == "host" and .object.name == $h and .object.state == "online")' "$WORK/watch.jsonl" ||
		fail "watch never saw hv$h online"
done
n=$(jq -r 'select(.kind == "desktop") | .object.name' "$WORK/watch.jsonl" 2>/dev/null | grep -c '^fill-n')
[ "$n" -ge $((d1 + d2)) ] || fail "watch reported $n fill desktops, not $((d1 + d2))"
signal_proc TERM $wid
wait "$wpid"
[ -s "$WORK/watch.err" ] && fail "watch wrote on stderr: $(head -5 "$WORK/watch.err")"

# ---- the console for 10 s ----
tui_start "$conf" 160 50
wait_screen 60 "hv1 +mixed +online"
wait_screen 30 "hv2 +mixed +online"
keys 4; wait_screen 10 "Desktops \\($((d1 + d2))\\)"
keys /; keys -l "fill-n2-0150"; keys Enter
wait_screen 10 "fill-n2-0150 +shutoff +hv2"
sleep 10
on_screen "HVDECK-EXITED" && { screen >&2; fail "the console exited"; }
on_screen "CRITICAL|libvirt:|Segmentation" && { screen >&2; fail "the console's terminal shows foreign lines"; }
keys Escape
tmx kill-session -t hv
# the server the console started (the default) would outlive it by
# server_idle: the commands below connect on their own, as one-shot
# commands with no server do (dump must meet node 1's new key itself)
if [ -n "$(server_pid)" ]; then
	hv server stop --force >/dev/null 2>&1 || fail "server stop after the console"
	no_server() { [ -z "$(server_pid)" ]; }
	wait_until 15 no_server || fail "the console's server did not stop"
fi

# ---- derive of a batch into the filled pool ----
t="t$$"
cleanup "rm -f '$LAB_STORAGE'/groups/$t-*; for _n in 1 2; do vsh \$_n pool-refresh groups; done"
hv derive debian-template.qcow2 "$t-d{1..5}.qcow2" --count 5 >"$WORK/derive.out" 2>"$WORK/derive.err" ||
	fail "derive a batch: $(cat "$WORK/derive.err")"
own_stderr "$WORK/derive.err" "derive"
grep -q "made 5 in pool groups" "$WORK/derive.out" || fail "derive: $(cat "$WORK/derive.out")"
for d in 1 2 3 4 5; do
	for h in 1 2; do
		vsh "$h" vol-info --pool groups "$t-d$d.qcow2" >/dev/null 2>&1 || fail "node $h does not list $t-d$d.qcow2"
	done
done

# ---- a migration between the two filled hosts ----
running_guest 1 mig
hv migrate "$GUEST" hv2 >"$WORK/mig.out" 2>"$WORK/mig.err" || fail "migrate: $(cat "$WORK/mig.err")"
own_stderr "$WORK/mig.err" "migrate"
[ "$(guest_state 2 "$GUEST")" = running ] || fail "$GUEST is not running on node 2"
vsh 1 domstate "$GUEST" 2>/dev/null | grep -q running && fail "$GUEST still runs on node 1"

# ---- host rekey works on the URI host add wrote (hvdeck-ssh's known_hosts) ----
fp=$("$LAB" sshd-rekey 1) || fail "lab.sh sshd-rekey 1"
hv dump >/dev/null 2>"$WORK/stale.err" && fail "dump trusted node 1's new key before host rekey"
hv host rekey hv1 --yes-fingerprint "$fp" </dev/null >"$WORK/rekey.out" 2>"$WORK/rekey.err" ||
	fail "host rekey: $(cat "$WORK/rekey.err" "$WORK/rekey.out")"
grep -qF "hvdeck's known_hosts now holds $fp for hv1" "$WORK/rekey.out" || fail "host rekey said: $(cat "$WORK/rekey.out")"
hv dump >/dev/null 2>"$WORK/after.err" || fail "dump after host rekey: $(cat "$WORK/after.err")"

grep -E 'CRITICAL|Segmentation' "$WORK/hvdeck.log" && fail "the log shows a crash"
pass "host key, host add, host rekey, dump, watch 10 s, console 10 s, derive 5, migrate over qemu+ssh/hvdeck-ssh with $((d1 + d2)) desktops and $VOLS volumes on 2 hosts"
