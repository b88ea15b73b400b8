#!/usr/bin/env python3
"""The writing subcommands of the `acepack` CLI (tools/acepack/cmd_write.c).

    test_cli_write.py PATH/TO/acepack

Expected bytes are written out by hand from spec/ACEPACK.md (8.3, Appendix B);
nothing expected comes from the code under test.  Python 3.11, stdlib only.
"""
import fcntl
import json
import os
import sys
import tempfile

import clitest
from clitest import FAILURES, check, read, run, v1_file

clitest.use(sys.argv[1])
ACEPACK = clitest.ACEPACK

EMPTY = bytes.fromhex(
    "414345504143 4b00 00000002 00000000 0000000000000088 0000000000000002"
    "0000000000000080 0000000000000080 0000000000000008 00000000 00000000" + "00" * 64 +
    "0000000000000000 7b7d")

APPB = bytes.fromhex(
    "414345504143 4b00 00000002 00000000 00000000000000b3 000000000000003e"
    "000000000000008a 000000000000008a 0000000000000029 00000001 00000000" + "00" * 64 +
    "0000000178 0000000179 00000001 0000018bcfe56800 010200 000000 00000000 0000000b 0000000b"
    "7b226b6579223a226b227d") + b'{"42":{"offset":128,"length":1},"a":{"offset":133,"length":1}}'

APPB_DUMP = (b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
             b'{"key":"42","value_hex":"78","value_utf8":"x"},\n'
             b'{"key":"a","value_hex":"79","value_utf8":"y"}\n'
             b'],"events":[\n'
             b'{"id":"1","ts":"1700000000000","kind":1,"source":2,"flags":0,'
             b'"payload_hex":"7b226b6579223a226b227d","payload_utf8":"{\\"key\\":\\"k\\"}"}\n'
             b']}\n')


def main():
    with tempfile.TemporaryDirectory() as d:
        s = os.path.join(d, "s.ace")
        rc, out, err = run("create", s)
        check(rc == 0 and read(s) == EMPTY, "create writes the 138-byte empty store (8.3)")
        check(sorted(os.listdir(d)) == ["s.ace"], "create leaves no other file (W-LOCK-3)")

        rc, out, err = run("put", s, "greeting", stdin=b"hello")
        check(rc == 0, "put from stdin")
        rc, out, err = run("get", s, "greeting")
        check(rc == 0 and out == b"hello", "get after put")
        vf = os.path.join(d, "value.bin")
        with open(vf, "wb") as f:
            f.write(b"\x00\xff")
        check(run("put", s, "bin", vf)[0] == 0, "put from a file")

        rc, out, err = run("append", s, "--ts", "1700000000000", "--kind", "1", "--source", "2",
                           stdin=b'{"key":"k"}')
        check(rc == 0 and out == b"1\n", "append prints the id 1")
        rc, out, err = run("append", s, "--ts=5", "--kind=3", "--source=4", "--flags=1", "-",
                           stdin=b'{"x":[1,2]}')
        check(rc == 0 and out == b"2\n", "append with --opt=value")
        rc, out, err = run("append", s, "--ts", "9007199254740992", "--kind", "1", "--source", "2",
                           stdin=b"{}")
        check(rc == 1 and b"W-EVT-2" in err, "append refuses ts 2^53 (W-EVT-2)")
        rc, out, err = run("append", s, "--ts", "1", "--kind", "256", "--source", "2", stdin=b"{}")
        check(rc == 1 and b"W-EVT-2" in err, "append refuses kind 256 (W-EVT-2)")
        rc, out, err = run("append", s, "--ts", "1", "--kind", "1", "--source", "2", stdin=b"[]")
        check(rc == 1 and b"W-EVT-4" in err, "append refuses a non-object payload (W-EVT-4)")
        rc, out, err = run("append", s, "--kind", "1", "--source", "2", stdin=b"{}")
        check(rc == 2, "append without --ts is a usage error")
        rc, out, err = run("append", s, "--ts", "-1", "--kind", "1", "--source", "2", stdin=b"{}")
        check(rc == 2, "append --ts -1 is a usage error")

        rc, out, err = run("rm", s, "greeting")
        check(rc == 0, "rm")
        rc, out, err = run("rm", s, "greeting")
        check(rc == 1, "rm of a missing key exits 1")
        rc, out, err = run("get", s, "greeting")
        check(rc == 1, "the key is gone")

        rc, dump, err = run("dump", s)
        check(rc == 0 and dump.count(b'"id":') == 2 and b'"key":"bin"' in dump, "dump after writes")
        before = read(s)
        check(run("compact", s)[0] == 0, "compact")
        after = read(s)
        check(len(after) <= len(before), "compact never grows the file")
        dfile = os.path.join(d, "d.json")
        with open(dfile, "wb") as f:
            f.write(dump)
        out_file = os.path.join(d, "rebuilt.ace")
        check(run("build", dfile, out_file)[0] == 0 and read(out_file) == after,
              "compact == build(dump): the canonical form")
        os.unlink(out_file)

        # W-LOCK-1: a writer holding the lock makes the others fail at once.
        with open(s, "rb") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            rc, out, err = run("put", s, "k", stdin=b"v")
            check(rc == 2 and b"W-LOCK-1" in err, "a locked store: exit 2, W-LOCK-1")
            rc, out, err = run("get", s, "bin")
            check(rc == 0, "readers take no lock")
        check(run("put", s, "k", stdin=b"v")[0] == 0, "after the lock is released")

        # Spec 13: a file that does not validate is refused and left as it is.
        bad = bytearray(read(s))
        bad[8:12] = (3).to_bytes(4, "big")
        badf = os.path.join(d, "bad.ace")
        with open(badf, "wb") as f:
            f.write(bad)
        rc, out, err = run("put", badf, "k", stdin=b"v")
        check(rc == 1 and b"R-HDR-3" in err and read(badf) == bytes(bad),
              "an invalid file is refused with its rule and not modified")
        os.unlink(badf)

        # build, adapter write: Appendix B.
        with open(dfile, "wb") as f:
            f.write(APPB_DUMP)
        check(run("build", dfile, out_file)[0] == 0 and read(out_file) == APPB,
              "build of the Appendix B dump gives its 241 bytes")
        rc, out, err = run("build", dfile, "-")
        check(rc == 0 and out == APPB, "build to stdout")
        rc, out, err = run("adapter", "write", stdin=APPB_DUMP)
        check(rc == 0 and out == APPB, "adapter write")
        rc, out, err = run("adapter", "write", stdin=APPB_DUMP.replace(b'"ts":"1700000000000"',
                                                                      b'"ts":"18446744073709551615"'))
        check(rc == 1 and out == b"", "adapter write refuses ts 2^64-1 (W-EVT-2)")
        rc, out, err = run("adapter", "write", stdin=APPB_DUMP.replace(b"\n]}", b"\n] }"))
        check(rc == 1, "adapter write refuses a dump not in the D-1 layout")
        rc, out, err = run("adapter", "capabilities")
        caps = json.loads(out)
        check(rc == 0 and caps["write"] is True and caps["migrate"] is True, "capabilities")

        # migrate: ids 2 and 4, seq 5; malformed entry 3 stays a key (spec 10).
        e2 = b'{"kind":1,"content_source":2,"key":"k","id":2,"ts":1700000000000}'
        e4 = b'{"kind":3,"content_source":4,"id":4,"ts":5,"flags":1}'
        v1 = v1_file({"core/log/000000000002": e2, "core/log/000000000003": b"oops",
                      "core/log/000000000004": e4, "meta/log_entry_seq": b"5", "other": b"v"})
        v1f = os.path.join(d, "v1.ace")
        v2f = os.path.join(d, "v2.ace")
        with open(v1f, "wb") as f:
            f.write(v1)
        rc, out, err = run("migrate", v1f, v2f)
        rep = json.loads(out) if rc == 0 else {}
        check(rc == 0 and rep == {"events_from_entries": 2, "gap_events": 2,
                                  "malformed_entries": ["core/log/000000000003"],
                                  "log_entry_seq_consumed": True, "evt_base_id": 1, "events": 4},
              "migrate report (M-10)")
        check(read(v1f) == v1, "migrate to OUT leaves the input untouched (M-2)")
        rc, dump2, err = run("dump", v2f)
        check(rc == 0 and dump2.startswith(b'{"format_version":2,"flags":0,"evt_base_id":"1",')
              and dump2.count(b'"payload_hex":"7b226163657061636b223a22676170227d"') == 2
              and b'{"id":"5","ts":"0","kind":0,"source":0,"flags":1,' in dump2
              and b'"key":"core/log/000000000003"' in dump2 and b'"key":"other"' in dump2,
              "migrated content: base 1, ids 2..5 with gaps 3 and 5")
        rc, out, err = run("adapter", "migrate", stdin=v1)
        check(rc == 0 and out == read(v2f), "adapter migrate == migrate to OUT")
        rc, out, err = run("migrate", v1f)
        check(rc == 0 and read(v1f) == read(v2f), "migrate in place")
        rc, out, err = run("migrate", v1f)
        check(rc == 1 and b"M-1" in err, "migrating a v2 file is refused (M-1)")
        rc, out, err = run("adapter", "migrate", stdin=read(v2f))
        check(rc == 1 and out == b"", "adapter migrate refuses v2 input")
        # A v1 file is migrated when a writer opens it.
        with open(v1f, "wb") as f:
            f.write(v1)
        rc, out, err = run("append", v1f, "--ts", "9", "--kind", "0", "--source", "0",
                           stdin=b"{}")
        check(rc == 0 and out == b"6\n", "append to a v1 file migrates it; ids continue (M-6)")

        for cmd in ("create", "put", "rm", "append", "compact", "migrate", "build"):
            rc, out, err = run(cmd, "--help")
            check(rc == 0 and out.startswith(b"usage: acepack " + cmd.encode()), f"{cmd} --help")
    print(f"{'FAIL' if FAILURES else 'ok'}: {len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
