#!/bin/bash
# `hvdeck desktop VERB NAME` from a shell: the console's actions through the
# same jobs, waited on for the exit status (0 done, 1 refused or failed,
# 2 bad usage); libvirt's state checked with virsh after each. Force off
# asks on a terminal, naming the desktop and its host (driven in tmux), and
# is refused without one; so is delete without --yes (naming the desktop).
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 2 c; g=$GUEST	# on hv2: over libssh
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
expect() {	# STATUS WHAT COMMAND...
	local want=$1 what=$2 rc; shift 2
	hv "$@"; rc=$?
	[ "$rc" -eq "$want" ] || fail "$what: exit $rc, wanted $want: $(cat "$WORK/out" "$WORK/err")"
}
is_state() { [ "$(guest_state 2 "$g")" = "$1" ]; }

expect 0 "start" desktop start "$g"
grep -qx "$g on hv2: start done" "$WORK/out" || fail "start said: $(cat "$WORK/out")"
is_state running || fail "start exited 0 but $g is $(guest_state 2 "$g")"

expect 1 "start of a running desktop" desktop start "$g"
grep -q "cannot start $g: it is already running" "$WORK/err" || fail "refusal said: $(cat "$WORK/err")"

expect 0 "pause" desktop pause "$g"
is_state paused || fail "pause exited 0 but $g is $(guest_state 2 "$g")"
expect 0 "resume" desktop resume "$g"
is_state running || fail "resume exited 0 but $g is $(guest_state 2 "$g")"

expect 1 "read-only start" -r desktop pause "$g"
grep -q "read-only" "$WORK/err" || fail "read-only refusal said: $(cat "$WORK/err")"
is_state running || fail "a read-only hvdeck changed $g"

expect 1 "unknown desktop" desktop start "no-such-$$"
grep -q "no desktop named no-such-$$" "$WORK/err" || fail "unknown name said: $(cat "$WORK/err")"
expect 2 "no name" desktop start
# several names (issue 22): each one acts, an unknown one is refused and
# named, the exit status says something was refused
expect 1 "several names, one unknown" desktop start "$g" extra
grep -q "no desktop named extra" "$WORK/err" || fail "the unknown one is not named: $(cat "$WORK/err")"
expect 2 "a broken range" desktop start "$g-{1..}"

# force off: refused without a terminal, the guest untouched
expect 1 "force-off without a terminal" desktop force-off "$g" </dev/null
grep -q "confirmation" "$WORK/err" || fail "force-off without a terminal said: $(cat "$WORK/err")"
is_state running || fail "force-off without a terminal changed $g"

# ... and on a terminal it names the desktop and host; n keeps it, y acts
tmx new-session -d -s hv -x 120 -y 10 \
	"$HVDECK -c $conf desktop force-off $g; echo HVDECK-EXITED \$?; sleep 600" || fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
wait_screen 30 "Force off desktop $g on hv2\\?"
keys n Enter
wait_screen 10 "HVDECK-EXITED 1"
is_state running || fail "force-off answered n changed $g"
tmx respawn-pane -k -t hv "$HVDECK -c $conf desktop force-off $g; echo HVDECK-EXITED \$?; sleep 600"
wait_screen 30 "Force off desktop $g on hv2\\?"
keys y Enter
wait_screen 30 "HVDECK-EXITED 0"
is_state "shut off" || fail "force-off answered y left $g $(guest_state 2 "$g")"

expect 1 "shutdown of a shut-off desktop" desktop shutdown "$g"
grep -q "it is not running" "$WORK/err" || fail "shutdown refusal said: $(cat "$WORK/err")"

# delete without --yes: refused without a terminal (stdin /dev/null or a
# pipe answering n), as force off is; on a terminal the question names the
# desktop, n keeps it, y deletes it
want="desktop delete $g (--yes answers it): asks for a confirmation on a terminal, and there is none"
expect 1 "delete without a terminal" desktop delete "$g" </dev/null
grep -qF "$want" "$WORK/err" || fail "delete without a terminal said: $(cat "$WORK/out" "$WORK/err")"
echo n | hv desktop delete "$g"; rc=$?
[ "$rc" -eq 1 ] || fail "echo n | delete: exit $rc: $(cat "$WORK/out" "$WORK/err")"
grep -qF "$want" "$WORK/err" || fail "echo n | delete said: $(cat "$WORK/out" "$WORK/err")"
is_state "shut off" || fail "an unconfirmed delete changed $g"
tmx respawn-pane -k -t hv "$HVDECK -c $conf desktop delete $g; echo HVDECK-EXITED \$?; sleep 600"
wait_screen 30 "Delete desktop $g\\? \\(its disk stays\\)"
keys n Enter
wait_screen 10 "HVDECK-EXITED 1"
on_screen "not confirmed" || fail "delete answered n said: $(screen)"
is_state "shut off" || fail "delete answered n changed $g"
tmx respawn-pane -k -t hv "$HVDECK -c $conf desktop delete $g; echo HVDECK-EXITED \$?; sleep 600"
wait_screen 30 "Delete desktop $g\\?"
keys y Enter
wait_screen 30 "HVDECK-EXITED 0"
on_screen "deleted $g" || fail "delete answered y said: $(screen)"
[ -z "$(node_of "$g")" ] || fail "delete answered y left $g defined"
pass
