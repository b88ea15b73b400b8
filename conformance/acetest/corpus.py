"""Loading corpus/manifest.json into Case objects (see "Corpus and manifest" in README.md)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("read", "write", "migrate")
VERDICTS = ("accept", "reject", "either")
ROUNDTRIPS = ("byte-exact", "semantic", "none")
PROFILE_ORDER = ("strict", "compat")


class CorpusError(Exception):
    """The corpus or its manifest is unusable (a setup error, not a test failure)."""


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    path: Path                 # absolute
    expect: dict[str, str]     # profile -> verdict
    rules: tuple[str, ...]
    dump: Path | None          # absolute
    output: Path | None        # absolute
    roundtrip: str
    description: str
    # profile -> (rule, byte offset) of the expected rejection (manifest `offset`, spec 7.2;
    # informative: compared only to report offset mismatches, never to fail a case).
    offsets: dict[str, tuple[str, int]] = field(default_factory=dict)
    # (at, zeros) of a large read case: the file read is `path` with `zeros` zero bytes
    # inserted at offset `at`, made by the runner as a sparse file (acetest/sparse.py).
    sparse: tuple[int, int] | None = None

    def profiles(self) -> list[str]:
        """The profiles this case applies to, strict first, then compat, then the rest."""
        known = [p for p in PROFILE_ORDER if p in self.expect]
        return known + sorted(p for p in self.expect if p not in PROFILE_ORDER)

    def write_verdict(self) -> str:
        """Write cases have no profile: the strict verdict, or the only one given."""
        if "strict" in self.expect:
            return self.expect["strict"]
        values = set(self.expect.values())
        return values.pop() if len(values) == 1 else "accept"


@dataclass
class Corpus:
    root: Path
    spec_version: str
    cases: list[Case]          # selected by the filter, sorted by id
    all_ids: frozenset[str]    # every case of the manifest
    rules: frozenset[str]      # every rule id the spec defines (rules.json)


def expand_rules(rules: list[str]) -> tuple[str, ...]:
    """`R-PAY-1..3` -> R-PAY-1, R-PAY-2, R-PAY-3 (the spec's own shorthand)."""
    out: list[str] = []
    for rule in rules:
        m = re.fullmatch(r"(.*-)(\d+)\.\.(\d+)", rule)
        if m:
            out += [f"{m.group(1)}{n}" for n in range(int(m.group(2)), int(m.group(3)) + 1)]
        else:
            out.append(rule)
    return tuple(out)


def _case(raw: dict, root: Path) -> Case:
    cid = raw.get("id")
    if not isinstance(cid, str) or not cid:
        raise CorpusError(f"manifest entry without an id: {raw!r:.120}")

    def file(key: str, required: bool) -> Path | None:
        rel = raw.get(key)
        if rel is None and not required:
            return None
        if not isinstance(rel, str) or rel.startswith("/") or ".." in Path(rel).parts:
            raise CorpusError(f"{cid}: `{key}` must be a path relative to the corpus")
        return root / rel

    kind = raw.get("kind")
    expect = raw.get("expect")
    if kind not in KINDS:
        raise CorpusError(f"{cid}: unknown kind {kind!r}")
    if (not isinstance(expect, dict) or not expect
            or any(v not in VERDICTS for v in expect.values())):
        raise CorpusError(f"{cid}: `expect` must map profiles to {'/'.join(VERDICTS)}")
    roundtrip = raw.get("roundtrip") or "none"
    if roundtrip not in ROUNDTRIPS:
        raise CorpusError(f"{cid}: unknown roundtrip {roundtrip!r}")
    return Case(id=cid, kind=kind, path=file("path", True), expect=dict(expect),
                rules=expand_rules(list(raw.get("rules") or [])),
                dump=file("dump", False), output=file("output", False),
                roundtrip=roundtrip, description=str(raw.get("description") or ""),
                offsets=_offsets(cid, raw.get("offset")), sparse=_sparse(cid, kind, raw))


def _sparse(cid: str, kind: str, raw: dict) -> tuple[int, int] | None:
    """The optional `sparse` member of a large read case: {"at": A, "zeros": Z}."""
    s = raw.get("sparse")
    if s is None:
        return None
    ok = (kind == "read" and isinstance(s, dict) and set(s) == {"at", "zeros"}
          and all(isinstance(s[k], int) and not isinstance(s[k], bool) for k in s)
          and s["at"] >= 0 and s["zeros"] >= 1)
    if not ok:
        raise CorpusError(f"{cid}: `sparse` must be {{\"at\": N >= 0, \"zeros\": N >= 1}} "
                          "on a read case")
    return s["at"], s["zeros"]


def _offsets(cid: str, raw: object) -> dict[str, tuple[str, int]]:
    """The optional `offset` member: {profile: {"rule": RULE-ID, "at": N}}."""
    if raw is None:
        return {}
    out: dict[str, tuple[str, int]] = {}
    if isinstance(raw, dict):
        for profile, rej in raw.items():
            if not (isinstance(rej, dict) and isinstance(rej.get("rule"), str)
                    and isinstance(rej.get("at"), int) and not isinstance(rej.get("at"), bool)
                    and rej["at"] >= 0):
                break
            out[profile] = (rej["rule"], rej["at"])
        else:
            return out
    raise CorpusError(f"{cid}: `offset` must map profiles to {{\"rule\": RULE-ID, \"at\": N}}")


def _verify_hash(raw: dict, path: Path) -> None:
    """Catch corpora damaged by checkouts (CRLF conversion, LFS pointers) before testing."""
    want = raw.get("sha256")
    if not path.is_file():
        raise CorpusError(f"{raw['id']}: missing file {path}")
    if want and hashlib.sha256(path.read_bytes()).hexdigest() != want.lower():
        raise CorpusError(f"{raw['id']}: {path} does not match its sha256 in the manifest "
                          "(corrupted checkout? see .gitattributes)")


def load_rules(root: Path) -> frozenset[str]:
    """rules.json, written by tools/gen_corpus.py from spec/ACEPACK.md: the rule ids a
    rejection may name. It travels with the corpus, so the runner needs no Markdown parser."""
    path = root / "rules.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"no {path}: the corpus must list the rules its spec defines "
                          "(tools/gen_corpus.py writes it)") from None
    except ValueError as e:
        raise CorpusError(f"{path}: not JSON: {e}") from None
    rules = doc.get("rules") if isinstance(doc, dict) else None
    if not isinstance(rules, dict) or not rules or not all(
            isinstance(r, str) and re.fullmatch(r"[A-Z]+(?:-[A-Z0-9]+)*-\d+", r) for r in rules):
        raise CorpusError(f"{path}: expected {{\"rules\": {{RULE-ID: {{...}}, ...}}}}")
    return frozenset(rules)


def load(root: Path, id_filter: str | None = None) -> Corpus:
    manifest = root / "manifest.json"
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"no manifest at {manifest}") from None
    except ValueError as e:
        raise CorpusError(f"{manifest}: not JSON: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        raise CorpusError(f"{manifest}: expected an object with a `cases` list")
    pattern = re.compile(id_filter) if id_filter else None
    cases: list[Case] = []
    seen: set[str] = set()
    for raw in doc["cases"]:
        case = _case(raw, root)
        if case.id in seen:
            raise CorpusError(f"duplicate case id {case.id}")
        seen.add(case.id)
        if pattern and not pattern.search(case.id):
            continue
        _verify_hash(raw, case.path)
        for extra in (case.dump, case.output):
            if extra is not None and not extra.is_file():
                raise CorpusError(f"{case.id}: missing file {extra}")
        cases.append(case)
    cases.sort(key=lambda c: c.id)
    return Corpus(root=root, spec_version=str(doc.get("spec_version", "?")), cases=cases,
                  all_ids=frozenset(seen), rules=load_rules(root))
