#!/bin/bash
# A host's free memory counts its reclaimable page cache (free + buffers +
# cached), as the kernel hands it out: a hypervisor whose cache has filled
# with disk images is not out of memory. (Before: libvirt's free memory,
# MemFree alone — in CI, after an hour of disk images, every migration's
# pre-flight said "hv2 has 240 MiB free" on a 24 GiB machine with 23 GiB
# of cache, and placement ranked the host as full.) The lab's nodes run on
# this machine: their memory is this machine's /proc/meminfo.
. "$(dirname "$0")/lib.sh"

conf=$(write_config)
# page cache that is certainly there (written, read, kept until the dump)
dd if=/dev/zero of="$WORK/cache" bs=1M count=256 status=none || fail "cannot write the cache file"
cat "$WORK/cache" >/dev/null
"$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" 2>"$WORK/err" || fail "dump: $(cat "$WORK/err")"
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
mem_free=$(meminfo MemFree) total=$(meminfo MemTotal) cached=$(meminfo Cached)
free_kib=$(jq -r '.hosts[] | select(.name == "hv1") | .free_kib' "$WORK/dump.json")
[ -n "$free_kib" ] && [ "$free_kib" -gt 0 ] || fail "no free_kib for hv1: $(head -c 300 "$WORK/dump.json")"
info "hv1 free $((free_kib / 1024)) MiB; MemFree $((mem_free / 1024)) MiB, Cached $((cached / 1024)) MiB, total $((total / 1024)) MiB"
[ "$free_kib" -le "$total" ] || fail "hv1 shows more free memory than the machine has"
[ "$free_kib" -ge $((mem_free + 128 * 1024)) ] ||
	fail "hv1's free memory ($((free_kib / 1024)) MiB) does not count the page cache (MemFree $((mem_free / 1024)) MiB, Cached $((cached / 1024)) MiB)"
pass "free memory counts the reclaimable page cache"
