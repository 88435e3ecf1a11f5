#!/bin/bash
# Volume chain problems and pool state in the console: in the lab's shared
# `groups` pool, a volume whose backing file was deleted, a cycle of two
# volumes and a volume backed by itself each show as a marked row with the
# reason (and say so in their details); sorting the volumes pane by every
# column keeps each child under its parent and the pane's own order gives
# the tree back; `groups` stopped on the last node shows "active N-1/N" in
# its merged row and per host in the details, with the row's numbers; a
# desktop never started shows its disk's backing chain.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
dir=${LAB_STORAGE:-$LAB_DIR/storage}/groups
tpl=${LAB_STORAGE:-$LAB_DIR/storage}/templates/debian-template.qcow2
t="t$$"
refresh_all() {
	local i
	for ((i = 1; i <= LAB_NODES; i++)); do vsh "$i" pool-refresh groups >/dev/null 2>&1; done
}
cleanup "rm -f '$dir/$t'-*.qcow2; refresh_all"
mk() { qemu-img create -q -f qcow2 "$@" || fail "qemu-img create $*"; }
rebase() { qemu-img rebase -q -u -f qcow2 -F qcow2 -b "$2" "$1" || fail "qemu-img rebase $1"; }
mk "$dir/$t-gone.qcow2" 16M
mk -b "$dir/$t-gone.qcow2" -F qcow2 "$dir/$t-miss.qcow2"
rm -f "$dir/$t-gone.qcow2"
mk "$dir/$t-ca.qcow2" 16M
mk "$dir/$t-cb.qcow2" 16M
rebase "$dir/$t-ca.qcow2" "$t-cb.qcow2"
rebase "$dir/$t-cb.qcow2" "$t-ca.qcow2"
mk "$dir/$t-self.qcow2" 16M
rebase "$dir/$t-self.qcow2" "$t-self.qcow2"
mk -b "$tpl" -F qcow2 "$dir/$t-disk.qcow2"
refresh_all

# a desktop never started, its disk on the template
last=$LAB_NODES
GUEST="$t-d"
cleanup "vsh 1 undefine $GUEST"
"$LAB" guest-xml "$GUEST" |
	sed "s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$dir/$t-disk.qcow2'/><target dev='vda' bus='virtio'/></disk>|" \
	>"$WORK/guest.xml"
vsh 1 define "$WORK/guest.xml" >/dev/null || fail "define $GUEST with a disk"

# groups inactive on the last node
vsh "$last" pool-destroy groups >/dev/null || fail "pool-destroy groups on node $last"
cleanup "vsh $last pool-start groups"

conf=$(write_config)
tui_start "$conf" 240 60
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_screen $HOST_ONLINE_S "hv$i +mixed +online"
done

# volumes: each problem a marked row with its reason
keys 3; wait_screen 3 "Volumes"
# (the pane may cut the reason short: the details give it whole)
wait_screen 5 "$t-miss.qcow2 \\(backing file"
wait_screen 2 "$t-self.qcow2 \\(backs itself\\)"
on_screen "$t-ca.qcow2 \\(backing cycle\\)" || { screen >&2; fail "cycle member $t-ca not shown"; }
on_screen "$t-cb.qcow2 \\(backing cyc" || { screen >&2; fail "cycle member $t-cb not shown"; }

# details: by filter (one row), then Enter
details_of() {
	keys /; keys C-u; keys -l "$1"; keys Enter
	wait_screen 2 "\\[/$1\\]"
	keys Enter; wait_screen 2 "^Volume $1"
}
details_of "$t-self.qcow2"
on_screen "problem +backs itself" || { screen >&2; fail "self-backed details do not say it backs itself"; }
on_screen "not in any pool" && { screen >&2; fail "self-backed details say 'not in any pool'"; }
keys Escape
details_of "$t-miss.qcow2"
on_screen "problem +backing file missing" || { screen >&2; fail "details of $t-miss do not say missing"; }
on_screen "$dir/$t-gone.qcow2: backing file missing \\(pool groups on hv" ||
	{ screen >&2; fail "details of $t-miss do not name the missing file"; }
keys Escape; keys Escape

# sorting: the template stays right under its base, whatever the column;
# back to the pane's order, the tree is what it was
# the volumes pane alone: right of the desktops, below its title (the pools
# pane above is right of a '││' too, and its USED and FREE follow the disk)
vol_pane() { screen | sed -n '/─ 3 Volumes (/,$p' | sed -n 's/.*││//p'; }
under_base() {
	vol_pane | grep -A1 -E "^debian-base\\.qcow2 " | tail -n1 |
		grep -qE "^(└─|\`-) debian-template\\.qcow2"
}
wait_until 2 under_base || { screen >&2; fail "template not under its base"; }
tree0=$(vol_pane)
# each key is waited for by what it changes on screen: the header's sort
# mark (s moves it, S turns it), never by a sleep (under ASan a redraw can
# take longer than any sleep; CI once compared a screen not yet redrawn)
vol_header() { vol_pane | head -n1; }
header_not() { [ "$(vol_header)" != "$1" ]; }
sort_key() {	# KEY STEP: press KEY, wait for the header to change
	local before
	before=$(vol_header)
	keys "$1"
	wait_until 3 header_not "$before" ||
		{ screen >&2; fail "sort step $2: '$1' did not change the volumes header"; }
}
for ((c = 0; c < 7; c++)); do
	sort_key s $((c + 1))
	under_base || { screen >&2; fail "sort step $((c + 1)) put the template away from its base"; }
	sort_key S $((c + 1))
	under_base || { screen >&2; fail "reversed sort step $((c + 1)) put the template away from its base"; }
	sort_key S $((c + 1))
done
sort_key s 8	# past the last column: the pane's own order, no mark
tree_back() { [ "$(vol_pane)" = "$tree0" ]; }
wait_until 3 tree_back || {
	screen >&2
	diff <(echo "$tree0") <(vol_pane) >&2
	fail "back to the pane's order the tree differs"
}

# pools: groups active on all but one node, the same numbers everywhere
keys 2; wait_screen 3 "Storage pools"
wait_screen 5 "groups +active $((LAB_NODES - 1))/$LAB_NODES "
row=$(screen_line "groups     ")
read -r size used free < <(echo "$row" | awk '{ for (i = 1; i <= NF; i++) if ($i == "dir") { print $(i + 2), $(i + 3), $(i + 4); exit } }')
[ -n "$free" ] || fail "no sizes in the groups row: $row"
keys /; keys C-u; keys -l "groups"; keys Enter; keys Enter
wait_screen 2 "^Pool groups"
on_screen "size $size, used $used, free $free \\(as hv[0-9]+ sees it\\)" ||
	{ screen >&2; fail "pool details differ from the row ($size $used $free)"; }
on_screen "hv$last +as groups +inactive" || { screen >&2; fail "details do not show groups inactive on hv$last"; }
on_screen "hv1 +as groups +active" || { screen >&2; fail "details do not show groups active on hv1"; }
keys Escape; keys Escape

# a shut-off desktop's details show its disk's chain
keys 4; keys /; keys C-u; keys -l "$GUEST"; keys Enter; keys Enter
wait_screen 3 "^Desktop $GUEST"
on_screen "backed by $tpl" || { screen >&2; fail "shut-off desktop's details lack the template"; }
on_screen "backed by .*bases/debian-base.qcow2" || { screen >&2; fail "shut-off desktop's details lack the base"; }
pass
