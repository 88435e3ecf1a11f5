#!/bin/bash
# A reader that stops reading stalls `hvdeck watch --json --stats` alone.
# With its output blocked (a fifo that nobody reads) the watch still follows
# the lab: its hosts come online and stay online through keepalive windows,
# a guest started and stopped with virsh reaches its model (its log says
# so), and a second hvdeck is not held up. Read again, the changes made
# meanwhile come out in order. Blocked once more, SIGTERM ends it within
# 5 s (sanitizer builds included) with status 0.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 stall; g=$GUEST
uuid=$(vsh 1 domuuid "$g")
fifo=$WORK/out.fifo
mkfifo "$fifo" || fail "mkfifo"
# the test holds the fifo open (both ends, so opening it never waits) and
# reads nothing until it means to
exec 3<>"$fifo"
yes '' | head -c 262144 >"$WORK/filler"
# fill the pipe to the brim: the next write of watch blocks. A descriptor
# of its own, non-blocking, stops at the brim (dd then says EAGAIN).
fill_fifo() {
	dd if="$WORK/filler" of="$fifo" bs=4096 oflag=nonblock conv=notrunc 2>/dev/null
	true
}
# some thread of watch sleeps in a pipe write
writer_blocked() { cat /proc/"$watch_pid"/task/*/wchan 2>/dev/null | grep -q pipe; }
logged() { grep -qF -- "$1" "$WORK/watch.log"; }
exited() {  # gone, or a zombie waiting for this shell
	! kill -0 "$watch_pid" 2>/dev/null ||
		[ "$(awk '{print $3}' /proc/"$watch_pid"/stat 2>/dev/null)" = Z ]
}

# ---- phase 1: nothing reads ----
fill_fifo
t_block=$(now_ms)
"$HVDECK" -c "$conf" --log "$WORK/watch.log" watch --json --stats >"$fifo" 2>"$WORK/watch.err" 3>&- &
watch_pid=$!
cleanup "kill -KILL $watch_pid"
wait_until 10 writer_blocked || fail "watch never blocked on its output"
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_until 30 logged "hv$i online" ||
		fail "hv$i did not come online while the output was blocked (the model is stalled): $(tail -3 "$WORK/watch.log" 2>/dev/null)"
done
info "all hosts online $(( $(now_ms) - t_block )) ms after the output blocked"

vsh 1 start "$g" >/dev/null || fail "virsh start"
wait_until 5 logged "$g running on hv1" || fail "start not followed while the output was blocked"
# a second hvdeck meanwhile: not held up, and sees the same
timeout 30 "$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" 2>"$WORK/dump.err" 3>&- ||
	fail "a second hvdeck failed: $(cat "$WORK/dump.err")"
[ "$(jq -r --arg u "$uuid" '.desktops[] | select(.uuid == $u) | .state' "$WORK/dump.json")" = running ] ||
	fail "dump does not show $g running"
vsh 1 destroy "$g" >/dev/null || fail "virsh destroy"
wait_until 5 logged "$g shutoff on hv1" || fail "destroy not followed while the output was blocked"
# through a keepalive window (3 s x 3) and then some, still blocked, every
# host stays online: the event loop answers
while [ $(( $(now_ms) - t_block )) -lt 12000 ]; do sleep 0.5; done
writer_blocked || fail "the output was expected to be blocked still"
logged " offline" && fail "a host went offline while the output was blocked: $(grep -F ' offline' "$WORK/watch.log")"

# ---- phase 2: read again: what was queued comes out, in order ----
out=$WORK/drained.jsonl
cat <&3 >"$out" &
cat_pid=$!
cleanup "kill $cat_pid"
states() {
	jq -r --arg u "$uuid" 'select(.kind == "desktop" and .object.uuid == $u) | .object.state' "$out" 2>/dev/null |
		uniq | paste -sd, -
}
followed() { [[ ,$(states), == *,running,*shutoff,* ]]; }
wait_until 10 followed || fail "queued changes of $g not written in order once read: $(states)"
wait_until 10 watch_all_online || fail "queued host lines missing once read"
jq_any 'select(.kind == "dropped")' "$out" && fail "changes dropped in a short stall: $(grep dropped "$out")"

# ---- phase 3: blocked again, SIGTERM ends it ----
kill "$cat_pid"
wait "$cat_pid" 2>/dev/null
fill_fifo
# a stats line a second: the writer is soon stuck again
wait_until 10 writer_blocked || fail "watch did not block again"
t0=$(now_ms)
kill -TERM "$watch_pid"
wait_until 5 exited || fail "SIGTERM did not end a watch whose output is blocked within 5 s"
wait "$watch_pid"
rc=$?
info "blocked watch ended $(( $(now_ms) - t0 )) ms after SIGTERM"
[ "$rc" -eq 0 ] || fail "watch ended with status $rc after SIGTERM"
pass "watch blocked on its output; model, hosts and a second hvdeck went on; SIGTERM ended it"
