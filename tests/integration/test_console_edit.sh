#!/bin/bash
# The line editor (issue 9 item 12) through the real console: characters,
# not bytes ("/té", Backspace, "xy" gives "/txy"), history on Up/Down with
# the draft kept, Ctrl-W and Ctrl-U.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
tui_start "$conf" 100 30
wait_screen 15 "Hypervisors"
last_line() { screen | tail -n1; }
bottom_is() { last_line | grep -qE -- "$1"; }
wait_bottom() { wait_until 5 bottom_is "$1" || { screen >&2; fail "bottom line never showed /$1/"; }; }

# a multibyte character deleted by one Backspace
keys /
keys -l "té"
wait_screen 5 '\[/té\]'
keys BSpace
keys -l "xy"
wait_screen 5 '\[/txy\]'
info "/té, Backspace, xy gives /txy"
keys Enter
# history: a new filter, then Up recalls the last one, Down the draft
keys Escape
wait_until 5 sh -c "! tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -q '\[/txy\]'" || fail "Esc kept the filter"
keys /
keys -l "abc"
wait_screen 5 '\[/abc\]'
keys Up
wait_screen 5 '\[/txy\]'
keys Down
wait_screen 5 '\[/abc\]'
info "filter history Up/Down keeps the draft"
# cursor moves: insert in the middle of the text
keys Left Left
keys -l "é"
wait_screen 5 '\[/aébc\]'
keys C-a
keys -l "z"
wait_screen 5 '\[/zaébc\]'
keys C-e C-u
wait_until 5 sh -c "! tmux -S $TMUX_SOCKET capture-pane -p -t hv | grep -q '\[/'" || fail "Ctrl-U left text"
keys Escape
# the : line: Ctrl-W kills the word before the cursor; history recalls
keys :
keys -l "go one twö"
wait_bottom '^:go one twö *$'
keys C-w
wait_bottom '^:go one *$'
keys C-w
wait_bottom '^:go *$'
keys C-u
keys -l "help"
keys Enter
wait_screen 5 "keys \(Esc to close\)"
keys Escape
keys :
keys Up
wait_bottom '^:help *$'
keys Escape
# the help at 80x24 says there is more, and scrolls to its end
tui_resize 80 24
keys '?'
wait_screen 5 "^-- more: lines 1-[0-9]+ of [0-9]+"
keys G
wait_screen 5 "^-- end: lines"
keys Escape
info "help at 80x24: more hint, scrolls"
keys q
wait_screen 5 "HVDECK-EXITED 0"
pass "characters, history, Ctrl-W/U"
