#!/usr/bin/env python3
"""Generate the ACEPACK golden corpus (corpus/) deterministically.

    python3 tools/gen_corpus.py --out corpus     # (re)write the corpus
    python3 tools/gen_corpus.py --check          # regenerate into a temp dir, compare, exit 1
                                                 # listing differences if corpus/ is stale

Case definitions live in tools/corpus_cases/<area>.py. Every verdict there is read from
spec/ACEPACK.md by hand; every expected output (dump, migrated bytes, canonical bytes) comes
from the independent Python implementation tools/pyacepack, never from the C code. Generation
fails when pyacepack disagrees with a declared verdict, rejects a file with a rule the case
does not list, or reports another (rule, offset) than the one a case works out by hand from
spec 7.2 (`at=`): such a disagreement is a bug in one of the two, to be settled from the spec.
It also fails when our own rule checker (corpus_cases/rulecheck.py, which evaluates every
reader rule separately) finds a rule broken that the case does not list, so that each invalid
file breaks only what it claims to, or when our canonical builder and pyacepack's disagree.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import mmap
import tempfile
from pathlib import Path

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
SPEC = os.path.join(ROOT, "spec", "ACEPACK.md")
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.join(ROOT, "conformance"))  # acetest.sparse: large cases

import pyacepack  # noqa: E402
from corpus_cases import AREAS, SPEC_VERSION, collect  # noqa: E402
from corpus_cases.model import ACCEPT, EITHER  # noqa: E402
from corpus_cases.rulecheck import broken_rules  # noqa: E402
from corpus_cases.schema import MANIFEST_SCHEMA  # noqa: E402
from check_rules import parse_spec  # noqa: E402
from acetest.sparse import materialize  # noqa: E402

HANDWRITTEN = {"README.md"}  # corpus files the generator does not own

REGRESSION_README = (b"Reproducers of fixed bugs (fuzz findings and reports) go here, one case each; "
                     b"none yet.\n")

DEFINITION = re.compile(r"^\*\*((?:[RW]-[A-Z0-9]+-\d+|[MD]-\d+))\*\*\s*(\[[a-z, ]+\])?")


def spec_profiles():
    """{rule id: "strict"|"compat"|"both"|""} from the bold definitions of the spec."""
    out = {}
    with open(SPEC, encoding="utf-8") as f:
        for line in f:
            m = DEFINITION.match(line)
            if m and m.group(1) not in out:
                out[m.group(1)] = (m.group(2) or "").strip("[]")
    return out


class Failures(list):
    def __init__(self):
        super().__init__()
        self.warnings = []   # disagreements on the outcome class only (see _check_verdict)

    def add(self, case, msg):
        self.append(f"{case.id}: {msg}")

    def warn(self, case, msg):
        self.warnings.append(f"{case.id}: {msg}")


def _applies(rule, profile, profiles):
    p = profiles.get(rule)
    if p is None:
        return False
    if not rule.startswith("R-"):
        return True
    return p == "both" or p == profile


def _check_verdict(case, profile, verdict, exc, fails, profiles):
    """Compare pyacepack's outcome (exc is None when it accepted) with the declared verdict."""
    case.outcomes[profile] = ("accept" if exc is None else
                              f"{getattr(exc, 'rule', '') or 'unsupported'}@{exc.offset}")
    if exc is None:
        if verdict not in (ACCEPT, EITHER):
            fails.add(case, f"{profile}: pyacepack accepts; the case says reject with "
                            f"{'/'.join(verdict)}")
        return
    if isinstance(exc, pyacepack.Unsupported):
        if verdict == EITHER:
            return
        if isinstance(verdict, tuple) and exc.rule in verdict:
            # Same rule, but reported as an implementation limit (adapter exit 3) where the
            # spec requires every implementation to refuse (exit 1): a reportable
            # disagreement about the outcome class, not about the verdict.
            fails.warn(case, f"{profile}: pyacepack reports *unsupported* ({exc.rule}: "
                             f"{exc.message}) where the spec requires a refusal")
            return
        fails.add(case, f"{profile}: pyacepack reports unsupported: {exc.message}")
        return
    if verdict == ACCEPT:
        fails.add(case, f"{profile}: pyacepack rejects with {exc.rule} at {exc.offset}: "
                        f"{exc.message}; the case says accept")
    elif verdict != EITHER and exc.rule not in verdict:
        fails.add(case, f"{profile}: pyacepack rejects with {exc.rule} at {exc.offset}: "
                        f"{exc.message}; the case says {'/'.join(verdict)}")
    else:
        # The manifest's expected (rule, offset): informative, spec 7.2.
        case.rejections[profile] = (exc.rule, exc.offset)


def _check_at(case, profile, exc, fails):
    """The rejection (rule, offset) the case works out from spec 7.2, if it gives one, must be
    exactly pyacepack's."""
    want = case.expect_at.get(profile)
    if want is None:
        return
    got = None if exc is None else (getattr(exc, "rule", None), exc.offset)
    if got != tuple(want):
        fails.add(case, f"{profile}: pyacepack reports {got}, the case expects {tuple(want)} "
                        "(spec 7.2)")


def _static_checks(case, fails, profiles):
    for r in case.rules:
        if r not in profiles:
            fails.add(case, f"rule {r} is not defined in spec/ACEPACK.md")
    for profile, v in case.verdicts.items():
        if isinstance(v, tuple):
            for r in v:
                if not _applies(r, profile, profiles):
                    fails.add(case, f"{profile}: rule {r} does not apply in this profile")


def _second_opinion(case, data, profile, verdict, fails):
    """Every rule the file breaks, by our independent checker: none for an accepted file,
    and for a rejected one only rules the case lists (so a mutation broke nothing else)."""
    broken = broken_rules(data, profile)
    if verdict == ACCEPT and broken:
        fails.add(case, f"{profile}: our rule checker finds {sorted(broken)} broken in a file "
                        "the case accepts")
    elif isinstance(verdict, tuple):
        if not broken:
            fails.add(case, f"{profile}: our rule checker finds no broken rule")
        elif not broken <= set(verdict):
            fails.add(case, f"{profile}: the file also breaks {sorted(broken - set(verdict))}"
                            f" (all broken: {sorted(broken)})")


def evaluate_read(case, fails, profiles):
    if case.sparse is None:
        return _evaluate_read(case, case.data, fails, profiles)
    # A large case: the file with its zeros inserted, as the runner makes it (sparse), read
    # through a memory map as pyacepack's adapter reads files. No round trip (writers would
    # write a small file; the case is about reading offsets above 2^32).
    with tempfile.TemporaryDirectory(prefix="acepack-sparse-") as tmp:
        path = materialize(case.data, *case.sparse, Path(tmp) / "large.ace")
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            _evaluate_read(case, data, fails, profiles, roundtrip=False)
            data.close()


def _evaluate_read(case, data, fails, profiles, roundtrip=True):
    contents = {}
    for profile, verdict in case.verdicts.items():
        _second_opinion(case, data, profile, verdict, fails)
        try:
            c = pyacepack.read(data, profile)
        except (pyacepack.Reject, pyacepack.Unsupported) as e:
            _check_verdict(case, profile, verdict, e, fails, profiles)
            _check_at(case, profile, e, fails)
            continue
        _check_verdict(case, profile, verdict, None, fails, profiles)
        _check_at(case, profile, None, fails)
        contents[profile] = c
    if not contents:
        return
    for p, c in contents.items():
        if case.expect_kv is not None and c.kv != case.expect_kv:
            fails.add(case, f"{p}: pyacepack's KV map {c.kv!r:.300} differs from the expected "
                            f"{case.expect_kv!r:.300}")
        if case.expect_n_events is not None and len(c.events) != case.expect_n_events:
            fails.add(case, f"{p}: pyacepack reads {len(c.events)} events, expected "
                            f"{case.expect_n_events}")
    dumps = {p: pyacepack.dump(c) for p, c in contents.items()}
    if len(set(dumps.values())) != 1:
        fails.add(case, "the accepted content differs between profiles (spec 1.4)")
    profile = "strict" if "strict" in contents else next(iter(contents))
    case.dump = dumps[profile]
    content = contents[profile]
    if content.format_version != 2 or not roundtrip:
        case.roundtrip = "none"   # writers write v2 only (W-V1-1 files are test inputs)
        return
    if "strict" in contents and pyacepack.build_v2(content) == case.data:
        case.roundtrip = "byte-exact"
        return
    try:
        written = pyacepack.build_v2(pyacepack.parse_dump(case.dump))
        again = pyacepack.dump(pyacepack.read(written, "strict"))
    except (pyacepack.Reject, pyacepack.Unsupported, ValueError):
        case.roundtrip = "none"
        return
    case.roundtrip = "semantic" if again == case.dump else "none"


def evaluate_migrate(case, fails, profiles):
    outputs = {}
    for profile, verdict in case.verdicts.items():
        # The input must be a valid v1 file unless the case is about invalid input (M-1):
        # refused under M-1 (a valid file of another version) or under the reader rules it
        # breaks, which our rule checker must confirm (spec 7.2: the reader's rule is reported).
        reader_rules = {r for r in verdict if r.startswith("R-")} if isinstance(verdict, tuple) \
            else set()
        if reader_rules:
            _second_opinion(case, case.data, profile, tuple(reader_rules), fails)
        elif not (isinstance(verdict, tuple) and "M-1" in verdict):
            broken = broken_rules(case.data, profile)
            if broken or case.data[8:12] != b"\x00\x00\x00\x01":
                fails.add(case, f"{profile}: the input is not a valid v1 file ({sorted(broken)})")
        try:
            out, _report = pyacepack.migrate(case.data, profile)
        except (pyacepack.Reject, pyacepack.Unsupported) as e:
            _check_verdict(case, profile, verdict, e, fails, profiles)
            _check_at(case, profile, e, fails)
            continue
        _check_verdict(case, profile, verdict, None, fails, profiles)
        _check_at(case, profile, None, fails)
        outputs[profile] = out
    if not outputs:
        return
    if len(set(outputs.values())) != 1:
        fails.add(case, "the migrated bytes differ between profiles")
    out = next(iter(outputs.values()))
    content = pyacepack.read(out, "strict")
    if pyacepack.build_v2(content) != out:
        fails.add(case, "pyacepack's migrated output is not canonical (M-9)")
    case.output = out
    case.dump = pyacepack.dump(content)
    exp = case.expect_migration
    got = dict(base=content.evt_base_id, n_events=len(content.events),
               kv_keys=set(content.kv),
               gaps=sum(1 for e in content.events if e.payload == b'{"acepack":"gap"}'
                        and (e.ts, e.kind, e.source, e.flags) == (0, 0, 0, 1)))
    for k, v in exp.items():
        if v is not None and got[k] != (set(v) if k == "kv_keys" else v):
            fails.add(case, f"migrated {k} is {got[k]!r:.300}, expected {v!r:.300}")


def evaluate_write(case, fails, profiles):
    verdict = case.verdicts["strict"]
    try:
        content = pyacepack.parse_dump(case.data)
        out = pyacepack.build_v2(content)
    except ValueError as e:
        case.outcomes["strict"] = f"refused: {e}"
        if verdict == ACCEPT:
            fails.add(case, f"pyacepack refuses to write it: {e}")
        elif verdict != EITHER:
            cited = re.findall(r"(?:[RW]-[A-Z0-9]+-\d+|[MD]-\d+)", str(e))
            if cited and not set(cited) & set(verdict):
                fails.add(case, f"pyacepack refuses it citing {cited}; the case says "
                                f"{'/'.join(verdict)}")
        return
    case.outcomes["strict"] = "written"
    if verdict not in (ACCEPT, EITHER):
        fails.add(case, f"pyacepack writes it; the case says refuse with {'/'.join(verdict)}")
        return
    if pyacepack.dump(content) != case.data:
        fails.add(case, "the input dump is not the dump pyacepack produces for its content")
    case.output = out


def check_canonical_builds(fails):
    """Our byte-level builder and pyacepack's must agree on every canonical file we build."""
    from corpus_cases.common import CANONICAL_BUILDS
    for kind, args, data in CANONICAL_BUILDS:
        if kind == "v2":
            kv, events, base = args
            c = pyacepack.Content(2, 0, base, kv, [pyacepack.Event(*e) for e in events])
            theirs = pyacepack.build_v2(c)
        else:
            kv, flags = args
            theirs = pyacepack.build_v1(kv, flags)
        if theirs != data:
            fails.append(f"canonical {kind} build of keys {sorted(args[0])[:5]}...: our builder "
                         f"and pyacepack.build_{kind} differ")


def evaluate(cases, profiles):
    fails = Failures()
    check_canonical_builds(fails)
    seen = set()
    for case in cases:
        if case.id in seen:
            fails.add(case, "duplicate id")
        seen.add(case.id)
        _static_checks(case, fails, profiles)
        try:
            {"read": evaluate_read, "migrate": evaluate_migrate,
             "write": evaluate_write}[case.kind](case, fails, profiles)
        except Exception as e:  # a crash of pyacepack is a failure to report, not to hide
            fails.add(case, f"pyacepack raised {type(e).__name__}: {e}")
    return fails


def rules_json():
    """corpus/rules.json: every rule id the spec defines (with its profile mark and section),
    read by the same parser as tools/check_rules.py. The conformance runner accepts a
    rejection only under a defined rule; shipping the list with the corpus lets a third party
    with the corpus and the runner alone judge that, without the spec's Markdown."""
    rules, errors = parse_spec(SPEC)
    if errors or not rules:
        raise SystemExit("gen_corpus: spec/ACEPACK.md rule definitions are broken: "
                         + "; ".join(errors or ["none found"]))
    lines = [json.dumps(rid) + ": " + json.dumps({"profile": profile, "section": section},
                                                 ensure_ascii=True, separators=(", ", ": "))
             for rid, (_line, section, profile) in rules.items()]
    return ('{"spec_version": "%s",\n "rules": {\n  ' % SPEC_VERSION
            + ",\n  ".join(lines) + "\n }}\n").encode("ascii")


def render(cases):
    """{relative path: bytes} of every generated file."""
    files = {"rules.json": rules_json()}
    entries = []
    for case in cases:
        path = case.id + case.ext()
        files[path] = case.data
        dump = output = None
        if case.dump is not None:
            dump = case.id + ".dump.json"
            files[dump] = case.dump
        if case.output is not None:
            output = case.id + ".out.ace"
            files[output] = case.output
        entry = {
            "id": case.id, "path": path, "sha256": hashlib.sha256(case.data).hexdigest(),
            "kind": case.kind, "expect": case.expect(), "rules": case.rules}
        if case.rejections and case.kind in ("read", "migrate"):
            # Where pyacepack rejects: its rule and the offset spec 7.2 names for it.
            entry["offset"] = {p: {"rule": rule, "at": at}
                               for p, (rule, at) in case.rejections.items()}
        entry.update({"dump": dump, "output": output, "roundtrip": case.roundtrip})
        if case.sparse is not None:
            entry["sparse"] = {"at": case.sparse[0], "zeros": case.sparse[1]}
        entry["description"] = case.description
        entries.append(entry)
    lines = [json.dumps(e, ensure_ascii=True, separators=(", ", ": ")) for e in entries]
    manifest = ('{"spec_version": "%s",\n "cases": [\n  ' % SPEC_VERSION
                + ",\n  ".join(lines) + "\n ]}\n")
    files["manifest.json"] = manifest.encode("ascii")
    files["manifest.schema.json"] = (json.dumps(MANIFEST_SCHEMA, indent=2, ensure_ascii=True)
                                     + "\n").encode("ascii")
    files["regression/README.md"] = REGRESSION_README
    return files


def existing_files(root):
    out = set()
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/"))
    return out


def write_tree(files, root):
    os.makedirs(root, exist_ok=True)
    for rel in sorted(existing_files(root) - set(files) - HANDWRITTEN):
        os.remove(os.path.join(root, rel))
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path, "rb") as f:
                if f.read() == data:
                    continue
        except FileNotFoundError:
            pass
        with open(path, "wb") as f:
            f.write(data)
    for area in AREAS:
        os.makedirs(os.path.join(root, area), exist_ok=True)


def compare_trees(new, old):
    diffs = []
    new_files = existing_files(new)
    old_files = existing_files(old) - HANDWRITTEN
    for rel in sorted(new_files - old_files):
        diffs.append(f"missing from corpus/: {rel}")
    for rel in sorted(old_files - new_files):
        diffs.append(f"not generated (stale): {rel}")
    for rel in sorted(new_files & old_files):
        with open(os.path.join(new, rel), "rb") as a, open(os.path.join(old, rel), "rb") as b:
            if a.read() != b.read():
                diffs.append(f"differs: {rel}")
    return diffs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="directory to write the corpus to (e.g. corpus)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temp dir and compare with corpus/ (exit 1 if stale)")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"),
                    help="the committed corpus that --check compares with")
    ap.add_argument("--area", action="append",
                    help="only evaluate these areas (development aid; writes nothing)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print pyacepack's outcome for every case and profile")
    args = ap.parse_args(argv)
    if not args.out and not args.check and not args.area:
        ap.error("give --out DIR or --check")

    profiles = spec_profiles()
    cases = collect(args.area)
    fails = evaluate(cases, profiles)
    if args.verbose:
        for c in cases:
            print(f"{c.id:60} " + " ".join(f"{p}={o}" for p, o in c.outcomes.items()))
    for w in fails.warnings:
        print("DISAGREE " + w, file=sys.stderr)
    for f in fails:
        print("FAIL " + f, file=sys.stderr)
    if fails:
        print(f"gen_corpus: {len(fails)} failures in {len(cases)} cases; nothing written",
              file=sys.stderr)
        return 1
    if args.area:
        print(f"gen_corpus: {len(cases)} cases evaluated")
        return 0
    files = render(cases)
    total = sum(len(b) for b in files.values())
    if args.out:
        write_tree(files, args.out)
        print(f"gen_corpus: {len(cases)} cases, {len(files)} files, {total} bytes -> {args.out}")
    if args.check:
        with tempfile.TemporaryDirectory(prefix="acepack-corpus-") as tmp:
            write_tree(files, tmp)
            diffs = compare_trees(tmp, args.corpus)
        for d in diffs:
            print(d, file=sys.stderr)
        if diffs:
            print(f"gen_corpus --check: {len(diffs)} differences; run "
                  f"`python3 tools/gen_corpus.py --out corpus`", file=sys.stderr)
            return 1
        print(f"gen_corpus --check: corpus is up to date ({len(cases)} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
