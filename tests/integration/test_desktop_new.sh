#!/bin/bash
# Desktops from a template desktop, templates from a desktop, and deleting
# desktops, against the lab (issue 11 items 4 and 6):
#  - a template desktop (shut off, its disk a qcow2 of the templates pool
#    backed by a base, a NIC) is made here with virsh;
#  - `desktop new T "D-{1..3}" --count 3 --start`: three running domains,
#    each with its own UUID and MAC (none the template's), each disk a
#    qcow2 overlay in the groups pool backed by the template's volume;
#    progress 1/3..3/3 on the command line;
#  - a duplicate name is refused and nothing is written;
#  - a batch whose second overlay's file already exists (planted behind
#    libvirt's back) makes the first, nothing of the second, not the third,
#    and says so — the planted file is untouched;
#  - `template from` (keeping the base, and --flatten): a volume in the
#    templates pool and a shut-off template desktop on it; a running
#    desktop is refused;
#  - `desktop delete --with-disk` removes the domain and its overlay; a
#    template's volume, a disk another volume backs, a running desktop are
#    refused and stay;
#  - in the console, Shift-N on the template desktop opens the form, Enter
#    makes the desktop and its row appears; Shift-T makes a flattened
#    template from a form; Shift-X asks naming the desktop and its disk,
#    and with the box ticked deletes both.
. "$(dirname "$0")/lib.sh"

st=${LAB_STORAGE:-$LAB_DIR/storage}
t="t$$"
conf=$(write_config)

cleanup "undefine_named $t-; rm -f $st/groups/$t-* $st/templates/$t-* $st/bases/$t-*; refresh_all"

# (functions, so that wait_until re-reads them on each try)
defined() { [ -n "$(node_of "$1")" ]; }
undefined() { [ -z "$(node_of "$1")" ]; }
state_is() { [ "$(guest_state "$1" "$2")" = "$3" ]; }
xp() { xmllint --xpath "$1" - 2>/dev/null; }
dom_xml() { vsh "$(node_of "$1")" dumpxml --inactive "$1"; }

# ---- the template desktop ----
template_desktop "$t"
tmpl_uuid=$(vsh 1 domuuid "$t-tmpl")
tmpl_sum=$(sha256sum <"$st/templates/$t-tmpl.qcow2")

# ---- desktop new: a brace batch of 3, started ----
"$HVDECK" -c "$conf" desktop new "$t-tmpl" "$t-d-{1..3}" --count 3 --start \
	>"$WORK/new.out" 2>"$WORK/new.err" || fail "desktop new failed: $(cat "$WORK/new.err")"
grep -qx "3/3 $t-d-3" "$WORK/new.out" || fail "no progress 3/3 on the command line: $(cat "$WORK/new.out")"
grep -q "made $t-d-1, $t-d-2, $t-d-3" "$WORK/new.out" || fail "no report of what was made: $(cat "$WORK/new.out")"
uuids=$tmpl_uuid
macs=52:54:00:12:34:56
for i in 1 2 3; do
	d=$t-d-$i
	n=$(node_of "$d")
	[ -n "$n" ] || fail "$d is not defined anywhere"
	wait_until 20 state_is "$n" "$d" running ||
		fail "$d is not running (state: $(guest_state "$n" "$d"))"
	x=$(vsh "$n" dumpxml --inactive "$d")
	u=$(vsh "$n" domuuid "$d")
	m=$(echo "$x" | xp 'string(//interface/mac/@address)')
	src=$(echo "$x" | xp 'string(//disk[@device="disk"]/source/@file)')
	fmt=$(echo "$x" | xp 'string(//disk[@device="disk"]/driver/@type)')
	[ -n "$m" ] || fail "$d has no MAC"
	case " $uuids " in *" $u "*) fail "$d has a UUID already seen: $u" ;; esac
	case " $macs " in *" $m "*) fail "$d has a MAC already seen: $m" ;; esac
	uuids="$uuids $u"
	macs="$macs $m"
	[ "$src" = "$st/groups/$d.qcow2" ] || fail "$d's disk is $src"
	[ "$fmt" = qcow2 ] || fail "$d's disk driver is $fmt"
	b=$(vsh 1 vol-dumpxml --pool groups "$d.qcow2" | xp 'string(/volume/backingStore/path)')
	[ "$b" = "$st/templates/$t-tmpl.qcow2" ] || fail "$d.qcow2 is backed by '$b'"
done
info "3 desktops running, UUIDs and MACs distinct, overlays on the template"
[ "$(sha256sum <"$st/templates/$t-tmpl.qcow2")" = "$tmpl_sum" ] || fail "the template's volume changed"

# ---- a duplicate name: refused, nothing written ----
if "$HVDECK" -c "$conf" desktop new "$t-tmpl" "$t-d-2" >"$WORK/dup.out" 2>&1; then
	fail "a duplicate name was accepted"
fi
grep -q "exists" "$WORK/dup.out" || fail "duplicate refusal unclear: $(cat "$WORK/dup.out")"
[ "$(ls "$st/groups" | grep -c "^$t-d-")" -eq 3 ] || fail "a refused duplicate wrote a volume"

# ---- a failure half-way: the 2nd overlay's file is already there ----
qemu-img create -q -f qcow2 "$st/groups/$t-e-2.qcow2" 1M || fail "plant"
planted=$(sha256sum <"$st/groups/$t-e-2.qcow2")
if "$HVDECK" -c "$conf" desktop new "$t-tmpl" "$t-e-{1..3}" >"$WORK/half.out" 2>"$WORK/half.err"; then
	fail "a batch that failed half-way exited 0"
fi
grep -q "made $t-e-1; $t-e-2 failed: .*; not made: $t-e-2, $t-e-3" "$WORK/half.err" ||
	fail "half-way report unclear: $(cat "$WORK/half.err")"
[ -n "$(node_of "$t-e-1")" ] || fail "the first desktop of the batch is gone"
[ -f "$st/groups/$t-e-1.qcow2" ] || fail "the first desktop's overlay is gone"
[ -z "$(node_of "$t-e-2")" ] || fail "the failed desktop is defined"
[ -z "$(node_of "$t-e-3")" ] || fail "the desktop after the failure is defined"
[ ! -e "$st/groups/$t-e-3.qcow2" ] || fail "the desktop after the failure has a volume"
[ "$(sha256sum <"$st/groups/$t-e-2.qcow2")" = "$planted" ] || fail "the planted file was touched"
rm -f "$st/groups/$t-e-2.qcow2"
refresh_all
info "half-way failure: first kept, second and third not made, planted file untouched"

# ---- template from ----
if "$HVDECK" -c "$conf" template from "$t-d-1" "$t-x" >"$WORK/run.out" 2>&1; then
	fail "template from a running desktop was accepted"
fi
grep -q "running" "$WORK/run.out" || fail "running refusal unclear: $(cat "$WORK/run.out")"
"$HVDECK" -c "$conf" template from "$t-e-1" "$t-t2" >"$WORK/tf.out" 2>&1 ||
	fail "template from failed: $(cat "$WORK/tf.out")"
"$HVDECK" -c "$conf" template from "$t-e-1" "$t-t3" --flatten >"$WORK/tf3.out" 2>&1 ||
	fail "template from --flatten failed: $(cat "$WORK/tf3.out")"
for tt in "$t-t2" "$t-t3"; do
	n=$(node_of "$tt")
	[ -n "$n" ] || fail "template desktop $tt not defined"
	[ "$(guest_state "$n" "$tt")" = "shut off" ] || fail "$tt is not shut off"
	src=$(dom_xml "$tt" | xp 'string(//disk[@device="disk"]/source/@file)')
	[ "$src" = "$st/templates/$tt.qcow2" ] || fail "$tt's disk is $src"
	[ "$(vsh "$n" domuuid "$tt")" != "$(vsh "$(node_of "$t-e-1")" domuuid "$t-e-1")" ] || fail "$tt kept the UUID"
done
b2=$(vsh 1 vol-dumpxml --pool templates "$t-t2.qcow2" | xp 'string(/volume/backingStore/path)')
b3=$(vsh 1 vol-dumpxml --pool templates "$t-t3.qcow2" | xp 'string(/volume/backingStore/path)')
[ "$b2" = "$st/templates/$t-tmpl.qcow2" ] || fail "the kept-base copy is backed by '$b2'"
[ -z "$b3" ] || fail "the flattened copy has a backing file: $b3"
# the new template makes desktops
"$HVDECK" -c "$conf" desktop new "$t-t3" "$t-f1" >"$WORK/f1.out" 2>&1 ||
	fail "desktop new from the made template failed: $(cat "$WORK/f1.out")"
info "template from: kept base and flattened, both template desktops"

# ---- desktop delete ----
if "$HVDECK" -c "$conf" desktop delete "$t-d-3" --yes >"$WORK/del-run.out" 2>&1; then
	fail "deleting a running desktop was accepted"
fi
grep -q "stop it first" "$WORK/del-run.out" || fail "running refusal unclear: $(cat "$WORK/del-run.out")"
if "$HVDECK" -c "$conf" desktop delete "$t-tmpl" --with-disk --yes >"$WORK/del-t.out" 2>&1; then
	fail "deleting a template desktop with its template volume was accepted"
fi
grep -q "template volume" "$WORK/del-t.out" || fail "template refusal unclear: $(cat "$WORK/del-t.out")"
[ -n "$(node_of "$t-tmpl")" ] && [ -f "$st/templates/$t-tmpl.qcow2" ] || fail "a refused delete removed something"
vsh "$(node_of "$t-d-2")" destroy "$t-d-2" >/dev/null
vsh 1 vol-create-as groups "$t-child.qcow2" 64M --format qcow2 \
	--backing-vol "$st/groups/$t-d-2.qcow2" --backing-vol-format qcow2 >/dev/null || fail "child volume"
refresh_all
if "$HVDECK" -c "$conf" desktop delete "$t-d-2" --with-disk --yes >"$WORK/del-b.out" 2>&1; then
	fail "deleting a disk another volume backs was accepted"
fi
grep -q "$t-child.qcow2" "$WORK/del-b.out" || fail "backed-disk refusal does not name the child: $(cat "$WORK/del-b.out")"
[ -n "$(node_of "$t-d-2")" ] && [ -f "$st/groups/$t-d-2.qcow2" ] || fail "a refused delete removed something"
"$HVDECK" -c "$conf" desktop delete "$t-e-1" --with-disk --yes >"$WORK/del.out" 2>&1 ||
	fail "desktop delete --with-disk failed: $(cat "$WORK/del.out")"
[ -z "$(node_of "$t-e-1")" ] || fail "the deleted desktop is still defined"
[ ! -e "$st/groups/$t-e-1.qcow2" ] || fail "the deleted desktop's overlay is still there"
for ((i = 1; i <= LAB_NODES; i++)); do
	! vsh "$i" vol-list groups | grep -qF "$t-e-1.qcow2" || fail "node $i still lists the deleted overlay"
done
# without a terminal and without --yes: refused, asks
if "$HVDECK" -c "$conf" desktop delete "$t-f1" </dev/null >"$WORK/del-q.out" 2>&1; then
	fail "a delete without a terminal or --yes was done"
fi
[ -n "$(node_of "$t-f1")" ] || fail "an unconfirmed delete removed the desktop"
info "desktop delete: overlay gone; template volume, backed disk, running desktop refused"

# ---- the console: Shift-N on the template desktop ----
tui_start "$conf" 160 40
# every host online: a delete's disk check refuses while a host sharing
# the pool is unknown
wait_screen 60 "hosts $LAB_NODES/$LAB_NODES online"
wait_screen 30 "$t-tmpl"
# the template desktop is marked, and kind:template finds only such
wait_screen 10 "$t-tmpl +template +hv1"
keys 4 /
keys -l "kind:template $t-"; keys Enter
wait_screen 10 "Desktops \([0-9]+ of [0-9]+\) \[/kind:template $t-\]"
on_screen "$t-tmpl +template" || { screen >&2; fail "kind:template hides the template desktop"; }
others=$(screen | grep -oE "^│$t-[^ ]+ +[a-z]+" | grep -vE " template$")
[ -z "$others" ] || { screen >&2; fail "kind:template shows desktops that are no template: $others"; }
keys Escape
# a volume nothing uses (an overlay left behind) is found by kind:unused;
# no base or template volume is
vsh 1 vol-create-as groups "$t-orphan.qcow2" 16M --format qcow2 >/dev/null || fail "orphan volume"
keys ":"; keys -l "pool refresh groups"; keys Enter
keys 3 /
keys -l "kind:unused $t-"; keys Enter
wait_screen 20 "Volumes \([0-9]+ of [0-9]+\) \[/kind:unused $t-\]"
wait_screen 10 "$t-orphan\.qcow2"
on_screen "$t-(base|tmpl|d-1)\.qcow2" && { screen >&2; fail "kind:unused shows a base, template or used volume"; }
keys Escape
vsh 1 vol-delete --pool groups "$t-orphan.qcow2" >/dev/null
tui_new_desktop "$t-tmpl" "$t-k1"
[ -f "$st/groups/$t-k1.qcow2" ] || fail "the form's desktop has no overlay"
info "Shift-N: the form made $t-k1, its row is shown"

# Shift-T on a shut-off desktop: name, flatten, Enter
keys ":" ; keys "desktop $t-f1" Enter
keys T
wait_screen 10 "Template from $t-f1"
keys "$t-t4" Tab Down Enter
wait_until 60 defined "$t-t4" || { screen >&2; fail "Shift-T made no template desktop"; }
[ -z "$(vsh 1 vol-dumpxml --pool templates "$t-t4.qcow2" | xp 'string(/volume/backingStore/path)')" ] ||
	fail "the form's flatten choice kept a backing file"

# Shift-X: the question names the desktop and its disk; the box ticked
tui_delete_desktop "$t-f1"
# its row in the desktops pane (the events strip names it too)
wait_until 10 sh -c "! tmux -S '$TMUX_SOCKET' capture-pane -p -t hv | grep -qE '^│$t-f1 '" ||
	fail "the deleted desktop's row stayed"
pass
