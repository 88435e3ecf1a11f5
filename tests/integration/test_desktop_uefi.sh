#!/bin/bash
# Desktops made from a template are their own, as virt-clone makes them
# (issue 17 item 3), against the lab:
#  - a UEFI template desktop (OVMF loader, its own VARS file, a serial log,
#    a guest-agent socket at an explicit path): two desktops made from it
#    and started each have a VARS file of their own (different paths, both
#    files there, neither the template's), their own serial log (written)
#    and their own socket;
#  - a template with a TPM emulator whose state is encrypted with a secret
#    and a VNC password: the two desktops' definitions have no secret and
#    each a fresh password, neither the template's nor the other's (TPM on
#    the definitions only: nothing is started).
. "$(dirname "$0")/lib.sh"

st=${LAB_STORAGE:-$LAB_DIR/storage}
t="t$$"
conf=$(write_config)
firmware=/usr/share/OVMF/OVMF_CODE_4M.fd
vars=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -r "$firmware" ] && [ -r "$vars" ] || fail "no OVMF firmware: install the ovmf package (make deps)"
# libvirt 9.0 defines a TPM emulator only when swtpm tells its capabilities
command -v swtpm_setup >/dev/null || fail "no swtpm_setup: install the swtpm-tools package (make deps)"

refresh_all() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in templates groups; do vsh "$i" pool-refresh $p >/dev/null 2>&1; done
	done
}
cleanup "undefine_named $t-; rm -f $st/groups/$t-* $st/templates/$t-* $LAB_DIR/node*/log/qemu/$t-*; refresh_all"

state_is() { [ "$(guest_state "$1" "$2")" = "$3" ]; }
xp() { xmllint --xpath "$1" - 2>/dev/null; }
# a path of the node's /var/lib/libvirt or /var/log/libvirt, as this
# machine sees it (the lab bind-mounts the node's own directories there)
on_node() {
	case $2 in
	/var/lib/libvirt/*) echo "$LAB_DIR/node$1/lib/${2#/var/lib/libvirt/}" ;;
	/var/log/libvirt/*) echo "$LAB_DIR/node$1/log/${2#/var/log/libvirt/}" ;;
	*) echo "$2" ;;
	esac
}
# template NAME EXTRA-OS EXTRA-DEVICES: a shut-off template desktop on node 1
template() {
	vsh 1 vol-create-as templates "$1.qcow2" 16M --format qcow2 >/dev/null || fail "volume of $1"
	refresh_all
	"$LAB" guest-xml "$1" |
		sed "s|<os>|<os>$2|; s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$st/templates/$1.qcow2'/><target dev='vda' bus='virtio'/></disk><interface type='user'><model type='virtio'/></interface>$3|" \
		>"$WORK/$1.xml"
	vsh 1 define "$WORK/$1.xml" >/dev/null || fail "define the template desktop $1"
}

# ---- a UEFI template: two desktops started ----
tvars=/var/lib/libvirt/qemu/nvram/$t-uefi_VARS.fd
template "$t-uefi" \
	"<loader readonly='yes' type='pflash'>$firmware</loader><nvram template='$vars'>$tvars</nvram>" \
	"<controller type='virtio-serial'/><channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/$t-uefi.agent'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
x=$(vsh 1 dumpxml --inactive "$t-uefi")
[ "$(echo "$x" | xp 'string(/domain/os/nvram)')" = "$tvars" ] || fail "the template's NVRAM is not $tvars: $x"
"$HVDECK" -c "$conf" desktop new "$t-uefi" "$t-u-{1..2}" --start \
	>"$WORK/new.out" 2>"$WORK/new.err" || fail "desktop new failed: $(cat "$WORK/new.err")"
seen_vars=$tvars
seen_logs=/var/log/libvirt/qemu/$t-uefi-serial.log
seen_socks=/var/lib/libvirt/qemu/$t-uefi.agent
for d in "$t-u-1" "$t-u-2"; do
	n=$(node_of "$d")
	[ -n "$n" ] || fail "$d is not defined anywhere"
	wait_until 60 state_is "$n" "$d" running || fail "$d is not running (state: $(guest_state "$n" "$d"))"
	x=$(vsh "$n" dumpxml --inactive "$d")
	v=$(echo "$x" | xp 'string(/domain/os/nvram)')
	tpl=$(echo "$x" | xp 'string(/domain/os/nvram/@template)')
	log=$(echo "$x" | xp 'string(//serial/log/@file)')
	sock=$(echo "$x" | xp 'string(//channel/source/@path)')
	[ -n "$v" ] || fail "$d has no NVRAM path: $x"
	[ "$tpl" = "$vars" ] || fail "$d's NVRAM template is '$tpl', not $vars"
	case " $seen_vars " in *" $v "*) fail "$d shares the VARS file $v" ;; esac
	case " $seen_logs " in *" $log "*) fail "$d shares the serial log $log" ;; esac
	case " $seen_socks " in *" $sock "*) fail "$d shares the socket $sock" ;; esac
	[ "$log" = "/var/log/libvirt/qemu/$d-serial.log" ] || fail "$d's serial log is $log"
	[ "$(echo "$x" | xp 'string(//console/log/@file)')" = "$log" ] || fail "$d's console log is not its serial log"
	[ -f "$(on_node "$n" "$v")" ] || fail "$d's VARS file $v was not made at start"
	[ -e "$(on_node "$n" "$log")" ] || fail "$d's serial log $log was not made at start"
	seen_vars="$seen_vars $v"
	seen_logs="$seen_logs $log"
	seen_socks="$seen_socks $sock"
done
[ ! -e "$(on_node 1 "$tvars")" ] || fail "a desktop started on the template's VARS file $tvars"
[ ! -e "$(on_node 1 "/var/log/libvirt/qemu/$t-uefi-serial.log")" ] || fail "a desktop logs to the template's serial log"
info "two UEFI desktops running, each with its own VARS file, serial log and socket"

# ---- a template with an encrypted TPM and a VNC password: definitions ----
template "$t-tpm" "" \
	"<graphics type='vnc' autoport='yes' passwd='tmplsecr'/><tpm model='tpm-crb'><backend type='emulator' version='2.0'><encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/></backend></tpm>"
vsh 1 dumpxml --inactive --security-info "$t-tpm" | grep -q "passwd='tmplsecr'" || fail "the template has no password"
"$HVDECK" -c "$conf" desktop new "$t-tpm" "$t-p-1" "$t-p-2" \
	>"$WORK/tpm.out" 2>"$WORK/tpm.err" || fail "desktop new (TPM) failed: $(cat "$WORK/tpm.err")"
seen_pw=tmplsecr
tmpl_uuid=$(vsh 1 domuuid "$t-tpm")
for d in "$t-p-1" "$t-p-2"; do
	n=$(node_of "$d")
	[ -n "$n" ] || fail "$d is not defined anywhere"
	x=$(vsh "$n" dumpxml --inactive --security-info "$d")
	[ "$(echo "$x" | xp 'string(//tpm/backend/@type)')" = emulator ] || fail "$d lost its TPM: $x"
	[ -z "$(echo "$x" | xp 'string(//tpm//encryption/@secret)')" ] || fail "$d shares the template's TPM secret"
	[ "$(vsh "$n" domuuid "$d")" != "$tmpl_uuid" ] || fail "$d has the template's UUID (its TPM state)"
	pw=$(echo "$x" | xp 'string(//graphics/@passwd)')
	[[ $pw =~ ^[A-Za-z0-9]{8}$ ]] || fail "$d's VNC password is '$pw', not 8 fresh letters and digits"
	case " $seen_pw " in *" $pw "*) fail "$d's VNC password is the template's or the other's" ;; esac
	seen_pw="$seen_pw $pw"
	! grep -qF -- "$pw" "$WORK/tpm.out" "$WORK/tpm.err" || fail "$d's password was printed"
done
info "TPM desktops: no shared secret, new UUIDs, fresh VNC passwords"

pass
