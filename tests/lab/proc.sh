# tests/lab/proc.sh - process identity for the lab and the tests. Sourced.
#
# A pid alone is not an identity (the kernel reuses pids), nor is a mount
# namespace id (the kernel reuses those too). A process is identified by its
# pid AND its start time: field 22 of /proc/PID/stat, in clock ticks since
# boot, fixed at fork and unchanged by exec. Everything the lab or a test
# starts is recorded that way at launch, and nothing is ever signalled unless
# both still match right before the signal.

# proc_start PID: the start time of a live process (not a lone zombie), or fail.
proc_start() {
    local stat rest
    local pid=${1:-}
    case $pid in ''|*[!0-9]*) return 1 ;; esac
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # comm (field 2) may hold spaces and parentheses: split after the last ')'
    rest=${stat##*) }
    # shellcheck disable=SC2086
    set -- $rest
    [ $# -ge 20 ] || return 1
    # field 3, the state: a zombie is gone once it is alone. A killed
    # multithreaded process shows its leader as a zombie while its other
    # threads are still exiting, and its files (a listening socket, a
    # lock) are closed only when the last of them is gone.
    if [ "$1" = Z ]; then
        local tasks=(/proc/"$pid"/task/*)
        [ "${#tasks[@]}" -gt 1 ] || return 1
    fi
    echo "${20}"
}

# same_proc PID START: PID is alive and is the process that started at START.
same_proc() {
    [ -n "${2:-}" ] && [ "$(proc_start "$1")" = "$2" ]
}

# signal_proc SIG PID START: signal PID only if it is still that process.
signal_proc() {
    same_proc "$2" "$3" || return 1
    kill "-$1" "$2" 2>/dev/null
}

# proc_id PID: "PID START" for a process just started (e.g. from $!), to be
# kept and passed to signal_proc later.
proc_id() {
    local st
    st=$(proc_start "$1") || return 1
    echo "$1 $st"
}

# ---- records: a file holding "PID START" ----

# rec_write FILE PID: record a process we have just started.
rec_write() {
    local id
    id=$(proc_id "$2") || return 1
    echo "$id" >"$1.tmp" && mv "$1.tmp" "$1"
}

# rec_read FILE: sets REC_PID and REC_START (fails on a missing or bad file).
rec_read() {
    REC_PID= REC_START=
    [ -r "$1" ] || return 1
    read -r REC_PID REC_START _ <"$1" 2>/dev/null || [ -n "$REC_PID" ] || return 1
    case $REC_PID in ''|*[!0-9]*) REC_PID= REC_START=; return 1 ;; esac
    case $REC_START in ''|*[!0-9]*) REC_PID= REC_START=; return 1 ;; esac
}

# rec_alive FILE: the recorded process is still the one we started.
rec_alive() {
    rec_read "$1" && same_proc "$REC_PID" "$REC_START"
}
