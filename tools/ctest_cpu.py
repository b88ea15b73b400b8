#!/usr/bin/env python3
"""CPU seconds of each ctest test: what a test costs, whatever else the machine is doing.

    python3 tools/ctest_cpu.py BUILD_DIR [-j N] [-R REGEX] [-E REGEX] [-L REGEX] [-LE REGEX]

Runs the tests of BUILD_DIR (as listed by `ctest --show-only=json-v1`, with their command,
working directory and environment) on N workers and reports, per test, its user+sys CPU
seconds (os.wait4: the test process and every descendant it waited for), heaviest first,
then the total and the wall time that total means on N idle cores (no less than the
heaviest test). Wall-clock times on a shared machine say little; CPU time is what the
project controls. A test "fails" here on a non-zero exit that ctest would not accept
(SKIP_RETURN_CODE, WILL_FAIL and PASS_REGULAR_EXPRESSION are honoured). Python 3.11,
standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def list_tests(build: str, select: list[str]) -> list[dict]:
    out = subprocess.run(["ctest", "--test-dir", build, "--show-only=json-v1", *select],
                         capture_output=True, text=True, check=True).stdout
    tests = []
    for t in json.loads(out)["tests"]:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        env = dict(os.environ)
        for item in props.get("ENVIRONMENT", []):
            k, _, v = item.partition("=")
            env[k] = v
        tests.append({"name": t["name"], "cmd": t["command"], "env": env,
                      "cwd": props.get("WORKING_DIRECTORY", build),
                      "skip": props.get("SKIP_RETURN_CODE"),
                      "will_fail": props.get("WILL_FAIL", False),
                      "pass_re": props.get("PASS_REGULAR_EXPRESSION", [])})
    return tests


def run_one(t: dict) -> tuple[str, float, float, str]:
    start = time.monotonic()
    proc = subprocess.Popen(t["cmd"], cwd=t["cwd"], env=t["env"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = bytearray()
    reader = threading.Thread(target=lambda: out.extend(proc.stdout.read()))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode
    text = out.decode("utf-8", "replace")
    if t["pass_re"]:
        ok = any(re.search(p, text) for p in t["pass_re"])
    else:
        ok = (code == 0) != bool(t["will_fail"])
    verdict = "ok" if ok else ("skip" if t["skip"] is not None and code == t["skip"]
                               else f"FAIL (exit {code})")
    return t["name"], usage.ru_utime + usage.ru_stime, time.monotonic() - start, verdict


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("build")
    p.add_argument("-j", type=int, default=2)
    p.add_argument("-R"), p.add_argument("-E"), p.add_argument("-L")
    p.add_argument("-LE", dest="label_exclude")
    args = p.parse_args(argv)
    select = []
    for flag, value in (("-R", args.R), ("-E", args.E), ("-L", args.L),
                        ("-LE", args.label_exclude)):
        if value:
            select += [flag, value]
    tests = list_tests(args.build, select)
    started = time.monotonic()
    with ThreadPoolExecutor(args.j) as pool:
        rows = list(pool.map(run_one, tests))
    wall = time.monotonic() - started
    rows.sort(key=lambda r: -r[1])
    for name, cpu, w, verdict in rows:
        print(f"{cpu:8.1f} s CPU {w:8.1f} s wall  {name}  {verdict}")
    total = sum(r[1] for r in rows)
    heaviest = rows[0][1] if rows else 0.0
    print(f"{len(rows)} tests: {total:.1f} s CPU; on {args.j} idle cores >= "
          f"{max(total / args.j, heaviest):.0f} s wall (measured wall here: {wall:.0f} s)")
    return 1 if any(r[3].startswith("FAIL") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
