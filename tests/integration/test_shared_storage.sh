#!/bin/bash
# Shared storage: a volume created through one host and announced by a pool
# refresh there is followed by hvdeck refreshing the pools with the same
# target path on the other hosts, so every host lists it.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
watch_start "$conf"

vol="shared-$$.qcow2"
cleanup "vsh 1 vol-delete --pool groups $vol; for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-refresh groups; done"
vsh 1 vol-create-as groups "$vol" 1M --format qcow2 >/dev/null || fail "vol-create-as"
vsh 1 pool-refresh groups >/dev/null || fail "pool-refresh on node 1"

listed_on() {  # HOST: the last report of HOST's groups pool lists the volume
	jq -c --arg h "$1" 'select(.kind == "pool" and .object.host == $h and .object.name == "groups")' "$out" |
		tail -n1 | jq -e --arg v "$vol" '[.object.volumes[].name] | index($v) != null' >/dev/null 2>&1
}
for ((i = 1; i <= LAB_NODES; i++)); do
	wait_until 5 listed_on "hv$i" || fail "hv$i does not list $vol after the refresh on hv1"
done
# hvdeck refreshed the other nodes' pools in libvirt itself, too
for ((i = 2; i <= LAB_NODES; i++)); do
	vsh "$i" vol-list groups | grep -qF "$vol" || fail "node $i's libvirt was not refreshed"
done
# and the refreshes it caused did not echo back and forth
sleep_count=$(jq -r 'select(.kind == "pool" and .object.name == "groups") | .time_ms' "$out" | wc -l)
same_proc $watch_id || fail "watch died"
info "groups pool reports: $sleep_count"
[ "$sleep_count" -le $((LAB_NODES * 3)) ] || fail "pool refreshes kept echoing ($sleep_count reports)"
pass
