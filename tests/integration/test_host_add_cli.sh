#!/bin/bash
# `hvdeck host add` without a terminal: an unknown key is refused (exit 1)
# unless --yes-fingerprint names it; a wrong fingerprint is refused; a
# refused key cannot ask for a password; libvirtd down fails the
# pre-flight; the same libvirt host UUID as a configured host is refused;
# bad usage exits 2. With hvdeck's key in the
# lab's root authorized_keys and the node's fingerprint, root on node 1 is
# added (exit 0), with its role, and dump shows it online.
. "$(dirname "$0")/lib.sh"

u=${LAB_USER_NODE:-$LAB_NODES}
[ "$u" -ne 1 ] || fail "needs 2 nodes"
port=$LAB_SSH_PORT_1
[ -n "$port" ] || fail "no ssh port for node 1"
export XDG_CONFIG_HOME=$WORK/xdg XDG_STATE_HOME=$WORK/state
uri_u=LAB_URI_$u
conf=$WORK/hvdeck.conf
printf 'hosts = ( { name = "hvu"; uri = "%s"; } );\nconnect_timeout = 30;\n' "${!uri_u}" >"$conf"
conf_dup=$WORK/dup.conf
printf 'hosts = ( { name = "hv1"; uri = "%s"; } );\nconnect_timeout = 30;\n' "$LAB_URI_1" >"$conf_dup"
cp "$conf" "$WORK/conf.orig"
cp "$conf_dup" "$WORK/dup.orig"
fp=$(node_host_key_fp 1)
add() { "$HVDECK" -c "$1" --log "$WORK/cli.log" host add "${@:2}" </dev/null >"$WORK/out" 2>"$WORK/err"; }
expect() {	# STATUS WORDS COMMAND...
	local want=$1 words=$2 rc
	shift 2
	"$@"; rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $(cat "$WORK/err")"
	[ -z "$words" ] || grep -qF -- "$words" "$WORK/out" "$WORK/err" ||
		fail "'$*' does not say '$words': $(cat "$WORK/out" "$WORK/err")"
}

# bad usage: 2, before anything connects
expect 2 "usage" add "$conf" hvroot
expect 2 "--port: '0' is not a whole number 1..65535" add "$conf" hvroot 127.0.0.1 --port 0
expect 2 "--role: 'boss' is not one of hypervisor|disk|mixed" add "$conf" hvroot 127.0.0.1 --role boss
expect 2 "unknown option" add "$conf" hvroot 127.0.0.1 --frobnicate
expect 2 "already in use" add "$conf" hvu 127.0.0.1 --port "$port"
expect 2 "host name \"my node\" has ' ' at byte 3" add "$conf" "my node" 127.0.0.1 --port "$port"
expect 2 "host name \"x\$(id)\" has '\$' at byte 2" add "$conf" 'x$(id)' 127.0.0.1 --port "$port"
cmp -s "$conf" "$WORK/conf.orig" || fail "bad usage changed the config"

# no terminal, no fingerprint: the unknown key is refused (hvdeck's key is
# made on the way)
expect 1 "--yes-fingerprint" add "$conf" hvroot 127.0.0.1 --port "$port"
[ -s "$XDG_CONFIG_HOME/hvdeck/id_ed25519.pub" ] || fail "hvdeck's key was not made"
# a fingerprint that is not the server's
expect 1 "fingerprint mismatch" add "$conf" hvroot 127.0.0.1 --port "$port" --yes-fingerprint "SHA256:AAAAnotthisone"
# root refuses hvdeck's key and takes no passwords: the key to install
# is printed, and there is no terminal to wait on
expect 1 "root@127.0.0.1 takes no password logins: install hvdeck's key in its ~/.ssh/authorized_keys: $(cut -d' ' -f1,2 "$XDG_CONFIG_HOME/hvdeck/id_ed25519.pub")" add "$conf" hvroot 127.0.0.1 --port "$port" --yes-fingerprint "$fp"
grep -qF "no terminal to wait on: install it, then run host add again" "$WORK/err" || fail "no word of the missing terminal: $(cat "$WORK/err")"
cmp -s "$conf" "$WORK/conf.orig" || fail "a refused add changed the config"

# hvdeck's key for the lab's root (removed again at exit)
pub=$(cat "$XDG_CONFIG_HOME/hvdeck/id_ed25519.pub")
printf '%s\n' "$pub" >>"$LAB_DIR/authorized_keys"
cleanup "grep -vxF -- '$pub' '$LAB_DIR/authorized_keys' >'$LAB_DIR/authorized_keys.tmp'; cat '$LAB_DIR/authorized_keys.tmp' >'$LAB_DIR/authorized_keys'; rm -f '$LAB_DIR/authorized_keys.tmp'"

# libvirtd down on node 1 (killed: its socket file stays, and the lab's
# nodes share one process list, so the pre-flight may still see "a"
# libvirtd): the pre-flight or the libvirt step fails, nothing is written
"$LAB" libvirtd-stop 1 >/dev/null || fail "lab.sh libvirtd-stop failed"
cleanup "'$LAB' libvirtd-start 1"
expect 1 "" add "$conf" hvroot 127.0.0.1 --port "$port" --yes-fingerprint "$fp"
grep -qE "^FAIL (libvirt daemon|libvirt over qemu\+ssh: )" "$WORK/out" ||
	fail "neither the pre-flight nor the libvirt step failed: $(cat "$WORK/out")"
cmp -s "$conf" "$WORK/conf.orig" || fail "a failed pre-flight changed the config"
"$LAB" libvirtd-start 1 >/dev/null || fail "lab.sh libvirtd-start failed"

# node 1 is hv1 of this config already, by another URI: the same machine
expect 1 "is already host hv1" add "$conf_dup" hvroot 127.0.0.1 --port "$port" --yes-fingerprint "$fp"
cmp -s "$conf_dup" "$WORK/dup.orig" || fail "a duplicate UUID changed the config"

# added
expect 0 "host hvroot added" add "$conf" hvroot 127.0.0.1 --port "$port" --role disk --yes-fingerprint "$fp"
grep -q "^ok   connect 127.0.0.1:$port" "$WORK/out" || fail "no 'ok connect' line: $(cat "$WORK/out")"
grep -q "^ok   libvirt" "$WORK/out" || fail "no libvirt line: $(cat "$WORK/out")"
grep -q 'name = "hvroot"' "$conf" || fail "hvroot not saved"
grep -q 'role = "disk"' "$conf" || fail "its role not saved"
"$HVDECK" -c "$conf" dump >"$WORK/dump" 2>"$WORK/dump.err" || fail "dump failed: $(cat "$WORK/dump.err")"
grep -qE "^host name=hvroot state=online role=disk" "$WORK/dump" || fail "hvroot is not online in dump: $(cat "$WORK/dump")"
# and once more: the name is taken now
expect 2 "already in use" add "$conf" hvroot 127.0.0.1 --port "$port" --yes-fingerprint "$fp"
pass "refusals without a terminal, bad usage 2, root by key added and online"
