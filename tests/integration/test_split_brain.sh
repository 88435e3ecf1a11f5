#!/bin/bash
# Split brain: one guest (one UUID) started on two hosts at once, outside
# any migration — two QEMUs on one disk. hvdeck must say so everywhere:
# an error event naming both hosts (never "moved from"), "split_brain":
# true with both hosts in watch --json and dump --json, split_brain= in
# dump text, a SPLIT row on hv1+hv2 in the console; the console's start
# and `hvdeck desktop start` refuse, naming the hosts; one copy stopping
# clears it with an info event.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
g="t$$-twin"
uuid=$(cat /proc/sys/kernel/random/uuid)
xml=$WORK/$g.xml
"$LAB" guest-xml "$g" | sed "s|<name>|<uuid>$uuid</uuid>\n  <name>|" >"$xml" ||
	fail "guest-xml"
for n in 1 2; do
	vsh $n define "$xml" >/dev/null || fail "cannot define $g on node $n"
done
cleanup "for _n in 1 2; do vsh \$_n destroy $g; vsh \$_n undefine $g; done"
[ "$(vsh 2 domuuid "$g")" = "$uuid" ] || fail "node 2 gave $g another UUID"

watch_start "$conf"
"$HVDECK" -c "$conf" watch >"$WORK/text.log" 2>&1 &
text_id=$(proc_id $!) && cleanup "signal_proc TERM $text_id"
tui_start "$conf" 120 32
wait_screen $HOST_ONLINE_S "hv2 +mixed +online"
keys 4; wait_screen 3 "Desktops"

vsh 1 start "$g" >/dev/null || fail "virsh start on node 1"
vsh 2 start "$g" >/dev/null || fail "virsh start on node 2"

split_json() {
	jq_any --arg u "$uuid" 'select(.kind == "desktop" and .object.uuid == $u and
		.object.split_brain == true and (.object.split_brain_hosts | sort) == ["hv1", "hv2"])' "$out"
}
wait_until 5 split_json || fail "watch --json never reported split_brain on hv1 and hv2"
said() { grep -qF -- "$1" "$WORK/text.log"; }
wait_until 3 said "error: $g is running on hv1 AND hv2: split brain — two QEMUs on one disk" ||
	{ cat "$WORK/text.log" >&2; fail "no split-brain error event in watch"; }
said "moved from" && { cat "$WORK/text.log" >&2; fail "a split brain was logged as a move"; }

"$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" || fail "dump --json"
[ "$(jq -r --arg u "$uuid" '.desktops[] | select(.uuid == $u) |
	"\(.split_brain) \(.split_brain_hosts | sort | join(","))"' "$WORK/dump.json")" = "true hv1,hv2" ] ||
	fail "dump --json: $(jq -c --arg u "$uuid" '.desktops[] | select(.uuid == $u)' "$WORK/dump.json")"
"$HVDECK" -c "$conf" dump >"$WORK/dump.txt" || fail "dump"
grep -E "^desktop .*uuid=$uuid .*split_brain=hv1\\+hv2" "$WORK/dump.txt" >/dev/null ||
	fail "dump text: $(grep -F "$uuid" "$WORK/dump.txt")"

# the console: the row, and the start refused naming both hosts
wait_screen 3 "$g +SPLIT +hv1\\+hv2"
wait_screen 3 "SPLIT BRAIN: 1 desktop on two hosts"	# the status line
keys : ; keys -l "go $g"; keys Enter
keys u
wait_screen 3 "cannot start $g: it is running on hv1 and hv2 \\(split brain\\)"
# and from the shell
"$HVDECK" -c "$conf" desktop start "$g" >"$WORK/start.out" 2>"$WORK/start.err" &&
	fail "desktop start succeeded: $(cat "$WORK/start.out")"
grep -qF "cannot start $g: it is running on hv1 and hv2 (split brain)" "$WORK/start.err" ||
	fail "desktop start: $(cat "$WORK/start.err")"

# one copy stops: the alarm clears, and that is not a move either
vsh 2 destroy "$g" >/dev/null || fail "virsh destroy on node 2"
wait_until 5 said "$g split brain over: running only on hv1" ||
	{ cat "$WORK/text.log" >&2; fail "the split brain never cleared"; }
said "moved from" && { cat "$WORK/text.log" >&2; fail "the end of a split brain was logged as a move"; }
wait_screen 3 "$g +running +hv1"
on_screen "SPLIT BRAIN" && fail "the status line still shows the alarm"
# the copy left on node 2 is shut off, yet starting it is refused
keys u
wait_screen 3 "cannot start $g: it is already running on hv1"
"$HVDECK" -c "$conf" desktop start "$g" 2>"$WORK/start.err" && fail "desktop start succeeded"
grep -qF "cannot start $g: it is already running on hv1" "$WORK/start.err" ||
	fail "desktop start: $(cat "$WORK/start.err")"
[ "$(guest_state 2 "$g")" = "shut off" ] || fail "node 2's copy was started"
keys q
wait_screen 5 "HVDECK-EXITED 0"
pass "split brain reported in watch, dump and the console; start refused"
