#!/bin/bash
# A batch that succeeds says nothing false: `derive` of a classroom of
# overlays while other volumes of the shared groups pool come and go (as
# another operator's work makes them) exits 0 with every overlay made, and
# its stderr holds no line about a transient state hvdeck waited out or a
# volume deleted between a list and its read: "has asynchronous jobs
# running" (a refresh refused while libvirt builds a volume) and "Storage
# volume not found" (a volume gone after it was listed).
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
st=${LAB_STORAGE:-$LAB_DIR/storage}
t="q$$"
n=20
churn_pid=
stop_churn() { [ -n "$churn_pid" ] && kill "$churn_pid" 2>/dev/null; wait "$churn_pid" 2>/dev/null; churn_pid=; }
cleanup "rm -f '$st'/*/'$t'-*; for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-refresh groups >/dev/null 2>&1; vsh \$_n pool-refresh bases >/dev/null 2>&1; done"

conf=$(write_config)
qemu-img create -q -f qcow2 "$st/bases/$t-base.qcow2" 16M || fail "qemu-img create"
for ((i = 1; i <= LAB_NODES; i++)); do vsh "$i" pool-refresh bases >/dev/null || fail "refresh"; done

# another operator's churn on node 2: qcow2 volumes built through libvirt
# (a build is an asynchronous job of the pool) and deleted again
(
	k=0
	while :; do
		k=$((k + 1))
		vsh 2 vol-create-as groups "$t-x-$k.qcow2" 64M --format qcow2 >/dev/null 2>&1
		vsh 2 vol-delete --pool groups "$t-x-$k.qcow2" >/dev/null 2>&1
	done
) &
churn_pid=$!
cleanup "kill $churn_pid 2>/dev/null"

"$HVDECK" -c "$conf" derive "bases/$t-base.qcow2" "$t-c{01..$n}.qcow2" --pool groups \
	>"$WORK/out" 2>"$WORK/err"
rc=$?
stop_churn
[ "$rc" -eq 0 ] || fail "derive exited $rc: $(cat "$WORK/err")"
made=$(ls "$st/groups/$t"-c*.qcow2 2>/dev/null | wc -l)
[ "$made" -eq "$n" ] || fail "$made of $n overlays made"
if grep -E 'asynchronous jobs running|Storage volume not found|volume XML' "$WORK/err"; then
	fail "a successful batch said things that were not failures: $(grep -E 'asynchronous|not found|volume XML' "$WORK/err" | head -3)"
fi
info "stderr: $(wc -l <"$WORK/err") lines; $(tail -1 "$WORK/out")"
pass "derive of $n with the pool churning: exit 0, every overlay, no transient error said"
