"""Generated files of spec 1.1.0 (`--generate-features`): segmented event logs (flag bit 16,
spec 3.7) and integrity checksums (flag bit 0, spec 3.8), valid and hostile.

The default generator (acetest/genfiles.py make() without features) never comes here, so the
files of a seed without features stay what they were. With features, file i of seed S has its
own random.Random("acepack-generate:S:i:FEATURES"): other bytes than without, as reproducible.

Valid bases are written by pyacepack (build_v2(checksums=True), segwrite.build_segmented,
segwrite.append_segment). Some come with a recipe for the C writer: the commands of the C CLI
that must produce the same bytes (acetest/generate.py runs them):
  checksummed canonical    `compact --checksums` of the plain canonical file (W-CRC-1)
  a chain of commits       the canonical file of the first events, then one
                           `append --segmented [--checksums]` per further event (W-SEG-2):
                           each leaves the previous bytes in place (segment, table, index
                           after the committed extent), as append_segment does
  compaction               `compact` of a segmented file: the canonical file again (W-SEG-1,
                           W-COMPACT-1), checksummed when the file has bit 0 (W-CRC-1)
A chain is only given to C when no commit of it would pass the growth bound of the reference
writer (W-COMPACT-2, R = 2: it would compact there, which is its right).
"""
from __future__ import annotations

import random
import struct
from dataclasses import dataclass, field

from pyacepack import Content, Event, build_v1, build_v2, dump
from pyacepack.checksums import fill_header
from pyacepack.segwrite import append_segment, build_segmented

from . import gencontent, genmutate, genmutate11

FEATURES = ("segmented", "checksums")
SEGMENTED, CHECKSUMS = 0x00010000, 0x00000001
GROWTH_RATIO = 2   # the reference writer's default R (W-COMPACT-2)
MAX_APPENDS = 4    # C commits per chain: one CLI process each


def parse_features(text: str) -> frozenset[str]:
    """`segmented,checksums`, `1.1` (both) or `none`/empty (the default generator)."""
    out = set()
    for word in (w.strip() for w in text.split(",")):
        if word in ("", "none"):
            continue
        if word in ("1.1", "1.1.0", "all"):
            out.update(FEATURES)
        elif word in FEATURES:
            out.add(word)
        else:
            raise ValueError(f"unknown feature {word!r} (known: {', '.join(FEATURES)}, 1.1)")
    return frozenset(out)


@dataclass
class CRecipe:
    """What the C CLI must do to write `expected`: `start` is written to a file F, then each
    step is run as `acepack ARGS` with "{F}" in ARGS replaced by F and `stdin` as its input."""
    start: bytes
    steps: list[tuple[list[str], bytes]]
    expected: bytes
    what: str


@dataclass
class FeatureBase:
    data: bytes                 # the valid file
    kind: str                   # "checksummed", "segmented", "segmented+checksummed"
    what: str
    recipe: CRecipe | None = None
    hints: list[str] = field(default_factory=list)


def rng_for(seed: int, index: int, features: frozenset[str]) -> random.Random:
    return random.Random(f"acepack-generate:{seed}:{index}:{','.join(sorted(features))}")


def _segment_sizes(rng: random.Random, n: int) -> list[int]:
    """1..min(n, 64) positive sizes adding up to n (n >= 1)."""
    s = rng.choice([1, 1, 2, 2, 3, 4, 8, 64])
    s = max(1, min(s, n, 64))
    cuts = sorted(rng.sample(range(1, n), s - 1)) if s > 1 else []
    bounds = [0] + cuts + [n]
    return [bounds[i + 1] - bounds[i] for i in range(s)]


def _live_size(data: bytes) -> int:
    """W-COMPACT-2 live size of a valid segmented file written by append_segment."""
    idx_len = struct.unpack_from(">Q", data, 24)[0]
    evt_off, evt_len = struct.unpack_from(">QQ", data, 40)
    live = 128 + evt_len + idx_len
    s = struct.unpack_from(">I", data, evt_off)[0]
    for k in range(s):
        live += struct.unpack_from(">Q", data, evt_off + 16 + 32 * k)[0]
    from pyacepack import read
    for value in read(data, "strict").kv.values():
        live += 4 + len(value)
    return live


def _append_args(e: Event, checksums_opt: bool) -> tuple[list[str], bytes]:
    args = ["append", "--segmented"] + (["--checksums"] if checksums_opt else []) + \
        ["{F}", "--ts", str(e.ts), "--kind", str(e.kind), "--source", str(e.source),
         "--flags", str(e.flags), "-"]
    return args, e.payload


def _chain(rng: random.Random, c: Content, crc: bool) -> FeatureBase:
    """The file a segmented writer leaves after commits of one event each on the canonical
    file of the first events (plain, or checksummed when `crc` and a coin says so)."""
    n = len(c.events)
    appends = rng.randrange(1, min(n, MAX_APPENDS) + 1)
    first = Content(2, 0, c.evt_base_id, c.kv, c.events[:n - appends])
    start_crc = crc and rng.random() < 0.5   # W-CRC-1: the bit is kept without the option
    data = start = build_v2(first, checksums=start_crc)
    steps, fits = [], True
    for e in c.events[n - appends:]:
        data = append_segment(data, [e], checksums=crc)
        steps.append(_append_args(e, crc and not start_crc))
        fits = fits and len(data) <= GROWTH_RATIO * _live_size(data)
    kind = "segmented+checksummed" if crc else "segmented"
    what = (f"{kind}: canonical file of {n - appends} events{' (checksummed)' if start_crc else ''}"
            f" + {appends} segmented commit(s) of one event")
    recipe = CRecipe(start, steps, data, what) if fits else None
    return FeatureBase(data, kind, what, recipe, ["W-SEG-2", "R-SEG-6"])


def valid_base(rng: random.Random, c: Content, features: frozenset[str]) -> FeatureBase | None:
    """A valid 1.1.0 file of content c (v2), or None: the plain canonical file then."""
    kinds = ["plain"]
    if "checksums" in features:
        kinds += ["checksummed"] * 3
    if "segmented" in features:
        kinds += ["segmented"] * 4
    if features >= {"segmented", "checksums"}:
        kinds += ["segmented+checksummed"] * 3
    kind = rng.choice(kinds)
    if kind == "plain":
        return None
    if kind == "checksummed":
        data = build_v2(c, checksums=True)
        recipe = CRecipe(build_v2(c), [(["compact", "--checksums", "{F}"], b"")], data,
                         "compact --checksums of the canonical file")
        return FeatureBase(data, kind, "checksummed canonical file (W-CRC-1)", recipe,
                           ["W-CRC-1", "R-CRC-1"])
    crc = kind == "segmented+checksummed"
    if not c.events:
        return None if "checksums" not in features else \
            FeatureBase(build_v2(c, checksums=True), "checksummed",
                        "checksummed canonical file (W-CRC-1)", None, ["W-CRC-1"])
    if rng.random() < 0.5:
        return _chain(rng, c, crc)
    sizes = _segment_sizes(rng, len(c.events))
    data = build_segmented(c, sizes, checksums=crc)
    recipe = None
    if rng.random() < 0.4:   # C compacts it back into the canonical file (bit 0 kept)
        recipe = CRecipe(data, [(["compact", "{F}"], b"")], build_v2(c, checksums=crc),
                         "compact of a segmented file")
    return FeatureBase(data, kind, f"{kind}, segments of {sizes} events", recipe,
                       ["R-SEG-5", "R-SEG-6"])


def relaid(rng: random.Random, base: FeatureBase, c: Content) -> bytes:
    """A valid non-canonical file of the same kind: a relaid plain file with checksums, or
    other segment sizes (with the chunks shuffled and dead space when plain)."""
    from .genfiles import relayout
    crc = "checksummed" in base.kind
    if base.kind.startswith("segmented"):
        return build_segmented(c, _segment_sizes(rng, len(c.events)), checksums=crc)
    out = bytearray(relayout(rng, c))
    fill_header(out)
    return bytes(out)


def make(seed: int, index: int, features: frozenset[str]):
    from .genfiles import GenFile, _canonical
    rng = rng_for(seed, index, features)
    if rng.random() < 0.15:
        content = gencontent.random_v1(rng)
        base = build_v1(content.kv)
        base_dump = dump(content)
        data, what, hints = base, "valid, canonical", ["W-CAN-1"]
        if "checksums" in features and rng.random() < 0.5:
            # R-CRC-6: bit 0 has no meaning in v1, a reader ignores it like any compatible bit
            data = base[:12] + struct.pack(">I", CHECKSUMS) + base[16:]
            what, hints = "v1 file with flag bit 0 (valid, R-CRC-6)", ["R-CRC-6"]
        if rng.random() < 0.6:
            donor = _canonical(gencontent.random_small(rng))
            valid = data
            data, what, hints = genmutate.mutate(rng, valid, donor)
            return GenFile(index, data, valid, base_dump, "hostile v1", what, hints,
                           canonical=base)
        return GenFile(index, data, data, base_dump, "valid v1", what, hints, canonical=base)
    content = gencontent.random_v2(rng)
    if "segmented" in features and not content.events and rng.random() < 0.7:
        content = Content(2, 0, content.evt_base_id, content.kv,
                          [gencontent.random_event(rng) for _ in range(rng.randrange(1, 9))])
    canonical = build_v2(content)
    base_dump = dump(content)
    fb = valid_base(rng, content, features)
    if fb is None:
        fb = FeatureBase(canonical, "plain", "plain canonical file", None, ["W-CAN-1"])
    r = rng.random()
    # the C writer's commands cost a process (and an fsync) each: about 5% of the files
    recipe = fb.recipe if rng.random() < (0.3 if r < 0.25 else 0.03) else None
    if r < 0.15:
        return GenFile(index, fb.data, fb.data, base_dump, f"valid {fb.kind}", fb.what,
                       fb.hints, canonical=canonical, c_recipe=recipe)
    if r < 0.25 and fb.kind != "plain":
        return GenFile(index, relaid(rng, fb, content), fb.data, base_dump, f"relaid {fb.kind}",
                       "valid, not canonical", fb.hints, canonical=canonical, c_recipe=recipe)
    donor = _canonical(gencontent.random_small(rng))
    if fb.kind != "plain" and rng.random() < 0.55:
        got = genmutate11.mutate(rng, fb.data, donor)
    else:
        got = genmutate.mutate(rng, fb.data, donor)
    data, what, hints = got
    if "checksummed" in fb.kind and rng.random() < 0.5:
        # the CRCs made right again after the damage, so that strict reaches the structural
        # rules behind R-CRC-1..4 and R-SEG-10
        every = rng.random() < 0.6   # else the segment_crcs stay as the mutation left them
        data = genmutate11.refresh_checksums(data, segment_crcs=every)
        what += "; checksums recomputed" if every else "; header checksums recomputed"
    return GenFile(index, data, fb.data, base_dump, f"hostile {fb.kind}", what, hints,
                   canonical=canonical, c_recipe=recipe)
