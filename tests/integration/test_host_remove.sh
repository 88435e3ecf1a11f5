#!/bin/bash
# hvdeck host remove: the host leaves the config file and hvdeck's
# known_hosts (another host's line stays), never touching the host itself;
# Shift-X in the console asks, naming the host, then the row goes; the
# command line asks on its terminal too (none: refused; n: nothing
# changes) unless --yes. Bad usage, an unknown name and a -H host are
# refused with the config unchanged.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs 2 lab nodes"
export XDG_CONFIG_HOME=$WORK/xdg
mkdir -p -m 700 "$XDG_CONFIG_HOME/hvdeck"
known=$XDG_CONFIG_HOME/hvdeck/known_hosts
other="[10.9.9.9]:2200 $(cut -d' ' -f1,2 "$LAB_SSH_KEY.pub")"
{ grep -F "[127.0.0.1]:$LAB_SSH_PORT_1 " "$LAB_KNOWN_HOSTS"; echo "$other"; } >"$known"
chmod 600 "$known"
conf=$WORK/hvdeck.conf
cat >"$conf" <<CONF
hosts = (
  { name = "hv1"; uri = "qemu+libssh://root@127.0.0.1:$LAB_SSH_PORT_1/system?keyfile=$LAB_SSH_KEY&known_hosts=$known&sshauth=privkey"; },
  { name = "hv2"; uri = "$LAB_URI_2"; }
);
stats_interval = 1;
connect_timeout = 30;
CONF
in_process_line >>"$conf"
cp "$conf" "$WORK/conf.before"
cp "$LAB_DIR/authorized_keys" "$WORK/authorized_keys.before"

"$HVDECK" -c "$conf" host remove >"$WORK/out" 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "host remove without a name: exit $rc, want 2"
"$HVDECK" -c "$conf" host remove nosuch >"$WORK/out" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "host remove of an unknown host: exit $rc, want 1"
grep -q "no host called nosuch" "$WORK/out" || fail "unknown host: $(cat "$WORK/out")"
"$HVDECK" -c "$conf" -H "tmp=$LAB_URI_2" host remove tmp >"$WORK/out" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "host remove of a -H host: exit $rc, want 1"
grep -q "given with -H" "$WORK/out" || fail "-H host: $(cat "$WORK/out")"
cmp -s "$conf" "$WORK/conf.before" || fail "a refused remove changed the config"

# The console: Shift-X on hv1 asks, y removes it from the pane and the files.
tui_start "$conf" 120 30
wait_screen 30 "^.hv1 +mixed +online"
wait_screen 30 "^.hv2 +mixed +online"
keys 1; keys g
keys X
wait_screen 5 "Remove hypervisor hv1"
keys y
wait_until 15 eval '! screen | grep -qE "^.hv1 +mixed"' || { screen >&2; fail "hv1 still in the pane"; }
on_screen "^.hv2 +mixed +online" || { screen >&2; fail "hv2 left the pane"; }
grep -q '"hv1"' "$conf" && fail "hv1 still in the config: $(cat "$conf")"
grep -q '"hv2"' "$conf" || fail "hv2 lost from the config"
grep -qF "[127.0.0.1]:$LAB_SSH_PORT_1 " "$known" && fail "hv1's known_hosts line kept"
grep -qxF "$other" "$known" || fail "another host's known_hosts line lost"
keys q
wait_screen 10 "HVDECK-EXITED 0"

# the command line asks too, naming the host, unless --yes: without a
# terminal it is refused, on one n changes nothing, then --yes removes
cp "$conf" "$WORK/conf.hv2"
"$HVDECK" -c "$conf" host remove hv2 </dev/null >"$WORK/out" 2>&1 && fail "host remove without --yes and no terminal went ahead"
grep -q "host remove: asks for a confirmation on a terminal" "$WORK/out" || fail "no terminal: $(cat "$WORK/out")"
cmp -s "$conf" "$WORK/conf.hv2" || fail "an unconfirmed remove changed the config"
tmx new-session -d -s cli -x 160 -y 10 "$HVDECK -c $conf host remove hv2; echo CLI-EXITED \$?; sleep 600" ||
	fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t cli"
cli_screen() { tmx capture-pane -p -t cli | grep -qE -- "$1"; }
wait_until 10 cli_screen "Remove hypervisor hv2 from the config .*\[y/N\]" ||
	fail "the command line did not ask: $(tmx capture-pane -p -t cli)"
tmx send-keys -t cli n Enter
wait_until 10 cli_screen "CLI-EXITED 1" || fail "n did not end it with 1: $(tmx capture-pane -p -t cli)"
cli_screen "host remove: not confirmed" || fail "n said: $(tmx capture-pane -p -t cli)"
cmp -s "$conf" "$WORK/conf.hv2" || fail "a declined remove changed the config"
"$HVDECK" -c "$conf" host remove hv2 --yes >"$WORK/out" 2>&1 || fail "host remove hv2 --yes: $(cat "$WORK/out")"
grep -q "hv2 removed" "$WORK/out" || fail "remove says: $(cat "$WORK/out")"
grep -q '"hv2"' "$conf" && fail "hv2 still in the config"
cmp -s "$LAB_DIR/authorized_keys" "$WORK/authorized_keys.before" || fail "the host's authorized_keys changed"
pass
