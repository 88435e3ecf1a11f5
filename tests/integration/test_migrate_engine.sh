#!/bin/bash
# The migration engine (act-migrate.c) through `hvdeck migrate`, against
# the lab's real libvirtd and QEMU (2 nodes, hv2 over libssh):
#  - a running guest migrates hv1 -> hv2 with a bandwidth limit (progress
#    lines with several percentages), persisted there, undefined on hv1,
#    the same UUID in dump; and back hv2 -> hv1;
#  - pre-flight refusals, each exit 1 with its cause and the guest left
#    running where it was: unknown desktop / host, destination = source,
#    in maintenance, role disk, memory_reserve above the free memory, a
#    persistent CPU needing avx512f (which TCG lacks), a writeback cache
#    on shared storage without --unsafe (and it migrates with it);
#  - --bandwidth out of range: exit 2 with the range before any pre-flight,
#    and --bandwidth 0 (unlimited) accepted;
#  - Ctrl-C cancels: exit 1, "cancelled", still running on hv1 only;
#  - --no-persist leaves it transient on the destination;
#  - a disk in a pool local to each node is refused without --copy-storage,
#    naming it, and with it arrives in the destination's pool.
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 2 ] || fail "needs a lab with 2 nodes"

conf=$(write_config)
cp "$conf" "$WORK/orig.conf"	# the one-line host groups write_config makes
new_guest 1 mig
vsh 1 start "$GUEST" >/dev/null || fail "cannot start $GUEST"
uuid=$(vsh 1 domuuid "$GUEST")

hv() { "$HVDECK" -c "$conf" "$@"; }
runs_on() { [ "$(guest_state "$1" "$GUEST")" = running ]; }
absent_on() { ! vsh "$1" dominfo "$GUEST" >/dev/null 2>&1; }
persistent_on() { vsh "$1" dominfo "$GUEST" | grep -Eq '^Persistent: +yes'; }
# still where it was: running on node $1 only
untouched() {
	runs_on "$1" || fail "$2: $GUEST is not running on node $1 ($(guest_state "$1" "$GUEST"))"
	local other=$((3 - $1))
	[ "$(guest_state "$other" "$GUEST")" != running ] || fail "$2: $GUEST runs on node $other too"
}
# refused WHY-REGEX ARGS...: exit 1, the message matches, nothing moved
refused() {
	local why=$1 rc
	shift
	hv migrate "$@" >"$WORK/r.out" 2>"$WORK/r.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "migrate $* exited $rc, not 1: $(cat "$WORK/r.err")"
	grep -Eq -- "$why" "$WORK/r.err" || fail "migrate $*: no /$why/ in: $(cat "$WORK/r.err")"
	untouched 1 "migrate $*"
	info "refused: $(grep -E -- "$why" "$WORK/r.err" | head -n1)"
}

wait_until 30 runs_on 1 || fail "$GUEST did not start"

# ---- refusals before anything moves ----
refused "no desktop named nosuch" nosuch hv2
refused "no host named nohost" "$GUEST" nohost
refused "already runs on hv1" "$GUEST" hv1
hv host maintenance hv2 on >/dev/null || fail "maintenance on"
cleanup "'$HVDECK' -c '$conf' host maintenance hv2 off"
refused "hv2 is in maintenance" "$GUEST" hv2
hv host maintenance hv2 off >/dev/null || fail "maintenance off"
hv host role hv2 disk >/dev/null || fail "role disk"
refused "role disk" "$GUEST" hv2
hv host role hv2 mixed >/dev/null || fail "role mixed"
# the reserve (MiB) above anything the machine has
sed 's|role = "mixed"; }|role = "mixed"; memory_reserve = 16000000; }|' "$WORK/orig.conf" >"$WORK/reserve.conf"
grep -q 'memory_reserve = 16000000' "$WORK/reserve.conf" || fail "no memory_reserve in the test's config"
"$HVDECK" -c "$WORK/reserve.conf" migrate "$GUEST" hv2 >/dev/null 2>"$WORK/r.err"
[ $? -eq 1 ] || fail "a huge memory_reserve did not refuse"
grep -Eq "hv2 has [0-9]+ MiB free; $GUEST needs 128 MiB \+ the host's memory_reserve 16000000 MiB" "$WORK/r.err" ||
	fail "memory refusal does not name the numbers: $(cat "$WORK/r.err")"
untouched 1 "memory_reserve"
# CPU: the definition it would persist with needs a feature TCG lacks
vsh 1 dumpxml --inactive "$GUEST" >"$WORK/cpu.xml"
cp "$WORK/cpu.xml" "$WORK/plain.xml"
sed -i "/<cpu/,/<\/cpu>/d; s|</vcpu>|</vcpu><cpu mode='custom' match='exact'><model fallback='forbid'>qemu64</model><feature policy='require' name='avx512f'/></cpu>|" "$WORK/cpu.xml"
vsh 1 define "$WORK/cpu.xml" >/dev/null || fail "cannot define the avx512f CPU"
refused "persistent CPU.*avx512f" "$GUEST" hv2
vsh 1 define "$WORK/plain.xml" >/dev/null || fail "cannot restore the definition"

# ---- an option out of range: exit 2 before anything connects (no
# pre-flight line), the message names the range the console has too ----
hv migrate "$GUEST" hv2 --bandwidth 1000001 >"$WORK/b.out" 2>"$WORK/b.err"
rc=$?
[ "$rc" -eq 2 ] || fail "--bandwidth 1000001 exited $rc: $(cat "$WORK/b.err")"
grep -qxF "hvdeck: --bandwidth: '1000001' is not a whole number 0..1000000 (MiB/s, 0 unlimited)" "$WORK/b.err" ||
	fail "--bandwidth 1000001 said: $(cat "$WORK/b.err")"
[ ! -s "$WORK/b.out" ] || fail "a refused option still ran the pre-flight: $(cat "$WORK/b.out")"
untouched 1 "--bandwidth 1000001"

# ---- cancel: Ctrl-C half-way, the guest stays on hv1 ----
# hvdeck itself in the background (a shell function would be a subshell
# that the signal never gets through)
"$HVDECK" -c "$conf" migrate "$GUEST" hv2 --bandwidth 5 >"$WORK/c.out" 2>"$WORK/c.err" &
pid=$!
cleanup "kill $pid"
pcts() { grep -oE '^[^:]+: [0-9.]+% memory' "$WORK/c.out" | sort -u | wc -l; }
two_pcts() { [ "$(pcts)" -ge 2 ]; }
wait_until 60 two_pcts || fail "no progress lines before the cancel: $(cat "$WORK/c.out" "$WORK/c.err")"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "cancelled migrate exited $rc"
grep -q "migration cancelled (hv1 -> hv2): " "$WORK/c.err" || fail "no 'cancelled': $(cat "$WORK/c.err")"
# libvirt's reason said once, naming no URI
[ "$(cat "$WORK/c.out" "$WORK/c.err" | grep -c "canceled by client")" -eq 1 ] ||
	fail "the cancel's reason is not said once: $(cat "$WORK/c.out" "$WORK/c.err")"
grep -q "qemu+" "$WORK/c.out" "$WORK/c.err" && fail "a message carries a URI: $(cat "$WORK/c.err")"
untouched 1 "cancel"
absent_on 2 || fail "cancel left $GUEST defined on node 2"
info "cancelled after $(pcts) progress percentages; still on hv1"

# ---- hv1 -> hv2, bandwidth limited: progress, persisted, same UUID ----
t0=$(now_ms)
hv migrate "$GUEST" hv2 --bandwidth 20 --max-downtime 500 >"$WORK/m.out" 2>"$WORK/m.err" ||
	fail "migrate to hv2 failed: $(cat "$WORK/m.err")"
info "hv1 -> hv2 in $(( ($(now_ms) - t0) / 1000 )) s: $(tail -n1 "$WORK/m.out")"
grep -q "^ok   destination has the memory" "$WORK/m.out" || fail "no pre-flight lines: $(cat "$WORK/m.out")"
n=$(grep -oE '^[^:]+: [0-9.]+% memory' "$WORK/m.out" | sort -u | wc -l)
[ "$n" -ge 2 ] || fail "fewer than two progress percentages: $(cat "$WORK/m.out")"
grep -q "iteration [0-9]" "$WORK/m.out" || fail "progress lines name no iteration"
grep -Eq "migrated hv1 -> hv2 in .*downtime [0-9]+ ms" "$WORK/m.out" || fail "no summary: $(tail -n2 "$WORK/m.out")"
runs_on 2 || fail "$GUEST not running on node 2"
persistent_on 2 || fail "$GUEST not persistent on node 2"
absent_on 1 || fail "$GUEST still defined on node 1"
hv dump --json >"$WORK/dump.json" || fail "dump"
d=$(jq -c --arg u "$uuid" '[.desktops[] | select(.uuid == $u)]' "$WORK/dump.json")
echo "$d" | jq -e 'length == 1 and .[0].host == "hv2" and .[0].state == "running" and .[0].persistent and
	([.[0].hosts[].host] == ["hv2"]) and (.[0].split_brain | not)' >/dev/null ||
	fail "dump does not show $uuid once, running and persistent on hv2 only: $d"
grep -q '"command":"migrate".*"result":"ok"' "$XDG_STATE_HOME/hvdeck/audit.log" || fail "no audit line"

# ---- cache: writeback on shared storage needs --unsafe (back on hv2) ----
vol="t$$-wb.qcow2"
cleanup "vsh 1 vol-delete --pool groups $vol"
vsh 1 vol-create-as groups "$vol" 16M --format qcow2 >/dev/null || fail "vol-create-as"
vsh 2 pool-refresh groups >/dev/null
vsh 1 pool-refresh groups >/dev/null
path=$(vsh 1 vol-path --pool groups "$vol")
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='writeback'/><source file='$path'/><target dev='vdb' bus='virtio'/></disk>"
vsh 2 destroy "$GUEST" >/dev/null; vsh 2 undefine "$GUEST" >/dev/null
"$LAB" guest-xml "$GUEST" | sed "s|<devices>|<devices>$disk|" >"$WORK/wb.xml"
vsh 1 define "$WORK/wb.xml" >/dev/null && vsh 1 start "$GUEST" >/dev/null || fail "cannot start $GUEST with a disk"
wait_until 30 runs_on 1 || fail "$GUEST with a disk did not start"
sleep 3	# the workers read the new guest
refused "vdb cache=writeback" "$GUEST" hv2
# --bandwidth 0 is unlimited, as in the console (once refused here)
hv migrate "$GUEST" hv2 --unsafe --bandwidth 0 >"$WORK/u.out" 2>"$WORK/u.err" ||
	fail "--unsafe --bandwidth 0 migration failed: $(cat "$WORK/u.err")"
grep -q "^warn disk cache modes safe: vdb cache=writeback" "$WORK/u.out" || fail "no cache warning: $(cat "$WORK/u.out")"
runs_on 2 || fail "$GUEST (disk) not running on node 2"

# ---- hv2 -> hv1 with --no-persist: transient there ----
hv migrate "$GUEST" hv1 --no-persist --unsafe >"$WORK/n.out" 2>"$WORK/n.err" ||
	fail "migrate back failed: $(cat "$WORK/n.err")"
runs_on 1 || fail "$GUEST not running on node 1 after the way back"
! persistent_on 1 || fail "--no-persist made $GUEST persistent on node 1"
[ "$(guest_state 2 "$GUEST")" = "shut off" ] || fail "the source's definition should stay (shut off) on node 2"
# ---- copy storage: a disk in a pool each node keeps in its own directory
# (/var/lib/libvirt is the node's own in its namespace) ----
lp="hvl$$"
cleanup "for _n in 1 2; do vsh \$_n pool-destroy $lp; vsh \$_n pool-delete $lp; vsh \$_n pool-undefine $lp; done"
for n in 1 2; do
	vsh $n "pool-define-as $lp dir --target /var/lib/libvirt/images/$lp; pool-build $lp; pool-start $lp" >/dev/null ||
		fail "cannot make pool $lp on node $n"
done
cleanup "for _n in 1 2; do vsh \$_n vol-delete --pool $lp cs.qcow2; done"
vsh 1 vol-create-as "$lp" cs.qcow2 16M --format qcow2 >/dev/null || fail "vol-create-as $lp"
G2="t$$-cs"
cleanup "for _n in 1 2; do vsh \$_n destroy $G2; vsh \$_n undefine $G2; done"
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/var/lib/libvirt/images/$lp/cs.qcow2'/><target dev='vdb' bus='virtio'/></disk>"
"$LAB" guest-xml "$G2" | sed "s|<devices>|<devices>$disk|" >"$WORK/cs.xml"
vsh 1 define "$WORK/cs.xml" >/dev/null && vsh 1 start "$G2" >/dev/null || fail "cannot start $G2"
hv migrate "$G2" hv2 >/dev/null 2>"$WORK/cs.err"
[ $? -eq 1 ] || fail "a disk hv2 does not see was not refused"
grep -q "does not see vdb (/var/lib/libvirt/images/$lp/cs.qcow2): copy storage required" "$WORK/cs.err" ||
	fail "copy-storage refusal does not name the disk: $(cat "$WORK/cs.err")"
[ "$(guest_state 1 "$G2")" = running ] || fail "$G2 moved after a refusal"
hv migrate "$G2" hv2 --copy-storage >"$WORK/cs.out" 2>"$WORK/cs.err" ||
	fail "--copy-storage migration failed: $(cat "$WORK/cs.err")"
grep -q "^ok   destination sees every disk: copying vdb" "$WORK/cs.out" || fail "no copy step: $(cat "$WORK/cs.out")"
[ "$(guest_state 2 "$G2")" = running ] || fail "$G2 not running on node 2 after the copy"
vsh 2 vol-list "$lp" | grep -q "cs.qcow2" || fail "the disk did not arrive in node 2's pool $lp"
pass
