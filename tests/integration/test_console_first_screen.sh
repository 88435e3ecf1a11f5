#!/bin/bash
# The desktops pane's first screen with 150 desktops on three nodes (two
# running): the top of the list, the running ones first, with the first
# row selected, the same in three starts - whichever host's inventory
# comes in first. (The first row seen used to keep the selection, so the
# pane opened scrolled to wherever that row sorted.) Once the operator
# moves, a host's reconnect keeps the row chosen.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 3 ] || fail "needs 3 nodes"
conf=$(write_config)
PER_NODE=50
prefix="t$$-b"

# 50 shut-off desktops per node, in blocks that sort node 2 first, then
# node 3, then node 1 (the first inventories come from the TCP nodes 1 and
# 3: their first rows sort into the middle of the list)
define_block() {	# NODE FIRST
	local n=$1 first=$2 i name cmds=
	mkdir -p "$WORK/xml$n"
	for ((i = first; i < first + PER_NODE; i++)); do
		name=$(printf '%s-%03d' "$prefix" "$i")
		"$LAB" guest-xml "$name" 64 >"$WORK/xml$n/$name.xml" || fail "guest-xml failed"
		cmds+="define $WORK/xml$n/$name.xml; "
	done
	vsh "$n" "$cmds" >/dev/null || fail "defining the desktops of node $n failed"
}
undefine_all() {
	local n cmds name
	for n in 1 2 3; do
		cmds=
		for name in $(vsh "$n" list --all --name | grep "^$prefix-"); do
			cmds+="undefine $name; "
		done
		[ -z "$cmds" ] || vsh "$n" "$cmds" >/dev/null
	done
}
cleanup undefine_all
define_block 2 0
define_block 3 50
define_block 1 100
running_guest 2 r2; r2=$GUEST
running_guest 3 r3; r3=$GUEST
total=$((3 * PER_NODE + 2))

# the desktops pane's rows as shown (name column), after 4 focused it
desktop_rows() { screen | sed -n '/ 4 Desktops /,/^└/p' | sed '1,2d;$d' | sed 's/^│//' | awk '{print $1}'; }
all_in() { on_screen "4 Desktops \\($total\\)" && [ "$(screen | grep -c ' online ')" -ge 3 ]; }

for run in 1 2 3; do
	tui_start "$conf" 120 40
	wait_screen 30 "Hypervisors"
	wait_until 60 all_in || fail "run $run: not every host and desktop came in"
	sleep 1		# a second look: rows that move after the last inventory
	keys 4
	wait_screen 5 "4 Desktops \\($total\\)"
	desktop_rows >"$WORK/rows.$run"
	first=$(head -n1 "$WORK/rows.$run")
	case $first in
	"$r2"|"$r3") ;;
	*) fail "run $run: the first row shown is $first, not a running desktop" ;;
	esac
	# the first row is the selected one (focused: the selection's colours)
	tmx capture-pane -p -e -t hv | grep -F -- "$first" | grep -qE $'\e\\[[0-9;]*46m' ||
		fail "run $run: the first row ($first) is not selected"
	info "run $run: first rows $(head -n3 "$WORK/rows.$run" | paste -sd' ')"
	[ "$run" -eq 1 ] || cmp -s "$WORK/rows.1" "$WORK/rows.$run" ||
		fail "run $run shows other rows than run 1: $(diff "$WORK/rows.1" "$WORK/rows.$run" | head -5)"
	if [ "$run" -lt 3 ]; then
		keys q
		wait_until 10 on_screen "HVDECK-EXITED|Quit anyway" || fail "q did nothing"
		on_screen "Quit anyway" && keys y
		wait_screen 10 "HVDECK-EXITED 0"
		tmx kill-session -t hv
	fi
done

# the operator's choice survives a reconnect of the host that holds it
# (the 4th row: $prefix-001, on node 2)
keys j j j
chosen=$(sed -n 4p "$WORK/rows.3")
[ "$chosen" = "$prefix-001" ] || fail "the 4th row is $chosen, not $prefix-001"
"$LAB" libvirtd-stop 2 >/dev/null || fail "lab.sh libvirtd-stop failed"
cleanup "'$LAB' libvirtd-start 2"
wait_until 30 on_screen "hv2 .*(offline|connecting)" || fail "hv2 did not go offline"
"$LAB" libvirtd-start 2 >/dev/null || fail "lab.sh libvirtd-start failed"
wait_until 90 all_in || fail "hv2 did not come back"
chosen_selected() { tmx capture-pane -p -e -t hv | grep -F -- "$chosen" | grep -qE $'\e\\[[0-9;]*46m'; }
wait_until 5 chosen_selected ||
	fail "after hv3 reconnected the chosen row ($chosen) is not selected"
pass "the desktops pane opens at the top, first row selected, 3 runs alike"
