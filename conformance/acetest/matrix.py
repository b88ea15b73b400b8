"""Interoperability matrix (--matrix): every writer writes every write / round-trip case and
every reader reads each written file back under `strict`. The reader's dump must equal the
case's expected dump, or, for a write case without one, the reader's own dump of the case's
expected output file (the writer may legitimately change the content, e.g. clear compatible
flag bits, W-HDR-2). A cell counts the cases that pass for one writer x reader pair."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import adapter as ad
from .corpus import Case
from .dumpcheck import describe_difference
from .parallel import ordered_map
from .results import (ADAPTER_ERROR, CRASH, KNOWN_FAILURE, MATRIX_PROFILE, PASS,
                      SHOULD_HAVE_ACCEPTED, TIMEOUT, UNSUPPORTED, WRONG_OUTPUT, Result)

# A writer or reader call that did not succeed, as a matrix status.
_STATUS = {ad.TIMEOUT: TIMEOUT, ad.CRASH: CRASH, ad.UNSUPPORTED: UNSUPPORTED,
           ad.ADAPTER_ERROR: ADAPTER_ERROR, ad.REJECT: SHOULD_HAVE_ACCEPTED}


@dataclass(frozen=True)
class Item:
    case: Case
    source: bytes            # the dump given to the writer
    expected: bytes | None   # the dump every reader must produce; None: see `reference`
    reference: Path | None   # the expected output file, whose dump each reader must reproduce


def items(cases: list[Case]) -> list[Item]:
    """Write cases that must be accepted, and read cases with a round trip and a dump."""
    out = []
    for case in cases:
        if case.kind == "write" and case.write_verdict() == "accept":
            source = case.path.read_bytes()
            if case.dump is not None:
                out.append(Item(case, source, case.dump.read_bytes(), None))
            elif case.output is not None:
                out.append(Item(case, source, None, case.output))
            else:
                out.append(Item(case, source, source, None))
        elif case.kind == "read" and case.roundtrip != "none" and case.dump is not None:
            dump = case.dump.read_bytes()
            out.append(Item(case, dump, dump, None))
    return out


def _row(writer: ad.Adapter, reader: ad.Adapter, case: Case, status: str, detail: str,
         duration: float) -> Result:
    row = Result.make(f"{writer.name}->{reader.name}", case.id, MATRIX_PROFILE, status, detail,
                      duration, must_accept=True)
    row.owners = (writer.name, reader.name)
    return row


def _writer_failure(call: ad.Call) -> tuple[str, str]:
    return _STATUS[call.kind], f"writer {call.exit_desc}: {call.stderr_line()}"


def _cell_rows(writer: ad.Adapter, readers: list[ad.Adapter], item: Item,
               workdir: Path) -> list[Result]:
    written = writer.write(item.source)
    if written.kind != ad.OK:
        status, detail = _writer_failure(written)
        return [_row(writer, r, item.case, status, detail, written.duration) for r in readers]
    fd, name = tempfile.mkstemp(suffix=".ace", dir=workdir)
    with os.fdopen(fd, "wb") as f:
        f.write(written.stdout)
    try:
        return [_read_back(writer, r, item, Path(name), written.duration) for r in readers]
    finally:
        os.unlink(name)


def _read_back(writer: ad.Adapter, reader: ad.Adapter, item: Item, path: Path,
               write_time: float) -> Result:
    call = reader.read(path, "strict")
    duration = write_time + call.duration
    if call.kind == ad.OK:
        expected, what = item.expected, "reader's dump"
        if expected is None and item.reference is not None:
            ref = reader.read(item.reference, "strict")
            duration += ref.duration
            if ref.kind != ad.OK:
                return _row(writer, reader, item.case, SHOULD_HAVE_ACCEPTED,
                            f"reader {ref.exit_desc} on the expected output file: "
                            f"{ref.stderr_line()}", duration)
            expected, what = ref.stdout, "reader's dump (vs. its dump of the expected output)"
        if call.stdout == expected:
            return _row(writer, reader, item.case, PASS, "", duration)
        return _row(writer, reader, item.case, WRONG_OUTPUT,
                    describe_difference(expected, call.stdout, what), duration)
    return _row(writer, reader, item.case, _STATUS[call.kind],
                f"reader {call.exit_desc}: {call.stderr_line()}", duration)


def run(adapters: list[ad.Adapter], cases: list[Case], workdir: Path,
        jobs: int) -> list[Result]:
    writers = [a for a in adapters if a.caps.write]
    readers = [a for a in adapters if a.caps.read and "strict" in a.caps.profiles]
    if not writers or not readers:
        return []
    todo = items(cases)
    work = [(w, item) for w in writers for item in todo]
    chunks = ordered_map(lambda t: _cell_rows(t[0], readers, t[1], workdir), work, jobs)
    return [row for chunk in chunks for row in chunk]


def cells(rows: list[Result]) -> dict[str, dict[str, int]]:
    """Per `W->R` pair: passed, known (KNOWN_FAILURE) and total counts."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        cell = out.setdefault(row.adapter, {"passed": 0, "known": 0, "total": 0})
        cell["passed"] += row.status == PASS
        cell["known"] += row.status == KNOWN_FAILURE
        cell["total"] += 1
    return out


def table(adapters: list[ad.Adapter], rows: list[Result]) -> list[str]:
    """Lines of the writer x reader table: passed/total per cell (+k known failures)."""
    writers = [a.name for a in adapters if a.caps.write]
    readers = [a.name for a in adapters if a.caps.read and "strict" in a.caps.profiles]
    counts = cells(rows)

    def cell(w: str, r: str) -> str:
        c = counts.get(f"{w}->{r}", {"passed": 0, "known": 0, "total": 0})
        return f"{c['passed']}/{c['total']}" + (f" +{c['known']}k" if c["known"] else "")

    head = "writer \\ reader"
    width = max([len(head)] + [len(w) for w in writers]) + 2
    col = max([len(r) for r in readers] + [len(cell(w, r)) for w in writers for r in readers]) + 2
    lines = [head.ljust(width) + "".join(r.ljust(col) for r in readers)]
    for w in writers:
        lines.append(w.ljust(width) + "".join(cell(w, r).ljust(col) for r in readers))
    return [line.rstrip() for line in lines]
