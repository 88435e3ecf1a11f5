#!/bin/bash
# A hung hypervisor (libvirtd stopped with SIGSTOP: its TCP connection stays
# open but nothing answers) is declared offline by keepalive within 15 s,
# with libvirt's reason; the other hosts stay online; when it wakes up it
# comes back by itself.
. "$(dirname "$0")/lib.sh"

n=$LAB_NODES
conf=$(write_config)
cleanup "$LAB libvirtd-thaw $n"
watch_start "$conf"

host_line() {  # NAME STATE SINCE_MS: a report of NAME in STATE after SINCE_MS
	jq_any --arg h "$1" --arg s "$2" --argjson t "$3" \
		'select(.kind == "host" and .object.name == $h and .object.state == $s and .time_ms >= $t)' "$out"
}
t0=$(now_ms)
"$LAB" libvirtd-freeze "$n" || fail "cannot freeze libvirtd of node $n"
wait_until 15 host_line "hv$n" offline "$t0" || fail "hv$n not offline within 15 s of hanging"
info "hv$n offline after $(( $(now_ms) - t0 )) ms"
jq_any --arg h "hv$n" --argjson t "$t0" \
	'select(.kind == "host" and .object.name == $h and .object.state == "offline" and (.object.error | test("keepalive")) and .time_ms >= $t)' \
	"$out" || fail "the reason does not name the keepalive"
for ((i = 1; i < n; i++)); do
	host_line "hv$i" offline "$t0" && fail "hv$i went offline too"
done

t1=$(now_ms)
"$LAB" libvirtd-thaw "$n" || fail "cannot thaw libvirtd of node $n"
wait_until 70 host_line "hv$n" online "$t1" || fail "hv$n did not come back after thawing"
info "hv$n back after $(( $(now_ms) - t1 )) ms"
pass
