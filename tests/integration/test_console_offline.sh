#!/bin/bash
# In the console, killing a node's libvirtd shows that host offline with
# libvirt's reason (whole, on a wide terminal) and its desktops greyed out as "unknown" (kept, not
# removed); restarting the daemon brings the host and its desktops back.
. "$(dirname "$0")/lib.sh"

n=$LAB_NODES
conf=$(write_config)
# stats every minute: nothing but the countdown itself may redraw the row
sed -i 's/^stats_interval = 1;/stats_interval = 60;/' "$conf"
new_guest "$n" o; g=$GUEST
cleanup "$LAB libvirtd-start $n"
tui_start "$conf" 120 32
for ((i = 1; i <= n; i++)); do
	wait_screen $HOST_ONLINE_S "hv$i +mixed +online"
done
wait_screen 5 "^.$g +shutoff +hv$n"

"$LAB" libvirtd-stop "$n" || fail "cannot stop libvirtd of node $n"
wait_screen 15 "hv$n +mixed +offline"
wait_screen 3 "^.$g +unknown +hv$n"
for ((i = 1; i < n; i++)); do
	on_screen "hv$i +mixed +online" || { screen >&2; fail "hv$i did not stay online"; }
done
# greyed: the row is drawn with the theme's dim style
tmx capture-pane -e -p -t hv | grep -F "$g" | head -n1 | grep -q $'\e\\[' ||
	fail "the desktop row carries no attributes"

# the retry countdown ticks each second, with no model change to redraw
retry_s() { screen | grep -oE "hv$n .*retry in [0-9]+s" | grep -oE "[0-9]+s\$" | tr -d s; }
long_wait() { [ "$(retry_s)" -ge 3 ] 2>/dev/null; }
wait_until 40 long_wait || { screen >&2; fail "no retry countdown of 3 s or more"; }
v=$(retry_s)
wait_screen 3 "hv$n .*retry in $((v - 1))s"
# with room, libvirt's reason is read whole: it runs on over the blank
# figures of the offline host
tui_resize 200 32
wait_screen 3 "hv$n +mixed +offline, seen [0-9:]+, retry in [0-9]+s: unable to connect to server at '127\.0\.0\.1:[0-9]+': Connection refused"
tui_resize 120 32

"$LAB" libvirtd-start "$n" || fail "cannot restart libvirtd of node $n"
wait_screen 30 "hv$n +mixed +online"
wait_screen 3 "^.$g +shutoff +hv$n"
on_screen "HVDECK-EXITED" && fail "hvdeck exited"
pass
