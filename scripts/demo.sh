#!/bin/bash
# `make demo`: a 3-node lab on this machine, hvdeck opened on it, the lab
# brought down when hvdeck exits.
set -u
hvdeck=${1:?usage: demo.sh PATH-TO-HVDECK}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root: the lab runs three libvirtd and sshd" >&2
	echo "daemons in their own mount namespaces. Run: sudo make demo" >&2
	exit 1
fi

# Bring down only a lab this script brought up: when `up` refuses (a lab,
# maybe someone's test run, is already up), leave that lab alone.
lab_started=0
conf=
# the server the console started for the demo's config (hvdeck starts its
# cluster's server) goes before the lab: asked over its own socket, so it
# is the demo's and no other
stop_demo() {
	[ -n "$conf" ] && "$hvdeck" -c "$conf" server stop --force >/dev/null 2>&1
	[ "$lab_started" = 1 ] && tests/lab/lab.sh down
}
trap stop_demo EXIT
tests/lab/lab.sh up 3 || exit 1
lab_started=1
eval "$(tests/lab/lab.sh env)"
tests/lab/lab.sh guest 1 demo-desktop-1 >/dev/null &&
	virsh -q -c "$LAB_URI_1" start demo-desktop-1 >/dev/null
tests/lab/lab.sh guest 2 demo-desktop-2 >/dev/null

conf=$LAB_DIR/hvdeck-demo.conf
cat > "$conf" <<CONF
hosts = (
  { name = "hv1"; uri = "$LAB_URI_1"; role = "hypervisor"; },
  { name = "hv2"; uri = "$LAB_SSH_URI_2"; role = "mixed"; },
  { name = "nas1"; uri = "$LAB_URI_3"; role = "disk"; }
);
CONF

cat <<MSG
The lab is up: three hypervisors on this machine.
  hv1   $LAB_URI_1
  hv2   $LAB_SSH_URI_2
  nas1  $LAB_URI_3
Try from another terminal, e.g.:
  virsh -c $LAB_URI_1 migrate --live --persistent --undefinesource demo-desktop-1 $LAB_URI_2
hvdeck config: $conf
MSG

if [ -t 0 ] && [ -t 1 ]; then
	echo "Opening hvdeck; press ? for keys, q to quit (the lab stops then)."
	sleep 2
	"$hvdeck" -c "$conf"
else
	# no terminal (a script or CI): show the inventory instead
	"$hvdeck" -c "$conf" dump
fi
