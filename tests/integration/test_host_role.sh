#!/bin/bash
# Host roles and maintenance, saved in the config: on the command line
# (the file and dump --json show them; bad input leaves the file byte for
# byte as it was), and in the console: e opens the role form (Down, Enter
# saves; Esc changes nothing), Shift-M asks naming the host and toggles
# maintenance; the ROLE and MAINT columns show it live and after a restart.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)

# the member KEY of host NAME in the saved file ("disk", "true", or "")
member() {
	awk -v n="\"$1\";" -v k="$2" '
		$1 == "name" && $3 == n { on = 1; next }
		$1 == "name" { on = 0 }
		on && $1 == k { v = $3; gsub(/[";]/, "", v); print v; exit }' "$conf"
}

# ---- the command line ----
out=$("$HVDECK" -c "$conf" host role hv2 hypervisor) || fail "host role failed"
[ "$out" = "hv2: role hypervisor" ] || fail "host role said: $out"
"$HVDECK" -c "$conf" host maintenance hv1 on >/dev/null || fail "host maintenance failed"
[ "$(member hv2 role)" = hypervisor ] || fail "file role: $(cat "$conf")"
[ "$(member hv1 maintenance)" = true ] || fail "file maintenance: $(cat "$conf")"
"$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" || fail "dump failed"
[ "$(jq -r '.hosts[] | select(.name == "hv2") | .role' "$WORK/dump.json")" = hypervisor ] ||
	fail "dump role: $(jq -c '.hosts' "$WORK/dump.json")"
[ "$(jq -r '.hosts[] | select(.name == "hv1") | .maintenance' "$WORK/dump.json")" = true ] ||
	fail "dump maintenance: $(jq -c '.hosts' "$WORK/dump.json")"

# refusals: exit status and the file untouched, byte for byte
cp "$conf" "$WORK/before.conf"
refused() {	# STATUS WORDS... -- HVDECK-ARGS...
	local want=$1 msg=$2 st
	shift 2
	"$HVDECK" "$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	[ "$st" -eq "$want" ] || fail "$*: status $st, want $want ($(cat "$WORK/err"))"
	grep -qF -- "$msg" "$WORK/err" || fail "$*: said '$(cat "$WORK/err")', want '$msg'"
	cmp -s "$conf" "$WORK/before.conf" || fail "$*: changed the file"
}
refused 2 "no role 'bogus'" -c "$conf" host role hv2 bogus
refused 2 "usage: host role" -c "$conf" host role hv2
refused 2 "'maybe' is not on or off" -c "$conf" host maintenance hv2 maybe
refused 1 "no host called 'nosuch'" -c "$conf" host role nosuch disk
refused 1 "given with -H" -c "$conf" -H "tmp=$LAB_URI_1" host maintenance tmp on
refused 1 "read-only" -r -c "$conf" host role hv2 disk
info "command line: set, shown by dump, refusals leave the file"

# ---- the console ----
hv_row() { screen | grep -E -- "^.hv$1 " | head -n1; }
row_has() { hv_row "$1" | grep -qE -- "$2"; }
tui_start "$conf" 120 30
wait_screen 15 "Hypervisors"
wait_until 30 row_has 2 "hv2 +hypervisor" || { screen >&2; fail "hv2 is not shown as hypervisor"; }
row_has 1 "yes" || { screen >&2; fail "hv1 is not shown in maintenance"; }
keys 1
keys : ; keys -l "host hv2"; keys Enter

# Esc on the form changes nothing
keys e
wait_screen 5 "Role of hv2"
keys Down
keys Escape
gone() { ! on_screen "$1"; }
wait_until 5 gone "Role of hv2" || fail "Esc did not close the form"
cmp -s "$conf" "$WORK/before.conf" || fail "Esc on the form changed the file"
row_has 2 "hv2 +hypervisor" || fail "Esc on the form changed the role: $(hv_row 2)"

# e, Down, Enter: disk, live and saved
keys e
wait_screen 5 "Role of hv2"
on_screen "\[hypervisor\]" || { screen >&2; fail "the current role is not preselected"; }
keys Down
wait_screen 5 "\[disk\]"
keys Enter
wait_until 10 row_has 2 "hv2 +disk" || { screen >&2; fail "the ROLE column does not show disk"; }
[ "$(member hv2 role)" = disk ] || fail "file role after e: $(cat "$conf")"

# Shift-M, y: maintenance, live and saved
row_has 2 "yes" && fail "hv2 already shows maintenance"
keys M
wait_screen 5 "Put hv2 in maintenance"
keys y
wait_until 10 row_has 2 "yes" || { screen >&2; fail "the MAINT column does not show hv2 in maintenance"; }
[ "$(member hv2 maintenance)" = true ] || fail "file maintenance after M: $(cat "$conf")"
info "console: e and Shift-M change the pane and the file"

# a restart: still there
keys q
wait_screen 5 "HVDECK-EXITED 0"
tmx kill-session -t hv
tui_start "$conf" 120 30
wait_screen 15 "Hypervisors"
wait_until 30 row_has 2 "hv2 +disk.* yes" || { screen >&2; fail "after a restart hv2 is not disk in maintenance"; }
row_has 1 "yes" || fail "after a restart hv1 is not in maintenance"

# read-only: the keys are refused, the file stays
keys q
wait_screen 5 "HVDECK-EXITED 0"
tmx kill-session -t hv
cp "$conf" "$WORK/before.conf"
tui_start "$conf" 120 30 -r
wait_screen 15 "Hypervisors"
wait_until 30 row_has 2 "hv2 +disk" || fail "read-only: hv2 not shown"
keys 1; keys M
wait_screen 5 "read-only: host maintenance is not allowed"
on_screen "Put hv2" && fail "read-only asked to change maintenance"
cmp -s "$conf" "$WORK/before.conf" || fail "read-only changed the file"
pass "roles and maintenance persist"
