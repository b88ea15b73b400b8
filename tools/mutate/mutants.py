"""The mutant list: parsing tools/mutate/mutants/*.txt and applying one mutant to a text.

Format (one block per mutant, blocks separated by blank lines or the next `@`; lines starting
with `;` are comments):

    @ ID  TARGET-FILE  CATEGORY
    # one-line description (what an implementer got wrong)
    = reason            (optional: the mutant is EQUIVALENT, no input can tell it apart)
    - exact code line(s) that must occur exactly once in TARGET-FILE
    + replacement line(s) (none: the snippet is deleted)

The text after "- " / "+ " is taken verbatim (indentation included; a bare "-" or "+" is an
empty line). A snippet that occurs zero or several times makes the mutant STALE: it is
reported, never silently skipped, so a refactor that moves code shows up at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MUTANT_DIR = HERE / "mutants"

CATEGORIES = {
    "dropped-check": "a validity check removed",
    "off-by-one": "a bound moved by one",
    "trunc-32": "a 64-bit value read or kept as its low 32 bits",
    "wrap-32": "a 32-bit product or sum that wraps",
    "signedness": "signed/unsigned confusion",
    "sort-order": "a wrong key order (UTF-16 code units, signed bytes, length first)",
    "lenient-grammar": "a lenient number, string or UTF-8 grammar",
    "writer-range": "a writer range check skipped",
    "migration": "a migration edge case (M-*)",
    "compat-strict": "compat and strict profiles confused",
    "wrong-value": "a wrong constant or computed value",
}


@dataclass
class Mutant:
    id: str
    file: str
    category: str
    description: str
    find: str
    replace: str
    equivalent: str = ""  # the reason, when the mutant is equivalent
    source: str = ""      # where it is defined, for messages

    @property
    def lang(self) -> str:
        return "py" if self.file.endswith(".py") else "c"

    def occurrences(self, text: str) -> int:
        return text.count(self.find)

    def apply(self, text: str) -> str | None:
        """The mutated text, or None when the snippet does not occur exactly once (STALE)."""
        if self.occurrences(text) != 1:
            return None
        return text.replace(self.find, self.replace, 1)


class ListError(Exception):
    pass


_HEAD = re.compile(r"^@ (\S+)\s+(\S+)\s+(\S+)\s*$")


def parse(text: str, source: str) -> list[Mutant]:
    out: list[Mutant] = []
    cur: dict | None = None

    def finish(lineno: int) -> None:
        if cur is None:
            return
        where = f"{source}:{cur['line']}"
        if not cur["find"]:
            raise ListError(f"{where}: mutant {cur['id']} has no '-' line")
        if not cur["desc"]:
            raise ListError(f"{where}: mutant {cur['id']} has no '#' description")
        if cur["cat"] not in CATEGORIES:
            raise ListError(f"{where}: unknown category {cur['cat']!r}")
        find, repl = "\n".join(cur["find"]), "\n".join(cur["repl"])
        if find == repl:
            raise ListError(f"{where}: mutant {cur['id']} changes nothing")
        out.append(Mutant(cur["id"], cur["file"], cur["cat"], cur["desc"], find, repl,
                          cur["eq"], where))

    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith(";"):  # a comment line of the list file
            continue
        if line.startswith("@"):
            finish(n)
            m = _HEAD.match(line)
            if not m:
                raise ListError(f"{source}:{n}: expected '@ ID FILE CATEGORY'")
            cur = {"id": m.group(1), "file": m.group(2), "cat": m.group(3), "desc": "",
                   "eq": "", "find": [], "repl": [], "line": n}
            continue
        if cur is None or not line.strip():
            if line.strip():
                raise ListError(f"{source}:{n}: text outside a mutant")
            continue
        tag, body = line[0], line[2:] if len(line) > 1 else ""
        if len(line) > 1 and line[1] != " ":
            raise ListError(f"{source}:{n}: expected '{tag} ' at the start of the line")
        if tag == "#":
            cur["desc"] = (cur["desc"] + " " + body).strip()
        elif tag == "=":
            cur["eq"] = (cur["eq"] + " " + body).strip()
        elif tag == "-":
            if cur["repl"]:
                raise ListError(f"{source}:{n}: '-' line after a '+' line")
            cur["find"].append(body)
        elif tag == "+":
            cur["repl"].append(body)
        else:
            raise ListError(f"{source}:{n}: unknown line tag {tag!r}")
    finish(0)
    return out


def load(directory: Path = MUTANT_DIR) -> list[Mutant]:
    mutants: list[Mutant] = []
    for path in sorted(directory.glob("*.txt")):
        mutants += parse(path.read_text(encoding="utf-8"), path.name)
    seen: set[str] = set()
    for m in mutants:
        if m.id in seen:
            raise ListError(f"{m.source}: duplicate mutant id {m.id}")
        seen.add(m.id)
    return mutants


def stale(mutants: list[Mutant], root: Path) -> dict[str, str]:
    """id -> why, for every mutant that does not apply to the tree at root."""
    out: dict[str, str] = {}
    cache: dict[str, str | None] = {}
    for m in mutants:
        if m.file not in cache:
            p = root / m.file
            cache[m.file] = p.read_text(encoding="utf-8") if p.is_file() else None
        text = cache[m.file]
        if text is None:
            out[m.id] = f"{m.file}: no such file"
            continue
        n = m.occurrences(text)
        if n != 1:
            out[m.id] = f"{m.file}: snippet occurs {n} times (must be exactly once)"
    return out
