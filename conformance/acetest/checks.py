"""Running one corpus case against one adapter and judging the outcome.

One read case gives a row per profile in its `expect` (plus a `roundtrip` row when it has a
round trip); a migrate case a row per profile; a write case one `write` row.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import adapter as ad
from .corpus import Case
from .dumpcheck import MiniSchema, describe_difference, dump_errors
from .sparse import materialize
from .results import (ADAPTER_ERROR, CRASH, PASS, REJECTED_WITHOUT_DIAGNOSTIC,
                      ROUNDTRIP_MISMATCH, ROUNDTRIP_PROFILE, SHOULD_HAVE_ACCEPTED,
                      SHOULD_HAVE_REJECTED, SKIPPED, TIMEOUT, UNSUPPORTED, WRITE_PROFILE,
                      WRONG_OUTPUT, Result)

# A judgement before it becomes a Result: (status, detail).
Verdict = tuple[str, str]


@dataclass
class Checker:
    schema: MiniSchema
    workdir: Path
    defined_rules: frozenset[str]   # every rule id the spec defines (corpus/rules.json)

    # --- entry point -------------------------------------------------------------------

    def run_case(self, adapter: ad.Adapter, case: Case) -> list[Result]:
        if case.kind == "read":
            return self._read_case(adapter, case)
        if case.kind == "migrate":
            return self._migrate_case(adapter, case)
        return [self._write_case(adapter, case)]

    # --- read ----------------------------------------------------------------------------

    def _read_case(self, adapter: ad.Adapter, case: Case) -> list[Result]:
        if case.sparse is None:
            return self._read_rows(adapter, case, case.path)
        # A large case: the file with its zeros inserted, as a sparse file of our own.
        fd, name = tempfile.mkstemp(suffix=".ace", dir=self.workdir)
        os.close(fd)
        try:
            path = materialize(case.path.read_bytes(), *case.sparse, Path(name))
            return self._read_rows(adapter, case, path, per_call=True)
        finally:
            os.unlink(name)

    def _read_rows(self, adapter: ad.Adapter, case: Case, path: Path,
                   per_call: bool = False) -> list[Result]:
        rows: list[Result] = []
        own_dumps: dict[str, bytes] = {}
        for profile in case.profiles():
            verdict = case.expect[profile]
            if not adapter.caps.read:
                rows.append(self._skip(adapter, case, profile, "adapter does not read"))
                continue
            if profile not in adapter.caps.profiles:
                rows.append(self._skip(adapter, case, profile, f"profile {profile} not supported"))
                continue
            call = adapter.read(path, profile, per_call)
            if call.kind == ad.OK:
                own_dumps[profile] = call.stdout
            status, detail = judge(call, verdict, lambda c: self._check_dump(c.stdout, case.dump),
                                   self.defined_rules)
            # A file over 4 GiB (a large case) may be beyond a reader's documented file-size
            # limit (spec 3.6): UNSUPPORTED is allowed there even where it must be accepted.
            row = Result.make(adapter.name, case.id, profile, status, detail, call.duration,
                              must_accept=verdict == "accept" and case.sparse is None)
            row.rule_mismatch = rule_mismatch(call, case) if status == PASS else ""
            compare_offset(row, call, case)
            rows.append(row)
        if case.roundtrip != "none":
            rows.append(self._roundtrip(adapter, case, own_dumps))
        return rows

    def _check_dump(self, got: bytes, expected_path: Path | None) -> Verdict:
        """An accepted read: compare with the expected dump, or check it is a valid dump."""
        if expected_path is not None:
            expected = expected_path.read_bytes()
            if got != expected:
                return WRONG_OUTPUT, describe_difference(expected, got, "dump")
            return PASS, "accepted, dump matches"
        errors = dump_errors(got, self.schema)
        if errors:
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            return WRONG_OUTPUT, f"accepted, but not a valid dump: {errors[0]}{more}"
        return PASS, "accepted, dump valid"

    # --- round trip ----------------------------------------------------------------------

    def _roundtrip(self, adapter: ad.Adapter, case: Case, own_dumps: dict[str, bytes]) -> Result:
        def row(status: str, detail: str, duration: float = 0.0) -> Result:
            return Result.make(adapter.name, case.id, ROUNDTRIP_PROFILE, status, detail, duration,
                               must_accept=True)

        if not adapter.caps.write:
            return row(SKIPPED, "adapter does not write")
        source = next((p for p in ("strict", *own_dumps) if p in own_dumps), None)
        if source is None:
            return row(SKIPPED, "no accepted read to round-trip")
        dump = own_dumps[source]
        written = adapter.write(dump)
        problem = _abnormal(written)
        if problem:
            return row(*problem, written.duration)
        if written.kind == ad.REJECT:
            return row(ROUNDTRIP_MISMATCH,
                       f"write rejected the adapter's own dump: {written.stderr_line()}",
                       written.duration)
        if case.roundtrip == "byte-exact":
            original = case.path.read_bytes()
            if written.stdout != original:
                detail = describe_difference(original, written.stdout, "written file",
                                             binary=True)
                return row(ROUNDTRIP_MISMATCH, detail, written.duration)
            return row(PASS, "write(read(file)) == file", written.duration)
        reread = self._read_bytes(adapter, written.stdout, "strict")
        total = written.duration + reread.duration
        problem = _abnormal(reread)
        if problem:
            return row(*problem, total)
        if reread.kind == ad.REJECT:
            return row(ROUNDTRIP_MISMATCH,
                       f"strict read rejected the rewritten file: {reread.stderr_line()}", total)
        if reread.stdout != dump:
            return row(ROUNDTRIP_MISMATCH,
                       describe_difference(dump, reread.stdout, "dump of the rewritten file"),
                       total)
        return row(PASS, "dump(read(write(dump))) == dump", total)

    # --- migrate -------------------------------------------------------------------------

    def _migrate_case(self, adapter: ad.Adapter, case: Case) -> list[Result]:
        rows = []
        for profile in case.profiles():
            verdict = case.expect[profile]
            if not adapter.caps.migrate:
                rows.append(self._skip(adapter, case, profile, "adapter does not migrate"))
                continue
            if profile not in adapter.caps.profiles:
                rows.append(self._skip(adapter, case, profile, f"profile {profile} not supported"))
                continue
            call = adapter.migrate(case.path.read_bytes(), profile)
            extra: list[float] = []
            status, detail = judge(call, verdict,
                                   lambda c: self._check_output(adapter, c.stdout, case, extra),
                                   self.defined_rules)
            row = Result.make(adapter.name, case.id, profile, status, detail,
                              call.duration + sum(extra), must_accept=verdict == "accept")
            row.rule_mismatch = rule_mismatch(call, case) if status == PASS else ""
            compare_offset(row, call, case)
            rows.append(row)
        return rows

    # --- write ---------------------------------------------------------------------------

    def _write_case(self, adapter: ad.Adapter, case: Case) -> Result:
        verdict = case.write_verdict()
        if not adapter.caps.write:
            return self._skip(adapter, case, WRITE_PROFILE, "adapter does not write")
        source = case.path.read_bytes()
        call = adapter.write(source)
        extra: list[float] = []
        status, detail = judge(call, verdict,
                               lambda c: self._check_output(adapter, c.stdout, case, extra, source),
                               self.defined_rules)
        row = Result.make(adapter.name, case.id, WRITE_PROFILE, status, detail,
                          call.duration + sum(extra), must_accept=verdict == "accept")
        row.rule_mismatch = rule_mismatch(call, case) if status == PASS else ""
        return row

    def _check_output(self, adapter: ad.Adapter, got: bytes, case: Case, extra: list[float],
                      fallback_dump: bytes | None = None) -> Verdict:
        """A written or migrated file: compare with `output`, else read it back and compare
        its dump with `dump` (or, for write cases, with the input dump)."""
        if case.output is not None:
            expected = case.output.read_bytes()
            if got != expected:
                return WRONG_OUTPUT, describe_difference(expected, got, "output file",
                                                         binary=True)
            return PASS, "output matches"
        want = case.dump.read_bytes() if case.dump is not None else fallback_dump
        if want is None or not adapter.caps.read:
            return PASS, "output not compared (case has no expected output)"
        reread = self._read_bytes(adapter, got, "strict")
        extra.append(reread.duration)
        if reread.kind != ad.OK:
            return WRONG_OUTPUT, f"strict read of the output failed ({reread.exit_desc}): " \
                                 f"{reread.stderr_line()}"
        if reread.stdout != want:
            return WRONG_OUTPUT, describe_difference(want, reread.stdout, "dump of the output")
        return PASS, "dump of the output matches"

    # --- helpers -------------------------------------------------------------------------

    def _read_bytes(self, adapter: ad.Adapter, data: bytes, profile: str) -> ad.Call:
        """Read bytes that are not a corpus file, through a temporary file."""
        fd, name = tempfile.mkstemp(suffix=".ace", dir=self.workdir)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            return adapter.read(Path(name), profile)
        finally:
            os.unlink(name)

    @staticmethod
    def _skip(adapter: ad.Adapter, case: Case, profile: str, why: str) -> Result:
        return Result.make(adapter.name, case.id, profile, SKIPPED, why)


def _abnormal(call: ad.Call) -> Verdict | None:
    """Crash, timeout and unsupported end a check whatever the case expects."""
    if call.kind == ad.TIMEOUT:
        return TIMEOUT, call.exit_desc
    if call.kind == ad.ADAPTER_ERROR:
        line = call.stderr_line()
        return ADAPTER_ERROR, "internal error of the adapter (exit 4)" + (f": {line}" * bool(line))
    if call.kind == ad.CRASH:
        line = call.stderr_line()
        return CRASH, call.exit_desc + (f": {line}" if line else "")
    if call.kind == ad.UNSUPPORTED:
        line = call.stderr_line()
        return UNSUPPORTED, "unsupported (exit 3)" + (f": {line}" if line else "")
    return None


def judge(call: ad.Call, verdict: str, on_accept: Callable[[ad.Call], Verdict],
          defined_rules: frozenset[str]) -> Verdict:
    """Status of a read/migrate/write call against the expected verdict."""
    problem = _abnormal(call)
    if problem:
        return problem
    if call.kind == ad.REJECT:
        if verdict == "accept":
            return SHOULD_HAVE_ACCEPTED, "rejected: " + (call.stderr_line() or "(no message)")
        missing = diagnostic_problem(call, defined_rules)
        if missing:
            return REJECTED_WITHOUT_DIAGNOSTIC, missing
        return PASS, "rejected" + (f" ({call.rule()})" if call.rule() else "")
    if verdict == "reject":
        return SHOULD_HAVE_REJECTED, "accepted (exit 0)"
    return on_accept(call)


def diagnostic_problem(call: ad.Call, defined_rules: frozenset[str]) -> str:
    """Why exit 1 does not count as a rejection ('' when it does). A crashing program in most
    languages exits 1 too (an uncaught exception in Python, Node, Ruby...), so exit 1 is a
    rejection only with the line `FILE:OFFSET: RULE-ID: message` naming a rule the spec
    defines: for read, migrate and write alike (a writer's refusal names the D or W rule the
    dump breaks, W-CAN-4)."""
    found = call.rejection()
    if found is None:
        line = call.stderr_line()
        return ("exit 1 without a `FILE:OFFSET: RULE-ID: message` line on stderr"
                + (f"; stderr: {line}" if line else "; stderr empty"))
    if found[0] not in defined_rules:
        return f"exit 1 naming {found[0]}, a rule the spec does not define"
    return ""


def compare_offset(row: Result, call: ad.Call, case: Case) -> None:
    """Spec 7.2 names the offset a reader should report for each rule; the manifest carries
    the expected one (`offset`). A passing rejection under the same rule at another offset is
    an informative warning. Under another rule (the file breaks several) nothing is compared."""
    expected = case.offsets.get(row.profile)
    got = call.rejection() if row.status == PASS and call.kind == ad.REJECT else None
    if expected is None or got is None or got[0] != expected[0]:
        return
    row.offset_compared = True
    if got[1] != expected[1]:
        row.offset_mismatch = f"{got[0]} at offset {got[1]}, expected {expected[1]} (spec 7.2)"


def rule_mismatch(call: ad.Call, case: Case) -> str:
    """A warning when a rejection names a rule the case does not list."""
    if call.kind != ad.REJECT or not case.rules:
        return ""
    rule = call.rule()
    if rule in case.rules:
        return ""
    said = rule or "no `FILE:OFFSET: RULE-ID: message` line on stderr"
    return f"rejected under {said}; case lists {', '.join(case.rules)}"

