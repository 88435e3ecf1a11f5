#!/bin/bash
# Two hvdecks editing one config at the same moment: 20 rounds of
# `host role hv1 …` beside `host maintenance hv2 on|off`. Every command
# exits 0, every edit is in the file after its round, and the file is never
# missing while they run (saves take FILE.lock and replace FILE in one step:
# the old save lost edits and could leave no file at all).
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
ROUNDS=20

# the member KEY of host NAME in the saved file ("disk", "true", or "")
member() {
	awk -v n="\"$1\";" -v k="$2" '
		$1 == "name" && $3 == n { on = 1; next }
		$1 == "name" { on = 0 }
		on && $1 == k { v = $3; gsub(/[";]/, "", v); print v; exit }' "$conf"
}

# a watcher notes every moment the file is missing
( while [ ! -e "$WORK/stop" ]; do [ -e "$conf" ] || echo missing >>"$WORK/missing"; done ) &
watcher=$!
cleanup "kill $watcher"

for ((i = 1; i <= ROUNDS; i++)); do
	if ((i % 2)); then role=disk; maint=on; else role=hypervisor; maint=off; fi
	"$HVDECK" -c "$conf" host role hv1 "$role" >"$WORK/a.out" 2>"$WORK/a.err" &
	a=$!
	"$HVDECK" -c "$conf" host maintenance hv2 "$maint" >"$WORK/b.out" 2>"$WORK/b.err" &
	b=$!
	wait "$a" || fail "round $i: host role hv1 $role failed: $(cat "$WORK/a.err")"
	wait "$b" || fail "round $i: host maintenance hv2 $maint failed: $(cat "$WORK/b.err")"
	[ -e "$conf" ] || fail "round $i: the config is gone"
	[ "$(member hv1 role)" = "$role" ] ||
		fail "round $i: hv1's role $role was lost: $(cat "$conf")"
	want=$([ "$maint" = on ] && echo true)
	[ "$(member hv2 maintenance)" = "$want" ] ||
		fail "round $i: hv2's maintenance $maint was lost: $(cat "$conf")"
done
touch "$WORK/stop"
wait "$watcher"
[ ! -e "$WORK/missing" ] ||
	fail "the config was missing $(wc -l <"$WORK/missing") times while saves ran"
ls "$WORK"/hvdeck.conf.tmp* >/dev/null 2>&1 && fail "temporaries left: $(ls "$WORK")"
pass "$ROUNDS rounds of two processes: every edit kept, the file always there"
