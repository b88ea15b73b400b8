"""tools/check_corpus.py: the optional `offset` member of a manifest case (spec 7.2 offsets,
informative) must name a profile that may reject, a rule the case lists, and a byte inside
the file or at its end."""
import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import check_corpus  # noqa: E402
from corpus_cases.schema import MANIFEST_SCHEMA  # noqa: E402


def case(**changes):
    c = {"id": "header/n_x", "path": "header/n_x.ace", "sha256": "0" * 64, "kind": "read",
         "expect": {"strict": "reject", "compat": "accept"}, "rules": ["R-HDR-6"],
         "offset": {"strict": {"rule": "R-HDR-6", "at": 100}},
         "dump": None, "output": None, "roundtrip": "none", "description": "d"}
    c.update(changes)
    return c


class OffsetMember(unittest.TestCase):
    def problems(self, c, size=128):
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"\0" * size)
            f.flush()
            out = []
            check_corpus.check_offsets(c, f.name, out)
            return out

    def test_valid_offset_passes(self):
        self.assertEqual(self.problems(case()), [])
        self.assertEqual(self.problems(case(offset={"strict": {"rule": "R-HDR-6", "at": 128}})),
                         [])   # the file size: rules about the whole file (R-HDR-1, M-8)
        self.assertEqual(self.problems(case(offset=None)), [])

    def test_inconsistent_offsets_are_problems(self):
        self.assertIn("expect.compat is accept", " ".join(self.problems(
            case(offset={"compat": {"rule": "R-HDR-6", "at": 1}}))))
        self.assertIn("does not list", " ".join(self.problems(
            case(offset={"strict": {"rule": "R-HDR-2", "at": 0}}))))
        self.assertIn("past the end", " ".join(self.problems(
            case(offset={"strict": {"rule": "R-HDR-6", "at": 129}}))))
        self.assertIn("read and migrate cases only", " ".join(self.problems(
            case(kind="write", path="writer/n_x.dump.json"))))

    def test_schema(self):
        manifest = {"spec_version": "1.0.0", "cases": [case()]}
        check_corpus.validate(manifest, MANIFEST_SCHEMA)
        for bad in ({"strict": {"rule": "R-HDR-6"}}, {"strict": {"rule": "R-HDR-6", "at": -1}},
                    {"strict": {"rule": "x", "at": 1}}, {"lenient": {"rule": "R-HDR-6", "at": 1}},
                    {}, {"strict": {"rule": "R-HDR-6", "at": 1, "extra": 0}}):
            with self.assertRaises(check_corpus.SchemaError, msg=bad):
                check_corpus.validate({"spec_version": "1.0.0", "cases": [case(offset=bad)]},
                                      MANIFEST_SCHEMA)


if __name__ == "__main__":
    unittest.main()
