#!/bin/bash
# `hvdeck host add` on a terminal (a tmux pane) refusing cleanly: a wrong
# password three times (after the host key was accepted by typing yes;
# each of the first two asked again), then a
# changed host key (lab.sh sshd-rekey) refused with the mismatch and the
# known_hosts line named. The config and known_hosts stay byte for byte;
# the steps print as they settle; no password in any output.
. "$(dirname "$0")/lib.sh"

user_add_setup
wrong="not-the-password-$RANDOM$RANDOM"
kh=$XDG_CONFIG_HOME/hvdeck/known_hosts

# a wrong password
tui_start "$conf" 160 40 host add hvw 127.0.0.1 --port "$port" --user "$LAB_USER"
wait_screen 60 "Type yes:"
fp=$(node_host_key_fp "$u")
screen | grep -qF "Accept ED25519 key $fp?" || { screen >&2; fail "the prompt does not show $fp"; }
on_screen "^ok +connect 127.0.0.1:$port" || { screen >&2; fail "no 'ok connect' line"; }
keys -l yes; keys Enter
wait_screen 30 "Password for $LAB_USER@127.0.0.1:"
# a typo costs one try of three, then the add is refused
for try in 2 3; do
	tui_type_secret "$wrong"
	keys Enter
	wait_screen 30 "Password for $LAB_USER@127.0.0.1 \(try $try of 3\):"
done
tui_type_secret "$wrong"
keys Enter
wait_screen 60 "HVDECK-EXITED"
screen >"$WORK/wrong.txt"
grep -q "wrong password for $LAB_USER@127.0.0.1" "$WORK/wrong.txt" || { cat "$WORK/wrong.txt" >&2; fail "no wrong-password message"; }
grep -q "HVDECK-EXITED 1" "$WORK/wrong.txt" || fail "exit status is not 1: $(grep EXITED "$WORK/wrong.txt")"
grep -qF -- "$wrong" "$WORK/wrong.txt" && fail "the typed password is on the screen"
cmp -s "$conf" "$WORK/conf.orig" || fail "a wrong password changed the config"
grep -q "127.0.0.1\]:$port " "$kh" || fail "the accepted key is not in hvdeck's known_hosts"
cp "$kh" "$WORK/kh.orig"
tmx kill-session -t hv

# the host key changes: refused loudly, nothing replaced
"$LAB" sshd-rekey "$u" >/dev/null || fail "lab.sh sshd-rekey failed"
tui_start "$conf" 160 40 host add hvw 127.0.0.1 --port "$port" --user "$LAB_USER"
wait_screen 60 "HVDECK-EXITED"
screen >"$WORK/rekey.txt"
grep -q "HOST KEY MISMATCH" "$WORK/rekey.txt" || { cat "$WORK/rekey.txt" >&2; fail "no mismatch message"; }
tr -d '\n' <"$WORK/rekey.txt" | grep -qF "$kh line 1" || { cat "$WORK/rekey.txt" >&2; fail "the known_hosts line is not named"; }
grep -q "HVDECK-EXITED 1" "$WORK/rekey.txt" || fail "exit status is not 1"
grep -q "Type yes" "$WORK/rekey.txt" && fail "a changed key was offered for acceptance"
cmp -s "$conf" "$WORK/conf.orig" || fail "a key mismatch changed the config"
cmp -s "$kh" "$WORK/kh.orig" || fail "a key mismatch changed hvdeck's known_hosts"

for f in "$WORK/hvdeck.log" "$conf" "$XDG_STATE_HOME"/hvdeck/*; do
	[ -f "$f" ] || continue
	grep -qF -- "$wrong" "$f" && fail "the typed password is in $f"
done
pass "wrong password and changed host key refused, config and known_hosts unchanged"
