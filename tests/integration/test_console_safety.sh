#!/bin/bash
# Keys that act where the operator cannot see, and actions the operator
# cannot follow (issue 9, items 2, 3, 4, 6):
# - behind the "terminal too small" screen no key reaches a desktop (F then
#   y, u, h, p at 40x12 and 50x12) and no confirmation is left waiting;
#   the message is whole at every size;
# - force off is refused before it asks (a shut-off desktop), shutdown and
#   reboot of a paused desktop and start of a running one are refused at
#   once, in the status line;
# - a selected desktop that leaves the filtered set takes the selection
#   with it: h and p then say "no desktop selected", never act on the
#   neighbour;
# - the result of an action (done, or failed with libvirt's text) shows in
#   the status line and stays in the events strip.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 run; grun=$GUEST
new_guest 1 off; goff=$GUEST
vsh 1 start "$grun" >/dev/null || fail "virsh start $grun"
# a desktop whose start fails inside libvirt/QEMU (its initrd is missing)
gbad="t$$-bad"
"$LAB" guest-xml "$gbad" | sed "s|<initrd>.*</initrd>|<initrd>$WORK/no-such-initrd</initrd>|" >"$WORK/bad.xml"
vsh 1 define "$WORK/bad.xml" >/dev/null || fail "cannot define $gbad"
cleanup "vsh 1 destroy $gbad; vsh 1 undefine $gbad"

tui_start "$conf" 100 30
wait_screen $HOST_ONLINE_S "hv1 +mixed +online"
wait_screen 10 "^.$grun +running +hv1"
wait_screen 5 "^.$goff +shutoff +hv1"

go() { keys : ; keys -l "go $1"; keys Enter; sleep 0.3; }
status() { screen | tail -n1; }
flat() { screen | tr -s ' \n' '  '; }

# ---- item 2: behind the too-small screen ----
go "$grun"
tui_resize 40 12
wait_screen 3 "too small"
flat | grep -qF "terminal too small: 40x12, hvdeck needs 60x15" || { screen >&2; fail "the message is cut at 40x12"; }
keys F; sleep 0.3; keys y; keys h; keys r; keys p; sleep 3
[ "$(guest_state 1 "$grun")" = running ] ||
	fail "a key behind the too-small screen reached $grun (now $(guest_state 1 "$grun"))"
go "$goff"	# typed blind: must not select either
tui_resize 100 30
wait_screen 3 "Hypervisors"
on_screen "Confirm" && { screen >&2; fail "a confirmation was left behind the too-small screen"; }
go "$goff"
tui_resize 50 12
wait_screen 3 "too small"
keys u; keys C-s; sleep 3
[ "$(guest_state 1 "$goff")" = "shut off" ] ||
	fail "u behind the too-small screen started $goff (now $(guest_state 1 "$goff"))"
for size in "20 5" "12 2" "5 3" "2 1"; do
	read -r w h <<<"$size"
	tui_resize "$w" "$h"
	case $w in
	20) want="terminal too small: 20x5, hvdeck needs 60x15" ;;
	12) want="too small, needs 60x15" ;;
	5) want="needs 60x15" ;;
	2) want="!" ;;
	esac
	shows_flat() { flat | grep -qF -- "$want"; }
	wait_until 3 shows_flat || { screen >&2; fail "at ${w}x$h the message is not '$want'"; }
done
tui_resize 100 30
wait_screen 3 "Hypervisors"
on_screen "HVDECK-EXITED" && fail "hvdeck left"
info "too small: keys held back, message whole from 40x12 to 2x1"

# ---- item 4: refuse before asking ----
go "$goff"
keys F
wait_screen 3 "cannot force off $goff: it is not running"
on_screen "Confirm" && { screen >&2; fail "force off of a shut-off desktop asked first"; }
keys h; wait_screen 3 "cannot shutdown $goff: it is not running"
go "$grun"
keys u; wait_screen 3 "cannot start $grun: it is already running"
vsh 1 suspend "$grun" >/dev/null || fail "virsh suspend"
wait_screen 5 "^.$grun +paused"
keys h; wait_screen 3 "cannot shutdown $grun: it is paused"
keys r; wait_screen 3 "cannot reboot $grun: it is paused"
on_screen "Confirm" && fail "a refusal left a question"
[ "$(guest_state 1 "$grun")" = paused ] || fail "$grun is $(guest_state 1 "$grun"), not paused"
vsh 1 resume "$grun" >/dev/null
wait_screen 5 "^.$grun +running"
# the command line's force off too: refused, not asked (no terminal here,
# so asking would fail with "asks for a confirmation")
"$HVDECK" -c "$conf" desktop force-off "$goff" </dev/null >"$WORK/cli.out" 2>&1 && fail "force-off of a shut-off desktop succeeded"
grep -q "cannot force off $goff: it is not running" "$WORK/cli.out" || fail "command line: $(cat "$WORK/cli.out")"
info "refusals before asking and before sending"

# ---- item 6: results in the status line and the events strip ----
go "$goff"
keys u
wait_until 15 on_screen "start $goff on hv1: done" || { screen >&2; fail "no 'done' in the status line for start"; }
wait_screen 10 "^.$goff +running"
go "$gbad"
keys u
wait_until 20 on_screen "start $gbad on hv1: failed: [a-z]+" ||
	{ screen >&2; fail "no 'failed' with libvirt's text in the status line"; }
status | grep -q "failed" || fail "the failure is not on the status line"
wait_screen 3 "$gbad: start failed"
go "$grun"
keys F; wait_screen 3 "Force off desktop $grun on hv1"
keys y
wait_until 15 on_screen "force off $grun on hv1: done" || { screen >&2; fail "no 'done' for force off"; }
wait_screen 10 "^.$grun +shutoff"
info "results shown: done, failed with libvirt's text"

# ---- item 3: the selection leaves with its row ----
vsh 1 start "$grun" >/dev/null || fail "virsh start $grun"
wait_screen 10 "^.$grun +running"
go "$goff"
keys /; keys -l "state:run"; keys Enter
wait_screen 3 "\\[/state:run\\]"
on_screen "^.$grun +running" || fail "$grun not shown under state:run"
vsh 1 destroy "$goff" >/dev/null || fail "virsh destroy $goff"
wait_until 5 eval '! on_screen "^.$goff "' || fail "$goff still shown under state:run"
keys h
wait_screen 3 "no desktop selected"
keys p; wait_screen 3 "no desktop selected"
sleep 2
[ "$(guest_state 1 "$grun")" = running ] || fail "a key meant for $goff reached $grun"
on_screen "Confirm" && fail "a question about another desktop"
# moving selects again
keys Down; keys u
wait_screen 3 "cannot start $grun: it is already running"
info "the selection left with its row; nothing acted on the neighbour"

keys q
wait_until 5 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing"
on_screen "Quit anyway" && keys y
wait_screen 5 "HVDECK-EXITED 0"
pass
