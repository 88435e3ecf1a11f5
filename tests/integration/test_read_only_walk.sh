#!/bin/bash
# Read-only, closed everywhere: a walk generated from the command table
# (hvdeck list-commands) and the key tables (hvdeck list-keys), so a new
# command or key cannot be forgotten. Under -r every mutating command of
# the command line (in-process, then through a running server as its
# read-only client), every mutating `:` command of the console (in-process,
# then attached to that server) and every mutating key binding of the
# panes answer "read-only: NAME is not allowed" and do nothing: virsh
# shows every node as it was, and the config, hvdeck's known_hosts and key
# directory and the lab user's authorized_keys are byte-for-byte the same.
# Each command is given real targets and --yes/--force where it takes
# them, so one that slipped through would act.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$WORK/xdg
mkdir -p "$XDG_CONFIG_HOME/hvdeck"
cp "$LAB_KNOWN_HOSTS" "$XDG_CONFIG_HOME/hvdeck/known_hosts"
conf=$(write_config)
new_guest 1 ro; g=$GUEST

# what must not change: every node's domains, states, pools and volumes,
# and the files hvdeck could write
snapshot() {
	local n d p
	for ((n = 1; n <= LAB_NODES; n++)); do
		for d in $(vsh $n list --all --name | sort); do
			echo "node$n $d $(guest_state $n "$d")"
		done
		for p in $(vsh $n pool-list --all --name | sort); do
			echo "node$n pool $p: $(vsh $n vol-list "$p" --details 2>/dev/null | awk '{print $1, $3}' | sort | tr '\n' ' ')"
		done
	done
	(cd "$XDG_CONFIG_HOME" && find . -type f | sort | xargs sha256sum)
	sha256sum "$conf" "$LAB_KNOWN_HOSTS" "$LAB_USER_HOME/.ssh/authorized_keys" 2>&1
}
snapshot >"$WORK/before"

# words for a command's arguments from its usage: real objects, and the
# flags that skip a question
args_for() {
	local name=$1 usage=$2 w out=()
	for w in ${usage%%\[*}; do
		case $w in
		*'|'*) out+=("${w%%|*}") ;;
		NAME) case $name in host*) out+=(hv1) ;; *) out+=("$g") ;; esac ;;
		DESKTOP | TEMPLATE_DESKTOP | SOURCE) out+=("$g") ;;
		NAME...) out+=("$g-copy") ;;
		DEST_HOST) out+=(hv2) ;;
		ADDRESS) out+=(127.0.0.1) ;;
		POOL/NAME) out+=(groups/"$g".qcow2) ;;
		*) out+=(x) ;;
		esac
	done
	case $usage in
	'[NAME]'*) case $name in host*) out+=(hv3) ;; pool*) out+=(groups) ;; *) out+=("$g") ;; esac ;;
	'[ID]'*) out+=(1) ;;
	esac
	case $usage in *--yes\]*) out+=(--yes) ;; esac
	case $usage in *--force\]*) out+=(--force) ;; esac
	echo "${out[*]}"
}

cmds=$("$HVDECK" list-commands) || fail "list-commands"
# (fields split on \037: read joins empty fields between tabs)
writes() { awk -F'\t' -v w="$1" '$4 == "writes" && ($1 == w || $1 == "both")' <<<"$cmds" | tr '\t' '\037'; }

# the command line: refused, saying so, exit status not 0
cli_walk() {	# LABEL [OPTIONS]: every mutating command-line command
	local label=$1 where name usage _ro _help a n=0
	shift
	while IFS=$'\037' read -r where name usage _ro _help; do
		a=$(args_for "$name" "$usage")
		# shellcheck disable=SC2086
		"$HVDECK" -c "$conf" -r "$@" $name $a </dev/null >"$WORK/out" 2>"$WORK/err" &&
			fail "$label: hvdeck -r $name $a succeeded: $(cat "$WORK/out")"
		grep -qF "read-only: $name is not allowed" "$WORK/err" ||
			fail "$label: hvdeck -r $name $a said: $(cat "$WORK/err" "$WORK/out")"
		n=$((n + 1))
	done < <(writes cli)
	[ "$n" -ge 15 ] || fail "$label: only $n mutating commands in the table"
	info "$label: $n commands refused"
}

# the console's `:` line
line_walk() {	# LABEL
	local where name usage _ro _help a n=0
	while IFS=$'\037' read -r where name usage _ro _help; do
		a=$(args_for "$name" "$usage")
		keys : ; keys -l "$name $a"; keys Enter
		wait_until 10 on_screen "read-only: $name is not allowed" ||
			fail "$1: :$name $a was not refused"
		n=$((n + 1))
	done < <(writes console)
	info "$1: $n : commands refused"
}

# tmux's name for a key label of list-keys
tmux_key() {
	case $1 in
	Ctrl-?) echo "C-$(tr 'A-Z' 'a-z' <<<"${1#Ctrl-}")" ;;
	Shift-Tab) echo BTab ;;
	Shift-?) echo "${1#Shift-}" ;;
	Esc) echo Escape ;;
	PgUp) echo PPage ;;
	PgDn) echo NPage ;;
	*) echo "$1" ;;
	esac
}
# the pane a binding most likely acts in, first; then the others
panes_for() {
	case "$1 $2" in
	*'hypervisors pane'* | 'host '*) echo 1 2 3 4 5 ;;
	*'pools pane'* | 'pool '*) echo 2 1 3 4 5 ;;
	*'volumes pane'* | 'volume '* | derive*) echo 3 4 1 2 5 ;;
	'job '*) echo 5 1 2 3 4 ;;
	*) echo 4 3 1 2 5 ;;
	esac
}
# every mutating binding of every key table: pressed in the panes until
# its refusal shows; a binding whose command is read-only-safe cannot
# change anything (the command table says so, and the unit test holds it
# to the list of such commands), and the progress view's and the pages'
# mutating commands are the jobs pane's (same commands, refused there)
key_walk() {
	local table label cmd _help k p found n=0
	while IFS=$'\t' read -r table label cmd _help; do
		awk -F'\t' -v c="$cmd" '$2 == c && $4 == "writes"' <<<"$cmds" | grep -q . || continue
		[ "$table" = panes ] || continue
		for k in ${label//,/ }; do
			# a message of its own before each press: no refusal seen
			# here is an earlier key's
			keys : ; keys -l "mouse on"; keys Enter
			wait_until 5 on_screen "mouse on" || fail "no :mouse message"
			found=
			for p in $(panes_for "$_help" "$cmd"); do
				keys "$p"
				keys "$(tmux_key "$k")"
				if wait_until 3 on_screen "read-only: $cmd is not allowed"; then
					found=$p
					break
				fi
				keys Escape
			done
			[ -n "$found" ] || fail "key $k ($cmd) was refused in no pane"
			n=$((n + 1))
		done
	done < <("$HVDECK" list-keys)
	[ "$n" -ge 20 ] || fail "only $n mutating key presses"
	info "$n mutating key presses refused"
	# every table is one the walk knows
	"$HVDECK" list-keys | cut -f1 | sort -u | grep -vxE 'panes|pages|migration' &&
		fail "a key table the walk does not know"
	return 0
}

cli_walk "in-process" --no-server

tui_start "$conf" 120 40 -r --no-server
wait_screen $HOST_ONLINE_S "hv$LAB_NODES +mixed +read-only"
keys 4; wait_screen 10 "$g +shutoff"
keys : ; keys -l "go $g"; keys Enter
key_walk
line_walk "console"
keys q; wait_screen 10 "HVDECK-EXITED 0"
tmx kill-session -t hv

server_start "$conf" "$WORK/server.log"
cli_walk "through the server"
# the server refused them itself: each command it runs is in its log
# (those the command line never sends it are listed here)
while IFS=$'\037' read -r _where name _usage _ro _help; do
	case $name in "host key" | server | "server start" | "server stop") continue ;; esac
	grep -qF "server: read-only client of $(id -un): read-only: $name is not allowed" "$WORK/server.log" ||
		fail "the server never refused $name: $(tail -5 "$WORK/server.log")"
done < <(writes cli)
tui_start "$conf" 120 40 -r
wait_screen $HOST_ONLINE_S "attached to server"
wait_screen $HOST_ONLINE_S "hv$LAB_NODES +mixed +read-only|hv$LAB_NODES +mixed +online"
line_walk "attached console"
keys q; wait_screen 10 "HVDECK-EXITED 0"
# (an attached read-only console refuses before sending, as the server
# would: srv-remote.c; the server's own refusal is the command line's above)

snapshot >"$WORK/after"
diff "$WORK/before" "$WORK/after" >&2 || fail "something changed under -r"
pass "every mutating command and key refused; nothing changed"
