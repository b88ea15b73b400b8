#!/usr/bin/env python3
"""Self-test of the conformance runner: does conformance/run.py catch broken adapters?

    python3 conformance/selftest/run_selftest.py [--adapter 'CMD ...'] [--corpus DIR] [--full]

The good adapter is the Python implementation (or --adapter / $ACEPACK_SELFTEST_ADAPTER, e.g.
'build/acepack adapter'). It must pass a sample of the corpus cleanly (--full: the whole
corpus; the full conformance runs are separate tests). Each mode
of broken_adapter.py wraps it and must make the runner exit 1 reporting the expected status;
known-failure lists must silence listed failures and catch stale entries. Exit 0 when every
check holds, 1 otherwise (suitable as a ctest test).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFORMANCE = HERE.parent
REPO = CONFORMANCE.parent
RUNNER = CONFORMANCE / "run.py"
BROKEN = HERE / "broken_adapter.py"
# A backstop only (a runner that does not kill a hanging adapter fails here); generous, so
# that a busy machine cannot trip it: the runner's own limits are CPU time.
RUNNER_LIMIT = 3600
EXAMPLES = CONFORMANCE / "examples"
# The runner and the adapters written in Python (the broken ones start once per call in the
# per-call modes: hundreds of starts) need no site-packages: -S saves most of a start's CPU.
PY_FLAGS = ("-S",)

sys.path.insert(0, str(CONFORMANCE))
from acetest import corpus as corpus_mod  # noqa: E402


@dataclass
class Outcome:
    code: int
    report: dict
    output: str

    def rows(self, status: str | None = None, adapter: str | None = None) -> list[dict]:
        return [r for r in self.report.get("results", [])
                if (status is None or r["status"] == status)
                and (adapter is None or r["adapter"] == adapter)]


@dataclass
class SelfTest:
    good: list[str]
    corpus: Path
    sample: str                     # --filter regex of the sample cases
    # The modes that start a process per call run on one case of each group of the sample
    # (sample_ids(per_group=1)): every kind of call (read, write, migrate; accept, reject)
    # still ends the way the mode makes it end, at half the starts.
    per_call_sample: str = ""
    failures: list[str] = field(default_factory=list)
    workdir: Path = Path(".")
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # per broken mode

    # --- running the runner ---------------------------------------------------------------

    def runner(self, adapters: dict[str, list[str]], *extra: str, env: dict | None = None,
               cases: str | None = None, cwd: Path | None = None) -> Outcome:
        report = self.workdir / "report.json"
        if report.exists():
            report.unlink()
        cmd = [sys.executable, *PY_FLAGS, str(RUNNER), "--corpus", str(self.corpus),
               "--json", str(report)]
        for name, argv in adapters.items():
            cmd += ["--adapter", f"{name}={shlex.join(argv)}"]
        if cases:
            cmd += ["--filter", cases]
        cmd += list(extra)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUNNER_LIMIT,
                              env={**os.environ, **(env or {})}, cwd=cwd, check=False)
        doc = json.loads(report.read_text()) if report.exists() else {}
        return Outcome(proc.returncode, doc, proc.stdout + proc.stderr)

    def broken(self, mode: str) -> list[str]:
        return [sys.executable, *PY_FLAGS, str(BROKEN), mode, "adapter"]

    @property
    def inner_env(self) -> dict:
        return {"ACEPACK_SELFTEST_ADAPTER": shlex.join(self.good)}

    # --- assertions -----------------------------------------------------------------------

    def capabilities(self) -> dict:
        proc = subprocess.run(self.good + ["capabilities"], capture_output=True, timeout=60,
                              check=False)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            return {}

    def skip(self, what: str) -> None:
        print(f"skip  {what}", flush=True)

    def check(self, ok: bool, what: str, outcome: Outcome | None = None) -> bool:
        print(f"{'ok  ' if ok else 'FAIL'}  {what}", flush=True)
        if not ok:
            self.failures.append(what)
            if outcome is not None:
                print("      runner output:\n" + "\n".join(
                    "      | " + line for line in outcome.output.splitlines()[-40:]))
        return ok

    def expect_caught(self, mode: str, status: str, *extra: str,
                      cases: str | None = None, detail: str = "") -> Outcome:
        out = self.runner({mode: self.broken(mode)}, *extra, env=self.inner_env,
                          cases=cases or self.sample)
        hits = [r for r in out.rows(status, mode) if detail in r["detail"]]
        self.check(out.code == 1 and bool(hits),
                   f"{mode}: exit {out.code} (want 1), {len(hits)} {status} row(s)"
                   f"{f' saying {detail!r}' if detail else ''} (want >= 1)", out)
        self.outcomes[mode] = out
        return out

    # --- the checks -----------------------------------------------------------------------

    def good_adapter(self, cases: str | None, known_lists: list[str]) -> None:
        extra = [arg for path in known_lists for arg in ("--known-failures", f"good={path}")]
        out = self.runner({"good": self.good}, *extra, cases=cases)
        bad = [r for r in out.rows() if r["failure"]]
        self.check(out.code == 0 and not bad and bool(out.rows("PASS")),
                   f"good adapter passes cleanly ({'sample' if cases else 'whole corpus'}): "
                   f"exit {out.code}, {len(out.rows('PASS'))} PASS, {len(bad)} failures", out)

    def broken_adapters(self, hang_cases: str, writes: bool) -> None:
        self.expect_caught("accept-everything", "SHOULD_HAVE_REJECTED")
        one = self.per_call_sample or self.sample
        self.expect_caught("always-crash", "CRASH", cases=one)
        self.expect_caught("one-wrong-value", "WRONG_OUTPUT")
        if writes:
            self.expect_caught("lossy-round-trip", "ROUNDTRIP_MISMATCH")
        else:
            self.skip("lossy-round-trip: the good adapter does not write")
        self.expect_caught("wrong-exit-code", "CRASH", cases=one)
        # A sleeping adapter is caught by the wall-clock backstop, a spinning one by the CPU
        # limit even with a huge backstop (so a busy machine is never mistaken for a hang).
        self.expect_caught("hangs", "TIMEOUT", "--timeout", "1", "--wall-timeout", "3",
                           cases=hang_cases, detail="wall-clock")
        self.expect_caught("spins", "TIMEOUT", "--timeout", "1", "--wall-timeout", "120",
                           cases=hang_cases, detail="CPU time")
        self.expect_caught("sloppy-dump", "WRONG_OUTPUT")
        # Exit 1 is a rejection only with a diagnostic naming a defined rule.
        crash = self.expect_caught("crash-exit-1", "REJECTED_WITHOUT_DIAGNOSTIC", cases=one,
                                   detail="without a `FILE:OFFSET: RULE-ID: message` line")
        faked = [r for r in crash.rows("PASS", "crash-exit-1") if r["detail"].startswith("rej")]
        self.check(not faked, f"crash-exit-1: no crash is scored as a rejection "
                              f"({len(faked)} PASS rows say 'rejected')", crash)
        if writes:
            # The same crash in the writer alone: write rejections need the line as well.
            crash = self.expect_caught("crash-exit-1-write", "REJECTED_WITHOUT_DIAGNOSTIC",
                                       cases=one,
                                       detail="without a `FILE:OFFSET: RULE-ID: message` line")
            rows = crash.rows("REJECTED_WITHOUT_DIAGNOSTIC", "crash-exit-1-write")
            faked = [r for r in crash.rows("PASS", "crash-exit-1-write")
                     if r["profile"] == "write" and r["detail"].startswith("rej")]
            self.check(bool(rows) and all(r["profile"] == "write" for r in rows) and not faked,
                       f"crash-exit-1-write: {len(rows)} write crash(es) caught, only writes, "
                       f"{len(faked)} scored as a rejection", crash)
        undefined = self.expect_caught("undefined-rule", "REJECTED_WITHOUT_DIAGNOSTIC",
                                       detail="does not define")
        if writes:
            rows = [r for r in undefined.rows("REJECTED_WITHOUT_DIAGNOSTIC", "undefined-rule")
                    if r["profile"] == "write"]
            self.check(bool(rows), f"undefined-rule: write rejections claiming an undefined "
                                   f"rule fail too ({len(rows)} rows)", undefined)
        self.expect_caught("internal-error", "ADAPTER_ERROR", cases=one)

    def dump_validity(self, source: corpus_mod.Case) -> None:
        """Accepted cases without an expected dump are checked for being a valid dump: a
        derived one-case corpus re-declares an accepted file as `either` with no dump."""
        root = self.workdir / "derived-corpus"
        data = source.path.read_bytes()
        rel = "derived/i_" + source.path.name
        (root / "derived").mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        case = {"id": rel.rsplit(".", 1)[0], "path": rel, "kind": "read",
                "sha256": hashlib.sha256(data).hexdigest(),
                "expect": {"strict": "either", "compat": "either"}, "rules": ["D-1"],
                "dump": None, "output": None, "roundtrip": "none",
                "description": f"{source.id} without its expected dump (run_selftest.py)"}
        (root / "manifest.json").write_text(json.dumps({"spec_version": "0", "cases": [case]}))
        shutil.copyfile(self.corpus / "rules.json", root / "rules.json")
        saved, self.corpus = self.corpus, root
        try:
            good = self.runner({"good": self.good})
            self.check(good.code == 0 and len(good.rows("PASS")) == 2,
                       f"dump validity: good adapter's dumps of {source.id} are valid "
                       f"(exit {good.code})", good)
            sloppy = self.runner({"sloppy-dump": self.broken("sloppy-dump")}, env=self.inner_env)
            invalid = [r for r in sloppy.rows("WRONG_OUTPUT") if "not a valid dump" in r["detail"]]
            self.check(sloppy.code == 1 and len(invalid) == 2,
                       f"dump validity: sloppy-dump's dumps are not valid dumps "
                       f"({len(invalid)} rows, exit {sloppy.code})", sloppy)
        finally:
            self.corpus = saved

    def rule_mismatch(self) -> None:
        mode = "wrong-rule"
        out = self.runner({mode: self.broken(mode)}, env=self.inner_env, cases=self.sample)
        warned = [r for r in out.rows(adapter=mode) if r.get("rule_mismatch")]
        self.check(out.code == 0 and bool(warned),
                   f"{mode}: exit {out.code} (want 0), {len(warned)} rule-mismatch warning(s)", out)
        # An offset is compared only under the rule the manifest expects it for.
        compared = offsets_of(out, mode).get("compared")
        self.check(compared == 0, f"{mode}: no offset compared under an unlisted rule "
                                  f"({compared} compared)", out)
        self.expect_caught(mode, "RULE_MISMATCH", "--strict-rules")

    def offset_mismatch(self) -> None:
        """Offsets are informative (spec 7.2): a wrong one is a warning, never a failure, not
        even with --strict-rules; the good adapter's offsets are compared too."""
        good = self.runner({"good": self.good}, cases=self.sample)
        self.check(good.code == 0 and offsets_of(good, "good").get("compared", 0) > 0,
                   f"offsets of the good adapter are compared with the manifest "
                   f"({offsets_of(good, 'good')})", good)
        mode = "wrong-offset"
        for extra in ((), ("--strict-rules",)):
            out = self.runner({mode: self.broken(mode)}, *extra, env=self.inner_env,
                              cases=self.sample)
            counts = offsets_of(out, mode)
            warned = [r for r in out.rows(adapter=mode) if r.get("offset_mismatch")]
            self.check(out.code == 0 and not any(r["failure"] for r in out.rows())
                       and counts.get("compared", 0) > 0
                       and counts.get("mismatched") == counts.get("compared") == len(warned)
                       and "offset mismatches (informative)" in out.output,
                       f"{mode}{' ' + extra[0] if extra else ''}: exit {out.code} (want 0), "
                       f"offsets {counts}, {len(warned)} warning row(s)", out)

    def known_failures(self) -> None:
        mode = "one-wrong-value"
        failing = self.outcomes.get(mode) or self.expect_caught(mode, "WRONG_OUTPUT")
        rows = [r for r in failing.rows(adapter=mode) if r["failure"]]
        listing = self.workdir / f"{mode}.txt"
        listing.write_text("# written by run_selftest.py\n" + "".join(
            f"{r['case']}@{r['profile']}  # deliberately broken: {r['status']}\n" for r in rows))
        out = self.runner({mode: self.broken(mode)}, "--known-failures", str(listing),
                          env=self.inner_env, cases=self.sample)
        known = out.rows("KNOWN_FAILURE", mode)
        self.check(out.code == 0 and len(known) == len(rows),
                   f"known-failure list silences {len(rows)} listed failures: exit {out.code}, "
                   f"{len(known)} KNOWN_FAILURE", out)

        good_pass = self.runner({"good": self.good}, cases=self.sample).rows("PASS", "good")
        if not self.check(bool(good_pass), "a passing case exists for the stale-entry test"):
            return
        stale = self.workdir / "good.txt"
        stale.write_text(f"{good_pass[0]['case']}  # listed although it passes\n")
        out = self.runner({"good": self.good}, "--known-failures", f"good={stale}",
                          cases=self.sample)
        self.check(out.code == 1 and bool(out.rows("STALE_KNOWN_FAILURE", "good")),
                   f"stale known-failure entry {good_pass[0]['case']} is caught: exit {out.code}",
                   out)

    def matrix(self) -> None:
        out = self.runner({"good": self.good, "lossy": self.broken("lossy-round-trip")},
                          "--matrix", env=self.inner_env, cases=self.sample)
        crossed = [r for r in out.rows() if r["adapter"] == "lossy->good" and r["failure"]]
        clean = [r for r in out.rows() if r["adapter"] == "good->good"]
        self.check(out.code == 1 and bool(crossed) and clean
                   and not any(r["failure"] for r in clean),
                   f"matrix: lossy->good fails ({len(crossed)} rows), good->good passes "
                   f"({len(clean)} rows)", out)

    def readme_example(self) -> None:
        """The example adapter shown in README.md is examples/adapter.py, and it passes:
        documentation that is tested."""
        text = (CONFORMANCE / "README.md").read_text(encoding="utf-8")
        section = text[text.find("### Writing an adapter"):]
        m = re.search(r"```python\n(.*?)```", section, re.S)
        script = EXAMPLES / "adapter.py"
        if not self.check(m is not None and m.group(1) == script.read_text(encoding="utf-8"),
                          "README.md shows examples/adapter.py verbatim"):
            return
        out = self.runner({"example": [sys.executable, *PY_FLAGS, str(script)]}, cases=self.sample,
                          cwd=REPO)  # the example finds the library as ./tools
        bad = [r for r in out.rows() if r["failure"]]
        self.check(out.code == 0 and not bad and bool(out.rows("PASS")),
                   f"README example adapter passes the sample: exit {out.code}, "
                   f"{len(bad)} failures", out)

    def node_example(self, node: str | None) -> None:
        """examples/adapter.mjs around a deliberately incomplete library (fake_lib.mjs): its
        rejections PASS, its limits are UNSUPPORTED (a failure where the file must be
        accepted), what it does not declare is SKIPPED, and its planted TypeError is an
        ADAPTER_ERROR, not a rejection."""
        if node is None:
            self.skip("node example adapter: no `node` on PATH")
            return
        cases = id_regex([f"header/{n}" for n in ("n_size_0", "n_size_1", "n_magic_byte0",
                                                  "y_small_store", "n_version_0")])
        out = self.runner({"node": [node, str(EXAMPLES / "adapter.mjs"),
                                    str(HERE / "fake_lib.mjs")]}, cases=cases)
        got = {(r["case"].split("/")[1], r["profile"]): (r["status"], r["failure"])
               for r in out.rows()}
        want = {("n_size_0", "strict"): ("PASS", False),
                ("n_magic_byte0", "strict"): ("PASS", False),
                ("n_size_1", "strict"): ("ADAPTER_ERROR", True),
                ("y_small_store", "strict"): ("UNSUPPORTED", True),
                ("n_version_0", "strict"): ("UNSUPPORTED", False),
                ("y_small_store", "compat"): ("SKIPPED", False),
                ("y_small_store", "roundtrip"): ("SKIPPED", False)}
        wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
        self.check(out.code == 1 and not wrong,
                   f"node example adapter + fake library scored as expected: exit {out.code}, "
                   f"mismatches (got, want): {wrong or 'none'}", out)

    def serve_faults(self, trigger_case: corpus_mod.Case) -> None:
        """A server that dies (or spins) in the middle of one request: that request, and only
        it, is a CRASH (TIMEOUT), the server is restarted and the run goes on."""
        for mode, status, detail, extra in (
                ("serve-dies", "CRASH", "server died", ()),
                ("serve-spins", "TIMEOUT", "CPU time", ("--timeout", "1", "--wall-timeout",
                                                        "120"))):
            log = self.workdir / f"{mode}.log"
            log.write_text("")
            env = {**self.inner_env, "ACEPACK_SELFTEST_TRIGGER": "/" + trigger_case.path.name,
                   "ACEPACK_SELFTEST_LOG": str(log)}
            out = self.runner({mode: self.broken(mode)}, *extra, "-j1", env=env,
                              cases=self.sample)
            failed = [r for r in out.rows() if r["failure"]]
            hit = [r for r in failed if r["case"] == trigger_case.id and r["status"] == status
                   and detail in r["detail"]]
            starts = log.read_text().count("start")
            self.check(out.code == 1 and hit and len(hit) == len(failed)
                       and len(out.rows("PASS")) > len(hit) and starts == len(hit) + 1,
                       f"{mode}: {len(hit)} {status} row(s) of {trigger_case.id} only "
                       f"({len(failed)} failures), {len(out.rows('PASS'))} PASS after "
                       f"restarts, {starts} server starts (want {len(hit) + 1})", out)

    def serve_equals_per_call(self) -> None:
        """The good adapter gives the same results through `serve` as per call."""
        if not self.capabilities().get("serve"):
            self.skip("serve = per call: the good adapter does not serve")
            return
        key = lambda o: sorted((r["case"], r["profile"], r["status"], r["detail"])  # noqa: E731
                               for r in o.rows())
        served = self.runner({"good": self.good}, cases=self.sample)
        per_call = self.runner({"good": self.good}, "--no-serve", cases=self.sample)
        self.check(served.code == per_call.code == 0 and key(served) == key(per_call)
                   and bool(served.rows()),
                   f"serve and per-call results are identical ({len(served.rows())} rows)",
                   served)

    def setup_errors(self) -> None:
        cmd = [sys.executable, str(RUNNER), "--corpus", str(self.corpus),
               "--build-dir", "build-selftest-does-not-exist"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        self.check(proc.returncode == 2 and "cmake" in proc.stderr,
                   f"missing default build: exit {proc.returncode} (want 2) with build hint")


def offsets_of(outcome: Outcome, adapter: str) -> dict:
    """The adapter's {"compared": N, "mismatched": M} of the JSON report ({} if absent)."""
    for a in outcome.report.get("adapters", []):
        if a.get("name") == adapter:
            return a.get("offsets", {})
    return {}


# --- choosing a small sample of the corpus ------------------------------------------------------

def _has(path: Path | None, needle: bytes) -> bool:
    return path is not None and needle in path.read_bytes()


def sample_ids(cases: list[corpus_mod.Case], per_group: int = 2) -> tuple[list[str], list[str]]:
    """A few cases of every kind the broken modes need; returns (sample, problems)."""
    groups = {
        "strict reject (n_)": lambda c: c.kind == "read" and c.expect.get("strict") == "reject",
        "accept with events": lambda c: c.kind == "read" and _has(c.dump, b'"ts":"'),
        "byte-exact round trip with keys":
            lambda c: c.roundtrip == "byte-exact" and _has(c.dump, b'{"key":'),
        "semantic round trip": lambda c: c.roundtrip == "semantic",
        "write accept": lambda c: c.kind == "write" and c.write_verdict() == "accept",
        "write reject": lambda c: c.kind == "write" and c.write_verdict() == "reject",
        "migrate": lambda c: c.kind == "migrate",
        "either": lambda c: "either" in c.expect.values(),
    }
    required = {"strict reject (n_)", "accept with events", "byte-exact round trip with keys"}
    chosen: list[str] = []
    problems = []
    for name, wanted in groups.items():
        hits = [c.id for c in cases if wanted(c)][:per_group]
        if not hits and name in required:
            problems.append(f"the corpus has no case of the group '{name}'")
        chosen += [h for h in hits if h not in chosen]
    return sorted(chosen), problems


def id_regex(ids: list[str]) -> str:
    return "^(" + "|".join(re.escape(i) for i in ids) + ")$"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--adapter", help="the good adapter command (default: "
                                     "$ACEPACK_SELFTEST_ADAPTER or the Python implementation)")
    p.add_argument("--corpus", type=Path, default=REPO / "corpus")
    p.add_argument("--full", action="store_true",
                   help="run the good adapter on the whole corpus, not only on the sample")
    p.add_argument("--known-failures", action="append", default=[], metavar="FILE",
                   help="known-failure list of the good adapter, for its whole-corpus run")
    args = p.parse_args(argv)

    text = args.adapter or os.environ.get("ACEPACK_SELFTEST_ADAPTER")
    good = shlex.split(text) if text else [
        sys.executable, str(REPO / "tools" / "pyacepack" / "acepack.py"), "adapter"]
    try:
        cases = corpus_mod.load(args.corpus.resolve()).cases
    except corpus_mod.CorpusError as e:
        print(f"FAIL  cannot load the corpus: {e}")
        return 1
    ids, problems = sample_ids(cases)
    for problem in problems:
        print(f"FAIL  {problem}")
    if problems:
        return 1
    print(f"self-test: good adapter `{shlex.join(good)}`, sample of {len(ids)} cases")
    # One read case (both profiles) for hangs and spins: each spinning call burns the whole
    # 1 s CPU limit, and one case shows the limits work as well as more would.
    reads = [c.id for c in cases if c.kind == "read" and c.id in ids][:1]

    with tempfile.TemporaryDirectory(prefix="acepack-selftest-") as tmp:
        test = SelfTest(good=good, corpus=args.corpus.resolve(), sample=id_regex(ids),
                        per_call_sample=id_regex(sample_ids(cases, per_group=1)[0]),
                        workdir=Path(tmp))
        test.good_adapter(None if args.full else test.sample, args.known_failures)
        writes = bool(test.capabilities().get("write"))
        test.broken_adapters(hang_cases=id_regex(reads), writes=writes)
        accepted = [c for c in cases if c.kind == "read" and _has(c.dump, b'"ts":"')
                    and c.expect.get("strict") == c.expect.get("compat") == "accept"]
        if test.check(bool(accepted), "the corpus has a case accepted by both profiles"):
            test.dump_validity(accepted[0])
        test.rule_mismatch()
        test.offset_mismatch()
        test.known_failures()
        if writes:
            test.matrix()
        else:
            test.skip("matrix: the good adapter does not write")
        test.readme_example()
        test.node_example(shutil.which("node"))
        test.serve_equals_per_call()
        strict_rejects = [c for c in cases if c.id in ids and c.kind == "read"
                          and c.expect.get("strict") == "reject"]
        test.serve_faults(strict_rejects[0])
        test.setup_errors()
    if test.failures:
        print(f"self-test FAILED: {len(test.failures)} check(s)")
        return 1
    print("self-test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
