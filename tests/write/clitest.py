"""What the Python tests of the writing CLI share (test_cli_write, test_cli_harden,
test_segmented_interop): running the CLI, recording failed checks, and canonical v1 files
built by the test itself (never by the code under test).  Python 3, stdlib only.

    import clitest
    from clitest import check, run
    clitest.use(sys.argv[1])
"""
import json
import os
import select
import subprocess

LIMIT = 120  # seconds; generous, only to turn a hang into a failure
FAILURES = []
ACEPACK = None


def use(path):
    """The acepack CLI that run() starts."""
    global ACEPACK
    ACEPACK = os.path.abspath(path)


def run(*args, stdin=b"", cwd=None):
    """(exit status, stdout, stderr) of `acepack ARGS...`."""
    p = subprocess.run([ACEPACK, *args], input=stdin, capture_output=True, timeout=LIMIT,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr


class Reader:
    """The C reader of many files in one process: `acepack adapter serve` (the persistent
    protocol of conformance/README.md), each answer exactly what `acepack adapter read FILE`
    prints (full validation under the profile, then the conformance dump of spec 11).  A
    process start costs ~85 ms of CPU under ASan (LeakSanitizer's check at exit) and ~70 ms
    under qemu-i386; a request here costs none.  The requests run in the server's own
    process (ACEPACK_SERVE_IN_PROCESS=1): the reader allocates nothing a request could
    leak, the sanitizers still stop at the first bad access, and LeakSanitizer checks the
    server when it ends (close() returns its exit status)."""

    def __init__(self):
        env = dict(os.environ, ACEPACK_SERVE_IN_PROCESS="1")
        self.p = subprocess.Popen([ACEPACK, "adapter", "serve"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, env=env)

    def _take(self, n):
        data = b""
        while len(data) < n:
            if not select.select([self.p.stdout], [], [], LIMIT)[0]:
                raise RuntimeError("acepack adapter serve: no answer in %d s" % LIMIT)
            part = os.read(self.p.stdout.fileno(), n - len(data))
            if not part:
                raise RuntimeError("acepack adapter serve ended (status %s)" % self.p.wait())
            data += part
        return data

    def read(self, path, profile="strict"):
        """(exit status, stdout, stderr) of `acepack adapter read PATH --profile P`."""
        with open(path, "rb") as f:
            body = f.read()
        head = json.dumps({"op": "read", "profile": profile, "file": path}).encode()
        self.p.stdin.write(len(head).to_bytes(4, "big") + head + len(body).to_bytes(4, "big")
                           + body)
        self.p.stdin.flush()
        status = int.from_bytes(self._take(4), "big")
        out = self._take(int.from_bytes(self._take(4), "big"))
        err = self._take(int.from_bytes(self._take(4), "big"))
        return status, out, err

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=LIMIT)


def check(cond, what, detail=b""):
    if not cond:
        FAILURES.append(what)
        print("FAIL", what, detail[:400] if detail else "")
    else:
        print("ok  ", what)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def v1_file(kv):
    """A canonical v1 file (W-V1-1) of a dict of str -> bytes, keys in byte order (the
    test keys are not integer-like)."""
    chunks, index, pos = b"", [], 64
    for k in sorted(kv, key=lambda s: s.encode()):
        v = kv[k]
        index.append('"%s":{"offset":%d,"length":%d}' % (k, pos, len(v)))
        chunks += len(v).to_bytes(4, "big") + v
        pos += 4 + len(v)
    idx = ("{" + ",".join(index) + "}").encode()
    header = b"ACEPACK\0" + (1).to_bytes(4, "big") + bytes(4) + pos.to_bytes(8, "big") + \
        len(idx).to_bytes(8, "big") + bytes(32)
    return header + chunks + idx
