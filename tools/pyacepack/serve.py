"""`acepack.py adapter serve`: the persistent adapter protocol (conformance/README.md).

Requests arrive on stdin, responses leave on stdout, in order (integers u32 big-endian):
    request  = u32 H, H bytes header (JSON: {"op", "profile", "file"}), u32 B, B bytes body
    response = u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr
Each request runs the same function as the per-call command, with sys.stdout / sys.stderr
captured, so a response is byte for byte what `acepack.py adapter OP` would have printed and
exited with. Exit 0 at the end of input; 2 on a truncated request or an unusable header.
"""
import io
import json
import struct
import sys

U32 = struct.Struct(">I")
OPS = ("read", "write", "migrate")


def _read_exact(f, n):
    """n bytes, or None at a clean end of input (nothing read); EOFError when truncated."""
    data = f.read(n)
    if not data and n:
        return None
    if len(data) != n:
        raise EOFError(f"truncated request ({len(data)} of {n} bytes)")
    return data


def _request(f):
    """(header dict, body bytes), None at the end of input."""
    size = _read_exact(f, 4)
    if size is None:
        return None
    head = _read_exact(f, U32.unpack(size)[0]) or b""
    body_size = _read_exact(f, 4)
    if body_size is None:
        raise EOFError("truncated request (no body length)")
    body = _read_exact(f, U32.unpack(body_size)[0]) or b""
    return json.loads(head.decode("utf-8")), body


def _dispatch(cli, header, body):
    """Run one operation as the per-call command would (cli = the acepack.py module)."""
    op = header.get("op")
    profile = header.get("profile", "strict")
    name = header.get("file") if isinstance(header.get("file"), str) else "<stdin>"
    if op not in OPS:
        raise cli.Usage(f"serve: unknown op {op!r}")
    if profile not in ("strict", "compat"):
        raise cli.Usage(f"unknown profile {profile!r}")
    if op == "read":
        return cli.read_bytes(name, body, profile)
    if op == "write":
        return cli.write_bytes(body)
    return cli.migrate_bytes(name, body, profile)


def _captured(cli, header, body):
    """(status, stdout bytes, stderr bytes) of one request."""
    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace",
                                  write_through=True)
    sys.stdin = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8")
    try:
        status = cli.guarded(_dispatch, cli, header, body)
        sys.stdout.flush()
        sys.stderr.flush()
        return status, out.getvalue(), err.getvalue()  # before the wrappers close them
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved


def serve(cli):
    src, dst = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            req = _request(src)
        except (EOFError, ValueError) as e:  # ValueError: the header is not JSON / UTF-8
            sys.stderr.write(f"acepack.py adapter serve: {e}\n")
            return cli.EXIT_USAGE
        if req is None:
            return cli.EXIT_OK
        header, body = req
        if not isinstance(header, dict):
            sys.stderr.write("acepack.py adapter serve: the header is not a JSON object\n")
            return cli.EXIT_USAGE
        status, out, err = _captured(cli, header, body)
        dst.write(U32.pack(status) + U32.pack(len(out)) + out + U32.pack(len(err)) + err)
        dst.flush()
