"""glue_native.py - runs the native build of the module's glue (glue_native.c,
under ASan + UBSan in the asan preset) on every read case of the corpus x
profile: writes its plan (what to expect, from corpus/manifest.json and the
expected dumps, which the Python implementation made) to its stdin.

usage: python3 glue_native.py GLUE_NATIVE_BINARY CORPUS_DIR
"""
import json
import os
import subprocess
import sys

M64 = (1 << 64) - 1


def dump_figures(dump):
    """NKV VALUE_BYTES NEVENTS SUM_ID SUM_TS SUM_KSF PAYLOAD_BYTES of a dump."""
    ev = dump["events"]
    return [
        len(dump["kv"]),
        sum(len(e["value_hex"]) // 2 for e in dump["kv"]),
        len(ev),
        sum(int(e["id"]) for e in ev) & M64,
        sum(int(e["ts"]) for e in ev) & M64,
        sum(e["kind"] + 256 * e["source"] + 65536 * e["flags"] for e in ev) & M64,
        sum(len(e["payload_hex"]) // 2 for e in ev),
    ]


def plan(corpus):
    with open(os.path.join(corpus, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    lines = []
    for c in manifest["cases"]:
        if c["kind"] != "read" or "sparse" in c:  # sparse: the file is made by the runner
            continue
        dump = None
        if c.get("dump"):
            with open(os.path.join(corpus, c["dump"]), encoding="utf-8") as f:
                dump = json.load(f)
        for number, profile in enumerate(("strict", "compat")):
            expect = c["expect"][profile]
            if expect not in ("accept", "reject"):
                continue
            off = (c.get("offset") or {}).get(profile) or {}
            if expect == "accept" and dump is None:
                continue  # nothing to compare with (the corpus has none such)
            accepted = expect == "accept"
            figures = dump_figures(dump) if accepted else [0] * 7
            cols = [os.path.join(corpus, c["path"]), number, expect, off.get("rule", "-"),
                    off.get("at", -1)] + figures
            cols.append(os.path.join(corpus, c["dump"]) if accepted else "-")
            lines.append("\t".join(str(x) for x in cols))
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lines = plan(sys.argv[2])
    if len(lines) < 500:
        sys.exit(f"only {len(lines)} (case, profile) pairs in the corpus")
    r = subprocess.run([sys.argv[1]], input="\n".join(lines) + "\n", text=True, check=False)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
