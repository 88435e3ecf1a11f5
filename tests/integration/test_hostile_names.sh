#!/bin/bash
# Guests named to deceive: a bidi override, a zero-width space (beside the
# same name without it), a C1 control (CSI, U+009B: libvirt takes it in a
# name; it refuses C0 controls and invalid UTF-8 in the XML) and the
# characters dump's key=value grammar quotes; and a volume whose file name
# is not UTF-8 (libvirt passes those bytes on). dump, watch and the console
# must show each as an escape (never the raw character), tell the
# look-alikes apart, and dump --json must stay valid UTF-8 with the names
# kept exactly.
. "$(dirname "$0")/lib.sh"

# hostile_guest TAG NAME: define (not start) a lab guest named NAME on
# node 1; removed at exit by UUID (the names are awkward for a shell)
hostile_guest() {
	local xml=$WORK/$1.xml esc
	esc=$(sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' <<<"$2")
	"$LAB" guest-xml "t$$-$1" | awk -v n="$esc" '
		!done && /<name>/ { sub(/<name>[^<]*<\/name>/, "<name>" n "</name>"); done = 1 } { print }' >"$xml" ||
		fail "no guest XML"
	vsh 1 define "$xml" >/dev/null || fail "libvirt refused the name of $1"
	uuids+=("$(vsh 1 domuuid "$2")")
	cleanup "vsh 1 undefine ${uuids[-1]}"
}
uuids=()
p="t$$"
plain="$p-a"
zwsp="$p-a"$'\u200b'
bidi="$p-r"$'\u202e'"exe.txt"
c1="$p-c"$'\u009b'"31m"
quote="$p-q a=\"b\\"
hostile_guest plain "$plain"
hostile_guest zwsp "$zwsp"
hostile_guest bidi "$bidi"
hostile_guest c1 "$c1"
hostile_guest quote "$quote"
groups=$(vsh 1 pool-dumpxml groups | sed -n 's:.*<path>\(.*\)</path>.*:\1:p')
[ -d "$groups" ] || fail "no directory for the groups pool"
badvol="$p-bad"$'\xff'".img"
printf x >"$groups/$badvol" || fail "cannot create $groups/$badvol"
cleanup "rm -f '$groups/$badvol'; for _n in \$(seq 1 $LAB_NODES); do vsh \$_n pool-refresh groups; done"
vsh 1 pool-refresh groups >/dev/null || fail "pool-refresh"
conf=$(write_config)

# ---- dump text ----
"$HVDECK" -c "$conf" dump >"$WORK/dump.txt" 2>"$WORK/dump.err" || fail "dump failed: $(cat "$WORK/dump.err")"
for want in "name=$p-a uuid=" "name=$p-a<U+200B> uuid=" "name=$p-r<U+202E>exe.txt uuid=" \
	"name=$p-c<U+009B>31m uuid=" "name=\"$p-q a=\\\"b\\\\\" uuid="; do
	grep -qF -- "$want" "$WORK/dump.txt" || fail "dump text lacks '$want': $(grep -F "$p" "$WORK/dump.txt")"
done
grep -qF -- "name=$p-bad<0xff>.img " "$WORK/dump.txt" || fail "dump text lacks the volume's <0xff>"
for raw in $'\u200b' $'\u202e' $'\u009b' $'\xff'; do
	grep -qF -- "$raw" "$WORK/dump.txt" && fail "dump text has a raw $(printf %q "$raw")"
done

# ---- dump --json: valid UTF-8, names exactly as libvirt has them ----
"$HVDECK" -c "$conf" dump --json >"$WORK/dump.json" 2>/dev/null || fail "dump --json failed"
iconv -f UTF-8 -t UTF-8 "$WORK/dump.json" >/dev/null || fail "dump --json is not valid UTF-8"
jq -e . "$WORK/dump.json" >/dev/null || fail "jq cannot parse dump --json"
hex=$(printf %s "$p-bad" | od -An -tx1 | tr -d ' \n')ff2e696d67
jq -e --arg n "$p-bad"$'\ufffd'".img" --arg h "$hex" \
	'any(.pools[].volumes[]; .name == $n and .name_hex == $h)' "$WORK/dump.json" >/dev/null ||
	fail "volume not repaired with U+FFFD and name_hex $hex: $(jq -c '.pools[].volumes[]' "$WORK/dump.json" | grep -F -- "$p")"
for name in "$plain" "$zwsp" "$bidi" "$c1" "$quote"; do
	jq -e --arg n "$name" 'any(.desktops[]; .name == $n)' "$WORK/dump.json" >/dev/null ||
		fail "dump --json does not keep the name $(printf %q "$name")"
done

# ---- watch text: a guest defined while it runs ----
"$HVDECK" -c "$conf" watch >"$WORK/watch.txt" 2>&1 &
watch_id=$(proc_id $!) && cleanup "signal_proc TERM $watch_id"
wait_until 20 grep -q "hv1" "$WORK/watch.txt" || fail "watch did not start: $(cat "$WORK/watch.txt")"
late="$p-w"$'\u2066'"x"
hostile_guest late "$late"
wait_until 10 grep -qF "$p-w<U+2066>x" "$WORK/watch.txt" ||
	fail "watch text does not show the escaped name: $(grep -F "$p" "$WORK/watch.txt")"
grep -qF $'\u2066' "$WORK/watch.txt" && fail "watch text has a raw U+2066"

# ---- the console ----
tui_start "$conf" 200 50
wait_screen 20 "$p-r<U\\+202E>exe\\.txt"
wait_screen 5 "$p-c<U\\+009B>31m"
screen >"$WORK/screen.txt"
grep -qF "$p-a<U+200B>" "$WORK/screen.txt" || fail "the zero-width space is not shown: $(cat "$WORK/screen.txt")"
for raw in $'\u200b' $'\u202e' $'\u009b' $'\u2066'; do
	grep -qF -- "$raw" "$WORK/screen.txt" && fail "the screen has a raw $(printf %q "$raw")"
done
keys 3; wait_screen 3 "$p-bad<0xff>\\.img"
keys 1
# every row of these guests is ASCII on screen now: the column after the
# name starts at the same place in each, so no name miscounted its width
cols=$(grep -F "$p-" "$WORK/screen.txt" | grep -E "shutoff +hv1 " | awk '{ print index($0, "shutoff") }' | sort -u)
[ "$(wc -l <<<"$cols")" -eq 1 ] || fail "state column not aligned: $(grep -F "$p-" "$WORK/screen.txt")"
# scroll to the end and back: every row is redrawn exactly as before, no
# cell of another row left behind. Only the desktops pane's part of each
# line is compared (the pane beside it lines up differently as other
# hosts' rows arrive), and the screen is read once every host is online.
desk_rows() { grep -F "$p-" | sed "s/││.*//"; }
wait_screen $HOST_ONLINE_S "hosts $LAB_NODES/$LAB_NODES online"
before=$(screen | desk_rows)
# End and Home, then help and back: keys are read in order, so once help
# has come and gone, End and Home have been handled and drawn
keys End; keys Home; keys '?'
wait_screen 5 "Shift-F +force off"
keys Escape
wait_until 5 bash -c "! tmux -S '$TMUX_SOCKET' capture-pane -p -t hv | grep -q 'Shift-F  *force off'" ||
	{ screen >&2; fail "help did not close"; }
same_rows() { [ "$(screen | desk_rows)" = "$before" ]; }
wait_until 5 same_rows || fail "rows changed after scrolling: $(diff <(echo "$before") <(screen | desk_rows))"
pass "dump, dump --json, watch and the console show every escape"
