#!/usr/bin/env bash
# tests/lab/lab.sh - a lab of N independent libvirt "hypervisors" on one machine.
#
#   lab.sh up [N]                 start N nodes (1..9, default 3)
#   lab.sh down                   stop what the lab started (pid + start time proven)
#   lab.sh status                 per-node health; exit 0 only if every node is up
#   lab.sh probe                  why a node may not answer: its libvirtd over
#                                 TCP, on its local socket (listening? backlog)
#                                 and through SSH, its processes and log tails
#   lab.sh env                    shell assignments for `eval "$(lab.sh env)"`
#   lab.sh guest NODE NAME [MiB]  define (not start) a tiny guest on node NODE
#   lab.sh guest-xml NAME [MiB]   print that guest's domain XML
#   lab.sh libvirtd-stop NODE     kill that node's libvirtd (a crash: SIGKILL)
#   lab.sh libvirtd-start NODE    start it again inside the node's namespace
#   lab.sh libvirtd-freeze NODE   SIGSTOP it: a hung host (keepalive test)
#   lab.sh libvirtd-thaw NODE     SIGCONT it
#   lab.sh sshd-rekey NODE        new host key for the node, its sshd restarted
#                                 (by record) and the lab's known_hosts updated
#   lab.sh user-keys              print the test user's authorized_keys
#   lab.sh fill NODE DESKTOPS VOLUMES
#                                 classroom scale: define DESKTOPS guests
#                                 fill-nNODE-0001.. on NODE, make VOLUMES qcow2
#                                 overlays fill-0001.qcow2.. of the base in
#                                 the shared `groups` pool (every node's
#                                 pool refreshed once)
#   lab.sh unfill                 undefine every fill-* guest and delete
#                                 every fill-* volume: the small lab again
#   LAB_FILL=N (env, `up` only)   fill node 1 with N desktops and N volumes
#
# Node i (1-based) lives in $LAB_DIR/node<i>.  A namespace holder process
# creates the node's private mount namespace and bind-mounts the node's own
# etc/run/lib/log/cache directories over /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt in it; the
# node's libvirtd and sshd join that namespace.  The machine's own
# /etc/libvirt and /etc/ssh are never modified.
#
#   libvirtd  qemu+tcp://127.0.0.1:1650<i>/system     (auth none, no TLS)
#   sshd      127.0.0.1:2220<i>, root, key $LAB_DIR/id_ed25519 only
#   migration ports 49152+100*i .. +99 on 127.0.1.<i> (no --migrateuri needed)
#   host_uuid 6876646b-6c61-4200-8000-00000000000<i>
#
# The test user: the LAST node of the lab (node N of `up N`, so tests that
# count nodes are unaffected) has a user `hvtest` with a password, created in
# that node's mount namespace only: copies of /etc/passwd, /etc/shadow and
# /etc/group with the user added are bind-mounted over the machine's files
# in the namespace, so the machine's own files are never written (selftest.sh
# checks them byte for byte). Its uid/gid is one free on this machine; its
# password is random per `up`, kept 0600 in $LAB_DIR/user-password (never
# printed by `env`); its home is $LAB_DIR/node<N>/home/hvtest (0700, no
# ~/.ssh until someone makes one). The node's sshd lets only that user log in
# by password and reads its ~/.ssh/authorized_keys; root stays key-only from
# the lab's own file. The node's libvirtd gives the user's group its rw
# socket (auth none: no polkit in the lab).
#
# HVDECK_LAB_SLOT=S (0..9, default 0) shifts every port by 10*S (and the
# migration addresses to 127.0.<S+1>.<i>), so labs in different
# HVDECK_LAB_DIRs can run side by side.  The slot is kept in the lab dir.
#
# The lab stops only what it can prove it started (see proc.sh): the holder,
# libvirtd and sshd of each node are recorded at launch by pid AND start
# time, and are signalled only while both still match.  Guests and virtlogd
# (libvirtd's children) are destroyed through libvirt first; anything else
# left in a node's namespace is swept only while that node's holder is alive
# with its recorded start time - the only proof the namespace is the lab's.
# Stale records (process gone, or the pid now another process) are reported
# and removed, never acted on.

set -u

LAB_DIR=${HVDECK_LAB_DIR:-/tmp/hvdeck-lab}
LAB_SLOT=${HVDECK_LAB_SLOT:-$(cat "$LAB_DIR/slot" 2>/dev/null || echo 0)}
case $LAB_SLOT in [0-9]) ;; *) echo "${0##*/}: HVDECK_LAB_SLOT must be 0..9" >&2; exit 2 ;; esac
TCP_BASE=$((16500 + 10 * LAB_SLOT))
SSH_BASE=$((22200 + 10 * LAB_SLOT))
MIG_BASE=49152
VNC_BASE=$((5900 + 1000 * LAB_SLOT))
START_TIMEOUT=${HVDECK_LAB_START_TIMEOUT:-60}   # seconds per wait
STOP_TIMEOUT=${HVDECK_LAB_STOP_TIMEOUT:-15}     # seconds before SIGKILL

ME=$(readlink -f "$0")
PROG=${0##*/}

die()  { echo "$PROG: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- paths ----
pick_kernel() {
    if [ -n "${HVDECK_LAB_KERNEL:-}" ]; then echo "$HVDECK_LAB_KERNEL"; return; fi
    local k last=
    for k in /boot/vmlinuz-*-cloud-amd64 /boot/vmlinuz-*; do
        [ -r "$k" ] && { last=$k; break; }
    done
    echo "$last"
}
LAB_KERNEL=$(pick_kernel)
KVER=${LAB_KERNEL##*/vmlinuz-}
PAYLOAD_DIR=$LAB_DIR/payload
LAB_INITRD=$PAYLOAD_DIR/initramfs.cpio.gz
LAB_STORAGE=$LAB_DIR/storage
SSH_KEY=$LAB_DIR/id_ed25519
KNOWN_HOSTS=$LAB_DIR/known_hosts
LAB_USER=hvtest
USER_PASSWORD_FILE=$LAB_DIR/user-password
USER_NODE_FILE=$LAB_DIR/user-node

node_dir()  { echo "$LAB_DIR/node$1"; }
tcp_port()  { echo $((TCP_BASE + $1)); }
ssh_port()  { echo $((SSH_BASE + $1)); }
host_uuid() { printf '6876646b-6c61-4200-8000-%012d\n' "$1"; }
mig_addr()  { echo "127.0.$((LAB_SLOT + 1)).$1"; }
tcp_uri()   { echo "qemu+tcp://127.0.0.1:$(tcp_port "$1")/system"; }
ssh_uri()   {
    echo "qemu+libssh://root@127.0.0.1:$(ssh_port "$1")/system?keyfile=$SSH_KEY&known_hosts=$KNOWN_HOSTS&sshauth=privkey&no_verify=0"
}

# Node numbers of the current lab (from the node dirs present).
lab_nodes() {
    local d
    for d in "$LAB_DIR"/node[1-9]; do
        [ -d "$d" ] && echo "${d##*/node}"
    done
}

# ------------------------------------------------------------ processes ----
# shellcheck source=tests/lab/proc.sh
. "$(dirname "$ME")/proc.sh"

# Every process the lab starts itself is recorded at launch in
# node<i>/<what>.rec as "PID START" (see proc.sh): the node's namespace
# holder, its libvirtd and its sshd. Records are the only proof the lab has:
# a pid is signalled only while its start time still matches.
node_rec() { echo "$(node_dir "$1")/$2.rec"; }

# node_alive NODE WHAT: the node's holder|libvirtd|sshd is the one we started.
node_alive() { rec_alive "$(node_rec "$1" "$2")"; }

# node_pid NODE WHAT: the pid of a live recorded process (empty otherwise).
node_pid() {
    node_alive "$1" "$2" && echo "$REC_PID"
}

# The node's mount namespace, read from its live holder: the only proof that
# the namespace is still the lab's (the kernel reuses namespace ids, but not
# while the holder keeps this one alive).
node_ns() {
    local p
    p=$(node_pid "$1" holder) || return 1
    readlink "/proc/$p/ns/mnt" 2>/dev/null
}

# clean_stale NODE: drop records whose process is gone or is another process
# (same pid, other start time), and files of older labs that proved nothing.
clean_stale() {
    local i=$1 d f what
    d=$(node_dir "$i")
    for what in holder libvirtd sshd; do
        f=$(node_rec "$i" "$what")
        [ -e "$f" ] || continue
        if ! rec_read "$f"; then
            note "node $i: unreadable $what record - removed, nothing signalled"
            rm -f "$f"
        elif ! same_proc "$REC_PID" "$REC_START"; then
            note "node $i: stale $what record (pid $REC_PID is gone or is another process) - removed, nothing signalled"
            rm -f "$f"
        fi
    done
    for f in "$d/mntns" "$d/libvirtd.pid" "$d/sshd.pid"; do
        # pid files are the daemons' own; a live daemon keeps its file
        case $f in
        */libvirtd.pid) node_alive "$i" libvirtd && continue ;;
        */sshd.pid)     node_alive "$i" sshd && continue ;;
        esac
        [ -e "$f" ] && rm -f "$f"
    done
    return 0
}

# launch NODE WHAT CMD...: run CMD in the background as its own session and
# record it (pid and start time) before anything else can happen to it.
# setsid and nsenter exec in place here, so $! is the daemon itself.
launch() {
    local i=$1 what=$2; shift 2
    setsid "$@" </dev/null >>"$(node_dir "$i")/log/$what.stdout" 2>&1 &
    rec_write "$(node_rec "$i" "$what")" $! || {
        note "node $i: $what exited at once (see $(node_dir "$i")/log/$what.stdout)"
        return 1
    }
}

# in_node NODE CMD...: run CMD in the node's mount namespace (its holder's).
in_node() {
    local i=$1 p; shift
    p=$(node_pid "$i" holder) || { note "node $i: its namespace holder is not running"; return 1; }
    nsenter -t "$p" -m -- "$@"
}

start_libvirtd() {
    local i=$1 d p; d=$(node_dir "$i")
    p=$(node_pid "$i" holder) || { note "node $i: its namespace holder is not running"; return 1; }
    launch "$i" libvirtd nsenter -t "$p" -m -- /usr/sbin/libvirtd --listen \
        -f /etc/libvirt/libvirtd.conf -p "$d/libvirtd.pid"
}

start_sshd() {
    local i=$1 d p; d=$(node_dir "$i")
    p=$(node_pid "$i" holder) || { note "node $i: its namespace holder is not running"; return 1; }
    launch "$i" sshd nsenter -t "$p" -m -- /usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/log/sshd.log"
}

# start_holder NODE: a process that creates the node's private mount
# namespace, mounts the node's directories in it, and then only waits.
start_holder() {
    local i=$1 d deadline; d=$(node_dir "$i")
    rm -f "$d/holder.ready"
    launch "$i" holder unshare -m --propagation private -- /bin/sh "$d/holder.sh" || return 1
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    until [ -e "$d/holder.ready" ]; do
        node_alive "$i" holder || { note "node $i: namespace holder died (see $d/log/holder.stdout)"; return 1; }
        [ "$(date +%s)" -lt "$deadline" ] || { note "node $i: namespace holder not ready"; return 1; }
        sleep 0.05
    done
}

node_is_up() {   # the node's holder, libvirtd and sshd are the ones we started
    node_alive "$1" holder && node_alive "$1" libvirtd && node_alive "$1" sshd
}

# lab_nodes_alive: nodes with at least one live recorded process.
lab_nodes_alive() {
    local i
    for i in $(lab_nodes); do
        if node_alive "$i" holder || node_alive "$i" libvirtd || node_alive "$i" sshd; then
            echo "$i"
        fi
    done
}

# ns_members_ids NODE: "PID START" of every process in the node's namespace
# other than its holder; nothing unless the holder is alive. (One stat for
# all of /proc: a readlink per process costs seconds on a busy machine.)
ns_members_ids() {
    local i=$1 ns hp p st
    ns=$(node_ns "$i") || return 0
    hp=$(node_pid "$i" holder) || return 0
    stat -c '%N' /proc/[0-9]*/ns/mnt 2>/dev/null | grep -F -e "-> '$ns'" |
        sed -n "s|^'/proc/\([0-9]*\)/ns/mnt' .*|\1|p" |
        while read -r p; do
            [ "$p" = "$hp" ] && continue
            st=$(proc_start "$p") && echo "$p $st"
        done
}

# may_signal KIND NODE PID START: the last check before any signal.
#   record: PID is the recorded process (pid and start time match)
#   member: the same, and it is still inside the node's namespace while the
#           node's holder (the proof the namespace is the lab's) is alive
may_signal() {
    same_proc "$3" "$4" || return 1
    [ "$1" = record ] && return 0
    local ns; ns=$(node_ns "$2") || return 1
    [ "$(readlink "/proc/$3/ns/mnt" 2>/dev/null)" = "$ns" ]
}

# stop_procs WHAT KIND "NODE PID START"...: SIGTERM, wait up to STOP_TIMEOUT,
# SIGKILL, wait again; each signal only after may_signal.
stop_procs() {
    local what=$1 kind=$2; shift 2
    local items=("$@") left item sig deadline
    [ ${#items[@]} -gt 0 ] || return 0
    for item in "${items[@]}"; do
        # shellcheck disable=SC2086
        may_signal "$kind" $item && kill -TERM "$(echo $item | cut -d' ' -f2)" 2>/dev/null
    done
    for sig in KILL none; do
        deadline=$(( $(date +%s) + STOP_TIMEOUT ))
        while :; do
            left=()
            for item in "${items[@]}"; do
                # shellcheck disable=SC2086
                same_proc $(echo $item | cut -d' ' -f2,3) && left+=("$item")
            done
            [ ${#left[@]} -eq 0 ] && return 0
            [ "$(date +%s)" -ge "$deadline" ] && break
            sleep 0.1
        done
        [ "$sig" = none ] && break
        note "$what still alive after ${STOP_TIMEOUT}s: ${left[*]} - sending SIGKILL"
        for item in "${left[@]}"; do
            # shellcheck disable=SC2086
            may_signal "$kind" $item && kill -KILL "$(echo $item | cut -d' ' -f2)" 2>/dev/null
        done
    done
    note "$what could not be stopped: ${left[*]}"
    return 1
}

# ------------------------------------------------------------- payload ----
guest_init() {
cat <<'EOF'
#!/bin/busybox sh
# hvdeck lab guest: keep ~40 MiB of RAM busy and dirty a little of it every
# second so live migration needs several iterations, while staying cheap.
/bin/busybox mkdir -p /proc /sys /dev /tmp /bin /sbin
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
if ! mount -t devtmpfs devtmpfs /dev 2>/dev/null; then
    mount -t tmpfs -o mode=0755 tmpfs /dev && mdev -s
fi
mount -t tmpfs -o size=64m tmpfs /tmp
exec </dev/console >/dev/console 2>&1
say() { echo "hvdeck-lab-guest: $*"; }
say "booted $(uname -r)"

# ACPI power button (virsh shutdown) -> poweroff -f
for m in /lib/modules/evdev.ko /lib/modules/button.ko; do
    [ -f "$m" ] && insmod "$m" 2>/dev/null
done
acpi=no
for e in /sys/class/input/event*; do
    [ -e "$e/device/name" ] || continue
    case "$(cat "$e/device/name")" in
    *"Power Button"*)
        acpi=yes
        # open the device before saying so: evdev queues events only for
        # readers that have it open, and a press must not be lost
        exec 3<"/dev/input/${e##*/}"
        ( dd of=/dev/null bs=4096 count=1 <&3 2>/dev/null
          say "power button pressed, powering off"; sync; poweroff -f ) &
        ;;
    esac
done
say "acpi power button: $acpi"

MB=40
dd if=/dev/urandom of=/tmp/ballast bs=1M count=$MB 2>/dev/null
say "ballast ready: $MB MiB"
i=0
while :; do
    dd if=/dev/urandom of=/tmp/ballast bs=1M count=2 seek=$(( (i * 2) % MB )) conv=notrunc 2>/dev/null
    i=$((i + 1))
    [ $((i % 5)) -eq 0 ] && say "tick $i"
    sleep 1
done
EOF
}

build_payload() {
    [ -r "$LAB_KERNEL" ] || die "no kernel found (/boot/vmlinuz-*-cloud-amd64); set HVDECK_LAB_KERNEL"
    if [ -s "$LAB_INITRD" ] && [ "$LAB_INITRD" -nt "$ME" ]; then
        return 0
    fi
    local bb root m src
    bb=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
    file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
        note "warning: $bb may not be static"
    mkdir -p "$PAYLOAD_DIR"
    root=$PAYLOAD_DIR/root
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib/modules}
    cp "$bb" "$root/bin/busybox"
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
    guest_init >"$root/init"
    chmod 755 "$root/init"
    for m in drivers/input/evdev drivers/acpi/button; do
        src=/lib/modules/$KVER/kernel/$m
        if [ -f "$src.ko" ]; then cp "$src.ko" "$root/lib/modules/"
        elif [ -f "$src.ko.xz" ]; then xz -dc "$src.ko.xz" >"$root/lib/modules/${m##*/}.ko"
        elif [ -f "$src.ko.zst" ]; then zstd -qdc "$src.ko.zst" >"$root/lib/modules/${m##*/}.ko"
        else note "warning: $src.ko not found - guest will ignore ACPI shutdown"
        fi
    done
    (cd "$root" && find . -print | cpio -o -H newc --quiet) | gzip -9 >"$LAB_INITRD.tmp" ||
        die "building initramfs failed"
    mv "$LAB_INITRD.tmp" "$LAB_INITRD"
    rm -rf "$root"
}

guest_xml() {
    local name=$1 mem=${2:-128}
    case $name in ''|*[!A-Za-z0-9._-]*) die "bad guest name '$name'" ;; esac
    case $mem in ''|*[!0-9]*) die "bad memory size '$mem'" ;; esac
    cat <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$LAB_KERNEL</kernel>
    <initrd>$LAB_INITRD</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'>
      <log file='/var/log/libvirt/qemu/$name-serial.log' append='on'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

# ------------------------------------------------------------ test user ----
# The node that has the test user (the last one of `up`), empty if none.
user_node() {
    local i; i=$(cat "$USER_NODE_FILE" 2>/dev/null)
    case $i in [1-9]) echo "$i" ;; esac
}
is_user_node() { [ -n "$1" ] && [ "$1" = "$(user_node)" ]; }
user_home() { echo "$(node_dir "$1")/home/$LAB_USER"; }
# the node's copies of /etc/passwd, /etc/shadow, /etc/group (root-only dir)
accounts_dir() { echo "$(node_dir "$1")/accounts"; }

# free_id: a number unused as a uid AND as a gid on this machine, so files
# the user owns in the lab dir are never mistaken for anyone else's.
free_id() {
    local id
    for id in $(seq 60100 60999); do
        getent passwd "$id" >/dev/null || getent group "$id" >/dev/null || { echo "$id"; return 0; }
    done
    return 1
}

# make_test_user NODE: the user's password, account files and home. The
# password goes from /dev/urandom to a 0600 file and from there on stdin to
# `openssl passwd` - never on a command line.
make_test_user() {
    local i=$1 d acc home id hash days
    d=$(node_dir "$i") acc=$(accounts_dir "$i") home=$(user_home "$i")
    getent passwd "$LAB_USER" >/dev/null && die "user '$LAB_USER' exists on this machine; the lab's test user would shadow it"
    getent group "$LAB_USER" >/dev/null && die "group '$LAB_USER' exists on this machine; the lab's test user would shadow it"
    id=$(free_id) || die "no free uid/gid in 60100..60999 for the test user"
    rm -f "$USER_PASSWORD_FILE"
    (umask 077 && head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 24 >"$USER_PASSWORD_FILE")
    [ "$(wc -c <"$USER_PASSWORD_FILE")" = 24 ] || die "could not make the test user's password"
    hash=$(openssl passwd -6 -stdin <"$USER_PASSWORD_FILE") || die "openssl passwd failed"
    days=$(( $(date +%s) / 86400 ))   # changed today: no forced change, no expiry
    mkdir -p "$acc" && chmod 700 "$acc" || die "cannot make $acc"
    cp -p /etc/passwd /etc/shadow /etc/group "$acc/" || die "cannot copy the account files"
    echo "$LAB_USER:x:$id:$id:hvdeck lab test user:$home:/bin/bash" >>"$acc/passwd"
    echo "$LAB_USER:$hash:$days:0:99999:7:::" >>"$acc/shadow"
    echo "$LAB_USER:x:$id:" >>"$acc/group"
    # the user reaches its home by its real path: every directory above it
    # must be searchable (sshd's StrictModes stops checking at the home)
    mkdir -p "$d/home" && chmod go+x "$LAB_DIR" "$d" "$d/home" || die "cannot make $d/home"
    mkdir -p "$home" && chown "$id:$id" "$home" && chmod 700 "$home" || die "cannot make $home"
    echo "$id" >"$LAB_DIR/user-uid"
}

# remove_test_user: the user's files (its account entries live only in the
# node's namespace, which ends with the holder).
remove_test_user() {
    local i d; i=$(user_node)
    if [ -n "$i" ]; then
        d=$(node_dir "$i")
        rm -rf "${d:?}/accounts" "${d:?}/home"
    fi
    rm -f "$USER_PASSWORD_FILE" "$USER_NODE_FILE" "$LAB_DIR/user-uid"
}

# ---------------------------------------------------------- node config ----
write_node_config() {
    local i=$1 d; d=$(node_dir "$i")
    local mig_min=$((MIG_BASE + 100 * i))
    local vnc_min=$((VNC_BASE + 100 * (i - 1)))
    local sock_group=root
    if is_user_node "$i"; then
        make_test_user "$i"
        sock_group=$LAB_USER   # the user's own group, in the node's /etc/group
    fi

    mkdir -p "$d"/{run,lib,log/qemu,cache/qemu/capabilities}
    # seed the QEMU capabilities cache (libvirt re-probes if it is stale)
    cp "$PAYLOAD_DIR"/qemu-caps/*.xml "$d/cache/qemu/capabilities/" 2>/dev/null
    cp -a /etc/libvirt "$d/etc"
    # no network may autostart (no bridges, no dnsmasq)
    rm -f "$d"/etc/qemu/networks/autostart/* 2>/dev/null
    rm -rf "$d"/etc/storage    # pools are defined fresh below

    cat >"$d/etc/libvirtd.conf" <<EOF
# hvdeck lab node $i (generated by lab.sh)
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$(tcp_port "$i")"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_group = "$sock_group"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0770"
unix_sock_admin_perms = "0700"
host_uuid = "$(host_uuid "$i")"
log_outputs = "3:file:$d/log/libvirtd.log"
keepalive_interval = 5
keepalive_count = 5
EOF

    cat >"$d/etc/qemu.conf" <<EOF
# hvdeck lab node $i (generated by lab.sh)
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
stdio_handler = "file"
# libvirt refuses 127.0.0.1 (and "localhost*") for both keys, but any other
# 127/8 address is fine: node i gets its own loopback "data-plane IP".
migration_address = "$(mig_addr "$i")"
migration_host = "$(mig_addr "$i")"
migration_port_min = $mig_min
migration_port_max = $((mig_min + 99))
vnc_listen = "127.0.0.1"
spice_listen = "127.0.0.1"
remote_display_port_min = $vnc_min
remote_display_port_max = $((vnc_min + 99))
websocket_port_min = $((vnc_min + 700))
websocket_port_max = $((vnc_min + 799))
EOF

    ssh-keygen -q -t ed25519 -N '' -C "hvdeck-lab-node$i" -f "$d/ssh_host_ed25519_key" ||
        die "ssh-keygen failed"
    cat >"$d/sshd_config" <<EOF
# hvdeck lab node $i (generated by lab.sh)
Port $(ssh_port "$i")
ListenAddress 127.0.0.1
HostKey $d/ssh_host_ed25519_key
PidFile $d/sshd.pid
PermitRootLogin prohibit-password
AuthorizedKeysFile $LAB_DIR/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
PrintMotd no
LogLevel INFO
EOF
    # StrictModes stays off globally (sshd allows it only there): root's
    # authorized_keys is the lab's file under /tmp (1777), which it refuses.
    if is_user_node "$i"; then
        cat >>"$d/sshd_config" <<EOF
# the test user only: password login, and its own authorized_keys
Match User $LAB_USER
    PasswordAuthentication yes
    AuthorizedKeysFile .ssh/authorized_keys
EOF
    fi
    echo "[127.0.0.1]:$(ssh_port "$i") $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >>"$KNOWN_HOSTS"

    # The node's namespace holder: runs under `unshare -m --propagation
    # private`, mounts the node's directories over the machine's, says it is
    # ready and then only keeps the namespace alive. The daemons join it with
    # nsenter. The machine's own mounts never change.
    cat >"$d/holder.sh" <<EOF
#!/bin/sh
set -e
mount --bind "$d/etc"   /etc/libvirt
mount --bind "$d/run"   /run/libvirt
if [ ! -L /var/run ] && [ -d /var/run/libvirt ]; then mount --bind "$d/run" /var/run/libvirt; fi
mount --bind "$d/lib"   /var/lib/libvirt
mount --bind "$d/log"   /var/log/libvirt
mount --bind "$d/cache" /var/cache/libvirt
$(is_user_node "$i" && for f in passwd shadow group; do
    echo "mount --bind \"$(accounts_dir "$i")/$f\" /etc/$f"
done)
: >"$d/holder.ready"
exec sleep infinity
EOF
    chmod 755 "$d/holder.sh"
}

port_busy() { [ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]; }

# wait_for NODE DAEMON CMD...: poll CMD until it succeeds or START_TIMEOUT
# passes; give up early if the node's DAEMON (libvirtd|sshd) or its
# namespace holder has died.
wait_for() {
    local i=$1 daemon=$2; shift 2
    local deadline=$(( $(date +%s) + START_TIMEOUT )) what
    until "$@" >/dev/null 2>&1; do
        for what in holder "$daemon"; do
            if ! node_alive "$i" "$what"; then
                note "node $i: $what died"
                return 1
            fi
        done
        if [ "$(date +%s)" -ge "$deadline" ]; then
            note "node $i: timed out after ${START_TIMEOUT}s waiting for $daemon"
            return 1
        fi
        sleep 0.2
    done
}

ssh_node() {
    local i=$1; shift
    ssh -F /dev/null -i "$SSH_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o ConnectTimeout=5 \
        -p "$(ssh_port "$i")" root@127.0.0.1 "$@"
}

node_fail() {
    local i=$1 d; d=$(node_dir "$1")
    note "node $i failed to come up"
    for f in "$d/log/libvirtd.log" "$d/log/libvirtd.stdout" "$d/log/sshd.log" \
             "$d/log/sshd.stdout" "$d/log/holder.stdout"; do
        [ -s "$f" ] || continue
        echo "---- tail $f" >&2
        tail -n 25 "$f" >&2
    done
}

# fail_up NODE: report, stop what this `up` started, exit.
fail_up() {
    node_fail "$1"
    cmd_down >/dev/null 2>&1
    exit 1
}

# A lab already in LAB_DIR: stale records are dropped; a healthy lab is
# refused (it may be someone's); a half-stopped one is brought down first,
# touching only what its records prove is the lab's.
prepare_up() {
    local i alive
    for i in $(lab_nodes); do clean_stale "$i"; done
    alive=$(lab_nodes_alive)
    [ -n "$alive" ] || return 0
    if cmd_status >/dev/null 2>&1; then
        die "a lab is already up in $LAB_DIR - run '$PROG down' first"
    fi
    note "a half-stopped lab is in $LAB_DIR (node(s) $(echo $alive)) - bringing it down first"
    cmd_down || die "could not bring the old lab down"
}

cmd_up() {
    local n=${1:-3} i d t0 pools
    case $n in [1-9]) ;; *) die "usage: $PROG up [N]   (N = 1..9)" ;; esac
    [ "$(id -u)" = 0 ] || die "must run as root"
    case $LAB_DIR in /|'') die "refusing LAB_DIR='$LAB_DIR'" ;; esac
    prepare_up
    for i in $(seq 1 "$n"); do
        for p in "$(tcp_port "$i")" "$(ssh_port "$i")"; do
            port_busy "$p" && die "port 127.0.0.1:$p is already in use (not by this lab)"
        done
    done
    t0=$(now)

    # fresh state, keep the payload cache
    mkdir -p "$LAB_DIR"
    rm -rf "$LAB_DIR"/node[1-9] "$LAB_STORAGE" "$SSH_KEY" "$SSH_KEY.pub" \
        "$KNOWN_HOSTS" "$LAB_DIR/authorized_keys" "$LAB_DIR/nodes"
    remove_test_user
    echo "$LAB_SLOT" >"$LAB_DIR/slot"
    build_payload

    ssh-keygen -q -t ed25519 -N '' -C hvdeck-lab -f "$SSH_KEY" || die "ssh-keygen failed"
    cp "$SSH_KEY.pub" "$LAB_DIR/authorized_keys"
    : >"$KNOWN_HOSTS"

    mkdir -p "$LAB_STORAGE"/{bases,templates,groups}
    qemu-img create -q -f qcow2 "$LAB_STORAGE/bases/debian-base.qcow2" 64M ||
        die "qemu-img create failed"
    (cd "$LAB_STORAGE/templates" &&
        qemu-img create -q -f qcow2 -F qcow2 -b ../bases/debian-base.qcow2 debian-template.qcow2) ||
        die "qemu-img create (template) failed"

    # mount points in the real root (empty dirs; normally created by packages)
    mkdir -p /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /run/sshd
    chmod 755 /run/sshd

    echo "$n" >"$LAB_DIR/nodes"
    echo "$n" >"$USER_NODE_FILE"    # the last node has the test user
    for i in $(seq 1 "$n"); do
        write_node_config "$i"
    done
    for i in $(seq 1 "$n"); do
        start_holder "$i" && start_libvirtd "$i" && start_sshd "$i" || fail_up "$i"
    done
    for i in $(seq 1 "$n"); do
        d=$(node_dir "$i")
        if ! wait_for "$i" libvirtd timeout 10 virsh -q -c "$(tcp_uri "$i")" uri ||
           ! wait_for "$i" sshd ssh_node "$i" test -S /run/libvirt/libvirt-sock ||
           ! node_is_up "$i"; then
            fail_up "$i"
        fi
    done
    # QEMU capability probing costs seconds per binary and node; it would
    # otherwise happen inside the first guest start or migration prepare.
    # Probe (or load the cache kept in payload/) on all nodes in parallel.
    local pids=
    for i in $(seq 1 "$n"); do
        timeout 120 virsh -q -c "$(tcp_uri "$i")" capabilities >/dev/null 2>&1 &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait $pids
    mkdir -p "$PAYLOAD_DIR/qemu-caps"
    cp "$(node_dir 1)"/cache/qemu/capabilities/*.xml "$PAYLOAD_DIR/qemu-caps/" 2>/dev/null
    for i in $(seq 1 "$n"); do
        pools=
        for p in bases templates groups; do
            pools="$pools pool-define-as $p dir --target $LAB_STORAGE/$p; pool-autostart $p; pool-start $p;"
        done
        virsh -q -c "$(tcp_uri "$i")" "$pools" >/dev/null || fail_up "$i"
        if ! out=$(virsh -q -c "$(ssh_uri "$i")" uri 2>&1); then
            note "node $i: libssh URI does not work: $out"
            fail_up "$i"
        fi
    done
    case ${LAB_FILL:-} in
        '') ;;
        *[!0-9]*) die "LAB_FILL must be a number of desktops and volumes" ;;
        *) cmd_fill 1 "$LAB_FILL" "$LAB_FILL" ;;
    esac
    echo "lab up: $n node(s) in $LAB_DIR ($(elapsed "$t0")s), test user $LAB_USER on node$n (password in $USER_PASSWORD_FILE)"
    for i in $(seq 1 "$n"); do
        printf 'node%s  libvirtd pid %-7s sshd pid %-7s %s\n' "$i" \
            "$(node_pid "$i" libvirtd)" "$(node_pid "$i" sshd)" "$(tcp_uri "$i")"
    done
}

# destroy_guests NODE: stop the node's running guests through its own
# libvirtd (QEMU and virtlogd are libvirtd's children, not the lab's).
destroy_guests() {
    local i=$1 uri dom
    node_alive "$i" libvirtd || return 0
    uri=$(tcp_uri "$i")
    for dom in $(timeout 20 virsh -q -c "$uri" list --name 2>/dev/null); do
        timeout 20 virsh -q -c "$uri" destroy "$dom" >/dev/null 2>&1 ||
            note "node $i: virsh destroy $dom failed (the namespace sweep will stop it)"
    done
}

# node_items NODE WHAT...: "NODE PID START" of the node's live recorded WHATs.
node_items() {
    local i=$1 what; shift
    for what in "$@"; do
        node_alive "$i" "$what" && echo "$i $REC_PID $REC_START"
    done
}

# lines_to_items: read "NODE PID START" lines into the ITEMS array.
lines_to_items() { ITEMS=(); local l; while read -r l; do [ -n "$l" ] && ITEMS+=("$l"); done; }

cmd_down() {
    local nodes i rc=0 t0 what; t0=$(now)
    nodes=$(lab_nodes)
    if [ -z "$nodes" ]; then remove_test_user; echo "lab down: nothing in $LAB_DIR"; return 0; fi
    for i in $nodes; do clean_stale "$i"; done

    for i in $nodes; do destroy_guests "$i"; done

    for what in libvirtd sshd; do
        lines_to_items < <(for i in $nodes; do node_items "$i" "$what"; done)
        stop_procs "$what" record "${ITEMS[@]}" || rc=1
    done

    # Whatever else is in a node's namespace (guests libvirt could not stop,
    # virtlogd, ssh sessions, virt-ssh-helper) is the lab's only because the
    # node's holder still holds that namespace: no holder, no sweep.
    lines_to_items < <(for i in $nodes; do
        ns_members_ids "$i" | while read -r p st; do echo "$i $p $st"; done
    done)
    if [ ${#ITEMS[@]} -gt 0 ]; then
        note "also stopping other processes in lab namespaces: ${ITEMS[*]}"
        stop_procs "leftover" member "${ITEMS[@]}" || rc=1
    fi

    lines_to_items < <(for i in $nodes; do node_items "$i" holder; done)
    stop_procs "holder" record "${ITEMS[@]}" || rc=1

    # verify, and forget what is gone
    for i in $nodes; do
        for what in holder libvirtd sshd; do
            if node_alive "$i" "$what"; then
                note "node $i: $what (pid $REC_PID) is still alive"; rc=1
            else
                rm -f "$(node_rec "$i" "$what")"
            fi
        done
        clean_stale "$i"
        rm -f "$(node_dir "$i")/holder.ready"
    done
    # the user's account entries ended with its node's namespace; its
    # password, home and account copies go now
    remove_test_user
    if [ $rc = 0 ]; then
        echo "lab down ($(elapsed "$t0")s)"
    else
        note "lab down: FAILED, processes left behind"
    fi
    return $rc
}

cmd_status() {
    local nodes i lp sp hp rc=0 guests
    nodes=$(lab_nodes)
    if [ -z "$nodes" ]; then echo "no lab in $LAB_DIR"; return 1; fi
    for i in $nodes; do
        clean_stale "$i"
        hp=$(node_pid "$i" holder) || { hp=; rc=1; }
        lp=$(node_pid "$i" libvirtd) || { lp=; rc=1; }
        sp=$(node_pid "$i" sshd) || { sp=; rc=1; }
        guests=-
        if [ -n "$lp" ]; then
            guests=$(timeout 10 virsh -q -c "$(tcp_uri "$i")" list --name 2>/dev/null |
                     sed '/^$/d' | paste -sd, -) || { guests='?'; rc=1; }
            [ -n "$guests" ] || guests=none
        fi
        echo "node$i: namespace ${hp:-DOWN}, libvirtd ${lp:-DOWN}, sshd ${sp:-DOWN}, running guests: $guests"
        echo "  tcp: $(tcp_uri "$i")"
        echo "  ssh: $(ssh_uri "$i")"
    done
    return $rc
}

# What a failing test prints about every node (bounded: about 20 s a node
# at worst): whether its libvirtd answers over TCP, on its local socket
# (the one SSH logins reach) and through SSH, the socket's listen backlog,
# what runs in its namespace, and the tails of its logs.
probe_answer() {  # SECONDS CMD...: "answers" or why not
    local out
    if out=$(timeout "$1" "${@:2}" 2>&1 >/dev/null); then echo answers
    elif [ $? -eq 124 ]; then echo "no answer in $1 s"
    else echo "refused: $(echo "$out" | tr '\n' ' ' | cut -c1-160)"; fi
}
cmd_probe() {
    local i d lp ns p
    for i in $(lab_nodes); do
        d=$(node_dir "$i")
        lp=$(node_pid "$i" libvirtd) || lp=
        echo "node$i: libvirtd ${lp:-NOT RUNNING}$( [ -n "$lp" ] && ps -o stat= -p "$lp" | sed 's/^/ state /')"
        echo "  tcp:    $(probe_answer 5 virsh -q -c "$(tcp_uri "$i")" uri)"
        echo "  local:  $(probe_answer 5 nsenter -t "$(node_pid "$i" holder || echo 0)" -m -- virsh -q -c qemu:///system uri)"
        echo "  ssh:    $(probe_answer 10 ssh -F none -i "$SSH_KEY" -o UserKnownHostsFile="$KNOWN_HOSTS" \
            -o BatchMode=yes -o ConnectTimeout=5 -p "$(ssh_port "$i")" root@127.0.0.1 virsh -q -c qemu:///system uri)"
        [ -n "$lp" ] && ss -xlpn 2>/dev/null | grep -F "pid=$lp," | grep -F libvirt-sock |
            awk '{print "  socket: " $5 " listening, backlog " $3 " of " $4}'
        echo "  processes in its namespace:"
        ns=$(readlink "/proc/$(node_pid "$i" holder 2>/dev/null || echo 0)/ns/mnt" 2>/dev/null) || ns=none
        for p in /proc/[0-9]*; do
            [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] || continue
            echo "    ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-100)"
        done | head -n 20
        tail -n 3 "$d/log/libvirtd.log" 2>/dev/null | sed 's/^/  libvirtd.log: /'
        tail -n 3 "$d/log/sshd.log" 2>/dev/null | sed 's/^/  sshd.log: /'
    done
}

cmd_env() {
    local nodes n i
    nodes=$(lab_nodes)
    n=$(cat "$LAB_DIR/nodes" 2>/dev/null || echo "$nodes" | grep -c .)
    [ -n "$nodes" ] || { note "no lab in $LAB_DIR (run '$PROG up')"; n=0; }
    echo "export LAB_DIR='$LAB_DIR'"
    echo "export HVDECK_LAB_DIR='$LAB_DIR'"
    echo "export LAB_NODES=$n"
    echo "export LAB_SLOT=$LAB_SLOT"
    for i in $nodes; do
        echo "export LAB_URI_$i='$(tcp_uri "$i")'"
        echo "export LAB_SSH_URI_$i='$(ssh_uri "$i")'"
        echo "export LAB_SSH_PORT_$i=$(ssh_port "$i")"
    done
    # the test user (see the header); never the password itself
    local un; un=$(user_node)
    if [ -n "$un" ]; then
        echo "export LAB_USER='$LAB_USER'"
        echo "export LAB_USER_NODE=$un"
        echo "export LAB_USER_UID=$(cat "$LAB_DIR/user-uid" 2>/dev/null)"
        echo "export LAB_USER_HOME='$(user_home "$un")'"
        echo "export LAB_USER_AUTHORIZED_KEYS='$(user_home "$un")/.ssh/authorized_keys'"
        echo "export LAB_USER_PASSWORD_FILE='$USER_PASSWORD_FILE'"
    fi
    echo "export LAB_KERNEL='$LAB_KERNEL'"
    echo "export LAB_INITRD='$LAB_INITRD'"
    echo "export LAB_STORAGE='$LAB_STORAGE'"
    echo "export LAB_SSH_KEY='$SSH_KEY'"
    echo "export LAB_KNOWN_HOSTS='$KNOWN_HOSTS'"
    [ "$n" -gt 0 ]
}

cmd_guest() {
    local node=${1:-} name=${2:-} mem=${3:-128} xml
    if [ -z "$node" ] || [ -z "$name" ]; then die "usage: $PROG guest NODE NAME [MEM_MIB]"; fi
    [ -d "$(node_dir "$node")" ] || die "no node $node in $LAB_DIR"
    [ -s "$LAB_INITRD" ] || build_payload
    xml=$(mktemp) || exit 1
    guest_xml "$name" "$mem" >"$xml" || { rm -f "$xml"; exit 1; }
    virsh -q -c "$(tcp_uri "$node")" define "$xml"; local rc=$?
    rm -f "$xml"
    return $rc
}

# A crashed hypervisor daemon: SIGKILL, guests keep running, sshd stays.
cmd_libvirtd_stop() {
    local i=${1:?usage: $PROG libvirtd-stop NODE} p st
    node_alive "$i" libvirtd || die "node $i: libvirtd is not running"
    p=$REC_PID st=$REC_START
    signal_proc KILL "$p" "$st" || die "node $i: libvirtd could not be signalled"
    local deadline=$(( $(date +%s) + STOP_TIMEOUT ))
    while same_proc "$p" "$st"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "node $i: libvirtd $p survived SIGKILL"
        sleep 0.1
    done
    rm -f "$(node_rec "$i" libvirtd)" "$(node_dir "$i")/libvirtd.pid"
}

# A hung hypervisor daemon: stopped, not dead; its sockets stay open.
cmd_libvirtd_signal() {
    local i=${2:?usage: $PROG libvirtd-freeze|libvirtd-thaw NODE}
    node_alive "$i" libvirtd || die "node $i: libvirtd is not running"
    signal_proc "$1" "$REC_PID" "$REC_START" || die "node $i: libvirtd could not be signalled"
}

# Start libvirtd again in the namespace the node's holder keeps.
cmd_libvirtd_start() {
    local i=${1:?usage: $PROG libvirtd-start NODE}
    node_alive "$i" libvirtd && return 0
    node_alive "$i" holder || die "node $i: its namespace is gone (holder not running)"
    rm -f "$(node_dir "$i")/libvirtd.pid"
    start_libvirtd "$i" || die "node $i: libvirtd did not start"
    wait_for "$i" libvirtd timeout 10 virsh -q -c "$(tcp_uri "$i")" uri ||
        die "node $i: libvirtd does not answer (see $(node_dir "$i")/log/libvirtd.log)"
}

# A host key that legitimately (or maliciously) changed: a new key for the
# node, its sshd restarted by record, and the lab's own known_hosts told, so
# the lab's URIs keep working while clients with their own known_hosts
# (hvdeck's) see a changed key.
cmd_sshd_rekey() {
    local i=${1:?usage: $PROG sshd-rekey NODE} d port kh
    d=$(node_dir "$i")
    [ -d "$d" ] || die "no node $i in $LAB_DIR"
    node_alive "$i" holder || die "node $i: its namespace is gone (holder not running)"
    rm -f "$d/ssh_host_ed25519_key.new" "$d/ssh_host_ed25519_key.new.pub"
    ssh-keygen -q -t ed25519 -N '' -C "hvdeck-lab-node$i" -f "$d/ssh_host_ed25519_key.new" ||
        die "ssh-keygen failed"
    if ! mv "$d/ssh_host_ed25519_key.new.pub" "$d/ssh_host_ed25519_key.pub" ||
       ! mv "$d/ssh_host_ed25519_key.new" "$d/ssh_host_ed25519_key"; then
        die "cannot replace the host key"
    fi
    lines_to_items < <(node_items "$i" sshd)
    stop_procs sshd record "${ITEMS[@]}" || die "node $i: sshd could not be stopped"
    rm -f "$(node_rec "$i" sshd)" "$d/sshd.pid"
    port=$(ssh_port "$i")
    kh=$(grep -v -F "[127.0.0.1]:$port " "$KNOWN_HOSTS")
    if ! { [ -z "$kh" ] || printf '%s\n' "$kh"
           echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")"
         } >"$KNOWN_HOSTS.tmp" || ! mv "$KNOWN_HOSTS.tmp" "$KNOWN_HOSTS"; then
        die "cannot update $KNOWN_HOSTS"
    fi
    start_sshd "$i" || die "node $i: sshd did not start"
    wait_for "$i" sshd ssh_node "$i" true ||
        die "node $i: sshd does not answer (see $d/log/sshd.log)"
    ssh-keygen -lf "$d/ssh_host_ed25519_key.pub" -E sha256 | cut -d' ' -f2
}

cmd_user_keys() {
    local i; i=$(user_node)
    [ -n "$i" ] || die "no test user in $LAB_DIR (run '$PROG up')"
    cat "$(user_home "$i")/.ssh/authorized_keys" 2>/dev/null
    return 0
}

# ---------------------------------------------------------------- fill ----
# A lab as big as a classroom, made cheaply: overlays are qemu-img files
# (a few hundred KiB each, made in one loop, then ONE pool refresh per
# node), guests are defined through one virsh session reading a script of
# commands over qemu+tcp (never the transport under test). Everything the
# fill makes is named fill-NNNN so `unfill` removes exactly that.
FILL_PREFIX=fill-

refresh_groups() {
    local i
    for i in $(lab_nodes); do
        node_alive "$i" libvirtd || continue
        virsh -q -c "$(tcp_uri "$i")" pool-refresh groups >/dev/null ||
            die "node $i: pool-refresh groups failed"
    done
}

cmd_fill() {
    local node=${1:-} ndesk=${2:-} nvol=${3:-} k name xml script t0
    case "$node:$ndesk:$nvol" in
        [1-9]:[0-9]*:[0-9]*) ;;
        *) die "usage: $PROG fill NODE DESKTOPS VOLUMES" ;;
    esac
    case "$ndesk$nvol" in *[!0-9]*) die "usage: $PROG fill NODE DESKTOPS VOLUMES" ;; esac
    [ -d "$(node_dir "$node")" ] || die "no node $node in $LAB_DIR"
    node_alive "$node" libvirtd || die "node $node: libvirtd is not running"
    [ -s "$LAB_INITRD" ] || build_payload
    t0=$(now)
    for k in $(seq 1 "$nvol"); do
        name=$(printf '%s%04d.qcow2' "$FILL_PREFIX" "$k")
        [ -e "$LAB_STORAGE/groups/$name" ] && continue
        (cd "$LAB_STORAGE/groups" && qemu-img create -q -f qcow2 -F qcow2 \
            -b ../bases/debian-base.qcow2 "$name") || die "qemu-img create $name failed"
    done
    refresh_groups
    script=$(mktemp -d) || exit 1
    for k in $(seq 1 "$ndesk"); do
        name=$(printf '%sn%s-%04d' "$FILL_PREFIX" "$node" "$k")
        xml=$script/$name.xml
        guest_xml "$name" 32 >"$xml" || { rm -rf "$script"; exit 1; }
        echo "define $xml" >>"$script/cmds"
    done
    if [ "$ndesk" -gt 0 ] &&
       ! virsh -q -c "$(tcp_uri "$node")" <"$script/cmds" >/dev/null; then
        rm -rf "$script"
        die "node $node: defining the fill desktops failed"
    fi
    rm -rf "$script"
    echo "lab fill: node $node has $(virsh -q -c "$(tcp_uri "$node")" list --all --name | grep -c "^$FILL_PREFIX") fill desktops," \
        "groups holds $(virsh -q -c "$(tcp_uri "$node")" vol-list groups | grep -c .) volumes ($(elapsed "$t0")s)"
}

cmd_unfill() {
    local i dom uri
    for i in $(lab_nodes); do
        node_alive "$i" libvirtd || continue
        uri=$(tcp_uri "$i")
        for dom in $(virsh -q -c "$uri" list --name | grep "^$FILL_PREFIX"); do
            virsh -q -c "$uri" destroy "$dom" >/dev/null
        done
        virsh -q -c "$uri" list --all --name | grep "^$FILL_PREFIX" |
            sed 's/^/undefine /' | virsh -q -c "$uri" >/dev/null ||
            die "node $i: undefining the fill desktops failed"
    done
    rm -f "$LAB_STORAGE/groups/$FILL_PREFIX"*.qcow2
    refresh_groups
    echo "lab unfill: done"
}

usage() {
    sed -n '2,25p' "$ME" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
    up)        cmd_up "$@" ;;
    down)      cmd_down ;;
    status)    cmd_status ;;
    probe)     cmd_probe ;;
    env)       cmd_env ;;
    guest)     cmd_guest "$@" ;;
    guest-xml) [ -n "${1:-}" ] || die "usage: $PROG guest-xml NAME [MEM_MIB]"; guest_xml "$@" ;;
    build)     build_payload && echo "$LAB_INITRD" ;;
    libvirtd-stop)  cmd_libvirtd_stop "$@" ;;
    libvirtd-start) cmd_libvirtd_start "$@" ;;
    libvirtd-freeze) cmd_libvirtd_signal STOP "$@" ;;
    libvirtd-thaw)   cmd_libvirtd_signal CONT "$@" ;;
    sshd-rekey)      cmd_sshd_rekey "$@" ;;
    user-keys)       cmd_user_keys ;;
    fill)            cmd_fill "$@" ;;
    unfill)          cmd_unfill ;;
    *)         usage ;;
esac
