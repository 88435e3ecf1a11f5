#!/bin/bash
# A desktop with a 160-character name at 80x24: the force-off question
# still names the desktop (shortened in its middle) and its host, and the
# events strip keeps the verb and the host ("… running on hv1").
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
long="t$$-$(printf 'x%.0s' $(seq 1 150))-end"
"$LAB" guest 1 "$long" >/dev/null || fail "cannot define the long-named guest"
cleanup "vsh 1 destroy $long; vsh 1 undefine $long"
tui_start "$conf" 80 24
wait_screen $HOST_ONLINE_S "hv1 .*online"
vsh 1 start "$long" >/dev/null || fail "virsh start"
# the event: the name shortened in its middle, the verb and host kept
wait_screen 15 "t$$-x+…x+-end running on hv1"
keys 4
keys : ; keys -l "go $long"; keys Enter
keys F
wait_screen 5 "on hv1\\? \\(like"
on_screen "Force off desktop" || { screen >&2; fail "the question lost its start"; }
# the name, too long for a line, shortened in its middle: start and end kept
on_screen "t$$-x+…x+-end" || { screen >&2; fail "the question lost the name's start or end"; }
keys n
wait_screen 5 "cancelled"
[ "$(guest_state 1 "$long")" = running ] || fail "answering n changed the guest"
pass "long name shortened in the question and the events, host kept"
