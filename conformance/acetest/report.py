"""The human summary and the machine-readable JSON report."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from . import adapter as ad
from .results import KNOWN_FAILURE, ORDER, Result

DETAIL_WIDTH = 220


def _label(row: Result) -> str:
    return f"{row.case}@{row.profile}"


def _counts(rows: list[Result]) -> str:
    counts = Counter(row.status for row in rows)
    return "  ".join(f"{status} {counts[status]}" for status in ORDER if counts[status])


def _listing(title: str, rows: list[Result], text, out: TextIO) -> None:
    if not rows:
        return
    print(f"   {title} ({len(rows)}):", file=out)
    width = min(60, max(len(_label(r)) for r in rows))
    for row in rows:
        print(f"     {_label(row).ljust(width)}  {text(row)[:DETAIL_WIDTH]}", file=out)


def print_adapter(adapter: ad.Adapter, rows: list[Result], verbose: bool, out: TextIO) -> None:
    print(f"== {adapter.name}: {adapter.command}", file=out)
    print(f"   capabilities: {adapter.caps.describe()}", file=out)
    print(f"   {len(rows)} results: {_counts(rows) or 'none'}", file=out)
    if verbose:
        _listing("all results", rows, lambda r: f"{r.status}  {r.detail}", out)
    _listing("failures", [r for r in rows if r.failure], lambda r: f"{r.status}  {r.detail}", out)
    _listing("known failures", [r for r in rows if r.status == KNOWN_FAILURE],
             lambda r: r.detail, out)
    _listing("rule mismatches (warnings)", [r for r in rows if r.rule_mismatch and not r.failure],
             lambda r: r.rule_mismatch, out)
    compared, mismatched = offset_counts(rows)
    if compared:
        print(f"   offsets (informative, spec 7.2): {mismatched} of {compared} compared "
              "rejections at another offset than expected", file=out)
    _listing("offset mismatches (informative)", [r for r in rows if r.offset_mismatch],
             lambda r: r.offset_mismatch, out)


def offset_counts(rows: list[Result]) -> tuple[int, int]:
    """(rejections whose offset was compared with the manifest, those that differ)."""
    return (sum(r.offset_compared for r in rows), sum(bool(r.offset_mismatch) for r in rows))


def print_matrix(table: list[str], rows: list[Result], out: TextIO) -> None:
    print("== matrix: writer x reader, strict read of each written file (passed/total)", file=out)
    for line in table:
        print("   " + line, file=out)
    _listing("failures", [r for r in rows if r.failure],
             lambda r: f"{r.adapter}  {r.status}  {r.detail}", out)


def write_json(path: Path, meta: dict, adapters: list[ad.Adapter], rows: list[Result],
               matrix_cells: dict[str, dict[str, int]] | None) -> None:
    doc = dict(meta)
    doc["adapters"] = [
        {"name": a.name, "command": a.argv, "capabilities": a.caps.as_json(),
         "counts": dict(Counter(r.status for r in rows if r.adapter == a.name)),
         "offsets": dict(zip(("compared", "mismatched"),
                             offset_counts([r for r in rows if r.adapter == a.name])))}
        for a in adapters]
    doc["results"] = [r.as_json() for r in rows]
    if matrix_cells is not None:
        doc["matrix"] = matrix_cells
    doc["ok"] = not any(r.failure for r in rows)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
