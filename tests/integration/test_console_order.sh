#!/bin/bash
# The desktops pane updates row by row (issue 19 item 2): at classroom
# scale (300 desktops on node 1) desktops started and forced off from virsh
# move to their place in the pane's order (live first, then by name as
# people count) while the selection sits on a desktop below them: it stays
# on that desktop, and the rows around it and at the top stay in order;
# the status line's count of running desktops follows.
. "$(dirname "$0")/lib.sh"

N=300 SEL=fill-n1-0200
cleanup "'$LAB' unfill >/dev/null"
"$LAB" fill 1 "$N" 0 >/dev/null || fail "lab.sh fill 1"
conf=$(write_config)
tui_start "$conf" 160 60
wait_screen 15 "Hypervisors"
wait_screen 60 "Desktops \(([3-9][0-9]{2}|[0-9]{4,})\)"
keys 4
keys : ; keys -l "desktop $SEL"; keys Enter
wait_screen 10 "^.$SEL "

# the selection: Enter opens the selected desktop's details
selected_is() {
	keys Enter
	wait_until 5 on_screen "^ *Desktop [^ ]+ *$|Desktop fill-" ||
		{ screen >&2; fail "Enter opened no details"; }
	on_screen "Desktop $1( |$)" || { screen >&2; fail "the selection left $1"; }
	keys Escape
	wait_screen 5 "Hypervisors"
}
# the pane's fill rows on screen, top to bottom, by number
fill_rows() { screen | grep -oE "^.fill-n1-[0-9]{4} " | grep -oE "[0-9]{4}"; }
# shut-off fill rows on screen around the selection: consecutive numbers
# (10#: the numbers have leading zeros), the selection among them
window_in_order() {
	local prev="" n seen=0
	for n in $(screen | grep -E "^.fill-n1-[0-9]{4} +shutoff" |
	    grep -oE "fill-n1-[0-9]{4}" | grep -oE "[0-9]{4}"); do
		[ -z "$prev" ] || [ $((10#$n)) -eq $((10#$prev + 1)) ] ||
			{ screen >&2; fail "fill-n1-$n follows fill-n1-$prev"; }
		[ "fill-n1-$n" = "$SEL" ] && seen=1
		prev=$n
	done
	[ "$seen" = 1 ] || { screen >&2; fail "$SEL is not on screen"; }
}
selected_is "$SEL"
window_in_order
info "$SEL selected, the rows around it in order"

# three desktops below the selection start: they go to the top
for k in 0252 0250 0251; do
	vsh 1 start "fill-n1-$k" >/dev/null || fail "virsh start fill-n1-$k"
done
wait_until 60 sh -c "for k in 0250 0251 0252; do [ \"\$(virsh -q -c $LAB_URI_1 domstate fill-n1-\$k)\" = running ] || exit 1; done" ||
	fail "the fill desktops did not start"
# the status line counts them (from the hosts' counters)
wait_screen 10 "desktops 3/[0-9]+ running"
selected_is "$SEL"
window_in_order
on_screen "^.fill-n1-025[012] " && { screen >&2; fail "a started desktop stayed in its place below"; }
info "three started from virsh: the selection stayed, the order too"

# one forced off goes back among the shut-off ones, two stay on top
vsh 1 destroy fill-n1-0251 >/dev/null || fail "virsh destroy"
wait_until 30 sh -c "[ \"\$(virsh -q -c $LAB_URI_1 domstate fill-n1-0251)\" = 'shut off' ]" ||
	fail "fill-n1-0251 did not stop"
wait_screen 10 "desktops 2/[0-9]+ running"
selected_is "$SEL"
window_in_order
keys g
wait_until 10 sh -c "[ \"\$(tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -oE '^.fill-n1-[0-9]{4} ' | head -n3 | grep -oE '[0-9]{4}' | tr '\n' ' ')\" = '0250 0252 0001 ' ]" ||
	{ screen >&2; fail "the top of the pane is $(fill_rows | head -n3 | tr '\n' ' '), not 0250 0252 0001"; }
info "forced off from virsh: back in its place; the top shows the live ones first"

keys q
wait_until 5 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing"
on_screen "Quit anyway" && keys y
wait_screen 10 "HVDECK-EXITED 0"
pass "selection and order while desktops change"
