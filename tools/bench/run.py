#!/usr/bin/env python3
"""Runs the libacepack benchmark and prints the results table (tools/bench/README.md).

    python3 tools/bench/run.py --build build [--js-store DIR] [--iters 5]

Runs `BUILD/acepack_bench` (the C figures, medians with memchr / disk baselines), measures
the peak RSS of `BUILD/acepack validate --strict` on the largest store, and, with
--js-store DIR (a directory holding v2/AcePackedStore.js, the JavaScript 0.2.0 store), times
that store on the same files with node (medians of --js-runs, default 3) through
tools/bench/js_store_bench.mjs.  Prints a Markdown report with the targets of the
performance issue; --json-out keeps every raw figure.

Python 3.11, standard library only.  Linux (os.wait4 gives each child's peak RSS).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1024 * 1024


def count(s):
    """An integer written 1000000 or 1e6."""
    v = float(s)
    if v < 0 or v != int(v):
        raise argparse.ArgumentTypeError(f"not a count: {s}")
    return int(v)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build", help="build directory (acepack_bench, acepack)")
    p.add_argument("--dir", help="where the stores are generated (default BUILD/bench-data); "
                   "use a real disk: commits fsync")
    p.add_argument("--iters", type=count, default=5, help="runs per C figure (median)")
    p.add_argument("--events", default="1e3,1e4,1e5,1e6",
                   help="event counts of the reader figures; the largest is also used for "
                   "the writer, RSS and JS figures")
    p.add_argument("--keys", type=count, default=1000, help="KV keys (~1 KiB) of those stores")
    p.add_argument("--lookup-keys", type=count, default=100000,
                   help="keys of the store of the lookup figures")
    p.add_argument("--v1-entries", type=count, default=100000,
                   help="log entries of the v1 store (migration)")
    p.add_argument("--js-store", help="directory with v2/AcePackedStore.js (JS 0.2.0); "
                   "optional: without it the JS columns are empty")
    p.add_argument("--node", default="node", help="node executable (Node 20)")
    p.add_argument("--js-runs", type=count, default=3, help="runs per JS figure (median)")
    p.add_argument("--no-writer", action="store_true", help="skip the writer figures")
    p.add_argument("--json-out", help="write every raw figure to this JSON file")
    p.add_argument("--large-value-mib", type=count, default=256,
                   help="size of the large-value put figure in MiB (0: skip it)")
    return p.parse_args()


# --------------------------------------------------------------------------- helpers

def run_child(cmd, stdout_path=None, stdin_path=None):
    """Runs cmd; returns (exit status, wall seconds, peak RSS bytes, stdout text)."""
    out = open(stdout_path, "w+") if stdout_path else tempfile.TemporaryFile("w+")
    inp = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    with out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True, stdin=inp)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        p.stderr.close()
        out.seek(0)
        text = out.read()
    if stdin_path:
        inp.close()
    if p.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"run.py: {' '.join(cmd)} exited with {p.returncode}")
    return p.returncode, wall, ru.ru_maxrss * 1024, text


def run_bench(args, *extra):
    """Runs acepack_bench with --json; returns its figures keyed by name (list per name)."""
    cmd = [os.path.join(args.build, "acepack_bench"), "--json", "--dir", args.dir,
           "--iters", str(args.iters), *map(str, extra)]
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"run.py: acepack_bench failed ({p.returncode})")
    figs = {}
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        figs.setdefault(rec["name"], []).append(rec)
    return figs


def machine():
    info = {"platform": platform.platform(), "python": platform.python_version()}
    try:
        lscpu = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
        for line in lscpu.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "L2 cache",
                             "L3 cache", "Hypervisor vendor"):
                info[k.strip()] = v.strip()
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                info["MemTotal"] = f"{int(line.split()[1]) // 1024} MiB"
    return info


def fmt_ms(ns):
    return f"{ns / 1e6:.3f} ms" if ns < 1e9 else f"{ns / 1e9:.3f} s"


def median_of(values):
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- JS side

def js_figures(args, v2_file, v1_file):
    node_version = subprocess.run([args.node, "--version"], stdout=subprocess.PIPE,
                                  text=True).stdout.strip()
    if not node_version.startswith("v20."):
        print(f"run.py: warning: node {node_version}, the reference figures use Node 20",
              file=sys.stderr)
    driver = os.path.join(HERE, "js_store_bench.mjs")
    scratch = os.path.join(args.dir, "js-scratch.ace")
    res = {"node": node_version}

    def one(op, path):
        _, wall, rss, text = run_child([args.node, driver, args.js_store, op, path])
        rec = json.loads(text.strip().splitlines()[-1])
        return rec["ms"], rss

    for op, src in (("open", v2_file), ("commit", v2_file), ("migrate", v1_file)):
        times, rsses = [], []
        for _ in range(args.js_runs):
            path = src
            if op != "open":  # they modify the file: a fresh copy each run
                shutil.copyfile(src, scratch)
                path = scratch
            print(f"$ node js_store_bench.mjs {op} {os.path.basename(src)}", file=sys.stderr,
                  flush=True)
            ms, rss = one(op, path)
            times.append(ms)
            rsses.append(rss)
        res[op] = {"ms": median_of(times), "runs_ms": times, "rss": median_of(rsses)}
    if os.path.exists(scratch):
        os.unlink(scratch)
    return res


# --------------------------------------------------------------------------- report

def row(name, c_fig, js, ratio, target, ok):
    verdict = "n/a" if ok is None else ("met" if ok else "NOT met")
    return f"| {name} | {c_fig} | {js} | {ratio} | {target} | {verdict} |"


def report(args, info, load_before, load_after, reader, lookup, writer, cli, js):
    out = []
    w = out.append
    nmax = max(reader)
    w(f"Machine: {info.get('Model name', '?')}, {info.get('CPU(s)', '?')} CPUs, "
      f"L2 {info.get('L2 cache', '?')}, L3 {info.get('L3 cache', '?')}, "
      f"{info.get('MemTotal', '?')} RAM, {info.get('Hypervisor vendor', 'bare metal')} "
      f"guest; {info['platform']}.")
    w(f"Load average (1, 5, 15 min): before {load_before}, after {load_after}.")
    w(f"C: medians of {args.iters} runs; JS: medians of {args.js_runs} runs"
      f"{', ' + js['node'] if js else ''}.")
    w("")

    # ---- targets
    big = reader[nmax]
    f_open, f_map = big["open"][0], big["map_open"][0]
    f_val = big["validate_strict"][0]
    size = big["file"][0]["value"]
    w(f"| figure ({nmax:,} events, {args.keys:,} keys of ~1 KiB unless said) | C | JS 0.2.0 | "
      "C vs JS | target | verdict |")
    w("|---|---|---|---|---|---|")
    open_ratio = f_open["memchr_ns"] / f_open["median_ns"]
    js_open = js["open"]["ms"] * 1e6 if js else None
    w(row("open + structural validation (mapped file)",
          f"{fmt_ms(f_open['median_ns'])}, {open_ratio:.2f} of memchr speed "
          f"({f_open['bytes'] / 1e6:.1f} MB touched)", "", "",
          ">= 1/4 of memchr speed", open_ratio >= 0.25))
    w(row("map_file + open (file in page cache) vs JS open()", fmt_ms(f_map["median_ns"]),
          fmt_ms(js_open) if js else "-",
          f"{js_open / f_map['median_ns']:.0f}x" if js else "-", ">= 50x",
          js_open / f_map["median_ns"] >= 50 if js else None))
    gbps = f_val["bytes"] / f_val["median_ns"]
    w(row("strict validation, CHECK_ALL (payload GB/s, one core)",
          f"{gbps:.2f} GB/s ({fmt_ms(f_val['median_ns'])}), "
          f"{f_val['memchr_ns'] / f_val['median_ns']:.3f} of memchr", "", "", ">= 1 GB/s",
          gbps >= 1.0))
    w(row("peak RSS, `acepack validate --strict`",
          f"{cli['rss'] / MIB:.1f} MiB (file {size / MIB:.1f} MiB; {fmt_ms(cli['ns'])})",
          f"{js['open']['rss'] / MIB:.0f} MiB (open)" if js else "-", "",
          "<= file + 16 MiB", cli["rss"] <= size + 16 * MIB))
    for f in lookup["table_build"]:
        if f["keys"] == args.lookup_keys:
            ns = f["median_ns"] / f["items"]
            w(row(f"table build, {f['keys']:,} keys", f"{ns:.1f} ns/key", "", "",
                  "<= 50 ns/key", ns <= 50))
    labels = {"lookup_hit": "lookup hit", "lookup_miss": "lookup miss",
              "lookup_hit_batch": "lookup hit, batches of 64 (get_many)",
              "lookup_miss_batch": "lookup miss, batches of 64 (get_many)"}
    for name, label in labels.items():
        for f in lookup.get(name, []):
            if f["keys"] == args.lookup_keys:
                ns = f["median_ns"] / f["items"]
                w(row(f"{label}, {f['keys']:,} keys",
                      f"{ns:.1f} ns (random read in table+index: {f['latency_ns']:.0f} ns)",
                      "", "", "<= 100 ns", ns <= 100))
    if writer:
        c1 = writer["commit_one"][0]
        js_c = js["commit"]["ms"] * 1e6 if js else None
        w(row("commit of 1 event, crash-safe (2 fdatasync)",
              f"{fmt_ms(c1['median_ns'])} (write+fdatasync of the same "
              f"{c1['bytes'] / 1e6:.1f} MB: {fmt_ms(c1['disk_ns'])})",
              fmt_ms(js_c) if js else "-", f"{js_c / c1['median_ns']:.1f}x" if js else "-",
              ">= 5x JS", js_c / c1["median_ns"] >= 5 if js else None))
        for name, label in (("group_commit", "group commit of 10,000 events, 1e6 store"),
                            ("group_commit_empty", "group commit of 10,000 events, new store")):
            g = writer[name][0]
            eps = g["items"] * 1e9 / g["median_ns"]
            w(row(label, f"{eps:,.0f} events/s ({fmt_ms(g['median_ns'])})", "", "",
                  ">= 1,000,000 events/s", eps >= 1e6))
        cp = writer["compaction"][0]
        mbs = cp["bytes"] / cp["median_ns"] * 1e3
        w(row("compaction (output MB/s)",
              f"{mbs:.0f} MB/s ({fmt_ms(cp['median_ns'])}; write+fdatasync of the same bytes "
              f"{fmt_ms(cp['disk_ns'])})", "", "", ">= 500 MB/s", mbs >= 500))
        mp, mb = writer["migrate_path"][0], writer["migrate_bytes"][0]
        mf = writer["migrate_file_nosync"][0]
        js_m = js["migrate"]["ms"] * 1e6 if js else None
        for label, f in ((f"v1 -> v2 migration, {args.v1_entries:,} log entries, to a file "
                          "without fsync (the work the JS store does)", mf),
                         (f"v1 -> v2 migration, {args.v1_entries:,} log entries, durable "
                          "(temp file, fsync, rename, directory fsync: more than JS does)", mp)):
            w(row(label, f"{fmt_ms(f['median_ns'])} ({fmt_ms(mb['median_ns'])} in memory)",
                  fmt_ms(js_m) if js else "-", f"{js_m / f['median_ns']:.1f}x" if js else "-",
                  ">= 20x JS", js_m / f["median_ns"] >= 20 if js else None))
    heap = big.get("parse_heap_peak", [{}])[0].get("value")
    calls = big.get("parse_heap_calls", [{}])[0].get("value")
    w(row("heap of the parse path (counting malloc)",
          "not measured" if heap is None or heap < 0 else f"{heap:.0f} bytes, {calls:.0f} calls",
          "", "", "0 bytes", None if heap is None or heap < 0 else heap == 0))
    if js:
        w("")
        w(f"JS 0.2.0 side by side: open() {js['open']['ms']:.0f} ms "
          f"(runs {', '.join(f'{x:.0f}' for x in js['open']['runs_ms'])}), "
          f"peak RSS {js['open']['rss'] / MIB:.0f} MiB; appendEntry + commit() "
          f"{js['commit']['ms']:.0f} ms, peak RSS {js['commit']['rss'] / MIB:.0f} MiB; "
          f"v1 migration (open + close) {js['migrate']['ms']:.0f} ms, "
          f"peak RSS {js['migrate']['rss'] / MIB:.0f} MiB.")

    # ---- all figures by size
    w("")
    w("All C figures (median; ratio = memchr time / figure time, i.e. the fraction of memchr "
      "speed reached over the same bytes):")
    w("")
    w("| figure | events | keys | median | per item | GB/s | memchr GB/s | ratio |")
    w("|---|---|---|---|---|---|---|---|")
    groups = [reader[n] for n in sorted(reader)] + [lookup] + ([writer] if writer else [])
    for figs in groups:
        for name, lst in figs.items():
            for f in lst:
                if "median_ns" not in f:
                    continue
                per = (f"{f['median_ns'] / f['items']:.1f} ns/{f['item_unit']}"
                       if f["items"] else "")
                gb = f"{f['bytes'] / f['median_ns']:.2f}" if f["bytes"] else ""
                mg = f"{f['bytes'] / f['memchr_ns']:.2f}" if f["memchr_ns"] else ""
                ratio = f"{f['memchr_ns'] / f['median_ns']:.3f}" if f["memchr_ns"] else ""
                w(f"| {name} | {f['events']:,} | {f['keys']:,} | {fmt_ms(f['median_ns'])} | "
                  f"{per} | {gb} | {mg} | {ratio} |")
    return "\n".join(out)


def large_value(args, cli_bin):
    """`acepack put` of one large value (from a file, and from a pipe on stdin) into a new
    store, against `dd bs=1M conv=fdatasync` of the same bytes in the same directory (the
    disk's limit), alternating run by run; medians of 3 runs, peak RSS of each child
    (GNU time when installed, else wait4, which counts the forked Python)."""
    mib = args.large_value_mib
    src = os.path.join(args.dir, f"large-{mib}m.bin")
    if not os.path.exists(src) or os.path.getsize(src) != mib << 20:
        block = bytes(range(256)) * 4096            # 1 MiB, not all zeros
        with open(src, "wb") as f:
            for i in range(mib):
                f.write(block[i % 251:] + block[:i % 251])
    store = os.path.join(args.dir, "large.ace")
    copy = os.path.join(args.dir, "large-dd.bin")
    res = {"dd": [], "file": [], "stdin": []}
    for _ in range(3):
        for name in ("dd", "file", "stdin"):
            for p in (store, copy):
                if os.path.exists(p):
                    os.unlink(p)
            if name == "dd":
                cmd, stdin = ["dd", f"if={src}", f"of={copy}", "bs=1M", "conv=fdatasync",
                              "status=none"], None
            elif name == "file":
                cmd, stdin = [cli_bin, "put", store, "big", src], None
            else:
                cmd, stdin = [cli_bin, "put", store, "big", "-"], src
            # ru_maxrss of a child counts the forked Python before exec: take the
            # peak RSS from GNU time when it is there (-f %M: KiB).
            tfile = os.path.join(args.dir, "large-time.txt")
            timed = ["/usr/bin/time", "-f", "%M", "-o", tfile, *cmd] \
                if os.path.exists("/usr/bin/time") else cmd
            _, wall, rss, _ = run_child(timed, stdin_path=stdin)
            if timed is not cmd:
                with open(tfile) as f:
                    rss = int(f.read().split()[-1]) * 1024
                os.unlink(tfile)
            res[name].append((wall, rss))
    for p in (store, copy):
        if os.path.exists(p):
            os.unlink(p)
    fig = {k: {"s": median_of([w for w, _ in v]), "rss": max(r for _, r in v),
               "runs_s": [w for w, _ in v]} for k, v in res.items()}
    fig["mib"] = mib
    return fig


def large_value_report(fig):
    dd = fig["dd"]["s"]
    out = [f"Large value: `acepack put` of one {fig['mib']} MiB value into a new store vs "
           f"`dd bs=1M conv=fdatasync` of the same bytes (medians of 3; goal: within 2x of dd, "
           "memory independent of the value size).", "",
           "| figure | time | vs dd | peak RSS |", "|---|---|---|---|",
           f"| dd conv=fdatasync (baseline) | {dd:.2f} s | 1.00 | "
           f"{fig['dd']['rss'] / MIB:.1f} MiB |"]
    for k, what in (("file", "put from a file"), ("stdin", "put from a pipe (stdin)")):
        out.append(f"| {what} | {fig[k]['s']:.2f} s | {fig[k]['s'] / dd:.2f} | "
                   f"{fig[k]['rss'] / MIB:.1f} MiB |")
    return "\n".join(out)


def main():
    args = parse_args()
    args.build = os.path.abspath(args.build)
    args.dir = os.path.abspath(args.dir or os.path.join(args.build, "bench-data"))
    os.makedirs(args.dir, exist_ok=True)
    sizes = sorted({count(s) for s in args.events.split(",")})
    nmax = sizes[-1]
    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    info = machine()

    reader = {n: run_bench(args, "--only", "reader", "--events", n, "--keys", args.keys)
              for n in sizes}
    lookup = run_bench(args, "--only", "lookup", "--keys", args.keys,
                       "--lookup-keys", args.lookup_keys)
    writer = None
    if not args.no_writer:
        writer = run_bench(args, "--only", "writer", "--events", nmax, "--keys", args.keys,
                           "--v1-entries", args.v1_entries)
    # both stores exist after --gen-only (the v1 one also without the writer figures)
    run_bench(args, "--gen-only", "--events", nmax, "--keys", args.keys,
              "--v1-entries", args.v1_entries)
    v2_file = os.path.join(args.dir, f"v2-e{nmax}-k{args.keys}.ace")
    v1_file = os.path.join(args.dir, f"v1-n{args.v1_entries}-k{args.keys}.ace")

    cli_bin = os.path.join(args.build, "acepack")
    walls, rsses = [], []
    for _ in range(3):
        _, wall, rss, _ = run_child([cli_bin, "validate", "--strict", v2_file])
        walls.append(wall)
        rsses.append(rss)
    cli = {"ns": median_of(walls) * 1e9, "rss": max(rsses), "runs_rss": rsses}

    large = large_value(args, cli_bin) if args.large_value_mib else None
    js = js_figures(args, v2_file, v1_file) if args.js_store else None
    load_after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(args, info, load_before, load_after, reader, lookup, writer, cli, js)
    if large:
        text += "\n\n" + large_value_report(large)
    print(text)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"machine": info, "load_before": load_before, "load_after": load_after,
                       "reader": reader, "lookup": lookup, "writer": writer, "cli": cli,
                       "js": js, "large_value": large, "args": vars(args)}, f, indent=1)


if __name__ == "__main__":
    main()
