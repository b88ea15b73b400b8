"""The --generate options of conformance/run.py and their entry point (acetest/generate.py does
the work). Kept apart so that run.py only needs a two-line hook."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from . import adapter as ad
from .limits import Limits


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("random differential testing (README: \"Generated files\")")
    g.add_argument("--generate", type=int, metavar="N",
                   help="instead of the corpus, check N generated files against the reference "
                        "(pyacepack and the C CLI)")
    g.add_argument("--seed", type=int, default=1, metavar="S",
                   help="seed of --generate (default 1); same seed, same files")
    g.add_argument("--generate-from", type=int, default=0, metavar="I",
                   help="first file number (default 0): `--generate 1 --generate-from I` "
                        "makes file I again")
    g.add_argument("--generate-out", type=Path, metavar="DIR",
                   help="where failing files go (default BUILD/generate-failures)")
    g.add_argument("--no-minimize", action="store_true",
                   help="write failing files as generated, without shrinking them")
    g.add_argument("--save-files", type=Path, metavar="DIR",
                   help="also write every generated file to DIR (to compare runs)")
    g.add_argument("--generate-features", default="", metavar="LIST",
                   help="also generate files of spec 1.1.0: `segmented`, `checksums` "
                        "(comma-separated) or `1.1` (both); another generator, so the files "
                        "of a seed differ from those without (default: none)")


def _reproduce(argv: list[str]) -> list[str]:
    """The command line of this run, without the options a reproduction sets itself."""
    out, skip = ["python3", "conformance/run.py"], False
    drop = {"--generate", "--generate-from", "--save-files", "-j", "--jobs", "--json"}
    for token in argv:
        if skip:
            skip = False
            continue
        name = token.split("=", 1)[0]
        if name in drop:
            skip = "=" not in token
            continue
        out.append(token)
    return out + ["--generate", "1"]


def main(args: argparse.Namespace, argv: list[str], repo: Path, make_adapters) -> int:
    sys.path.insert(0, str(repo / "tools"))
    from . import generate

    if args.generate < 1 or args.generate_from < 0:
        print("conformance: --generate N needs N >= 1 and --generate-from >= 0", file=sys.stderr)
        return 2
    from .genfeatures import parse_features
    try:
        features = parse_features(args.generate_features)
    except ValueError as e:
        print(f"conformance: --generate-features: {e}", file=sys.stderr)
        return 2
    exe = (repo / args.build_dir / "acepack").resolve()
    limits = Limits(args.timeout, args.wall_timeout)
    c_ref = ad.Adapter("c", [str(exe), "adapter"], limits) if exe.is_file() else None
    if c_ref is None:
        print(f"conformance: warning: no C CLI at {exe}: the reference is pyacepack alone "
              "(build it to compare C with Python)", file=sys.stderr)
    subjects = []
    if args.adapters:
        try:
            subjects = make_adapters(args)
        except Exception as e:  # noqa: BLE001 - run.SetupError, reported the usual way
            print(f"conformance: {e}", file=sys.stderr)
            return 2
    for a in ([c_ref] if c_ref else []) + subjects:
        try:
            a.load_capabilities()
        except ad.AdapterError as e:
            print(f"conformance: adapter {a.name or a.command}: {e}", file=sys.stderr)
            return 2
        a.name = a.name or a.caps.name or ad.derive_name(a.argv)
    if c_ref is not None:
        same = [a for a in subjects if a.argv == c_ref.argv]
        subjects = [a for a in subjects if a.argv != c_ref.argv]
        if same:
            print("generate: the C adapter under test is the C reference: judged once, "
                  "as the reference", file=sys.stderr)
    out_dir = (args.generate_out or repo / args.build_dir / "generate-failures").resolve()
    config = {"c": c_ref, "subjects": subjects, "seed": args.seed,
              "spec": (repo / "spec" / "ACEPACK.md").read_text(encoding="utf-8"),
              "out": out_dir, "minimize": not args.no_minimize,
              "strict_rules": args.strict_rules, "reproduce": _reproduce(argv),
              "paths": [str(repo / "tools"), str(repo / "conformance")],
              "save": args.save_files, "features": features}
    names = ", ".join(f"{a.name}{' (serve)' if a.serving else ''}" for a in subjects)
    print(f"generate: seed {args.seed}"
          f"{', features ' + ','.join(sorted(features)) if features else ''}, "
          f"files {args.generate_from}.."
          f"{args.generate_from + args.generate - 1}, reference python"
          f"{' + c' + (' (serve)' if c_ref and c_ref.serving else '') if c_ref else ''}, "
          f"adapters under test: {names or 'none (C against Python)'}, -j{args.jobs}")
    started = time.monotonic()
    last = [started]

    def progress(stats, found):
        now = time.monotonic()
        if now - last[0] >= 30:
            last[0] = now
            n = stats["files"]
            print(f"generate: {n} files, {len(found)} failure(s), "
                  f"{n / (now - started):.0f} files/s", file=sys.stderr, flush=True)

    # in memory where there is a tmpfs: the C writer recipes (--generate-features) fsync
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="acepack-generate-", dir=shm) as tmp:
        config["workdir"] = tmp
        stats, found, notes = generate.run(config, args.generate_from, args.generate,
                                           args.jobs, progress)
    elapsed = time.monotonic() - started
    generate.summarize(stats, found, notes, elapsed, sys.stdout)
    if args.json:
        doc = {"generate": args.generate, "seed": args.seed, "from": args.generate_from,
               "elapsed": round(elapsed, 3), "stats": dict(sorted(stats.items())),
               "failures": found, "offset_notes": notes, "ok": not found}
        args.json.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    if found:
        print(f"RESULT: FAIL, {len(found)} failure(s); reproducers in {out_dir}")
        return 1
    print(f"RESULT: PASS, {stats['files']} generated files")
    return 0
