#!/usr/bin/env python3
"""Conformance adapter for pyacepack: ADAPTER capabilities|read|write|migrate."""
import json, sys, traceback
sys.path.insert(0, "tools")  # where the library lives (run from the repository root)
from pyacepack import (Reject, Unsupported, read, dump, parse_dump, build_v1, build_v2,
                       migrate)

def main(args):
    profile = args[args.index("--profile") + 1] if "--profile" in args else "strict"
    out = sys.stdout.buffer
    try:
        if args[0] == "capabilities":
            out.write(json.dumps({"read": True, "write": True, "migrate": True,
                                  "profiles": ["strict", "compat"]}).encode())
        elif args[0] == "read":
            with open(args[1], "rb") as f:
                out.write(dump(read(f.read(), profile)))
        elif args[0] == "write":  # a refused dump raises a Reject naming its D or W rule
            c = parse_dump(sys.stdin.buffer.read())
            out.write(build_v1(c.kv) if c.format_version == 1 else build_v2(c))
        elif args[0] == "migrate":
            out.write(migrate(sys.stdin.buffer.read(), profile)[0])
        else:
            print(f"unknown command {args[0]}", file=sys.stderr); return 2
    except Reject as e:
        print(f"{args[1] if args[0] == 'read' else '<stdin>'}:{e.offset}: {e.rule}: {e.message}",
              file=sys.stderr); return 1
    except Unsupported as e:
        print(f"unsupported: {e}", file=sys.stderr); return 3
    except BaseException:  # a bug of ours is exit 4, never 1 (which means "rejected")
        traceback.print_exc(); return 4
    return 0

sys.exit(main(sys.argv[1:]))
