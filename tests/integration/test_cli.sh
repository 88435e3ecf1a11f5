#!/bin/bash
# The command line as a script would meet it: version, help, usage errors
# with exit status 2 and a clear message, bad configuration named by file
# and line, and a file that failed to load left untouched.
. "$(dirname "$0")/lib.sh"

expect() {  # STATUS REGEX COMMAND...: exit status and a line of its output
	local want=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1); rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $out"
	grep -qE -- "$re" <<<"$out" || fail "'$*' said '$out', expected /$re/"
}

expect 0 "^hvdeck [0-9]+\.[0-9]+\.[0-9]+$" "$HVDECK" --version
expect 0 "^usage: hvdeck" "$HVDECK" --help
expect 2 "unknown option '--frobnicate'" "$HVDECK" --frobnicate
expect 2 "unknown command 'frob'" "$HVDECK" frob
expect 2 "needs a value" "$HVDECK" -c
expect 2 "--timeout wants seconds" "$HVDECK" --timeout 0 dump
: >"$WORK/empty.conf"
expect 2 "-H ::.*not a libvirt URI" "$HVDECK" -c "$WORK/empty.conf" -H :: dump

printf 'hosts = (\n  { name = "a"; uri = "test:///default"; },\n  { name = "a"; uri = "test:///default"; }\n);\n' >"$WORK/dup.conf"
cp "$WORK/dup.conf" "$WORK/dup.orig"
expect 2 "dup.conf:3: .*already in use" "$HVDECK" -c "$WORK/dup.conf" dump
cmp -s "$WORK/dup.conf" "$WORK/dup.orig" || fail "a config that failed to load was changed"
printf 'stats_interval = "often";\n' >"$WORK/type.conf"
expect 2 "type.conf:1: .*stats_interval" "$HVDECK" -c "$WORK/type.conf" dump
printf 'hosts = ( { name = "x"; uri = "test:///default"; }\n' >"$WORK/syntax.conf"
expect 2 "syntax.conf:[0-9]+: " "$HVDECK" -c "$WORK/syntax.conf" dump
expect 2 "missing.conf" "$HVDECK" -c "$WORK/missing.conf" dump

# a good one: -H adds hosts for one run, named after the URI
expect 0 "host name=local state=online" "$HVDECK" -c "$WORK/empty.conf" -H test:///default dump
expect 0 "host name=t1 state=online" "$HVDECK" -c "$WORK/empty.conf" -H t1=test:///default dump
expect 0 "no hosts: list them in .*empty.conf or give -H URI" "$HVDECK" -c "$WORK/empty.conf" dump
# -t and connect_timeout take one range
expect 2 "--timeout wants seconds from 1 to 3600" "$HVDECK" --timeout 3601 dump
printf 'connect_timeout = 3601;\n' >"$WORK/ct-high.conf"
expect 2 "ct-high.conf:1: .*connect_timeout.*1\.\.3600" "$HVDECK" -c "$WORK/ct-high.conf" dump
printf 'connect_timeout = 3600;\n' >"$WORK/ct-max.conf"
expect 0 "host name=local state=online" "$HVDECK" -c "$WORK/ct-max.conf" -H test:///default --timeout 3600 dump

# a command's options: one range on the command line and the : line
# (cmd-opts.c). --bandwidth 0 is unlimited: accepted, and the migration of
# the test driver's running guest is refused only for its destination; a
# value out of range is refused with exit 2 before anything connects (the
# log, opened after the options are checked, is never made)
expect 1 "cannot migrate test: it already runs on local" \
	"$HVDECK" -c "$WORK/empty.conf" -H test:///default migrate test local --bandwidth 0 --max-downtime 0
for bad in 1000001 -1 10x ""; do
	expect 2 "^hvdeck: --bandwidth: '$bad' is not a whole number 0\.\.1000000 \(MiB/s, 0 unlimited\)$" \
		"$HVDECK" -c "$WORK/empty.conf" --log "$WORK/opts.log" -H closed=qemu+tcp://127.0.0.1:1/system \
		migrate test closed --bandwidth "$bad"
done
expect 2 "^hvdeck: --max-downtime: '3600001' is not a whole number 0\.\.3600000" \
	"$HVDECK" -c "$WORK/empty.conf" --log "$WORK/opts.log" -H test:///default migrate test local --max-downtime 3600001
expect 2 "^hvdeck: --port: '65536' is not a whole number 1\.\.65535" \
	"$HVDECK" -c "$WORK/empty.conf" --log "$WORK/opts.log" host add h 127.0.0.1 --port 65536
[ ! -e "$WORK/opts.log" ] || fail "a refused option still started hvdeck: $(cat "$WORK/opts.log")"

# -c on a FIFO or a device: refused with a message at once, never a hang
mkfifo "$WORK/fifo.conf"
expect 2 "fifo.conf: not a regular file" timeout 5 "$HVDECK" -c "$WORK/fifo.conf" dump
expect 2 "/dev/zero: not a regular file" timeout 5 "$HVDECK" -c /dev/zero dump

# @include is relative to the including file; a missing one names the
# including file, the line, the name and the reason
mkdir -p "$WORK/conf/sub"
printf '@include "sub/hosts.inc"\n' >"$WORK/conf/main.conf"
printf '@include "settings.inc"\nhosts = ( { name = "inc"; uri = "test:///default"; } );\n' >"$WORK/conf/sub/hosts.inc"
printf 'stats_interval = 5;\n' >"$WORK/conf/sub/settings.inc"
expect 0 "host name=inc state=online" "$HVDECK" -c "$WORK/conf/main.conf" dump
printf '@include "sub/nothere.inc"\n' >"$WORK/conf/missing.conf"
expect 2 "missing.conf:1: @include \"sub/nothere.inc\" .*No such file or directory" \
	"$HVDECK" -c "$WORK/conf/missing.conf" dump

# a host name the `:` line could not take back is refused (exit 2)
expect 2 "host name \"a b\" has ' ' at byte 2: only A-Z a-z 0-9 . _ - : \[ \] are allowed" \
	"$HVDECK" -c "$WORK/empty.conf" -H 'a b=test:///default' dump
# dump text: one key=value grammar (spaces, '=', quotes and backslashes
# are quoted: test_hostile_names), and an unreachable host's error is
# printed once
out=$("$HVDECK" -c "$WORK/empty.conf" -H closed=qemu+tcp://127.0.0.1:1/system --timeout 5 dump 2>&1)
[ "$(grep -c "Connection refused" <<<"$out")" -eq 2 ] ||   # stdout's error= and stderr's line
	fail "the closed host's error is not printed once on each stream: $out"
err=$("$HVDECK" -c "$WORK/empty.conf" -H closed=qemu+tcp://127.0.0.1:1/system --timeout 5 dump 2>&1 >/dev/null)
[ "$(grep -c "Connection refused" <<<"$err")" -eq 1 ] || fail "stderr repeats the closed host's error: $err"
grep -q 'error="unable to connect' <<<"$out" || fail "error= not quoted: $out"

# the console needs a terminal
expect 1 "needs a terminal" "$HVDECK" -c "$WORK/empty.conf" </dev/null
pass
