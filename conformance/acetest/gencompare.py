"""Outcomes of one operation on one generated input, and how two outcomes are compared.

An Outcome is what an implementation did with (op, profile, input): accepted with output bytes
(the dump, the written or migrated file), rejected under a rule at an offset, unsupported, or
crashed. The reference outcomes come from pyacepack in-process (py_*) and from the C CLI
through its adapter (from_call); an adapter under test is judged against the reference.

Verdict and output bytes must match exactly. Rules may differ where the spec lets a file that
breaks several rules be reported under any of them (spec 7.2): a different rule is accepted
when the independent rule checker (tools/corpus_cases/rulecheck.py) finds both rules broken.
Offsets are informative, as in the corpus run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import adapter as ad

# Failure statuses of a generated run (the corpus run's names where the meaning is the same).
SHOULD_HAVE_ACCEPTED = "SHOULD_HAVE_ACCEPTED"
SHOULD_HAVE_REJECTED = "SHOULD_HAVE_REJECTED"
WRONG_OUTPUT = "WRONG_OUTPUT"
CRASH = "CRASH"
TIMEOUT = "TIMEOUT"
UNSUPPORTED = "UNSUPPORTED"
REJECTED_WITHOUT_DIAGNOSTIC = "REJECTED_WITHOUT_DIAGNOSTIC"
RULE_MISMATCH = "RULE_MISMATCH"
# C and Python (our two implementations) disagree: our bug, reported apart.
REFERENCE_DISAGREEMENT = "REFERENCE_DISAGREEMENT"

_DEFINITION = re.compile(r"^\*\*((?:[RW]-[A-Z0-9]+-\d+|[MD]-\d+))\*\*", re.M)


def defined_rules(spec_text: str) -> frozenset[str]:
    """The rule ids the spec defines (bold at the start of a line, as tools/check_rules.py)."""
    return frozenset(_DEFINITION.findall(spec_text))


@dataclass(frozen=True)
class Outcome:
    kind: str                 # acetest.adapter OK / REJECT / UNSUPPORTED / CRASH / TIMEOUT
    out: bytes = b""
    rule: str | None = None   # rejections: the rule of the diagnostic line (None: no line)
    offset: int | None = None
    detail: str = ""

    def short(self) -> str:
        if self.kind == ad.OK:
            return f"accepted ({len(self.out)} bytes out)"
        if self.kind == ad.REJECT:
            return f"rejected {self.rule or '(no diagnostic)'} at {self.offset}"
        return f"{self.kind}: {self.detail}"[:200]


def from_call(call: ad.Call) -> Outcome:
    found = call.rejection() if call.kind == ad.REJECT else None
    detail = call.exit_desc if call.kind in (ad.CRASH, ad.TIMEOUT) else call.stderr_line()
    return Outcome(call.kind, call.stdout if call.kind == ad.OK else b"",
                   found[0] if found else None, found[1] if found else None, detail)


# --- pyacepack in-process (the same code paths as tools/pyacepack/acepack.py adapter) ----------

def _guard(fn):
    """pyacepack's own faults become CRASH outcomes (a bug of ours, reported, never raised)."""
    from pyacepack import Reject, Unsupported

    def run(*args) -> Outcome:
        try:
            return Outcome(ad.OK, fn(*args))
        except Reject as e:
            return Outcome(ad.REJECT, b"", e.rule, e.offset, e.message)
        except Unsupported as e:
            return Outcome(ad.UNSUPPORTED, detail=e.message)
        except RecursionError as e:
            return Outcome(ad.CRASH, detail=f"pyacepack: RecursionError: {e}")
        except Exception as e:  # noqa: BLE001 - any other exception is a crash of ours
            return Outcome(ad.CRASH, detail=f"pyacepack: {type(e).__name__}: {e}")
    return run


def python_ops():
    """(read, migrate, write) of pyacepack as Outcome-returning functions."""
    from pyacepack import dump, migrate, read
    from pyacepack.acepack import _canonical_of_dump

    return (_guard(lambda data, profile: dump(read(data, profile))),
            _guard(lambda data, profile: migrate(data, profile)[0]),
            _guard(lambda text: _canonical_of_dump(text)))


# --- comparing ----------------------------------------------------------------------------

class RuleJudge:
    """Whether a rejection's rule is one the input breaks (spec 7.2: any of several)."""

    def __init__(self, defined: frozenset[str]):
        self.defined = defined
        self._cache: dict[tuple[bytes, str], frozenset[str]] = {}

    def broken(self, data: bytes, profile: str) -> frozenset[str]:
        key = (data, profile)
        if key not in self._cache:
            try:
                from corpus_cases.rulecheck import broken_rules
                found = frozenset(broken_rules(data, profile))
            except Exception:  # noqa: BLE001 - a second opinion only; none is no opinion
                found = frozenset()
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = found
        return self._cache[key]

    def acceptable(self, op: str, data: bytes, profile: str, ref_rule: str | None,
                   got_rule: str | None) -> bool:
        if got_rule == ref_rule:
            return True
        if op == "write" or got_rule is None or ref_rule is None:
            return op == "write"        # a dump may break several D rules: not checked
        if op == "migrate":
            # M-1 refusals: the spec (7.2) reads as "M-1 or the reader's rule" (issue 11 §5
            # settles it); accept either as long as the reader rule is broken.
            pair = {got_rule, ref_rule}
            if "M-1" in pair:
                other = (pair - {"M-1"}).pop()
                return other in self.broken(data, profile) or other.startswith("M-")
        broken = self.broken(data, profile)
        return self._plausible(got_rule, broken) and self._plausible(ref_rule, broken)

    @staticmethod
    def _plausible(rule: str, broken: frozenset[str]) -> bool:
        """The rule checker stops at an index that is not JSON (R-IDX-1/2) or that has a
        member name with a lone surrogate (R-IDX-11): then any index or chunk rule may be
        the one an implementation meets first (spec 7.2)."""
        if rule in broken:
            return True
        return bool(broken & {"R-IDX-1", "R-IDX-2", "R-IDX-11"}) and \
            rule.startswith(("R-IDX-", "R-CHK-"))


def judge(op: str, data: bytes, profile: str, ref: Outcome, got: Outcome, rules: RuleJudge
          ) -> tuple[str, str, bool] | None:
    """(status, detail, failure) when `got` differs from the reference `ref`, else None.
    A RULE_MISMATCH is returned with failure False (a warning unless --strict-rules)."""
    if got.kind == ad.CRASH:
        return CRASH, got.detail, True
    if got.kind == ad.TIMEOUT:
        return TIMEOUT, got.detail, True
    if ref.kind not in (ad.OK, ad.REJECT):
        return None   # the reference declined (a limit): nothing to compare against
    if got.kind == ad.UNSUPPORTED:
        return (UNSUPPORTED, got.detail, True) if ref.kind == ad.OK else None
    if ref.kind == ad.OK and got.kind == ad.REJECT:
        return SHOULD_HAVE_ACCEPTED, f"rejected: {got.rule} at {got.offset}: {got.detail}", True
    if ref.kind == ad.REJECT and got.kind == ad.OK:
        return SHOULD_HAVE_REJECTED, f"accepted; reference: {ref.rule} at {ref.offset}", True
    if got.kind == ad.OK:
        if got.out != ref.out:
            from .dumpcheck import describe_difference
            return WRONG_OUTPUT, describe_difference(ref.out, got.out, "output",
                                                     binary=op != "read"), True
        return None
    if got.rule is None or got.rule not in rules.defined:
        said = got.rule or "no `FILE:OFFSET: RULE-ID: message` line"
        return REJECTED_WITHOUT_DIAGNOSTIC, f"exit 1 with {said}: {got.detail}", True
    if not rules.acceptable(op, data, profile, ref.rule, got.rule):
        return RULE_MISMATCH, f"rejected under {got.rule}; reference {ref.rule}", False
    return None
