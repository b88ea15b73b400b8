"""Case definitions of the ACEPACK golden corpus, one module per area (see gen_corpus.py)."""

SPEC_VERSION = "1.1.0"

# Areas in manifest order. Each module defines cases() -> Cases.
AREAS = ["header", "layout", "chunks", "index", "events", "payload", "v1", "migration",
         "writer", "js", "large", "regression", "clarify_101", "mutation",
         "checksums", "segmented"]


def collect(only=None):
    import importlib
    cases = []
    for area in AREAS:
        if only and area not in only:
            continue
        mod = importlib.import_module("corpus_cases." + area)
        cases.extend(mod.cases())
    return cases
