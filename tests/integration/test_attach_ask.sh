#!/bin/bash
# The server's questions in an attached console: `:host add` of the test
# user's node from a console attached to the cluster's server opens the
# add-host form, as in-process, and the add runs in the server: its steps
# show in the form's checklist, its host key question and password come
# into the form's fields (the password shown as stars, never as typed; a
# wrong one asked again, try 2 of 3); the host is added once, and the
# password is in no log, audit line, config file or process. Esc at the
# server's key question cancels that add in the server: nothing written,
# its job ends cancelled; so does Esc before the server's job came back.
# Its own XDG_RUNTIME_DIR; the server it starts is stopped at exit by pid
# and start time.
. "$(dirname "$0")/lib.sh"

user_add_setup
server_test_env

server_start "$conf" "$WORK/server.log"
cleanup lab_user_forget_keys
one_online() { hv server status && grep -qx "hosts online 1/1" "$WORK/out"; }
wait_until "$HOST_ONLINE_S" one_online || fail "the server's host is not online: $(said)"

tui_start "$conf" 200 40 attach
wait_screen 20 "attached to server $SERVER_PID"
keys : ; keys -l "host add hvs 127.0.0.1 --port $port --user $LAB_USER"; keys Enter
wait_screen 60 "Type yes, then Enter|Password for" || fail "no question in the form: $(screen)"
on_screen "Add a hypervisor" || fail ":host add opened no form: $(screen)"
if on_screen "Type yes, then Enter"; then
	keys -l yes; keys Enter
fi
wait_screen 30 "Password for $LAB_USER@127.0.0.1:" || fail "no password field: $(screen)"
on_screen "log in as $LAB_USER with hvdeck's key" ||
	fail "the form does not show the server's steps: $(screen)"
# a typo: the server asks again, into the same field
keys -l "not-the-password"; keys Enter
wait_screen 30 "Password for $LAB_USER@127.0.0.1 \(try 2 of 3\)" ||
	fail "no second password question: $(screen)"
tui_type_secret <"$LAB_USER_PASSWORD_FILE"
screen >"$WORK/typed.txt"
password_found_in "$WORK/typed.txt"	# shown as stars
keys Enter
wait_screen 60 "host hvs added; read the steps above, then Enter or Esc closes" ||
	fail "the form does not say it was added: $(screen)"
keys Enter
_form_closed() { ! on_screen "Add a hypervisor"; }
wait_until 5 _form_closed || fail "Enter did not close the form of an added host"
wait_screen 60 "^.hvs .* online" || fail "hvs is not online in the console: $(screen)"

two_online() { hv server status && grep -qx "hosts online 2/2" "$WORK/out"; }
wait_until "$HOST_ONLINE_S" two_online || fail "the server did not get hvs: $(said)"
hv host list || fail "host list: $(said)"
[ "$(grep -c '^hvs ' "$WORK/out")" -eq 1 ] || fail "host list: $(said)"
assert_no_password "$WORK/server.log" "$WORK/hvdeck.log" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$conf"
assert_password_not_in_procs
jq_any 'select(.command == "host add" and .pid == '"$SERVER_PID"' and .user == "root")' \
	"$XDG_STATE_HOME/hvdeck/audit.log" ||
	fail "no audit record of the add: $(tail -n3 "$XDG_STATE_HOME/hvdeck/audit.log")"
# Esc at the server's key question (node 1's sshd key is unknown here):
# the add is cancelled in the server, the form closes, nothing written
cp "$conf" "$WORK/conf.before-esc"
keys a
wait_screen 5 "Add a hypervisor"
keys -l "hvesc"; keys Tab; keys -l "127.0.0.1"; keys Tab
keys C-u; keys -l "$LAB_SSH_PORT_1"; keys Enter
wait_screen 60 "Accept ED25519 SHA256[^ ]*\? Type yes, then Enter" || fail "no key question: $(screen)"
keys Escape
wait_until 5 _form_closed || fail "Esc did not close the running form"
wait_screen 10 "adding host hvesc cancelled|add.*hvesc.*cancelled" || fail "no word of the cancel: $(screen)"
esc_cancelled() { hv jobs --json && jq -e 'select(.kind == "add host" and .target == "hvesc" and .state == "cancelled")' "$WORK/out" >/dev/null; }
wait_until 30 esc_cancelled || fail "the server's add of hvesc did not end cancelled: $(said)"
on_screen "Type yes|Password for" && fail "the server asked again after Esc: $(screen)"
cmp -s "$conf" "$WORK/conf.before-esc" || fail "a cancelled add changed the config"
# Esc at once, before the server's add job comes back (Enter and Esc in
# one write: the console reads both before it hears from the server; or,
# read apart, Esc meets the job known): the job is cancelled as it comes
# back and its key question declined, not asked on the message line
keys a
wait_screen 5 "Add a hypervisor"
keys -l "hvfast"; keys Tab; keys -l "127.0.0.1"; keys Tab
keys C-u; keys -l "$LAB_SSH_PORT_1"; keys Enter Escape
wait_until 5 _form_closed || fail "Esc did not close the form on its way to the server"
fast_cancelled() { hv jobs --json && jq -e 'select(.kind == "add host" and .target == "hvfast" and .state == "cancelled")' "$WORK/out" >/dev/null; }
wait_until 30 fast_cancelled || fail "the server's add of hvfast did not end cancelled: $(said) $(screen)"
on_screen "Accept ED25519|Type yes|Password for" && fail "the add went on without its form: $(screen)"
cmp -s "$conf" "$WORK/conf.before-esc" || fail "an add cancelled on its way changed the config"

keys q
wait_screen 5 "HVDECK-EXITED 0"
pass "host add from an attached console: the server's add followed in the form, its questions in its fields, Esc cancels it there"
