#!/bin/bash
# The layer rule's own test: scripts/check-layers.sh passes on the project's
# tree, and in a scratch copy it fails, naming file and line, for each kind
# of breach it exists to catch: a command including the console, the console
# including the CLI or the server, the server including the CLI, a lower layer including a higher one, an include that
# names no layer, and curses outside tui/. scripts/include-graph.py finds no
# circle across layers or of more than two modules.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/scripts/check-layers.sh
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

out=$("$check" "$top" 2>&1) || fail "the project's tree breaks the rule:
$out"
out=$(python3 "$top/scripts/include-graph.py" "$top" 2>&1) ||
	fail "the include graph has a circle across layers or of more than two modules:
$out"

scratch=$(mktemp -d /tmp/hvdeck-layers.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# plant FILE LINE_TEXT EXPECTED_MESSAGE: one include added at the end of a
# copy of the tree must make the check fail, naming that file and line.
plant() {
	local file=$1 text=$2 want=$3 line
	rm -rf "$scratch/t"
	mkdir -p "$scratch/t"
	cp -r "$top/src" "$top/include" "$scratch/t/"
	[ -f "$scratch/t/$file" ] || { fail "no $file to plant into"; return; }
	printf '%s\n' "$text" >>"$scratch/t/$file"
	line=$(wc -l <"$scratch/t/$file")
	if out=$("$check" "$scratch/t" 2>&1); then
		fail "$file with '$text' passed the check"
		return
	fi
	case $out in
	*"$file:$line: $want"*) echo "ok: $file:$line refused ($want)" ;;
	*) fail "$file with '$text': expected '$file:$line: $want', got:
$out" ;;
	esac
}

first() { (cd "$top" && ls "$1"/*.c | head -1); }
cmd_c=$(first src/cmd)
tui_c=$(first src/tui)
cli_c=$(first src/cli)
core_h=$(cd "$top" && ls include/core/*.h | head -1)
virt_c=$(first src/virt)
srv_c=$(first src/srv)

plant "$cmd_c" '#include "tui/ui.h"' 'cmd may not include "tui/ui.h"'
plant "$tui_c" '#include "cli/cli.h"' 'tui may not include "cli/cli.h"'
plant "$cli_c" '#include "tui/ui.h"' 'cli may not include "tui/ui.h"'
plant "$core_h" '#include "virt/virt-xml.h"' 'core may not include "virt/virt-xml.h"'
plant "$virt_c" '#include "act/act-domain.h"' 'virt may not include "act/act-domain.h"'
plant "$tui_c" '#include "srv/srv.h"' 'tui may not include "srv/srv.h"'
plant "$srv_c" '#include "cli/cli.h"' 'srv may not include "cli/cli.h"'
plant "$cmd_c" '#include "srv/srv.h"' 'cmd may not include "srv/srv.h"'
plant "$cmd_c" '#include "util.h"' 'include "util.h" names no layer'
plant "$cmd_c" '#include <curses.h>' 'cmd may not use curses'
plant "$cli_c" '#include <ncursesw/curses.h>' 'cli may not use curses'

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "layer check: every planted breach refused"
