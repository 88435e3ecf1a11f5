#!/bin/bash
# Local pools: a dir pool every node defines at one path, but that the
# configuration does not name as shared, is local to each host (every
# host's `default` at /var/lib/libvirt/images): a refresh of it on one host
# is not followed on the others, and dump shows no share key. Named in
# shared_dir_pools, the same pools are shared and followed.
. "$(dirname "$0")/lib.sh"

pool="loc$$"
dir="${LAB_STORAGE:-$LAB_DIR/storage}/$pool"
vol="v$$.qcow2"
mkdir -p "$dir" || fail "mkdir $dir"
cleanup "rm -rf '$dir'"
cleanup "for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-destroy $pool; vsh \$_n pool-undefine $pool; done"
for ((i = 1; i <= LAB_NODES; i++)); do
	vsh "$i" pool-define-as "$pool" dir --target "$dir" >/dev/null || fail "pool-define-as on node $i"
	vsh "$i" pool-start "$pool" >/dev/null || fail "pool-start on node $i"
done

# vol_on HOST: the last report of HOST's pool lists the volume
vol_on() {
	jq -c --arg h "$1" --arg p "$pool" 'select(.kind == "pool" and .object.host == $h and .object.name == $p)' "$out" |
		tail -n1 | jq -e --arg v "$vol" '[.object.volumes[].name] | index($v) != null' >/dev/null 2>&1
}
# create VOL through node 1 and announce it with a refresh there
create() {
	vol=$1
	cleanup "vsh 1 vol-delete --pool $pool $vol"
	vsh 1 vol-create-as "$pool" "$vol" 1M --format qcow2 >/dev/null || fail "vol-create-as"
	vsh 1 pool-refresh "$pool" >/dev/null || fail "pool-refresh on node 1"
	wait_until 5 vol_on hv1 || fail "hv1 does not list $vol after its refresh"
}

conf=$(write_config)
watch_start "$conf"
create "local-$$.qcow2"
sleep 3		# time enough for a (wrong) propagation to have happened
for ((i = 2; i <= LAB_NODES; i++)); do
	! vol_on "hv$i" || fail "hv$i's local pool was refreshed after hv1's"
	! vsh "$i" vol-list "$pool" | grep -qF "$vol" || fail "node $i's libvirt was refreshed"
done
jq -e --arg p "$pool" 'select(.kind == "pool" and .object.name == $p) | .object.share_key == null' "$out" >/dev/null ||
	fail "the local pool has a share key"
kill "$watch_pid"	# started by watch_start above
wait "$watch_pid" 2>/dev/null || true

# the same pools, named as shared: followed
echo "shared_dir_pools = \"other, $pool\";" >>"$conf"
watch_start "$conf"
create "shared-$$.qcow2"
for ((i = 2; i <= LAB_NODES; i++)); do
	wait_until 5 vol_on "hv$i" || fail "hv$i does not follow the refresh of a pool named in shared_dir_pools"
done
jq -e --arg p "$pool" 'select(.kind == "pool" and .object.name == $p) | .object.share_basis | test("shared_dir_pools")' "$out" >/dev/null ||
	fail "the basis does not name shared_dir_pools"
pass
