#!/bin/bash
# A hung hypervisor (libvirtd stopped with SIGSTOP: its TCP connection stays
# open but nothing answers) is declared offline by keepalive within 15 s,
# with libvirt's reason; the other hosts stay online; when it wakes up it
# comes back by itself.
. "$(dirname "$0")/lib.sh"

n=$LAB_NODES
conf=$(write_config)
# whatever happens, the node's libvirtd is left running for the next test
cleanup "$LAB libvirtd-thaw $n; $LAB libvirtd-start $n"
watch_start "$conf"

host_line() {  # NAME STATE SINCE_MS: a report of NAME in STATE after SINCE_MS
	jq_any --arg h "$1" --arg s "$2" --argjson t "$3" \
		'select(.kind == "host" and .object.name == $h and .object.state == $s and .time_ms >= $t)' "$out"
}
# libvirtd of node n answers
u="LAB_URI_$n"; LAB_URI_n=${!u}
answers() { timeout 5 virsh -q -c "$LAB_URI_n" uri >/dev/null 2>&1; }

# hang_and_wake: 0 when hvdeck saw the hang and the wake-up; 2 when the
# lab's libvirtd died on SIGCONT (libvirt 9.0's RPC thread segfaults now
# and then when thawed with clients that closed meanwhile: seen once in
# make asan, dmesg "rpc-libvirtd ... segfault") — not hvdeck's doing; any
# other failure fails the test.
hang_and_wake() {
	local t0 t1 i
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
	wait_until 70 host_line "hv$n" online "$t1" && {
		info "hv$n back after $(( $(now_ms) - t1 )) ms"
		return 0
	}
	answers && fail "hv$n did not come back after thawing (its libvirtd answers)"
	# alive but silent: restarted by record, so that the tests after
	# this one do not inherit a hung daemon (node_back's rule)
	if ! "$LAB" status 2>/dev/null | grep -q "^node$n: .*libvirtd DOWN"; then
		"$LAB" probe >&2 2>&1
		"$LAB" libvirtd-stop "$n" && "$LAB" libvirtd-start "$n"
		fail "libvirtd of node $n was alive but did not answer 70 s after the thaw (restarted)"
	fi
	return 2
}

hang_and_wake && pass
# the daemon died, not hvdeck's connection: start it again, try once more
info "libvirtd of node $n died when thawed (libvirt's crash, not hvdeck's); restarting it and trying again"
t2=$(now_ms)
"$LAB" libvirtd-start "$n" || fail "cannot restart libvirtd of node $n"
wait_until 70 host_line "hv$n" online "$t2" || fail "hv$n did not come back after its libvirtd restarted"
hang_and_wake && pass
fail "libvirtd of node $n died when thawed, twice"
