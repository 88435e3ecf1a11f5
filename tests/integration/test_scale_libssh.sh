#!/bin/bash
# libvirt 9.0's own libssh client (qemu+libssh://) at classroom scale, as
# an expected failure that documents it, and the guard that hvdeck no
# longer goes through it for the URIs its `host add` used to write.
#
#  A. a groups pool of exactly 52 volumes, one host: the inventory's
#     virStorageVolGetXMLDesc jumps to 0x7fff00000001 (stack smashed inside
#     virNetClientSendWithReply) - SIGSEGV on every dump here; 51 or 300
#     volumes did not crash. `virsh vol-list groups --details` over the same
#     URI crashed one run in three.
#  B. two hosts of 300 and 150 desktops: GLib-CRITICAL g_main_loop_quit
#     inside virDomainGetState on every dump, and each dump stalls ~10 s.
# Both need URIs hvdeck opens as they are: known_hosts= not beside keyfile=.
# If neither failure shows any more, libvirt was fixed and this test says
# so (revisit TRANSPORT in the man page). C: the same URIs with known_hosts
# beside the key, as host add wrote them, are opened over qemu+ssh through
# hvdeck-ssh: every dump exits 0 with nothing on stderr and every volume
# and desktop. The fill is emptied at exit.
. "$(dirname "$0")/lib.sh"

[ "$LAB_NODES" -ge 2 ] || fail "needs a lab of at least 2 nodes"
RUNS=3
cleanup "'$LAB' unfill"
# the lab's key with a known_hosts beside it (host add's layout), and the
# same known hosts elsewhere (a URI hvdeck leaves to libssh)
mkdir -p "$WORK/beside" "$WORK/elsewhere"
install -m 600 "$LAB_SSH_KEY" "$WORK/beside/id_ed25519"
cp "$LAB_KNOWN_HOSTS" "$WORK/beside/known_hosts"
cp "$LAB_KNOWN_HOSTS" "$WORK/elsewhere/known_hosts"
libssh_uri() {	# PORT KNOWN_HOSTS
	echo "qemu+libssh://root@127.0.0.1:$1/system?keyfile=$WORK/beside/id_ed25519&known_hosts=$2&known_hosts_verify=normal&sshauth=privkey"
}
config() {	# FILE KNOWN_HOSTS NODE...
	local f=$1 kh=$2 i p sep=
	shift 2
	{
		printf 'hosts = ('
		for i in "$@"; do
			p=LAB_SSH_PORT_$i
			printf '%s\n  { name = "hv%s"; uri = "%s"; }' "$sep" "$i" "$(libssh_uri "${!p}" "$kh")"
			sep=,
		done
		printf '\n);\nconnect_timeout = 30;\n'
	} >"$f"
}
# dumps CONF TAG: RUNS dumps; sets SEGV, CRIT, BAD (exit not 0 or stderr)
dumps() {
	local k rc
	SEGV=0 CRIT=0 BAD=0
	for ((k = 1; k <= RUNS; k++)); do
		# a subshell that waits, so the shell's crash notice stays out
		# of the test's output
		("$HVDECK" -c "$1" --log "$WORK/$2.log" -t 30 dump --json >"$WORK/$2.json" 2>"$WORK/$2.err"
		 rc=$?; exit $rc) 2>/dev/null
		rc=$?
		[ "$rc" -eq 139 ] && SEGV=$((SEGV + 1))
		grep -q 'GLib-CRITICAL' "$WORK/$2.err" && CRIT=$((CRIT + 1))
		{ [ "$rc" -ne 0 ] || [ -s "$WORK/$2.err" ]; } && BAD=$((BAD + 1))
	done
}
fill_volumes() {	# JQ over the last dump: the groups pool's volumes per host
	jq -r '.pools[] | select(.name == "groups") | "\(.host) \(.volumes | length)"' "$1" | sort
}

# ---- A: 52 volumes, one host ----
have=$(vsh 1 vol-list groups | grep -c .)
[ "$have" -le 52 ] || fail "groups already holds $have volumes"
"$LAB" fill 1 0 $((52 - have)) >/dev/null || fail "lab.sh fill"
config "$WORK/a-libssh.conf" "$WORK/elsewhere/known_hosts" 1
config "$WORK/a-ssh.conf" "$WORK/beside/known_hosts" 1
dumps "$WORK/a-libssh.conf" a-libssh; a_segv=$SEGV
info "52 volumes over qemu+libssh: $SEGV/$RUNS dumps died of SIGSEGV"
dumps "$WORK/a-ssh.conf" a-ssh
[ "$BAD" -eq 0 ] || fail "52 volumes, host add's URI: $BAD/$RUNS dumps failed: $(head -3 "$WORK/a-ssh.err")"
[ "$(fill_volumes "$WORK/a-ssh.json")" = "hv1 52" ] || fail "dump: $(fill_volumes "$WORK/a-ssh.json")"
grep -q 'reached through qemu+ssh' "$WORK/a-ssh.log" || fail "the log does not say the transport was replaced"
grep -q 'reached through qemu+ssh' "$WORK/a-libssh.log" && fail "a URI with known_hosts elsewhere was rewritten"

# ---- B: two hosts of 300 and 150 desktops, 300 volumes ----
"$LAB" fill 1 300 300 >/dev/null || fail "lab.sh fill 1"
"$LAB" fill 2 150 0 >/dev/null || fail "lab.sh fill 2"
config "$WORK/b-libssh.conf" "$WORK/elsewhere/known_hosts" 1 2
config "$WORK/b-ssh.conf" "$WORK/beside/known_hosts" 1 2
dumps "$WORK/b-libssh.conf" b-libssh; b_crit=$CRIT b_segv=$SEGV
info "2 hosts, 450 desktops over qemu+libssh: GLib-CRITICAL in $CRIT/$RUNS dumps, SIGSEGV in $SEGV/$RUNS"
dumps "$WORK/b-ssh.conf" b-ssh
[ "$BAD" -eq 0 ] || fail "450 desktops, host add's URI: $BAD/$RUNS dumps failed: $(head -3 "$WORK/b-ssh.err")"
n=$(jq '[.desktops[] | select(.name | startswith("fill-n"))] | length' "$WORK/b-ssh.json")
[ "$n" -eq 450 ] || fail "dump over hvdeck-ssh shows $n fill desktops, not 450"

# ---- the expected failure ----
# A stale write into a dead stack frame shows only with the stack layout of
# a plain build: under AddressSanitizer (make asan) frames live elsewhere
# and libvirt's bug stays silent (0 of 3 and 0 of 3 there), so only a
# plain build can tell that libvirt was fixed.
verdict="libssh still fails ($a_segv/$RUNS SIGSEGV at 52 volumes, $b_crit/$RUNS CRITICAL with 2 hosts)"
if ldd "$HVDECK" | grep -q 'libasan'; then
	verdict="libssh not judged under AddressSanitizer"
	info "AddressSanitizer build: libvirt's libssh failure is not expected to show (stack layout); not judged"
else
	[ $((a_segv + b_crit + b_segv)) -gt 0 ] ||
		fail "libvirt's libssh client no longer fails here (no SIGSEGV, no CRITICAL): revisit TRANSPORT in man/hvdeck.1 and this test"
fi
pass "$verdict; host add's URIs over hvdeck-ssh: all dumps clean"
