#!/bin/bash
# The server's questions in an attached console: `:host add` of the test
# user's node from a console attached to the cluster's server runs in the
# server, which asks its host key question and the password through the
# console's prompt line (the password shown as stars, never as typed);
# the host is added once, its lines show in the console, and the password
# is in no log, audit line, config file or process.
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
wait_screen 60 "Type yes:|Password for" || fail "no question in the console: $(screen)"
if on_screen "Type yes:"; then
	keys -l yes; keys Enter
fi
wait_screen 30 "Password for $LAB_USER@127.0.0.1:" || fail "no password prompt: $(screen)"
tui_type_secret <"$LAB_USER_PASSWORD_FILE"
screen >"$WORK/typed.txt"
password_found_in "$WORK/typed.txt"	# shown as stars
keys Enter
wait_screen 60 "host hvs added to" || fail "the console does not say it was added: $(screen)"
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
keys q
wait_screen 5 "HVDECK-EXITED 0"
pass "host add from an attached console: the server's questions asked in its prompt"
