#!/bin/bash
# A storm of keys (seeded, so a failure can be replayed) in every pane and
# mode, with resizes in between: the console must keep running and quit
# cleanly. Keys that end the session (q, Ctrl-C, ':') are held back until
# the end.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 k; g=$GUEST
tui_start "$conf" 80 24
wait_screen 15 "Hypervisors"
wait_screen 10 "^.$g "

RANDOM=${KEY_SEED:-4242}
pool=(1 2 3 4 5 Tab BTab Up Down k j PPage NPage g G Home End Enter Escape / s S ? C-l
      u h r p F n Escape BSpace a z ! . - x state: host: Left Right Space 0 9)
sizes=("80 24" "60 15" "59 14" "100 30" "200 50" "40 12" "120 40")
for ((i = 0; i < 600; i++)); do
	k=${pool[RANDOM % ${#pool[@]}]}
	case $k in
	*:) keys -l "$k" ;;
	*) keys "$k" ;;
	esac
	if ((i % 75 == 74)); then
		read -r w h <<<"${sizes[RANDOM % ${#sizes[@]}]}"
		tui_resize "$w" "$h"
	fi
	if ((i % 100 == 99)); then
		on_screen "HVDECK-EXITED" && fail "hvdeck died after $((i + 1)) keys (seed ${KEY_SEED:-4242})"
	fi
done
tui_resize 80 24
# leave any mode, then quit (confirming if jobs are still pending)
keys Escape; keys Escape; keys Escape
wait_screen 5 "Hypervisors"
keys q
wait_until 5 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing (seed ${KEY_SEED:-4242})"
on_screen "Quit anyway" && keys y
wait_screen 5 "HVDECK-EXITED 0"
pass "600 keys"
