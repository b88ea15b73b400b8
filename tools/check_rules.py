#!/usr/bin/env python3
"""Check the rule identifiers of spec/ACEPACK.md against their use in the repository.

A rule is defined where the spec writes its identifier in bold at the start of a paragraph
(`**R-EVT-3** [both] ...`). The check fails when an identifier is defined twice, when a reader
rule (R-*) has no profile mark, or when a file of the project cites an identifier the spec does
not define. `--index` prints every rule with its section and profile. A line holding the text
"check_rules: ignore" is not checked (for deliberately bogus ids in self-tests).
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "spec", "ACEPACK.md")

RULE = r"(?:[RW]-[A-Z0-9]+-\d+|[MD]-\d+)"
DEFINITION = re.compile(r"^\*\*(" + RULE + r")\*\*\s*(\[[a-z, ]+\])?")
CITATION = re.compile(r"(?<![A-Za-z0-9_-])(" + RULE + r")(?![A-Za-z0-9_])")
SECTION = re.compile(r"^(#{2,4})\s+(.*)")

# Text files whose citations are checked; binary corpus files and build trees are not read.
TEXT_SUFFIXES = (".c", ".h", ".py", ".md", ".txt", ".json", ".sh", ".cmake", ".in", ".yaml",
                 ".yml", ".dict", ".options", ".mjs", ".js")
SKIP_DIRS = {".git", "__pycache__", "node_modules"}
# A line that cites a deliberately undefined id (a broken test adapter) carries this mark.
IGNORE_MARK = "check_rules: ignore"


def parse_spec(path):
    rules, errors, section = {}, [], ""
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = SECTION.match(line)
            if m:
                section = m.group(2).strip()
                continue
            m = DEFINITION.match(line)
            if not m:
                continue
            rid, profile = m.group(1), (m.group(2) or "")
            if rid in rules:
                errors.append(f"{path}:{lineno}: {rid} defined again (first at line {rules[rid][0]})")
                continue
            if rid.startswith("R-") and profile not in ("[strict]", "[compat]", "[both]"):
                errors.append(f"{path}:{lineno}: reader rule {rid} has no profile mark [strict]/[compat]/[both]")
            rules[rid] = (lineno, section, profile.strip("[]"))
    return rules, errors


def project_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith("build")
                             and not (rel == "." and d == "out"))
        for name in sorted(filenames):
            if name.endswith(TEXT_SUFFIXES) or name in ("CMakeLists.txt", "run"):
                yield os.path.join(dirpath, name)


def find_undefined(root, rules, spec):
    problems = []
    for path in project_files(root):
        if os.path.abspath(path) == os.path.abspath(spec):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            if IGNORE_MARK in line:
                continue
            for m in CITATION.finditer(line):
                if m.group(1) not in rules:
                    problems.append(f"{os.path.relpath(path, root)}:{lineno}: {m.group(1)} is not defined in spec/ACEPACK.md")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", action="store_true", help="print every rule id, its profile and section")
    ap.add_argument("--root", default=ROOT, help="repository root to scan (default: this checkout)")
    ap.add_argument("--spec", default=SPEC, help="the specification to read rules from")
    args = ap.parse_args()

    rules, errors = parse_spec(args.spec)
    if not rules:
        errors.append(f"{args.spec}: no rule definitions found")
    if args.index:
        for rid, (lineno, section, profile) in rules.items():
            print(f"{rid:12} {profile:7} line {lineno:5}  {section}")
    errors += find_undefined(args.root, rules, args.spec)
    for e in errors:
        print(e, file=sys.stderr)
    print(f"check_rules: {len(rules)} rules defined, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
