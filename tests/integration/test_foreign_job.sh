#!/bin/bash
# Jobs hvdeck did not start (issue 22 item 11), against the lab: a
# `virsh migrate --bandwidth 1` of a lab guest (its ballast filled, so it
# runs for minutes), begun before the console started, shows in the
# console's jobs pane with the desktop's
# name and a progress percentage (from
# virDomainGetJobStats, polled by the host worker); `hvdeck jobs` lists it
# too (text and --json: no id, hvdeck false, a progress); c on its row asks
# with a question that says hvdeck did not start it, y aborts it
# (virDomainAbortJob): virsh's migration fails and the guest still runs on
# its source only.
. "$(dirname "$0")/lib.sh"
[ "$LAB_NODES" -ge 2 ] || fail "needs a lab with 2 nodes"

conf=$(write_config)
running_guest 1 fj; g=$GUEST

# the migration begins before the console listens: no iteration event
# will come for minutes (1 MiB/s), so the jobs pane's sweep (every host
# asked for its domains' jobs, on its worker, when the pane is chosen)
# is what finds it
vsh 1 migrate --live --persistent --undefinesource --bandwidth 1 "$g" "$LAB_URI_2" \
	>"$WORK/virsh.out" 2>&1 &
virsh_pid=$!
cleanup "kill $virsh_pid"
job_runs() { vsh 1 domjobinfo "$g" 2>/dev/null | grep -Eq '^Job type: +Unbounded'; }
wait_until 30 job_runs || fail "virsh migrate did not start: $(cat "$WORK/virsh.out")"

tui_start "$conf" 200 45
wait_screen 60 "^.hv1 +[a-z]+ +online"
wait_screen 60 "^.hv2 +[a-z]+ +online"
wait_until 60 on_screen "^.$g " || fail "$g is not shown"
keys 5
row() { screen | grep -E -- "migration +$g +hv1 +running" | head -n1; }
has_pct() { row | grep -Eq "running +[0-9.]+%"; }
wait_until 60 has_pct || fail "the jobs pane does not show $g's migration with its progress: $(screen)"
info "jobs pane: $(row | tr -s ' ')"

# hvdeck jobs (in-process: it asks every host itself)
"$HVDECK" -c "$conf" --no-server jobs >"$WORK/jobs.out" 2>&1 || fail "jobs: $(cat "$WORK/jobs.out")"
grep -Eq -- "^- +migration +$g +hv1 +running +[0-9.]+% +not started by hvdeck" "$WORK/jobs.out" ||
	fail "hvdeck jobs: $(cat "$WORK/jobs.out")"
"$HVDECK" -c "$conf" --no-server jobs --json >"$WORK/jobs.json" 2>"$WORK/jobs.err" || fail "jobs --json"
[ ! -s "$WORK/jobs.err" ] || fail "jobs --json said on stderr: $(cat "$WORK/jobs.err")"
python3 -c 'import json,sys
objs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mine=[o for o in objs if o["target"]==sys.argv[2]]
assert len(mine)==1, objs
o=mine[0]
assert o["id"] is None and o["hvdeck"] is False and o["host"]=="hv1", o
assert o["kind"]=="migration" and o["state"]=="running", o
assert isinstance(o["progress"], (int, float)), o' "$WORK/jobs.json" "$g" ||
	fail "jobs --json: $(cat "$WORK/jobs.json")"

# c on its row (the pane's first: the only job) asks, saying who started it
keys c
wait_screen 10 "Abort the migration of $g on hv1.*hvdeck did not start it"
keys y
gone() { ! kill -0 "$virsh_pid" 2>/dev/null; }
wait_until 60 gone || fail "virsh migrate still runs after the abort"
wait "$virsh_pid" && fail "virsh migrate succeeded although aborted: $(cat "$WORK/virsh.out")"
info "virsh: $(tr '\n' ' ' <"$WORK/virsh.out")"
[ "$(guest_state 1 "$g")" = running ] || fail "$g is not running on hv1 after the abort"
[ "$(guest_state 2 "$g")" != running ] || fail "$g runs on hv2 after the abort"
wait_screen 30 "abort +$g +hv1 +done"
pass
