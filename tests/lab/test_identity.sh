#!/usr/bin/env bash
# Lab self-test: no lab command signals a process the lab did not start.
#
# An unrelated process runs in a fresh mount namespace (as a container's
# libvirtd or sshd would), and every record of an old lab is forged to point
# at it: its namespace id in the old `mntns` files (the kernel reuses
# namespace ids), its pid in the old pid files and in QEMU pid files, and its
# pid with a wrong start time in the holder/libvirtd/sshd records (the kernel
# reuses pids). Then `lab.sh status`, `down`, `libvirtd-freeze`,
# `libvirtd-stop`, `up` and demo.sh's exit path run: the unrelated process
# must never receive a signal (it logs every catchable one and would show
# SIGSTOP as state T), and `up` must succeed.
#
# Needs root and no lab up in HVDECK_LAB_DIR. Last line: PASS or FAIL.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/lab.sh
# shellcheck source=tests/lab/proc.sh
. "$HERE/proc.sh"
LAB_DIR=${HVDECK_LAB_DIR:-/tmp/hvdeck-lab}
TMP=$(mktemp -d)
U_ID=
LAB_STARTED=0

finish() {
	local rc=$?
	# shellcheck disable=SC2086
	[ -n "$U_ID" ] && signal_proc KILL $U_ID
	[ "$LAB_STARTED" = 1 ] && "$LAB" down >/dev/null 2>&1
	rm -rf "$TMP"
	exit $rc
}
trap finish EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: test_identity: $*"; exit 1; }
info() { echo "# $*"; }

# wait_until SECONDS COMMAND...
wait_until() {
	local deadline=$(( $(date +%s%3N) + $1 * 1000 )); shift
	until "$@"; do
		[ "$(date +%s%3N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

"$LAB" status >/dev/null 2>&1 && fail "a lab is already up in $LAB_DIR"

# ---- a real lab first, so that there are old records to forge ----
"$LAB" up 1 >"$TMP/up0.out" 2>&1 || { cat "$TMP/up0.out"; fail "lab.sh up 1"; }
LAB_STARTED=1
"$LAB" down >"$TMP/down0.out" 2>&1 || { cat "$TMP/down0.out"; fail "lab.sh down"; }
LAB_STARTED=0
left=$(find "$LAB_DIR"/node1 -maxdepth 1 \( -name '*.rec' -o -name '*.pid' -o -name mntns \) | head -3)
[ -z "$left" ] || fail "down left records behind: $left"

# ---- the unrelated process: logs every catchable signal it gets ----
SIGLOG=$TMP/signals
: >"$SIGLOG"
setsid unshare -m --propagation private -- bash -c '
	for s in TERM HUP INT QUIT USR1 USR2 CONT; do trap "echo $s >>'"$SIGLOG"'" $s; done
	while :; do sleep 1 & wait $!; done' </dev/null >/dev/null 2>&1 &
U_PID=$!
disown "$U_PID"
U_ID=$(proc_id "$U_PID") || fail "unrelated process did not start"
U_START=${U_ID#* }
own_ns=$(readlink /proc/self/ns/mnt)
in_own_ns() {
	local ns; ns=$(readlink "/proc/$U_PID/ns/mnt" 2>/dev/null)
	[ -n "$ns" ] && [ "$ns" != "$own_ns" ] && [ "$(cat "/proc/$U_PID/comm")" = bash ]
}
wait_until 10 in_own_ns || fail "unrelated process did not enter its own namespace"
U_NS=$(readlink "/proc/$U_PID/ns/mnt")
info "unrelated process $U_PID (start $U_START) in $U_NS"

unrelated_ok() {   # WHEN
	local st
	same_proc "$U_PID" "$U_START" || fail "after $1: the unrelated process is gone"
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$U_PID/stat")
	[ "$st" != T ] || fail "after $1: the unrelated process was stopped (SIGSTOP)"
	[ ! -s "$SIGLOG" ] || fail "after $1: the unrelated process got signals: $(tr '\n' ' ' <"$SIGLOG")"
}

# forge: every kind of record, old and new, points at the unrelated process
forge() {
	local i d
	for i in 1 2 3; do
		d=$LAB_DIR/node$i
		mkdir -p "$d/run/qemu"
		echo "$U_NS" >"$d/mntns"
		echo "$U_PID" >"$d/libvirtd.pid"
		echo "$U_PID" >"$d/sshd.pid"
		echo "$U_PID" >"$d/run/qemu/forged-guest.pid"
		for what in holder libvirtd sshd; do
			echo "$U_PID $((U_START + 1))" >"$d/$what.rec"
		done
	done
}

forge
"$LAB" status >"$TMP/status.out" 2>&1 && fail "status says a forged lab is up: $(cat "$TMP/status.out")"
grep -q 'stale holder record' "$TMP/status.out" || fail "status did not report the stale record: $(cat "$TMP/status.out")"
[ ! -e "$LAB_DIR/node1/holder.rec" ] || fail "status kept a stale record"
unrelated_ok "lab.sh status"

forge
"$LAB" libvirtd-freeze 1 >/dev/null 2>&1 && fail "libvirtd-freeze acted on a forged record"
"$LAB" libvirtd-stop 1 >/dev/null 2>&1 && fail "libvirtd-stop acted on a forged record"
unrelated_ok "lab.sh libvirtd-freeze/libvirtd-stop"

forge
"$LAB" down >"$TMP/down1.out" 2>&1 || fail "down over stale records failed: $(cat "$TMP/down1.out")"
unrelated_ok "lab.sh down"

forge
"$LAB" up 1 >"$TMP/up1.out" 2>&1 || { cat "$TMP/up1.out"; fail "up over stale records failed"; }
LAB_STARTED=1
unrelated_ok "lab.sh up"
"$LAB" status >/dev/null 2>&1 || fail "status after up says down"

# demo.sh while a lab is up: its `up` refuses, and its exit path must leave
# the running lab (someone's) alone
if [ -n "${HVDECK:-}" ]; then
	"$HERE/../../scripts/demo.sh" "$HVDECK" </dev/null >"$TMP/demo.out" 2>&1 &&
		fail "demo.sh started over a running lab"
	grep -q 'already up' "$TMP/demo.out" || fail "demo.sh did not say why: $(cat "$TMP/demo.out")"
	"$LAB" status >/dev/null 2>&1 || fail "demo.sh's exit path brought a running lab down"
fi

"$LAB" down >"$TMP/down2.out" 2>&1 || fail "down failed: $(cat "$TMP/down2.out")"
LAB_STARTED=0
unrelated_ok "lab.sh down (real lab)"

# a half-stopped lab (its holder killed from outside, libvirtd still up): up
# recovers by stopping only what its records prove
"$LAB" up 1 >/dev/null 2>&1 || fail "up failed"
LAB_STARTED=1
rec_read "$LAB_DIR/node1/holder.rec" || fail "no holder record"
signal_proc KILL "$REC_PID" "$REC_START" || fail "could not stop the holder"
wait_until 10 eval '! same_proc "$REC_PID" "$REC_START"' || fail "holder survived SIGKILL"
rec_read "$LAB_DIR/node1/libvirtd.rec" || fail "no libvirtd record"
old_libvirtd="$REC_PID $REC_START"
"$LAB" up 1 >"$TMP/up2.out" 2>&1 || { cat "$TMP/up2.out"; fail "up after a half-stopped lab failed"; }
grep -q 'half-stopped' "$TMP/up2.out" || fail "up did not say it recovered: $(cat "$TMP/up2.out")"
# shellcheck disable=SC2086
same_proc $old_libvirtd && fail "the old lab's libvirtd was left running"
unrelated_ok "lab.sh up after a half-stopped lab"
"$LAB" down >/dev/null 2>&1 || fail "down failed"
LAB_STARTED=0
unrelated_ok "the last lab.sh down"

echo PASS
