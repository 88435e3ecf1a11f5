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
# the console needs a terminal
expect 1 "needs a terminal" "$HVDECK" -c "$WORK/empty.conf" </dev/null
pass
