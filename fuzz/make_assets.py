#!/usr/bin/env python3
"""Builds the fuzzing assets of every harness from the repository.

For each harness H it writes into --out:
  H.dict              the harness's dictionary, composed from fuzz/dict/*.dict
  H.options           copied from fuzz/options/H.options (OSS-Fuzz format)
  H_seed_corpus/      seed inputs (or H_seed_corpus.zip with --zip)

Seeds are derived from the golden corpus (corpus/**/*.ace), shaped for what
each harness takes as input (a whole file, an event section, an index, a
file + needle, a v1 file or a v1 log entry value), plus the harness's
regression inputs (fuzz/regressions/H/), the inputs the fuzzing campaigns
found beyond these seeds (fuzz/seeds/H/, tracked) and a local working corpus
(fuzz/corpora/H/, git-ignored) when present; --no-extra leaves those three out.

Standard library only (Python 3.11); no `zip` binary needed.
Usage: python3 fuzz/make_assets.py --out DIR [--zip] [--harness H ...]
"""
import argparse
import hashlib
import json
import re
import struct
import sys
import zipfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
MAX_SEED = 1 << 20  # larger golden files (corpus/large/) make slow seeds
MAGIC = b"ACEPACK\x00"

# Must match fuzz/fuzz_wrap.h: zero-length chunks are valid at 128..1148.
WRAP_ZERO_FIRST = 128
WRAP_ZERO_SLOTS = 256
WRAP_HELLO = (1152, 5)


def corpus_files(corpus: Path):
    for p in sorted(corpus.rglob("*.ace")):
        if p.is_file() and p.stat().st_size <= MAX_SEED:
            yield p, p.read_bytes()


def header(data: bytes):
    """The fields the seeds need, or None when the header is not usable."""
    if len(data) < 64 or data[:8] != MAGIC:
        return None
    version, = struct.unpack(">I", data[8:12])
    idx_off, idx_len = struct.unpack(">QQ", data[16:32])
    h = {"version": version, "idx": None, "evt": None}
    if idx_off <= len(data) and idx_len <= len(data) - idx_off:
        h["idx"] = (idx_off, idx_len)
    if version == 2 and len(data) >= 128:
        evt_off, evt_len = struct.unpack(">QQ", data[40:56])
        if evt_off <= len(data) and evt_len <= len(data) - evt_off:
            h["evt"] = (evt_off, evt_len)
    return h


def index_pairs(data: bytes, h):
    """The (key, offset, length) members of a file's index, or []."""
    if not h or not h["idx"]:
        return []
    off, n = h["idx"]
    try:
        top = json.loads(data[off:off + n].decode("utf-8-sig"),
                         object_pairs_hook=lambda pairs: ("object", pairs))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return []
    out = []
    if not (isinstance(top, tuple) and top[0] == "object"):
        return []
    for key, entry in top[1]:
        if not (isinstance(entry, tuple) and entry[0] == "object"):
            continue
        ent = dict(entry[1])
        o, ln = ent.get("offset"), ent.get("length")
        if isinstance(o, int) and isinstance(ln, int):
            out.append((key, o, ln))
    return out


def seeds_file(corpus):
    for _, data in corpus_files(corpus):
        yield data


def seeds_events(corpus):
    for _, data in corpus_files(corpus):
        h = header(data)
        if h and h["evt"]:
            off, n = h["evt"]
            yield data[off:off + n]


ENTRY_RE = re.compile(rb'"offset":(\d+),"length":(\d+)')


def seeds_index(corpus):
    for _, data in corpus_files(corpus):
        h = header(data)
        if not h or not h["idx"]:
            continue
        off, n = h["idx"]
        raw = data[off:off + n]
        yield raw  # as is: its chunk references mostly miss the wrapper's
        # Pointed at the wrapper's chunks, so that strict can accept it.
        slot = iter(range(WRAP_ZERO_SLOTS))

        def repoint(m):
            i = next(slot, None)
            if i is None:
                return m.group(0)
            if i == 0:
                return b'"offset":%d,"length":%d' % WRAP_HELLO
            return b'"offset":%d,"length":0' % (WRAP_ZERO_FIRST + 4 * i)

        yield ENTRY_RE.sub(repoint, raw)


def seeds_lookup(corpus):
    for _, data in corpus_files(corpus):
        needles = [b"no such key"]
        members = index_pairs(data, header(data))
        picks = members[:1] + [m for m in members if not str(m[0]).isascii()][:1]
        for key, _, _ in picks:
            try:
                needles.append(key.encode("utf-8"))
            except UnicodeEncodeError:  # a lone surrogate: not a key of any valid file
                pass
        for nd in dict.fromkeys(needles):
            if len(nd) < 65536:
                yield data + nd + struct.pack(">H", len(nd))


def v1_entry_seed(value: bytes, log_id: int) -> bytes:
    """Entry mode of fuzz_v1: value + parameters read from the end (see
    fuzz_v1.c / fuzz_data_producer.h): a bool 1 (log key mode), a u32 id whose
    most significant byte is read first (so stored little-endian), a 0 byte
    (where = 0: a plain 12-digit id)."""
    return value + b"\x00" + struct.pack("<I", log_id) + b"\x01"


def seeds_v1(corpus):
    yield v1_entry_seed(b'{"kind":1,"content_source":2,"key":"k","payload":{"x":1},'
                        b'"id":1,"ts":1700000000000}', 1)
    for _, data in corpus_files(corpus):
        h = header(data)
        if not h or h["version"] != 1:
            continue
        yield data
        for key, o, ln in index_pairs(data, h):
            m = re.fullmatch(r"core/log/(\d{12,})", key) if isinstance(key, str) else None
            if m and 0 < int(m.group(1)) < 2**32 and o + 4 + ln <= len(data):
                yield v1_entry_seed(data[o + 4:o + 4 + ln], int(m.group(1)))


def seeds_writer(corpus):
    """fuzz_writer: the last byte picks the mode.  Dump texts (corpus
    *.dump.json) + an even byte: DUMP mode parses exactly the text.  A few
    inputs ending in an odd byte: CONTENT mode."""
    for p in sorted(corpus.rglob("*.dump.json")):
        if p.is_file() and p.stat().st_size <= MAX_SEED:
            yield p.read_bytes() + b"\x00"
    yield b'key\xc3\xa9value{"a":[1,{"b":null}],"c":"\\u00e9"}' + bytes(range(1, 40, 2))
    yield b"kkkkvvvv{}" + b"\xff" * 16 + b"\x01"
    yield b"\x01"


# harness -> (dictionaries, seed generator)
HARNESSES = {
    "fuzz_header": (["acepack.dict"], seeds_file),
    "fuzz_file": (["acepack.dict", "json.dict", "events.dict", "v1.dict"], seeds_file),
    "fuzz_events": (["events.dict", "json.dict"], seeds_events),
    "fuzz_index": (["json.dict", "index_wrap.dict"], seeds_index),
    "fuzz_lookup": (["acepack.dict", "json.dict"], seeds_lookup),
    "fuzz_v1": (["acepack.dict", "json.dict", "v1.dict"], seeds_v1),
    "fuzz_roundtrip": (["acepack.dict", "json.dict", "events.dict", "v1.dict"], seeds_file),
    "fuzz_writer": (["json.dict", "dump.dict"], seeds_writer),
}


def compose_dict(names):
    seen, lines = set(), []
    for name in names:
        for line in (FUZZ / "dict" / name).read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            value = s.split("=", 1)[1] if "=" in s else s
            if value not in seen:
                seen.add(value)
                lines.append(s)
    return "\n".join(lines) + "\n"


def extra_inputs(harness):
    for sub in ("regressions", "seeds", "corpora"):
        d = FUZZ / sub / harness
        if d.is_dir():
            for p in sorted(d.rglob("*")):
                if p.is_file() and not p.name.startswith("."):
                    yield p.read_bytes()


def build(harness, out: Path, corpus: Path, as_zip: bool, extra: bool = True):
    dicts, gen = HARNESSES[harness]
    (out / f"{harness}.dict").write_text(compose_dict(dicts), encoding="utf-8")
    opts = FUZZ / "options" / f"{harness}.options"
    if opts.exists():
        (out / f"{harness}.options").write_bytes(opts.read_bytes())
    seeds = {}
    for data in list(gen(corpus)) + (list(extra_inputs(harness)) if extra else []):
        seeds.setdefault(hashlib.sha1(data).hexdigest(), data)
    if as_zip:
        with zipfile.ZipFile(out / f"{harness}_seed_corpus.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for name in sorted(seeds):
                z.writestr(name, seeds[name])
    else:
        d = out / f"{harness}_seed_corpus"
        d.mkdir(parents=True, exist_ok=True)
        for name, data in seeds.items():
            (d / name).write_bytes(data)
    return len(seeds)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--zip", action="store_true", help="write H_seed_corpus.zip (OSS-Fuzz)")
    ap.add_argument("--harness", action="append", help="only these harnesses (repeatable)")
    ap.add_argument("--no-extra", action="store_true",
                    help="seeds from corpus/ only (not regressions/, seeds/, corpora/)")
    args = ap.parse_args(argv)
    names = args.harness or [h for h in HARNESSES if (FUZZ / f"{h}.c").exists()]
    unknown = [h for h in names if h not in HARNESSES]
    if unknown:
        ap.error(f"unknown harness: {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for h in names:
        n = build(h, args.out, args.corpus, args.zip, not args.no_extra)
        print(f"{h}: {n} seeds")
        if n == 0:
            print(f"make_assets: no seeds for {h} (is corpus/ empty?)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
