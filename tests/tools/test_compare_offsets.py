"""tools/compare_offsets.py must report exactly the results where two adapters differ.

The adapters here are scripted fakes: each reads a behaviour table (file name or stdin bytes
and profile -> outcome), so every difference the tool must find is planted by the test.
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "compare_offsets.py")
sys.path.insert(0, os.path.join(ROOT, "tools"))

import compare_offsets  # noqa: E402

# A fake adapter: `fake.py TABLE.json [PROFILES] adapter read FILE --profile P`, or `migrate`
# with the v1 bytes on stdin. TABLE maps "NAME@PROFILE" (NAME: the file name for read, the
# stdin text for migrate) to "accept", "RULE@OFFSET", "reject-no-line", "unsupported",
# "crash" or "hang"; missing entries accept. Every call is logged to TABLE.log.
FAKE = textwrap.dedent('''\
    import json, sys, os, time
    table_path, profiles = sys.argv[1], sys.argv[2].split(",")
    args = sys.argv[4:]
    table = json.load(open(table_path))
    if args[0] == "capabilities":
        print(json.dumps({"read": True, "write": True, "migrate": "nomigrate" not in table,
                          "profiles": profiles}))
        sys.exit(0)
    profile = args[args.index("--profile") + 1]
    if args[0] == "read":
        name, shown = os.path.basename(args[1]), args[1]
    else:
        name, shown = sys.stdin.buffer.read().decode(), "<stdin>"
    with open(table_path + ".log", "a") as log:
        log.write(f"{args[0]} {name}@{profile}\\n")
    what = table.get(f"{name}@{profile}", "accept")
    if what == "accept":
        sys.stdout.write("{}\\n"); sys.exit(0)
    if what == "unsupported":
        sys.stderr.write("unsupported: limit\\n"); sys.exit(3)
    if what == "crash":
        sys.exit(139)
    if what == "hang":
        time.sleep(60)
    if what == "reject-no-line":
        sys.stderr.write("no rule here\\n"); sys.exit(1)
    rule, offset = what.split("@")
    sys.stderr.write(f"{shown}:{offset}: {rule}: planted\\n")
    sys.exit(1)
''')


def case(cid, kind, expect, path=None):
    return {"id": cid, "path": path or cid + ".ace", "sha256": "0" * 64, "kind": kind,
            "expect": expect, "rules": ["R-HDR-2"], "dump": None, "output": None,
            "roundtrip": "none", "description": "test"}


CASES = [
    case("header/n_a", "read", {"strict": "reject", "compat": "reject"}),
    case("header/n_b", "read", {"strict": "reject"}),
    case("header/y_c", "read", {"strict": "accept", "compat": "accept"}),
    case("migration/n_m", "migrate", {"strict": "reject", "compat": "reject"}),
    case("writer/n_w", "write", {"strict": "reject"}, path="writer/n_w.dump.json"),
]
FILES = {"header/n_a.ace": b"A", "header/n_b.ace": b"B", "header/y_c.ace": b"C",
         "migration/n_m.ace": b"MIG", "writer/n_w.dump.json": b"{}"}
BASE = {"n_a.ace@strict": "R-HDR-2@0", "n_a.ace@compat": "R-HDR-2@0",
        "n_b.ace@strict": "R-LAY-1@16", "MIG@strict": "R-V1-1@40", "MIG@compat": "R-V1-1@40"}


class CompareOffsets(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.corpus = os.path.join(self.dir, "corpus")
        for rel, data in FILES.items():
            os.makedirs(os.path.dirname(os.path.join(self.corpus, rel)), exist_ok=True)
            with open(os.path.join(self.corpus, rel), "wb") as f:
                f.write(data)
        with open(os.path.join(self.corpus, "manifest.json"), "w") as f:
            json.dump({"spec_version": "1.0.0", "cases": CASES}, f)
        self.fake = os.path.join(self.dir, "fake.py")
        with open(self.fake, "w") as f:
            f.write(FAKE)

    def tearDown(self):
        self.tmp.cleanup()

    def adapter(self, name, changes=None, profiles="strict,compat"):
        table = os.path.join(self.dir, name + ".json")
        with open(table, "w") as f:
            json.dump({**BASE, **(changes or {})}, f)
        # -S: the fakes and the tool need no site-packages (and start 3x faster without)
        return f"{name}={sys.executable} -S {self.fake} {table} {profiles} adapter"

    def run_tool(self, *adapters, extra=()):
        cmd = [sys.executable, "-S", TOOL, "--corpus", self.corpus, "--timeout", "5"]
        for a in adapters:
            cmd += ["--adapter", a]
        p = subprocess.run(cmd + list(extra), capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout.splitlines(), p.stderr

    def log(self, name):
        with open(os.path.join(self.dir, name + ".json.log")) as f:
            return sorted(f.read().split())

    def test_identical_adapters_agree(self):
        code, out, err = self.run_tool(self.adapter("a"), self.adapter("b"))
        self.assertEqual(code, 0, err)
        # n_a x2, n_b x1, y_c x2, n_m x2 (migrate); the write case is never run.
        self.assertEqual(out, ["0 of 7 results differ (0 in the offset only, 0 in verdict or rule)"])
        self.assertEqual(self.log("a"), sorted(
            "read n_a.ace@strict read n_a.ace@compat read n_b.ace@strict read y_c.ace@strict "
            "read y_c.ace@compat migrate MIG@strict migrate MIG@compat".split()))

    def test_offset_difference_is_listed_and_fails(self):
        code, out, err = self.run_tool(self.adapter("a"),
                                       self.adapter("b", {"n_a.ace@compat": "R-HDR-2@3",
                                                          "MIG@strict": "R-V1-1@32"}))
        self.assertEqual(code, 1, err)
        self.assertEqual(out, ["header/n_a@compat  a: R-HDR-2@0  b: R-HDR-2@3",
                               "migration/n_m@strict  a: R-V1-1@40  b: R-V1-1@32",
                               "2 of 7 results differ (2 in the offset only, 0 in verdict or rule)"])

    def test_rule_and_verdict_differences(self):
        b = self.adapter("b", {"n_b.ace@strict": "R-LAY-5@16", "y_c.ace@compat": "R-HDR-2@0",
                               "n_a.ace@strict": "crash", "MIG@compat": "reject-no-line",
                               "n_a.ace@compat": "unsupported"})
        code, out, err = self.run_tool(self.adapter("a"), b)
        self.assertEqual(code, 1, err)
        self.assertEqual(out, [
            "header/n_a@strict  a: R-HDR-2@0  b: crash (exit 139)",
            "header/n_a@compat  a: R-HDR-2@0  b: unsupported",
            "header/n_b@strict  a: R-LAY-1@16  b: R-LAY-5@16",
            "header/y_c@compat  a: accept  b: R-HDR-2@0",
            "migration/n_m@compat  a: R-V1-1@40  b: reject (no rule line)",
            "5 of 7 results differ (0 in the offset only, 5 in verdict or rule)"])
        # --offsets-only keeps only rejections under the same rule on both sides: of the
        # seven results only migration/n_m@strict (R-V1-1@40 on both).
        code, out, err = self.run_tool(self.adapter("a"), b, extra=["--offsets-only"])
        self.assertEqual((code, out), (0, ["0 of 1 results differ (0 in the offset only, "
                                           "0 in verdict or rule)"]), err)

    def test_offsets_only_still_reports_offsets(self):
        b = self.adapter("b", {"n_b.ace@strict": "R-LAY-5@16", "MIG@compat": "R-V1-1@41"})
        code, out, err = self.run_tool(self.adapter("a"), b, extra=["--offsets-only"])
        self.assertEqual(code, 1, err)
        self.assertEqual(out, ["migration/n_m@compat  a: R-V1-1@40  b: R-V1-1@41",
                               "1 of 4 results differ (1 in the offset only, 0 in verdict or rule)"])

    def test_profiles_and_operations_both_must_declare(self):
        code, out, err = self.run_tool(self.adapter("a"),
                                       self.adapter("b", {"nomigrate": 1}, profiles="strict"))
        self.assertEqual(code, 0, err)
        # strict reads only: n_a, n_b, y_c; no compat profile, no migrate case.
        self.assertEqual(out[-1], "0 of 3 results differ (0 in the offset only, 0 in verdict or rule)")

    def test_timeout_is_a_crash_not_a_hang(self):
        # The hanging fake sleeps 60 s; the wall-clock backstop ends it after 4 s (long enough
        # for the other fake's answer on a busy machine, and every second of it is waited).
        code, out, err = self.run_tool(self.adapter("a"), self.adapter("b", {"n_b.ace@strict": "hang"}),
                                       extra=["--timeout", "1", "--wall-timeout", "4",
                                              "--filter", "n_b"])
        self.assertEqual(code, 1, err)
        self.assertEqual(out[0], "header/n_b@strict  a: R-LAY-1@16  b: crash (timeout after 4 s)")

    def test_json_report(self):
        report = os.path.join(self.dir, "diff.json")
        code, _, err = self.run_tool(self.adapter("a"), self.adapter("b", {"n_a.ace@strict": "R-HDR-2@5"}),
                                     extra=["--json", report, "--filter", "^header/n_a$"])
        self.assertEqual(code, 1, err)
        with open(report) as f:
            doc = json.load(f)
        self.assertEqual(doc, {"adapters": ["a", "b"], "compared": 2, "differences": [
            {"case": "header/n_a", "profile": "strict",
             "a": {"verdict": "reject", "rule": "R-HDR-2", "offset": 0},
             "b": {"verdict": "reject", "rule": "R-HDR-2", "offset": 5}}]})

    def test_usage_errors_exit_2(self):
        code, _, err = self.run_tool(self.adapter("a"))
        self.assertEqual(code, 2)
        self.assertIn("exactly two", err)
        code, _, err = self.run_tool(self.adapter("a"), "b=/nonexistent/adapter adapter")
        self.assertEqual(code, 2)
        self.assertIn("capabilities", err)

    def test_parsing_helpers(self):
        self.assertEqual(compare_offsets.parse_adapter("c=build/acepack adapter"),
                         compare_offsets.Adapter("c", ("build/acepack", "adapter")))
        self.assertEqual(compare_offsets.parse_adapter("python3 tools/pyacepack/acepack.py adapter").name,
                         "acepack")
        o = compare_offsets.outcome_of(1, b"/x/a:b.ace:12: R-IDX-4: entry\n")
        self.assertEqual((o.verdict, o.rule, o.offset), ("reject", "R-IDX-4", 12))
        self.assertEqual(compare_offsets.outcome_of(2, b"").verdict, "crash")


if __name__ == "__main__":
    unittest.main()
