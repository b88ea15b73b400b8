#!/usr/bin/env python3
"""The writer and the CLI under hostile use (issue 15): one group per class.

    test_cli_harden.py PATH/TO/acepack GROUP

GROUP is one of: symlink, alias, fifo, output, cli, tempfiles, fulldisk.
Each group starts from the reproducer of the issue and then covers its class.
Expected values come from the spec (W-COMMIT-6..9, W-LOCK-4, W-EVT-2) and from
the inputs the test writes itself, never from the code under test.  Every wait
is bounded by a generous limit that does not depend on the CPU speed.
Python 3, stdlib only.
"""
import fcntl
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import time

import clitest
from clitest import FAILURES, check, read, run, v1_file, write

clitest.use(sys.argv[1])
ACEPACK = clitest.ACEPACK
GROUP = sys.argv[2]
LIMIT = clitest.LIMIT


def keys(store):
    rc, out, err = run("ls", store)
    if rc != 0:
        return None
    return sorted(line.split(b"\t")[0].split(b" ")[0].decode() for line in out.splitlines())


def valid(store):
    return run("validate", store)[0] == 0


DUMP_ONE_KEY = (b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
                b'{"key":"b","value_hex":"7a","value_utf8":"z"}\n'
                b'],"events":[]}\n')


def temp_files(d):
    return sorted(n for n in os.listdir(d) if ".acepack-tmp-" in n)


# ---- 1. symlinks (W-COMMIT-6) ----

def group_symlink(d):
    real, sl = os.path.join(d, "real.ace"), os.path.join(d, "sl.ace")
    # The reproducer of issue 15, item 1.
    check(run("create", real)[0] == 0, "create real.ace")
    os.symlink("real.ace", sl)
    check(run("put", sl, "k1", stdin=b"v1")[0] == 0, "put through the link")
    check(run("compact", sl)[0] == 0, "compact through the link")
    check(os.path.islink(sl), "compaction leaves the link a link")
    check(run("put", real, "k2", stdin=b"v2")[0] == 0, "put through the real path")
    check(keys(sl) == ["k1", "k2"], "the link and the real path are one store", str(keys(sl)))

    # A chain of relative links across directories; automatic compaction
    # (a small ratio is not settable from the CLI, so rewrite one key often).
    os.makedirs(os.path.join(d, "a", "b"))
    os.makedirs(os.path.join(d, "c"))
    target = os.path.join(d, "a", "b", "t.ace")
    check(run("create", target)[0] == 0, "create a/b/t.ace")
    l1 = os.path.join(d, "a", "l1.ace")
    os.symlink("b/t.ace", l1)                      # relative to a/
    l2 = os.path.join(d, "c", "l2.ace")
    os.symlink("../a/l1.ace", l2)                  # a chain, relative to c/
    for i in range(40):
        run("put", l2, "big", stdin=bytes([i]) * 20000)
    check(run("compact", l2)[0] == 0, "compact through a chain of two relative links")
    check(os.path.islink(l1) and os.path.islink(l2), "both links are still links")
    check(run("get", target, "big")[1] == bytes([39]) * 20000,
          "the chain's target holds the last value")
    check(os.listdir(os.path.join(d, "c")) == ["l2.ace"], "nothing was created beside the link")

    # A v1 store migrated in place through a link, and migrate/build to an
    # OUT that is a link: the target is replaced, the link stays.
    v1 = os.path.join(d, "v1.ace")
    write(v1, v1_file({"x": b"1"}))
    lv = os.path.join(d, "lv.ace")
    os.symlink("v1.ace", lv)
    check(run("migrate", lv)[0] == 0, "migrate in place through a link")
    check(os.path.islink(lv) and read(v1)[8:12] == b"\0\0\0\2", "the link's target is now v2")
    out_real = os.path.join(d, "out.ace")
    run("create", out_real)
    out_link = os.path.join(d, "out-link.ace")
    os.symlink("out.ace", out_link)
    src = os.path.join(d, "src1.ace")
    write(src, v1_file({"y": b"2"}))
    check(run("migrate", src, out_link)[0] == 0, "migrate V1 OUT where OUT is a link")
    check(os.path.islink(out_link) and keys(out_real) == ["y"], "migrate replaced the target")
    dump = os.path.join(d, "d.json")
    write(dump, DUMP_ONE_KEY)
    check(run("build", dump, out_link)[0] == 0, "build DUMP OUT where OUT is a link")
    check(os.path.islink(out_link) and keys(out_real) == ["b"], "build replaced the target")

    # A dangling link: refused with a clear message, nothing created.
    dl = os.path.join(d, "dangling.ace")
    os.symlink("missing/none.ace", dl)
    for args in (("put", dl, "k", "-"), ("create", dl), ("compact", dl)):
        rc, out, err = run(*args, stdin=b"v")
        check(rc == 2 and b"symbolic link" in err and b"keeps being replaced" not in err,
              "%s on a dangling link: exit 2, says so" % args[0], err)
    rc, out, err = run("build", dump, dl)
    check(rc == 2 and b"symbolic link" in err, "build to a dangling link: exit 2", err)
    check(not os.path.exists(os.path.join(d, "missing")), "no target created for a dangling link")
    check(temp_files(d) == [], "no temporary file left", str(temp_files(d)).encode())
    # A loop of links.
    os.symlink("loop2.ace", os.path.join(d, "loop1.ace"))
    os.symlink("loop1.ace", os.path.join(d, "loop2.ace"))
    rc, out, err = run("put", os.path.join(d, "loop1.ace"), "k", stdin=b"v")
    check(rc == 2 and err, "a loop of links: exit 2", err)


# ---- 2. inputs that alias the store or change size (W-COMMIT-7) ----

def group_alias(d):
    s = os.path.join(d, "s.ace")
    check(run("put", s, "a", stdin=os.urandom(100000))[0] == 0, "put a 100 kB value")
    with open(s, "ab") as f:
        f.write(os.urandom(200000))               # the tail an interrupted commit leaves
    before = read(s)
    rc, out, err = run("put", s, "x", s)           # issue 15 item 2: was SIGBUS
    check(rc == 2 and b"the store itself" in err, "the store as its own value: exit 2", err)
    check(valid(s) and keys(s) == ["a"], "the store is valid and unchanged")
    check(read(s)[:len(before) - 200000] == before[:len(before) - 200000], "bytes unchanged")
    link = os.path.join(d, "alias-link")
    os.symlink(s, link)
    rc, out, err = run("put", s, "x", link)
    check(rc == 2 and b"the store itself" in err, "the store through a link as value: exit 2")
    rc, out, err = run("append", s, "--ts", "1", "--kind", "1", "--source", "1", s)
    check(rc == 2 and b"the store itself" in err, "the store as its own payload: exit 2", err)

    # A value file truncated by someone else while it is read: an error or
    # the whole value (or the empty file when the truncation came first),
    # never a signal.  Trial t truncates once the CLI's read position in the
    # file (/proc/PID/fdinfo) reaches t/12 of it, or once it closed the file:
    # the truncation lands inside the read at chosen points, where a random
    # sleep needed a 48 MiB file (and its commits) to land there at all.
    big = os.path.join(d, "big.bin")
    content = os.urandom(1 << 20) * 8             # 8 MiB
    signals = 0
    odd = 0
    outcomes = {"changed size": 0, "whole value": 0, "empty": 0, "partial": 0}
    for trial in range(12):
        write(big, content)
        p = subprocess.Popen([ACEPACK, "put", s, "v", big], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        wait_read_to(p, big, trial * len(content) // 12)
        os.truncate(big, 0)
        _, err = p.communicate(timeout=LIMIT)
        if p.returncode < 0:
            signals += 1
        elif p.returncode == 0:
            got = run("get", s, "v")[1]
            if got not in (b"", content):
                odd += 1
            outcomes["empty" if got == b"" else "whole value" if got == content else "partial"] += 1
        elif b"changed size" not in err:
            odd += 1
        else:
            outcomes["changed size"] += 1
    check(signals == 0, "a truncated value file never kills the CLI (%d signals)" % signals)
    check(odd == 0, "a truncated value file: the whole value, nothing, or 'changed size' (%s)"
          % ", ".join("%s %d" % kv for kv in outcomes.items()))
    check(valid(s), "the store stays valid")


def fd_of(pid, path):
    """The fd of process pid on the file path (None: none now)."""
    fds = "/proc/%d/fd" % pid
    try:
        for fd in os.listdir(fds):
            if os.readlink(os.path.join(fds, fd)) == path:
                return fd
    except OSError:
        pass  # the process or the fd went away meanwhile
    return None


def wait_read_to(p, path, target):
    """Until process p has read path up to target bytes, closed it, or ended."""
    path = os.path.realpath(path)
    deadline = time.monotonic() + LIMIT
    fd = None
    while fd is None and p.poll() is None and time.monotonic() < deadline:
        fd = fd_of(p.pid, path)
    info = "/proc/%d/fdinfo/%s" % (p.pid, fd)
    while fd is not None and time.monotonic() < deadline:
        try:
            with open(info) as f:
                pos = int(f.readline().split()[1])  # the first line: "pos: N"
            if pos >= target or os.readlink("/proc/%d/fd/%s" % (p.pid, fd)) != path:
                return
        except OSError:
            return  # closed, or the process ended


# ---- 3. non-regular inputs are read once (W-COMMIT-8) ----

def group_fifo(d):
    s = os.path.join(d, "s.ace")
    f = os.path.join(d, "f")
    os.mkfifo(f)
    # Issue 15 item 3: the reader starts first, the writer 0.5 s later.
    p = subprocess.Popen([ACEPACK, "put", s, "k", f], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(0.5)
    with open(f, "wb") as w:                       # blocks until the reader opened it
        w.write(b"{}\n")
    try:
        p.communicate(timeout=LIMIT)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        rc = "timeout"
    check(rc == 0, "put from a FIFO returns", str(rc).encode())
    check(run("get", s, "k")[1] == b"{}\n", "the FIFO's bytes are the value")

    # The writer first (in its own process), then append from the FIFO, in pieces.
    writer = subprocess.Popen([sys.executable, "-c",
                               "import sys,time\n"
                               "f=open(sys.argv[1],'wb')\n"
                               "f.write(b'{\"a\":'); f.flush(); time.sleep(0.2)\n"
                               "f.write(b'1}'); f.close()\n", f])
    rc, out, err = run("append", s, "--ts", "5", "--kind", "1", "--source", "2", f)
    writer.wait(timeout=LIMIT)
    check(rc == 0 and out == b"1\n", "append from a FIFO written in two pieces", err)
    rc, out, err = run("events", s)
    check(b'{"a":1}' in out, "the event's payload came whole from the FIFO", out)

    # A large value through a FIFO (more than any pipe buffer).
    blob = os.urandom(5 << 20)
    writer = subprocess.Popen([sys.executable, "-c",
                               "import sys\n"
                               "d=sys.stdin.buffer.read()\n"
                               "open(sys.argv[1],'wb').write(d)\n", f], stdin=subprocess.PIPE)
    p = subprocess.Popen([ACEPACK, "put", s, "blob", f], stderr=subprocess.PIPE)
    writer.communicate(blob, timeout=LIMIT)
    p.communicate(timeout=LIMIT)
    check(p.returncode == 0 and run("get", s, "blob")[1] == blob, "a 5 MiB value through a FIFO")

    # Character devices and /proc files.
    check(run("put", s, "null", "/dev/null")[0] == 0 and run("get", s, "null")[1] == b"",
          "/dev/null is the empty value")
    rc, out, err = run("put", s, "proc", "/proc/self/status")
    got = run("get", s, "proc")[1]
    check(rc == 0 and got.startswith(b"Name:") and len(got) > 100,
          "a /proc file (size 0 in stat) is read whole", got[:80])
    # A socket cannot be opened as a file: a clear error, exit 2, no hang.
    import socket
    sock_path = os.path.join(d, "sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(1)
    rc, out, err = run("put", s, "sock", sock_path)
    srv.close()
    check(rc == 2 and b"cannot open" in err, "a socket as the value file: exit 2", err)
    # stdin that is a pipe, given as '-' and absent.
    check(run("put", s, "dash", "-", stdin=b"D")[0] == 0 and run("get", s, "dash")[1] == b"D",
          "'-' is standard input")
    check(valid(s), "the store is valid")


# ---- 4. every produced file: temporary file, fsync, rename, lock (W-COMMIT-9) ----

def hold_lock(path):
    """A separate process that holds the writer lock of path until killed."""
    p = subprocess.Popen([sys.executable, "-c",
                          "import fcntl,sys,time\n"
                          "f=open(sys.argv[1],'rb')\n"
                          "fcntl.flock(f, fcntl.LOCK_EX)\n"
                          "print('locked', flush=True)\n"
                          "time.sleep(600)\n", path], stdout=subprocess.PIPE)
    p.stdout.readline()
    return p


def group_output(d):
    dump = os.path.join(d, "d.json")
    write(dump, DUMP_ONE_KEY)
    out = os.path.join(d, "out.ace")
    run("put", out, "old", stdin=b"o")
    before = read(out)
    locker = hold_lock(out)
    try:
        rc, _, err = run("build", dump, out)
        check(rc == 2 and b"W-LOCK-1" in err, "build onto a locked OUT: exit 2, W-LOCK-1", err)
        check(read(out) == before, "the locked OUT is unchanged by build")
        v1 = os.path.join(d, "v1.ace")
        write(v1, v1_file({"x": b"1"}))
        rc, _, err = run("migrate", v1, out)
        check(rc == 2 and b"W-LOCK-1" in err, "migrate onto a locked OUT: exit 2, W-LOCK-1", err)
        check(read(out) == before, "the locked OUT is unchanged by migrate")
    finally:
        locker.kill()
        locker.wait()
    check(run("build", dump, out)[0] == 0 and keys(out) == ["b"], "build replaces an unlocked OUT")
    check(temp_files(d) == [], "no temporary file left")
    # An OUT that is not a regular file is refused (build would otherwise
    # rename over a directory entry the user did not mean).
    os.mkdir(os.path.join(d, "dir.ace"))
    rc, _, err = run("build", dump, os.path.join(d, "dir.ace"))
    check(rc == 2, "build onto a directory: exit 2", err)

    # ENOSPC on a real small file system (root only): an existing OUT is
    # unchanged and a new OUT does not appear.
    if os.geteuid() != 0:
        print("skip ENOSPC part (not root)")
        return
    mnt = os.path.join(d, "mnt")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("skip ENOSPC part (mount failed)")
        return
    try:
        big_dump = os.path.join(d, "big.json")
        value = "61" * 400000                       # 400 kB value
        write(big_dump, ('{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
                         '{"key":"k","value_hex":"%s","value_utf8":"%s"}\n'
                         '],"events":[]}\n' % (value, "a" * 400000)).encode())
        o1 = os.path.join(mnt, "o1.ace")
        check(run("build", big_dump, o1)[0] == 0, "a 400 kB store fits the 1 MiB disk")
        before = read(o1)
        o2 = os.path.join(mnt, "o2.ace")
        rc, _, err = run("build", big_dump, o2)   # 800 kB + 400 kB > 1 MiB
        rc3, _, err3 = run("build", big_dump, o1)  # replacing o1 needs a second copy
        check(rc3 == 2 and read(o1) == before, "ENOSPC: build leaves an existing OUT unchanged",
              err3)
        rc4, _, err4 = run("migrate", os.path.join(d, "v1.ace"), o1)
        # a tiny v1 file fits: the migrate must succeed or leave o1 unchanged
        check(rc4 == 0 or read(o1) == before, "migrate onto a full disk: OUT unchanged or new")
        check(rc != 0 or valid(o2), "build of a new OUT on a full disk: success only if valid")
        fill = os.path.join(mnt, "fill")
        try:
            with open(fill, "wb") as f:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
        except OSError:
            pass
        o3 = os.path.join(mnt, "o3.ace")
        rc, _, err = run("build", big_dump, o3)
        check(rc == 2 and not os.path.exists(o3), "ENOSPC: a new OUT does not appear", err)
        rc, _, err = run("migrate", os.path.join(d, "v1.ace"), o3)
        check(rc == 2 and not os.path.exists(o3), "ENOSPC: migrate creates no OUT", err)
        check(temp_files(mnt) == [], "ENOSPC: no temporary file left", str(temp_files(mnt)).encode())
    finally:
        subprocess.run(["umount", mnt])


# ---- 5. CLI consistency ----

def group_cli(d):
    s = os.path.join(d, "s.ace")
    run("create", s)
    base = ["append", s, "--ts", "1", "--kind", "1", "--source", "1", "--flags", "0", "-"]
    def with_value(opt, v):
        a = list(base)
        a[a.index(opt) + 1] = v
        return a
    # Issue 15 item 5: every syntactically valid out-of-range value is exit 1
    # with a W-EVT-2 diagnostic, as `append --help` says.
    for opt, v in (("--ts", "18446744073709551616"), ("--ts", "9007199254740992"),
                   ("--ts", "99999999999999999999999999999999"),
                   ("--kind", "4294967296"), ("--kind", "256"),
                   ("--source", "256"), ("--source", "18446744073709551616"),
                   ("--flags", "256"), ("--flags", "4294967296")):
        rc, out, err = run(*with_value(opt, v), stdin=b"{}")
        check(rc == 1 and b"W-EVT-2" in err, "%s %s: exit 1, W-EVT-2" % (opt, v), err)
    for opt, v in (("--kind", "abc"), ("--ts", "-1"), ("--ts", ""), ("--kind", "1x"),
                   ("--flags", "+3")):
        rc, out, err = run(*with_value(opt, v), stdin=b"{}")
        check(rc == 2, "%s %r (not a decimal integer): exit 2" % (opt, v), err)
    rc, out, err = run("append", "--help")
    check(rc == 0 and b"exit 1" in out and b"exit 2" in out, "append --help states both")
    rc, out, err = run(*with_value("--kind", "255"), stdin=b"{}")
    check(rc == 0, "--kind 255 is accepted")

    # A dangling link as the store: a clear message (W-COMMIT-6).
    dl = os.path.join(d, "dl.ace")
    os.symlink("nowhere.ace", dl)
    rc, out, err = run("put", dl, "k", "-", stdin=b"v")
    check(rc == 2 and b"symbolic link" in err and b"keeps being replaced" not in err,
          "dangling link store: clear message", err)

    # '-' as a store path of a write command: refused, nothing created.
    for args in (("put", "-", "k", "val"), ("create", "-"), ("rm", "-", "k"),
                 ("compact", "-"), ("append", "-", "--ts", "1", "--kind", "1", "--source", "1"),
                 ("migrate", "-")):
        rc, out, err = run(*args, stdin=b"{}", cwd=d)
        check(rc == 2 and b"'-'" in err, "%s with '-' as the store: exit 2" % args[0], err)
    check(not os.path.exists(os.path.join(d, "-")), "no store named '-' was created")
    rc, out, err = run("put", "--help")
    check(b"'-'" in out, "put --help says what '-' means")
    # '-' as an input still means standard input.
    check(run("put", s, "k", "-", stdin=b"in")[0] == 0 and run("get", s, "k")[1] == b"in",
          "put FILE KEY - reads standard input")
    dump = os.path.join(d, "d.json")
    write(dump, DUMP_ONE_KEY)
    rc, out, err = run("build", "-", os.path.join(d, "b.ace"), stdin=DUMP_ONE_KEY)
    check(rc == 0 and keys(os.path.join(d, "b.ace")) == ["b"], "build - OUT reads the dump from stdin")
    rc, out, err = run("build", dump, "-")
    check(rc == 0 and out[:8] == b"ACEPACK\0", "build DUMP - writes standard output")


# ---- temporary files left by crashed writers (W-LOCK-4) ----

def group_tempfiles(d):
    rng = random.Random(int(os.environ.get("ACEPACK_TEST_SEED", "15")))
    s = os.path.join(d, "s.ace")
    run("create", s)
    acked = {}          # key -> value of every put that exited 0
    tried = {}          # key -> values put since (and including) the last acknowledged one
    events = 0
    blob = os.urandom(3 << 20)
    v1src = os.path.join(d, "v1.ace")
    write(v1src, v1_file({"m%d" % i: blob[:200000] for i in range(12)}))
    mout = os.path.join(d, "mout.ace")
    kills = 0
    for trial in range(40):
        op = rng.choice(["put", "append", "compact", "migrate", "create"])
        if op == "put":
            key = "k%d" % rng.randrange(6)
            value = blob[:rng.randrange(1 << 20, 3 << 20)] + bytes([trial])
            args, stdin = ["put", s, key, "-"], value
        elif op == "append":
            args = ["append", s, "--ts", str(trial), "--kind", "1", "--source", "1", "-"]
            stdin = b'{"t":%d}' % trial
        elif op == "compact":
            args, stdin = ["compact", s], b""
        elif op == "migrate":
            args, stdin = ["migrate", v1src, mout], b""
        else:
            args, stdin = ["create", os.path.join(d, "new%d.ace" % trial)], b""
        p = subprocess.Popen([ACEPACK, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            if stdin:
                p.stdin.write(stdin)
            p.stdin.close()
        except BrokenPipeError:
            pass
        time.sleep(rng.uniform(0, 0.04))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=LIMIT)
        out = p.stdout.read()
        p.stdout.close()
        p.stderr.close()
        if op == "put":
            # a killed put may still have committed: its value is possible
            tried.setdefault(key, []).append(value)
        if p.returncode == 0:
            if op == "put":
                acked[key] = value
                tried[key] = [value]
            elif op == "append":
                events += 1
        else:
            kills += 1
    print("killed %d of 40 writers" % kills)
    leftovers = temp_files(d)
    print("temporary files before the next open:", len(leftovers))
    # One open by a writer of each store, then nothing may be left.
    check(run("create", s)[0] == 0, "a writer opens the store after the crashes")
    check(run("migrate", v1src, mout)[0] == 0, "a migration to the same output succeeds")
    for n in os.listdir(d):
        if n.startswith("new") and n.endswith(".ace"):
            run("create", os.path.join(d, n))
    # The creations that were killed before linking left no store at their
    # path; the next creation there is the writer that cleans up.
    for trial in range(40):
        p = os.path.join(d, "new%d.ace" % trial)
        if any(x.startswith("new%d.ace." % trial) for x in os.listdir(d)):
            run("create", p)
    left = temp_files(d)
    check(left == [], "no temporary file survives the next writer's open", str(left).encode())
    check(valid(s), "the store is valid")
    for k, v in acked.items():
        got = run("get", s, k)[1]
        # a later killed put of the same key may have committed before the kill
        check(got in tried[k], "acknowledged put of %s present (or a later one)" % k)
    rc, out, err = run("info", s)
    check(rc == 0, "info works")
    n_events = len(run("events", s)[1].splitlines())
    check(n_events >= events, "every acknowledged append present (%d >= %d)" % (n_events, events))
    if kills == 0:
        check(False, "no writer was killed: the test did not test anything")
    if len(leftovers) == 0:
        print("note: no temporary file was left by these kills")

    # A temporary file of a live writer is never removed: a process holding
    # the lock of a temp-named file (as a compaction in progress does) keeps it.
    live = s + ".acepack-tmp-00000000deadbeef"
    write(live, b"live")
    holder = hold_lock(live)
    try:
        # the store's own lock is free, so the writer cleans: but not this one
        check(run("put", s, "z", stdin=b"z")[0] == 0, "put while a live temp file exists")
        check(os.path.exists(live), "a locked (live) temporary file is kept")
    finally:
        holder.kill()
        holder.wait()
    check(run("put", s, "z2", stdin=b"z")[0] == 0 and not os.path.exists(live),
          "the same file, unlocked, is removed by the next writer")
    other = os.path.join(d, "s.ace.acepack-tmp-notours")
    write(other, b"x")
    run("put", s, "z3", stdin=b"z")
    check(os.path.exists(other), "a file that does not match the name pattern is kept")


GROUPS = {"symlink": group_symlink, "alias": group_alias, "fifo": group_fifo,
          "output": group_output, "cli": group_cli, "tempfiles": group_tempfiles}


def main():
    with tempfile.TemporaryDirectory() as d:
        GROUPS[GROUP](os.path.realpath(d))
    if FAILURES:
        print("%d failure(s) in group %s" % (len(FAILURES), GROUP))
        return 1
    print("group %s: all passed" % GROUP)
    return 0


if __name__ == "__main__":
    sys.exit(main())
