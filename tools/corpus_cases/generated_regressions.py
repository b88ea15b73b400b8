"""regression/*gen_S_I: files found by `conformance/run.py --generate` (random differential
testing, conformance/README.md "Generated files") on which our two implementations disagreed.

Each failing generated file is written out with the line to add here (`corpus_case` in its
failure.json, e.g.

    C.read("gen_1_12345", bytes.fromhex("41434550..."),
           "--generate --seed 1 file 12345: index number b'7' -> b'7e-0'", "R-IDX-5", ACCEPT,
           ["R-IDX-5", "R-IDX-10"])

); fix the implementation that was wrong (or settle the spec first), add the line, and
regenerate the corpus (python3 tools/gen_corpus.py --out corpus). As for every case, the
verdicts are read from the spec and pyacepack must agree.

None yet: the runs so far (see conformance/README.md) found no disagreement between C and
Python.
"""

from .model import ACCEPT  # noqa: F401  (used by the added lines)


def add(C):
    """Adds the generated regressions to the regression area's Cases `C`."""
    return C
