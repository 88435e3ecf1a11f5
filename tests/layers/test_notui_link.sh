#!/bin/bash
# Below the console nothing needs curses: every unit test that includes no
# tui/ header is linked (Makefile: NOTUI_OBJS, NOTUI_LDLIBS) without ncurses,
# and such tests exist for each layer below tui. A test binary that needs
# libncurses or libtinfo, or a layer with no curses-free test, fails.
#
#   tests/layers/test_notui_link.sh [BUILD_DIR]    # default: build
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
declare -A covered

for src in "$top"/tests/unit/test_*.c; do
	grep -q '^#include "tui/' "$src" && continue
	name=$(basename "$src" .c)
	bin=$build/tests/$name
	if [ ! -x "$bin" ]; then
		fail "$bin is not built"
		continue
	fi
	needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	case $needed in
	*curses* | *tinfo*)
		fail "$name includes no tui/ header but links $(echo "$needed" | grep -E 'curses|tinfo' | tr '\n' ' ')"
		continue ;;
	esac
	for l in $(sed -n 's/^#include "\(core\|virt\|act\|cmd\|srv\|cli\)\/.*/\1/p' "$src" | sort -u); do
		covered[$l]+="$name "
	done
done
for l in core virt act cmd srv cli; do
	if [ -z "${covered[$l]:-}" ]; then
		fail "no unit test of $l links without curses"
	else
		echo "ok: $l without curses: ${covered[$l]}"
	fi
done
[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
