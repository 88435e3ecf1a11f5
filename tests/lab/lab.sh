#!/usr/bin/env bash
# tests/lab/lab.sh - a lab of N independent libvirt "hypervisors" on one machine.
#
#   lab.sh up [N]                 start N nodes (1..9, default 3)
#   lab.sh down                   stop everything the lab started (by recorded pid)
#   lab.sh status                 per-node health; exit 0 only if every node is up
#   lab.sh env                    shell assignments for `eval "$(lab.sh env)"`
#   lab.sh guest NODE NAME [MiB]  define (not start) a tiny guest on node NODE
#   lab.sh guest-xml NAME [MiB]   print that guest's domain XML
#   lab.sh libvirtd-stop NODE     kill that node's libvirtd (a crash: SIGKILL)
#   lab.sh libvirtd-start NODE    start it again inside the node's namespace
#   lab.sh libvirtd-freeze NODE   SIGSTOP it: a hung host (keepalive test)
#   lab.sh libvirtd-thaw NODE     SIGCONT it
#
# Node i (1-based) lives in $LAB_DIR/node<i>.  Its libvirtd and sshd run in a
# private mount namespace in which the node's own etc/run/lib/log/cache
# directories are bind-mounted over /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt.  The machine's
# own /etc/libvirt and /etc/ssh are never modified.
#
#   libvirtd  qemu+tcp://127.0.0.1:1650<i>/system     (auth none, no TLS)
#   sshd      127.0.0.1:2220<i>, root, key $LAB_DIR/id_ed25519 only
#   migration ports 49152+100*i .. +99 on 127.0.1.<i> (no --migrateuri needed)
#   host_uuid 6876646b-6c61-4200-8000-00000000000<i>
#
# Processes are only ever stopped by recorded pid, and only when that pid is
# still in the node's recorded mount namespace (guards against pid reuse).
# Anything else left inside a node's private namespace (ssh sessions,
# virt-ssh-helper, ...) was started by the lab too and is swept up by `down`.

set -u

LAB_DIR=${HVDECK_LAB_DIR:-/tmp/hvdeck-lab}
TCP_BASE=16500
SSH_BASE=22200
MIG_BASE=49152
VNC_BASE=5900
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

node_dir()  { echo "$LAB_DIR/node$1"; }
tcp_port()  { echo $((TCP_BASE + $1)); }
ssh_port()  { echo $((SSH_BASE + $1)); }
host_uuid() { printf '6876646b-6c61-4200-8000-%012d\n' "$1"; }
mig_addr()  { echo "127.0.1.$1"; }
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
node_ns() { cat "$(node_dir "$1")/mntns" 2>/dev/null; }

# pid_in_ns PID NS: PID is alive and is a member of mount namespace NS.
pid_in_ns() {
    [ -n "$1" ] && [ -n "$2" ] || return 1
    case $1 in *[!0-9]*) return 1 ;; esac
    [ "$(readlink "/proc/$1/ns/mnt" 2>/dev/null)" = "$2" ]
}

alive() { [ -n "$1" ] && [ -d "/proc/$1" ]; }

read_pid() { [ -r "$1" ] && tr -dc '0-9' <"$1"; }

# All pids currently in namespace NS.
ns_members() {
    local p ns=$1
    [ -n "$ns" ] || return 0
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
    done
}

# node_pid I WHAT -> recorded pid of libvirtd|sshd of node I (may be dead)
node_pid() { read_pid "$(node_dir "$1")/$2.pid"; }

# pids of the node's QEMU guests: run/qemu/<domain>.pid (driver.pid is the
# qemu driver's lock file and holds libvirtd's own pid)
node_qemu_pids() {
    local f
    for f in "$(node_dir "$1")"/run/qemu/*.pid; do
        [ -f "$f" ] && [ "${f##*/}" != driver.pid ] && read_pid "$f" && echo
    done
}

# stop_pids SIGNAL-WAIT: args are "NODE:PID" pairs.  SIGTERM, wait up to
# STOP_TIMEOUT, SIGKILL, wait again.  Only pids still in their node's ns.
stop_pids() {
    local what=$1; shift
    local item n p ns left deadline
    [ $# -gt 0 ] || return 0
    for item in "$@"; do
        n=${item%%:*} p=${item#*:} ns=$(node_ns "$n")
        pid_in_ns "$p" "$ns" && kill -TERM "$p" 2>/dev/null
    done
    for sig in KILL none; do
        deadline=$(( $(date +%s) + STOP_TIMEOUT ))
        while :; do
            left=
            for item in "$@"; do
                n=${item%%:*} p=${item#*:} ns=$(node_ns "$n")
                pid_in_ns "$p" "$ns" && left="$left $item"
            done
            [ -z "$left" ] && return 0
            [ "$(date +%s)" -ge "$deadline" ] && break
            sleep 0.2
        done
        [ "$sig" = none ] && break
        note "$what still alive after ${STOP_TIMEOUT}s:$left - sending SIGKILL"
        for item in $left; do
            n=${item%%:*} p=${item#*:} ns=$(node_ns "$n")
            pid_in_ns "$p" "$ns" && kill -KILL "$p" 2>/dev/null
        done
    done
    note "$what could not be stopped:$left"
    return 1
}

node_is_up() {   # libvirtd and sshd alive in the node's namespace
    local ns; ns=$(node_ns "$1")
    pid_in_ns "$(node_pid "$1" libvirtd)" "$ns" && pid_in_ns "$(node_pid "$1" sshd)" "$ns"
}

lab_has_processes() {
    local i
    for i in $(lab_nodes); do
        [ -n "$(ns_members "$(node_ns "$i")")" ] && return 0
    done
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

# ---------------------------------------------------------- node config ----
write_node_config() {
    local i=$1 d; d=$(node_dir "$i")
    local mig_min=$((MIG_BASE + 100 * i))
    local vnc_min=$((VNC_BASE + 100 * (i - 1)))

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
unix_sock_group = "root"
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
    echo "[127.0.0.1]:$(ssh_port "$i") $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >>"$KNOWN_HOSTS"

    # Runs under `unshare -m --propagation private`: everything it starts
    # inherits the private mount namespace.
    cat >"$d/start.sh" <<EOF
#!/bin/sh
set -e
readlink /proc/self/ns/mnt >"$d/mntns"
mount --bind "$d/etc"   /etc/libvirt
mount --bind "$d/run"   /run/libvirt
if [ ! -L /var/run ] && [ -d /var/run/libvirt ]; then mount --bind "$d/run" /var/run/libvirt; fi
mount --bind "$d/lib"   /var/lib/libvirt
mount --bind "$d/log"   /var/log/libvirt
mount --bind "$d/cache" /var/cache/libvirt
/usr/sbin/libvirtd -d --listen -f /etc/libvirt/libvirtd.conf -p "$d/libvirtd.pid" \\
    </dev/null >>"$d/log/libvirtd.stdout" 2>&1
/usr/sbin/sshd -f "$d/sshd_config" -E "$d/log/sshd.log" </dev/null >/dev/null 2>&1
EOF
    chmod 755 "$d/start.sh"
}

port_busy() { [ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]; }

# wait_for NODE DAEMON CMD...: poll CMD until it succeeds or START_TIMEOUT
# passes; give up early if the node's DAEMON (libvirtd|sshd) has died.
wait_for() {
    local i=$1 daemon=$2; shift 2
    local deadline=$(( $(date +%s) + START_TIMEOUT )) p
    until "$@" >/dev/null 2>&1; do
        p=$(node_pid "$i" "$daemon")
        # libvirtd -d only returns once its pid file is written, and removes
        # it when it exits
        if [ "$daemon" = libvirtd ] && [ -z "$p" ]; then
            note "node $i: libvirtd exited (pid file gone)"
            return 1
        fi
        if [ -n "$p" ] && ! pid_in_ns "$p" "$(node_ns "$i")"; then
            note "node $i: $daemon (pid $p) died"
            return 1
        fi
        if [ -z "$(ns_members "$(node_ns "$i")")" ]; then
            note "node $i: no process left in its namespace"
            return 1
        fi
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
    for f in "$d/log/libvirtd.log" "$d/log/libvirtd.stdout" "$d/log/sshd.log"; do
        [ -s "$f" ] || continue
        echo "---- tail $f" >&2
        tail -n 25 "$f" >&2
    done
}

cmd_up() {
    local n=${1:-3} i d t0 pools
    case $n in [1-9]) ;; *) die "usage: $PROG up [N]   (N = 1..9)" ;; esac
    [ "$(id -u)" = 0 ] || die "must run as root"
    case $LAB_DIR in /|'') die "refusing LAB_DIR='$LAB_DIR'" ;; esac
    if lab_has_processes; then
        die "a lab is already up in $LAB_DIR - run '$PROG down' first"
    fi
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
    for i in $(seq 1 "$n"); do
        write_node_config "$i"
    done
    for i in $(seq 1 "$n"); do
        d=$(node_dir "$i")
        if ! unshare -m --propagation private /bin/sh "$d/start.sh" >>"$d/log/start.log" 2>&1; then
            cat "$d/log/start.log" >&2
            node_fail "$i"; cmd_down >/dev/null 2>&1; exit 1
        fi
    done
    for i in $(seq 1 "$n"); do
        d=$(node_dir "$i")
        if ! wait_for "$i" libvirtd timeout 10 virsh -q -c "$(tcp_uri "$i")" uri ||
           ! wait_for "$i" "sshd" ssh_node "$i" test -S /run/libvirt/libvirt-sock ||
           ! wait_for "$i" sshd test -s "$d/sshd.pid" ||
           ! node_is_up "$i"; then
            node_fail "$i"; cmd_down >/dev/null 2>&1; exit 1
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
        if ! virsh -q -c "$(tcp_uri "$i")" "$pools" >/dev/null; then
            node_fail "$i"; cmd_down >/dev/null 2>&1; exit 1
        fi
        if ! out=$(virsh -q -c "$(ssh_uri "$i")" uri 2>&1); then
            note "node $i: libssh URI does not work: $out"
            node_fail "$i"; cmd_down >/dev/null 2>&1; exit 1
        fi
    done
    echo "lab up: $n node(s) in $LAB_DIR ($(elapsed "$t0")s)"
    for i in $(seq 1 "$n"); do
        printf 'node%s  libvirtd pid %-7s sshd pid %-7s %s\n' "$i" \
            "$(node_pid "$i" libvirtd)" "$(node_pid "$i" sshd)" "$(tcp_uri "$i")"
    done
}

cmd_down() {
    local nodes i p items rc=0 t0; t0=$(now)
    nodes=$(lab_nodes)
    if [ -z "$nodes" ]; then echo "lab down: nothing in $LAB_DIR"; return 0; fi

    items=
    for i in $nodes; do for p in $(node_qemu_pids "$i"); do items="$items $i:$p"; done; done
    # shellcheck disable=SC2086
    stop_pids "qemu" $items || rc=1

    items=
    for i in $nodes; do p=$(node_pid "$i" libvirtd); [ -n "$p" ] && items="$items $i:$p"; done
    # shellcheck disable=SC2086
    stop_pids "libvirtd" $items || rc=1

    items=
    for i in $nodes; do p=$(node_pid "$i" sshd); [ -n "$p" ] && items="$items $i:$p"; done
    # shellcheck disable=SC2086
    stop_pids "sshd" $items || rc=1

    # Whatever else is still inside a node's private namespace was started by
    # the lab (ssh sessions, virt-ssh-helper, capability probes, ...).
    items=
    for i in $nodes; do
        for p in $(ns_members "$(node_ns "$i")"); do items="$items $i:$p"; done
    done
    if [ -n "$items" ]; then
        note "also stopping other processes left in lab namespaces (e.g. ssh sessions):$items"
        # shellcheck disable=SC2086
        stop_pids "leftover" $items || rc=1
    fi

    # verify
    for i in $nodes; do
        for p in $(node_pid "$i" libvirtd) $(node_pid "$i" sshd) $(node_qemu_pids "$i") \
                 $(ns_members "$(node_ns "$i")"); do
            if pid_in_ns "$p" "$(node_ns "$i")"; then
                note "node $i: pid $p is still alive"; rc=1
            fi
        done
    done
    if [ $rc = 0 ]; then
        rm -f "$LAB_DIR"/node[1-9]/*.pid
        echo "lab down ($(elapsed "$t0")s)"
    else
        note "lab down: FAILED, processes left behind"
    fi
    return $rc
}

cmd_status() {
    local nodes i lp sp ns lok sok rc=0 guests
    nodes=$(lab_nodes)
    if [ -z "$nodes" ]; then echo "no lab in $LAB_DIR"; return 1; fi
    for i in $nodes; do
        ns=$(node_ns "$i")
        lp=$(node_pid "$i" libvirtd); sp=$(node_pid "$i" sshd)
        if pid_in_ns "$lp" "$ns"; then lok=up; else lok=DOWN; rc=1; fi
        if pid_in_ns "$sp" "$ns"; then sok=up; else sok=DOWN; rc=1; fi
        guests=-
        if [ "$lok" = up ]; then
            guests=$(timeout 10 virsh -q -c "$(tcp_uri "$i")" list --name 2>/dev/null |
                     sed '/^$/d' | paste -sd, -) || { guests='?'; rc=1; }
            [ -n "$guests" ] || guests=none
        fi
        echo "node$i: libvirtd ${lp:--} $lok, sshd ${sp:--} $sok, running guests: $guests"
        echo "  tcp: $(tcp_uri "$i")"
        echo "  ssh: $(ssh_uri "$i")"
    done
    return $rc
}

cmd_env() {
    local nodes n i
    nodes=$(lab_nodes)
    n=$(cat "$LAB_DIR/nodes" 2>/dev/null || echo "$nodes" | grep -c .)
    [ -n "$nodes" ] || { note "no lab in $LAB_DIR (run '$PROG up')"; n=0; }
    echo "export LAB_DIR='$LAB_DIR'"
    echo "export LAB_NODES=$n"
    for i in $nodes; do
        echo "export LAB_URI_$i='$(tcp_uri "$i")'"
        echo "export LAB_SSH_URI_$i='$(ssh_uri "$i")'"
    done
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
    local i=${1:?usage: $PROG libvirtd-stop NODE} p ns
    ns=$(node_ns "$i"); p=$(node_pid "$i" libvirtd)
    pid_in_ns "$p" "$ns" || die "node $i: libvirtd is not running"
    kill -KILL "$p"
    local deadline=$(( $(date +%s) + STOP_TIMEOUT ))
    while pid_in_ns "$p" "$ns"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "node $i: libvirtd $p survived SIGKILL"
        sleep 0.1
    done
    rm -f "$(node_dir "$i")/libvirtd.pid"
}

# A hung hypervisor daemon: stopped, not dead; its sockets stay open.
cmd_libvirtd_signal() {
    local i=${2:?usage: $PROG libvirtd-freeze|libvirtd-thaw NODE} p
    p=$(node_pid "$i" libvirtd)
    pid_in_ns "$p" "$(node_ns "$i")" || die "node $i: libvirtd is not running"
    kill "-$1" "$p"
}

# Start libvirtd again in the namespace the node's sshd still holds.
cmd_libvirtd_start() {
    local i=${1:?usage: $PROG libvirtd-start NODE} d ns sp
    d=$(node_dir "$i"); ns=$(node_ns "$i"); sp=$(node_pid "$i" sshd)
    pid_in_ns "$(node_pid "$i" libvirtd)" "$ns" && return 0
    pid_in_ns "$sp" "$ns" || die "node $i: its namespace is gone (sshd not running)"
    nsenter -t "$sp" -m -- /usr/sbin/libvirtd -d --listen -f /etc/libvirt/libvirtd.conf \
        -p "$d/libvirtd.pid" </dev/null >>"$d/log/libvirtd.stdout" 2>&1 ||
        die "node $i: libvirtd did not start (see $d/log/libvirtd.log)"
    wait_for "$i" libvirtd timeout 10 virsh -q -c "$(tcp_uri "$i")" uri ||
        die "node $i: libvirtd does not answer"
}

usage() {
    sed -n '2,13p' "$ME" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
    up)        cmd_up "$@" ;;
    down)      cmd_down ;;
    status)    cmd_status ;;
    env)       cmd_env ;;
    guest)     cmd_guest "$@" ;;
    guest-xml) [ -n "${1:-}" ] || die "usage: $PROG guest-xml NAME [MEM_MIB]"; guest_xml "$@" ;;
    build)     build_payload && echo "$LAB_INITRD" ;;
    libvirtd-stop)  cmd_libvirtd_stop "$@" ;;
    libvirtd-start) cmd_libvirtd_start "$@" ;;
    libvirtd-freeze) cmd_libvirtd_signal STOP "$@" ;;
    libvirtd-thaw)   cmd_libvirtd_signal CONT "$@" ;;
    *)         usage ;;
esac
