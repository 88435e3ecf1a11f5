#!/bin/bash
# desktop move-disk (act-disk-move.c) against the lab's real libvirtd and
# QEMU. The lab's guests run no commands on their disk, so the known
# pattern is written into the qcow2 with qemu-io while the guest is shut
# off, and read back from the new file with qemu-io after the move and a
# shutdown (the guest itself never touches the disk; the copy must carry
# every byte the source had):
#  - a running guest's overlay (backed by the lab's template) moves from
#    pool groups to pool bases: it keeps running, runs on the new file
#    (domblklist), its definition names it, the old file stays (no
#    --delete-source), only the top layer was copied (the new file is
#    backed by the template), the pattern reads back from the new file;
#  - through a running server: Ctrl-C in the client cancels the server's
#    job (the server's log says so; nothing moved, no partial copy), then
#    back to groups with --delete-source: the old file is gone afterwards;
#  - Ctrl-C half-way through a slow copy (--bandwidth 1): exit 1,
#    "cancelled", the guest still runs on its old file, no partial copy;
#  - a shut-off guest's disk moves by a plain volume copy: the definition
#    names the new file, the pattern reads back;
#  - refusals: unknown pool, the pool it is in, read-only;
#  - an overlay whose base is in a pool only node 1 has, moved into pool
#    groups (which node 2 shares): the whole chain is copied into a
#    standalone file that holds the base's and the overlay's data.
. "$(dirname "$0")/lib.sh"
command -v qemu-io >/dev/null || fail "qemu-io is needed"

conf=$(write_config)
hv() { "$HVDECK" -c "$conf" "$@"; }
G="t$$-dm"
vol="$G.qcow2"
tmpl="$LAB_STORAGE/templates/debian-template.qcow2"
cleanup "for _n in \$(seq 1 $LAB_NODES); do vsh \$_n destroy $G; vsh \$_n undefine $G; done"
cleanup "for _p in groups bases; do vsh 1 vol-delete --pool \$_p $vol; done; for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-refresh groups; vsh \$_n pool-refresh bases; done"

# the pattern: 4 MiB of 0xa5 at 1 MiB, and 0x5a in the last MiB written
pattern_in() {
	qemu-io -r -U -f qcow2 -c "read -P 0xa5 1M 4M" -c "read -P 0x5a 60M 1M" "$1" >"$WORK/io.out" 2>&1 &&
		! grep -qi "pattern verification failed\|error\|fail" "$WORK/io.out"
}
disk_of() { vsh 1 domblklist "$G" | awk '$1 == "vdb" { print $2 }'; }
defined_disk() { vsh 1 dumpxml --inactive "$G" | grep -o "source file='[^']*$vol'" | head -n1; }
running() { [ "$(guest_state 1 "$G")" = running ]; }
refresh_all() { local n; for ((n = 1; n <= LAB_NODES; n++)); do vsh $n pool-refresh groups; vsh $n pool-refresh bases; done >/dev/null; }

# an overlay of the template in groups, the pattern written while nothing
# runs, a guest with it as vdb
vsh 1 vol-create-as groups "$vol" 64M --format qcow2 --backing-vol "$tmpl" \
	--backing-vol-format qcow2 >/dev/null || fail "vol-create-as"
qemu-io -f qcow2 -c "write -P 0xa5 1M 4M" -c "write -P 0x5a 60M 1M" "$LAB_STORAGE/groups/$vol" >/dev/null ||
	fail "cannot write the pattern"
pattern_in "$LAB_STORAGE/groups/$vol" || fail "the pattern does not read back before the move: $(cat "$WORK/io.out")"
refresh_all
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='$LAB_STORAGE/groups/$vol'/><target dev='vdb' bus='virtio'/></disk>"
"$LAB" guest-xml "$G" | sed "s|<devices>|<devices>$disk|" >"$WORK/g.xml"
vsh 1 define "$WORK/g.xml" >/dev/null && vsh 1 start "$G" >/dev/null || fail "cannot start $G"
wait_until 30 running || fail "$G did not start"

# ---- refusals, nothing moves ----
refused() {
	local why=$1 rc
	shift
	hv "$@" >"$WORK/r.out" 2>"$WORK/r.err"
	rc=$?
	[ "$rc" -ne 0 ] || fail "$* did not fail"
	grep -Eq -- "$why" "$WORK/r.err" "$WORK/r.out" || fail "$*: no /$why/ in: $(cat "$WORK/r.err" "$WORK/r.out")"
	[ "$(disk_of)" = "$LAB_STORAGE/groups/$vol" ] || fail "$*: the disk moved after a refusal"
}
refused "has no pool nosuch" desktop move-disk "$G" vdb nosuch
refused "is in pool groups already" desktop move-disk "$G" vdb groups
refused "has no disk vdz" desktop move-disk "$G" vdz bases
refused "read-only" -r desktop move-disk "$G" vdb bases
# defined on node 2 too: its definition would keep the old file
vsh 1 dumpxml --inactive "$G" >"$WORK/g1.xml"
vsh 2 define "$WORK/g1.xml" >/dev/null || fail "cannot define $G on node 2"
refused "defined on 2 hosts: .* cannot be deleted" desktop move-disk "$G" vdb bases --delete-source
vsh 2 undefine "$G" >/dev/null || fail "cannot undefine $G on node 2"

# ---- cancel: Ctrl-C during a slow copy of the whole chain ----
"$HVDECK" -c "$conf" desktop move-disk "$G" vdb bases --bandwidth 1 >"$WORK/c.out" 2>"$WORK/c.err" &
pid=$!
cleanup "kill $pid"
copying() { grep -q "copying" "$WORK/c.out" "$WORK/c.err"; }
wait_until 60 copying || fail "no progress before the cancel: $(cat "$WORK/c.out" "$WORK/c.err")"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "a cancelled move exited $rc: $(cat "$WORK/c.err")"
grep -q "disk move cancelled" "$WORK/c.out" "$WORK/c.err" || fail "no 'cancelled': $(cat "$WORK/c.out" "$WORK/c.err")"
running || fail "$G stopped with the cancel"
[ "$(disk_of)" = "$LAB_STORAGE/groups/$vol" ] || fail "after the cancel $G runs on $(disk_of)"
[ ! -e "$LAB_STORAGE/bases/$vol" ] || fail "the cancel left a partial copy"
vsh 1 vol-list bases | grep -q "$vol" && fail "libvirt still lists the partial copy"
info "cancelled: $(grep -h "cancelled" "$WORK/c.out" "$WORK/c.err" | head -n1)"

# ---- the live move: groups -> bases, only the top layer ----
hv desktop move-disk "$G" vdb bases >"$WORK/m.out" 2>"$WORK/m.err" || fail "move-disk failed: $(cat "$WORK/m.err")"
grep -q "disk moved" "$WORK/m.out" || fail "no 'disk moved': $(cat "$WORK/m.out")"
running || fail "$G stopped during the move"
[ "$(disk_of)" = "$LAB_STORAGE/bases/$vol" ] || fail "$G runs on $(disk_of), not the new file"
defined_disk | grep -q "/bases/" || fail "the definition names $(defined_disk)"
[ -e "$LAB_STORAGE/groups/$vol" ] || fail "the old file went without --delete-source"
qemu-img info -U "$LAB_STORAGE/bases/$vol" | grep -q "backing file: .*debian-template.qcow2" ||
	fail "the new file is not backed by the template: $(qemu-img info -U "$LAB_STORAGE/bases/$vol")"
grep -q '"command":"desktop move-disk".*"result":"ok"' "$XDG_STATE_HOME/hvdeck/audit.log" || fail "no audit line"
vsh 1 destroy "$G" >/dev/null
pattern_in "$LAB_STORAGE/bases/$vol" || fail "the pattern does not read back from the new file: $(cat "$WORK/io.out")"
info "moved live to bases, top layer only; the pattern reads back"

# ---- back to groups, through a server, --delete-source ----
vsh 1 vol-delete --pool groups "$vol" >/dev/null || fail "cannot remove the first copy's source"
refresh_all
vsh 1 start "$G" >/dev/null || fail "cannot start $G again"
wait_until 30 running || fail "$G did not start again"
server_start "$conf" "$WORK/server.log"
# Ctrl-C in the client cancels the server's job, as in-process
"$HVDECK" -c "$conf" desktop move-disk "$G" vdb groups --bandwidth 1 >"$WORK/sc.out" 2>"$WORK/sc.err" &
pid=$!
cleanup "kill $pid"
copying_s() { grep -q "copying" "$WORK/sc.out" "$WORK/sc.err"; }
wait_until 60 copying_s || fail "no progress through the server: $(cat "$WORK/sc.out" "$WORK/sc.err")"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "a move cancelled through the server exited $rc: $(cat "$WORK/sc.err")"
grep -q "disk move cancelled" "$WORK/sc.out" "$WORK/sc.err" || fail "no 'cancelled' through the server: $(cat "$WORK/sc.err")"
grep -q "$G: disk move cancelled" "$WORK/server.log" || fail "the job did not run in the server: $(tail -n 5 "$WORK/server.log")"
[ "$(disk_of)" = "$LAB_STORAGE/bases/$vol" ] || fail "after a cancel through the server $G runs on $(disk_of)"
[ ! -e "$LAB_STORAGE/groups/$vol" ] || fail "the cancel through the server left a partial copy"
running || fail "$G stopped with the cancel through the server"
hv desktop move-disk "$G" vdb groups --delete-source >"$WORK/s.out" 2>"$WORK/s.err" ||
	fail "move-disk through the server failed: $(cat "$WORK/s.err")"
[ "$(disk_of)" = "$LAB_STORAGE/groups/$vol" ] || fail "through the server $G runs on $(disk_of)"
[ ! -e "$LAB_STORAGE/bases/$vol" ] || fail "--delete-source left the old file"
running || fail "$G stopped during the second move"
kill_servers
vsh 1 destroy "$G" >/dev/null
pattern_in "$LAB_STORAGE/groups/$vol" || fail "the pattern does not read back after the second move"
info "moved back through the server; the old file is gone"

# ---- shut off: a plain copy ----
hv --no-server desktop move-disk "$G" vdb bases >"$WORK/o.out" 2>"$WORK/o.err" ||
	fail "shut-off move failed: $(cat "$WORK/o.err")"
defined_disk | grep -q "/bases/" || fail "the shut-off move's definition names $(defined_disk)"
[ -e "$LAB_STORAGE/groups/$vol" ] || fail "the shut-off move deleted its source"
pattern_in "$LAB_STORAGE/bases/$vol" || fail "the pattern does not read back after the shut-off move"
info "shut off: copied, the definition names the new file"

# ---- a chain node 2 cannot see: the whole chain is copied ----
# the overlay's base in a pool local to node 1; the target pool (groups)
# is shared with node 2, which does not see that base: a full copy
lp="hvl$$"
G2="t$$-fc"
cleanup "vsh 1 destroy $G2; vsh 1 undefine $G2; vsh 1 vol-delete --pool groups $G2.qcow2; vsh 1 vol-delete --pool bases $G2.qcow2; vsh 1 vol-delete --pool $lp base.qcow2; vsh 1 pool-destroy $lp; vsh 1 pool-delete $lp; vsh 1 pool-undefine $lp"
vsh 1 "pool-define-as $lp dir --target /var/lib/libvirt/images/$lp; pool-build $lp; pool-start $lp" >/dev/null ||
	fail "cannot make pool $lp on node 1"
vsh 1 vol-create-as "$lp" base.qcow2 64M --format qcow2 >/dev/null || fail "vol-create-as base"
qemu-io -f qcow2 -c "write -P 0xa5 1M 4M" "$LAB_DIR/node1/lib/images/$lp/base.qcow2" >/dev/null || fail "cannot write the base"
vsh 1 vol-create-as bases "$G2.qcow2" 64M --format qcow2 --backing-vol "/var/lib/libvirt/images/$lp/base.qcow2" \
	--backing-vol-format qcow2 >/dev/null || fail "vol-create-as overlay"
# (its backing path is node 1's: written without opening it)
qemu-io -c "write -P 0x5a 60M 1M" "json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"$LAB_STORAGE/bases/$G2.qcow2\"},\"backing\":null}" >/dev/null ||
	fail "cannot write the overlay"
refresh_all
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='$LAB_STORAGE/bases/$G2.qcow2'/><target dev='vdb' bus='virtio'/></disk>"
"$LAB" guest-xml "$G2" | sed "s|<devices>|<devices>$disk|" >"$WORK/g2.xml"
vsh 1 define "$WORK/g2.xml" >/dev/null && vsh 1 start "$G2" >/dev/null || fail "cannot start $G2"
hv --no-server desktop move-disk "$G2" groups >"$WORK/f.out" 2>"$WORK/f.err" ||
	fail "the full copy failed: $(cat "$WORK/f.err")"
[ "$(guest_state 1 "$G2")" = running ] || fail "$G2 stopped during the full copy"
qemu-img info -U "$LAB_STORAGE/groups/$G2.qcow2" | grep -q "backing file" &&
	fail "the full copy kept a backing file node 2 cannot see"
vsh 1 destroy "$G2" >/dev/null
pattern_in "$LAB_STORAGE/groups/$G2.qcow2" || fail "the full copy lost the base's or the overlay's data: $(cat "$WORK/io.out")"
info "a chain node 2 cannot see: copied whole, standalone"
pass
