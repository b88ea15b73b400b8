"""Known-failure lists (conformance/known-failures/<name>.txt), in the manner of protobuf's
conformance failure lists: a listed failure is reported as KNOWN_FAILURE and does not fail the
run; a listed entry that passes fails the run as STALE_KNOWN_FAILURE, so lists only shrink.

Format, one entry per line:
    CASE-ID[@PROFILE]   # reason (required in spirit; a missing reason gets a warning)
PROFILE is strict, compat, write, roundtrip or matrix; without it the entry covers every row
of the case. Blank lines and lines starting with `#` are ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .results import KNOWN_FAILURE, SKIPPED, STALE_KNOWN_FAILURE, Result

_ENTRY = re.compile(r"^(?P<case>[^\s@#]+)(?:@(?P<profile>[A-Za-z-]+))?\s*(?:#\s*(?P<reason>.*))?$")


class KnownListError(Exception):
    """A known-failure file that cannot be parsed."""


@dataclass(frozen=True)
class Entry:
    case: str
    profile: str | None
    reason: str
    where: str       # FILE:LINE, for messages

    def matches(self, row: Result, owner: str) -> bool:
        return (owner in row.owners and row.case == self.case
                and (self.profile is None or self.profile == row.profile))


def load(path: Path) -> tuple[list[Entry], list[str]]:
    """Entries of one file, plus warnings (entries without a reason)."""
    entries, warnings = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise KnownListError(f"cannot read known-failure list {path}: {e.strerror}") from None
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        m = _ENTRY.match(text)
        where = f"{path}:{number}"
        if not m:
            raise KnownListError(f"{where}: expected `CASE-ID[@PROFILE]  # reason`, got {text!r}")
        reason = (m.group("reason") or "").strip()
        if not reason:
            warnings.append(f"{where}: entry {text!r} gives no reason")
        entries.append(Entry(m.group("case"), m.group("profile"), reason, where))
    return entries, warnings


def apply(rows: list[Result], lists: dict[str, list[Entry]], known_ids: frozenset[str],
          filtered: bool) -> list[str]:
    """Rewrite statuses of rows covered by the lists (in place); return warnings.

    Matching is decided on the original statuses first, so that two entries covering the
    same row (CASE and CASE@strict) cannot make each other look stale."""
    warnings: list[str] = []
    known_rows: dict[int, Entry] = {}
    stale: list[tuple[Entry, list[Result]]] = []
    for owner, entries in lists.items():
        for entry in entries:
            matched = [r for r in rows if entry.matches(r, owner)]
            ran = [r for r in matched if r.status != SKIPPED]
            failing = [r for r in ran if r.failure]
            if not matched and (entry.case not in known_ids or not filtered):
                warnings.append(f"{entry.where}: {entry.case}"
                                f"{'@' + entry.profile if entry.profile else ''} "
                                "matches no result (unknown case or profile?)")
            for row in failing:
                known_rows.setdefault(id(row), entry)
            if ran and not failing:
                stale.append((entry, ran))
    for row in rows:
        entry = known_rows.get(id(row))
        if entry:
            row.detail = f"{row.status}: {row.detail} [known: {entry.reason or entry.where}]"
            row.status, row.failure = KNOWN_FAILURE, False
    for entry, ran in stale:
        for row in ran:
            if id(row) in known_rows:
                continue
            row.detail = f"listed in {entry.where} but passes: remove the entry ({entry.reason})"
            row.status, row.failure = STALE_KNOWN_FAILURE, True
    return warnings
