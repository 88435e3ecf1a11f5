#!/bin/bash
# Every key of the key table, every long option and every shipped theme is
# documented in man/hvdeck.1; the ? help is generated from the key table and
# --help lists every long option.
. "$(dirname "$0")/lib.sh"

man=$top/man/hvdeck.1
text=$(groff -man -Tutf8 -P -c "$man" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
[ -n "$text" ] || fail "man page does not render"
groff -man -ww -Tutf8 "$man" 2>&1 >/dev/null | grep -q . && fail "groff warns about the man page"

# keys: labels of the bindings that carry help text
while IFS= read -r label; do
	for k in ${label//,/ }; do
		grep -qF -- "$k" <<<"$text" || fail "key '$k' is not in the man page"
	done
done < <(sed -n 's/^\t{ [^,]*, CMD_[A-Z_]*, [A-Z_0-9]*, "\([^"]*\)", "[^"]*" },$/\1/p' "$top/src/keys.c")

# options: every long option of main.c in the man page and in --help
help=$("$HVDECK" --help)
for opt in $(sed -n 's/^\t{ "\([a-z-]*\)", .*/\1/p' "$top/src/main.c"); do
	grep -qF -- "--$opt" <<<"$text" || fail "option --$opt is not in the man page"
	grep -qF -- "--$opt" <<<"$help" || fail "option --$opt is not in --help"
done

# themes shipped
for t in "$top"/themes/*.theme; do
	name=$(basename "$t" .theme)
	grep -qF -- "$name" <<<"$text" || fail "theme $name is not in the man page"
done
pass
