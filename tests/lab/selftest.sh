#!/usr/bin/env bash
# tests/lab/selftest.sh - prove the lab works end to end and leaves nothing behind:
# up 2, status, the test user on node 2 (password login for it only, its
# libvirt over the libssh URI with a key, root still key-only, the machine's
# account files untouched), sshd-rekey, live-migration test, a busy lab (running guests, an open libssh
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

# the machine's own account files: byte for byte the same after up..down
ACCOUNTS="/etc/passwd /etc/shadow /etc/group"
# shellcheck disable=SC2086
sha256sum $ACCOUNTS >"$TMP/accounts.sum" || fail "cannot checksum $ACCOUNTS"

t=$(now)
STARTED=1
"$LAB" up 2 || fail "lab.sh up 2 failed"
T_UP=$(since "$t")

"$LAB" status || fail "lab.sh status reports a node down right after up"

eval "$("$LAB" env)" || fail "lab.sh env failed"
[ "$LAB_NODES" = 2 ] || fail "LAB_NODES=$LAB_NODES, expected 2"

# ---- the test user ----
t=$(now)
[ "${LAB_USER_NODE:-}" = 2 ] || fail "LAB_USER_NODE=${LAB_USER_NODE:-unset}, expected the last node, 2"
[ -s "$LAB_USER_PASSWORD_FILE" ] || fail "no password file $LAB_USER_PASSWORD_FILE"
[ "$(stat -c '%a %u' "$LAB_USER_PASSWORD_FILE")" = "600 0" ] ||
    fail "password file is not 0600 root: $(stat -c '%a %U' "$LAB_USER_PASSWORD_FILE")"
"$LAB" env | grep -qF -- "$(cat "$LAB_USER_PASSWORD_FILE")" && fail "lab.sh env prints the password"
grep -q "^$LAB_USER:" /etc/passwd && fail "$LAB_USER is in the machine's /etc/passwd"
[ "$(stat -c '%a %u' "$LAB_USER_HOME")" = "700 $LAB_USER_UID" ] ||
    fail "home $LAB_USER_HOME is not 0700 $LAB_USER_UID: $(stat -c '%a %u' "$LAB_USER_HOME")"
printf '#!/bin/sh\nexec cat "%s"\n' "$LAB_USER_PASSWORD_FILE" >"$TMP/askpass"
printf '#!/bin/sh\necho not-the-password\n' >"$TMP/askpass-wrong"
chmod 700 "$TMP/askpass" "$TMP/askpass-wrong"
# pw_ssh ASKPASS USER@NODE CMD...: password login only (ssh asks ASKPASS)
pw_ssh() {
    local ap=$1 who=$2 port; shift 2
    port=LAB_SSH_PORT_${who#*@}
    SSH_ASKPASS=$ap SSH_ASKPASS_REQUIRE=force ssh -F /dev/null \
        -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o PubkeyAuthentication=no \
        -o PreferredAuthentications=password,keyboard-interactive \
        -o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 \
        -p "${!port}" "${who%@*}@127.0.0.1" "$@" </dev/null
}
out=$(pw_ssh "$TMP/askpass" "$LAB_USER@$LAB_USER_NODE" \
      'id -un; command -v virt-ssh-helper; virsh -q -c qemu:///system uri' 2>&1) ||
    fail "password login (and libvirt) as $LAB_USER failed: $out"
[ "$(printf '%s\n' "$out" | head -n1)" = "$LAB_USER" ] || fail "logged in as someone else: $out"
printf '%s\n' "$out" | grep -qx 'qemu:///system' || fail "$LAB_USER cannot use the node's libvirt: $out"
printf '%s\n' "$out" | grep -q '/virt-ssh-helper$' || fail "no virt-ssh-helper on $LAB_USER's PATH: $out"
pw_ssh "$TMP/askpass-wrong" "$LAB_USER@$LAB_USER_NODE" true >/dev/null 2>&1 &&
    fail "a wrong password logged $LAB_USER in"
pw_ssh "$TMP/askpass" "root@$LAB_USER_NODE" true >/dev/null 2>&1 && fail "root logged in by password"
pw_ssh "$TMP/askpass" "$LAB_USER@1" true >/dev/null 2>&1 && fail "$LAB_USER exists on node 1"
# by key, over libvirt's libssh transport: a throwaway key, removed after
ssh-keygen -q -t ed25519 -N '' -C selftest -f "$TMP/userkey" || fail "ssh-keygen"
install -d -m 700 -o "$LAB_USER_UID" -g "$LAB_USER_UID" "$LAB_USER_HOME/.ssh" ||
    fail "cannot make $LAB_USER_HOME/.ssh"
install -m 600 -o "$LAB_USER_UID" -g "$LAB_USER_UID" "$TMP/userkey.pub" "$LAB_USER_AUTHORIZED_KEYS" ||
    fail "cannot authorize a key for $LAB_USER"
port=LAB_SSH_PORT_$LAB_USER_NODE
out=$(virsh -q -c "qemu+libssh://$LAB_USER@127.0.0.1:${!port}/system?keyfile=$TMP/userkey&known_hosts=$LAB_KNOWN_HOSTS&sshauth=privkey&no_verify=0" \
      pool-list --name 2>&1) || fail "libssh URI as $LAB_USER failed: $out"
printf '%s\n' "$out" | grep -q '^bases *$' || fail "libssh URI as $LAB_USER lists no pools: $out"
rm -rf "$LAB_USER_HOME/.ssh"
# a new host key: another fingerprint on the wire, and the node answers again
scan_fp() {
    local port=LAB_SSH_PORT_$1
    ssh-keyscan -t ed25519 -p "${!port}" 127.0.0.1 2>/dev/null | ssh-keygen -lf - -E sha256 | cut -d' ' -f2
}
fp0=$(scan_fp "$LAB_USER_NODE")
fp1=$("$LAB" sshd-rekey "$LAB_USER_NODE") || fail "lab.sh sshd-rekey $LAB_USER_NODE failed"
fp2=$(scan_fp "$LAB_USER_NODE")
case $fp0 in SHA256:*) ;; *) fail "no host key fingerprint before rekey: '$fp0'" ;; esac
[ "$fp1" = "$fp2" ] || fail "sshd-rekey printed $fp1 but the node serves $fp2"
[ "$fp0" != "$fp2" ] || fail "sshd-rekey did not change the host key ($fp0)"
virsh -q -c "$(eval echo "\$LAB_SSH_URI_$LAB_USER_NODE")" uri >/dev/null 2>&1 ||
    fail "node $LAB_USER_NODE unreachable as root over libssh after sshd-rekey"
pw_ssh "$TMP/askpass" "$LAB_USER@$LAB_USER_NODE" true >/dev/null 2>&1 ||
    fail "$LAB_USER cannot log in after sshd-rekey"
T_USER=$(since "$t")

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

sha256sum --quiet -c "$TMP/accounts.sum" || fail "the machine's account files changed between up and down"
for f in "$LAB_USER_PASSWORD_FILE" "$LAB_USER_HOME"; do
    [ -e "$f" ] && fail "$f is still there after down"
done

echo "selftest PASS (up ${T_UP}s, test user and rekey ${T_USER}s, migration test ${T_MIG}s, down ${T_DOWN}s)"
