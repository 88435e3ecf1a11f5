#!/bin/bash
# Marks (issue 9 item 20): `*` marks what the filter shows, Space marks one
# row, Esc clears; a desktop verb then acts on every marked desktop after
# one question that says how many and on which hosts, one job each.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 ma; ga=$GUEST
new_guest 2 mb; gb=$GUEST
tui_start "$conf" 120 36
wait_screen 15 "Hypervisors"
wait_screen 15 "^.$ga "
wait_screen 15 "^.$gb "
tui_online
keys 4

# start both: `*` under a filter, one question naming both hosts
keys /
keys -l "t$$-m"
keys Enter
wait_screen 5 "Desktops \(2 of [0-9]+\)"
keys "*"
wait_screen 5 "2 marked"
keys u
wait_screen 5 "Start 2 desktops on hv1, hv2\?"
keys y
wait_until 30 sh -c "[ \"\$(virsh -q -c $LAB_URI_1 domstate $ga)\" = running ] && [ \"\$(virsh -q -c $LAB_URI_2 domstate $gb)\" = running ]" ||
	{ screen >&2; fail "both guests did not start"; }
on_screen "2 marked" && fail "marks stayed after the action"
info "* and u started both with one question"

# Space marks one row and moves on; Esc clears the marks
keys g Space
wait_screen 5 "1 marked"
keys Escape
wait_until 5 sh -c "! tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -q marked" || fail "Esc kept the marks"
wait_screen 5 "Desktops \(2 of"	# the filter outlives the first Esc
info "Space marks one, Esc clears"

# force off both, marked one by one, with one question
wait_screen 30 "^.$ga +running"
wait_screen 30 "^.$gb +running"
keys g Space Space
wait_screen 5 "2 marked"
keys F
wait_screen 5 "Force off 2 desktops on hv1, hv2\?"
keys y
wait_until 30 sh -c "[ \"\$(virsh -q -c $LAB_URI_1 domstate $ga)\" = 'shut off' ] && [ \"\$(virsh -q -c $LAB_URI_2 domstate $gb)\" = 'shut off' ]" ||
	{ screen >&2; fail "both guests were not forced off"; }
info "Space Space F forced off both with one question"

# a refusal of one does not stop the other: mark both, start one by virsh
virsh -q -c "$LAB_URI_1" start "$ga" >/dev/null || fail "virsh start"
wait_screen 30 "^.$ga +running"
keys "*" u
wait_screen 5 "Start 2 desktops"
keys y
# the refusal stays on the status line while the other's job runs and ends
wait_screen 5 "1 job started, 1 refused"
wait_until 30 sh -c "[ \"\$(virsh -q -c $LAB_URI_2 domstate $gb)\" = running ]" ||
	{ screen >&2; fail "the refusal of one stopped the other"; }
info "one refused, the other started"
keys q
wait_until 5 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing"
on_screen "Quit anyway" && keys y
wait_screen 10 "HVDECK-EXITED 0"
pass "marks"
