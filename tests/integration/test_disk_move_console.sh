#!/bin/bash
# desktop move-disk from the console (the desktops pane's Shift-V and the
# `:` line), against the lab: a running guest with a disk in pool groups
# (the known pattern written with qemu-io before it starts, as in
# test_disk_move.sh):
#  - a slow move typed at `:` (--bandwidth 1) shows as a "move disk" job
#    in the jobs pane; c asks, y cancels it: the guest runs on its old
#    file, no partial copy is left;
#  - Shift-V opens the form naming the desktop with its disk and the
#    host's pools; the first Enter asks, naming the desktop, the disk and
#    the pool; the second starts it, the job ends done, the guest still
#    runs, on the new file, the old one stays (box not ticked), and the
#    pattern reads back from the new file after a shutdown;
#  - a console attached to a running server: Shift-V with the box ticked
#    moves it back in the server (its log says so) and deletes the old
#    file.
. "$(dirname "$0")/lib.sh"
command -v qemu-io >/dev/null || fail "qemu-io is needed"

conf=$(write_config)
G="t$$-dmc"
vol="$G.qcow2"
cleanup "for _n in \$(seq 1 $LAB_NODES); do vsh \$_n destroy $G; vsh \$_n undefine $G; done"
cleanup "for _p in groups bases; do vsh 1 vol-delete --pool \$_p $vol; done; for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-refresh groups; vsh \$_n pool-refresh bases; done"
vsh 1 vol-create-as groups "$vol" 64M --format qcow2 >/dev/null || fail "vol-create-as"
qemu-io -f qcow2 -c "write -P 0x77 0 32M" "$LAB_STORAGE/groups/$vol" >/dev/null || fail "cannot write the pattern"
for ((n = 1; n <= LAB_NODES; n++)); do vsh $n pool-refresh groups >/dev/null; done
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='$LAB_STORAGE/groups/$vol'/><target dev='vdb' bus='virtio'/></disk>"
"$LAB" guest-xml "$G" | sed "s|<devices>|<devices>$disk|" >"$WORK/g.xml"
vsh 1 define "$WORK/g.xml" >/dev/null && vsh 1 start "$G" >/dev/null || fail "cannot start $G"
disk_of() { vsh 1 domblklist "$G" | awk '$1 == "vdb" { print $2 }'; }
running() { [ "$(guest_state 1 "$G")" = running ]; }
wait_until 30 running || fail "$G did not start"

tui_start "$conf" 160 45
row_has() { screen | grep -E -- "^.$G " | head -n1 | grep -qE -- "$1"; }
wait_until 60 row_has "running" || { screen >&2; fail "$G is not shown running"; }
tui_online

# ---- a slow move, cancelled from the jobs pane ----
keys : ; keys -l "desktop move-disk $G vdb bases --bandwidth 1"; keys Enter
keys 5
wait_screen 30 "move disk +$G "
wait_screen 60 "move disk +$G .*running .*copyi"
keys c
wait_screen 10 "[Cc]ancel.*$G"
keys y
wait_screen 60 "move disk +$G .*cancelled"
running || fail "$G stopped with the cancel"
[ "$(disk_of)" = "$LAB_STORAGE/groups/$vol" ] || fail "after the cancel $G runs on $(disk_of)"
[ ! -e "$LAB_STORAGE/bases/$vol" ] || fail "the cancel left a partial copy"
info "c cancelled the move; $G runs on its old file, no partial copy"

# ---- Shift-V: the form, the question, the move ----
keys 4
keys : ; keys -l "desktop $G"; keys Enter
keys V
wait_screen 10 "Move the disk of $G"
on_screen "Disk .*vdb" || { screen >&2; fail "the form does not offer vdb"; }
# the pool offered first is one the disk is not in; then to bases
on_screen "To pool .*\[groups\]" && { screen >&2; fail "the form offers the disk's own pool first"; }
keys Tab
form_choose "To pool" bases || { screen >&2; fail "the form does not offer bases"; }
keys Enter
wait_screen 10 "Move $G's disk vdb from groups to bases on hv1\? Enter: yes"
keys Enter
keys 5
wait_screen 120 "move disk +$G .*done"
running || fail "$G stopped during the move"
[ "$(disk_of)" = "$LAB_STORAGE/bases/$vol" ] || fail "after the move $G runs on $(disk_of)"
[ -e "$LAB_STORAGE/groups/$vol" ] || fail "the old file went, the box unticked"
vsh 1 destroy "$G" >/dev/null
qemu-io -r -U -f qcow2 -c "read -P 0x77 0 32M" "$LAB_STORAGE/bases/$vol" >"$WORK/io.out" 2>&1 &&
	! grep -qi "fail" "$WORK/io.out" || fail "the pattern does not read back: $(cat "$WORK/io.out")"
grep -q '"command":"desktop move-disk".*"result":"ok"' "$XDG_STATE_HOME/hvdeck/audit.log" || fail "no audit line"
info "Shift-V moved it live to bases; the pattern reads back"

# ---- a console attached to the server: the move runs in the server ----
tmx kill-session -t hv
vsh 1 vol-delete --pool groups "$vol" >/dev/null || fail "cannot remove the old file"
for ((n = 1; n <= LAB_NODES; n++)); do vsh $n pool-refresh groups >/dev/null; done
vsh 1 start "$G" >/dev/null || fail "cannot start $G again"
wait_until 30 running || fail "$G did not start again"
server_start "$conf" "$WORK/server.log"
tui_start "$conf" 160 45
wait_screen 20 "attached to server $SERVER_PID"
wait_until 60 row_has "running" || { screen >&2; fail "$G is not shown running (attached)"; }
tui_online
keys : ; keys -l "desktop $G"; keys Enter
keys V
wait_screen 10 "Move the disk of $G"
keys Tab
form_choose "To pool" groups || { screen >&2; fail "the attached form does not offer groups"; }
keys Tab Space
keys Enter
wait_screen 10 "Move, deleting the old one, $G's disk vdb from bases to groups"
keys Enter
moved_back() { [ "$(disk_of)" = "$LAB_STORAGE/groups/$vol" ]; }
wait_until 120 moved_back || { screen >&2; fail "attached: $G runs on $(disk_of)"; }
gone() { [ ! -e "$LAB_STORAGE/bases/$vol" ]; }
wait_until 30 gone || fail "attached: the ticked box did not delete the old file"
in_server() { grep -q "$G: disk vdb moved to pool groups" "$WORK/server.log"; }
wait_until 60 in_server || fail "the move did not run in the server: $(tail -n 5 "$WORK/server.log")"
running || fail "$G stopped during the attached move"
pass
