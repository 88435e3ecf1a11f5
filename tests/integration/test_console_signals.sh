#!/bin/bash
# The console's signals: SIGPIPE ignored; SIGWINCH, SIGTERM, SIGINT and
# SIGHUP blocked in every thread (the UI thread takes them through its poll
# loop, so no worker or libvirt thread runs a handler); SIGTERM restores
# the terminal and exits with status 0. Needs no lab: libvirt's test driver.
. "$(dirname "$0")/lib.sh"

: >"$WORK/empty.conf"
tui_start "$WORK/empty.conf" 100 30 -H test:///default
wait_screen $HOST_ONLINE_S "local +mixed +online"

# hvdeck is the child of the pane's shell
shell=$(tmx display -p -t hv '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shell" | tr -d ' ' | head -n1)
[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm")" = hvdeck ] || fail "hvdeck is not the pane's child ($pid)"
# field 22 of /proc/PID/stat (after the comm, which may hold spaces)
start_time() { local s; s=$(cat "/proc/$1/stat") || return 1; s=${s##*) }; set -- $s; echo "${20}"; }
started=$(start_time "$pid")

# masks are hex bit sets, bit (signal - 1)
has_bit() { (( (16#$1 >> ($2 - 1)) & 1 )); }
for task in /proc/"$pid"/task/*; do
	blk=$(sed -n 's/^SigBlk:\t//p' "$task/status")
	for sig in 28 15 2 1; do   # WINCH TERM INT HUP
		has_bit "$blk" $sig || fail "thread ${task##*/} does not block signal $sig (SigBlk $blk)"
	done
done
info "$(ls /proc/"$pid"/task | wc -l) threads block WINCH, TERM, INT, HUP"
ign=$(sed -n 's/^SigIgn:\t//p' "/proc/$pid/status")
has_bit "$ign" 13 || fail "SIGPIPE is not ignored (SigIgn $ign)"

# a resize reaches the UI thread through the signal descriptor
tui_resize 70 20
wait_screen 3 "1 Hypervisors"
[ "$(screen | head -n1 | wc -L)" -le 70 ] || fail "no redraw after resize"

# SIGTERM: same process (pid not reused), then exit status 0
[ "$(start_time "$pid")" = "$started" ] || fail "pid $pid is another process now"
kill -TERM "$pid"
wait_screen 10 "HVDECK-EXITED 0"
pass
