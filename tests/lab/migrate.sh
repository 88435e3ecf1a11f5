#!/usr/bin/env bash
# Lab self-test (run by selftest.sh; it does not run hvdeck): live-migrate a
# lab guest from node 1 to node 2 with virsh.
#
# Needs a lab with >= 2 nodes (tests/lab/lab.sh up 2).  Uses the LAB_* variables
# from `eval "$(tests/lab/lab.sh env)"` if they are set, else asks lab.sh itself.
# Prints "PASS" or "FAIL: reason" as its last line; exit status 0 / 1.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/lab.sh

fail() { echo "FAIL: $*"; exit 1; }
info() { echo "# $*"; }

if [ -z "${LAB_URI_1:-}" ] || [ -z "${LAB_URI_2:-}" ] || [ -z "${LAB_DIR:-}" ]; then
    eval "$("$LAB" env 2>/dev/null)"
fi
[ "${LAB_NODES:-0}" -ge 2 ] 2>/dev/null ||
    fail "needs a lab with >= 2 nodes (LAB_NODES=${LAB_NODES:-unset}); run tests/lab/lab.sh up 2"

SRC=$LAB_URI_1
DST=$LAB_URI_2
NAME=hvdeck-mig-$$-$(date +%s)
SRC_LOG=$LAB_DIR/node1/log/qemu/$NAME-serial.log
DST_LOG=$LAB_DIR/node2/log/qemu/$NAME-serial.log

cleanup() {
    local u
    for u in "$DST" "$SRC"; do
        virsh -q -c "$u" destroy "$NAME" >/dev/null 2>&1
        virsh -q -c "$u" undefine "$NAME" >/dev/null 2>&1
    done
    rm -f "$SRC_LOG" "$DST_LOG"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_until TIMEOUT_S CMD...: poll CMD (every 0.2 s) until it succeeds.
wait_until() {
    local deadline=$(( $(date +%s) + $1 )); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

state_is() { [ "$(virsh -q -c "$1" domstate "$2" 2>/dev/null)" = "$3" ]; }
log_has()  { grep -q "$2" "$1" 2>/dev/null; }
now()      { date +%s.%N; }
since()    { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

for u in "$SRC" "$DST"; do
    virsh -q -c "$u" uri >/dev/null 2>&1 || fail "lab node $u does not answer"
done

HVDECK_LAB_DIR=$LAB_DIR "$LAB" guest 1 "$NAME" >/dev/null || fail "could not define $NAME on node 1"
virsh -q -c "$SRC" start "$NAME" >/dev/null || fail "could not start $NAME on node 1"
wait_until 30 state_is "$SRC" "$NAME" running || fail "$NAME not running on node 1 after 30s"
# let the guest fill its RAM ballast so the migration has real dirty memory
wait_until 120 log_has "$SRC_LOG" 'ballast ready' ||
    fail "$NAME did not report 'ballast ready' on its serial console within 120s"
info "guest $NAME running on node 1 with its ballast filled"

t0=$(now)
if ! out=$(timeout 300 virsh -c "$SRC" migrate --live --persistent --undefinesource \
        "$NAME" "$DST" 2>&1); then
    fail "virsh migrate failed: $(echo "$out" | tr '\n' ' ')"
fi
took=$(since "$t0")
info "live migration node1 -> node2 took ${took}s"
virsh -q -c "$DST" domjobinfo --completed "$NAME" 2>/dev/null |
    grep -E '^(Time elapsed|Memory processed|Iteration|Total downtime):' | sed 's/^/#   /; s/  */ /g'

state_is "$DST" "$NAME" running ||
    fail "$NAME is not running on node 2 (state: $(virsh -q -c "$DST" domstate "$NAME" 2>&1))"
virsh -q -c "$DST" dominfo "$NAME" 2>/dev/null | grep -Eq '^Persistent: +yes' ||
    fail "$NAME is not persistent on node 2"
if virsh -q -c "$SRC" dominfo "$NAME" >/dev/null 2>&1; then
    fail "$NAME still exists on node 1 (state: $(virsh -q -c "$SRC" domstate "$NAME" 2>&1))"
fi
# the guest really runs on node 2: its console keeps ticking there
wait_until 30 log_has "$DST_LOG" 'tick' ||
    fail "$NAME shows no sign of life on node 2 within 30s"
info "guest alive on node 2, gone from node 1"

echo PASS
