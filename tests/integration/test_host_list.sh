#!/bin/bash
# `hvdeck host list` against the lab: every configured host in config
# order with its role and maintenance from the config and its state, one
# node's libvirtd down (offline, with libvirt's reason) within the
# --timeout bound; --json is valid JSON with the same facts. Read-only:
# no audit line.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
# hv2: role disk, in maintenance
python3 - "$conf" <<'PY' || fail "cannot edit the config"
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('{ name = "hv2";', '{ name = "hv2"; maintenance = true;', 1)
i = s.index('name = "hv2"')
s = s[:i] + s[i:].replace('role = "mixed"', 'role = "disk"', 1)
open(p, "w").write(s)
PY
"$LAB" libvirtd-stop 1 >/dev/null || fail "cannot stop node 1's libvirtd"
cleanup "\"$LAB\" libvirtd-start 1"

t0=$(now_ms)
"$HVDECK" -c "$conf" --timeout 20 host list >"$WORK/out" 2>"$WORK/err" || fail "host list failed: $(cat "$WORK/err")"
[ $(( $(now_ms) - t0 )) -lt 25000 ] || fail "host list took $(( $(now_ms) - t0 )) ms with --timeout 20"
head -n1 "$WORK/out" | grep -qE '^NAME +ROLE +MAINT +STATE +URI +ERROR$' || fail "header: $(head -n1 "$WORK/out")"
read -r name role maint state uri error <<<"$(sed -n 2p "$WORK/out")"
[ "$name $role $maint $state $uri" = "hv1 mixed no offline $LAB_URI_1" ] && [ -n "$error" ] ||
	fail "hv1 row: $(cat "$WORK/out")"
read -r name role maint state uri error <<<"$(sed -n 3p "$WORK/out")"
[ "$name $role $maint $state $uri" = "hv2 disk yes online $LAB_SSH_URI_2" ] && [ -z "$error" ] ||
	fail "hv2 row: $(cat "$WORK/out")"
[ "$(wc -l <"$WORK/out")" -eq $((LAB_NODES + 1)) ] || fail "rows: $(cat "$WORK/out")"

"$HVDECK" -c "$conf" --timeout 20 host list --json >"$WORK/json" 2>"$WORK/err" || fail "host list --json failed: $(cat "$WORK/err")"
python3 - "$WORK/json" "$LAB_NODES" <<'PY' || fail "host list --json: $(cat "$WORK/json")"
import json, sys
hosts = json.load(open(sys.argv[1]))["hosts"]
assert len(hosts) == int(sys.argv[2]), hosts
h1, h2 = hosts[0], hosts[1]
assert set(h1) == {"name", "uri", "role", "maintenance", "state", "error"}, h1
assert (h1["name"], h1["role"], h1["maintenance"], h1["state"]) == ("hv1", "mixed", False, "offline"), h1
assert h1["error"], h1
assert (h2["name"], h2["role"], h2["maintenance"], h2["state"], h2["error"]) == ("hv2", "disk", True, "online", None), h2
PY
[ ! -e "$XDG_STATE_HOME/hvdeck/audit.log" ] || fail "host list wrote the audit log"
pass
