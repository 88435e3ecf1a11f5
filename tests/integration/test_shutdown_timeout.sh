#!/bin/bash
# A shutdown the guest ignores (a guest without ACPI: QEMU's power button
# goes nowhere) is reported, not dropped: after shutdown_timeout seconds
# the console's events strip and its log say "NAME did not shut down within
# N s — F to force off", the shutdown job ends failed with that text, and
# the row shows the desktop running again.
#
# `hvdeck desktop shutdown` waits for the same job: it exits 1 with that
# text. (A separate `hvdeck watch` has a model of its own and never sees
# another process's requests: the console's log is checked instead.)
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
echo "shutdown_timeout = 3;" >>"$conf"
g="t$$-deaf"
xml=$WORK/$g.xml
"$LAB" guest-xml "$g" | sed '/<acpi\/>/d' >"$xml" || fail "guest-xml"
grep -q "<acpi/>" "$xml" && fail "guest XML still has ACPI"
vsh 1 define "$xml" >/dev/null || fail "cannot define $g"
cleanup "vsh 1 destroy $g; vsh 1 undefine $g"
vsh 1 start "$g" >/dev/null || fail "virsh start"

tui_start "$conf" 120 32
wait_screen $HOST_ONLINE_S "hv1 +mixed +online"
keys 4; wait_screen 3 "Desktops"
wait_screen 5 "$g +running +hv1"
keys : ; keys -l "go $g"; keys Enter
t0=$(now_ms)
keys h
wait_screen 3 "$g: shutdown requested"
said() { grep -qF -- "$g did not shut down within 3 s — F to force off" "$WORK/hvdeck.log"; }
wait_until 15 said || { screen >&2; fail "no timeout warning in the log"; }
took=$(( $(now_ms) - t0 ))
info "timeout reported $took ms after the request"
[ "$took" -ge 3000 ] || fail "reported before the timeout ($took ms)"
wait_screen 3 "$g did not shut down within 3 s"
[ "$(guest_state 1 "$g")" = running ] || fail "the guest is not running any more"
wait_screen 3 "$g +running +hv1"
keys 5
wait_screen 5 "shutdown +$g +hv1 +failed"
keys q
wait_screen 5 "HVDECK-EXITED 0"

t0=$(now_ms)
"$HVDECK" -c "$conf" desktop shutdown "$g" >"$WORK/cli.out" 2>"$WORK/cli.err" &&
	fail "desktop shutdown reported success: $(cat "$WORK/cli.out")"
grep -qF "shutdown failed: $g did not shut down within 3 s — F to force off" "$WORK/cli.err" ||
	fail "desktop shutdown: $(cat "$WORK/cli.err")"
[ $(( $(now_ms) - t0 )) -ge 3000 ] || fail "desktop shutdown gave up before the timeout"
[ "$(guest_state 1 "$g")" = running ] || fail "the guest is not running any more"
pass "ignored shutdown reported after the timeout"
