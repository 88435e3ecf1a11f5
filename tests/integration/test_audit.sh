#!/bin/bash
# The audit log against the lab: a desktop started and shut down from the
# command line, a refused start, and a start from the console's key each
# leave a start line and exactly one end line with their result, as does
# the console's force off through its confirmation, answered no (cancelled)
# and yes (checked by audit-check.py: valid JSON, the documented members,
# pairs);
# a form opened and closed writes nothing; a read-only hvdeck writes only
# that its session started;
# read-only commands write nothing; the file is 0600 in a 0700 directory
# under $XDG_STATE_HOME (lib.sh points it into the test's directory).
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 a; g=$GUEST	# on hv1 (TCP: quick to connect)
log=$XDG_STATE_HOME/hvdeck/audit.log
export SSH_CONNECTION="203.0.113.9 50022 127.0.0.1 22"	# logged as "from"
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
check() { python3 "$top/tests/integration/audit-check.py" "$log" >"$WORK/audit" 2>&1 ||
	fail "audit log is wrong: $(cat "$WORK/audit")"; }
# has_line N COMMAND TARGET RESULT ERROR-REGEX: line N of the summary
has_line() {
	local line
	line=$(sed -n "${1}p" "$WORK/audit")
	[[ $line =~ ^$2$'\t'$3$'\t'$4$'\t'$5$'\t'$(whoami)$'\t'203\.0\.113\.9$ ]] ||
		fail "audit line $1 is '$line', wanted $2 / $3 / $4 / $5"
}

# read-only commands write nothing
hv list-keys || fail "list-keys failed"
hv --timeout 30 dump || fail "dump failed: $(cat "$WORK/err")"
hv --timeout 30 host list || fail "host list failed: $(cat "$WORK/err")"
[ ! -e "$log" ] || fail "read-only commands wrote the audit log: $(cat "$log")"

hv desktop start "$g" || fail "start failed: $(cat "$WORK/err")"
check
has_line 1 "desktop start" "$g" ok None
[ "$(stat -c %a "$log")" = 600 ] || fail "audit log mode $(stat -c %a "$log")"
[ "$(stat -c %a "$(dirname "$log")")" = 700 ] || fail "audit dir mode $(stat -c %a "$(dirname "$log")")"

hv desktop start "$g" && fail "a second start was not refused"
check
has_line 2 "desktop start" "$g" refused "cannot start $g: it is already running.*"

booted() { grep -q "acpi power button: yes" "$LAB_DIR/node1/log/qemu/$g-serial.log" 2>/dev/null; }
wait_until 60 booted || fail "$g never reported its power button ready"
hv desktop shutdown "$g" || fail "shutdown failed: $(cat "$WORK/out" "$WORK/err")"
check
has_line 3 "desktop shutdown" "$g" ok None
info "command line: start, refused start, shutdown logged"

# the console: the start key on the selected desktop
tui_start "$conf" 160 40
wait_screen 30 "^.$g "
tui_online
keys : ; keys -l "go $g"; keys Enter
keys u
wait_until 30 bash -c "[ \"\$(virsh -q -c $LAB_URI_1 domstate $g)\" = running ]" || fail "u did not start $g"
ends() { [ "$(grep -c '"event":"end"' "$log")" -ge "$1" ]; }
wait_until 10 ends 4 || fail "no end line for the console's start: $(tail -2 "$log")"
# the job's end is written before libvirt's event reaches the model: F on
# a row still shut off is refused ("it is not running"), so wait for it
wait_screen 15 "^.$g +running"
# a confirmation answered no ends its command cancelled; yes runs it
keys F
wait_screen 10 "Force off desktop $g"
keys n
wait_until 10 ends 5 || fail "no end line for the unconfirmed force off: $(tail -2 "$log")"
keys F
wait_screen 10 "Force off desktop $g"
keys y
wait_until 20 ends 6 || fail "no end line for the force off: $(tail -2 "$log")"
# opening a form is no command: Shift-T's form closed with Esc writes
# nothing
lines=$(wc -l <"$log")
keys T
wait_screen 10 "Template from $g"
keys Escape
sleep 1
[ "$(wc -l <"$log")" -eq "$lines" ] || fail "the template form wrote: $(tail -n +$((lines + 1)) "$log")"
keys q
wait_screen 10 "HVDECK-EXITED 0"
check
has_line 4 "desktop start" "$g" ok None
has_line 5 "desktop force-off" "$g" cancelled "not confirmed"
has_line 6 "desktop force-off" "$g" ok None
[ "$(wc -l <"$WORK/audit")" -eq 6 ] || fail "unexpected audit lines: $(cat "$WORK/audit")"
[ "$(guest_state 1 "$g")" = "shut off" ] || fail "force off left $g $(guest_state 1 "$g")"
info "console: key, confirmation no and yes logged; a form opened writes nothing"

# read-only: one line that the session started, nothing for what it refused
hv -r desktop start "$g" && fail "a read-only start was not refused"
tmx kill-session -t hv
tui_start "$conf" 160 40 -r
wait_screen 30 "^.$g "
tui_online
keys : ; keys -l "go $g"; keys Enter
keys u
wait_screen 5 "read-only: desktop start is not allowed"
keys q
wait_screen 10 "HVDECK-EXITED 0"
check
has_line 7 "read-only session started" None session None
has_line 8 "read-only session started" None session None
[ "$(wc -l <"$WORK/audit")" -eq 8 ] || fail "read-only wrote more: $(cat "$WORK/audit")"
pass
