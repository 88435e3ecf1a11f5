#!/bin/bash
# Volume delete and never booting a parent, on the lab's shared `groups`
# pool (one directory, every node): `hvdeck volume delete POOL/NAME` is
# refused (exit 1, the file and its checksum unchanged) for a base with an
# overlay (naming it), for a volume a defined shut-off desktop on another
# host uses (naming it), and while a node that shares the pool is offline
# (naming it); a leaf is deleted (exit 0) and is gone from every node's
# libvirt and from `hvdeck dump --json` with no manual refresh. Starting a
# desktop whose disk is the base is refused naming the overlay. In the
# console: the details of the overlay show its chain down to the base with
# each level's format and backing file; Shift-D on the base is refused with
# no question; Shift-D on a leaf asks naming it, n keeps it, y deletes it
# from every node.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
dir=${LAB_STORAGE:-$LAB_DIR/storage}/groups
t="vd$$"
refresh_all() {
	local i
	for ((i = 1; i <= LAB_NODES; i++)); do vsh "$i" pool-refresh groups >/dev/null 2>&1; done
}
cleanup "rm -f '$dir/$t'-*.qcow2; refresh_all"
mk() { qemu-img create -q -f qcow2 "$@" || fail "qemu-img create $*"; }
mk "$dir/$t-base.qcow2" 16M
mk -b "$dir/$t-base.qcow2" -F qcow2 "$dir/$t-over.qcow2"
mk "$dir/$t-used.qcow2" 16M
mk "$dir/$t-leaf.qcow2" 16M
mk "$dir/$t-key.qcow2" 16M
refresh_all
sum_base=$(sha256sum <"$dir/$t-base.qcow2")

# desktop NODE NAME DISK: defined, never started, its disk on DISK
desktop() {
	"$LAB" guest-xml "$2" |
		sed "s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$3'/><target dev='vda' bus='virtio'/></disk>|" \
		>"$WORK/$2.xml"
	cleanup "vsh $1 destroy $2; vsh $1 undefine $2"
	vsh "$1" define "$WORK/$2.xml" >/dev/null || fail "define $2"
}
desktop 2 "$t-user" "$dir/$t-used.qcow2"
desktop 1 "$t-parent" "$dir/$t-base.qcow2"

conf=$(write_config)
hv() { "$HVDECK" -c "$conf" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"; }
expect() {	# STATUS WHAT COMMAND...
	local want=$1 what=$2 rc; shift 2
	hv "$@"; rc=$?
	[ "$rc" -eq "$want" ] || fail "$what: exit $rc, wanted $want: $(cat "$WORK/out" "$WORK/err")"
}
said() { grep -qF -- "$1" "$WORK/err" || fail "$2 said: $(cat "$WORK/err")"; }
listed() {	# NODE NAME: the node's libvirt lists the volume
	vsh "$1" vol-list groups | grep -qF "$2"
}

# ---- the command line ----
expect 1 "delete of a base with an overlay" volume delete "groups/$t-base.qcow2"
said "groups/$t-over.qcow2" "the base's refusal"
[ "$(sha256sum <"$dir/$t-base.qcow2")" = "$sum_base" ] || fail "the base changed"

expect 1 "delete of a volume a shut-off desktop uses" volume delete "groups/$t-used.qcow2"
said "$t-user" "the used volume's refusal"
[ -f "$dir/$t-used.qcow2" ] || fail "the used volume is gone"

expect 1 "start of a desktop on a parent" desktop start "$t-parent"
said "groups/$t-over.qcow2" "the parent's start refusal"
[ "$(guest_state 1 "$t-parent")" = "shut off" ] || fail "$t-parent was started"

expect 2 "delete without a name" volume delete
expect 1 "delete of no volume" volume delete "groups/$t-none.qcow2"
said "no volume groups/$t-none.qcow2" "the unknown volume's refusal"

# a node sharing the pool offline: its dependents are unknown
"$LAB" libvirtd-stop 2 >/dev/null || fail "libvirtd-stop 2"
cleanup "'$LAB' libvirtd-start 2"
expect 1 "delete while hv2 is offline" volume delete "groups/$t-leaf.qcow2"
said "host hv2" "the offline refusal"
[ -f "$dir/$t-leaf.qcow2" ] || fail "the leaf was deleted while hv2 was offline"
"$LAB" libvirtd-start 2 >/dev/null || fail "libvirtd-start 2"
wait_until 30 vsh 2 uri >/dev/null || fail "node 2's libvirtd did not come back"

# asked on the terminal unless --yes: with none, refused, nothing deleted
expect 1 "delete of a leaf without --yes or a terminal" volume delete "groups/$t-leaf.qcow2"
said "volume delete: asks for a confirmation on a terminal" "the unasked delete"
[ -f "$dir/$t-leaf.qcow2" ] || fail "the leaf was deleted without a confirmation"
expect 0 "delete of a leaf" volume delete "groups/$t-leaf.qcow2" --yes
grep -qF "volume groups/$t-leaf.qcow2 deleted" "$WORK/out" || fail "delete said: $(cat "$WORK/out")"
[ -e "$dir/$t-leaf.qcow2" ] && fail "the leaf's file is still there"
for ((i = 1; i <= LAB_NODES; i++)); do
	listed "$i" "$t-leaf.qcow2" && fail "node $i's libvirt still lists the leaf"
done
"$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" 2>"$WORK/dump.err" || fail "dump: $(cat "$WORK/dump.err")"
jq -e --arg v "$t-leaf.qcow2" '[.pools[] | select(.name == "groups") | .volumes[].name] | index($v) == null' \
	"$WORK/dump.json" >/dev/null || fail "dump still lists the leaf"
jq -e --arg v "$t-over.qcow2" '[.pools[] | select(.name == "groups") | .volumes[].name] | index($v) != null' \
	"$WORK/dump.json" >/dev/null || fail "dump lost the overlay"

# ---- the console ----
tui_start "$conf" 220 50
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_screen 30 "hv$i +mixed +online"
done
keys 3; wait_screen 3 "Volumes"
select_vol() { keys /; keys C-u; keys -l "$1"; keys Enter; wait_screen 2 "\\[/$1\\]"; }

# the overlay's details: its chain down to the base, level by level
select_vol "$t-over.qcow2"
keys Enter; wait_screen 3 "^Volume $t-over.qcow2"
on_screen "^  $dir/$t-over.qcow2\$" || { screen >&2; fail "the chain does not start at the overlay"; }
on_screen "groups/$t-over.qcow2: format qcow2, virtual size 16M" || { screen >&2; fail "no facts for the overlay"; }
on_screen "backing file $dir/$t-base.qcow2, format qcow2" || { screen >&2; fail "no backing file for the overlay"; }
on_screen "^  $dir/$t-base.qcow2\$" || { screen >&2; fail "the chain does not reach the base"; }
on_screen "no backing file: the base" || { screen >&2; fail "the base is not marked as the base"; }
keys Escape

# Shift-D on the base: refused, naming the overlay, no question
select_vol "$t-base.qcow2"
keys D
wait_screen 3 "cannot delete groups/$t-base.qcow2: volumes are derived from it: groups/$t-over"
on_screen "Delete volume" && { screen >&2; fail "asked to delete the base"; }
[ "$(sha256sum <"$dir/$t-base.qcow2")" = "$sum_base" ] || fail "the base changed"

# Shift-D on a leaf: asks naming it; n keeps it; y deletes it everywhere
select_vol "$t-key.qcow2"
keys D
wait_screen 3 "Delete volume groups/$t-key.qcow2"
keys n
sleep 1
[ -f "$dir/$t-key.qcow2" ] || fail "n deleted the volume"
listed 1 "$t-key.qcow2" || fail "n: node 1 no longer lists it"
keys D
wait_screen 3 "Delete volume groups/$t-key.qcow2"
keys y
gone_everywhere() {
	local i
	[ ! -e "$dir/$t-key.qcow2" ] || return 1
	for ((i = 1; i <= LAB_NODES; i++)); do listed "$i" "$t-key.qcow2" && return 1; done
	return 0
}
wait_until 30 gone_everywhere || { screen >&2; fail "y did not delete $t-key.qcow2 everywhere"; }
wait_screen 10 "delete volume groups/$t-key.qcow2.*done"

# every refusal and deletion is in the audit log, with its reason
log=$XDG_STATE_HOME/hvdeck/audit.log
audited() {	# TARGET RESULT: a line of `volume delete` on TARGET ending RESULT
	jq_any --arg t "$1" --arg r "$2" 'select(.command == "volume delete" and
		(.target // "" | contains($t)) and .result == $r)' "$log"
}
audited "$t-base.qcow2" refused || fail "the base's refusal is not audited: $(cat "$log")"
audited "$t-leaf.qcow2" ok || fail "the leaf's delete is not audited: $(cat "$log")"
wait_until 5 audited "$t-key.qcow2" ok || fail "the console's delete is not audited: $(cat "$log")"
pass
