"""`run.py --generate N --seed S`: random differential testing beyond the fixed corpus.

For each of N generated files (acetest/genfiles.py) the reference computes every outcome:
  write  the dump of the file's base content (C writer vs pyacepack's canonical writer)
  read   the file under strict and compat
  migrate the file under strict and compat, when it is v1
  write  the dump of each accepted read (a compat dump may hold what a writer must refuse)
The reference is our two implementations: pyacepack in-process and the C CLI (BUILD/acepack
adapter, through the persistent protocol when it declares `serve`). Where they disagree, that
is our bug: REFERENCE_DISAGREEMENT, and the adapters under test are not judged on that
operation. Every adapter given with --adapter/--python/--c is then judged against the
reference (acetest/gencompare.py). Each failing file is written out (acetest/genreport.py),
minimised first while the failure remains.

Exit status: 0 no failure, 1 failures, 2 setup error.
"""
from __future__ import annotations

import multiprocessing
import os
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from . import adapter as ad
from . import genfiles, genmutate, genreport
from .gencompare import (REFERENCE_DISAGREEMENT, RULE_MISMATCH, Outcome, RuleJudge,
                         defined_rules, from_call, judge, python_ops)

PROFILES = ("strict", "compat")
REF = "c"   # the name of the C reference in failure records


class Session:
    """One worker's implementations: pyacepack, the C reference, the adapters under test."""

    def __init__(self, c_adapter: ad.Adapter | None, subjects: list[ad.Adapter],
                 spec_text: str, workdir: Path, strict_rules: bool):
        self.py_read, self.py_migrate, self.py_write = python_ops()
        self.c = c_adapter
        self.subjects = subjects
        self.workdir = workdir   # per-call reads get their bytes through files here
        self.rules = RuleJudge(defined_rules(spec_text))
        self.strict_rules = strict_rules
        self.stats: Counter = Counter()
        self.save_dir: Path | None = None
        self.features: frozenset[str] = frozenset()   # --generate-features
        self.notes: list[str] = []   # informative C/Python offset differences (spec 7.2)

    def close(self) -> None:
        for adapter in [self.c] + self.subjects:
            if adapter is not None:
                adapter.close()

    # --- one file --------------------------------------------------------------------------

    def _py(self, op: str, profile: str, payload: bytes) -> Outcome:
        if op == "read":
            return self.py_read(payload, profile)
        if op == "migrate":
            return self.py_migrate(payload, profile)
        return self.py_write(payload)

    @staticmethod
    def _request(op: str, profile: str, payload: bytes, name: str) -> tuple[dict, bytes]:
        if op == "write":
            return {"op": "write", "file": "<stdin>"}, payload
        return {"op": op, "profile": profile,
                "file": name if op == "read" else "<stdin>"}, payload

    def _work(self, data: bytes, base_dump: bytes | None, base: bytes | None,
              only: tuple[str, str] | None = None
              ) -> tuple[list[tuple[str, str, bytes]], dict, list[dict]]:
        """Every operation on one file with pyacepack's outcome (the writes of accepted
        dumps depend on the reads); `only` one (op, profile) of them (minimisation)."""
        work: list[tuple[str, str, bytes]] = []
        refs: dict[tuple[str, str], Outcome] = {}
        failures: list[dict] = []
        if base_dump is not None:
            work.append(("write", "base", base_dump))
            refs[("write", "base")] = Outcome(ad.OK, base)
        work += [("read", p, data) for p in PROFILES]
        if genmutate.version(data) == 1:
            work += [("migrate", p, data) for p in PROFILES]
        if only is not None:
            work = [w for w in work if (w[0], w[1]) == only]
        seen_dumps = {base_dump}
        for op, profile, payload in work:    # grows while it runs
            ref = refs.get((op, profile)) or self._py(op, profile, payload)
            refs[(op, profile)] = ref
            self.stats[f"{op}@{profile}:{ref.kind}"] += 1
            if op == "read" and ref.kind == ad.OK and ref.out not in seen_dumps and not only:
                seen_dumps.add(ref.out)    # the writer must take back what the reader gives
                work.append(("write", f"dump-{profile}", ref.out))
            if ref.kind == ad.CRASH:
                failures.append(_record("python", op, profile, "CRASH", ref.detail, payload))
        return work, refs, failures

    def evaluate_many(self, items: list[tuple[bytes, str, bytes | None, bytes | None]],
                      only: tuple[str, str] | None = None) -> list[tuple[list[dict], dict]]:
        """For each (data, name, base_dump, base): all failures and the reference outcomes
        {(op, profile): Outcome}. The calls of all items go to each adapter as one batch."""
        jobs = []   # (item number, op, profile, payload)
        per_item = []
        names = [item[1] for item in items]
        for n, (data, name, base_dump, base) in enumerate(items):
            work, refs, failures = self._work(data, base_dump, base, only)
            per_item.append((failures, refs))
            jobs += [(n, op, profile, payload, name) for op, profile, payload in work]
        disputed = set()
        if self.c is not None:
            calls = self.c.batch([self._request(op, p, pl, nm) for _, op, p, pl, nm in jobs],
                                 self.workdir)
            for (n, op, profile, payload, _), call in zip(jobs, calls):
                failures, refs = per_item[n]
                ref, got = refs[(op, profile)], from_call(call)
                found = judge(op, payload, _rule_profile(profile), ref, got, self.rules)
                if found is None and got.kind != ref.kind and ref.kind != ad.CRASH:
                    found = ("VERDICT", "", True)   # e.g. one unsupported, the other not
                if found is not None:
                    disputed.add((n, op, profile))
                    detail = f"python: {ref.short()}; c: {got.short()} ({found[0]}: {found[1]})"
                    failures.append(_record(REF, op, profile, REFERENCE_DISAGREEMENT, detail,
                                            payload))
                elif ref.kind == ad.REJECT and op != "write":
                    if got.rule != ref.rule:   # allowed: the file breaks both (spec 7.2)
                        self.stats["rule differs c (file breaks both)"] += 1
                    elif got.offset != ref.offset:
                        self.stats["offset mismatch c"] += 1
                        self.notes.append(f"{names[n]} {op}@{profile} {ref.rule}: python at "
                                          f"{ref.offset}, c at {got.offset}")
        for a in self.subjects:
            mine = [j for j in jobs if (j[0], j[1], j[2]) not in disputed
                    and per_item[j[0]][1][(j[1], j[2])].kind != ad.CRASH
                    and _declares(a, j[1], j[2])]
            calls = a.batch([self._request(op, p, pl, nm) for _, op, p, pl, nm in mine],
                            self.workdir)
            for (n, op, profile, payload, _), call in zip(mine, calls):
                failures, refs = per_item[n]
                ref, got = refs[(op, profile)], from_call(call)
                found = judge(op, payload, _rule_profile(profile), ref, got, self.rules)
                if found is None:
                    if ref.kind == ad.REJECT and got.rule == ref.rule and \
                            got.offset != ref.offset and op != "write":
                        self.stats[f"offset mismatch {a.name}"] += 1
                    continue
                status, detail, _ = found
                if status == RULE_MISMATCH and not self.strict_rules:
                    self.stats[f"rule mismatch {a.name}"] += 1
                    continue
                failures.append(_record(a.name, op, profile, status, detail, payload))
        return per_item

    def evaluate(self, data: bytes, name: str, base_dump: bytes | None, base: bytes | None
                 ) -> tuple[list[dict], dict]:
        return self.evaluate_many([(data, name, base_dump, base)])[0]

    def check_many(self, seed: int, indices: range, out_dir: Path, minimize: bool,
                   reproduce: list[str]) -> list[dict]:
        files = [genfiles.make(seed, i, self.features) for i in indices]
        for gf in files:
            self.stats["files"] += 1
            self.stats[f"origin {gf.origin}"] += 1
            if self.save_dir is not None:
                (self.save_dir / f"{gf.name}.ace").write_bytes(gf.data)
        results = self.evaluate_many([(gf.data, gf.name, gf.base_dump, _written(gf))
                                      for gf in files])
        found = []
        for gf, (failures, refs) in zip(files, results):
            if gf.c_recipe is not None and self.c is not None:
                failures += self.c_write(gf.c_recipe)
            if failures:
                found += self.report(seed, gf, failures, refs, out_dir, minimize, reproduce)
        return found

    def report(self, seed: int, gf, failures: list[dict], refs: dict, out_dir: Path,
               minimize: bool, reproduce: list[str]) -> list[dict]:
        data = gf.data
        key = _key(failures[0])
        if minimize and key[1] not in ("write", "cwrite"):
            data = self._minimize(gf, key)
            if data != gf.data:
                failures, refs = self.evaluate(data, gf.name, gf.base_dump, _written(gf))
        where = genreport.write_failure(out_dir, seed, gf, failures, refs, data,
                                        reproduce + ["--generate-from", str(gf.index)])
        return [{**f, "file": gf.index, "where": str(where)} for f in failures]

    def c_write(self, recipe) -> list[dict]:
        """Runs a C writer recipe (acetest/genfeatures.py) with the C CLI: its file must be
        the bytes pyacepack wrote. A difference is ours: REFERENCE_DISAGREEMENT."""
        exe = self.c.argv[0]
        path = self.workdir / "c-written.ace"
        path.write_bytes(recipe.start)
        self.stats["c writes"] += 1
        for args, stdin in recipe.steps:
            argv = [exe] + [str(path) if a == "{F}" else a for a in args]
            try:
                p = subprocess.run(argv, input=stdin, capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                return [_cwrite_fail(recipe, f"{shlex.join(args)}: timeout", b"")]
            if p.returncode != 0:
                err = p.stderr.decode("utf-8", "replace").strip()[:300]
                return [_cwrite_fail(recipe, f"{shlex.join(args)}: exit {p.returncode}: {err}",
                                     path.read_bytes())]
        got = path.read_bytes()
        if got != recipe.expected:
            from .dumpcheck import describe_difference
            return [_cwrite_fail(recipe, describe_difference(recipe.expected, got, "file",
                                                             binary=True), got)]
        return []

    # --- minimisation ----------------------------------------------------------------------

    def _still(self, data: bytes, key: tuple) -> bool:
        failures, _ = self.evaluate_many([(data, "min", None, None)], only=key[1:3])[0]
        return any(_key(f) == key for f in failures)

    def _minimize(self, gf, key: tuple, budget: int = 48) -> bytes:
        """Revert mutated bytes, then cut the tail, while the first failure remains."""
        data = gf.data
        tries = 0
        if len(gf.base) == len(data):
            runs, i = [], 0
            while i < len(data):
                if data[i] != gf.base[i]:
                    j = i
                    while j < len(data) and data[j] != gf.base[j]:
                        j += 1
                    runs.append((i, j))
                    i = j
                else:
                    i += 1
            if 1 < len(runs) <= 16:
                for a, b in runs:
                    trial = data[:a] + gf.base[a:b] + data[b:]
                    tries += 1
                    if self._still(trial, key):
                        data = trial
        step = len(data) // 2
        while step >= 1 and tries < budget:
            tries += 1
            if len(data) - step >= 1 and self._still(data[:len(data) - step], key):
                data = data[:len(data) - step]
            else:
                step //= 2
        return data


def _written(gf) -> bytes:
    """What a writer must make of gf.base_dump: the canonical file of the content."""
    return gf.canonical if gf.canonical is not None else gf.base


def _cwrite_fail(recipe, detail: str, got: bytes) -> dict:
    rec = _record(REF, "cwrite", "c-cli", REFERENCE_DISAGREEMENT,
                  f"C CLI ({recipe.what}) vs pyacepack: {detail}", b"")
    rec["c_output"] = got
    rec["c_start"] = recipe.start
    rec["c_expected"] = recipe.expected
    return rec


def _declares(a: ad.Adapter, op: str, profile: str) -> bool:
    if not getattr(a.caps, op):
        return False
    return op == "write" or profile in a.caps.profiles


def _rule_profile(profile: str) -> str:
    return profile if profile in PROFILES else "strict"


def _record(who: str, op: str, profile: str, status: str, detail: str, payload: bytes) -> dict:
    rec = {"adapter": who, "op": op, "profile": profile, "status": status, "detail": detail}
    if op == "write":
        rec["input"] = payload
    return rec


def _key(f: dict) -> tuple:
    return f["adapter"], f["op"], f["profile"], f["status"]


# --- workers ----------------------------------------------------------------------------------

_SESSION: Session | None = None
_CONFIG: dict = {}


def _init_worker(config: dict) -> None:
    global _SESSION, _CONFIG
    _CONFIG = config
    sys.path[:0] = config["paths"]
    workdir = Path(tempfile.mkdtemp(prefix="worker-", dir=config["workdir"]))
    _SESSION = Session(config["c"], config["subjects"], config["spec"], workdir,
                       config["strict_rules"])
    _SESSION.save_dir = config.get("save")
    _SESSION.features = config.get("features", frozenset())
    if _SESSION.save_dir is not None:
        _SESSION.save_dir.mkdir(parents=True, exist_ok=True)


def _run_range(bounds: tuple[int, int]) -> tuple[Counter, list[dict], list[str]]:
    assert _SESSION is not None
    _SESSION.stats = Counter()
    _SESSION.notes = []
    found: list[dict] = []
    for a in range(bounds[0], bounds[1], 50):
        found += _SESSION.check_many(_CONFIG["seed"], range(a, min(a + 50, bounds[1])),
                                     _CONFIG["out"], _CONFIG["minimize"], _CONFIG["reproduce"])
    return _SESSION.stats, found, _SESSION.notes[:20]


def run(config: dict, start: int, count: int, jobs: int, progress
        ) -> tuple[Counter, list[dict], list[str]]:
    """Checks files start..start+count-1; returns the statistics, the failure records and
    notes on informative differences (offsets)."""
    chunk = max(1, min(500, count // (jobs * 8) or 1))
    ranges = [(a, min(a + chunk, start + count)) for a in range(start, start + count, chunk)]
    total: Counter = Counter()
    found: list[dict] = []
    notes: list[str] = []
    if jobs <= 1:
        _init_worker(config)
        try:
            for r in ranges:
                stats, f, n = _run_range(r)
                total.update(stats)
                found += f
                notes += n
                progress(total, found)
        finally:
            _SESSION.close()
        return total, found, notes
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, _init_worker, (config,)) as pool:
        for stats, f, n in pool.imap(_run_range, ranges):
            total.update(stats)
            found += f
            notes += n
            progress(total, found)
    return total, found, notes


def summarize(stats: Counter, found: list[dict], notes: list[str], elapsed: float, out
              ) -> None:
    files = stats["files"]
    rate = files / elapsed if elapsed > 0 else 0.0
    print(f"generate: {files} files in {elapsed:.1f} s ({rate:.0f} files/s)", file=out)
    origins = ", ".join(f"{k[7:]}: {v}" for k, v in sorted(stats.items())
                        if k.startswith("origin "))
    print(f"  files: {origins}", file=out)
    ops = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()) if "@" in k)
    print(f"  reference outcomes: {ops}", file=out)
    if stats["c writes"]:
        print(f"  C writer recipes (1.1.0 files the C CLI writes too): {stats['c writes']}",
              file=out)
    for k, v in sorted(stats.items()):
        if k.startswith(("offset mismatch", "rule mismatch", "rule differs")):
            print(f"  {k}: {v} (informative)", file=out)
    for note in notes[:20]:
        print(f"    offset: {note}", file=out)
    by = Counter((f["adapter"], f["status"]) for f in found)
    for (who, status), n in sorted(by.items()):
        print(f"  {who}: {status}: {n}", file=out)
    files_failed = sorted({f["file"] for f in found})
    for f in found[:40]:
        print(f"  file {f['file']} {f['adapter']} {f['op']}@{f['profile']} {f['status']}: "
              f"{f['detail'][:160]}  -> {f['where']}", file=out)
    if len(found) > 40:
        print(f"  ... {len(found) - 40} more (see the output directory)", file=out)
    if files_failed:
        print(f"  {len(files_failed)} file(s) with failures", file=out)
