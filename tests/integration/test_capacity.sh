#!/bin/bash
# `hvdeck capacity [--json]` and %: per host the vCPUs and maximum memory
# of its running desktops, its CPUs and memory, against what virsh says
# (nodeinfo, and dominfo summed over `virsh list`); pools' capacity against
# pool-dumpxml and the pool_warn_percent setting's warning; the same
# through a running server; the console's capacity view, in-process and
# attached to the server (its mirror carries each desktop's maximum memory
# and each host's memory_reserve: the rows match the server's).
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
echo "pool_warn_percent = 1;" >>"$conf"	# every lab pool holds something
# hv1 keeps 768 MiB, not the default
sed -i 's/\({ name = "hv1";[^}]*\) }/\1 memory_reserve = 768; }/' "$conf"
grep -q 'name = "hv1";.*memory_reserve = 768;' "$conf" || fail "cannot set hv1's memory_reserve: $(cat "$conf")"
new_guest 1 a; ga=$GUEST
gb="t$$-b"
cleanup "vsh 1 destroy $gb; vsh 1 undefine $gb"
# b may balloon up to 256 MiB and holds 128: capacity counts the 256
"$LAB" guest-xml "$gb" 256 | sed "s|<currentMemory unit='MiB'>256<|<currentMemory unit='MiB'>128<|" >"$WORK/b.xml"
vsh 1 define "$WORK/b.xml" >/dev/null || fail "cannot define $gb with 256 MiB maximum"
vsh 1 start "$ga" >/dev/null && vsh 1 start "$gb" >/dev/null || fail "cannot start the guests"
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }

# what virsh says of node N: "CPUS MEMORY_KIB VCPUS MAXMEM_KIB RUNNING"
virsh_sums() {
	local u="LAB_URI_$1" d cpus mem v=0 m=0 n=0 info
	cpus=$(virsh -q -c "${!u}" nodeinfo | sed -n 's/^CPU(s): *//p')
	mem=$(virsh -q -c "${!u}" nodeinfo | sed -n 's/^Memory size: *\([0-9]*\) KiB/\1/p')
	for d in $(virsh -q -c "${!u}" list --name); do
		info=$(virsh -q -c "${!u}" dominfo "$d")
		v=$(( v + $(sed -n 's/^CPU(s): *//p' <<<"$info") ))
		m=$(( m + $(sed -n 's/^Max memory: *\([0-9]*\) KiB/\1/p' <<<"$info") ))
		n=$(( n + 1 ))
	done
	echo "$cpus $mem $v $m $n"
}
# hvdeck's figures for host hvN from the JSON in $WORK/out, same order
hvdeck_sums() {
	jq -r --arg h "hv$1" '.hosts[] | select(.name == $h) |
		"\(.cpus) \(.memory_kib) \(.vcpus) \(.committed_kib) \(.running)"' "$WORK/out"
}
check_hosts() {	# WHERE
	local i want got
	for ((i = 1; i <= LAB_NODES; i++)); do
		want=$(virsh_sums "$i"); got=$(hvdeck_sums "$i")
		[ "$got" = "$want" ] || fail "$1: hv$i: hvdeck says '$got', virsh '$want' (cpus memory vcpus maxmem running)"
	done
	jq -e '[.hosts[].headroom_kib] | . == (sort)' "$WORK/out" >/dev/null ||
		fail "$1: hosts not sorted by headroom: $(cat "$WORK/out")"
	jq -e '.hosts[] | select(.name == "hv1") | .headroom_kib == .memory_kib - .reserve_kib - .committed_kib and .reserve_kib == 786432' \
		"$WORK/out" >/dev/null || fail "$1: hv1's headroom: $(cat "$WORK/out")"
}
# the stats poll must have seen both guests start
_both() { hv --no-server capacity --json && [ "$(hvdeck_sums 1)" = "$(virsh_sums 1)" ]; }
wait_until 60 _both || true
hv --no-server capacity --json || fail "capacity --json: exit $?: $(cat "$WORK/err")"
check_hosts in-process
[ "$(jq '.hosts[] | select(.name == "hv1") | .running' "$WORK/out")" -ge 2 ] || fail "hv1 runs fewer than 2: $(cat "$WORK/out")"

# pools: capacity as libvirt has it, the warning from the setting
p=$(jq -r '.pools[0].name' "$WORK/out")
cap=$(vsh 1 pool-dumpxml "$p" | sed -n "s/.*<capacity unit='bytes'>\([0-9]*\)<.*/\1/p")
[ "$(jq --arg p "$p" '.pools[] | select(.name == $p) | .capacity' "$WORK/out")" = "$cap" ] ||
	fail "pool $p: capacity $cap in libvirt: $(cat "$WORK/out")"
jq -e '.pool_warn_percent == 1 and (.pools | length > 0) and all(.pools[]; .warn == (.percent >= 1))' "$WORK/out" >/dev/null ||
	fail "pool warnings against pool_warn_percent: $(cat "$WORK/out")"

# the table
hv --no-server capacity || fail "capacity: exit $?"
head -n1 "$WORK/out" | grep -q "^HOST  *STATE  *RUN  *VCPUS/CPUS  *RATIO  *COMMITTED/MEMORY  *RESERVE  *HEADROOM$" ||
	fail "capacity's head: $(head -n1 "$WORK/out")"
read -r cpus _ v _ n <<<"$(virsh_sums 1)"
grep -qE "^hv1 +online +$n +$v/$cpus " "$WORK/out" || fail "hv1's row: $(cat "$WORK/out")"
grep -q "% WARNING$" "$WORK/out" || fail "no pool warning at 1%: $(cat "$WORK/out")"

# through a running server
server_start "$conf" "$WORK/server.log"
_served() { hv capacity --json && [ "$(hvdeck_sums 1)" = "$(virsh_sums 1)" ]; }
wait_until 60 _served || true
hv capacity --json || fail "capacity via the server: exit $?: $(cat "$WORK/err")"
check_hosts "via the server"
# a console attached to the server opens the view on its mirror: each
# host's row is the server's (committed maximum memory, reserve, headroom)
hv capacity || fail "capacity via the server: exit $?"
grep -q "^hv1 .* 768 MiB " "$WORK/out" || fail "hv1's reserve is not 768 MiB: $(cat "$WORK/out")"
tui_start "$conf" 160 40
wait_screen 40 "$ga"
keys %
wait_screen 15 "^Capacity"
wait_screen 15 "^hv1 +online +$n +$v/$cpus "
for h in hv1 hv2 hv3; do
	row=$(grep "^$h " "$WORK/out" | tr -s ' ')
	_row() { [ "$(screen | grep "^$h " | head -n1 | tr -s ' ' | sed 's/ $//')" = "$row" ]; }
	wait_until 15 _row || fail "attached: $h's row is '$(screen | grep "^$h " | head -n1)', the server's '$row'"
done
keys Escape
tmx kill-session -t hv
"$HVDECK" -c "$conf" server stop >/dev/null 2>&1

# the console: % from any pane
tui_start "$conf" 160 40 --no-server
wait_screen 40 "$ga"
keys 2; keys %
wait_screen 15 "^Capacity"
wait_screen 15 "^hv1 +online +$n +$v/$cpus "
on_screen "WARNING" || fail "the view shows no pool warning"
keys Escape
wait_screen 10 "Hypervisors"
pass
