#!/bin/bash
# The docs against the tables they describe: every key of the key tables
# and every command of the command table (hvdeck list-keys, list-commands)
# is in man/hvdeck.1, every `:` command the man page documents is in the
# table, --help lists every command-line command and long option, and
# every shipped theme is documented. The ? help is generated from the same
# tables.
. "$(dirname "$0")/lib.sh"

man=$top/man/hvdeck.1
text=$(groff -man -Tutf8 -P -c "$man" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
[ -n "$text" ] || fail "man page does not render"
groff -man -ww -Tutf8 "$man" 2>&1 >/dev/null | grep -q . && fail "groff warns about the man page"
help=$("$HVDECK" --help)

# keys: every label of every key table
keys=$("$HVDECK" list-keys) || fail "list-keys failed"
[ "$(wc -l <<<"$keys")" -ge 30 ] || fail "list-keys printed too little: $keys"
set -f	# a label may be "*"
while IFS=$'\t' read -r _table label _command _help; do
	for k in ${label//,/ }; do
		grep -qF -- "$k" <<<"$text" || fail "key '$k' is not in the man page"
	done
done <<<"$keys"
set +f

# commands: console ones as :NAME in CONSOLE COMMANDS, command-line ones in
# COMMANDS and in --help; key-only ones are documented by their keys
cmds=$("$HVDECK" list-commands) || fail "list-commands failed"
console_doc=$(sed -n '/^CONSOLE COMMANDS/,/^[A-Z]/p' <<<"$text")
cli_doc=$(sed -n '/^COMMANDS/,/^[A-Z]/p' <<<"$text")
while IFS=$'\t' read -r where name args _ro _help; do
	# groff pads justified lines, a long .TP tag too: "desktop  migrate"
	words=${name// / +}
	case $where in
	console|both)
		grep -qE -- "^ +:$words( |,|$)" <<<"$console_doc" ||
			fail "command :$name is not in CONSOLE COMMANDS of the man page" ;;&
	cli|both)
		grep -qE -- "^ +$words( |$)" <<<"$cli_doc" || fail "command $name is not in COMMANDS of the man page"
		grep -qE -- "^  $name( |$)" <<<"$help" || fail "command $name is not in --help" ;;
	esac
done <<<"$cmds"
# and the other way: no documented `:` command that the table lacks
while read -r name; do
	grep -qP -- "^(console|both)\t\Q$name\E\t" <<<"$cmds" ||
		fail "the man page documents :$name, which is not a console command"
done < <(grep -oE '^ +:[a-z][a-z-]*( [a-z][a-z-]*)*' <<<"$console_doc" | sed 's/^ *://')

# options: every long option of main.c in the man page and in --help
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
