#!/bin/bash
# A delete never lands under a derive (issue 17, item 2). With
# stats_interval = 60 (the model learns of new volumes only when a batch
# ends), one console starts a batch of overlays from a base with the `:`
# line and, in the same keystrokes, deletes that base: the derive job
# claims its base from the moment it is made, so the delete is refused
# naming the derive job ("... is read by job N (derive ...)") while the
# derive is queued or has made none of its overlays yet. Without the claim
# the delete either deletes the base under the batch or is refused for
# the overlays it already made, never naming the job: this test fails.
# Afterwards the base is unchanged, every overlay is made and `qemu-img
# check` finds base and overlays sound; once the derive ended, the claim
# is gone (a delete of the base is refused for its overlays, not the job).
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
st=${LAB_STORAGE:-$LAB_DIR/storage}
t="cl$$"
n=40
refresh_all() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in bases groups; do vsh "$i" pool-refresh "$p" >/dev/null 2>&1; done
	done
}
cleanup "rm -f '$st'/bases/'$t'-* '$st'/groups/'$t'-*; refresh_all"
qemu-img create -q -f qcow2 "$st/bases/$t-base.qcow2" 16M || fail "qemu-img create"
refresh_all
sum_base=$(sha256sum <"$st/bases/$t-base.qcow2")

conf=$(write_config)
sed -i 's/^stats_interval = .*/stats_interval = 60;/' "$conf"
grep -q '^stats_interval = 60;' "$conf" || fail "config: $(cat "$conf")"

tui_start "$conf" 220 50
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_screen 30 "hv$i +mixed +online"
done
# both lines in one burst: the delete lands within milliseconds of the
# derive, before the model knows any overlay (its pools are re-read only
# at the end of the batch, or in 60 s)
keys : "derive bases/$t-base.qcow2 $t-o{01..$n}.qcow2 --pool groups" Enter \
	: "volume delete bases/$t-base.qcow2 --yes" Enter
wait_screen 10 "bases/$t-base.qcow2 is read by job [0-9]+ \\(derive groups/$t-o\\{01..$n\\}.qcow2\\)"
[ -f "$st/bases/$t-base.qcow2" ] || fail "the base was deleted under the derive"

made() { [ "$(ls "$st/groups/$t"-o*.qcow2 2>/dev/null | wc -l)" -eq "$n" ]; }
wait_until 120 made || { screen >&2; fail "the derive did not make its $n overlays"; }
wait_until 30 on_screen "jobs 0 \\|" || { screen >&2; fail "the derive job did not end"; }
[ "$(sha256sum <"$st/bases/$t-base.qcow2")" = "$sum_base" ] || fail "the base changed"
qemu-img check -q "$st/bases/$t-base.qcow2" || fail "qemu-img check of the base"
for f in "$st/groups/$t"-o*.qcow2; do
	qemu-img check -q "$f" || fail "qemu-img check of $f"
	qemu-img info "$f" | grep -qF "backing file: $st/bases/$t-base.qcow2" ||
		fail "$f is not backed by the base: $(qemu-img info "$f")"
done

# the claim went with the job: now the overlays refuse the delete
keys : "volume delete bases/$t-base.qcow2 --yes" Enter
wait_screen 10 "cannot delete bases/$t-base.qcow2: volumes are derived from it"
on_screen "is read by job" && { screen >&2; fail "the ended derive still claims the base"; }
[ "$(sha256sum <"$st/bases/$t-base.qcow2")" = "$sum_base" ] || fail "the base changed"
pass
