#!/bin/bash
# Read-only monitoring: -r opens every connection read-only; hosts show as
# read-only (dump's read_only proven on each connection), the inventory
# is complete, and desktop actions are refused
# with a message while the guest stays as it was.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 r; g=$GUEST
"$HVDECK" -c "$conf" -r dump --json >"$WORK/dump.json" 2>"$WORK/err" || fail "read-only dump failed: $(cat "$WORK/err")"
[ "$(jq -r '[.hosts[].state] | unique | join(",")' "$WORK/dump.json")" = "read-only" ] ||
	fail "hosts not read-only: $(jq -c '[.hosts[].state]' "$WORK/dump.json")"
jq -e --arg g "$g" '.desktops[] | select(.name == $g and .state == "shutoff")' "$WORK/dump.json" >/dev/null ||
	fail "read-only inventory misses $g"
# read_only per host comes from the connection itself: each refused a
# write (a define hvdeck tried through it); a writable run says false
[ "$(jq -r '[.hosts[].read_only] | unique | join(",")' "$WORK/dump.json")" = "true" ] ||
	fail "read_only not proven on every host: $(jq -c '[.hosts[] | {name, read_only}]' "$WORK/dump.json")"
"$HVDECK" -c "$conf" --no-server dump --json >"$WORK/rw.json" 2>"$WORK/err" || fail "dump failed: $(cat "$WORK/err")"
[ "$(jq -r '[.hosts[].read_only] | unique | join(",")' "$WORK/rw.json")" = "false" ] ||
	fail "a writable dump says read_only: $(jq -c '[.hosts[] | {name, read_only}]' "$WORK/rw.json")"

tui_start "$conf" 100 30 -r
wait_screen 15 "READ-ONLY"
wait_screen 10 "^.$g +shutoff"
keys : ; keys -l "go $g"; keys Enter
keys u
wait_screen 3 "read-only: desktop start is not allowed"
[ "$(guest_state 1 "$g")" = "shut off" ] || fail "read-only console changed $g"
pass
