#!/bin/bash
# Derive: base -> template on the command line, then template -> three
# desktop disks with a range; vol-dumpxml shows each backing store and
# format, and every node lists the volumes (libvirt and hvdeck dump --json)
# without a manual refresh. Every refusal exits 1 and leaves every pool's
# volume list and the storage directories unchanged; bad usage exits 2. A
# batch that fails half-way says which were made. In the console: n on the
# base volume, the form, Enter, the checklist's progress, the new volume in
# the volumes pane.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
st=${LAB_STORAGE:-$LAB_DIR/storage}
t="t$$"
refresh_all() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in bases templates groups; do vsh "$i" pool-refresh "$p" >/dev/null 2>&1; done
	done
}
cleanup "rm -f '$st'/*/'$t'-*; refresh_all"

# every node over TCP: some thirty runs of the command line each connect
# to every node, and a libssh login costs seconds on a loaded machine (the
# libssh transport is not what this tests)
conf=$(write_config)
sed -i 's|"qemu+libssh://[^"]*"|"TCPURI"|' "$conf"
for ((i = 1; i <= LAB_NODES; i++)); do
	u="LAB_URI_$i"
	sed -i "/name = \"hv$i\"/s|\"TCPURI\"|\"${!u}\"|" "$conf"
done
grep -q TCPURI "$conf" && fail "config: $(cat "$conf")"
hv() { "$HVDECK" -c "$conf" "$@"; }
# what a refusal must leave alone: every node's lists and the files
snap() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in bases templates groups; do vsh "$i" vol-list "$p" 2>/dev/null; done
	done
	ls -l --time-style=+%s.%N "$st"/*
}
# refused EXPECTED-STATUS REGEX ARGS...: hvdeck derive ARGS exits with the
# status, says REGEX on stderr, and nothing changed
refused() {
	local want=$1 re=$2 rc
	shift 2
	snap >"$WORK/before"
	hv derive "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "derive $*: exit $rc, not $want: $(cat "$WORK/err")"
	grep -qE -- "$re" "$WORK/err" || fail "derive $*: no /$re/ in: $(cat "$WORK/err")"
	snap >"$WORK/after"
	cmp -s "$WORK/before" "$WORK/after" || fail "derive $* changed storage: $(diff "$WORK/before" "$WORK/after")"
}
backing_of() {  # NODE POOL VOL: "PATH FORMAT" of its backing store
	vsh "$1" vol-dumpxml --pool "$2" "$3" | xmllint --xpath \
		'concat(/volume/backingStore/path, " ", /volume/backingStore/format/@type, " ", /volume/target/format/@type)' -
}

# ---- base -> template ----
hv derive debian-base.qcow2 "$t-tpl.qcow2" >"$WORK/out" 2>"$WORK/err" ||
	fail "derive base -> template: $(cat "$WORK/err")"
grep -qx "1/1" "$WORK/out" || fail "no progress line: $(cat "$WORK/out")"
[ "$(backing_of 1 templates "$t-tpl.qcow2")" = "$st/bases/debian-base.qcow2 qcow2 qcow2" ] ||
	fail "template's backing: $(backing_of 1 templates "$t-tpl.qcow2")"

# ---- template -> 3 desktop disks, a range ----
hv derive "$t-tpl.qcow2" "$t-d{1..3}.qcow2" --count 3 >"$WORK/out" 2>"$WORK/err" ||
	fail "derive a batch: $(cat "$WORK/err")"
[ "$(grep -cE '^[1-3]/3$' "$WORK/out")" -eq 3 ] || fail "progress lines: $(cat "$WORK/out")"
grep -q "made 3 in pool groups" "$WORK/out" || fail "no result line: $(cat "$WORK/out")"
hv dump --json >"$WORK/dump.json" 2>/dev/null || fail "dump"
for d in 1 2 3; do
	for ((i = 1; i <= LAB_NODES; i++)); do
		[ "$(backing_of "$i" groups "$t-d$d.qcow2")" = "$st/templates/$t-tpl.qcow2 qcow2 qcow2" ] ||
			fail "node $i: $t-d$d's backing: $(backing_of "$i" groups "$t-d$d.qcow2")"
		jq -e --arg h "hv$i" --arg v "$t-d$d.qcow2" \
			'.pools[] | select(.host == $h and .name == "groups") | [.volumes[].name] | index($v) != null' \
			"$WORK/dump.json" >/dev/null || fail "hvdeck dump: hv$i does not list $t-d$d.qcow2"
	done
done
qemu-img info --backing-chain "$st/groups/$t-d2.qcow2" | grep -c '^image:' | grep -qx 3 ||
	fail "chain of $t-d2 is not 3 deep: $(qemu-img info --backing-chain "$st/groups/$t-d2.qcow2")"

# ---- refusals: exit 1, nothing written ----
refused 1 "$t-d1.qcow2 already exists in pool groups: nothing made" "$t-tpl.qcow2" "$t-d{1..3}.qcow2"
refused 1 "$t-d3.qcow2 already exists in pool groups" "$t-tpl.qcow2" "$t-d{4..2}.qcow2"
refused 1 "'/' at byte 3" "$t-tpl.qcow2" "../$t-x.qcow2"
refused 1 "name is empty" "$t-tpl.qcow2" ""
refused 1 "starts with '\\.'" "$t-tpl.qcow2" ".$t-x.qcow2"
refused 1 "300 bytes long: at most 200" "$t-tpl.qcow2" "$(printf 'a%.0s' $(seq 300))"
refused 1 "'<U\\+200B>' at byte" "$t-tpl.qcow2" "$t-x$(printf '\u200b').qcow2"
refused 1 "makes 1001 names: at most 1000" "$t-tpl.qcow2" "$t-{0..1000}"
# a source that is neither qcow2 nor raw
qemu-img create -q -f vpc "$st/bases/$t-disk.vhd" 1M || fail "qemu-img vpc"
refresh_all
refused 1 "is vpc: only qcow2 or raw" "$t-disk.vhd" "$t-x.qcow2"
# the same name in two pools
qemu-img create -q -f qcow2 "$st/bases/$t-amb.qcow2" 1M && cp "$st/bases/$t-amb.qcow2" "$st/templates/$t-amb.qcow2"
refresh_all
refused 1 "is in pools (bases, templates|templates, bases): say POOL/NAME" "$t-amb.qcow2" "$t-x.qcow2"
refused 1 "no volume nope-$t" "nope-$t" "$t-x.qcow2"
# a chain that would loop: the template's backing file is the new name
qemu-img create -q -f qcow2 -u -b "$st/groups/$t-ring.qcow2" -F qcow2 "$st/templates/$t-loop.qcow2" 1M ||
	fail "qemu-img loop"
refresh_all
refused 1 "would be in its own backing chain" "$t-loop.qcow2" "$t-ring.qcow2"
# the target pool inactive on the host asked for
vsh 1 pool-destroy groups >/dev/null || fail "pool-destroy"
cleanup "vsh 1 pool-start groups"
refused 1 "pool groups is not active on hv1" "$t-tpl.qcow2" "$t-x.qcow2" --on hv1
vsh 1 pool-start groups >/dev/null || fail "pool-start"
# a host in maintenance, every other host hypervisor-only (a lab of
# three or more nodes too: then no host may do disk operations)
sed -e 's/\(name = "hv1";.*\) }/\1 maintenance = true; }/' \
    -e '/name = "hv1";/!s/role = "mixed";/role = "hypervisor";/' "$conf" >"$WORK/roles.conf"
grep -q 'maintenance = true' "$WORK/roles.conf" && grep -q '"hypervisor"' "$WORK/roles.conf" ||
	fail "roles config: $(cat "$WORK/roles.conf")"
conf0=$conf conf=$WORK/roles.conf
refused 1 "hv1 is in maintenance" "$t-tpl.qcow2" "$t-x.qcow2" --on hv1
refused 1 "hv2 .*(role|hypervisor)" "$t-tpl.qcow2" "$t-x.qcow2" --on hv2
refused 1 "no host may do disk operations" "$t-tpl.qcow2" "$t-x.qcow2"
conf=$conf0

# ---- bad usage: exit 2 ----
refused 2 "needs the source volume" 
refused 2 "the new name is missing" "$t-tpl.qcow2"
refused 2 "--count 5, but $t-\\{1..3\\} makes 3 names" "$t-tpl.qcow2" "$t-{1..3}" --count 5
refused 2 "--count: 'x' is not a whole number 1..1000" "$t-tpl.qcow2" "$t-x" --count x
refused 2 "not a size" "$t-tpl.qcow2" "$t-x" --cluster-size 3x
refused 2 "power of two" "$t-tpl.qcow2" "$t-x" --cluster-size 3000
refused 2 "bogus" "$t-tpl.qcow2" "$t-x" --bogus

# ---- a batch that fails half-way says what was made ----
ln -s "/nonexistent-$t/x" "$st/groups/$t-h3.qcow2"	# libvirt lists no dangling link
hv derive "$t-tpl.qcow2" "$t-h{1..4}.qcow2" >"$WORK/out" 2>"$WORK/err" && fail "the half-way batch succeeded"
grep -qF "made 2 of 4 ($t-h1.qcow2, $t-h2.qcow2); not made: $t-h3.qcow2, $t-h4.qcow2:" "$WORK/err" ||
	fail "half-way report: $(cat "$WORK/err")"
rm -f "$st/groups/$t-h3.qcow2"
vsh 2 vol-list groups | grep -qF "$t-h2.qcow2" || fail "node 2 does not list what was made"
vsh 2 vol-list groups | grep -qF "$t-h4.qcow2" && fail "node 2 lists what was not made"

# ---- options libvirt sets ----
hv derive "$t-tpl.qcow2" "$t-o.qcow2" --cluster-size 128K --lazy-refcounts --extended-l2 >/dev/null 2>"$WORK/err" ||
	fail "derive with options: $(cat "$WORK/err")"
qemu-img info "$st/groups/$t-o.qcow2" >"$WORK/info"
grep -q "cluster_size: 131072" "$WORK/info" && grep -q "lazy refcounts: true" "$WORK/info" &&
	grep -q "extended l2: true" "$WORK/info" && grep -q "compat: 1.1" "$WORK/info" ||
	fail "qcow2 options: $(cat "$WORK/info")"

# ---- a disk a live desktop writes: no overlay, no copy (issue 17 item 4) ----
# $t-flat runs on node 2 on a templates volume; $t-flat2 (node 1, shut
# off) is a template desktop on the same disk
vsh 1 vol-create-as templates "$t-flat.qcow2" 16M --format qcow2 >/dev/null || fail "flat volume"
refresh_all
cleanup "undefine_named $t-flat; rm -f $LAB_DIR/node*/log/qemu/$t-flat*"
for n in 2 1; do
	d=$t-flat; [ "$n" = 1 ] && d=$t-flat2
	"$LAB" guest-xml "$d" |
		sed "s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$st/templates/$t-flat.qcow2'/><target dev='vda' bus='virtio'/></disk>|" \
		>"$WORK/$d.xml"
	vsh "$n" define "$WORK/$d.xml" >/dev/null || fail "define $d"
done
hv desktop start "$t-flat" >"$WORK/out" 2>&1 || fail "desktop start $t-flat: $(cat "$WORK/out")"
flat_running() { [ "$(guest_state 2 "$t-flat")" = running ]; }
wait_until 30 flat_running || fail "$t-flat is not running: $(guest_state 2 "$t-flat")"
written="$t-flat.qcow2 is written by desktop $t-flat running on hv2: shut it down first"
refused 1 "$written" "$t-flat.qcow2" "$t-fo.qcow2"
refused 1 "$written" "templates/$t-flat.qcow2" "$t-fo{1..2}.qcow2" --on hv1
# a copy (template from) and desktops from it: refused alike, nothing made
for verb in "template from $t-flat2 $t-ft" "desktop new $t-flat2 $t-fn"; do
	snap >"$WORK/before"
	# shellcheck disable=SC2086
	hv $verb >"$WORK/out" 2>"$WORK/err" && fail "$verb: made while $t-flat writes the disk"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$verb: exit $rc, not 1: $(cat "$WORK/err")"
	grep -qF "$written" "$WORK/err" || fail "$verb: no '$written' in: $(cat "$WORK/err")"
	snap >"$WORK/after"
	cmp -s "$WORK/before" "$WORK/after" || fail "$verb changed storage: $(diff "$WORK/before" "$WORK/after")"
	[ -z "$(node_of "${verb##* }")" ] || fail "$verb: ${verb##* } was defined"
done
vsh 2 destroy "$t-flat" >/dev/null || fail "destroy $t-flat"
flat_off() { [ "$(guest_state 2 "$t-flat")" = "shut off" ]; }
wait_until 30 flat_off || fail "$t-flat did not stop: $(guest_state 2 "$t-flat")"
hv derive "$t-flat.qcow2" "$t-fo.qcow2" --pool groups >"$WORK/out" 2>"$WORK/err" ||
	fail "derive from a stopped desktop's disk: $(cat "$WORK/err")"
[ "$(backing_of 1 groups "$t-fo.qcow2")" = "$st/templates/$t-flat.qcow2 qcow2 qcow2" ] ||
	fail "$t-fo's backing: $(backing_of 1 groups "$t-fo.qcow2")"

# ---- the console: n on the base volume, the form, the checklist ----
tui_start "$conf" 200 60
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_screen 30 "hv$i +mixed +online"
done
keys : ; keys "go debian-base.qcow2" Enter
wait_screen 5 "Volumes"
keys n
wait_screen 5 "Derive from bases/debian-base.qcow2"
on_screen "Target pool.*templates" || { screen >&2; fail "target pool is not templates"; }
keys "$t-f{1..2}.qcow2" Enter
wait_screen 20 "create overlays: 2/2 in templates on hv"
wait_screen 5 "done: Enter or Esc closes"
keys Escape
wait_until 10 on_screen "$t-f2.qcow2" || { screen >&2; fail "the new volume is not in the volumes pane"; }
for ((i = 1; i <= LAB_NODES; i++)); do
	vsh "$i" vol-list templates | grep -qF "$t-f2.qcow2" || fail "node $i does not list $t-f2.qcow2"
done
# a refusal in the form: the name exists, the form stays, nothing made
keys : ; keys "go debian-base.qcow2" Enter
keys n
wait_screen 5 "Derive from bases/debian-base.qcow2"
keys "$t-f1.qcow2" Enter
wait_screen 5 "$t-f1.qcow2 already exists in pool templates"
keys Escape
tmx kill-session -t hv

# ---- the same form attached to a server: the server runs the batch and
# the form follows the job it started (its checklist), a refusal the
# server says shows in the form and the name can be changed there ----
server_start "$conf" "$WORK/server.log"
tui_start "$conf" 200 60
wait_screen 30 "attached to server"
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_screen 30 "hv$i +mixed +online"
done
keys : ; keys "go debian-base.qcow2" Enter
keys n
wait_screen 5 "Derive from bases/debian-base.qcow2"
keys "$t-f1.qcow2" Enter
wait_screen 20 "$t-f1.qcow2 already exists in pool templates"
keys C-u "$t-s{1..2}.qcow2" Enter
wait_screen 30 "create overlays: 2/2 in templates on hv"
wait_screen 5 "done: Enter or Esc closes"
keys Escape
for ((i = 1; i <= LAB_NODES; i++)); do
	vsh "$i" vol-list templates | grep -qF "$t-s2.qcow2" || fail "node $i does not list $t-s2.qcow2 (attached)"
done
# Esc while the line is on its way to the server (Enter and Esc in one
# write; read apart, Esc meets the job known): the form stays, and the
# job the server starts for the line is cancelled as it comes back, after
# its current volume: it ends stopped, not all 20 made
keys : ; keys "go debian-base.qcow2" Enter
keys n
wait_screen 5 "Derive from bases/debian-base.qcow2"
keys "$t-c{1..20}.qcow2" Enter Escape
wait_screen 60 "stopped: Esc closes" || fail "a derive cancelled on its way did not stop: $(screen)"
on_screen "cancelled" || fail "the form does not say the derive was cancelled: $(screen)"
made=$(vsh 1 vol-list templates | grep -c "$t-c[0-9]*\.qcow2")
[ "$made" -lt 20 ] || fail "a derive cancelled on its way made all 20"
keys Escape
pass
