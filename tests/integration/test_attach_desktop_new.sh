#!/bin/bash
# Desktops made and deleted from a console attached to the cluster's
# server: Shift-N on a template desktop opens the form here, Enter sends
# `desktop new` with its words to the server, which makes it (virsh: the
# domain and its overlay; the console's row; the audit record is the
# server's, naming root); Shift-X's form opens in the console (the disk
# too?) and its line, with --yes, deletes it with its disk in the server.
# Its own XDG_RUNTIME_DIR; the server it starts is stopped at exit by pid
# and start time.
. "$(dirname "$0")/lib.sh"

t="t$$"
conf=$(write_config)
server_test_env
st=${LAB_STORAGE:-$LAB_DIR/storage}
cleanup "undefine_named $t-; rm -f $st/groups/$t-* $st/templates/$t-* $st/bases/$t-*; refresh_all"
template_desktop "$t"

server_start "$conf" "$WORK/server.log"
tui_start "$conf" 200 40 attach
wait_screen 20 "attached to server $SERVER_PID"
wait_screen 60 "hosts $LAB_NODES/$LAB_NODES online"
wait_screen 30 "$t-tmpl"
tui_new_desktop "$t-tmpl" "$t-k1"
[ -f "$st/groups/$t-k1.qcow2" ] || fail "the form's desktop has no overlay"
# its end line once the server's job (the start included) has ended
new_ended() {
	jq_any 'select(.command == "desktop new" and .event == "end" and .result == "ok" and .pid == '"$SERVER_PID"' and .user == "root")' \
		"$XDG_STATE_HOME/hvdeck/audit.log"
}
wait_until 60 new_ended ||
	fail "no audit end of desktop new by the server: $(grep -F 'desktop new' "$XDG_STATE_HOME/hvdeck/audit.log")"
info "Shift-N: the server made $t-k1, its row is shown"

# the form leaves it shut off ("Start them" unticked, as --start)
wait_screen 30 "$t-k1 +shutoff"
tui_delete_desktop "$t-k1"
keys q
wait_screen 5 "HVDECK-EXITED 0"
pass "desktop new and delete from an attached console, in the server"
