"""Is a byte string a valid conformance dump (spec section 11)?

Used when there is no expected dump to compare against (an `either` case, or an accepted case
without `dump`): the dump must then parse, match spec/dump.schema.json, be internally
consistent (D-6, D-7, R-EVT-10) and be byte-identical to the one rendering D-1..D-5 allow.

The schema checker implements only the JSON Schema keywords that dump.schema.json uses and
refuses any other, so that a schema change cannot be silently ignored.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "$defs", "examples"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(Exception):
    """The schema itself uses something this checker does not implement."""


class MiniSchema:
    """A validator for the subset of JSON Schema 2020-12 used by spec/dump.schema.json."""

    KEYWORDS = {"type", "enum", "const", "minimum", "maximum", "required", "properties",
                "additionalProperties", "items", "$ref", "pattern", "minLength", "maxLength"}

    def __init__(self, schema: dict):
        self.root = schema
        self._patterns: dict[str, re.Pattern] = {}
        self._check_keywords(schema)

    @classmethod
    def load(cls, path: Path) -> "MiniSchema":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _check_keywords(self, node: object) -> None:
        if isinstance(node, dict):
            unknown = set(node) - self.KEYWORDS - _ANNOTATIONS
            if unknown:
                raise SchemaError(f"unsupported schema keyword(s): {sorted(unknown)}")
            for key, sub in node.items():
                if key in ("properties", "$defs"):
                    for child in sub.values():
                        self._check_keywords(child)
                elif key in ("items", "additionalProperties") and isinstance(sub, dict):
                    self._check_keywords(sub)

    def _pattern(self, text: str) -> re.Pattern:
        # ECMA-262 `$` (no multiline) matches only at the very end; Python's also before a
        # final newline, so an unescaped trailing `$` becomes `\Z`.
        if text not in self._patterns:
            py = text[:-1] + r"\Z" if text.endswith("$") and not text.endswith("\\$") else text
            self._patterns[text] = re.compile(py)
        return self._patterns[text]

    def _resolve(self, ref: str) -> dict:
        if not ref.startswith("#/"):
            raise SchemaError(f"only local $ref is supported: {ref}")
        node: object = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]  # type: ignore[index]
        return node  # type: ignore[return-value]

    def errors(self, value: object, schema: dict | None = None, where: str = "$") -> list[str]:
        """All violations as `path: message` strings (empty list: valid)."""
        schema = self.root if schema is None else schema
        if "$ref" in schema:
            return self.errors(value, self._resolve(schema["$ref"]), where)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_TYPES[t](value) for t in types):
                return [f"{where}: expected {'/'.join(types)}, got {type(value).__name__}"]
        out: list[str] = []
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{where}: {value!r} not one of {schema['enum']}")
        if "const" in schema and value != schema["const"]:
            out.append(f"{where}: {value!r} is not {schema['const']!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                out.append(f"{where}: {value} < minimum {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                out.append(f"{where}: {value} > maximum {schema['maximum']}")
        if isinstance(value, str):
            out += self._string_errors(value, schema, where)
        if isinstance(value, dict):
            out += self._object_errors(value, schema, where)
        if isinstance(value, list) and isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                out += self.errors(item, schema["items"], f"{where}[{i}]")
        return out

    def _string_errors(self, value: str, schema: dict, where: str) -> list[str]:
        out = []
        if "pattern" in schema and not self._pattern(schema["pattern"]).search(value):
            out.append(f"{where}: {value[:40]!r} does not match {schema['pattern']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append(f"{where}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{where}: longer than {schema['maxLength']}")
        return out

    def _object_errors(self, value: dict, schema: dict, where: str) -> list[str]:
        out = [f"{where}: missing member {name!r}"
               for name in schema.get("required", []) if name not in value]
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, member in value.items():
            if name in props:
                out += self.errors(member, props[name], f"{where}.{name}")
            elif extra is False:
                out.append(f"{where}: unexpected member {name!r}")
            elif isinstance(extra, dict):
                out += self.errors(member, extra, f"{where}.{name}")
        return out


# --- canonical rendering (spec 11, D-1..D-5) --------------------------------------------

def json_string(text: str) -> str:
    """Spec 4.1 `string` / D-5: short escapes, lowercase \\u00xx for other controls, else UTF-8."""
    return json.dumps(text, ensure_ascii=False)


def _utf8_member(name: str, data: bytes) -> str:
    try:
        return f',"{name}":' + json_string(data.decode("utf-8"))
    except UnicodeDecodeError:
        return ""


def _array(lines: list[str]) -> str:
    return "[]" if not lines else "[\n" + ",\n".join(lines) + "\n]"


def render(doc: dict) -> bytes:
    """The unique dump text of a (schema-valid) parsed dump, per D-1..D-5."""
    kv = [f'{{"key":{json_string(e["key"])},"value_hex":"{e["value_hex"]}"'
          + _utf8_member("value_utf8", bytes.fromhex(e["value_hex"])) + "}"
          for e in doc["kv"]]
    events = [f'{{"id":"{e["id"]}","ts":"{e["ts"]}","kind":{e["kind"]},"source":{e["source"]},'
              f'"flags":{e["flags"]},"payload_hex":"{e["payload_hex"]}"'
              + _utf8_member("payload_utf8", bytes.fromhex(e["payload_hex"])) + "}"
              for e in doc["events"]]
    text = (f'{{"format_version":{doc["format_version"]},"flags":{doc["flags"]},'
            f'"evt_base_id":"{doc["evt_base_id"]}","kv":{_array(kv)},"events":{_array(events)}}}\n')
    return text.encode("utf-8")


def _content_errors(doc: dict) -> list[str]:
    """Consistency that the schema cannot express: D-6, D-7, R-EVT-10, u64 range."""
    out = []
    keys = []
    for i, entry in enumerate(doc["kv"]):
        try:
            keys.append(entry["key"].encode("utf-8"))
        except UnicodeEncodeError:
            out.append(f"kv[{i}]: key is not Unicode text (lone surrogate)")
            return out
    for i in range(1, len(keys)):
        if keys[i - 1] == keys[i]:
            out.append(f"kv[{i}]: duplicate key {doc['kv'][i]['key']!r}")
        elif keys[i - 1] > keys[i]:
            out.append(f"kv[{i}]: keys not sorted by UTF-8 bytes (D-6)")
    base = int(doc["evt_base_id"])
    if base > 0xFFFFFFFF:
        out.append("evt_base_id: above 2^32-1")
    for i, event in enumerate(doc["events"]):
        if int(event["id"]) != base + i + 1:
            out.append(f"events[{i}]: id {event['id']} != evt_base_id + {i + 1} (R-EVT-10)")
        if int(event["ts"]) > 0xFFFFFFFFFFFFFFFF:
            out.append(f"events[{i}]: ts above 2^64-1")
    if doc["format_version"] == 1 and (doc["events"] or base != 0):
        out.append("format_version 1 with events or evt_base_id != 0 (D-7)")
    return out


def dump_errors(data: bytes, schema: MiniSchema) -> list[str]:
    """Why `data` is not a valid conformance dump (empty list: it is one)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        return [f"not UTF-8 at byte {e.start}"]
    except ValueError as e:
        return [f"not JSON: {e}"]
    errors = schema.errors(doc)
    if errors:
        return errors
    errors = _content_errors(doc)
    if errors:
        return errors
    canonical = render(doc)
    if canonical != data:
        at = first_difference(canonical, data)
        return [f"layout differs from D-1..D-5 at byte {at}: expected {excerpt(canonical, at)}, "
                f"got {excerpt(data, at)}"]
    return []


# --- byte comparison helpers (shared with the checks) ----------------------------------

def first_difference(a: bytes, b: bytes) -> int:
    """Offset of the first differing byte (the shorter length if one is a prefix)."""
    n = min(len(a), len(b))
    block = 1 << 16
    start = 0
    while start < n and a[start:start + block] == b[start:start + block]:
        start += block  # whole blocks first: dumps of large files are megabytes
    for i in range(start, min(n, start + block)):
        if a[i] != b[i]:
            return i
    return n


def excerpt(data: bytes, at: int, width: int = 24, binary: bool = False) -> str:
    if at >= len(data):
        return "<end>"
    if binary:
        return data[at:at + width // 2].hex(" ")
    return repr(data[at:at + width].decode("utf-8", "replace"))


def describe_difference(expected: bytes, got: bytes, what: str, binary: bool = False) -> str:
    """One line: where `got` first differs from `expected` (hex excerpts when binary)."""
    at = first_difference(expected, got)
    line = expected[:at].count(b"\n") + 1
    where = f"byte {at}" if binary else f"byte {at} (line {line})"
    want, have = excerpt(expected, at, binary=binary), excerpt(got, at, binary=binary)
    return (f"{what} differs at {where}; expected {len(expected)} bytes, got {len(got)}: "
            f"expected {want}, got {have}")
