#!/bin/bash
# The console in tmux, driven as an operator would: the panes show the lab's
# hosts, pools, volumes and desktops; a desktop started with virsh shows up
# running within 2 s; filter and sort; start, shutdown and force off from the
# keyboard reach the real guest; resizing below the minimum and back.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 a; ga=$GUEST
new_guest 2 b; gb=$GUEST
tui_start "$conf" 100 30

# the panes
wait_screen 15 "Hypervisors \\(3\\)"
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_screen $HOST_ONLINE_S "hv$i +mixed +online"
done
wait_screen 5 "$ga +shutoff +hv1"
wait_screen 5 "$gb +shutoff +hv2"
keys 2; wait_screen 3 "Storage pools"
for p in bases templates groups; do
	on_screen "$p +active +dir .*hv1,hv2,hv3" || { screen >&2; fail "pool $p not shown as shared by all hosts"; }
done
keys 3; wait_screen 3 "Volumes"
on_screen "debian-base.qcow2" || fail "base volume not shown"
on_screen "(└─|\`-) debian-template.qcow2" || { screen >&2; fail "template not shown under its base"; }
keys 4; wait_screen 3 "Desktops"

# a desktop started from outside shows running within 2 s
vsh 1 start "$ga" >/dev/null || fail "virsh start"
wait_screen 5 "$ga +running +hv1"

# filter: state, invert, host; Esc clears
keys /; keys -l "state:run"; keys Enter
wait_screen 5 "Desktops \\([0-9]+ of [0-9]+\\) \\[/state:run\\]"
on_screen "^.$ga +running" || fail "filter state:run hides $ga"
on_screen "^.$gb " && fail "filter state:run still shows $gb"
keys /; keys C-u; keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace; keys -l "!$ga"; keys Enter
wait_screen 5 "\\[/!$ga\\]"
on_screen "^.$ga " && fail "inverted filter still shows $ga"
on_screen "^.$gb " || fail "inverted filter hides $gb"
keys Escape; wait_screen 5 "Desktops \\([0-9]+\\) "

# sort: s cycles to the first column (name ascending), S reverses
keys s; wait_screen 5 "DESKTOP▴"
first=$(screen | grep -E "^.t[0-9]+-" | head -n1)
keys S; wait_screen 5 "DESKTOP▾"
last=$(screen | grep -E "^.t[0-9]+-" | head -n1)
[ "$first" != "$last" ] || fail "reversing the sort did not change the order"

# start from the keyboard (u), shutdown (h), force off (Shift-F + y): each
# key is pressed once, its job must reach done in the jobs pane and the
# guest's state must change (a dropped action fails here, never retried)
job_done() {  # KIND NAME HOST: the jobs pane shows that job done
	keys 5
	wait_until 10 on_screen "[0-9]+ +$1 +$2 +$3 +done" ||
		{ screen >&2; fail "no $1 job of $2 on $3 reached done"; }
	keys 4; wait_screen 3 "Desktops"
}
keys : ; keys -l "go $gb"; keys Enter
keys u
job_done start "$gb" hv2
wait_until 20 bash -c "[ \"\$(virsh -q -c $LAB_URI_2 domstate $gb)\" = running ]" || fail "u did not start $gb"
wait_screen 3 "$gb +running +hv2"
info "started $gb from the keyboard"
# the guest opens its power button before it reports it ready (lab.sh), so
# a single press after this marker must be heard
booted() { grep -q "acpi power button: yes" "$LAB_DIR/node2/log/qemu/$gb-serial.log" 2>/dev/null; }
wait_until 60 booted || fail "$gb never reported its power button ready"
shut_off() { [ "$(guest_state 2 "$gb")" = "shut off" ]; }
keys h
job_done shutdown "$gb" hv2
wait_until 30 shut_off || fail "h (pressed once, job done) did not shut $gb down"
wait_screen 3 "$gb +shutoff"
info "shut $gb down from the keyboard with one press"

keys : ; keys -l "go $ga"; keys Enter
keys F
wait_screen 5 "Force off desktop $ga on hv1\\?"
keys n
wait_screen 5 "cancelled"
[ "$(guest_state 1 "$ga")" = running ] || fail "n still forced $ga off"
keys F; wait_screen 5 "Force off desktop $ga"; keys y
job_done "force off" "$ga" hv1
wait_until 10 bash -c "[ \"\$(virsh -q -c $LAB_URI_1 domstate $ga)\" = 'shut off' ]" || fail "F y did not force $ga off"
wait_screen 3 "$ga +shutoff"

# details of a desktop: disks, graphics
keys Enter; wait_screen 5 "Desktop $ga"
on_screen "UUID" || fail "details without UUID"
keys Escape; wait_screen 5 "Hypervisors"

# the mouse (X10 encoding, as tmux passes it): a double click on a row
# selects it and opens its details
y=$(screen | grep -n -E "^.$gb " | head -n1 | cut -d: -f1)
[ -n "$y" ] || fail "$gb not on screen"
click() {  # X Y (0-based): press and release button 1
	local cx cy
	printf -v cx "\\x$(printf %x $((33 + $1)))"
	printf -v cy "\\x$(printf %x $((33 + $2)))"
	printf '\e[M %s%s\e[M#%s%s' "$cx" "$cy" "$cx" "$cy"
}
# both clicks in one write: two send-keys calls can land further apart
# than curses' double-click interval on a loaded machine
keys -l "$(click 3 $((y - 1)))$(click 3 $((y - 1)))"
wait_screen 5 "Desktop $gb"
keys Escape; wait_screen 5 "Hypervisors"

# resize below the minimum and back
tui_resize 40 12
wait_screen 3 "terminal too small"
tui_resize 100 30
wait_screen 3 "Hypervisors \\(3\\)"
on_screen "HVDECK-EXITED" && fail "hvdeck exited"

# help, then quit
keys '?'; wait_screen 5 "Shift-F +force off"
keys Escape; keys q
wait_screen 5 "HVDECK-EXITED 0"
pass
