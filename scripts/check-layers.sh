#!/bin/sh
# The layer rule of src/ and include/: a file in layer L includes only its own
# layer and the layers below it. Order: core < virt < act < cmd < srv <
# {cli, tui}; cli and tui are siblings and never include each other; tui
# never includes srv (the console stays in-process: a client of the server
# comes through cli or main.c); src/main.c sits on top. Curses belongs to tui alone. Prints FILE:LINE for every breach and
# exits 1; silent and 0 when the tree keeps the rule.
#
#   scripts/check-layers.sh [TREE]     # TREE defaults to the project's top
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2

find src include -name '*.[ch]' | sort | xargs awk '
function rank(l) {
	if (l == "core") return 0; if (l == "virt") return 1
	if (l == "act") return 2;  if (l == "cmd") return 3
	if (l == "srv") return 4
	if (l == "cli" || l == "tui") return 5
	return -1
}
function layer_of(path,   p) {
	n = split(path, p, "/")
	if (n == 2) return "main"	# src/main.c
	return p[2]
}
function breach(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg; bad = 1 }
FNR == 1 { from = layer_of(FILENAME) }
/^[ \t]*#[ \t]*include[ \t]*</ {
	if (from != "tui" && $0 ~ /<(n?curses|ncursesw\/[a-z]+|term|panel|menu|form)\.h>/)
		breach(from " may not use curses (only tui/ draws)")
	next
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	s = $0; sub(/^[^"]*"/, "", s); sub(/".*$/, "", s)
	if (from == "main") next
	if (split(s, q, "/") != 2 || rank(q[1]) < 0) {
		breach("include \"" s "\" names no layer (write \"LAYER/" s "\")")
		next
	}
	to = q[1]
	if (from == "tui" && to == "srv")
		breach("tui may not include \"" s "\" (the console is no client of the server yet)")
	else if (rank(to) > rank(from) || (to != from && rank(to) == rank(from)))
		breach(from " may not include \"" s "\" (" to " is not below " from ")")
}
END { exit bad }
'
