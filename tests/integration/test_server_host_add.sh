#!/bin/bash
# `hvdeck host add` through the cluster's server, from a terminal (a tmux
# pane): the host key question and the password prompt are asked on the
# client's terminal (the password without echo), the test user's node is
# added, the running server gets it once (host list and dump name it
# once, online), and the password is in no log, audit line, config file
# or process. Without a terminal the client answers nothing: the same
# refusal as in-process.
# Its own XDG_RUNTIME_DIR; the server it starts is stopped at exit by pid
# and start time.
. "$(dirname "$0")/lib.sh"

user_add_setup
server_test_env

server_start "$conf" "$WORK/server.log"
cleanup lab_user_forget_keys
one_online() { hv server status && grep -qx "hosts online 1/1" "$WORK/out"; }
wait_until "$HOST_ONLINE_S" one_online || fail "the server's host is not online: $(said)"

# no terminal: nobody to ask, refused as in-process, nothing written
"$HVDECK" -c "$conf" host add hvs 127.0.0.1 --port "$port" --user "$LAB_USER" \
	</dev/null >"$WORK/out" 2>"$WORK/err"
rc=$?
[ "$rc" -eq 1 ] || fail "host add without a terminal exited $rc: $(said)"
grep -qF -- "no terminal to ask; pass --yes-fingerprint" "$WORK/err" || fail "without a terminal: $(said)"
cmp -s "$conf" "$WORK/conf.orig" || fail "a refused add changed the config"

# from a terminal: the key question, then the password (no echo)
tmx new-session -d -s hv -x 160 -y 40 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME LANG=C.UTF-8 $HVDECK -c $conf host add hvs 127.0.0.1 --port $port --user $LAB_USER; echo HVDECK-EXITED \$?; sleep 600" ||
	fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
wait_screen 60 "Type yes:|Password for" || fail "no question: $(screen)"
# the client asks, not the server: only the client has the terminal
pgrep -f -- "-c $conf host add hvs" >/dev/null || fail "no client process"
if on_screen "Type yes:"; then
	keys -l yes; keys Enter
fi
wait_screen 30 "Password for $LAB_USER@127.0.0.1:" || fail "no password prompt: $(screen)"
tui_type_secret <"$LAB_USER_PASSWORD_FILE"
keys Enter
wait_screen 60 "HVDECK-EXITED" || fail "host add did not end: $(screen)"
screen >"$WORK/screen.txt"
grep -q "HVDECK-EXITED 0" "$WORK/screen.txt" || fail "host add through the server failed: $(cat "$WORK/screen.txt")"
grep -q "host hvs added to $conf" "$WORK/screen.txt" || fail "no 'added': $(cat "$WORK/screen.txt")"
grep -q "^ok " "$WORK/screen.txt" || fail "no pre-flight lines: $(cat "$WORK/screen.txt")"
password_found_in "$WORK/screen.txt"	# typed without echo
info "the client's terminal: $(grep -E 'Type yes|Password for|added' "$WORK/screen.txt" | paste -sd'|' -)"

# the server's engine has it, once
two_online() { hv server status && grep -qx "hosts online 2/2" "$WORK/out"; }
wait_until "$HOST_ONLINE_S" two_online || fail "the server did not get hvs: $(said)"
hv host list || fail "host list: $(said)"
[ "$(grep -c '^hvs ' "$WORK/out")" -eq 1 ] || fail "host list: $(said)"
grep -Eq '^hvs +[a-z]+ +no +online' "$WORK/out" || fail "hvs is not online in the server: $(said)"
hv dump || fail "dump through the server: $(said)"
[ "$(grep -c '^host name=hvs ' "$WORK/out")" -eq 1 ] || fail "dump does not name hvs once: $(said)"

# the password: in no log, audit line, config or key file, or process
assert_no_password "$WORK/server.log" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$conf"
assert_password_not_in_procs
jq_any 'select(.command == "host add" and .pid == '"$SERVER_PID"')' "$XDG_STATE_HOME/hvdeck/audit.log" ||
	fail "no audit record of the add: $(tail -n3 "$XDG_STATE_HOME/hvdeck/audit.log")"
pass "host add through the server: asked on the client's terminal, added once"
