"""Self-test of tools/check_tracked.py: it must flag what it claims to flag."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check_tracked.py")


def run(paths):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        name = f.name
    try:
        return subprocess.run([sys.executable, TOOL, "--list", name], capture_output=True,
                              text=True)
    finally:
        os.unlink(name)


class CheckTracked(unittest.TestCase):
    def test_flags_fuzzer_output_anywhere(self):
        for p in ["slow-unit-83613415a75c791d689aab826c4ad8fdd27576af", "crash-1a2b",
                  "fuzz/leak-00ff", "tools/bench/timeout-9", "build-x/oom-1", "core",
                  "tests/core.12345", "vgcore.777"]:
            with self.subTest(path=p):
                r = run(["README.md", p])
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn(p, r.stderr)

    def test_allows_sources_and_kept_reproducers(self):
        r = run(["README.md", "src/read/header.c", "fuzz/regressions/fuzz_index/crash-0123abcd",
                 "src/common/core_types.h", "docs/timeouts.md", "tools/crashes.py"])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_this_checkout_is_clean(self):
        r = subprocess.run([sys.executable, TOOL], capture_output=True, text=True)
        if r.returncode == 77:
            self.skipTest("not a git checkout")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
