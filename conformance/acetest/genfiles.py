"""The generated files of --generate: file number i of seed S, always the same bytes.

Each file has its own random.Random seeded with the string "acepack-generate:S:i" (string seeds
go through SHA-512, so they are the same on every run and machine, unlike hash()), so any file
can be made again alone from (S, i).

A file is built from random content (acetest/gencontent.py) by pyacepack's canonical writer;
the same content's dump is also given to the C writer (and to every adapter that writes), which
must produce the same bytes. Then it is either kept as is (a valid canonical file), re-laid out
(a valid, non-canonical file: chunks in another order, dead space, index members in another
order, a tail), or turned hostile (acetest/genmutate.py).
"""
from __future__ import annotations

import random
import struct
from dataclasses import dataclass, field

from pyacepack import Content, build_v1, build_v2, dump
from pyacepack.encode import encode_event_section, encode_index

from . import gencontent, genmutate


@dataclass
class GenFile:
    index: int
    data: bytes              # the file to read (and to migrate when it is v1)
    base: bytes              # the valid canonical file it derives from
    base_dump: bytes         # the dump of the base content: input of the writer check
    origin: str              # "canonical v2", "relaid v1", "hostile v2", ...
    description: str         # what was done to the base
    hints: list[str] = field(default_factory=list)   # rules a mutation aims at
    # what a writer makes of base_dump when it is not `base` (a 1.1.0 base: checksummed or
    # segmented, acetest/genfeatures.py); None: base
    canonical: bytes | None = None
    c_recipe: object = None   # genfeatures.CRecipe: C CLI commands that must write a file

    @property
    def name(self) -> str:
        return f"gen-{self.index:08d}"


def file_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"acepack-generate:{seed}:{index}")


def relayout(rng: random.Random, c: Content) -> bytes:
    """A valid but non-canonical file of content c: chunks shuffled with dead space between
    them, index members shuffled, sometimes a tail (every strict rule still holds)."""
    v2 = c.format_version == 2
    start = 128 if v2 else 64
    keys = list(c.kv)
    rng.shuffle(keys)
    region = bytearray()
    entries = []
    for key in keys:
        if rng.random() < 0.4:
            region += rng.randbytes(rng.randrange(1, 12))
        value = c.kv[key]
        entries.append((key, start + len(region), len(value)))
        region += struct.pack(">I", len(value)) + value
    if rng.random() < 0.3:
        region += rng.randbytes(rng.randrange(1, 12))
    rng.shuffle(entries)
    index = encode_index(entries)
    tail = rng.randbytes(rng.randrange(1, 30)) if rng.random() < 0.3 else b""
    chunk_end = start + len(region)
    if not v2:
        head = b"ACEPACK\x00" + struct.pack(">IIQQ", 1, 0, chunk_end, len(index)) + bytes(32)
        return head + region + index + tail
    section = encode_event_section(c.events)
    head = (b"ACEPACK\x00" + struct.pack(">IIQQQQQII", 2, 0, chunk_end + len(section),
                                         len(index), chunk_end, chunk_end, len(section),
                                         len(c.events), c.evt_base_id) + bytes(64))
    return head + region + section + index + tail


def _canonical(c: Content) -> bytes:
    return build_v2(c) if c.format_version == 2 else build_v1(c.kv)


def make(seed: int, index: int, features: frozenset[str] = frozenset()) -> GenFile:
    """File `index` of `seed`; with features (acetest/genfeatures.py) a file of spec 1.1.0,
    made by another generator whose files are as reproducible."""
    if features:
        from . import genfeatures
        return genfeatures.make(seed, index, features)
    rng = file_rng(seed, index)
    v1 = rng.random() < 0.3
    content = gencontent.random_v1(rng) if v1 else gencontent.random_v2(rng)
    base = _canonical(content)
    base_dump = dump(content)
    label = "v1" if v1 else "v2"
    r = rng.random()
    if r < 0.12:
        return GenFile(index, base, base, base_dump, f"canonical {label}", "valid, canonical",
                       ["W-CAN-1"])
    if r < 0.2:
        return GenFile(index, relayout(rng, content), base, base_dump, f"relaid {label}",
                       "valid, not canonical (shuffled chunks, dead space, tail)", ["R-CHK-4"])
    if rng.random() < 0.1:
        tricky, what = gencontent.with_tricky_json(rng, content)
        data = build_v2(tricky, validate=False) if tricky.format_version == 2 \
            else build_v1(tricky.kv)
        return GenFile(index, data, base, base_dump, f"hostile {label}", what, ["R-PAY-2", "M-4"])
    donor = _canonical(gencontent.random_small(rng))
    start = relayout(rng, content) if rng.random() < 0.15 else base
    data, what, hints = genmutate.mutate(rng, start, donor)
    return GenFile(index, data, base, base_dump, f"hostile {label}", what, hints)
