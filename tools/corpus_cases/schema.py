"""The JSON Schema of corpus/manifest.json (written to corpus/manifest.schema.json).

tools/check_corpus.py validates the manifest against it with a small validator for exactly
the keywords used here: type, enum, const, pattern, properties, required,
additionalProperties (false), items, minItems, uniqueItems, minProperties, minimum,
$ref (#/$defs/..).
"""

from . import AREAS

RULE_PATTERN = r"^([RW]-[A-Z0-9]+-[0-9]+|[MD]-[0-9]+)$"
AREA_PATTERN = "(" + "|".join(AREAS) + ")"   # every area of corpus_cases, in manifest order

MANIFEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://libacepack.invalid/corpus/manifest.schema.json",
    "title": "ACEPACK golden corpus manifest",
    "description": "One entry per case; see corpus/README.md. Paths are relative to corpus/.",
    "type": "object",
    "additionalProperties": False,
    "required": ["spec_version", "cases"],
    "properties": {
        "spec_version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$"},
        "cases": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/case"}},
    },
    "$defs": {
        "verdict": {"type": "string", "enum": ["accept", "reject", "either"]},
        # The rejection pyacepack reports, with the byte offset spec 7.2 names for its rule.
        # Informative: a conformant reader may report another listed rule, or another offset.
        "rejection": {
            "type": "object",
            "additionalProperties": False,
            "required": ["rule", "at"],
            "properties": {"rule": {"type": "string", "pattern": RULE_PATTERN},
                           "at": {"type": "integer", "minimum": 0}},
        },
        "relpath": {"type": "string",
                    "pattern": "^" + AREA_PATTERN + r"/[yni]_[A-Za-z0-9_.-]+$"},
        "case": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "path", "sha256", "kind", "expect", "rules", "dump", "output",
                         "roundtrip", "description"],
            "properties": {
                "id": {"type": "string", "pattern": "^" + AREA_PATTERN + r"/[yni]_[A-Za-z0-9_-]+$"},
                "path": {"$ref": "#/$defs/relpath"},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "kind": {"type": "string", "enum": ["read", "migrate", "write"]},
                "expect": {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {"strict": {"$ref": "#/$defs/verdict"},
                                   "compat": {"$ref": "#/$defs/verdict"}},
                    "required": ["strict"],
                },
                "rules": {"type": "array", "minItems": 1, "uniqueItems": True,
                          "items": {"type": "string", "pattern": RULE_PATTERN}},
                "offset": {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {"strict": {"$ref": "#/$defs/rejection"},
                                   "compat": {"$ref": "#/$defs/rejection"}},
                },
                "dump": {"type": ["string", "null"],
                         "pattern": "^" + AREA_PATTERN + r"/[yni]_[A-Za-z0-9_.-]+\.dump\.json$"},
                "output": {"type": ["string", "null"],
                           "pattern": "^" + AREA_PATTERN + r"/[yni]_[A-Za-z0-9_.-]+\.out\.ace$"},
                "roundtrip": {"type": "string", "enum": ["byte-exact", "semantic", "none"]},
                # A large read case (over 4 GiB) kept small: the file to read is `path` with
                # `zeros` zero bytes inserted at offset `at` (a sparse file made by the runner).
                "sparse": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["at", "zeros"],
                    "properties": {"at": {"type": "integer", "minimum": 0},
                                   "zeros": {"type": "integer", "minimum": 1}},
                },
                "description": {"type": "string", "minLength": 1},
            },
        },
    },
}
