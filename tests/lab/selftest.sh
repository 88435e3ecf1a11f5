#!/usr/bin/env bash
# tests/lab/selftest.sh - prove the lab works end to end and leaves nothing behind:
# up 2, status, live-migration test, a busy lab (running guests, an open libssh
# session), down, then check that no recorded pid and no process in any node's
# private mount namespace is still alive.
#
# Refuses to run if a lab is already up (it would not be its own to tear down).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/lab.sh
MIGRATE_TEST=$HERE/migrate.sh
# shellcheck source=tests/lab/proc.sh
. "$HERE/proc.sh"

TMP=$(mktemp -d)
STARTED=0
VIRSH_ID=

finish() {
    local rc=$?
    exec 9>&- 2>/dev/null
    # shellcheck disable=SC2086
    [ -n "$VIRSH_ID" ] && signal_proc TERM $VIRSH_ID && wait "${VIRSH_ID% *}" 2>/dev/null
    if [ "$STARTED" = 1 ]; then
        echo "# selftest: cleaning up with lab.sh down"
        "$LAB" down >/dev/null 2>&1
    fi
    rm -rf "$TMP"
    exit $rc
}
trap finish EXIT
trap 'exit 1' INT TERM

fail() { echo "selftest FAIL: $*"; exit 1; }
now()   { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if "$LAB" status >/dev/null 2>&1; then
    fail "a lab is already up - run 'tests/lab/lab.sh down' first"
fi

t=$(now)
STARTED=1
"$LAB" up 2 || fail "lab.sh up 2 failed"
T_UP=$(since "$t")

"$LAB" status || fail "lab.sh status reports a node down right after up"

eval "$("$LAB" env)" || fail "lab.sh env failed"
[ "$LAB_NODES" = 2 ] || fail "LAB_NODES=$LAB_NODES, expected 2"

t=$(now)
out=$("$MIGRATE_TEST" 2>&1); rc=$?
T_MIG=$(since "$t")
printf '%s\n' "$out" | sed 's/^/  | /'
if [ $rc != 0 ] || [ "$(printf '%s\n' "$out" | tail -n1)" != PASS ]; then
    fail "migrate.sh failed (rc=$rc)"
fi

# make the lab busy so that `down` has real work: a running guest on each
# node and an open libssh session (sshd child + virt-ssh-helper on node 1)
for i in 1 2; do
    "$LAB" guest "$i" "selftest-$i" 96 >/dev/null || fail "guest define on node $i"
    uri_var=LAB_URI_$i
    virsh -q -c "${!uri_var}" start "selftest-$i" >/dev/null || fail "guest start on node $i"
done
mkfifo "$TMP/fifo"
virsh -c "$LAB_SSH_URI_1" <"$TMP/fifo" >"$TMP/virsh.out" 2>&1 &
VIRSH_ID=$(proc_id $!) || fail "virsh over libssh exited at once: $(cat "$TMP/virsh.out")"
exec 9>"$TMP/fifo"
echo "list --all" >&9
deadline=$(( $(date +%s) + 30 ))
until grep -q selftest-1 "$TMP/virsh.out" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "libssh session did not list guests: $(cat "$TMP/virsh.out")"
    sleep 0.2
done

# everything the lab has started, as seen from outside: the recorded
# processes and every process in the nodes' namespaces, by pid and start time
IDS=()
for i in 1 2; do
    d=$LAB_DIR/node$i
    rec_alive "$d/holder.rec" || fail "node $i: no live namespace holder record"
    ns=$(readlink "/proc/$REC_PID/ns/mnt")
    for f in "$d"/*.rec; do rec_alive "$f" && IDS+=("$REC_PID $REC_START"); done
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" = "$ns" ] || continue
        st=$(proc_start "$p") && IDS+=("$p $st")
    done
done
n_qemu=$(find "$LAB_DIR"/node[12]/run/qemu -name '*.pid' ! -name driver.pid 2>/dev/null | wc -l)
[ "$n_qemu" -ge 2 ] || fail "expected >= 2 qemu pid files, found $n_qemu"
mapfile -t IDS < <(printf '%s\n' "${IDS[@]}" | sort -u)
echo "# selftest: lab processes before down: ${#IDS[@]}"

t=$(now)
"$LAB" down || fail "lab.sh down reported failure"
T_DOWN=$(since "$t")
STARTED=0

left=
for id in "${IDS[@]}"; do
    # shellcheck disable=SC2086
    same_proc $id && left="$left ${id% *}($(cat "/proc/${id% *}/comm" 2>/dev/null))"
done
# (no look at the namespaces' ids after down: the kernel hands them to the
# next namespaces made - another lab's, a container's - at once)
[ -z "$left" ] || fail "processes left behind after down:$left"

"$LAB" status >/dev/null 2>&1 && fail "lab.sh status still says up after down"

echo "selftest PASS (up ${T_UP}s, migration test ${T_MIG}s, down ${T_DOWN}s)"
