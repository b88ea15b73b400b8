"""tools/check_rules.py must fail on duplicate, unmarked and undefined rule ids, and pass a clean tree."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check_rules.py")

CLEAN_SPEC = """# Spec
## 1. Header
**R-HDR-1** [both] A file MUST be long enough.

**W-HDR-1** A writer MUST write the magic.

**M-1** The input MUST validate.
"""


def run(spec_text, files):
    with tempfile.TemporaryDirectory() as root:
        spec = os.path.join(root, "spec.md")
        with open(spec, "w", encoding="utf-8") as f:
            f.write(spec_text)
        for name, text in files.items():
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        p = subprocess.run([sys.executable, TOOL, "--spec", spec, "--root", root],
                           capture_output=True, text=True)
        return p.returncode, p.stderr


class CheckRules(unittest.TestCase):
    def test_clean_tree_passes(self):
        code, err = run(CLEAN_SPEC, {"a.c": "/* R-HDR-1, W-HDR-1 and M-1 */\n"})
        self.assertEqual(code, 0, err)

    def test_duplicate_definition_fails(self):
        code, err = run(CLEAN_SPEC + "\n**R-HDR-1** [strict] again.\n", {})
        self.assertEqual(code, 1)
        self.assertIn("R-HDR-1 defined again", err)

    def test_reader_rule_without_profile_fails(self):
        code, err = run(CLEAN_SPEC + "\n**R-EVT-1** no profile here.\n", {})
        self.assertEqual(code, 1)
        self.assertIn("no profile mark", err)

    def test_undefined_citation_fails(self):
        undefined = "R-HDR-" + "9"  # split so this file does not cite it itself
        code, err = run(CLEAN_SPEC, {"b.py": f"# checks {undefined}\n"})
        self.assertEqual(code, 1)
        self.assertIn(f"b.py:1: {undefined} is not defined", err)

    def test_real_spec_and_tree_pass(self):
        p = subprocess.run([sys.executable, TOOL], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
