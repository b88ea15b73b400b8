#!/usr/bin/env python3
"""Mutation testing of the conformance corpus: how many planted bugs does it catch?

    python3 tools/mutate/mutate.py check                 # list STALE mutants (no build, fast)
    python3 tools/mutate/mutate.py run -j2               # the full run
    python3 tools/mutate/mutate.py run --ids a,b -v      # some mutants
    python3 tools/mutate/mutate.py run --sample tools/mutate/ci-sample.txt --require-killed

Each mutant (tools/mutate/mutants/*.txt, format in mutants.py) is applied alone to a scratch
copy of the tree (one per worker, under --scratch, default build-mutate/), the C CLI is
rebuilt incrementally (target acepack_cli only) or, for pyacepack, nothing is built, and
ONLY the conformance suite runs against it (conformance/run.py --fail-fast; pyacepack
in-process through inproc.py). Outcomes: KILLED (the suite failed), SURVIVED, EQUIVALENT
(survived and listed as equivalent with a reason), STALE (the snippet does not occur exactly
once in the current tree), BUILD_FAILED, ERROR (the runner could not run). The case that
killed each mutant is remembered in SCRATCH/killers.json and tried first next time.
Exit status: 0, or 1 with --require-killed when a mutant is not KILLED/EQUIVALENT.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mutants as mlist  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
RUN_PY = REPO / "conformance" / "run.py"
INPROC = Path(__file__).resolve().parent / "inproc.py"
KILLED, SURVIVED, EQUIVALENT, STALE = "KILLED", "SURVIVED", "EQUIVALENT", "STALE"
BUILD_FAILED, ERROR = "BUILD_FAILED", "ERROR"
# A mutant whose whole run takes longer hangs somewhere the runner cannot time out (an
# in-process Python call): scored KILLED, as the per-call runner would score it TIMEOUT.
RUN_LIMIT = 600.0


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True,
                         check=True).stdout.decode()
    return [f for f in out.split("\0") if f and not f.startswith("corpus/")]


def sync_tree(dest: Path, files: list[str]) -> None:
    """Make dest hold the tracked files of REPO; a file is rewritten only when it differs
    (its mtime then moves forward, so make rebuilds exactly what changed)."""
    for rel in files:
        src, dst = REPO / rel, dest / rel
        if not src.is_file():
            continue
        data = src.read_bytes()
        if dst.is_file() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        shutil.copymode(src, dst)
    # Files the repository no longer has (moved, renamed) must go too: CMake globs src/.
    keep = set(files)
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()


class Worker:
    def __init__(self, root: Path, need_c: bool, log):
        self.tree, self.build = root / "tree", root / "build"
        self.exe = self.build / "acepack-mutant"
        self.popular = ""  # regex of the cases that killed the most mutants so far
        self.need_c, self.log = need_c, log

    def prepare(self, files: list[str], base: "Worker | None" = None,
                reuse: Path | None = None) -> None:
        sync_tree(self.tree, files)
        if not self.need_c:
            return
        if base is not None:
            self._share_build(base)
            return
        if reuse is not None:
            self._reuse_build(reuse)
            return
        if not (self.build / "compile_commands.json").is_file():
            self._cmd(["cmake", "-S", str(self.tree), "-B", str(self.build),
                       "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCMAKE_C_COMPILER=gcc",
                       "-DACEPACK_BUILD_TESTS=OFF", "-DACEPACK_BUILD_SHARED=OFF",
                       "-DACEPACK_WERROR=OFF", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], check=True)
        self._cmd(["cmake", "--build", str(self.build), "--target", "acepack_cli", "-j1"],
                  check=True)
        self._load_commands()

    def _reuse_build(self, build: Path) -> None:
        """The compile commands and unmutated objects of an existing build of REPO (ctest's
        own build, --reuse-build): no configure and no build of the CLI here.  A mutant
        compiles from this worker's tree: every path into REPO in its compile command is
        rewritten into the tree, except paths into the build itself (generated files)."""
        build = build.resolve()
        self.build.mkdir(parents=True, exist_ok=True)
        self._load_commands(build, REPO)
        try:
            keep = build.relative_to(REPO).as_posix()
        except ValueError:
            keep = None
        rx = re.compile(re.escape(str(REPO)) + "/" + (f"(?!{re.escape(keep)}/)" if keep else ""))
        tree = str(self.tree) + "/"
        self.units = {src: (cwd, [rx.sub(lambda _m: tree, a) for a in argv], obj)
                      for src, (cwd, argv, obj) in self.units.items()}
        missing = [obj for _, _, obj in self.units.values() if not os.path.isfile(obj)]
        if missing:
            raise RuntimeError(f"--reuse-build {build}: not built: {missing[0]}")

    def _load_commands(self, build: Path | None = None, root: Path | None = None) -> None:
        """The compile command and object of every source of the CLI (library + tool), so
        that a mutant costs one compile and one link, without make's own overhead."""
        build, root = build or self.build, root or self.tree
        self.units: dict[str, tuple[str, list[str], str]] = {}
        for e in json.loads((build / "compile_commands.json").read_text()):
            argv = e.get("arguments") or shlex.split(e["command"])
            if "-o" not in argv:
                continue
            out = argv[argv.index("-o") + 1]
            if not any(t in out for t in ("acepack_read_obj.dir", "acepack_write_obj.dir",
                                          "acepack_cli.dir")):
                continue
            src = os.path.relpath(os.path.join(e["directory"], e["file"]), root)
            self.units[src] = (e["directory"], argv, os.path.join(e["directory"], out))
        if not self.units:
            raise RuntimeError(f"no compile commands in {build}")

    def _share_build(self, base: "Worker") -> None:
        """The unmutated objects of `base`'s build (one build of the CLI, not one per
        worker): a mutant of this worker compiles from this worker's tree (every path of
        base's tree in its compile command rewritten) and links with base's other objects."""
        old, new = str(base.tree), str(self.tree)
        self.build.mkdir(parents=True, exist_ok=True)
        self.units = {src: (cwd, [a.replace(old, new) for a in argv], obj)
                      for src, (cwd, argv, obj) in base.units.items()}

    def _cmd(self, argv, check=False, cwd=None) -> bool:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
        if p.returncode and check:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{p.stdout.decode(errors='replace')}")
        return p.returncode == 0

    def build_mutant(self, rel: str) -> bool:
        """Compiles the mutated file (a header: every unit) to objects of their own and links
        them with the unmutated objects into build/acepack-mutant."""
        mut = self.build / "mutant-objs"
        mut.mkdir(exist_ok=True)
        redo = [rel] if rel in self.units else list(self.units) if rel.endswith(".h") else []
        if not redo:
            return False
        objs = {src: out for src, (_, _, out) in self.units.items()}
        for i, src in enumerate(redo):
            cwd, argv, _ = self.units[src]
            obj = str(mut / f"{i}.o")
            argv = list(argv)
            argv[argv.index("-o") + 1] = obj
            # -Werror: a mutant may well warn (a reused build of the tree has it)
            argv = [a for a in argv if a not in ("-MD", "-MMD", "-Werror")]
            if "-MF" in argv:
                k = argv.index("-MF")
                del argv[k:k + 2]
            if "-MT" in argv:
                k = argv.index("-MT")
                del argv[k:k + 2]
            if not self._cmd(argv, cwd=cwd):
                return False
            objs[src] = obj
        return self._cmd(["gcc", "-o", str(self.exe), *objs.values()])

    def conformance(self, lang: str, extra: list[str]) -> tuple[int, str]:
        """(run.py exit status, id of the first failing case or a note)."""
        with tempfile.TemporaryDirectory(prefix="acepack-mutate-") as tmp:
            report = Path(tmp) / "r.json"
            opts = ["--fail-fast", "--strict-rules", "-j1", "--json", str(report), *extra]
            # -S: stdlib only; a start without site-packages costs a third of the CPU
            if lang == "py":
                argv = [sys.executable, "-S", str(INPROC), str(self.tree / "tools"), *opts]
            else:
                argv = [sys.executable, "-S", str(RUN_PY), "--adapter",
                        f"c={self.exe} adapter", *opts]
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=RUN_LIMIT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                return 1, "(whole run timed out)"
            if proc.returncode not in (0, 1):
                return proc.returncode, out.decode(errors="replace")[-400:]
            first = ""
            try:
                rows = json.loads(report.read_text())["results"]
                bad = [r for r in rows if r.get("failure")]
                if bad:
                    first = f"{bad[0]['case']} [{bad[0]['profile']}] {bad[0]['status']}"
            except (OSError, ValueError, KeyError, TypeError):
                pass
            return proc.returncode, first

    def run_mutant(self, m: mlist.Mutant, killers: dict[str, str]) -> tuple[str, str]:
        target = self.tree / m.file
        original = (REPO / m.file).read_text(encoding="utf-8")
        mutated = m.apply(original)
        if mutated is None:
            return STALE, f"snippet occurs {m.occurrences(original)} times in {m.file}"
        target.write_text(mutated, encoding="utf-8")
        try:
            if m.lang == "c" and not self.build_mutant(m.file):
                return BUILD_FAILED, "the mutated tree does not compile"
            # Cheap tries first: the case that killed this mutant last time, then the corpus
            # areas of the file it mutates; the whole corpus decides.
            tries = []
            if killers.get(m.id):
                tries.append(f"^{re.escape(killers[m.id])}$")
            if self.popular:
                tries.append(self.popular)
            area = area_hint(m.file)
            if area:
                tries.append(area)
            for rx in tries:
                code, first = self.conformance(m.lang, ["--filter", rx])
                if code == 1:
                    return KILLED, first
            code, first = self.conformance(m.lang, [])
            if code == 1:
                return KILLED, first
            if code == 0:
                return (EQUIVALENT, m.equivalent) if m.equivalent else (SURVIVED, "")
            return ERROR, f"run.py exit {code}: {first}"
        finally:
            target.write_text(original, encoding="utf-8")


# Corpus areas most likely to kill a mutant of a file (a first, cheap try; see run_mutant).
AREA_HINTS = [
    (r"header|v1read|v2read", r"^(header|layout|large|mutation)/"),
    (r"events|evtsection|bytesutil", r"^(events|mutation)/"),
    (r"index_scan|index_iter|index\.py|chunks|number|decnum", r"^(index|chunks|large|mutation)/"),
    (r"json_check|payload|validate|table", r"^(payload|events|index|chunks|mutation)/"),
    (r"utf8|json_string|jsonscan|keys\.c|bytes\.h", r"^(index|payload|mutation)/"),
    (r"dump\.c|heapsort|keyorder", r"^(index|js|mutation)/"),
    (r"v1\.c|migrate", r"^(migration|v1|mutation)/"),
    (r"write_|dumpfmt|build\.py", r"^(writer|mutation)/"),
]


def area_hint(path: str) -> str:
    for pattern, areas in AREA_HINTS:
        if re.search(pattern, path):
            return areas
    return ""


def read_sample(path: str) -> dict[str, str]:
    """A sample file: `MUTANT-ID [CASE-ID]` per line (# comments); CASE-ID, the case known to
    kill the mutant, is tried first."""
    out: dict[str, str] = {}
    for ln in Path(path).read_text().splitlines():
        words = ln.split("#", 1)[0].split()
        if words:
            out[words[0]] = words[1] if len(words) > 1 else ""
    return out


def select(all_m: list[mlist.Mutant], args) -> list[mlist.Mutant]:
    chosen = all_m
    if args.sample:
        ids = list(read_sample(args.sample))
        by = {m.id: m for m in all_m}
        missing = [i for i in ids if i not in by]
        if missing:
            raise SystemExit(f"mutate: sample names unknown mutants: {', '.join(missing)}")
        chosen = [by[i] for i in ids]
    if args.ids:
        want = set(args.ids.split(","))
        chosen = [m for m in chosen if m.id in want]
    if args.filter:
        rx = re.compile(args.filter)
        chosen = [m for m in chosen if rx.search(m.id) or rx.search(m.file)
                  or rx.search(m.category)]
    if args.lang:
        chosen = [m for m in chosen if m.lang == args.lang]
    return chosen


def summarise(results: dict[str, tuple[str, str]], chosen: list[mlist.Mutant],
              elapsed: float, out) -> dict:
    counts: dict[str, int] = {}
    per_cat: dict[str, dict[str, int]] = {}
    for m in chosen:
        status = results[m.id][0]
        counts[status] = counts.get(status, 0) + 1
        cat = per_cat.setdefault(m.category, {})
        cat[status] = cat.get(status, 0) + 1
    killed, survived = counts.get(KILLED, 0), counts.get(SURVIVED, 0)
    score = 100.0 * killed / (killed + survived) if killed + survived else 100.0
    print(f"\n{'category':18} {'total':>5} {'killed':>6} {'surv.':>5} {'equiv.':>6} "
          f"{'other':>5}", file=out)
    for cat in sorted(per_cat):
        c = per_cat[cat]
        other = sum(v for k, v in c.items() if k not in (KILLED, SURVIVED, EQUIVALENT))
        print(f"{cat:18} {sum(c.values()):5} {c.get(KILLED, 0):6} {c.get(SURVIVED, 0):5} "
              f"{c.get(EQUIVALENT, 0):6} {other:5}", file=out)
    for status in (SURVIVED, STALE, BUILD_FAILED, ERROR):
        listed = [m for m in chosen if results[m.id][0] == status]
        if listed:
            print(f"\n{status}:", file=out)
            for m in listed:
                why = results[m.id][1]
                print(f"  {m.id} ({m.file}, {m.category}): {m.description}"
                      + (f" -- {why}" if why else ""), file=out)
    # A listed reason that a test can now refute (e.g. an exception the runner used to
    # forgive) is wrong: say so, so that the list does not keep a false claim.
    refuted = [m for m in chosen if m.equivalent and results[m.id][0] == KILLED]
    if refuted:
        print("\nKILLED although listed equivalent (remove the '=' reason):", file=out)
        for m in refuted:
            print(f"  {m.id} ({m.file}): {results[m.id][1]}", file=out)
    print(f"\nMUTATION SCORE: {killed} killed of {killed + survived} non-equivalent "
          f"({score:.1f} %); {len(chosen)} mutants: "
          + ", ".join(f"{k.lower()} {v}" for k, v in sorted(counts.items()))
          + f"; {elapsed:.0f} s", file=out)
    return {"counts": counts, "per_category": per_cat, "score": round(score, 2),
            "elapsed": round(elapsed, 1)}


def cmd_run(args) -> int:
    all_m = mlist.load()
    chosen = select(all_m, args)
    if not chosen:
        print("mutate: no mutant selected", file=sys.stderr)
        return 2
    scratch = Path(args.scratch).resolve() if args.scratch else REPO / "build-mutate"
    scratch.mkdir(parents=True, exist_ok=True)
    killers_path = scratch / "killers.json"
    try:
        killers = json.loads(killers_path.read_text())
    except (OSError, ValueError):
        killers = {}
    if args.sample:
        for mid, case in read_sample(args.sample).items():
            if case:
                killers.setdefault(mid, case)
    files = tracked_files()
    need_c = any(m.lang == "c" for m in chosen)
    started = time.monotonic()
    workers = [Worker(scratch / f"w{i}", need_c, None) for i in range(min(args.jobs, len(chosen)))]
    popular = sorted(set(killers.values()), key=lambda c: -list(killers.values()).count(c))[:40]
    reuse = Path(args.reuse_build) if args.reuse_build else None
    for i, w in enumerate(workers):
        w.prepare(files, workers[0] if i else None, reuse)
        w.popular = "^(" + "|".join(re.escape(c) for c in popular) + ")$" if popular else ""
    print(f"mutate: {len(chosen)} mutants, {len(workers)} worker(s), scratch {scratch} "
          f"(set up in {time.monotonic() - started:.0f} s)", flush=True)
    todo: queue.Queue = queue.Queue()
    for m in chosen:
        todo.put(m)
    results: dict[str, tuple[str, str]] = {}
    lock = threading.Lock()

    def work(w: Worker) -> None:
        while True:
            try:
                m = todo.get_nowait()
            except queue.Empty:
                return
            t0 = time.monotonic()
            try:
                res = w.run_mutant(m, killers)
            except Exception as e:  # noqa: BLE001 - reported, the run goes on
                res = (ERROR, f"{type(e).__name__}: {e}")
            with lock:
                results[m.id] = res
                if res[0] == KILLED and res[1] and not res[1].startswith("("):
                    killers[m.id] = res[1].split(" [")[0]
                    tmp = killers_path.with_suffix(".tmp")
                    tmp.write_text(json.dumps(killers, indent=1, sort_keys=True) + "\n")
                    tmp.replace(killers_path)
                if args.verbose or res[0] not in (KILLED, EQUIVALENT):
                    print(f"{res[0]:12} {m.id} ({time.monotonic() - t0:.1f} s) {res[1]}",
                          flush=True)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    killers_path.write_text(json.dumps(killers, indent=1, sort_keys=True) + "\n")
    summary = summarise(results, chosen, time.monotonic() - started, sys.stdout)
    if args.json:
        summary["mutants"] = {m.id: {"status": results[m.id][0], "detail": results[m.id][1],
                                     "file": m.file, "category": m.category}
                              for m in chosen}
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n")
    if args.require_killed:
        bad = [m.id for m in chosen if results[m.id][0] not in (KILLED, EQUIVALENT)]
        if bad:
            print(f"mutate: {len(bad)} mutant(s) not killed: {', '.join(bad)}")
            return 1
    return 0


def cmd_check(args) -> int:
    all_m = mlist.load()
    bad = mlist.stale(all_m, REPO)
    cats: dict[str, int] = {}
    for m in all_m:
        cats[m.category] = cats.get(m.category, 0) + 1
    eq = sum(1 for m in all_m if m.equivalent)
    print(f"mutate: {len(all_m)} mutants ({sum(m.lang == 'c' for m in all_m)} C, "
          f"{sum(m.lang == 'py' for m in all_m)} Python, {eq} listed equivalent); "
          + ", ".join(f"{k} {v}" for k, v in sorted(cats.items())))
    for mid, why in bad.items():
        print(f"STALE {mid}: {why}")
    if args.sample:
        ids = list(read_sample(args.sample))
        unknown = [i for i in ids if i not in {m.id for m in all_m}]
        for i in unknown:
            print(f"UNKNOWN sample mutant {i}")
        if unknown:
            return 1
    return 1 if bad else 0


def cmd_relocate(args) -> int:
    """Mutants whose file moved: find the tracked file that holds the snippet exactly once
    (same base name first) and rewrite the `@` line of the list."""
    all_m = mlist.load()
    bad = mlist.stale(all_m, REPO)
    files = [f for f in tracked_files() if f.endswith((".c", ".h", ".py"))]
    texts: dict[str, str] = {}
    moved = 0
    for m in all_m:
        if m.id not in bad:
            continue
        base = os.path.basename(m.file)
        cands = sorted(files, key=lambda f: os.path.basename(f) != base)
        hit = None
        for f in cands:
            if f not in texts:
                texts[f] = (REPO / f).read_text(encoding="utf-8", errors="replace")
            if texts[f].count(m.find) == 1:
                hit = f
                break
        if hit is None:
            print(f"STALE {m.id}: {bad[m.id]} (no file holds the snippet exactly once)")
            continue
        src = MUTANT_FILE[m.id]
        text = src.read_text(encoding="utf-8")
        text = re.sub(rf"^@ {re.escape(m.id)}\s+{re.escape(m.file)}\s", lambda mm: mm.group(0)
                      .replace(m.file, hit), text, count=1, flags=re.M)
        src.write_text(text, encoding="utf-8")
        print(f"moved {m.id}: {m.file} -> {hit}")
        moved += 1
    print(f"mutate: {moved} mutant(s) relocated")
    return 0


MUTANT_FILE: dict[str, Path] = {}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="tools/mutate/mutate.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="report STALE mutants (the snippet must occur once)")
    c.add_argument("--sample", help="also check that every id of this sample file exists")
    sub.add_parser("relocate", help="rewrite the file of mutants whose snippet moved")
    r = sub.add_parser("run", help="run mutants against the conformance suite")
    r.add_argument("-j", "--jobs", type=int, default=2, help="mutants in parallel (default 2)")
    r.add_argument("--ids", help="comma-separated mutant ids")
    r.add_argument("--filter", help="regex on id, file or category")
    r.add_argument("--lang", choices=["c", "py"], help="only C or only Python mutants")
    r.add_argument("--sample", help="file of mutant ids (first word of each line)")
    r.add_argument("--scratch", help="scratch directory (default REPO/build-mutate)")
    r.add_argument("--reuse-build", metavar="DIR",
                   help="take the CLI's compile commands and unmutated objects from this build "
                        "of the tree (CMake, with compile_commands.json for its targets) "
                        "instead of a build of its own")
    r.add_argument("--json", help="write the results as JSON")
    r.add_argument("--require-killed", action="store_true",
                   help="exit 1 unless every selected mutant is KILLED or EQUIVALENT")
    r.add_argument("-v", "--verbose", action="store_true", help="print every mutant")
    args = p.parse_args(argv)
    try:
        if args.cmd == "relocate":
            for path in sorted(mlist.MUTANT_DIR.glob("*.txt")):
                for m in mlist.parse(path.read_text(encoding="utf-8"), path.name):
                    MUTANT_FILE[m.id] = path
            return cmd_relocate(args)
        return cmd_check(args) if args.cmd == "check" else cmd_run(args)
    except mlist.ListError as e:
        print(f"mutate: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
