#!/usr/bin/env python3
"""`--generate` and `--generate-features` (spec 1.1.0 files): the default files of a seed never
change, the 1.1.0 files are reproducible and valid where they claim to be, and a C writer
that writes other bytes than pyacepack is caught.

    python3 conformance/selftest/test_generate_features.py [-v]

The C writer test needs the C CLI (BUILD/acepack, BUILD from $ACEPACK_BUILD_DIR, default
build/) and is skipped without it.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tools"), str(REPO / "conformance")]
from acetest import genfiles  # noqa: E402
from acetest.genfeatures import parse_features  # noqa: E402
from pyacepack import read  # noqa: E402

BUILD = Path(os.environ.get("ACEPACK_BUILD_DIR", REPO / "build")).resolve()
CLI = BUILD / "acepack"

# sha256 over files 0..1999 of seed 1 without features (every GenFile field that make() sets:
# data, base, base_dump, origin, description, hints; each length-prefixed), computed with the
# generator of main at 2d44497, before --generate-features existed. The 10^6-file record of
# seed 1 was made with that generator: its files must stay reproducible.
SEED1_FIRST_2000 = "3ea6873f5fb680193daf9d6ca028f86ec86b5a7f75144fcbc4922bbe922366ee"
V11 = parse_features("1.1")


def digest(seed: int, count: int, features=frozenset()) -> str:
    h = hashlib.sha256()
    for i in range(count):
        gf = genfiles.make(seed, i, features)
        for part in (gf.data, gf.base, gf.base_dump, gf.origin.encode(),
                     gf.description.encode(), repr(gf.hints).encode()):
            h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


class DefaultFiles(unittest.TestCase):
    def test_seed1_files_unchanged(self):
        self.assertEqual(digest(1, 2000), SEED1_FIRST_2000,
                         "the default generator's files of seed 1 changed: the recorded "
                         "runs of seed 1 are no longer reproducible")

    def test_no_features_is_the_default(self):
        self.assertEqual(parse_features(""), frozenset())
        self.assertEqual(parse_features("none"), frozenset())
        a, b = genfiles.make(1, 7), genfiles.make(1, 7, parse_features(""))
        self.assertEqual((a.data, a.base), (b.data, b.base))


class FeatureFiles(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(V11, {"segmented", "checksums"})
        self.assertEqual(parse_features("checksums"), {"checksums"})
        with self.assertRaises(ValueError):
            parse_features("segments")

    def test_reproducible_and_other_than_default(self):
        self.assertEqual(digest(3, 200, V11), digest(3, 200, V11))
        self.assertNotEqual(digest(3, 200, V11), digest(3, 200))
        self.assertNotEqual(digest(3, 200, V11), digest(3, 200, parse_features("segmented")))

    def test_kinds_and_valid_files(self):
        """Every kind comes up in 400 files; every file the generator calls valid or relaid
        is accepted by pyacepack under strict, with the flag bits of its kind; every C
        recipe ends at the bytes it expects."""
        origins = set()
        recipes = 0
        for i in range(400):
            gf = genfiles.make(11, i, V11)
            origins.add(gf.origin)
            flags = int.from_bytes(gf.data[12:16], "big") if len(gf.data) >= 16 else 0
            if gf.origin.startswith(("valid", "relaid")):
                read(gf.data, "strict")   # raises Reject on an invalid "valid" file
                if "segmented" in gf.origin:
                    self.assertTrue(flags & 0x10000, gf.origin)
                if "checksummed" in gf.origin:
                    self.assertTrue(flags & 1, gf.origin)
            if gf.c_recipe is not None:
                recipes += 1
                self.assertTrue(gf.c_recipe.steps)
                read(gf.c_recipe.expected, "strict")
        for kind in ("segmented", "checksummed", "segmented+checksummed", "v1"):
            for how in ("valid", "hostile"):
                self.assertIn(f"{how} {kind}", origins)
        self.assertGreater(recipes, 5)


@unittest.skipUnless(CLI.is_file(), f"no C CLI at {CLI}")
class PlantedCWriter(unittest.TestCase):
    """A C CLI whose `compact` leaves one byte more than it should: the runner reports the
    recipe's file as a REFERENCE_DISAGREEMENT of op cwrite, and writes it out."""

    def test_wrong_compaction_is_caught(self):
        index = next(i for i in range(2000)
                     if (r := genfiles.make(5, i, V11).c_recipe) is not None
                     and r.steps[0][0][0] == "compact")
        with tempfile.TemporaryDirectory() as tmp:
            fake = Path(tmp) / "acepack"
            fake.write_text(
                "#!/bin/sh\n"
                f"\"{CLI}\" \"$@\" || exit $?\n"
                "if [ \"$1\" = compact ]; then for a; do f=$a; done; "
                "printf x >> \"$f\"; fi\n")
            fake.chmod(0o755)
            out = Path(tmp) / "out.json"
            p = subprocess.run([sys.executable, str(REPO / "conformance" / "run.py"),
                                "--build-dir", tmp, "--generate", "1", "--generate-from",
                                str(index), "--seed", "5", "--generate-features", "1.1",
                                "--generate-out", str(Path(tmp) / "fail"), "--json", str(out)],
                               capture_output=True, text=True, timeout=600, check=False)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            found = json.loads(out.read_text())["failures"]
            mine = [f for f in found if f["op"] == "cwrite"]
            self.assertTrue(mine, found)
            self.assertEqual(mine[0]["status"], "REFERENCE_DISAGREEMENT")
            self.assertTrue((Path(mine[0]["where"]) / "c_written.ace").is_file())


if __name__ == "__main__":
    unittest.main()
