#!/bin/bash
# hvdeck host rekey: after a node's host key changed, libvirt refuses the
# host; rekey shows the old and new fingerprints and replaces hvdeck's
# known_hosts line only once the new fingerprint was typed on the terminal
# or given with --yes-fingerprint. Without a terminal and without the flag,
# or with a wrong fingerprint, nothing changes.
. "$(dirname "$0")/lib.sh"

node=1
port_var=LAB_SSH_PORT_$node; port=${!port_var}
export XDG_CONFIG_HOME=$WORK/xdg
mkdir -p -m 700 "$XDG_CONFIG_HOME/hvdeck"
known=$XDG_CONFIG_HOME/hvdeck/known_hosts
grep -F "[127.0.0.1]:$port " "$LAB_KNOWN_HOSTS" >"$known" || fail "no lab known_hosts line for port $port"
echo "[10.9.9.9]:2200 $(cut -d' ' -f1,2 "$LAB_SSH_KEY.pub")" >>"$known"	# another host's: stays
chmod 600 "$known"
conf=$WORK/hvdeck.conf
cat >"$conf" <<CONF
hosts = ( { name = "hv1"; uri = "qemu+libssh://root@127.0.0.1:$port/system?keyfile=$LAB_SSH_KEY&known_hosts=$known&sshauth=privkey"; } );
connect_timeout = 30;
CONF
old_fp=$(node_host_key_fp "$node")

"$HVDECK" -c "$conf" dump >"$WORK/out" 2>&1 || fail "dump with the known key failed: $(cat "$WORK/out")"
"$HVDECK" -c "$conf" host rekey hv1 </dev/null >"$WORK/out" 2>&1 || fail "rekey of an unchanged key failed: $(cat "$WORK/out")"
grep -q "nothing to change" "$WORK/out" || fail "unchanged key: $(cat "$WORK/out")"

new_fp=$("$LAB" sshd-rekey "$node") || fail "lab.sh sshd-rekey failed"
[ "$new_fp" != "$old_fp" ] || fail "the host key did not change"
if "$HVDECK" -c "$conf" dump >"$WORK/out" 2>&1; then fail "dump accepted a changed host key"; fi
grep -qiE "host key|mismatch|changed" "$WORK/out" || fail "dump does not name the key mismatch: $(cat "$WORK/out")"
cp "$known" "$WORK/known.before"

# No terminal, no flag: refused.
setsid "$HVDECK" -c "$conf" host rekey hv1 </dev/null >"$WORK/out" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "rekey without a terminal: exit $rc, want 1: $(cat "$WORK/out")"
grep -q "no terminal" "$WORK/out" || fail "no-terminal refusal unclear: $(cat "$WORK/out")"
grep -qF "known key: $old_fp" "$WORK/out" || fail "old fingerprint not shown: $(cat "$WORK/out")"
grep -qF "new key:   ssh-ed25519 $new_fp" "$WORK/out" || fail "new fingerprint not shown: $(cat "$WORK/out")"
cmp -s "$known" "$WORK/known.before" || fail "known_hosts changed without a confirmation"

# A wrong fingerprint: refused.
"$HVDECK" -c "$conf" host rekey hv1 --yes-fingerprint "$old_fp" </dev/null >"$WORK/out" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "rekey with the old fingerprint: exit $rc, want 1"
grep -q "nothing changed" "$WORK/out" || fail "wrong fingerprint refusal unclear: $(cat "$WORK/out")"
cmp -s "$known" "$WORK/known.before" || fail "known_hosts changed for a wrong fingerprint"

# Typed on the terminal (a wrong one first, then the right one).
tmx new-session -d -s rk -x 150 -y 20 "$HVDECK -c $conf host rekey hv1; echo REKEY-EXIT \$?; sleep 600" ||
	fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t rk"
rk_screen() { tmx capture-pane -p -t rk; }
wait_until 30 eval 'rk_screen | grep -q "Type the new fingerprint"' || { rk_screen >&2; fail "no prompt"; }
tmx send-keys -t rk -l "SHA256:not-it"; tmx send-keys -t rk Enter
wait_until 10 eval 'rk_screen | grep -q "REKEY-EXIT 1"' || { rk_screen >&2; fail "a wrong typed fingerprint was not refused"; }
cmp -s "$known" "$WORK/known.before" || fail "known_hosts changed for a wrong typed fingerprint"
tmx kill-session -t rk
tmx new-session -d -s rk -x 150 -y 20 "$HVDECK -c $conf host rekey hv1; echo REKEY-EXIT \$?; sleep 600"
wait_until 30 eval 'rk_screen | grep -q "Type the new fingerprint"' || { rk_screen >&2; fail "no prompt"; }
tmx send-keys -t rk -l "$new_fp"; tmx send-keys -t rk Enter
wait_until 10 eval 'rk_screen | grep -q "REKEY-EXIT 0"' || { rk_screen >&2; fail "the typed fingerprint was not accepted"; }
grep -qF "[10.9.9.9]:2200 " "$known" || fail "another host's known_hosts line was lost"
[ "$(grep -cF "[127.0.0.1]:$port " "$known")" -eq 1 ] || fail "not exactly one line for the host: $(cat "$known")"
[ "$(stat -c %a "$known")" = 600 ] || fail "known_hosts mode $(stat -c %a "$known")"
"$HVDECK" -c "$conf" dump >"$WORK/out" 2>&1 || fail "dump after rekey failed: $(cat "$WORK/out")"

# Once more, confirmed with the flag.
new_fp=$("$LAB" sshd-rekey "$node") || fail "lab.sh sshd-rekey failed"
"$HVDECK" -c "$conf" host rekey hv1 --yes-fingerprint "$new_fp" </dev/null >"$WORK/out" 2>&1 ||
	fail "rekey with the right fingerprint failed: $(cat "$WORK/out")"
"$HVDECK" -c "$conf" dump >"$WORK/out" 2>&1 || fail "dump after the second rekey failed: $(cat "$WORK/out")"
pass
