"""Large read cases kept small: a manifest case with `"sparse": {"at": A, "zeros": Z}` reads
the file `path` with Z zero bytes inserted at offset A. The runner makes that file in its
temporary directory as a sparse file (a seek over the zeros, no disk blocks for them), so a
file over 4 GiB, the only kind that can tell 64-bit offsets from their low 32 bits, costs
a few hundred bytes in the corpus and next to nothing on disk."""
from __future__ import annotations

from pathlib import Path


def materialize(base: bytes, at: int, zeros: int, dest: Path) -> Path:
    """Writes base[:at] + zeros * b"\\0" + base[at:] to dest, the zeros as a hole."""
    if not 0 <= at <= len(base) or zeros < 1:
        raise ValueError(f"sparse: at {at} outside the {len(base)} base bytes, or no zeros")
    with open(dest, "wb") as f:
        f.write(base[:at])
        f.seek(at + zeros)
        f.write(base[at:])
        f.truncate(len(base) + zeros)  # a hole at the end still gives the file its size
    return dest
