#!/bin/bash
# Add host from the console: `a` in the hypervisors pane opens the form;
# the lab's test user's node is added by password (typed into the pane,
# never on hvdeck's argv); the host key's fingerprint is shown and
# accepted with y; the checklist shows its steps; hvdeck's key lands in
# the user's authorized_keys exactly once; the host comes online in the
# pane. A second add of the same name, and of the same address, is
# refused. After a restart the host comes online by key alone. The
# password is in no screen, log, config or audit line.
. "$(dirname "$0")/lib.sh"

[ -n "${LAB_USER:-}" ] || fail "the lab has no test user (lab.sh too old?)"
u=$LAB_USER_NODE
port_var=LAB_SSH_PORT_$u; port=${!port_var}
export XDG_CONFIG_HOME=$WORK/xdg XDG_STATE_HOME=$WORK/state
pw=$(lab_user_password)
[ -n "$pw" ] || fail "no password for $LAB_USER"
conf=$WORK/hvdeck.conf
# node 1 over TCP is the cluster; the user's node is added (the lab puts
# the user on its last node, never node 1)
[ "$u" -ne 1 ] || fail "the test user is on node 1: nothing to add it beside"
printf 'hosts = ( { name = "hv1"; uri = "%s"; } );\nstats_interval = 1;\nconnect_timeout = 30;\n' \
	"$LAB_URI_1" >"$conf"
in_process_line >>"$conf"
cleanup "sed -i '/ hvdeck@/d' '$LAB_USER_AUTHORIZED_KEYS'"

screens=$WORK/screens.txt
snap() { screen >>"$screens"; }

tui_start "$conf" 120 40
wait_screen 30 "hv1 +mixed +online"
keys 1 a
wait_screen 5 "Add a hypervisor"
keys -l "hvnew"; keys Tab
keys -l "127.0.0.1"; keys Tab
keys C-u; keys -l "$port"; keys Tab
keys C-u; keys -l "$LAB_USER"; keys Tab
keys Down	# role: hypervisor
keys Enter

# the fingerprint, asked for on the message line
fp=$(node_host_key_fp "$u")
wait_screen 30 "Accept ED25519 SHA256"
snap
screen | grep -qF "Accept ED25519 $fp? Type yes, then Enter" || { screen >&2; fail "the question does not show $fp"; }
on_screen "connect 127.0.0.1:$port" || { screen >&2; fail "the checklist does not show the connect step"; }
# typed yes, as on the command line (a lone y no longer accepts)
keys -l yes; keys Enter
# hvdeck's key is refused (not installed yet): the password field
wait_screen 30 "Password for $LAB_USER@127.0.0.1"
snap
on_screen "log in as $LAB_USER with hvdeck's key" || { screen >&2; fail "the checklist does not show the refused key"; }
# a typo costs one try, not the add
keys -l "not-the-password"; keys Enter
wait_screen 30 "Password for $LAB_USER@127.0.0.1 \(try 2 of 3\)"
on_screen "wrong password for $LAB_USER@127.0.0.1: try 2 of 3" || { screen >&2; fail "the checklist does not show the wrong password"; }
tui_type_secret <"$LAB_USER_PASSWORD_FILE"
snap
keys Enter
# added: the new row is there and comes online; the form stays, showing
# the steps (the pre-flight's warnings), until a key
wait_screen 60 "host hvnew added; read the steps above, then Enter or Esc closes"
on_screen "\[warn\] SPICE/VNC TLS certificates: missing" || { screen >&2; fail "the pre-flight's warnings are not shown"; }
snap
keys Enter
_form_closed() { ! on_screen "Add a hypervisor"; }
wait_until 5 _form_closed || fail "Enter did not close the form of an added host"
wait_screen 60 "hvnew +hypervisor +online"

pub=$(cut -d' ' -f2 "$XDG_CONFIG_HOME/hvdeck/id_ed25519.pub") || fail "no hvdeck key"
[ "$(stat -c %a "$XDG_CONFIG_HOME/hvdeck/id_ed25519")" = 600 ] || fail "hvdeck's key is not 0600"
n=$(grep -cF -- "$pub" "$LAB_USER_AUTHORIZED_KEYS")
[ "$n" -eq 1 ] || fail "hvdeck's key is $n times in $LAB_USER_AUTHORIZED_KEYS"
grep -q 'name = "hvnew"' "$conf" || fail "hvnew not saved: $(cat "$conf")"
grep -qF "qemu+ssh://$LAB_USER@127.0.0.1:$port/system?command=hvdeck-ssh&no_tty=1&keyfile=$XDG_CONFIG_HOME/hvdeck/id_ed25519\"" "$conf" ||
	fail "hvnew's URI is not qemu+ssh through hvdeck-ssh with hvdeck's key: $(cat "$conf")"
grep -q 'role = "hypervisor"' "$conf" || fail "hvnew's role not saved"
cp "$conf" "$WORK/conf.added"

# the same name again: refused beside the name field, before connecting
keys a
wait_screen 5 "Add a hypervisor"
keys -l "hvnew"; keys Tab; keys -l "10.9.9.9"; keys Enter
wait_screen 10 "already in use"
snap
keys Escape
wait_until 5 sh -c "! tmux -S '$TMUX_SOCKET' capture-pane -p -t hv | grep -q 'Add a hypervisor'" ||
	fail "Esc did not close the form"
# the same address and port under another name, from the : line (it
# opens the form filled in and runs it): refused by the check step
keys :
keys -l "host add hvsame localhost --port $port --user $LAB_USER"
keys Enter
wait_screen 30 "is already host hvnew"
on_screen "Add a hypervisor" || { screen >&2; fail ":host add showed no form"; }
snap
keys Escape
cmp -s "$conf" "$WORK/conf.added" || fail "a refused add changed the config"

# Esc while the add waits for an answer: cancelled, nothing written
keys a
wait_screen 5 "Add a hypervisor"
keys -l "hvesc"; keys Tab; keys -l "127.0.0.1"; keys Tab
keys C-u; keys -l "$LAB_SSH_PORT_1"
keys Enter
wait_screen 30 "Accept ED25519 SHA256"
keys Escape
wait_until 5 sh -c "! tmux -S '$TMUX_SOCKET' capture-pane -p -t hv | grep -q 'Add a hypervisor'" ||
	fail "Esc did not close the running form"
wait_screen 10 "adding host hvesc cancelled|add.*hvesc.*cancelled"
cmp -s "$conf" "$WORK/conf.added" || fail "a cancelled add changed the config"
grep -q "127.0.0.1\]:$LAB_SSH_PORT_1 " "$XDG_CONFIG_HOME/hvdeck/known_hosts" &&
	fail "a key that was not accepted is in known_hosts"

# a host key answered with a lone y: refused, nothing written
keys a
wait_screen 5 "Add a hypervisor"
keys -l "hvy"; keys Tab; keys -l "127.0.0.1"; keys Tab
keys C-u; keys -l "$LAB_SSH_PORT_1"; keys Enter
wait_screen 30 "Accept ED25519 SHA256:[^ ]+\? Type yes, then Enter"
keys -l y; keys Enter
wait_screen 30 "ED25519 key SHA256:[^ ]+ not accepted"
grep -q "127.0.0.1\]:$LAB_SSH_PORT_1 " "$XDG_CONFIG_HOME/hvdeck/known_hosts" &&
	fail "a key answered y (not yes) is in known_hosts"
cmp -s "$conf" "$WORK/conf.added" || fail "a refused key changed the config"
keys Escape
wait_until 5 _form_closed || fail "Esc did not close the form of a refused key"

# a key-only root (the lab's nodes take no passwords for root), at 200
# columns: no password question it cannot use, but hvdeck's public key,
# whole, to install; Enter tries the key again. Node 1 is hv1 already:
# once the key works, the add stops at the same-host check.
tui_resize 200 40
keys a
wait_screen 5 "Add a hypervisor"
keys -l "hvroot"; keys Tab; keys -l "127.0.0.1"; keys Tab
keys C-u; keys -l "$LAB_SSH_PORT_1"; keys Tab
keys C-u; keys -l "root"; keys Enter
wait_screen 30 "Accept ED25519 SHA256"
keys -l yes; keys Enter
wait_screen 30 "root@127\.0\.0\.1 takes no password logins: install hvdeck's key in its ~/\.ssh/authorized_keys: ssh-ed25519"
wait_screen 5 "then Enter tries it \(Esc gives up\)"
on_screen "Password for root" && { screen >&2; fail "a key-only root was asked for a password"; }
screen | grep -qF -- "$pub" || { screen >&2; fail "the form does not show hvdeck's public key whole"; }
snap
keys Enter	# not installed yet: refused again, asked again
wait_screen 30 "log in as root with hvdeck's key: still refused"
wait_screen 10 "takes no password logins: install hvdeck's key"
cleanup "sed -i '/ hvdeck@/d' '$LAB_DIR/authorized_keys'"
cat "$XDG_CONFIG_HOME/hvdeck/id_ed25519.pub" >>"$LAB_DIR/authorized_keys"
keys Enter
wait_screen 30 "log in as root with hvdeck's key: the key works"
wait_screen 60 "libvirt host UUID [0-9a-f-]+ is already host hv1"
snap
sed -i '/ hvdeck@/d' "$LAB_DIR/authorized_keys"
keys Escape
wait_until 5 sh -c "! tmux -S '$TMUX_SOCKET' capture-pane -p -t hv | grep -q 'Add a hypervisor'" ||
	fail "Esc did not close the refused form"
cmp -s "$conf" "$WORK/conf.added" || fail "a refused root add changed the config"
tui_resize 120 40

# a restart: hvnew comes online by hvdeck's key alone
keys q
wait_until 10 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing"
on_screen "Quit anyway" && keys y
wait_screen 10 "HVDECK-EXITED 0"
tmx kill-session -t hv
tui_start "$conf" 120 40
wait_screen 60 "hvnew +hypervisor +online"
snap
n=$(grep -cF -- "$pub" "$LAB_USER_AUTHORIZED_KEYS")
[ "$n" -eq 1 ] || fail "after the restart hvdeck's key is $n times in authorized_keys"

# the password: nowhere
for f in "$screens" "$WORK/hvdeck.log" "$conf" "$XDG_STATE_HOME"/hvdeck/* "$XDG_CONFIG_HOME"/hvdeck/*; do
	[ -f "$f" ] || continue
	grep -qF -- "$pw" "$f" && fail "the password is in $f"
done
[ -s "$WORK/hvdeck.log" ] || fail "no log written"
audit=$XDG_STATE_HOME/hvdeck/audit.log
grep -q '"command":"host add","target":"hvnew 127.0.0.1","result":"ok"' "$audit" ||
	fail "no audit line for the add: $(cat "$audit")"
pass "added $LAB_USER@127.0.0.1:$port by password, key installed once, online after a restart"
