#!/usr/bin/env python3
"""ACEPACK conformance runner: runs corpus/manifest.json against one or more adapters.

    python3 conformance/run.py                       # the C CLI of the default build
    python3 conformance/run.py --python              # the Python implementation
    python3 conformance/run.py --adapter 'mine=./my-acepack adapter' --matrix --python

See conformance/README.md for the adapter protocol and the meaning of every status.
Exit status: 0 no failures, 1 failures, 2 setup or usage error. Python 3.11, stdlib only.
"""
from __future__ import annotations

import argparse
import re
import shlex
import sys
import tempfile
import threading
import time
from pathlib import Path

from acetest import adapter as ad
from acetest import corpus as corpus_mod
from acetest import generate_cli, known, matrix, report
from acetest.limits import Limits
from acetest.checks import Checker
from acetest.dumpcheck import MiniSchema, SchemaError
from acetest.parallel import ordered_map
from acetest.results import CRASH, RULE_MISMATCH, Result

REPO = Path(__file__).resolve().parent.parent
KNOWN_DIR = REPO / "conformance" / "known-failures"
PY_ADAPTER = REPO / "tools" / "pyacepack" / "acepack.py"
EXIT_OK, EXIT_FAIL, EXIT_SETUP = 0, 1, 2


class SetupError(Exception):
    """Nothing was tested: a usage, corpus or adapter start-up problem (exit 2)."""


# --- command line ---------------------------------------------------------------------------

class _AddAdapter(argparse.Action):
    """--adapter / --python / --c all append to one ordered list of (name or None, argv)."""

    def __call__(self, parser, namespace, values, option_string=None):
        specs = list(getattr(namespace, "adapters", None) or [])
        if option_string == "--python":
            specs.append(("python", [sys.executable, str(PY_ADAPTER), "adapter"]))
        elif option_string == "--c":
            specs.append(("c", None))  # resolved against --build-dir later
        else:
            specs.append(_parse_adapter_spec(values))
        namespace.adapters = specs


def _parse_adapter_spec(text: str) -> tuple[str | None, list[str]]:
    """`[NAME=]COMMAND ARGS...`: a leading NAME= token names the adapter."""
    name = None
    m = re.match(r"^([A-Za-z0-9_.+-]+)=(?=\S)", text)
    if m:
        name, text = m.group(1), text[m.end():]
    argv = shlex.split(text)
    if not argv:
        raise argparse.ArgumentError(None, f"empty adapter command: {text!r}")
    return name, argv


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="conformance/run.py",
        description="Run the ACEPACK conformance corpus against adapters (conformance/README.md).")
    p.add_argument("--adapter", action=_AddAdapter, dest="adapters", metavar="'[NAME=]CMD ...'",
                   help="adapter command, split like a shell would (repeatable)")
    p.add_argument("--python", action=_AddAdapter, dest="adapters", nargs=0,
                   help="add the Python implementation (tools/pyacepack/acepack.py adapter)")
    p.add_argument("--c", action=_AddAdapter, dest="adapters", nargs=0,
                   help="add the C CLI of --build-dir (the default when no adapter is given)")
    p.add_argument("--build-dir", default="build", metavar="DIR",
                   help="build directory of the C CLI, absolute or relative to the repo root "
                        "(default: build)")
    p.add_argument("--corpus", type=Path, metavar="DIR",
                   help="corpus directory holding manifest.json (default: REPO/corpus)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SEC",
                   help="CPU-time limit of each adapter call (default: 10)")
    p.add_argument("--wall-timeout", type=float, metavar="SEC",
                   help="wall-clock backstop of each call, for adapters that block without "
                        "computing (default: max(60, 6 x --timeout))")
    p.add_argument("--no-serve", action="store_true",
                   help="one process per call even for adapters that declare `serve`")
    p.add_argument("--filter", metavar="REGEX", help="run only cases whose id matches (re.search)")
    p.add_argument("--no-large", action="store_true",
                   help="leave out the large cases (files over 4 GiB, made as sparse files)")
    p.add_argument("-j", "--jobs", type=int, default=2, metavar="N",
                   help="adapter calls in parallel (default: 2)")
    p.add_argument("--known-failures", action="append", default=[], metavar="[NAME=]FILE",
                   help="known-failure list (repeatable); see README")
    p.add_argument("--strict-rules", action="store_true",
                   help="a rejection under a rule the case does not list is a failure")
    p.add_argument("--matrix", action="store_true",
                   help="also cross-check every writer against every reader")
    p.add_argument("--matrix-only", action="store_true",
                   help="only the matrix, not each adapter's run of the corpus (ctest's "
                        "conformance.matrix: conformance.c and conformance.python run those)")
    p.add_argument("--json", type=Path, metavar="REPORT.json", help="write a JSON report")
    p.add_argument("-v", "--verbose", action="store_true", help="list every result")
    p.add_argument("--fail-fast", action="store_true",
                   help="stop at the first failure, smallest inputs first (tools/mutate)")
    generate_cli.add_arguments(p)
    args = p.parse_args(argv)
    args.matrix = args.matrix or args.matrix_only
    if args.jobs < 1 or args.timeout <= 0 or (args.wall_timeout or 1) <= 0:
        p.error("-j must be >= 1, --timeout and --wall-timeout > 0")
    if args.wall_timeout is None:
        args.wall_timeout = max(60.0, 6 * args.timeout)
    if args.filter:
        try:
            re.compile(args.filter)
        except re.error as e:
            p.error(f"--filter: {e}")
    return args


# --- set-up ---------------------------------------------------------------------------------

def _default_c_argv(build_dir: str) -> list[str]:
    exe = (REPO / build_dir / "acepack").resolve()
    if not exe.is_file():
        raise SetupError(
            f"no C CLI at {exe}.\nBuild it first:\n"
            f"    cmake -S {REPO} -B {REPO / build_dir} && cmake --build {REPO / build_dir} -j2\n"
            "or test another implementation with --python or --adapter 'CMD ...'.")
    return [str(exe), "adapter"]


def make_adapters(args: argparse.Namespace) -> list[ad.Adapter]:
    specs = args.adapters or [("c", None)]
    adapters: list[ad.Adapter] = []
    for name, argv in specs:
        if argv is None:
            argv = _default_c_argv(args.build_dir)
        if str(PY_ADAPTER) in argv and not PY_ADAPTER.is_file():
            raise SetupError(f"no Python implementation at {PY_ADAPTER}")
        adapter = ad.Adapter(name or "", argv, Limits(args.timeout, args.wall_timeout),
                             allow_serve=not args.no_serve)
        adapters.append(adapter)
    return adapters


def probe_capabilities(adapters: list[ad.Adapter]) -> list[Result]:
    """Ask each adapter what it does and settle its name; an adapter that cannot say gets a
    CRASH row (it then runs nothing)."""
    rows = []
    used: set[str] = set()
    for a in adapters:
        error = None
        try:
            a.load_capabilities()
        except ad.AdapterError as e:
            error = str(e)
        base = a.name or a.caps.name or ad.derive_name(a.argv)
        a.name = base
        n = 2
        while a.name in used:
            a.name, n = f"{base}#{n}", n + 1
        used.add(a.name)
        if error:
            rows.append(Result.make(a.name, "<capabilities>", "-", CRASH, error))
    return rows


def load_known_lists(specs: list[str], adapters: list[ad.Adapter]
                     ) -> tuple[dict[str, list[known.Entry]], list[str]]:
    """`NAME=FILE` applies to adapter NAME; a bare FILE to the adapter named like the file's
    stem if there is one, else to every adapter. FILE may also be a bare list name
    (`python` -> conformance/known-failures/python.txt)."""
    names = [a.name for a in adapters]
    lists: dict[str, list[known.Entry]] = {n: [] for n in names}
    warnings: list[str] = []
    for spec in specs:
        m = re.fullmatch(r"([A-Za-z0-9_.+#-]+)=(.+)", spec)
        target, file = (m.group(1), m.group(2)) if m else ("", spec)
        path = _known_path(file)
        if target and target not in names:
            raise SetupError(f"--known-failures {spec}: no adapter named {target!r} "
                             f"(adapters: {', '.join(names)})")
        entries, warns = known.load(path)
        warnings += warns
        owners = [target] if target else ([path.stem] if path.stem in names else names)
        for owner in owners:
            lists[owner] += entries
    return lists, warnings


def _known_path(text: str) -> Path:
    path = Path(text)
    if path.exists():
        return path
    for candidate in (KNOWN_DIR / text, KNOWN_DIR / f"{text}.txt"):
        if candidate.exists():
            return candidate
    raise SetupError(f"known-failure list not found: {text}")


# --- running --------------------------------------------------------------------------------

def run_cases(adapters: list[ad.Adapter], cases: list[corpus_mod.Case], checker: Checker,
              jobs: int, fail_fast: bool = False) -> list[Result]:
    work = [(a, c) for a in adapters for c in cases]
    if fail_fast:  # a mutation run wants one failure, soon: cheap cases first, stop at the first
        work.sort(key=lambda t: t[1].path.stat().st_size)
    stop = threading.Event()

    def one(t: tuple[ad.Adapter, corpus_mod.Case]) -> list[Result]:
        if stop.is_set():
            return []
        rows = checker.run_case(*t)
        if fail_fast and any(r.failure for r in rows):
            stop.set()
        return rows
    return [row for rows in ordered_map(one, work, jobs) for row in rows]


def promote_rule_mismatches(rows: list[Result]) -> None:
    """--strict-rules: a rejection under an unlisted rule becomes a failure."""
    for row in rows:
        if row.rule_mismatch and not row.failure:
            row.status, row.failure, row.detail = RULE_MISMATCH, True, row.rule_mismatch


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.generate is not None:   # random differential testing: acetest/generate.py
        return generate_cli.main(args, argv, REPO, make_adapters)
    started = time.monotonic()
    try:
        corpus_dir = (args.corpus or REPO / "corpus").resolve()
        corpus = corpus_mod.load(corpus_dir, args.filter)
        if args.no_large:
            corpus.cases[:] = [c for c in corpus.cases if c.sparse is None]
        if not corpus.cases:
            raise SetupError(f"no case of {corpus_dir / 'manifest.json'} matches "
                             f"--filter {args.filter!r}")
        schema = MiniSchema.load(REPO / "spec" / "dump.schema.json")
        adapters = make_adapters(args)
    except (SetupError, corpus_mod.CorpusError, SchemaError, OSError) as e:
        print(f"conformance: {e}", file=sys.stderr)
        return EXIT_SETUP

    rows = probe_capabilities(adapters)
    broken = {r.adapter for r in rows}
    usable = [a for a in adapters if a.name not in broken]
    try:
        lists, warnings = load_known_lists(args.known_failures, adapters)
    except (SetupError, known.KnownListError) as e:
        print(f"conformance: {e}", file=sys.stderr)
        return EXIT_SETUP

    print(f"conformance: corpus {corpus_dir} (spec {corpus.spec_version}), "
          f"{len(corpus.cases)} cases, {len(adapters)} adapter(s), CPU limit {args.timeout:g} s "
          f"(wall backstop {args.wall_timeout:g} s), -j{args.jobs}")
    try:
        with tempfile.TemporaryDirectory(prefix="acepack-conformance-") as tmp:
            checker = Checker(schema=schema, workdir=Path(tmp), defined_rules=corpus.rules)
            if not args.matrix_only:
                rows += run_cases(usable, corpus.cases, checker, args.jobs, args.fail_fast)
            matrix_rows = (matrix.run(usable, corpus.cases, Path(tmp), args.jobs)
                           if args.matrix else [])
    except OSError as e:  # e.g. the corpus was regenerated while we ran
        print(f"conformance: I/O error during the run: {e}", file=sys.stderr)
        return EXIT_SETUP
    finally:
        for a in adapters:
            a.close()
            warnings += a.warnings
    if args.strict_rules:
        promote_rule_mismatches(rows + matrix_rows)
    warnings += known.apply(rows + matrix_rows, lists, corpus.all_ids, bool(args.filter))

    rank = {a.name: i for i, a in enumerate(adapters)}
    rows.sort(key=lambda r: r.sort_key(rank))
    matrix_rows.sort(key=lambda r: r.sort_key(rank))
    for a in adapters:
        report.print_adapter(a, [r for r in rows if r.adapter == a.name], args.verbose, sys.stdout)
    if args.matrix:
        report.print_matrix(matrix.table(usable, matrix_rows), matrix_rows, sys.stdout)
    for w in warnings:
        print(f"warning: {w}")

    all_rows = rows + matrix_rows
    failures = [r for r in all_rows if r.failure]
    elapsed = time.monotonic() - started
    if args.json:
        meta = {"corpus": str(corpus_dir), "spec_version": corpus.spec_version,
                "timeout": args.timeout, "wall_timeout": args.wall_timeout, "filter": args.filter,
                "strict_rules": args.strict_rules,
                "elapsed": round(elapsed, 3), "warnings": warnings}
        report.write_json(args.json, meta, adapters, all_rows,
                          matrix.cells(matrix_rows) if args.matrix else None)
    by_adapter = sorted({r.adapter for r in failures}, key=lambda n: (n not in rank, n))
    if failures:
        per = ", ".join(f"{n}: {sum(r.adapter == n for r in failures)}" for n in by_adapter)
        print(f"RESULT: FAIL, {len(failures)} failure(s) ({per}) in {elapsed:.1f} s")
        return EXIT_FAIL
    print(f"RESULT: PASS, {len(all_rows)} results in {elapsed:.1f} s")
    return EXIT_OK


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        sys.exit(130)
