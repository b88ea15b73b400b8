"""Self-test of tools/check_layers.py: circles are found, layers pass."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check_layers.py")


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)


def run_graph(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        name = f.name
    try:
        return run("--graph", name)
    finally:
        os.unlink(name)


class CheckLayers(unittest.TestCase):
    def test_layers_pass(self):
        r = run_graph(["top.c -> mid.c", "top.c -> low.c", "mid.c -> low.c"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 low.c", r.stdout)
        self.assertIn("2 top.c", r.stdout)

    def test_two_file_circle(self):
        r = run_graph(["a.c -> b.c", "b.c -> a.c"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("circle", r.stderr)

    def test_long_circle_through_a_header(self):
        # keys.c includes store.h (= store.c), store.c calls commit.c, commit.c calls keys.c
        r = run_graph(["keys.c -> store.c", "store.c -> commit.c", "commit.c -> keys.c",
                       "other.c -> keys.c"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("keys.c", r.stderr)
        self.assertIn("commit.c", r.stderr)

    def test_sources_include_edges(self):
        # Real files, no objects needed for the include half: a .c that
        # includes the header of a .c that includes its own is a circle.
        with tempfile.TemporaryDirectory() as d:
            def put(name, text):
                with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                    f.write(text)
            put("low.h", "int low(void);\n")
            put("low.c", '#include "top.h"\nint low(void) { return 0; }\n')
            put("top.h", '#include "low.h"\nint top(void);\n')
            put("top.c", '#include "top.h"\nint top(void) { return low(); }\n')
            cc = os.environ.get("CC", "cc")
            objs = []
            for n in ("low", "top"):
                o = os.path.join(d, n + ".c.o")
                if subprocess.run([cc, "-c", os.path.join(d, n + ".c"), "-o", o]).returncode:
                    self.skipTest("no C compiler")
                objs.append(o)
            r = run("--src", d, "--objects", *objs)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            put("low.c", '#include "low.h"\nint low(void) { return 0; }\n')
            r = run("--src", d, "--objects", *objs)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
