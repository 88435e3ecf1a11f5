#!/bin/bash
# host drain (act-drain.c, cmd-drain.c) against the lab's real libvirtd and
# QEMU (3 nodes):
#  - --dry-run prints the plan and changes nothing;
#  - draining hv1 with 3 running guests (1024, 512, 128 MiB): none runs
#    there after, each on exactly one other node, where the plan printed
#    before the first move said (the dry run's plan too, up to which of
#    the two equal hosts got the first guest: their free memory differs
#    by the noise of one shared machine; the sizes keep that noise out of
#    the later choices), the 128 after the moves before it, hv1 in maintenance in the
#    config, the audit log has the drain and each migration, and a later
#    migration to hv1 is refused;
#  - a shut-off guest defined on hv1 is listed and stays; with
#    --include-defined (it has no disk) its definition moves to one other
#    node;
#  - a drain where one guest's pre-flight refuses (its disk is on a pool
#    only hv1 has) moves the other and reports that one with the reason,
#    exit 1, the refused one still on hv1;
#  - --to, through a running server (the client prints plan and lines);
#  - a console attached to the server lists the held drain's desktops in
#    its details (one moving, three waiting);
#  - job cancel ID --let-running-finish from another shell: the running
#    move (held by --bandwidth 1, raised by job bandwidth) finishes, no
#    other starts;
#  - Ctrl-C half-way (--parallel 1): every guest runs on exactly one
#    node, the ones not reached say "not moved".
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 3 ] || fail "needs a lab with 3 nodes"

conf=$(write_config)
hv() { "$HVDECK" -c "$conf" "$@"; }
G="t$$-dr"
cleanup "undefine_named $G"
for m in 1024 512 128; do
	"$LAB" guest 1 "$G$m" "$m" >/dev/null || fail "cannot define $G$m"
	vsh 1 start "$G$m" >/dev/null || fail "cannot start $G$m"
done
running_nodes() {
	local i
	for ((i = 1; i <= LAB_NODES; i++)); do
		[ "$(guest_state "$i" "$1")" = running ] && echo "$i"
	done
}
# once: running on exactly one node, echoed
once() {
	local n
	n=$(running_nodes "$1")
	[ "$(echo "$n" | grep -c .)" -eq 1 ] || fail "$1 runs on nodes: $(echo $n)"
	echo "$n"
}
# shut off, defined on hv1: stays, unless --include-defined (no disk: its
# definition may go anywhere)
"$LAB" guest 1 "${G}off" >/dev/null || fail "cannot define ${G}off"
defined_on() {
	local i
	for ((i = 1; i <= LAB_NODES; i++)); do
		vsh "$i" dominfo "$1" >/dev/null 2>&1 && echo "$i"
	done
}
for m in 1024 512 128; do
	wait_until 30 test "$(guest_state 1 "$G$m")" = running || fail "$G$m did not start"
done
# the plan's "  NAME -> HOST (" lines, sorted
plan_of() { sed -n 's/^  \([^ ]*\) -> \([^ ]*\) (.*/\1 \2/p' "$1" | sort; }

# ---- bad usage: exit 2 before anything connects; unknown hosts: 1 ----
usage() {	# STATUS MESSAGE ARGS...
	local want=$1 msg=$2 rc
	shift 2
	hv host drain "$@" >"$WORK/u.out" 2>"$WORK/u.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "host drain $*: exit $rc, not $want: $(cat "$WORK/u.err")"
	grep -qF -- "$msg" "$WORK/u.err" || fail "host drain $*: said $(cat "$WORK/u.err")"
}
usage 2 "the command line needs the host's name"
usage 2 "--parallel: '0' is not a whole number 1..64" hv1 --parallel 0
usage 1 "no host named nosuch" nosuch --dry-run
usage 1 "no host named nosuch" hv1 --to hv2,nosuch --dry-run

# ---- dry run: the plan, nothing changed ----
hv host drain hv1 --dry-run >"$WORK/dry.out" 2>"$WORK/dry.err" ||
	fail "dry run exited $?: $(cat "$WORK/dry.err")"
grep -q "^drain hv1: 3 desktops move, 0 cannot" "$WORK/dry.out" || fail "dry run summary: $(cat "$WORK/dry.out")"
grep -qx "dry run: nothing changed" "$WORK/dry.out" || fail "dry run does not say so"
[ "$(plan_of "$WORK/dry.out" | wc -l)" -eq 3 ] || fail "dry run plan: $(cat "$WORK/dry.out")"
for m in 1024 512 128; do [ "$(once "$G$m")" = 1 ] || fail "dry run moved $G$m"; done
grep -q "maintenance" "$conf" && fail "dry run put hv1 in maintenance"
grep -qx "  ${G}off (shut off): stays defined on hv1 (--include-defined moves it when its disks are on shared storage)" "$WORK/dry.out" ||
	fail "the shut-off guest is not listed as staying: $(cat "$WORK/dry.out")"
# the larger first to the host with most free, then after the moves: the
# 512 to the other host, the 128 to that one too (it keeps 512 MiB more)
a=$(plan_of "$WORK/dry.out" | sed -n "s/^${G}1024 //p")
b=$(plan_of "$WORK/dry.out" | sed -n "s/^${G}512 //p")
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] || fail "1024 and 512 MiB not on different hosts: $(cat "$WORK/dry.out")"
[ "$(plan_of "$WORK/dry.out" | sed -n "s/^${G}128 //p")" = "$b" ] ||
	fail "the 128 MiB guest is not placed after the moves before it: $(cat "$WORK/dry.out")"

# ---- the drain ----
hv host drain hv1 >"$WORK/d.out" 2>"$WORK/d.err" || fail "drain exited $?: $(cat "$WORK/d.err" "$WORK/d.out")"
info "$(tail -n1 "$WORK/d.out")"
first_move=$(grep -n ": moving to " "$WORK/d.out" | head -n1 | cut -d: -f1)
last_plan=$(grep -n '^  .* -> ' "$WORK/d.out" | tail -n1 | cut -d: -f1)
[ -n "$first_move" ] && [ "$last_plan" -lt "$first_move" ] || fail "the plan is not printed before the first move: $(cat "$WORK/d.out")"
plan_of "$WORK/d.out" >"$WORK/plan"
swap() { sed 's/ hv2$/ hvX/; s/ hv3$/ hv2/; s/ hvX$/ hv3/'; }
if ! cmp -s "$WORK/plan" <(plan_of "$WORK/dry.out") && ! cmp -s "$WORK/plan" <(plan_of "$WORK/dry.out" | swap); then
	fail "the drain's plan differs from the dry run's: $(cat "$WORK/plan") / $(plan_of "$WORK/dry.out")"
fi
while read -r name host; do
	n=$(once "$name")
	[ "hv$n" = "$host" ] || fail "$name runs on hv$n, the plan said $host"
	grep -qx "$name: moved to $host" "$WORK/d.out" || fail "no 'moved' line for $name"
done <"$WORK/plan"
[ -z "$(vsh 1 list --name | grep -F "$G")" ] || fail "guests still run on hv1"
grep -Eq "drain hv1 done: 3 moved, 0 failed, 0 not moved, 1 shut off stay" "$WORK/d.out" || fail "no report: $(tail -n2 "$WORK/d.out")"
[ "$(defined_on "${G}off")" = 1 ] || fail "${G}off moved without --include-defined: $(defined_on "${G}off")"
grep -q 'maintenance = true' "$conf" || fail "hv1 is not in maintenance in the config"
grep -q '"command":"host drain","target":"hv1","result":"ok"' "$XDG_STATE_HOME/hvdeck/audit.log" || fail "no audit end line for the drain"
[ "$(grep -c '"event":"end","command":"desktop migrate","target":"t[0-9]*-dr[0-9]* hv[23] (drain of hv1)","result":"ok"' "$XDG_STATE_HOME/hvdeck/audit.log")" -eq 3 ] ||
	fail "not 3 audit lines for the moves: $(cat "$XDG_STATE_HOME/hvdeck/audit.log")"
hv migrate "${G}128" hv1 >/dev/null 2>"$WORK/m.err" && fail "a migration went to hv1 in maintenance"
grep -q "hv1 is in maintenance" "$WORK/m.err" || fail "the refusal does not say maintenance: $(cat "$WORK/m.err")"
hv -r host drain hv2 >/dev/null 2>"$WORK/ro.err" && fail "a read-only hvdeck drained"
grep -q "read-only" "$WORK/ro.err" || fail "read-only refusal: $(cat "$WORK/ro.err")"

# ---- one guest's pre-flight refuses: the other moves ----
hv host maintenance hv1 off >/dev/null || fail "maintenance off"
lp="hvd$$"
cleanup "vsh 1 pool-destroy $lp; vsh 1 pool-delete $lp; vsh 1 pool-undefine $lp"
vsh 1 "pool-define-as $lp dir --target /var/lib/libvirt/images/$lp; pool-build $lp; pool-start $lp" >/dev/null ||
	fail "cannot make pool $lp on node 1"
cleanup "vsh 1 vol-delete --pool $lp local.qcow2"
vsh 1 vol-create-as "$lp" local.qcow2 16M --format qcow2 >/dev/null || fail "vol-create-as $lp"
disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/var/lib/libvirt/images/$lp/local.qcow2'/><target dev='vdb' bus='virtio'/></disk>"
"$LAB" guest-xml "${G}loc" | sed "s|<devices>|<devices>$disk|" >"$WORK/loc.xml"
vsh 1 define "$WORK/loc.xml" >/dev/null && vsh 1 start "${G}loc" >/dev/null || fail "cannot start ${G}loc"
hv migrate "${G}128" hv1 >/dev/null 2>"$WORK/m.err" || fail "migrate back to hv1: $(cat "$WORK/m.err")"
hv host drain hv1 --include-defined >"$WORK/f.out" 2>"$WORK/f.err"
rc=$?
[ "$rc" -eq 1 ] || fail "a drain with a refused guest exited $rc: $(cat "$WORK/f.err")"
grep -q "^hvdeck: ${G}loc: failed, stays on hv1: .*does not see vdb (/var/lib/libvirt/images/$lp/local.qcow2): copy storage required" "$WORK/f.err" ||
	fail "the refused guest is not reported with its reason: $(cat "$WORK/f.out" "$WORK/f.err")"
grep -q "drain hv1 failed: 2 moved, 1 failed" "$WORK/f.err" || fail "report: $(cat "$WORK/f.err")"
[ "$(once "${G}loc")" = 1 ] || fail "${G}loc left hv1"
[ "$(once "${G}128")" != 1 ] || fail "${G}128 did not move"
n=$(defined_on "${G}off")
[ "$(echo "$n" | grep -c .)" -eq 1 ] && [ "$n" != 1 ] || fail "--include-defined: ${G}off is defined on nodes: $(echo $n)"
grep -qx "${G}off: moved to hv$n" "$WORK/f.out" || fail "no 'moved' line for the definition: $(cat "$WORK/f.out")"
grep -q '"event":"end","command":"desktop move-definition","target":"'"${G}off hv$n"' (drain of hv1)","result":"ok"' "$XDG_STATE_HOME/hvdeck/audit.log" ||
	fail "no audit line for the definition's move"
info "refused: $(grep "^hvdeck: ${G}loc: failed" "$WORK/f.err")"

# ---- --to through a running server: every guest but the local one onto
# hv3, then hv1 ----
server_start "$conf" "$WORK/server.log"
hv host maintenance hv1 off >/dev/null || fail "maintenance off"
hv host drain hv2 --to hv1 >"$WORK/s.out" 2>"$WORK/s.err" || fail "drain hv2 --to hv1 through the server: $(cat "$WORK/s.err")"
grep -q "^drain hv2: " "$WORK/s.out" || fail "the client printed no plan: $(cat "$WORK/s.out")"
grep -q " -> hv3" "$WORK/s.out" && fail "--to hv1 planned a move to hv3"
hv host maintenance hv1 off >/dev/null
hv host drain hv3 --to hv1 >"$WORK/s3.out" 2>"$WORK/s3.err" || fail "drain hv3 --to hv1 through the server: $(cat "$WORK/s3.err")"
for m in 1024 512 128; do [ "$(once "$G$m")" = 1 ] || fail "$G$m is not back on hv1"; done
grep -q "drain hv3 done" "$WORK/s3.out" || fail "no report from the server: $(cat "$WORK/s3.out")"

# drain_moving NAME: hv2 and hv3 out of maintenance, then a drain of hv1
# one move at a time in the background (its lines in $WORK/NAME.out and
# .err, its pid in $pid), returned once its first move began. Each move is
# held to 1 MiB/s: whatever the machine's speed, the first move still runs
# when the test acts on it (a fast lab finished every move before a
# cancel from another shell arrived).
drain_moving() {
	for h in hv2 hv3; do hv host maintenance $h off >/dev/null || fail "maintenance $h off"; done
	"$HVDECK" -c "$conf" host drain hv1 --parallel 1 --bandwidth 1 >"$WORK/$1.out" 2>"$WORK/$1.err" &
	pid=$!
	cleanup "kill $pid"
	_moving() { grep -q ": moving to " "$WORK/$1.out"; }
	wait_until 60 _moving "$1" || fail "no move started: $(cat "$WORK/$1.out" "$WORK/$1.err")"
}

# drain_ended SECONDS WHAT: the background drain's exit status in $rc,
# failing (with its last lines and the server's) when it runs on longer
drain_ended() {
	_gone() { ! kill -0 "$pid" 2>/dev/null; }
	wait_until "$1" _gone || fail "$2: the drain still runs after $1 s: $(tail -n 3 "$WORK"/[cj].out) / $(tail -n 5 "$WORK/server.log")"
	wait "$pid"
	rc=$?
}

# ---- Ctrl-C half-way, one at a time: each guest on exactly one node ----
drain_moving c
kill -INT "$pid"
drain_ended 60 "Ctrl-C"
[ "$rc" -eq 1 ] || fail "a cancelled drain exited $rc"
grep -q "drain hv1 cancelled: " "$WORK/c.err" || fail "no cancelled report: $(cat "$WORK/c.err")"
grep -q ": not moved, stays on hv1: the drain was cancelled before its move" "$WORK/c.err" ||
	fail "no guest waiting when cancelled: $(cat "$WORK/c.out" "$WORK/c.err")"
for m in 1024 512 128 loc; do once "$G$m" >/dev/null; done
info "cancelled: $(grep -c ': not moved, stays on hv1' "$WORK/c.err") not moved; each guest on one node"

# ---- job cancel ID --let-running-finish from another shell: the drain
# (the server's job) starts no more moves, the running one finishes once
# its bandwidth is raised (job bandwidth on the move, from a shell) ----
drain_moving j
hv jobs --json >"$WORK/out" 2>"$WORK/err" || fail "jobs --json: $(cat "$WORK/err")"
id=$(jq -r 'select(.kind == "drain" and .state == "running") | .id' "$WORK/out" | head -n1)
[ -n "$id" ] && [ "$id" != null ] || fail "no running drain in hvdeck jobs: $(cat "$WORK/out")"
mid=$(jq -r 'select(.kind == "migrate" and .state == "running") | .id' "$WORK/out" | head -n1)
[ -n "$mid" ] && [ "$mid" != null ] || fail "the drain's move is not a running migration in hvdeck jobs: $(cat "$WORK/out")"
# a console attached to the server lists the drain's desktops in its
# details, as the server has them: the held one moving, the rest waiting
moving=$(sed -n 's/^\(.*\): moving to .*/\1/p' "$WORK/j.out" | head -n1)
tui_start "$conf" 200 50 attach
wait_screen 20 "attached to server $SERVER_PID"
keys 5
wait_screen 15 "drain +hv1 "
keys / ; keys -l "drain state:running"; keys Enter
keys Enter
wait_screen 15 "Job $id: drain hv1"
wait_screen 15 "Desktops \(4\)"
wait_screen 15 "  $moving +-> hv[23] +moving"
[ "$(screen | grep -cE "  ${G}[a-z0-9]+ +-> hv[23] +waiting")" -eq 3 ] ||
	fail "the attached console's drain details: $(screen | grep -E "^  $G")"
tmx kill-session -t hv
info "attached: the drain's details list its 4 desktops, $moving moving"
hv job cancel "$id" --let-running-finish --yes >"$WORK/out" 2>"$WORK/err" ||
	fail "job cancel $id: $(cat "$WORK/out" "$WORK/err")"
grep -q "drain $id: cancelling (no more moves; the running migrations finish)" "$WORK/out" ||
	fail "job cancel said: $(cat "$WORK/out" "$WORK/err")"
hv job bandwidth "$mid" 0 >"$WORK/out" 2>"$WORK/err" || fail "job bandwidth $mid 0: $(cat "$WORK/out" "$WORK/err")"
drain_ended 120 "job cancel, then the move's bandwidth unlimited"
[ "$rc" -eq 1 ] || fail "a drain cancelled by job cancel exited $rc"
moved=$(sed -n 's/^\(.*\): moving to .*/\1/p' "$WORK/j.out" | head -n1)
grep -q "^$moved: moved to " "$WORK/j.out" || fail "the running move of $moved did not finish: $(cat "$WORK/j.out" "$WORK/j.err")"
[ "$(grep -c ': moving to ' "$WORK/j.out")" -eq 1 ] || fail "a move started after the cancel: $(cat "$WORK/j.out")"
for m in 1024 512 128 loc; do once "$G$m" >/dev/null; done
hv job cancel 99999 --yes >"$WORK/out" 2>"$WORK/err" && fail "job cancel of no job succeeded"
grep -q "no job 99999" "$WORK/err" || fail "job cancel of no job: $(cat "$WORK/err")"
pass
