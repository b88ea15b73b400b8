#!/usr/bin/env python3
"""Self-test of `conformance/run.py --generate`: does random differential testing catch a
planted disagreement, and is it reproducible from the seed?

    python3 conformance/selftest/test_generate.py [-v]

Needs the C CLI (BUILD/acepack, BUILD from $ACEPACK_BUILD_DIR, default build/) for the tests
that plant a disagreement in the C reference; the others wrap pyacepack when it is missing.
"""
from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tools"), str(REPO / "conformance")]
from corpus_cases.model import ACCEPT, Cases  # noqa: E402
from acetest import genfiles  # noqa: E402
from pyacepack import Reject, read  # noqa: E402


def _pick_seed() -> str:
    """A seed whose first 4 files hold a compat-accepted file with events (where dump-byte
    plants its change) and a compat-rejected one (where verdict plants its change): found
    with pyacepack in-process, so the tests follow any change of the generator."""
    for seed in range(1, 200):
        events = rejected = False
        for i in range(4):
            try:
                events |= bool(read(genfiles.make(seed, i).data, "compat").events)
            except Reject:
                rejected = True
        if events and rejected:
            return str(seed)
    raise AssertionError("no seed found")


SEED = _pick_seed()
RUNNER = REPO / "conformance" / "run.py"
PLANTED = HERE / "planted_adapter.py"
BUILD = Path(os.environ.get("ACEPACK_BUILD_DIR", REPO / "build")).resolve()
CLI = BUILD / "acepack"
PY_ADAPTER = f"{shlex.quote(sys.executable)} -S -E {REPO / 'tools' / 'pyacepack' / 'acepack.py'} adapter"


def good_adapter() -> str:
    return f"{CLI} adapter" if CLI.is_file() else PY_ADAPTER


def run(*args: str, build: Path = BUILD) -> subprocess.CompletedProcess:
    # -S: stdlib only; a start without site-packages costs a third of the CPU
    cmd = [sys.executable, "-S", str(RUNNER), "--build-dir", str(build), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)


def planted(mode: str, inner: str) -> str:
    return f"planted={shlex.quote(sys.executable)} -S {PLANTED} {mode} {shlex.quote(inner)}"


class GenerateSelfTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="acepack-gen-selftest-")
        self.out = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def failures(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in sorted(self.out.glob("*/failure.json"))]

    def test_planted_dump_byte_is_caught(self):
        # -j1 where 4 files are checked: a pool of workers costs more than the files; the
        # parallel path runs in test_clean_run_passes and test_same_seed_same_files.
        done = run("--generate", "4", "--seed", SEED, "--generate-out", str(self.out), "-j1",
                   "--adapter", planted("dump-byte", good_adapter()))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("planted: WRONG_OUTPUT", done.stdout)
        docs = self.failures()
        self.assertTrue(docs, "no failure written out")
        for doc in docs:
            data = (self.out / f"{SEED}-{doc['index']}" / "file.ace").read_bytes()
            entry = doc["manifest_entry"]
            self.assertEqual(entry["sha256"], hashlib.sha256(data).hexdigest())
            for member in ("id", "path", "kind", "expect", "rules", "dump", "output",
                           "roundtrip", "description"):
                self.assertIn(member, entry)
            self.assertIn("--generate-from", doc["reproduce"])
            self.assertRegex(entry["id"], rf"^regression/[yni]_gen_{SEED}_[0-9]+$")
            # the line for tools/corpus_cases/generated_regressions.py is a valid case
            cases = Cases("regression")
            eval(doc["corpus_case"], {"C": cases, "ACCEPT": ACCEPT})  # noqa: S307
            self.assertEqual(cases[0].id, entry["id"])
            self.assertEqual(cases[0].data, data)
            self.assertEqual(cases[0].expect(), entry["expect"])

    def test_planted_verdict_is_caught(self):
        done = run("--generate", "4", "--seed", SEED, "--generate-out", str(self.out), "-j1",
                   "--no-minimize", "--adapter", planted("verdict", good_adapter()))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("planted: SHOULD_HAVE_REJECTED", done.stdout)

    def test_reproduce_command_finds_it_again(self):
        run("--generate", "4", "--seed", SEED, "--generate-out", str(self.out), "--no-minimize",
            "-j1", "--adapter", planted("dump-byte", good_adapter()))
        doc = self.failures()[0]
        argv = shlex.split(doc["reproduce"])[2:]   # without "python3 conformance/run.py"
        again = Path(self.tmp.name) / "again"
        argv = [a if a != str(self.out) else str(again) for a in argv]
        done = run(*argv)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertTrue((again / f"{SEED}-{doc['index']}" / "failure.json").is_file())

    def test_crashing_server_is_restarted(self):
        done = run("--generate", "4", "--seed", SEED, "--generate-out", str(self.out),
                   "--no-minimize", "--adapter", planted("serve-crash", good_adapter()),
                   "--json", str(self.out / "r.json"), "-j1")   # one server counts them all
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("planted (serve)", done.stdout)
        found = json.loads((self.out / "r.json").read_text())["failures"]
        statuses = {f["status"] for f in found}
        self.assertEqual(statuses, {"CRASH"}, found)   # only the requests in flight
        self.assertTrue(all("server died" in f["detail"] for f in found))
        requests = sum(v for k, v in json.loads((self.out / "r.json").read_text())["stats"]
                       .items() if "@" in k)
        self.assertEqual(len(found), requests // 5)

    @unittest.skipUnless(CLI.is_file(), "needs the C CLI")
    def test_reference_disagreement_is_ours(self):
        fake = self.out / "fakebuild"
        fake.mkdir()
        script = fake / "acepack"
        script.write_text("#!/bin/sh\n"
                          f"exec {shlex.quote(sys.executable)} -S {PLANTED} verdict "
                          f"{shlex.quote(str(CLI))} \"$@\"\n")
        script.chmod(0o755)
        done = run("--generate", "4", "--seed", SEED, "--generate-out", str(self.out / "f"),
                   "--no-minimize", "-j1", build=fake)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("c: REFERENCE_DISAGREEMENT", done.stdout)

    def test_clean_run_passes(self):
        # Few files: that a clean run passes is the point here; the many-files run is the
        # ctests conformance.generate (500 files) and conformance.generate.v11 (450).
        done = run("--generate", "20", "--seed", "11", "--generate-out", str(self.out))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("RESULT: PASS, 20 generated files", done.stdout)

    def test_same_seed_same_files(self):
        hashes = []
        for run_no, seed in enumerate(("9", "9", "10")):
            save = self.out / f"save{run_no}"
            done = run("--generate", "12", "--seed", seed, "--save-files", str(save),
                       "--generate-out", str(self.out / "f"))
            self.assertIn(done.returncode, (0, 1), done.stderr)
            hashes.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                           for p in sorted(save.iterdir())})
        self.assertEqual(len(hashes[0]), 12)
        self.assertEqual(hashes[0], hashes[1])
        self.assertNotEqual(hashes[0], hashes[2])


if __name__ == "__main__":
    unittest.main()
