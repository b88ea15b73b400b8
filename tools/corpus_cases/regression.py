"""regression/: reproducers of fixed bugs (fuzz findings, reports). None yet.

Add one case per bug, with the input inline (bytes.fromhex(...) for a small fuzz input) and
a description that names the bug and the fix, e.g.

    C.read("issue_123_index_offset_wrap", bytes.fromhex("41434550..."),
           "fuzz finding: kv_index_offset + length wrapped in 64 bits (fixed in ...)",
           "R-LAY-1", "R-LAY-1")

The verdict is read from the spec like every other case; pyacepack must agree.
"""

from . import generated_regressions
from .model import Cases


def cases():
    return generated_regressions.add(Cases("regression"))
