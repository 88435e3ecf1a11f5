#!/bin/bash
# host drain in the console: Shift-E on the hypervisors pane opens the
# drain form — its title names the host and how many desktops move, the
# plan (each desktop and its destination) under it; Esc changes nothing;
# Enter puts the host in maintenance and moves them; the jobs pane's
# details of the drain list every desktop as moved.
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 2 ] || fail "needs a lab with 2 nodes"

conf=$(write_config)
G="t$$-dc"
cleanup "undefine_named $G"
for m in 1 2; do
	"$LAB" guest 1 "$G$m" >/dev/null || fail "cannot define $G$m"
	vsh 1 start "$G$m" >/dev/null || fail "cannot start $G$m"
done
tui_start "$conf" 160 40
wait_screen 15 "Hypervisors"
shown() { on_screen "$G$1"; }
keys 4
wait_until 30 shown 2 || fail "the desktops are not shown"
keys 1
keys : ; keys -l "host hv1"; keys Enter

# Esc: nothing changes
keys E
wait_screen 10 "Drain hv1: 2 of 2 running desktops move"
on_screen "$G[12] -> hv[2-9] \(hv[2-9] keeps" || fail "the form shows no plan"
keys Escape
gone() { ! on_screen "Drain hv1"; }
wait_until 5 gone || fail "Esc did not close the drain form"
grep -q "maintenance" "$conf" && fail "Esc put hv1 in maintenance"

# Enter: drained
keys E
wait_screen 10 "Drain hv1: 2 of 2 running desktops move"
keys Enter
off_hv1() { [ -z "$(vsh 1 list --name | grep -F "$G")" ]; }
wait_until 120 off_hv1 || fail "the guests still run on hv1"
for m in 1 2; do
	n=0
	for ((i = 2; i <= LAB_NODES; i++)); do [ "$(guest_state "$i" "$G$m")" = running ] && n=$((n + 1)); done
	[ "$n" -eq 1 ] || fail "$G$m runs on $n other nodes"
done
grep -q "maintenance = true" "$conf" || fail "hv1 is not in maintenance in the file"
keys 5
wait_screen 30 "[0-9]+ +drain +hv1 +hv1 +done"
keys / ; keys -l "drain"; keys Enter
keys Enter
wait_screen 10 "Desktops \(2\)"
on_screen "${G}1 +-> hv[2-9] +moved" || fail "the details do not list ${G}1 as moved"
on_screen "${G}2 +-> hv[2-9] +moved" || fail "the details do not list ${G}2 as moved"
info "Shift-E: plan, Esc, Enter; the drain's details list both moved"
pass
