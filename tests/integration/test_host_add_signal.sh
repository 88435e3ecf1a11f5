#!/bin/bash
# Ctrl-C (and SIGTERM) at `hvdeck host add`'s password prompt, on a
# terminal (a tmux pane): the terminal has its echo back afterwards (the
# prompt turned it off), the signal still ends hvdeck (130, 143), nothing is
# written, and while the prompt waits the process may not dump core.
# Ctrl-Z in an interactive shell gives the echo back too, and fg turns it
# off again.
. "$(dirname "$0")/lib.sh"

user_add_setup

# at_prompt: hvdeck host add in a pane, its key question answered, at the
# password prompt; the pane runs `stty -a` once hvdeck has ended.
at_prompt() {
	# bash survives the pane's Ctrl-C through a trap (a handler: hvdeck
	# still starts with SIGINT at its default, as under a shell)
	tmx new-session -d -s hv -x 160 -y 40 \
		"bash -c 'trap : INT; LANG=C.UTF-8 $HVDECK -c $conf --log $WORK/hvdeck.log host add hvs 127.0.0.1 --port $port --user $LAB_USER; echo HVDECK-EXITED \$?; stty -a; sleep 600'" ||
		fail "tmux did not start"
	cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
	wait_screen 60 "Type yes:|Password for"
	if on_screen "Type yes:"; then
		keys -l yes; keys Enter
	fi
	wait_screen 30 "Password for $LAB_USER@127.0.0.1:"
	pid=$(pgrep -n -f -- "--log $WORK/hvdeck.log host add hvs") || fail "no hvdeck process"
	grep -qE "^Max core file size +0 +0" "/proc/$pid/limits" ||
		fail "core dumps are on while the password is asked: $(grep core "/proc/$pid/limits")"
}

# echo_back STATUS: hvdeck ended with STATUS and the pane's terminal echoes
echo_back() {
	wait_screen 15 "HVDECK-EXITED"
	wait_screen 5 "speed"	# stty -a printed
	screen >"$WORK/screen.txt"
	grep -q "HVDECK-EXITED $1" "$WORK/screen.txt" ||
		fail "exit status is not $1: $(grep EXITED "$WORK/screen.txt")"
	grep -qE "(^| )-echo( |$)" "$WORK/screen.txt" && { cat "$WORK/screen.txt" >&2; fail "echo is still off after $2"; }
	grep -qE "(^| )echo( |$)" "$WORK/screen.txt" || { cat "$WORK/screen.txt" >&2; fail "stty -a shows no echo after $2"; }
	cmp -s "$conf" "$WORK/conf.orig" || fail "$2 at the prompt changed the config"
	tmx kill-session -t hv
}

at_prompt
keys C-c
echo_back 130 "Ctrl-C"
info "Ctrl-C: echo back, exit 130"

at_prompt
kill -TERM "$pid"
echo_back 143 "SIGTERM"
info "SIGTERM: echo back, exit 143"

# Ctrl-Z in an interactive shell: stopped with echo on; fg: echo off again
# (what is typed is not shown); then Ctrl-C: 130, echo on
tmx new-session -d -s hv -x 160 -y 40 "env PS1='P> ' bash --norc --noprofile -i" || fail "tmux did not start"
cleanup "tmux -S $TMUX_SOCKET kill-session -t hv"
keys -l "LANG=C.UTF-8 $HVDECK -c $conf --log $WORK/hvdeck.log host add hvs 127.0.0.1 --port $port --user $LAB_USER"
keys Enter
wait_screen 60 "Type yes:|Password for"
on_screen "Type yes:" && { keys -l yes; keys Enter; }
wait_screen 30 "Password for $LAB_USER@127.0.0.1:"
keys C-z
wait_screen 10 "Stopped"
keys -l "stty -a | grep -o '[ -]echo ' | head -1 | sed 's/^/ECHO=/'"; keys Enter
wait_screen 5 "^ECHO="
on_screen "^ECHO= echo" || fail "echo is off in the shell after Ctrl-Z"
keys -l "fg"; keys Enter
sleep 1
keys -l "not-to-be-seen"
sleep 1
on_screen "not-to-be-seen" && fail "after fg the prompt echoes what is typed"
keys C-c
keys -l 'echo "RC=$?"; stty -a | grep -o "[ -]echo " | head -1 | sed "s/^/ECHO2=/"'; keys Enter
wait_screen 10 "^ECHO2="
on_screen "^RC=130" || fail "Ctrl-C after fg: $(screen | grep '^RC=')"
on_screen "^ECHO2= echo" || fail "echo is off after Ctrl-C following fg"
cmp -s "$conf" "$WORK/conf.orig" || fail "Ctrl-Z, fg, Ctrl-C changed the config"
pass "a signal at the password prompt gives the terminal its echo back"
