#!/bin/bash
# Post-copy from the console, against a lab guest that dirties its RAM:
# a slow migration started with post-copy allowed (`:desktop migrate ...
# --postcopy`) is switched with P in the progress view; the confirmation
# says plainly what a failure then means; y switches; the view shows
# post-copy ACTIVE or done; the guest ends running on hv2 only (virsh), and
# the audit log has the migration's ok end line. A migration started
# without post-copy refuses P, naming why.
. "$(dirname "$0")/lib.sh"

[ "${LAB_NODES:-0}" -ge 2 ] || fail "needs a lab with 2 nodes"
conf=$(write_config)
log=$XDG_STATE_HOME/hvdeck/audit.log
running_guest 1 pc; g=$GUEST

tui_start "$conf" 160 45
wait_screen 60 "^.hv2 +[a-z]+ +online"

# without post-copy allowed, P is refused with the reason
keys : ; keys -l "desktop migrate $g hv2 --bandwidth 1"; keys Enter
keys 5
wait_screen 30 "migrate +$g .*running"
keys Enter
wait_screen 30 "Migration [0-9]+: $g  hv1 -> hv2   running"
keys P
wait_screen 10 "started without post-copy"
keys c
wait_screen 10 "Cancel the migration of $g"
keys y
wait_screen 60 "cancelled after .*keeps running on hv1"
keys x
keys Escape

# allowed: P asks, saying what a failure then means; y switches
keys 4
keys : ; keys -l "desktop migrate $g hv2 --bandwidth 1 --postcopy"; keys Enter
keys 5
wait_screen 30 "migrate +$g .*running"
keys Enter
wait_screen 30 "Migration [0-9]+: $g  hv1 -> hv2   running"
wait_screen 60 "post-copy +allowed"
wait_screen 60 "iteration +[1-9]"
keys P
wait_screen 10 "Switch the migration of $g to post-copy\?"
on_screen "can leave $g paused on" || { screen >&2; fail "the question does not say what a failure then means"; }
keys y
wait_screen 180 "done in .*; downtime" || true
[ "$(guest_state 2 "$g")" = running ] || { screen >&2; fail "$g is not running on hv2: $(guest_state 2 "$g")"; }
[ -z "$(guest_state 1 "$g")" ] || fail "$g is still on hv1: $(guest_state 1 "$g")"
python3 "$top/tests/integration/audit-check.py" "$log" >"$WORK/audit" 2>&1 ||
	fail "audit log is wrong: $(cat "$WORK/audit")"
grep -qP "^desktop migrate\t$g hv2\tok\t" "$WORK/audit" ||
	fail "no ok end line for the post-copy migration: $(cat "$WORK/audit")"
grep -qP "^job postcopy\t[^\t]*\tok\t" "$WORK/audit" ||
	fail "the switch to post-copy is not in the audit log as ok: $(cat "$WORK/audit")"
pass "P refused without post-copy; allowed: asked, switched, the guest runs on hv2"
