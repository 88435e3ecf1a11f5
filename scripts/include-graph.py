#!/usr/bin/env python3
"""The module graph of src/ and include/ from their #include "..." lines.

A module is a file name without its extension (model.c and model.h are one).
Prints the import circles (strongly connected components of more than one
module) and the arrows that run upward between layers, then exits 1 if any
circle crosses a layer or holds more than two modules.

    scripts/include-graph.py [TREE]
"""
import os
import re
import sys

RANK = {"core": 0, "virt": 1, "act": 2, "cmd": 3, "srv": 4, "cli": 5, "tui": 5}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def modules(top):
    graph, layer = {}, {}
    for base in ("src", "include"):
        for root, _, files in os.walk(os.path.join(top, base)):
            for name in files:
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(root, name)
                mod = os.path.splitext(name)[0]
                parts = os.path.relpath(path, top).split(os.sep)
                layer[mod] = parts[1] if len(parts) == 3 else "main"
                deps = graph.setdefault(mod, set())
                with open(path, encoding="utf-8", errors="replace") as f:
                    for line in f:
                        m = INCLUDE.match(line)
                        if m:
                            dep = os.path.splitext(os.path.basename(m.group(1)))[0]
                            if dep != mod:
                                deps.add(dep)
    for deps in graph.values():
        deps &= graph.keys()
    return graph, layer


def circles(graph):
    """Tarjan's strongly connected components, iteratively."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = n[0]; n[0] += 1
        stack.append(start); on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop(); on.discard(x); comp.append(x)
                        if x == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = n[0]; n[0] += 1
                stack.append(w); on.add(w)
                work.append((w, iter(sorted(graph[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
    return out


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    graph, layer = modules(top)
    up = [(a, b) for a in graph for b in graph[a]
          if layer[a] in RANK and layer[b] in RANK
          and (RANK[layer[b]] > RANK[layer[a]]
              or (RANK[layer[b]] == RANK[layer[a]] and layer[a] != layer[b]))]
    comps = circles(graph)
    bad = [c for c in comps if len(c) > 2 or len({layer[m] for m in c}) > 1]
    arrows = sum(len(d) for d in graph.values())
    print(f"{len(graph)} modules, {arrows} arrows, {len(up)} upward, "
          f"{len(comps)} circles (largest {max(map(len, comps), default=0)})")
    for a, b in sorted(up):
        print(f"  upward: {a} ({layer[a]}) -> {b} ({layer[b]})")
    for c in comps:
        print(f"  circle of {len(c)}: " + " ".join(f"{m}({layer[m]})" for m in c))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
