#!/bin/bash
# `hvdeck migrate … --copy-storage --to-pool POOL` (migrate-pool.c): a
# running guest whose disk is in a pool local to node 1 migrates to node 2
# with its disk placed in another pool of node 2 (local to it too). The
# known pattern is written into the qcow2 with qemu-io while the guest is
# shut off (the lab's guests run no commands on their disk) and read back
# from the new file on node 2 after the guest was shut down there; the
# source's file stays on node 1. Refusals: --to-pool without
# --copy-storage, a pool the destination lacks. Then back to node 1 from
# the console's migrate form (copy storage ticked, its last field the
# pool): the disk arrives in that pool of node 1, the pattern intact.
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 2 ] || fail "needs a lab with 2 nodes"
command -v qemu-io >/dev/null || fail "qemu-io is needed"

conf=$(write_config)
hv() { "$HVDECK" -c "$conf" "$@"; }
G="t$$-tp"
src="hvs$$"
dst="hvd$$"
# each node's /var/lib/libvirt is its own lib/ directory
src_file=$LAB_DIR/node1/lib/images/$src/$G.qcow2
dst_file=$LAB_DIR/node2/lib/images/$dst/$G.qcow2
cleanup "for _n in 1 2; do vsh \$_n destroy $G; vsh \$_n undefine $G; done"
cleanup "for _p in $src $dst; do for _n in 1 2; do vsh \$_n vol-delete --pool \$_p $G.qcow2; vsh \$_n pool-destroy \$_p; vsh \$_n pool-delete \$_p; vsh \$_n pool-undefine \$_p; done; done"
vsh 1 "pool-define-as $src dir --target /var/lib/libvirt/images/$src; pool-build $src; pool-start $src" >/dev/null ||
	fail "cannot make pool $src on node 1"
vsh 2 "pool-define-as $dst dir --target /var/lib/libvirt/images/$dst; pool-build $dst; pool-start $dst" >/dev/null ||
	fail "cannot make pool $dst on node 2"
vsh 1 vol-create-as "$src" "$G.qcow2" 64M --format qcow2 >/dev/null || fail "vol-create-as"
[ -e "$src_file" ] || fail "the source volume is not at $src_file"
qemu-io -f qcow2 -c "write -P 0xc3 2M 8M" -c "write -P 0x3c 62M 1M" "$src_file" >/dev/null || fail "cannot write the pattern"
pattern_in() {
	qemu-io -r -U -f qcow2 -c "read -P 0xc3 2M 8M" -c "read -P 0x3c 62M 1M" "$1" >"$WORK/io.out" 2>&1 &&
		! grep -qi "verification failed\|error\|fail" "$WORK/io.out"
}
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/var/lib/libvirt/images/$src/$G.qcow2'/><target dev='vdb' bus='virtio'/></disk>"
"$LAB" guest-xml "$G" | sed "s|<devices>|<devices>$disk|" >"$WORK/g.xml"
vsh 1 define "$WORK/g.xml" >/dev/null && vsh 1 start "$G" >/dev/null || fail "cannot start $G"
running_on() { [ "$(guest_state "$1" "$G")" = running ]; }
wait_until 30 running_on 1 || fail "$G did not start"

hv migrate "$G" hv2 --to-pool "$dst" >/dev/null 2>"$WORK/r.err"
[ $? -eq 1 ] || fail "--to-pool without --copy-storage was not refused"
grep -q -- "--to-pool needs --copy-storage" "$WORK/r.err" || fail "refusal: $(cat "$WORK/r.err")"
hv migrate "$G" hv2 --copy-storage --to-pool nosuch >/dev/null 2>"$WORK/r.err"
[ $? -eq 1 ] || fail "a pool hv2 lacks was not refused"
grep -q "hv2 has no pool nosuch" "$WORK/r.err" || fail "refusal: $(cat "$WORK/r.err")"
running_on 1 || fail "$G moved after a refusal"

hv migrate "$G" hv2 --copy-storage --to-pool "$dst" >"$WORK/m.out" 2>"$WORK/m.err" ||
	fail "migrate --to-pool failed: $(cat "$WORK/m.err")"
running_on 2 || fail "$G is not running on node 2"
[ "$(vsh 2 domblklist "$G" | awk '$1 == "vdb" { print $2 }')" = "/var/lib/libvirt/images/$dst/$G.qcow2" ] ||
	fail "on node 2 $G runs on $(vsh 2 domblklist "$G")"
vsh 2 dumpxml --inactive "$G" | grep -q "source file='/var/lib/libvirt/images/$dst/$G.qcow2'" ||
	fail "the persistent definition on node 2 does not name the new disk"
vsh 2 vol-list "$dst" | grep -q "$G.qcow2" || fail "pool $dst on node 2 does not list the disk"
[ -e "$src_file" ] || fail "the source's file went"
vsh 2 destroy "$G" >/dev/null
pattern_in "$dst_file" || fail "the pattern does not read back on node 2: $(cat "$WORK/io.out")"
info "migrated to hv2 into pool $dst; the pattern reads back there"

# ---- back from the console's migrate form: copy storage, disks to pool ----
back="hvb$$"
back_file=$LAB_DIR/node1/lib/images/$back/$G.qcow2
cleanup "vsh 1 vol-delete --pool $back $G.qcow2; vsh 1 pool-destroy $back; vsh 1 pool-delete $back; vsh 1 pool-undefine $back"
vsh 1 "pool-define-as $back dir --target /var/lib/libvirt/images/$back; pool-build $back; pool-start $back" >/dev/null ||
	fail "cannot make pool $back on node 1"
vsh 2 start "$G" >/dev/null || fail "cannot start $G on node 2"
wait_until 30 running_on 2 || fail "$G did not start on node 2"
tui_start "$conf" 160 45
wait_screen 60 "^.hv2 +[a-z]+ +online"
row_has() { screen | grep -E -- "^.$G " | head -n1 | grep -qE -- "$1"; }
wait_until 60 row_has "running +hv2" || { screen >&2; fail "$G is not shown running on hv2"; }
keys : ; keys -l "desktop $G"; keys Enter
keys m
wait_screen 10 "Migrate $G from hv2"
# the destination hv1 (other lab nodes may be offered first)
form_choose "Destination" hv1 || { screen >&2; fail "the form does not offer hv1"; }
# copy storage (the third field), then the last field: the pool
keys Tab Tab Space
for _ in 1 2 3 4 5 6 7; do keys Tab; done
keys -l "$back"
wait_until 3 on_screen "Disks to pool .*$back" || { screen >&2; fail "the pool field did not take $back"; }
keys Enter
wait_screen 180 "done in "
wait_until 30 running_on 1 || fail "$G is not running on node 1 after the form's migration"
[ "$(vsh 1 domblklist "$G" | awk '$1 == "vdb" { print $2 }')" = "/var/lib/libvirt/images/$back/$G.qcow2" ] ||
	fail "on node 1 $G runs on $(vsh 1 domblklist "$G")"
vsh 1 destroy "$G" >/dev/null
pattern_in "$back_file" || fail "the pattern does not read back on node 1: $(cat "$WORK/io.out")"
pass
