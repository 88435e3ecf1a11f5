#!/bin/bash
# Bulk work and command-line parity (issue 22 items 5 and 12), against the
# lab:
#  - a 20-desktop classroom made with `desktop new` is deleted with its
#    disks in ONE command, `desktop delete 'T-{01..20}' --with-disk --yes
#    --json` (its time printed, never judged): twenty JSON objects, each
#    done, and no overlay left (virsh vol-list, the files);
#  - the same through a running server: one request, text lines;
#  - the confirmation of a bulk delete without --yes names the count and
#    the first names (and without a terminal nothing goes);
#  - desktop start/shutdown with a range, with --json;
#  - `migrate 'T-m{1..2}' hv2` moves both; `migrate 'T-m{1..2}'` without a
#    destination places each (off hv2); Ctrl-C on a batch held at 1 MiB/s
#    cancels each, and both stay on hv1;
#  - `pool refresh groups --on hv1` sees a volume made with qemu-img
#    behind hvdeck's back (in-process and with --json);
#  - `jobs` in-process says there are none;
#  - the console: Shift-X on 3 marked desktops asks once naming them, the
#    box ticked deletes them and their disks; m on 2 marked running guests
#    asks once and places each (off hv1).
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 2 ] || fail "needs a lab with 2 nodes"

st=${LAB_STORAGE:-$LAB_DIR/storage}
t="t$$"
conf=$(write_config)
hv() { "$HVDECK" -c "$conf" "$@"; }
refresh_all() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in bases templates groups; do vsh "$i" pool-refresh $p >/dev/null 2>&1; done
	done
}
cleanup "undefine_named $t-; rm -f $st/groups/$t-* $st/templates/$t-* $st/bases/$t-*; refresh_all"
# JSON lines on stdin: how many objects have .state == $1 (python3: jq may
# be missing)
count_state() {
	python3 -c 'import json,sys
n=0
for l in sys.stdin:
    l=l.strip()
    if l:
        o=json.loads(l)
        assert set(o) >= {"id","state","target","error"}, o
        n+=o["state"]==sys.argv[1]
print(n)' "$1"
}
overlays() { vsh 1 vol-list groups 2>/dev/null | grep -c " $st/groups/$t-c-" ; }

# ---- a template desktop and a classroom of 20 ----
vsh 1 vol-create-as bases "$t-base.qcow2" 64M --format qcow2 >/dev/null || fail "base"
vsh 1 vol-create-as templates "$t-tmpl.qcow2" 64M --format qcow2 \
	--backing-vol "$st/bases/$t-base.qcow2" --backing-vol-format qcow2 >/dev/null || fail "template volume"
refresh_all
"$LAB" guest-xml "$t-tmpl" |
	sed "s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$st/templates/$t-tmpl.qcow2'/><target dev='vda' bus='virtio'/></disk>|" \
	>"$WORK/tmpl.xml"
vsh 1 define "$WORK/tmpl.xml" >/dev/null || fail "define the template desktop"
classroom() {
	hv desktop new "$t-tmpl" "$t-c-{01..$1}" --on hv1 >"$WORK/new.out" 2>&1 ||
		fail "desktop new: $(cat "$WORK/new.out") / hv1: $(vsh 1 vol-list groups) / hv2: $(vsh 2 vol-list groups) / $(ls $st/groups)"
	vsh 1 pool-refresh groups >/dev/null
	[ "$(overlays)" -eq "$1" ] || fail "$1 overlays wanted, $(overlays) made"
}
classroom 20

# ---- without --yes and without a terminal: asked, nothing goes ----
hv desktop delete "$t-c-{01..20}" --with-disk </dev/null >"$WORK/q.out" 2>&1 &&
	fail "a bulk delete without --yes and without a terminal went ahead"
grep -q "desktop delete of 20 desktops" "$WORK/q.out" || fail "the refusal does not name the count: $(cat "$WORK/q.out")"
# with a terminal (script(1) gives one) the question names the count and
# the first names; n keeps them
if command -v script >/dev/null; then
	echo n | script -qec "$HVDECK -c $conf desktop delete '$t-c-{01..20}' --with-disk" /dev/null \
		>"$WORK/q2.out" 2>&1
	grep -q "Delete 20 desktops and their disks ($t-c-01, $t-c-02, $t-c-03 and 17 more)?" "$WORK/q2.out" ||
		fail "the question does not name the count and the first names: $(cat "$WORK/q2.out")"
fi
[ "$(node_of "$t-c-01")" = 1 ] || fail "$t-c-01 went although the answer was no"

# ---- one command, with --json ----
t0=$(now_ms)
hv desktop delete "$t-c-{01..20}" --with-disk --yes --json >"$WORK/del.json" 2>"$WORK/del.err" ||
	fail "bulk delete failed: $(cat "$WORK/del.err") $(cat "$WORK/del.json")"
info "bulk delete of 20 desktops with their disks: $(( $(now_ms) - t0 )) ms (in-process, connect included)"
[ "$(count_state done <"$WORK/del.json")" -eq 20 ] || fail "20 results 'done' wanted: $(cat "$WORK/del.json")"
vsh 1 pool-refresh groups >/dev/null
[ "$(overlays)" -eq 0 ] || fail "overlays left: $(vsh 1 vol-list groups)"
ls "$st/groups/$t-c-"* >/dev/null 2>&1 && fail "overlay files left: $(ls "$st/groups/$t-c-"*)"
for i in 01 10 20; do [ -z "$(node_of "$t-c-$i")" ] || fail "$t-c-$i is still defined"; done

# ---- a refused one in the batch: named, the rest go on ----
classroom 3
vsh 1 start "$t-c-02" >/dev/null || fail "start $t-c-02"
hv desktop delete "$t-c-01" "$t-c-{02..03}" --with-disk --yes --json >"$WORK/del2.json" 2>"$WORK/del2.err" &&
	fail "a batch with a running desktop exited 0"
[ "$(count_state done <"$WORK/del2.json")" -eq 2 ] || fail "2 done wanted: $(cat "$WORK/del2.json")"
[ "$(count_state refused <"$WORK/del2.json")" -eq 1 ] || fail "1 refused wanted: $(cat "$WORK/del2.json")"
grep -q "cannot delete $t-c-02" "$WORK/del2.err" || fail "the refusal is not said: $(cat "$WORK/del2.err")"
[ "$(node_of "$t-c-02")" = 1 ] || fail "the running desktop went"

# ---- desktop verbs with a range and --json ----
vsh 1 destroy "$t-c-02" >/dev/null
hv desktop delete "$t-c-02" --with-disk --yes >/dev/null 2>&1 || fail "delete $t-c-02"
classroom 4
hv desktop start "$t-c-{01..04}" --json >"$WORK/start.json" 2>"$WORK/start.err" ||
	fail "bulk start: $(cat "$WORK/start.err")"
[ "$(count_state done <"$WORK/start.json")" -eq 4 ] || fail "4 starts done wanted: $(cat "$WORK/start.json")"
for i in 01 04; do [ "$(guest_state 1 "$t-c-$i")" = running ] || fail "$t-c-$i not running"; done
hv desktop force-off "$t-c-{01..04}" --yes >/dev/null 2>&1 && fail "force-off took --yes, which it does not declare"
echo y | script -qec "$HVDECK -c $conf desktop force-off '$t-c-{01..04}'" /dev/null >"$WORK/off.out" 2>&1
grep -q "Force off 4 desktops ($t-c-01, $t-c-02, $t-c-03 and 1 more)?" "$WORK/off.out" ||
	fail "force off question: $(cat "$WORK/off.out")"
for i in 01 04; do [ "$(guest_state 1 "$t-c-$i")" = "shut off" ] || fail "$t-c-$i not shut off"; done

# ---- through a running server: one request ----
server_start "$conf" "$WORK/server.log"
t0=$(now_ms)
hv desktop delete "$t-c-{01..04}" --with-disk --yes >"$WORK/sdel.out" 2>"$WORK/sdel.err" ||
	fail "bulk delete through the server: $(cat "$WORK/sdel.err")"
info "bulk delete of 4 through the server: $(( $(now_ms) - t0 )) ms"
[ "$(grep -c "^deleted $t-c-0[1-4] and its disk$" "$WORK/sdel.out")" -eq 4 ] ||
	fail "4 'deleted' lines wanted: $(cat "$WORK/sdel.out")"
vsh 1 pool-refresh groups >/dev/null
[ "$(overlays)" -eq 0 ] || fail "overlays left after the server's delete"
hv jobs --json >"$WORK/sjobs.json" 2>&1 || fail "jobs through the server: $(cat "$WORK/sjobs.json")"
python3 -c 'import json,sys
objs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
dels=[o for o in objs if o["kind"]=="desktop delete" and o["hvdeck"]]
assert len(dels)>=4, objs' "$WORK/sjobs.json" || fail "the server's jobs do not list the 4 deletes: $(cat "$WORK/sjobs.json")"
hv server stop >/dev/null 2>&1

# ---- pool refresh sees a volume made behind hvdeck's back ----
qemu-img create -q -f qcow2 "$st/groups/$t-behind.qcow2" 16M || fail "qemu-img create"
hv --no-server pool refresh groups --on hv1 >"$WORK/pr.out" 2>&1 || fail "pool refresh: $(cat "$WORK/pr.out")"
grep -qx "hv1/groups: refreshed" "$WORK/pr.out" || fail "pool refresh said: $(cat "$WORK/pr.out")"
vsh 1 vol-list groups | grep -q "$t-behind.qcow2" || fail "libvirt on hv1 does not list the new volume after the refresh"
hv --no-server dump --json | grep -q "$t-behind.qcow2" || fail "dump does not show the new volume"
hv --no-server pool refresh groups --json >"$WORK/pr.json" 2>&1 || fail "pool refresh --json: $(cat "$WORK/pr.json")"
[ "$(count_state done <"$WORK/pr.json")" -eq "$LAB_NODES" ] || fail "one done per host wanted: $(cat "$WORK/pr.json")"
hv --no-server pool refresh nosuch >"$WORK/pr2.out" 2>&1 && fail "pool refresh of no pool exited 0"
grep -q "no pool named nosuch" "$WORK/pr2.out" || fail "pool refresh nosuch said: $(cat "$WORK/pr2.out")"

# ---- jobs in-process: none ----
hv --no-server jobs >"$WORK/jobs.out" 2>&1 || fail "jobs: $(cat "$WORK/jobs.out")"
grep -q "no jobs" "$WORK/jobs.out" || fail "jobs in-process said: $(cat "$WORK/jobs.out")"
[ -z "$(hv --no-server jobs --json)" ] || fail "jobs --json in-process printed something"

# ---- bulk migrate: to one host, then each placed ----
new_guest 1 m1; g1=$GUEST
new_guest 1 m2; g2=$GUEST
vsh 1 start "$g1" >/dev/null && vsh 1 start "$g2" >/dev/null || fail "start the guests"
hv --no-server migrate "t$$-m{1..2}" hv2 >"$WORK/mig.out" 2>&1 || fail "bulk migrate: $(cat "$WORK/mig.out")"
for g in "$g1" "$g2"; do
	[ "$(guest_state 2 "$g")" = running ] || fail "$g not running on hv2: $(cat "$WORK/mig.out")"
	grep -qx "$g: migrated to hv2" "$WORK/mig.out" || fail "no end line for $g: $(cat "$WORK/mig.out")"
done
hv --no-server migrate "t$$-m{1..2}" --json >"$WORK/mig.json" 2>"$WORK/mig.err" ||
	fail "placed migrate: $(cat "$WORK/mig.err")"
[ "$(count_state done <"$WORK/mig.json")" -eq 2 ] || fail "2 done wanted: $(cat "$WORK/mig.json")"
# runs_off NODE GUEST: running on one node, not NODE
runs_off() {
	local i
	[ "$(guest_state "$1" "$2")" != running ] || return 1
	for ((i = 1; i <= LAB_NODES; i++)); do
		[ "$(guest_state "$i" "$2")" = running ] && return 0
	done
	return 1
}
for g in "$g1" "$g2"; do
	runs_off 2 "$g" || fail "$g was not placed off hv2"
done
# the console's turn starts from hv1
for g in "$g1" "$g2"; do
	[ "$(guest_state 1 "$g")" = running ] ||
		hv --no-server migrate "$g" hv1 >/dev/null 2>&1 || fail "$g back to hv1"
done
# Ctrl-C on a bulk migrate held at 1 MiB/s: each cancelled, each still
# running on hv1 only, and the command ends (its wait has a deadline)
"$HVDECK" -c "$conf" --no-server migrate "t$$-m{1..2}" hv2 --bandwidth 1 >"$WORK/int.out" 2>"$WORK/int.err" &
pid=$!
cleanup "kill $pid"
_both_moving() { [ "$(grep -c ': migrating to hv2' "$WORK/int.out")" -eq 2 ]; }
wait_until 60 _both_moving || fail "the held batch did not start: $(cat "$WORK/int.out" "$WORK/int.err")"
kill -INT "$pid"
_ended() { ! kill -0 "$pid" 2>/dev/null; }
wait_until 90 _ended || fail "the batch runs on 90 s after Ctrl-C: $(cat "$WORK/int.err")"
wait "$pid" && fail "a cancelled batch exited 0"
for g in "$g1" "$g2"; do
	grep -q "^hvdeck: $g: migration cancelled" "$WORK/int.err" || fail "$g: not said cancelled: $(cat "$WORK/int.err")"
	[ "$(guest_state 1 "$g")" = running ] && [ "$(guest_state 2 "$g")" != running ] ||
		fail "$g after the cancel: hv1 $(guest_state 1 "$g"), hv2 $(guest_state 2 "$g")"
done

# ---- the console: marks reach delete (with disks) and migrate ----
classroom 3
tui_start "$conf" 200 45
wait_screen 60 "^.hv2 +[a-z]+ +online"
wait_screen 30 "^.$t-c-03 "
keys 4 /; keys -l "$t-c-"; keys Enter
wait_screen 5 "Desktops \(3 of [0-9]+\)"
keys "*"
wait_screen 5 "3 marked"
keys X
wait_screen 10 "Delete 3 desktops\? \($t-c-01, $t-c-02, $t-c-03\)"
keys Space Enter
undefined() { [ -z "$(node_of "$1")" ]; }
for i in 01 02 03; do
	wait_until 30 undefined "$t-c-$i" || fail "the marked $t-c-$i was not deleted: $(screen)"
	wait_until 30 test ! -e "$st/groups/$t-c-$i.qcow2" || fail "the disk of $t-c-$i stayed"
done
keys Escape
keys /; keys -l "t$$-m"; keys Enter
wait_screen 5 "Desktops \(2 of [0-9]+\)"
keys "*"
wait_screen 5 "2 marked"
keys m
wait_screen 10 "Migrate 2 desktops \(t$$-m1, t$$-m2\), each to the host placement picks"
keys y
for g in "$g1" "$g2"; do
	wait_until 120 runs_off 1 "$g" || fail "the marked $g did not migrate off hv1: $(screen)"
done
pass
