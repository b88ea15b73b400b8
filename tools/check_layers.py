#!/usr/bin/env python3
"""Fails when the files of a folder use each other in a circle.

"Each file uses only files below it": this derives the file-level graph of a
folder of C sources and fails on any cycle.  A node is a source file X.c
together with its own header X.h (when both exist); a header without a .c
of the same name (internal.h, cli.h, ...) is a node of its own.  Edges:

  * F -> node(H)  when F has `#include "H"` naming a header of the folder
                  (or a sibling folder: "../common/bytes.h");
  * X.c -> Y.c    when X's object file references a global symbol that Y's
                  object file defines (read with `nm`: the calls and data
                  references the compiler really emitted, no parsing guess).

So a file that includes the header of a file above it (and with it the
declarations of everything up there) closes a circle as surely as two files
that call each other.

    tools/check_layers.py --src DIR --objects OBJ... [--nm NM]
    tools/check_layers.py --graph FILE     # self-test: "A -> B" lines

Exit 0: no cycle (the layers are printed bottom up); 1: a cycle (printed).
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def node_of(path):
    """The node of a source path: X.h belongs to X.c when that file exists."""
    base, ext = os.path.splitext(path)
    if ext == ".h" and os.path.exists(base + ".c"):
        return base + ".c"
    return path


def include_edges(src_dirs):
    edges = {}
    files = []
    for d in src_dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h")):
                files.append(os.path.normpath(os.path.join(d, name)))
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            target = os.path.normpath(os.path.join(os.path.dirname(f), inc))
            if os.path.exists(target):
                a, b = node_of(f), node_of(target)
                if a != b:
                    edges.setdefault(a, set()).add(b)
        edges.setdefault(node_of(f), set())
    return edges


def symbol_edges(objects, nm, src_of):
    defined, used = {}, {}
    for obj in objects:
        out = subprocess.run([nm, obj], capture_output=True, text=True, check=True).stdout
        src = src_of(obj)
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                used.setdefault(src, set()).add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDBRCGSV" and parts[1].isupper():
                defined[parts[2]] = src
    edges = {}
    for src, syms in used.items():
        for s in syms:
            if s in defined and defined[s] != src:
                edges.setdefault(src, set()).add(defined[s])
    return edges


def find_cycle(edges):
    """A cycle as a list of nodes, or None (iterative DFS, white/grey/black)."""
    colour = {}
    for start in sorted(edges):
        if colour.get(start):
            continue
        stack = [(start, iter(sorted(edges.get(start, ()))))]
        path = [start]
        colour[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
                continue
            c = colour.get(nxt, 0)
            if c == 1:
                return path[path.index(nxt):] + [nxt]
            if c == 0:
                colour[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
    return None


def layers(edges):
    """Nodes by level: 0 uses nothing of the folder, n uses only levels < n."""
    level = {}

    def lvl(n):
        if n not in level:
            level[n] = 1 + max((lvl(m) for m in edges.get(n, ())), default=-1)
        return level[n]

    for n in edges:
        lvl(n)
    return level


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", action="append", default=[], help="folder of sources (repeatable)")
    ap.add_argument("--objects", nargs="*", default=[], help="object files of those sources")
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--graph", help='self-test input: lines "A -> B"')
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    if args.graph:
        edges = {}
        with open(args.graph, encoding="utf-8") as f:
            for line in f:
                if "->" in line:
                    a, b = (x.strip() for x in line.split("->", 1))
                    edges.setdefault(a, set()).add(b)
                    edges.setdefault(b, set())
    else:
        if not args.src or not args.objects:
            ap.error("--src and --objects are required (or --graph)")
        srcs = [os.path.normpath(d) for d in args.src]
        by_name = {}
        for d in srcs:
            for name in os.listdir(d):
                if name.endswith(".c"):
                    by_name.setdefault(name, []).append(os.path.join(d, name))

        def name_of(obj):
            # CMake names objects <file>.c.o (other builds <file>.o).
            base = os.path.basename(obj)
            return base[:-2] if base.endswith(".c.o") else base[:-2] + ".c"

        def src_of(obj):
            cands = by_name.get(name_of(obj), [])
            if len(cands) != 1:
                sys.exit(f"check_layers: cannot tell the source of {obj} ({cands})")
            return os.path.normpath(cands[0])

        objs = [o for o in args.objects if name_of(o) in by_name]
        if not objs:
            sys.exit("check_layers: no object file matches a source of " + ", ".join(srcs))
        edges = include_edges(srcs)
        for a, bs in symbol_edges(objs, args.nm, src_of).items():
            edges.setdefault(a, set()).update(bs)

    cycle = find_cycle(edges)
    if cycle:
        print("check_layers: circle: " + " -> ".join(cycle), file=sys.stderr)
        return 1
    if not args.quiet:
        level = layers(edges)
        for n in sorted(level, key=lambda n: (level[n], n)):
            uses = ", ".join(sorted(os.path.basename(m) for m in edges.get(n, ())))
            print(f"{level[n]:3d} {n}" + (f"  (uses {uses})" if uses else ""))
    print(f"check_layers: {len(edges)} files, no circle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
