"""Writing out what --generate found: one small reproducer per failing file.

For every generated file with a failure, OUT/S-I/ gets
  file.ace              the input (minimised while the failure remains, when that is cheap)
  input.dump.json       for write failures: the dump given to the writer
  expected.dump.json    the reference dump, when the reference accepts the file
  failure.json          the failures, the reproduce command, and a ready-to-add corpus manifest
                        entry (corpus/manifest.schema.json) plus the line for
                        tools/corpus_cases/generated_regressions.py
"""
from __future__ import annotations

import hashlib
import json
import shlex
from pathlib import Path

from . import adapter as ad


def manifest_entry(seed: int, index: int, data: bytes, refs: dict, description: str,
                   hints: list[str], migrate: bool) -> dict:
    """A corpus manifest entry for the file, with the verdicts of the reference (pyacepack,
    which produces every expected output of the corpus)."""
    op = "migrate" if migrate else "read"
    expect, rules, offsets = {}, [], {}
    for profile in ("strict", "compat"):
        ref = refs.get((op, profile))
        if ref is None:
            continue
        expect[profile] = "accept" if ref.kind == ad.OK else "reject"
        if ref.kind == ad.REJECT and ref.rule:
            rules.append(ref.rule)
            offsets[profile] = {"rule": ref.rule, "at": ref.offset}
    rules += [h for h in hints if h not in rules]
    prefix = {"accept": "y_", "reject": "n_"}.get(expect.get("strict"), "i_")
    name = f"{prefix}gen_{seed}_{index}"
    entry = {"id": f"regression/{name}", "path": f"regression/{name}.ace",
             "sha256": hashlib.sha256(data).hexdigest(), "kind": op, "expect": expect,
             "rules": list(dict.fromkeys(rules)) or ["R-HDR-2"],
             "dump": None, "output": None, "roundtrip": "none",
             "description": f"--generate --seed {seed} file {index}: {description}"}
    if offsets:
        entry["offset"] = offsets
    accepted = [p for p in ("strict", "compat") if expect.get(p) == "accept"]
    if accepted and not migrate:
        entry["dump"] = f"regression/{name}.dump.json"
    if accepted and migrate:
        entry["output"] = f"regression/{name}.out.ace"
    return entry


def corpus_case_line(seed: int, index: int, data: bytes, entry: dict) -> str:
    """The call to add to tools/corpus_cases/generated_regressions.py for this file."""
    def verdict(p):
        v = entry["expect"].get(p)
        if v is None:
            return "None"
        if v == "accept":
            return "ACCEPT"
        return repr(entry.get("offset", {}).get(p, {}).get("rule", entry["rules"][0]))
    fn = "migrate" if entry["kind"] == "migrate" else "read"
    return (f'C.{fn}("gen_{seed}_{index}", bytes.fromhex("{data.hex()}"), '
            f'{json.dumps(entry["description"])}, {verdict("strict")}, {verdict("compat")}, '
            f'{entry["rules"]!r})')


def write_failure(out_dir: Path, seed: int, gf, failures: list[dict], refs: dict,
                  data: bytes, reproduce: list[str]) -> Path:
    d = out_dir / f"{seed}-{gf.index}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "file.ace").write_bytes(data)
    migrate = any(f["op"] == "migrate" for f in failures) and not any(
        f["op"] == "read" for f in failures)
    entry = manifest_entry(seed, gf.index, data, refs, gf.description, gf.hints, migrate)
    for f in failures:
        if f["op"] == "write" and "input" in f:
            (d / "input.dump.json").write_bytes(f.pop("input"))
        f.pop("input", None)
        if "c_output" in f:   # a C writer recipe (acetest/genfeatures.py) gave other bytes
            (d / "c_written.ace").write_bytes(f.pop("c_output"))
            (d / "c_start.ace").write_bytes(f.pop("c_start"))
            (d / "py_written.ace").write_bytes(f.pop("c_expected"))
    for profile in ("strict", "compat"):
        ref = refs.get(("read", profile))
        if ref is not None and ref.kind == ad.OK:
            (d / "expected.dump.json").write_bytes(ref.out)
            break
    doc = {"seed": seed, "index": gf.index, "origin": gf.origin, "mutation": gf.description,
           "size": len(data), "generated_size": len(gf.data),
           "reproduce": shlex.join(reproduce),
           "failures": failures, "manifest_entry": entry,
           "corpus_case": corpus_case_line(seed, gf.index, data, entry)}
    (d / "failure.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return d
