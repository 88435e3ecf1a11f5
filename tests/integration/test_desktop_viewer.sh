#!/bin/bash
# `hvdeck desktop viewer NAME` and v: a running lab guest with a VNC
# display (password set) on hv1 (TCP) and hv2 (libssh). What is printed and
# the .vv file name the host and port virsh reports (domdisplay, dumpxml),
# the password comes from the secure XML and never reaches argv or the
# log; the file is 0600; the libssh host's loopback display gets the ssh -L
# command with the URI's key and known_hosts. In-process, through a
# running server (the file written by this client, a relative path in its
# own directory), and the console's page with w.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
# VNC takes at most 8 characters
pw=$(printf 'v%07d' $(( $$ % 10000000 )))
# graphics_guest NODE TAG: a running guest with a VNC display, in $GUEST
graphics_guest() {
	new_guest "$1" "$2"
	vsh "$1" dumpxml "$GUEST" |
		sed "s|</devices>|<graphics type='vnc' autoport='yes' passwd='$pw'><listen type='address' address='127.0.0.1'/></graphics></devices>|" \
		>"$WORK/$GUEST.xml"
	vsh "$1" define "$WORK/$GUEST.xml" >/dev/null || fail "cannot add graphics to $GUEST"
	vsh "$1" start "$GUEST" >/dev/null || fail "cannot start $GUEST"
}
# vnc_port NODE NAME: the port dumpxml gives
vnc_port() { vsh "$1" dumpxml "$2" | sed -n "s/.*<graphics type='vnc' port='\([0-9]*\)'.*/\1/p"; }
graphics_guest 1 v1; g1=$GUEST
graphics_guest 2 v2; g2=$GUEST
p1=$(vnc_port 1 "$g1"); p2=$(vnc_port 2 "$g2")
[ -n "$p1" ] && [ -n "$p2" ] || fail "no VNC port in dumpxml ($p1, $p2)"
# domdisplay gives the display number: port 5900 + N
d1=$(virsh -q -c "$LAB_URI_1" domdisplay "$g1")
[ "$d1" = "vnc://127.0.0.1:$((p1 - 5900))" ] || fail "domdisplay says $d1, dumpxml port $p1"

hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
hv --no-server desktop viewer "$g1" || fail "viewer: exit $?: $(cat "$WORK/err")"
grep -qx "type:     vnc" "$WORK/out" || fail "viewer said: $(cat "$WORK/out")"
grep -qx "connect:  127.0.0.1 port $p1" "$WORK/out" || fail "viewer names no port $p1: $(cat "$WORK/out")"
grep -qx "password: $pw" "$WORK/out" || fail "viewer shows no password: $(cat "$WORK/out")"
grep -q "ssh -L\|ssh -i" "$WORK/out" && fail "hv1 is reached over TCP on this machine: no tunnel wanted: $(cat "$WORK/out")"

# hv2 over libssh listening on its loopback: the tunnel, with the URI's key
hv --no-server desktop viewer "$g2" || fail "viewer hv2: exit $?: $(cat "$WORK/err")"
grep -qF "ssh -i $LAB_SSH_KEY -o UserKnownHostsFile=$LAB_KNOWN_HOSTS -o StrictHostKeyChecking=yes -p $LAB_SSH_PORT_2 -N -L $p2:127.0.0.1:$p2 root@127.0.0.1" "$WORK/out" ||
	fail "no ssh -L for hv2: $(cat "$WORK/out")"

# the file: 0600, virt-viewer's section, host and port
check_vv() {	# FILE PORT
	[ "$(stat -c %a "$1")" = 600 ] || fail "$1 has mode $(stat -c %a "$1")"
	[ "$(head -n1 "$1")" = "[virt-viewer]" ] || fail "$1: $(cat "$1")"
	grep -qx "type=vnc" "$1" && grep -qx "host=127.0.0.1" "$1" && grep -qx "port=$2" "$1" &&
		grep -qx "password=$pw" "$1" && grep -qx "delete-this-file=1" "$1" ||
		fail "$1 does not name vnc 127.0.0.1:$2 with the password: $(cat "$1")"
}
hv --no-server desktop viewer "$g1" --file "$WORK/a.vv" || fail "--file: exit $?: $(cat "$WORK/err")"
grep -qx "wrote $WORK/a.vv (vnc 127.0.0.1 port $p1)" "$WORK/out" || fail "--file said: $(cat "$WORK/out")"
check_vv "$WORK/a.vv" "$p1"
hv --no-server desktop viewer "$g2" --file - || fail "--file -: exit $?"
cp "$WORK/out" "$WORK/stdout.vv"; chmod 600 "$WORK/stdout.vv"
check_vv "$WORK/stdout.vv" "$p2"

# refusals: shut off, unknown
new_guest 1 off; off=$GUEST
hv --no-server desktop viewer "$off"; [ $? -eq 1 ] || fail "a shut-off desktop: exit $?"
grep -q "is not running" "$WORK/err" || fail "shut-off refusal said: $(cat "$WORK/err")"

# through a running server: the same text; the file written here
server_start "$conf" "$WORK/server.log"
hv desktop viewer "$g1" || fail "viewer via the server: exit $?: $(cat "$WORK/err")"
grep -qx "connect:  127.0.0.1 port $p1" "$WORK/out" || fail "viewer via the server said: $(cat "$WORK/out")"
mkdir "$WORK/here"
(cd "$WORK/here" && "$HVDECK" -c "$conf" desktop viewer "$g2" --file rel.vv >"$WORK/out" 2>"$WORK/err") ||
	fail "--file via the server: $(cat "$WORK/err")"
grep -qx "wrote rel.vv (vnc 127.0.0.1 port $p2)" "$WORK/out" || fail "via the server said: $(cat "$WORK/out")"
check_vv "$WORK/here/rel.vv" "$p2"
# the password never in the server's log, nor in any process's argv
# (grep reads it from a file: it is not in grep's own)
printf '%s\n' "$pw" >"$WORK/pw"
grep -qF -f "$WORK/pw" "$WORK/server.log" && fail "the password is in the server's log"
hits=$(grep -l -a -F -f "$WORK/pw" /proc/[0-9]*/cmdline 2>/dev/null)
[ -z "$hits" ] || fail "the password is in the command line of $hits"
# a console attached to the server: v's page is read by the server (it
# sends the reading whole over the socket), w writes NAME.vv here
tui_start "$conf" 160 40
wait_screen 40 "$g1"
wait_screen 10 "attached to server $SERVER_PID"
tui_online
keys 4; keys : ; keys -l "go $g1"; keys Enter
keys v
wait_screen 30 "connect:  127.0.0.1 port $p1"
on_screen "password: set" || fail "the attached page shows no password line"
on_screen "$pw" && fail "the attached page shows the password itself"
keys w
wait_screen 10 "wrote .*/$g1.vv"
f=$(screen | sed -n "s|.*wrote \(/[^ ]*/$g1.vv\).*|\1|p" | head -n1)
cleanup "rm -f '$f'"
check_vv "$f" "$p1"
rm -f "$f"
grep -qF -f "$WORK/pw" "$WORK/server.log" && fail "the password is in the server's log (attached page)"
grep -qF -f "$WORK/pw" "$WORK/hvdeck.log" && fail "the password is in the attached console's log"
tmx kill-session -t hv
"$HVDECK" -c "$conf" server stop >/dev/null 2>&1

# the console: v on the desktop shows its page, w writes NAME.vv
tui_start "$conf" 160 40 --no-server
wait_screen 40 "$g1"
tui_online
keys 4; keys : ; keys -l "go $g1"; keys Enter
keys v
wait_screen 30 "connect:  127.0.0.1 port $p1"
on_screen "password: set" || fail "the page shows no password line"
on_screen "$pw" && fail "the page shows the password itself"
keys w
wait_screen 10 "wrote .*/$g1.vv"
f=$(screen | sed -n "s|.*wrote \(/[^ ]*/$g1.vv\).*|\1|p" | head -n1)
cleanup "rm -f '$f'"
check_vv "$f" "$p1"
grep -qF -f "$WORK/pw" "$WORK/hvdeck.log" && fail "the password is in the console's log"
pass
