"""What the Python tests of the writing CLI share (test_cli_write, test_cli_harden,
test_segmented_interop): running the CLI, recording failed checks, and canonical v1 files
built by the test itself (never by the code under test).  Python 3, stdlib only.

    import clitest
    from clitest import check, run
    clitest.use(sys.argv[1])
"""
import os
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
