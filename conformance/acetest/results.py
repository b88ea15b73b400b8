"""Result statuses and the Result record (one per adapter x case x profile)."""
from __future__ import annotations

from dataclasses import dataclass, field

PASS = "PASS"
SHOULD_HAVE_ACCEPTED = "SHOULD_HAVE_ACCEPTED"
SHOULD_HAVE_REJECTED = "SHOULD_HAVE_REJECTED"
WRONG_OUTPUT = "WRONG_OUTPUT"
ROUNDTRIP_MISMATCH = "ROUNDTRIP_MISMATCH"
CRASH = "CRASH"
TIMEOUT = "TIMEOUT"
REJECTED_WITHOUT_DIAGNOSTIC = "REJECTED_WITHOUT_DIAGNOSTIC"  # exit 1 without a defined rule
ADAPTER_ERROR = "ADAPTER_ERROR"                              # exit 4: the adapter's own fault
UNSUPPORTED = "UNSUPPORTED"
SKIPPED = "SKIPPED"
RULE_MISMATCH = "RULE_MISMATCH"              # only a status with --strict-rules
KNOWN_FAILURE = "KNOWN_FAILURE"
STALE_KNOWN_FAILURE = "STALE_KNOWN_FAILURE"

# Display order of the per-status counts.
ORDER = (PASS, KNOWN_FAILURE, SKIPPED, UNSUPPORTED, SHOULD_HAVE_ACCEPTED, SHOULD_HAVE_REJECTED,
         WRONG_OUTPUT, ROUNDTRIP_MISMATCH, RULE_MISMATCH, REJECTED_WITHOUT_DIAGNOSTIC,
         ADAPTER_ERROR, CRASH, TIMEOUT, STALE_KNOWN_FAILURE)

# Statuses that are always failures. UNSUPPORTED is one only where acceptance is required.
ALWAYS_FAILING = {SHOULD_HAVE_ACCEPTED, SHOULD_HAVE_REJECTED, WRONG_OUTPUT, ROUNDTRIP_MISMATCH,
                  CRASH, TIMEOUT, RULE_MISMATCH, REJECTED_WITHOUT_DIAGNOSTIC, ADAPTER_ERROR,
                  STALE_KNOWN_FAILURE}

# Pseudo-profiles of rows that are not a read under a profile.
WRITE_PROFILE = "write"
ROUNDTRIP_PROFILE = "roundtrip"
MATRIX_PROFILE = "matrix"


@dataclass
class Result:
    adapter: str               # adapter name; "W->R" for matrix rows
    case: str
    profile: str               # strict / compat / write / roundtrip / matrix
    status: str
    detail: str = ""
    duration: float = 0.0
    failure: bool = False
    rule_mismatch: str = ""    # a warning unless --strict-rules
    # Spec 7.2 offsets are informative: set when the manifest names the expected offset of
    # the rule the adapter reported; offset_mismatch describes a different offset. Never a
    # failure, whatever the options.
    offset_compared: bool = False
    offset_mismatch: str = ""
    owners: tuple[str, ...] = field(default=())  # adapters whose known-failure lists apply

    @classmethod
    def make(cls, adapter: str, case: str, profile: str, status: str, detail: str = "",
             duration: float = 0.0, must_accept: bool = False) -> "Result":
        failure = status in ALWAYS_FAILING or (status == UNSUPPORTED and must_accept)
        return cls(adapter, case, profile, status, detail, duration, failure, owners=(adapter,))

    def sort_key(self, adapter_rank: dict[str, int]) -> tuple:
        profile_rank = {"strict": 0, "compat": 1, WRITE_PROFILE: 2, ROUNDTRIP_PROFILE: 3}
        return (adapter_rank.get(self.adapter, len(adapter_rank)), self.adapter, self.case,
                profile_rank.get(self.profile, 4), self.profile)

    def as_json(self) -> dict:
        out = {"adapter": self.adapter, "case": self.case, "profile": self.profile,
               "status": self.status, "failure": self.failure, "detail": self.detail,
               "duration": round(self.duration, 4)}
        if self.rule_mismatch:
            out["rule_mismatch"] = self.rule_mismatch
        if self.offset_mismatch:
            out["offset_mismatch"] = self.offset_mismatch
        return out
