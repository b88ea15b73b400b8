#!/usr/bin/env python3
"""conformance/run.py against pyacepack loaded in this process (for Python mutants).

    inproc.py PYROOT [run.py options...]

PYROOT is the directory holding the (mutated) `pyacepack` package. Every adapter call runs
`acepack.py`'s own `main(["adapter", ...])`, the function the per-call command runs, with
stdin/stdout/stderr replaced by buffers, so the same code path is exercised; only the Python
start-up (~0.2 s a call) is saved. What a process would have done is reproduced: the exit
status main returns, or exit 1 plus the traceback on stderr for an uncaught exception (what
`python3 acepack.py` does). Calls are serialised (one set of std streams per process); the
runner's per-call timeout cannot interrupt a call, so mutate.py bounds the whole run instead.
"""
from __future__ import annotations

import importlib.util
import io
import sys
import threading
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str]) -> int:
    pyroot = Path(argv[0]).resolve()
    cli = _load("pyacepack_cli", pyroot / "pyacepack" / "acepack.py")  # puts pyroot on sys.path
    assert Path(sys.modules["pyacepack"].__file__).resolve().parent == pyroot / "pyacepack"
    sys.path.insert(0, str(REPO / "conformance"))
    run = _load("conformance_run", REPO / "conformance" / "run.py")
    ad = run.ad
    lock = threading.Lock()

    class InProcess(ad.Adapter):
        def load_capabilities(self):
            caps = super().load_capabilities()
            caps.serve = False  # every call goes through call() below, in this process
            return caps

        def call(self, args, stdin=None):
            start = time.monotonic()
            out, err = io.BytesIO(), io.BytesIO()
            with lock:
                saved = sys.stdin, sys.stdout, sys.stderr
                sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
                sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
                sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
                try:
                    code = cli.main(["adapter", *args])
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else 1
                except BaseException:  # noqa: BLE001 - what an uncaught exception does
                    traceback.print_exc()
                    code = 1
                finally:
                    for s in (sys.stdout, sys.stderr):
                        s.flush()
                        s.detach()  # keep the buffer open when the wrapper goes away
                    sys.stdin, sys.stdout, sys.stderr = saved
            kind = {ad.EXIT_OK: ad.OK, ad.EXIT_REJECT: ad.REJECT,
                    ad.EXIT_UNSUPPORTED: ad.UNSUPPORTED}.get(code, ad.CRASH)
            return ad.Call(kind, out.getvalue(), err.getvalue(), time.monotonic() - start,
                           f"exit {code}")

    ad.Adapter = InProcess
    return run.main(["--adapter", "python=pyacepack-in-process", *argv[1:]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
