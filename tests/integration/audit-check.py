#!/usr/bin/env python3
"""audit-check.py LOG: every line of hvdeck's audit log is one JSON object
with exactly the documented members; every start has exactly one end (by
pid and id) after it; a "session" line (a read-only hvdeck started)
stands alone. Prints one line per command, tab-separated:
command, target, result, error, user, from. Exit 1 with the reason when
a line is wrong."""
import json
import re
import sys

START = {"time", "user", "from", "pid", "id", "event", "command", "target"}
END = START | {"result", "error"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def main(path):
    open_ = {}
    done = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                sys.exit(f"line {n}: not newline-terminated")
            try:
                o = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                sys.exit(f"line {n}: not JSON: {e}: {raw!r}")
            want = START if o.get("event") in ("start", "session") else END
            if set(o) != want:
                sys.exit(f"line {n}: members {sorted(o)}, wanted {sorted(want)}")
            if not TIME.match(o["time"]):
                sys.exit(f"line {n}: time {o['time']!r}")
            key = (o["pid"], o["id"])
            if o["event"] == "start":
                if key in open_ or any(d[0] == key for d in done):
                    sys.exit(f"line {n}: a second start of {key}")
                open_[key] = o
            elif o["event"] == "end":
                s = open_.pop(key, None)
                if s is None:
                    sys.exit(f"line {n}: an end without its start: {key}")
                if (s["command"], s["target"]) != (o["command"], o["target"]):
                    sys.exit(f"line {n}: end differs from its start")
                if o["result"] not in ("ok", "failed", "refused", "cancelled"):
                    sys.exit(f"line {n}: result {o['result']!r}")
                done.append((key, o))
            elif o["event"] == "session":   # read-only session started
                if o["id"] != 0 or o["target"] is not None:
                    sys.exit(f"line {n}: a session line with id or target")
                done.append((None, dict(o, result="session", error=None)))
            else:
                sys.exit(f"line {n}: event {o['event']!r}")
    if open_:
        sys.exit(f"starts without an end: {sorted(open_)}")
    for _, o in done:
        print("\t".join(str(o[k]) for k in
                        ("command", "target", "result", "error", "user", "from")))


main(sys.argv[1])
