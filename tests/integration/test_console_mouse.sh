#!/bin/bash
# The mouse (issue 9 item 14): SGR reports (mode 1006) on tmux, whose
# terminfo announces only X10 reports, so a click past column 223 selects
# the row under it; the wheel scrolls; `:mouse off` hands the mouse back to
# the terminal (to select and copy text) and `:mouse on` takes it again.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
tui_start "$conf" 250 40
wait_screen 15 "Hypervisors"
wait_screen 15 "debian-template"
flags() { tmx display -p -t hv '#{mouse_sgr_flag} #{mouse_standard_flag}'; }
[ "$(flags)" = "1 1" ] || fail "mouse flags are '$(flags)', want SGR and standard on"

# At 250 columns the volumes pane is on the right: a click at column 230 on
# the template's row (not the selected one), then Enter: its details.
# Before SGR the report's column 230 cannot be encoded (X10 ends at 223).
row=$(screen | grep -n -- "debian-template" | head -n1 | cut -d: -f1)
line=$(screen | sed -n "${row}p")
[ "${#line}" -ge 232 ] || fail "the template's row ends before column 230"
keys 1	# focus elsewhere first: the click must focus the volumes pane
keys -l $'\e[<0;230;'"$row"'M'
keys -l $'\e[<0;230;'"$row"'m'
sleep 0.3
keys Enter
wait_screen 5 "^Volume debian-template"
keys Escape
info "a click at column 230 selected the template's row ($row)"

# the wheel scrolls a page (help) under the pointer
keys '?'
wait_screen 5 "keys \(Esc to close\)"
for _ in 1 2 3 4; do keys -l $'\e[<65;10;10M'; done
wait_until 5 sh -c "! tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -q 'keys (Esc to close)'" ||
	fail "the wheel did not scroll the help"
keys Escape
info "the wheel scrolls"

# :mouse off gives the mouse to the terminal, :mouse on takes it back
keys : ; keys -l "mouse off"; keys Enter
wait_screen 5 "mouse off"
[ "$(flags)" = "0 0" ] || fail "after :mouse off the flags are '$(flags)'"
keys : ; keys -l "mouse on"; keys Enter
wait_until 5 sh -c "[ \"\$(tmux -S $TMUX_SOCKET display -p -t hv '#{mouse_sgr_flag} #{mouse_standard_flag}')\" = '1 1' ]" ||
	fail "after :mouse on the flags are '$(flags)'"
info ":mouse off / on"
keys q
wait_screen 10 "HVDECK-EXITED 0"
pass "SGR click at column 230, wheel, :mouse"
