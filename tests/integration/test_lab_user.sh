#!/usr/bin/env bash
# The lab's test user and the helpers the add-host tests build on: a
# password typed into a tmux pane (tui_type_secret) logs the user in at an
# interactive ssh prompt - the way a test types it into hvdeck's form - with
# the password in no process's argv or environment and nowhere in the pane's
# text; the user reaches the node's libvirt; node_host_key_fp is the key the
# node serves; root cannot log in by password.
. "$(dirname "$0")/lib.sh"

[ -n "${LAB_USER:-}" ] || fail "lab.sh env gives no LAB_USER"
port_var=LAB_SSH_PORT_$LAB_USER_NODE
port=${!port_var}

# the node serves the key node_host_key_fp reports
served=$(ssh-keyscan -t ed25519 -p "$port" 127.0.0.1 2>/dev/null | ssh-keygen -lf - -E sha256 | cut -d' ' -f2)
fp=$(node_host_key_fp "$LAB_USER_NODE")
case $fp in SHA256:?*) ;; *) fail "node_host_key_fp gave '$fp'" ;; esac
[ "$served" = "$fp" ] || fail "node serves $served, node_host_key_fp says $fp"

out=$(user_ssh 'id -un; virsh -q -c qemu:///system uri' 2>&1) || fail "user_ssh: $out"
[ "$out" = "$LAB_USER
qemu:///system" ] || fail "user_ssh as $LAB_USER gave: $out"

# an interactive password prompt in a pane, answered with tui_type_secret
tmx new-session -d -s hv -x 100 -y 20 \
	"ssh -F /dev/null -o UserKnownHostsFile=$LAB_KNOWN_HOSTS -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o PubkeyAuthentication=no -o PreferredAuthentications=password -p $port $LAB_USER@127.0.0.1 'echo LOGGED-IN-AS \$(id -un); sleep 600'" ||
	fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
wait_screen 20 "password:"
tui_type_secret <"$LAB_USER_PASSWORD_FILE"
keys Enter
wait_screen 20 "LOGGED-IN-AS $LAB_USER"
assert_password_not_in_procs
screen >"$WORK/pane.txt"
assert_no_password "$WORK/pane.txt"
tmx list-buffers 2>/dev/null | grep -q hvsecret && fail "tui_type_secret left its tmux buffer"

# root stays key-only on that node (askpass: made by user_ssh above)
[ -x "$WORK/askpass" ] || fail "user_ssh made no askpass script"
SSH_ASKPASS=$WORK/askpass SSH_ASKPASS_REQUIRE=force ssh -F /dev/null \
	-o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
	-o PubkeyAuthentication=no -o PreferredAuthentications=password \
	-o NumberOfPasswordPrompts=1 -p "$port" root@127.0.0.1 true </dev/null >/dev/null 2>&1 &&
	fail "root logged in by password"

pass "password typed into a pane logs $LAB_USER in on node $LAB_USER_NODE"
