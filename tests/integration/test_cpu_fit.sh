#!/bin/bash
# Where each desktop can go (issue 21 item 4), against the lab. Every lab
# node runs the same emulated CPU (QEMU's TCG), so nodes cannot differ:
# a template desktop whose definition requires avx512f (which TCG lacks,
# checked first with virsh) can run nowhere —
#  - `desktop cpu-fit NAME` says "can run on: nowhere", each host "no" with
#    libvirt's reason naming avx512f, and --json says so too;
#  - host list --json carries the cluster's baseline CPU over hv1..hv3;
#  - placement refuses it with that reason: `desktop new` from it --on hv2,
#    and without --on (no overlay, no domain made);
#  - the console marks its row (HOST "!CPU") and its details say "can run
#    on: nowhere"; `:desktop set-cpu NAME baseline` in the console makes it
#    movable: details then list hv1, hv2, hv3 and the mark goes;
#  - on the command line (in-process) set-cpu to a model defines it on the
#    host (virsh), read-only is refused, an unknown model is refused with
#    libvirt's reason and changes nothing; through a running server the
#    same commands answer the same, and a console attached to it marks
#    the row from the server's answers and loses the mark after its own
#    set-cpu;
#  - afterwards desktop new --on hv2 from it is placed there.
. "$(dirname "$0")/lib.sh"

st=${LAB_STORAGE:-$LAB_DIR/storage}
t="t$$"
tmpl="$t-cpu"
conf=$(write_config)
AVX="<cpu mode='custom' match='exact'><model fallback='forbid'>qemu64</model><feature policy='require' name='avx512f'/></cpu>"

refresh_all() {
	local i p
	for ((i = 1; i <= LAB_NODES; i++)); do
		for p in bases templates groups; do vsh "$i" pool-refresh $p >/dev/null 2>&1; done
	done
}
cleanup "undefine_named $t-; rm -f $st/groups/$t-* $st/templates/$t-* $st/bases/$t-*; refresh_all"
hv() { "$HVDECK" -c "$conf" "$@" >"$WORK/out" 2>"$WORK/err"; }
dom_cpu() { vsh 1 dumpxml --inactive "$tmpl" | xmllint --xpath "string(/domain/cpu/model)" - 2>/dev/null; }

# what the lab's hypervisor answers, before building on it
echo "$AVX" >"$WORK/avx.xml"
if vsh 1 hypervisor-cpu-compare --virttype qemu --error "$WORK/avx.xml" >"$WORK/cmp" 2>&1; then
	fail "the lab's TCG runs avx512f now: this test needs a feature no node has ($(cat "$WORK/cmp"))"
fi
grep -q "avx512f" "$WORK/cmp" || fail "libvirt's refusal does not name avx512f: $(cat "$WORK/cmp")"

# ---- a template desktop asking for avx512f ----
vsh 1 vol-create-as bases "$t-base.qcow2" 64M --format qcow2 >/dev/null || fail "base"
vsh 1 vol-create-as templates "$tmpl.qcow2" 64M --format qcow2 \
	--backing-vol "$st/bases/$t-base.qcow2" --backing-vol-format qcow2 >/dev/null || fail "template volume"
refresh_all
"$LAB" guest-xml "$tmpl" |
	sed "s|<devices>|<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$st/templates/$tmpl.qcow2'/><target dev='vda' bus='virtio'/></disk>|; s|</vcpu>|</vcpu>$AVX|" \
	>"$WORK/tmpl.xml"
vsh 1 define "$WORK/tmpl.xml" >/dev/null || fail "define the template desktop"

# ---- cpu-fit: nowhere, each host's reason ----
hv desktop cpu-fit "$tmpl" || fail "cpu-fit failed: $(cat "$WORK/err")"
grep -q "^$tmpl (on hv1): CPU qemu64 +1 feature (qemu) — can run on: nowhere$" "$WORK/out" ||
	fail "cpu-fit does not say nowhere: $(cat "$WORK/out")"
for i in 1 2 3; do
	grep -qE "^  hv$i +no +.*avx512f" "$WORK/out" || fail "cpu-fit lacks hv$i's reason: $(cat "$WORK/out")"
done
hv desktop cpu-fit "$tmpl" --json || fail "cpu-fit --json failed"
jq -e '.desktops | length == 1 and .[0].can_run_on == [] and .[0].cannot_leave_host
	and ([.[0].hosts[] | select(.fits == "no" and (.reason | test("avx512f")))] | length) == 3' \
	"$WORK/out" >/dev/null || fail "cpu-fit --json: $(cat "$WORK/out")"
hv desktop cpu-fit || fail "cpu-fit of every desktop failed"
grep -q "^$tmpl (on hv1): .*can run on: nowhere$" "$WORK/out" || fail "the list lacks $tmpl: $(cat "$WORK/out")"
# read-only: libvirt answers none of these questions, nothing is claimed
"$HVDECK" -c "$conf" --read-only desktop cpu-fit "$tmpl" >"$WORK/out" 2>"$WORK/err" || fail "read-only cpu-fit failed"
grep -q "can run on: no host known (3 not known)$" "$WORK/out" || fail "read-only cpu-fit: $(cat "$WORK/out")"
hv desktop cpu-fit "$t-none"
[ $? -eq 1 ] && grep -q "no desktop called $t-none" "$WORK/err" || fail "an unknown name: $(cat "$WORK/err")"

# ---- the baseline ----
hv host list --json || fail "host list failed"
jq -e '.cpu_baselines | map(select(.virt_type == "qemu" and .hosts == "hv1, hv2, hv3"
	and (.xml | test("<cpu")) and (.model | length > 0))) | length == 1' "$WORK/out" >/dev/null ||
	fail "no qemu baseline over hv1..hv3: $(cat "$WORK/out")"

# ---- placement refuses it, with the reason ----
hv desktop new "$tmpl" "$t-n1" --on hv2 && fail "desktop new --on hv2 went ahead"
grep -q "hv2 cannot run the CPU of $tmpl: .*avx512f" "$WORK/err" || fail "desktop new --on hv2: $(cat "$WORK/err")"
hv desktop new "$tmpl" "$t-n1" && fail "desktop new went ahead"
grep -q "no host may run new desktops.*hv1 cannot run the CPU of $tmpl: .*avx512f" "$WORK/err" ||
	fail "desktop new without --on: $(cat "$WORK/err")"
[ -z "$(node_of "$t-n1")" ] || fail "a refused desktop new defined $t-n1"
[ ! -e "$st/groups/$t-n1.qcow2" ] || fail "a refused desktop new made an overlay"
# a drain's plan uses the same facts: the definition has nowhere to go
hv host drain hv1 --dry-run --include-defined || fail "drain --dry-run failed: $(cat "$WORK/err")"
grep -q "^ *$tmpl (shut off): stays on hv1 (no host can run its CPU (.*avx512f" "$WORK/out" ||
	fail "the drain plan does not say $tmpl's CPU runs nowhere: $(cat "$WORK/out")"

# ---- read-only and unknown models are refused, nothing changes ----
"$HVDECK" -c "$conf" --read-only desktop set-cpu "$tmpl" baseline >"$WORK/out" 2>"$WORK/err" &&
	fail "set-cpu ran read-only"
grep -q "read-only: desktop set-cpu is not allowed" "$WORK/err" || fail "read-only: $(cat "$WORK/err")"
hv desktop set-cpu "$tmpl" NoSuchModel && fail "an unknown model was set"
grep -q "hv1: .*NoSuchModel" "$WORK/err" || fail "unknown model: $(cat "$WORK/err")"
[ "$(dom_cpu)" = qemu64 ] || fail "a refused set-cpu changed the definition: $(dom_cpu)"

# ---- the console: marked, nowhere; set-cpu baseline there ----
tui_start "$conf" 200 50
for i in 1 2 3; do wait_screen $HOST_ONLINE_S "hv$i +mixed +online"; done
keys 4; keys /; keys C-u; keys -l "$tmpl"; keys Enter
wait_screen 10 "$tmpl .* hv1 !CPU"
keys Enter; wait_screen 3 "^Desktop $tmpl"
wait_screen 3 "CPU +qemu64 \\+1 feature \\(qemu\\)"
on_screen "can run on: nowhere" || { screen >&2; fail "details do not say nowhere"; }
keys Escape
keys : ; keys -l "desktop set-cpu $tmpl baseline"; keys Enter
wait_until 30 eval '[ "$(dom_cpu)" != qemu64 ]' || { screen >&2; fail "console set-cpu baseline did not define it"; }
wait_screen 30 "$tmpl .* hv1 "
keys Enter; wait_screen 3 "^Desktop $tmpl"
wait_screen 30 "can run on: hv1, hv2, hv3"
on_screen "!CPU" && { screen >&2; fail "the mark stayed"; }
keys Escape
tmx kill-session -t hv

base_model=$(dom_cpu)
[ -n "$base_model" ] || fail "no model after set-cpu baseline"
hv desktop cpu-fit "$tmpl" || fail "cpu-fit after baseline failed"
grep -q "^$tmpl (on hv1): CPU $base_model .*can run on: hv1, hv2, hv3$" "$WORK/out" ||
	fail "after baseline: $(cat "$WORK/out")"

# ---- the command line: a model, defined on the host ----
hv desktop set-cpu "$tmpl" Nehalem || fail "set-cpu Nehalem: $(cat "$WORK/err")"
grep -q "$tmpl now asks for CPU model Nehalem" "$WORK/out" || fail "set-cpu said: $(cat "$WORK/out")"
[ "$(dom_cpu)" = Nehalem ] || fail "the definition asks for $(dom_cpu), not Nehalem"

# ---- through a running server: the same answers ----
server_start "$conf" "$WORK/server.log"
# an attached console draws the server's answers (its table comes over the
# socket, cpufit-json.h): asking for avx512f again marks the row, and a
# set-cpu from that console takes the mark away when the server's new
# answers reach it
vsh 1 dumpxml --inactive "$tmpl" | sed "/<cpu[ >]/,/<\/cpu>/d; s|</vcpu>|</vcpu>$AVX|" >"$WORK/avx-again.xml"
vsh 1 define "$WORK/avx-again.xml" >/dev/null || fail "define the template desktop with avx512f again"
asks_avx() { vsh 1 dumpxml --inactive "$tmpl" | grep -q avx512f; }
tui_start "$conf" 200 50
wait_screen 30 "attached to server"
keys 4; keys /; keys C-u; keys -l "$tmpl"; keys Enter
wait_screen 30 "$tmpl .* hv1 !CPU"
keys Enter; wait_screen 3 "^Desktop $tmpl"
wait_screen 10 "can run on: nowhere"
keys Escape
keys : ; keys -l "desktop set-cpu $tmpl qemu64"; keys Enter
wait_until 30 eval '! asks_avx' || { screen >&2; fail "the attached console's set-cpu did not define it"; }
wait_screen 30 "$tmpl .* hv1 +[0-9]"
keys Enter; wait_screen 3 "^Desktop $tmpl"
wait_screen 30 "can run on: hv1, hv2, hv3"
on_screen "!CPU" && { screen >&2; fail "the attached console's mark stayed"; }
keys Escape
tmx kill-session -t hv
hv desktop set-cpu "$tmpl" qemu64 || fail "set-cpu through the server: $(cat "$WORK/err")"
[ "$(dom_cpu)" = qemu64 ] || fail "through the server the definition asks for $(dom_cpu)"
wait_until 30 eval 'hv desktop cpu-fit "$tmpl" && grep -q "CPU qemu64 (qemu) — can run on: hv1, hv2, hv3$" "$WORK/out"' ||
	fail "cpu-fit through the server: $(cat "$WORK/out" "$WORK/err")"
hv desktop set-cpu "$tmpl" NoSuchModel && fail "an unknown model was set through the server"
grep -q "NoSuchModel" "$WORK/err" || fail "unknown model through the server: $(cat "$WORK/err")"
hv host list --json || fail "host list through the server"
jq -e '.cpu_baselines | map(select(.virt_type == "qemu")) | length == 1' "$WORK/out" >/dev/null ||
	fail "no baseline through the server: $(cat "$WORK/out")"
"$HVDECK" -c "$conf" server stop >/dev/null 2>&1

# ---- audited: each set-cpu with its result (cpu-fit, read-only, is not) ----
audit=$XDG_STATE_HOME/hvdeck/audit.log
jq -e -s '[.[] | select(.event == "end" and .command == "desktop set-cpu")] |
	(map(select(.result == "ok")) | length) >= 3 and
	(map(select(.result != "ok" and (.error // "" | test("NoSuchModel")))) | length) >= 2' \
	"$audit" >/dev/null || fail "the audit log lacks the set-cpu records: $(grep set-cpu "$audit")"
grep -q '"command":"desktop cpu-fit"' "$audit" && fail "cpu-fit (read-only) was audited"

# ---- now movable: desktop new --on hv2 is placed there ----
hv --no-server desktop new "$tmpl" "$t-n2" --on hv2 || fail "desktop new --on hv2 after set-cpu: $(cat "$WORK/err")"
[ "$(node_of "$t-n2")" = 2 ] || fail "$t-n2 is not on node 2"
pass
