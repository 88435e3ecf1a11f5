#!/bin/bash
# Live migration from the console, as an operator does it, against the
# lab's guests that dirty their RAM (2 nodes):
#  - m with no host that may receive the desktop (hv2 of role disk) is
#    refused naming the reason; with hv2 a hypervisor the form lists hv2
#    alone (not the desktop's own host) with free memory and running
#    desktops;
#  - Enter with a low bandwidth: the form gives way to the progress view
#    with every field; its numbers advance between captures; b raises the
#    bandwidth (the view shows the new limit); the migration completes
#    (done, libvirt's downtime), virsh sees the guest on hv2 only, and the
#    desktop's row shows hv2; the jobs pane has the job, x dismisses it;
#  - a second, slow migration back: c asks naming the desktop, y cancels
#    it, the guest still runs on hv2 (virsh), the job says cancelled;
#  - q while a migration runs names the desktop; then the session drops
#    (tmux kill-session: SIGHUP) mid-migration: hvdeck lets it finish and
#    exits, the guest ends on hv1, the audit log has the migration's end
#    line, result ok (and the form's migration, by name, ok; the
#    cancelled one cancelled).
. "$(dirname "$0")/lib.sh"

[ "${LAB_NODES:-0}" -ge 2 ] || fail "needs a lab with 2 nodes"
conf=$(write_config)
log=$XDG_STATE_HOME/hvdeck/audit.log
running_guest 1 mig; g=$GUEST

"$HVDECK" -c "$conf" host role hv2 disk >/dev/null || fail "cannot set hv2's role"
# nodes beyond two (make check runs three) receive nothing either: the
# form must offer hv2 alone once it may
for ((i = 3; i <= LAB_NODES; i++)); do
	"$HVDECK" -c "$conf" host role "hv$i" disk >/dev/null || fail "cannot set hv$i's role"
done
tui_start "$conf" 160 45
desk_row() { screen | grep -E -- "^.$g " | head -n1; }
row_has() { desk_row | grep -qE -- "$1"; }
wait_until 60 row_has "running" || { screen >&2; fail "$g is not shown running"; }
# hv2 over libssh takes a while: a connecting host receives nothing
wait_screen 60 "^.hv2 +[a-z]+ +online"
keys : ; keys -l "desktop $g"; keys Enter

# no host may receive it: refused with the reason, no form
keys m
wait_screen 10 "no host can receive $g: .*hv2.*disk"
on_screen "Migrate $g from" && fail "a form opened with no destination"
keys : ; keys -l "host role hv2 hypervisor"; keys Enter
wait_screen 10 "hv2: role hypervisor"

# the form: hv2 alone, with free memory and running desktops
keys : ; keys -l "desktop $g"; keys Enter
keys m
wait_screen 10 "Migrate $g from hv1"
on_screen "hv2  free [0-9.]+[KMGT]  [0-9]+ running" || { screen >&2; fail "hv2 not listed with its numbers"; }
on_screen "hv1  free" && { screen >&2; fail "the form offers the desktop's own host"; }
# Tab to the bandwidth (after the destination and six boxes): 1 MiB/s
for _ in 1 2 3 4 5 6 7; do keys Tab; done
# the field has the range `hvdeck migrate --bandwidth` has (cmd-opts.c)
keys C-u; keys -l 1000001
keys Enter
wait_screen 10 "a number from 0 to 1000000"
keys C-u; keys -l 1
keys Enter
wait_screen 60 "Migration [0-9]+: $g  hv1 -> hv2   running"
for f in "memory transferred" "processed, .* remaining of" "transfer rate" \
	"dirty-page rate" "iteration" "expected downtime" "bandwidth limit +1 MiB/s" \
	"elapsed .* ETA" "remaining per iteration" "Pre-flight"; do
	on_screen "$f" || { screen >&2; fail "the progress view lacks '$f'"; }
done
processed() { screen | sed -n 's/.*data  *\([0-9.]*[BKMGT]\) processed.*/\1/p'; }
first=$(processed)
moved() { [ "$(processed)" != "$first" ]; }
wait_until 20 moved || { screen >&2; fail "processed data stayed at $first"; }
info "progress view: every field, data processed $first -> $(processed)"

# b raises the bandwidth: the view shows the new limit
keys b
wait_screen 10 "Bandwidth of migration [0-9]+ \($g\)"
keys C-u; keys -l 200; keys Enter
wait_screen 10 "bandwidth limit +200 MiB/s"
wait_screen 180 "done in .*; downtime"
on_screen "   done" || { screen >&2; fail "the view's title does not say done"; }
[ "$(guest_state 2 "$g")" = running ] || fail "$g is not running on hv2: $(guest_state 2 "$g")"
vsh 1 dominfo "$g" >/dev/null 2>&1 && fail "$g is still defined on hv1"
keys Escape
wait_until 30 row_has " hv2 " || { screen >&2; fail "the desktop's row does not show hv2"; }
keys 5
wait_screen 10 "migrate +$g .*done"
keys x
gone() { ! screen | grep -qE "migrate +$g .*done"; }
wait_until 10 gone || { screen >&2; fail "x did not dismiss the finished job"; }
info "migrated to hv2 with b; the row shows hv2; x dismissed the job"

# a slow one back, cancelled with c: the guest stays on hv2
keys 4
keys : ; keys -l "desktop migrate $g hv1 --bandwidth 1"; keys Enter
keys 5
wait_screen 30 "migrate +$g .*running"
keys Enter
wait_screen 30 "Migration [0-9]+: $g  hv2 -> hv1   running"
wait_screen 60 "iteration +[1-9]"
keys c
wait_screen 10 "Cancel the migration of $g from hv2 to hv1\? $g keeps running on hv2"
keys y
wait_screen 60 "cancelled after .*keeps running on hv2"
[ "$(guest_state 2 "$g")" = running ] || fail "after cancel $g is $(guest_state 2 "$g") on hv2"
[ -z "$(guest_state 1 "$g")" ] || fail "after cancel $g is on hv1 too: $(guest_state 1 "$g")"
keys x
# the view closes: attached, the mirror drops the job first (the view
# then says "Job N is gone") and the view closes when the server's
# dismiss comes back; keys typed before that would go to the view
wait_until 10 bash -c "! tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -qE 'Migration [0-9]*: $g|Job [0-9]+ is gone'" ||
	{ screen >&2; fail "x in the view did not dismiss the cancelled job"; }
info "c cancelled a migration; the guest runs on hv2; x dismissed it"

# q names the running migration; then the session drops (SIGHUP)
keys : ; keys -l "desktop migrate $g hv1 --bandwidth 4"; keys Enter
keys 5
wait_screen 30 "migrate +$g .*running"
on_hv1() { [ "$(guest_state 1 "$g")" = running ] && [ -z "$(guest_state 2 "$g")" ]; }
if [ -n "$(server_pid)" ]; then
	# attached (the default): the job is the server's, q
	# asks nothing and the migration ends in the server
	keys q
	wait_screen 10 "HVDECK-EXITED 0"
	wait_until 180 on_hv1 || fail "the server's migration did not end after q"
else
	keys q
	wait_screen 10 "Migrating: $g\. Quit anyway\?"
	keys n
	hv_pid=$(ps -o pid= --ppid "$(tmx display -p -t hv '#{pane_pid}')" | tr -d ' ' | head -n1)
	hv_id=$(proc_id "$hv_pid") || fail "cannot find hvdeck's process"
	cleanup "signal_proc TERM $hv_id"
	tmx kill-session -t hv
	sleep 1
	same_proc $hv_id || fail "hvdeck left at once on SIGHUP, with the migration running"
	hv_gone() { ! same_proc $hv_id; }
	wait_until 180 hv_gone || fail "hvdeck did not exit after the migration (SIGHUP)"
	grep -q "SIGHUP: job [0-9]* done" "$WORK/hvdeck.log" || fail "the log does not say the job finished after SIGHUP"
fi
[ "$(guest_state 1 "$g")" = running ] || fail "after SIGHUP $g is not running on hv1: $(guest_state 1 "$g")"
[ -z "$(guest_state 2 "$g")" ] || fail "after SIGHUP $g is still on hv2: $(guest_state 2 "$g")"
python3 "$top/tests/integration/audit-check.py" "$log" >"$WORK/audit" 2>&1 ||
	fail "audit log is wrong: $(cat "$WORK/audit")"
grep -qP "^desktop migrate\t$g hv2\tok\t" "$WORK/audit" ||
	fail "no ok end line for the form's migration (by name): $(cat "$WORK/audit")"
grep -qP "^desktop migrate\t$g hv1\tcancelled\t" "$WORK/audit" ||
	fail "no cancelled end line for the cancelled migration: $(cat "$WORK/audit")"
grep -qP "^desktop migrate\t$g hv1\tok\t" "$WORK/audit" ||
	fail "no ok end line for the migration in the audit log: $(cat "$WORK/audit")"
pass "m, progress view, b, c, x, q, SIGHUP"
