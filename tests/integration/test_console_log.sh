#!/bin/bash
# The event log (issue 9 item 14): `L` shows the kept events full screen,
# a start and a stop of a lab guest among them, and `/` filters them; a
# reset is logged as one. `R` rescans the selected pool, so a volume made
# with virsh vol-create-as (libvirt sends no volume events) shows up.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 log; g=$GUEST
vol="t$$-r.qcow2"
# cleanups run last-first: the delete, then every node's rescan of the
# shared directory (the others' libvirt still lists the file until then)
cleanup "for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-refresh templates; done"
cleanup "vsh 1 vol-delete --pool templates $vol"
tui_start "$conf" 160 50
wait_screen 15 "Hypervisors"
wait_screen 15 "^.$g "

vsh 1 start "$g" >/dev/null || fail "virsh start"
wait_screen 20 "^.$g +running"
vsh 1 reset "$g" >/dev/null || fail "virsh reset"
vsh 1 destroy "$g" >/dev/null || fail "virsh destroy"
wait_screen 20 "^.$g +shutoff"

keys L
wait_screen 5 "^Events \([0-9]+\)"
screen | grep -E "^[0-9:]{8} $g .*(start|running)" >/dev/null || { screen >&2; fail "the log does not show the start"; }
screen | grep -E "^[0-9:]{8} $g .*reset" >/dev/null || { screen >&2; fail "the log does not show the reset"; }
[ "$(screen | grep -cE "^[0-9:]{8} $g .*reset")" -eq 1 ] || { screen >&2; fail "one reset logged more than once"; }
screen | grep -E "^[0-9:]{8} $g .*(stop|shut|destroy|off)" >/dev/null || { screen >&2; fail "the log does not show the stop"; }
screen | grep -E "^[0-9:]{8} hv1 online" >/dev/null || fail "the log lost other events"
keys / 
keys -l "$g"
wait_screen 5 "^Events \([0-9]+ of [0-9]+\) \[/$g\]"
screen | grep -E "^[0-9:]{8} hv1 online" >/dev/null && fail "the filter kept other events"
screen | grep -E "^[0-9:]{8} $g .*reset" >/dev/null || fail "the filter hid the guest's events"
keys Enter
keys Escape
wait_screen 5 "Hypervisors"
info "L shows the start, reset and stop; / filters"

# R: the volume is in libvirt, not in hvdeck, until the pool is rescanned
vsh 1 vol-create-as templates "$vol" 1M --format qcow2 >/dev/null || fail "vol-create-as"
sleep 2
on_screen "$vol" && fail "the volume showed without a refresh (test is void)"
keys :
keys -l "go templates"
keys Enter
keys R
wait_screen 10 "$vol"
keys 5
wait_screen 10 "refresh +templates +hv1 +done"
info "R refreshed the pool: $vol shown, its job done"
keys q
wait_until 5 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing"
on_screen "Quit anyway" && keys y
wait_screen 10 "HVDECK-EXITED 0"
pass "event log, pool refresh"
