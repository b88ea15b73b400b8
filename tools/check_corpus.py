#!/usr/bin/env python3
"""Check the golden corpus (corpus/) for consistency and rule coverage.

    python3 tools/check_corpus.py [--corpus DIR] [--spec spec/ACEPACK.md]

Checks, failing (exit 1) with a list of problems:
  - corpus/manifest.json is valid against corpus/manifest.schema.json (a small built-in
    validator for the JSON Schema keywords that schema uses; no third-party package);
  - every case: id unique and equal to its path without the extension; path, dump and output
    files exist; sha256 matches; file prefix y_/n_/i_ matches expect.strict (accept / reject /
    either); dump/output present exactly when the kind and verdict call for them; an expected
    rejection offset (`offset`, optional) only where a profile may reject, under a listed rule,
    inside the file;
  - every rule a case cites is defined in the spec;
  - every dump file is valid against spec/dump.schema.json and ends with one LF;
  - no file in corpus/ is left unreferenced by the manifest;
  - COVERAGE: every reader, writer and migration rule (R-*, W-*, M-*) defined in the spec is
    cited by at least one case, except the short EXEMPT list below. D-* rules are exercised by
    every expected dump.
"""

import argparse
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEFINITION = re.compile(r"^\*\*((?:[RW]-[A-Z0-9]+-\d+|[MD]-\d+))\*\*")

# Rules about processes rather than bytes: no corpus file can show them. Keep this short.
EXEMPT = {
    "W-LOCK-1": "exclusive non-blocking lock on the store file: tested by tests/write "
                "(write.store: in-process and forked second writer)",
    "W-LOCK-2": "re-check device/inode after locking: tested by tests/write (write.store, "
                "file swapped while locking)",
    "W-LOCK-3": "no lock or sidecar files: tested by tests/write (write.faults checks the "
                "directory after every fault)",
    "W-COMMIT-5": "no-replace install of a new store: tested by tests/write (write.store, "
                  "write.faults at every I/O call of creation)",
    "W-COMPACT-2": "growth bound over a sequence of commits: tested by the C writer's tests "
                   "(fault injection and long commit sequences)",
    "W-COMMIT-6": "symbolic links resolved by writers: tested by tests/write "
                  "(write.harden.symlink: chains, relative links, dangling links)",
    "W-COMMIT-7": "inputs that alias the store or shrink while read: tested by tests/write "
                  "(write.harden.alias)",
    "W-COMMIT-8": "non-regular inputs read once: tested by tests/write (write.harden.fifo)",
    "W-COMMIT-9": "produced files installed under the target's lock: tested by tests/write "
                  "(write.harden.output, write.faults build/migrate OUT workloads)",
    "W-LOCK-4": "stale temporary files removed by the next writer: tested by tests/write "
                "(write.harden.tempfiles kill -9 trials, write.faults after every crash)",
    "M-2": "input left untouched, atomic rename: tested by the C writer's fault-injection "
           "tests",
    "W-SEG-3": "a writer compacts before S would exceed 64: tested by tests/write "
               "(write.segmented: 65 commits)",
    "W-SEG-4": "a writer not configured for segments makes a segmented store plain: tested by "
               "tests/write (write.segmented)",
    "M-10": "a SHOULD about the migration report, which has no byte form to compare",
}

NOT_CASES = {"README.md", "manifest.json", "manifest.schema.json", "rules.json",
             "regression/README.md"}
PREFIX_VERDICT = {"y_": "accept", "n_": "reject", "i_": "either"}


# ------------------------------------------------------------------ a small schema validator

class SchemaError(Exception):
    pass


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_IGNORED = {"$schema", "$id", "title", "description", "$defs"}
_KNOWN = _IGNORED | {"type", "enum", "const", "pattern", "properties", "required",
                     "additionalProperties", "items", "minItems", "uniqueItems",
                     "minProperties", "minLength", "minimum", "maximum", "$ref"}


def validate(instance, schema, root=None, path="$"):
    """Raise SchemaError for the first violation. Supports exactly the keywords in _KNOWN."""
    root = schema if root is None else root
    unknown = set(schema) - _KNOWN
    if unknown:
        raise SchemaError(f"{path}: schema uses unsupported keywords {sorted(unknown)}")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise SchemaError(f"{path}: unsupported $ref {ref}")
        validate(instance, root["$defs"][ref[len("#/$defs/"):]], root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](instance) for t in types):
            raise SchemaError(f"{path}: {instance!r:.60} is not of type {types}")
    if "enum" in schema and instance not in schema["enum"]:
        raise SchemaError(f"{path}: {instance!r:.60} not in {schema['enum']}")
    if "const" in schema and instance != schema["const"]:
        raise SchemaError(f"{path}: {instance!r:.60} is not {schema['const']!r}")
    if isinstance(instance, str):
        if "pattern" in schema and re.search(schema["pattern"], instance) is None:
            raise SchemaError(f"{path}: {instance!r:.80} does not match {schema['pattern']}")
        if len(instance) < schema.get("minLength", 0):
            raise SchemaError(f"{path}: string shorter than {schema['minLength']}")
    if _TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            raise SchemaError(f"{path}: {instance} < {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            raise SchemaError(f"{path}: {instance} > {schema['maximum']}")
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                raise SchemaError(f"{path}: missing required member {name!r}")
        if len(instance) < schema.get("minProperties", 0):
            raise SchemaError(f"{path}: fewer than {schema['minProperties']} members")
        for name, value in instance.items():
            if name in props:
                validate(value, props[name], root, f"{path}.{name}")
            elif schema.get("additionalProperties", True) is False:
                raise SchemaError(f"{path}: unexpected member {name!r}")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            raise SchemaError(f"{path}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems"):
            seen = [json.dumps(x, sort_keys=True) for x in instance]
            if len(set(seen)) != len(seen):
                raise SchemaError(f"{path}: items are not unique")
        if "items" in schema:
            for i, item in enumerate(instance):
                validate(item, schema["items"], root, f"{path}[{i}]")


# ------------------------------------------------------------------------------- checks

def spec_rules(spec):
    rules = []
    with open(spec, encoding="utf-8") as f:
        for line in f:
            m = DEFINITION.match(line)
            if m and m.group(1) not in rules:
                rules.append(m.group(1))
    return rules


def strip_ext(path):
    for ext in (".dump.json", ".ace"):
        if path.endswith(ext):
            return path[:-len(ext)]
    return None


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_case(case, corpus, problems, dump_schema):
    cid = case["id"]
    path = case["path"]
    if strip_ext(path) != cid:
        problems.append(f"{cid}: id is not the path {path} without its extension")
    name = cid.rsplit("/", 1)[-1]
    want = PREFIX_VERDICT.get(name[:2])
    if want != case["expect"].get("strict"):
        problems.append(f"{cid}: prefix {name[:2]} but expect.strict is "
                        f"{case['expect'].get('strict')}")
    full = os.path.join(corpus, path)
    if not os.path.isfile(full):
        problems.append(f"{cid}: missing file {path}")
    elif sha256_of(full) != case["sha256"]:
        problems.append(f"{cid}: sha256 of {path} does not match")
    kind = case["kind"]
    accepted = "accept" in case["expect"].values()
    if kind == "write" and not path.endswith(".dump.json"):
        problems.append(f"{cid}: a write case's path must be a .dump.json input")
    if kind != "write" and not path.endswith(".ace"):
        problems.append(f"{cid}: a {kind} case's path must be an .ace file")
    needs_dump = accepted and kind in ("read", "migrate")
    needs_output = accepted and kind in ("migrate", "write")
    for field, needed in (("dump", needs_dump), ("output", needs_output)):
        ref = case[field]
        if needed and ref is None:
            problems.append(f"{cid}: {field} missing although the case is accepted")
        if ref is None:
            continue
        if not needed and case["expect"].get("strict") != "either":
            problems.append(f"{cid}: has a {field} although nothing is accepted")
        if not os.path.isfile(os.path.join(corpus, ref)):
            problems.append(f"{cid}: missing {field} file {ref}")
            continue
        if field == "dump":
            check_dump(cid, os.path.join(corpus, ref), problems, dump_schema)
    check_offsets(case, full, problems)
    if kind != "read" and case["roundtrip"] != "none":
        problems.append(f"{cid}: roundtrip applies to read cases only")
    if kind == "read" and case["roundtrip"] != "none" and case["expect"].get("strict") != \
            "accept" and case["roundtrip"] == "byte-exact":
        problems.append(f"{cid}: a byte-exact round trip needs a strict-valid file")


def check_offsets(case, full, problems):
    """`offset` (optional): per profile, the rule and byte offset of the expected rejection
    (spec 7.2). Only for read/migrate cases, only for profiles that may reject, with a rule
    the case lists and an offset inside the file or at its end (file-wide rules)."""
    cid = case["id"]
    offsets = case.get("offset")
    if offsets is None:
        return
    if case["kind"] not in ("read", "migrate"):
        problems.append(f"{cid}: `offset` applies to read and migrate cases only")
        return
    size = os.path.getsize(full) if os.path.isfile(full) else None
    for profile, rejection in offsets.items():
        verdict = case["expect"].get(profile)
        if verdict not in ("reject", "either"):
            problems.append(f"{cid}: `offset.{profile}` but expect.{profile} is {verdict}")
        if rejection["rule"] not in case["rules"]:
            problems.append(f"{cid}: `offset.{profile}` names {rejection['rule']}, which the "
                            "case does not list")
        if size is not None and rejection["at"] > size:
            problems.append(f"{cid}: `offset.{profile}` {rejection['at']} is past the end of "
                            f"the file ({size} bytes)")


def check_dump(cid, path, problems, dump_schema):
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"}\n") or data.endswith(b"\n\n"):
        problems.append(f"{cid}: dump {path} does not end with '}}' and one LF (D-1)")
    try:
        validate(json.loads(data.decode("utf-8")), dump_schema)
    except (ValueError, SchemaError) as e:
        problems.append(f"{cid}: dump is not valid against spec/dump.schema.json: {e}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"))
    ap.add_argument("--spec", default=os.path.join(ROOT, "spec", "ACEPACK.md"))
    ap.add_argument("--dump-schema", default=os.path.join(ROOT, "spec", "dump.schema.json"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print coverage per rule")
    args = ap.parse_args(argv)

    problems = []
    with open(os.path.join(args.corpus, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    with open(os.path.join(args.corpus, "manifest.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    with open(args.dump_schema, encoding="utf-8") as f:
        dump_schema = json.load(f)
    try:
        validate(manifest, schema)
    except SchemaError as e:
        print(f"check_corpus: manifest.json is not valid against manifest.schema.json: {e}",
              file=sys.stderr)
        return 1

    rules = spec_rules(args.spec)
    defined = set(rules)
    cited = {}
    ids = set()
    referenced = set()
    for case in manifest["cases"]:
        if case["id"] in ids:
            problems.append(f"{case['id']}: duplicate id")
        ids.add(case["id"])
        check_case(case, args.corpus, problems, dump_schema)
        for r in case["rules"]:
            if r not in defined:
                problems.append(f"{case['id']}: cites {r}, which spec/ACEPACK.md does not "
                                "define")
            cited.setdefault(r, []).append(case["id"])
        for field in ("path", "dump", "output"):
            if case[field]:
                referenced.add(case[field])

    for dirpath, _dirs, names in os.walk(args.corpus):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), args.corpus).replace(os.sep, "/")
            if rel not in referenced and rel not in NOT_CASES:
                problems.append(f"{rel}: not referenced by manifest.json")

    for r in EXEMPT:
        if r not in defined:
            problems.append(f"exemption {r} is not a rule of the spec (stale exemption)")
        elif r in cited:
            problems.append(f"exemption {r} is cited by {cited[r][0]}: remove the exemption")
    must_cover = [r for r in rules if not r.startswith("D-")]
    uncovered = [r for r in must_cover if r not in cited and r not in EXEMPT]
    if uncovered:
        problems.append("rules exercised by no case: " + ", ".join(uncovered))
    if args.verbose:
        for r in must_cover:
            if r in EXEMPT:
                print(f"{r:12} exempt: {EXEMPT[r]}")
            else:
                print(f"{r:12} {len(cited.get(r, [])):4} cases")

    for p in problems:
        print(p, file=sys.stderr)
    covered = sum(1 for r in must_cover if r in cited)
    print(f"check_corpus: {len(manifest['cases'])} cases, {covered}/{len(must_cover)} R/W/M rules "
          f"covered, {len(EXEMPT)} exempt, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
