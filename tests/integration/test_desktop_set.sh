#!/bin/bash
# `hvdeck desktop set NAME --vcpus N --memory MiB --max-memory MiB` and z:
# a shut-off desktop's definition changes (virsh dumpxml); a running one
# without a balloon or spare vCPUs is told what applies at its next start
# (and its definition has it); a size over its host's capacity is refused
# with the host's numbers and changes nothing; read-only refuses; the
# same through a running server; the console's z form.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
new_guest 1 s; g=$GUEST
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
# xml_is NODE NAME VCPUS MEMORY_KIB MAX_KIB [--inactive]
xml_is() {
	local x
	x=$(vsh "$1" dumpxml ${6:-} "$2")
	grep -qE "<vcpu[^>]*>$3</vcpu>|<vcpu[^>]* current='$3'" <<<"$x" &&
		grep -q "<memory unit='KiB'>$5</memory>" <<<"$x" &&
		grep -q "<currentMemory unit='KiB'>$4</currentMemory>" <<<"$x"
}

# shut off: the definition
hv --no-server desktop set "$g" --vcpus 2 --memory 192 --max-memory 256 ||
	fail "set: exit $?: $(cat "$WORK/out" "$WORK/err")"
grep -qx "$g: size set (2 vCPUs, memory 192 MiB, max memory 256 MiB)" "$WORK/out" ||
	fail "set said: $(cat "$WORK/out")"
xml_is 1 "$g" 2 196608 262144 || fail "dumpxml after set: $(vsh 1 dumpxml "$g" | grep -E 'vcpu|emory')"

# over capacity: refused with the numbers, nothing changed
mem_kib=$(virsh -q -c "$LAB_URI_1" nodeinfo | sed -n 's/^Memory size: *\([0-9]*\) KiB/\1/p')
cpus=$(virsh -q -c "$LAB_URI_1" nodeinfo | sed -n 's/^CPU(s): *\([0-9]*\)/\1/p')
too_much=$(( mem_kib / 1024 * 2 ))
before=$(vsh 1 dumpxml "$g")
hv --no-server desktop set "$g" --memory "$too_much"; rc=$?
[ "$rc" -eq 1 ] || fail "over capacity: exit $rc: $(cat "$WORK/out" "$WORK/err")"
grep -q "desktop set $g refused: hv1: .* of .* committed to [0-9]* running desktop.*memory_reserve .*: .* more does not fit (headroom" "$WORK/err" ||
	fail "the refusal cites no numbers: $(cat "$WORK/err")"
hv --no-server desktop set "$g" --vcpus $(( cpus + 1 )); rc=$?
[ "$rc" -eq 1 ] || fail "vCPUs over the host's: exit $rc"
grep -q "hv1 has $cpus CPUs: a desktop of $(( cpus + 1 )) vCPUs does not fit" "$WORK/err" ||
	fail "the vCPU refusal said: $(cat "$WORK/err")"
[ "$(vsh 1 dumpxml "$g")" = "$before" ] || fail "a refused set changed $g"
hv --no-server -r desktop set "$g" --vcpus 1; rc=$?
[ "$rc" -eq 1 ] && grep -q "read-only" "$WORK/err" || fail "read-only: exit $rc: $(cat "$WORK/err")"
[ "$(vsh 1 dumpxml "$g")" = "$before" ] || fail "a read-only set changed $g"
hv --no-server desktop set "$g"; [ $? -eq 2 ] || fail "no option: exit $?"
hv --no-server desktop set "$g" --memory 300; rc=$?
[ "$rc" -eq 0 ] || fail "memory above max: exit $rc: $(cat "$WORK/err")"
xml_is 1 "$g" 2 307200 307200 || fail "memory above max did not raise max: $(vsh 1 dumpxml "$g" | grep -E 'emory')"
hv --no-server desktop set "$g" --memory 300 --max-memory 200; rc=$?
[ "$rc" -eq 1 ] && grep -q "memory 300 MiB is above its maximum memory 200 MiB" "$WORK/err" ||
	fail "memory above an explicit max: exit $rc: $(cat "$WORK/err")"

# running: the lab's guests have no balloon and 1 maximum vCPU: libvirt
# refuses live, the definition takes it for the next start
vsh 1 start "$g" >/dev/null || fail "cannot start $g"
hv --no-server desktop set "$g" --vcpus 1 --memory 256 ||
	fail "running set: exit $?: $(cat "$WORK/out" "$WORK/err")"
grep -q "^$g: .*at next start: .*memory 256 MiB (live: " "$WORK/out" ||
	fail "running set said: $(cat "$WORK/out")"
xml_is 1 "$g" 1 262144 307200 --inactive ||
	fail "the definition after a running set: $(vsh 1 dumpxml --inactive "$g" | grep -E 'vcpu|emory')"
[ "$(guest_state 1 "$g")" = running ] || fail "$g is $(guest_state 1 "$g") after a live set"

# through a running server
vsh 1 destroy "$g" >/dev/null
server_start "$conf" "$WORK/server.log"
hv desktop set "$g" --vcpus 2 --memory 128 --max-memory 128 ||
	fail "set via the server: exit $?: $(cat "$WORK/out" "$WORK/err")"
grep -qx "$g: size set (2 vCPUs, memory 128 MiB, max memory 128 MiB)" "$WORK/out" ||
	fail "set via the server said: $(cat "$WORK/out")"
xml_is 1 "$g" 2 131072 131072 || fail "dumpxml after a set via the server"
hv desktop set "$g" --memory "$too_much"; [ $? -eq 1 ] || fail "over capacity via the server: exit $?"
grep -q "more does not fit" "$WORK/err" || fail "via the server the refusal said: $(cat "$WORK/err")"
# a console attached to the server: z's form here, its submit there
tui_start "$conf" 160 40
wait_screen 40 "$g"
tui_online
keys 4; keys : ; keys -l "go $g"; keys Enter
keys z
wait_screen 15 "Size of $g"
keys BSpace BSpace BSpace BSpace; keys -l 1
keys Enter
_set1() { xml_is 1 "$g" 1 131072 131072; }
wait_until 30 _set1 || fail "z attached did not set 1 vCPU: $(vsh 1 dumpxml "$g" | grep vcpu)"
tmx kill-session -t hv
"$HVDECK" -c "$conf" server stop >/dev/null 2>&1

# the console: z opens the form with the size, Enter sets it
tui_start "$conf" 160 40 --no-server
wait_screen 40 "$g"
tui_online
keys 4; keys : ; keys -l "go $g"; keys Enter
keys z
wait_screen 15 "Size of $g"
keys BSpace BSpace BSpace BSpace; keys -l 2
keys Enter
_set() { xml_is 1 "$g" 2 131072 131072; }
wait_until 30 _set || fail "z did not set 2 vCPUs: $(vsh 1 dumpxml "$g" | grep vcpu)"
pass
