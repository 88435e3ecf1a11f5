#!/bin/bash
# Keys explain themselves: an empty cluster's console says how to start
# (1 then a, or hvdeck host add); a key that belongs to another pane says
# where in the status line instead of doing nothing; ? names the pane of
# each pane key; one key, one meaning: Shift-W (not Shift-X) dismisses the
# finished jobs, and Shift-X in the jobs pane points at the panes where it
# removes the selected thing.
. "$(dirname "$0")/lib.sh"

conf=$WORK/empty.conf
echo "stats_interval = 2;" >"$conf"
in_process_line >>"$conf"
tui_start "$conf" 120 30 --no-server
wait_screen 10 "Hypervisors \\(0\\)"
wait_screen 5 "no hosts yet: press 1 then a to add one over SSH, or run hvdeck host add"

# the console opens on the desktops pane: a is the hypervisors pane's
keys 4
keys a
wait_screen 5 "a is add-host — in the hypervisors pane, press 1"
on_screen "Add a hypervisor" && fail "a opened the add-host form outside the hypervisors pane"
keys 1
keys m
wait_screen 5 "m is desktop migrate — in the desktops pane, press 4"
keys D
wait_screen 5 "Shift-D is volume delete — in the volumes pane, press 3"
keys 5
keys X
wait_screen 5 "Shift-X is host remove — in the hypervisors pane, press 1"
# in its pane, a still opens its form
keys 1
keys a
wait_screen 5 "Add a hypervisor"
keys Escape
_closed() { ! on_screen "Add a hypervisor"; }
wait_until 5 _closed || fail "Esc did not close the add-host form"

tui_resize 200 100	# the key list on one page
keys '?'
wait_screen 5 "add a hypervisor over SSH: a form \\(in the hypervisors pane\\)"
wait_screen 5 "Shift-W +forget every finished job \\(in the jobs pane\\)"
wait_screen 5 "new desktops from the selected template desktop.*\\(in the volumes and desktops panes\\)"
keys Escape
keys q
wait_screen 5 "HVDECK-EXITED 0"
pass
