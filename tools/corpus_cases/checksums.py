"""checksums/: flag bit 0, `checksums` (spec 3.8, 1.1.0): the CRC32C fields of a v2 header.

Every file is built by our own builder and signed with our own CRC32C (binfmt.sign); strict
verifies the fields (R-CRC-1..5), compat does not (3.8 "Compat"), so every damaged file is
an `n_` case that compat accepts with the content its bytes hold.  A 1.0.x reader reads every
file here as compat does, and as strict does when no reserved byte is set without a
compatible bit (tests/compat: the old-reader test).
"""

import zlib

from . import binfmt as B
from .common import TS0, canon, canon_v1, empty, events_n, payload, small, SMALL_KV
from .dumptext import dump_text
from .model import ACCEPT, Cases


def _fields(data):
    return dict(ce=B.get_u64(data, 32), eo=B.get_u64(data, 40), el=B.get_u64(data, 48),
                io=B.get_u64(data, 16), il=B.get_u64(data, 24))


def _find(data, needle, start=0):
    at = data.find(needle, start)
    assert at >= 0, needle
    return at


def cases():
    C = Cases("checksums")
    S = small()
    SS = B.sign(S)
    f = _fields(SS)

    # ---- accepted: the fields match -------------------------------------------------------
    C.read("small", SS, "the small store with flag bit 0 and its four CRC32C fields; the dump "
           "shows flags 1", ACCEPT, ACCEPT, ["R-CRC-1", "R-CRC-2", "R-CRC-3", "R-CRC-4",
                                             "W-CRC-2"], kv=SMALL_KV, n_events=2)
    E = B.sign(empty())
    assert B.get_u32(E, 68) == 0   # the CRC32C of no bytes (the empty chunk region)
    C.read("empty_store", E, "the empty store with checksums: the chunk region is empty and "
           "chunks_crc is 0, the CRC32C of no bytes", ACCEPT, ACCEPT, ["R-CRC-2", "W-CRC-2"],
           kv={}, n_events=0)
    many_kv = {"k%03d" % i: bytes([i % 251]) * (i % 40) for i in range(120)}
    M = B.sign(canon(many_kv, events_n(600)))
    assert _fields(M)["el"] > 3 * 8192 and _fields(M)["ce"] - 128 > 3 * 256
    C.read("many", M, "120 keys and 600 events: regions longer than the block sizes of "
           "interleaved hardware CRC code (3 x 8192 bytes of events)", ACCEPT, ACCEPT,
           ["R-CRC-2", "R-CRC-3", "R-CRC-4"], kv=many_kv, n_events=600)
    b = B.V2()
    b.chunk(b"one", key="a")
    b.raw(b"dead space: an overwritten value")
    b.chunk(b"two", key="b")
    b.section([B.ev(TS0, payload("a"))])
    b.index()
    b.tail(b"tail bytes a failed commit left")
    DT = B.sign(b.build())
    C.read("dead_space_and_tail", DT, "dead space inside the chunk region (covered by "
           "chunks_crc) and a tail after the index (covered by nothing)", ACCEPT, ACCEPT,
           ["R-CRC-2", "R-LAY-5"], kv={"a": b"one", "b": b"two"}, n_events=1)
    C.read("tail_changed", B.patch(DT, len(DT) - 4, b"XXXX"), "the same file with its tail "
           "changed: the tail has no meaning and no checksum", ACCEPT, ACCEPT, ["R-CRC-2"])
    other = B.sign(B.patch(S, 96, b"a later compatible feature"), flags=0x3)
    C.read("other_compatible_bit_reserved_used", other, "flags 0x3: bit 0 and an unknown "
           "compatible bit 1, whose feature may use bytes 80..127 (text at 96); R-CRC-5 does "
           "not apply, the checksums still do", ACCEPT, ACCEPT, ["R-CRC-5", "R-HDR-4"])
    C.read("bit0_with_bit15", B.sign(S, flags=0x8001), "flags 0x8001, all fields right",
           ACCEPT, ACCEPT, ["R-CRC-1", "R-HDR-4"])
    v1 = B.patch(canon_v1({"a": b"x"}, flags=1), 32, b"\xff" * 32)
    C.read("v1_bit0", v1, "a v1 file with flag bit 0 and reserved bytes 32..63 all 0xFF: bit "
           "0 has no meaning in v1 (R-CRC-6), it is a set compatible bit, so R-V1-1 does not "
           "apply", ACCEPT, ACCEPT, ["R-CRC-6", "R-V1-1"], kv={"a": b"x"})
    C.read("v1_bit0_zero_reserved", canon_v1({"a": b"x"}, flags=1), "a v1 file with flag bit "
           "0 and zero reserved bytes", ACCEPT, ACCEPT, ["R-CRC-6"])

    # ---- R-CRC-1: the header ---------------------------------------------------------------
    C.read("header_crc_flipped", B.xor_byte(SS, 67), "header_crc with its last bit flipped",
           "R-CRC-1", ACCEPT, at={"strict": ("R-CRC-1", 64)}, kv=SMALL_KV)
    C.read("header_field_changed", B.patch_u32(SS, 60, 7), "evt_base_id changed from 0 to 7 "
           "after signing: a damaged header field that breaks no other rule (compat reads ids "
           "8 and 9)", "R-CRC-1", ACCEPT, at={"strict": ("R-CRC-1", 64)})
    C.read("header_flags_changed", B.patch_u32(SS, 12, 0x3), "flags changed from 1 to 3 after "
           "signing (the flags word is covered)", "R-CRC-1", ACCEPT)
    for fl in (0x00000001, 0x0000FFFF):
        C.read(f"fields_zero_{fl:08x}", B.patch_u32(S, 12, fl), f"flags 0x{fl:08x} with bytes "
               "64..127 zero: 1.0.x allowed it (bit 0 was some compatible bit, formerly "
               f"header/y_flags_compatible_{fl:08x}); 1.1.0 strict checks the checksums",
               ("R-CRC-1", "R-CRC-2", "R-CRC-3", "R-CRC-4"), ACCEPT, at={"strict": ("R-CRC-1", 64)})
    C.read("reserved_all_ff", B.patch_u32(B.patch(S, 64, b"\xff" * 64), 12, 1), "flag bit 0 "
           "with bytes 64..127 all 0xFF (formerly header/y_reserved_nonzero_compatible_flag)",
           ("R-CRC-1", "R-CRC-2", "R-CRC-3", "R-CRC-4", "R-CRC-5"), ACCEPT,
           at={"strict": ("R-CRC-1", 64)})
    le = bytearray(SS)
    for off in (64, 68, 72, 76):
        le[off:off + 4] = bytes(reversed(le[off:off + 4]))
    C.read("fields_little_endian", bytes(le), "the four fields written little-endian", ("R-CRC-1", "R-CRC-2", "R-CRC-3", "R-CRC-4"),
           ACCEPT, at={"strict": ("R-CRC-1", 64)})
    z = bytearray(S)
    z[12:16] = B.u32(1)
    z[68:72] = B.u32(zlib.crc32(z[128:f["ce"]]))
    z[72:76] = B.u32(zlib.crc32(z[f["eo"]:f["eo"] + f["el"]]))
    z[76:80] = B.u32(zlib.crc32(z[f["io"]:f["io"] + f["il"]]))
    z[64:68] = B.u32(zlib.crc32(bytes(z[:64]) + bytes(4) + bytes(z[68:128])))
    C.read("crc32_not_crc32c", bytes(z), "the fields hold CRC-32 (zlib, polynomial 0xEDB88320) "
           "instead of CRC32C", ("R-CRC-1", "R-CRC-2", "R-CRC-3", "R-CRC-4"), ACCEPT, at={"strict": ("R-CRC-1", 64)})
    own = B.patch_u32(SS, 64, B.crc32c(SS[:128]))
    C.read("header_crc_over_own_field", own, "header_crc computed over bytes 0..127 with the "
           "field's earlier value in place instead of zero", "R-CRC-1", ACCEPT)

    # ---- R-CRC-2: the chunk region ---------------------------------------------------------
    C.read("chunk_value_damaged", B.xor_byte(SS, 132), "the first byte of the value of `a` "
           "changed (h -> i)", "R-CRC-2", ACCEPT, at={"strict": ("R-CRC-2", 128)},
           kv={"a": b"iello", "state/b": b'{"x":1}'})
    C.read("chunk_length_field_damaged", B.patch_u32(SS, 128, 6), "the length field of the "
           "chunk of `a` changed 5 -> 6: R-CHK-3 too, either may be reported",
           ("R-CRC-2", "R-CHK-3"), ACCEPT)
    C.read("dead_space_damaged", B.xor_byte(DT, 128 + 7 + 3), "a byte of dead space changed: "
           "dead space has no meaning, but it is covered", "R-CRC-2", ACCEPT,
           at={"strict": ("R-CRC-2", 128)})
    C.read("chunks_crc_wrong", B.reseal_header(B.patch_u32(SS, 68, B.get_u32(SS, 68) ^ 1)),
           "chunks_crc off by one bit, header_crc recomputed", "R-CRC-2", ACCEPT,
           at={"strict": ("R-CRC-2", 128)})
    C.read("chunks_crc_zero", B.reseal_header(B.patch_u32(SS, 68, 0)), "chunks_crc 0 (as if "
           "the region were empty), header_crc recomputed", "R-CRC-2", ACCEPT)
    C.read("region_fields_zero", B.sign(S, regions=False), "bit 0 set, header_crc right, the "
           "three region fields zero", ("R-CRC-2", "R-CRC-3", "R-CRC-4"), ACCEPT,
           at={"strict": ("R-CRC-2", 128)})
    mc = _fields(M)["ce"] - 100
    C.read("many_chunk_damaged_late", B.xor_byte(M, mc, 0x40), "a value byte 100 bytes before "
           "the end of a long chunk region", "R-CRC-2", ACCEPT)
    C.read("unknown_bit_chunk_damaged", B.xor_byte(B.sign(S, flags=0x3), 132), "flags 0x3 "
           "(an unknown compatible bit beside bit 0) and a damaged value: the unknown bit does "
           "not switch the checksums off", "R-CRC-2", ACCEPT, at={"strict": ("R-CRC-2", 128)})

    # ---- R-CRC-3: the event section --------------------------------------------------------
    eo = f["eo"]
    C.read("event_ts_damaged", B.xor_byte(SS, eo + 4 + 7), "the last byte of ts[0] changed",
           "R-CRC-3", ACCEPT, at={"strict": ("R-CRC-3", eo)})
    p = _find(SS, b'"n":1', eo)
    C.read("event_payload_damaged", B.patch(SS, p + 4, b"2"), "a digit of the first payload "
           'changed ("n":1 -> "n":2; still a JSON object)', "R-CRC-3", ACCEPT,
           at={"strict": ("R-CRC-3", eo)})
    C.read("event_kind_damaged", B.xor_byte(SS, eo + 4 + 16), "kind[0] changed 1 -> 0",
           "R-CRC-3", ACCEPT)
    C.read("events_crc_wrong", B.reseal_header(B.patch_u32(SS, 72, B.get_u32(SS, 72) ^ 0x80000000)),
           "events_crc with its top bit flipped, header_crc recomputed", "R-CRC-3", ACCEPT,
           at={"strict": ("R-CRC-3", eo)})
    me = _fields(M)
    C.read("many_event_damaged_late", B.xor_byte(M, me["eo"] + me["el"] - 3, 0x01),
           "a payload byte near the end of a 3 x 8192-byte event section (a digit)", "R-CRC-3",
           ACCEPT, at={"strict": ("R-CRC-3", me["eo"])})

    # ---- R-CRC-4: the index ----------------------------------------------------------------
    io = f["io"]
    C.read("index_key_damaged", B.patch(SS, io + 2, b"c"), 'the key "a" of the index changed '
           'to "c"', "R-CRC-4", ACCEPT, at={"strict": ("R-CRC-4", io)},
           kv={"c": b"hello", "state/b": b'{"x":1}'})
    C.read("index_crc_wrong", B.reseal_header(B.patch_u32(SS, 76, 0xFFFFFFFF)), "index_crc "
           "0xFFFFFFFF, header_crc recomputed", "R-CRC-4", ACCEPT,
           at={"strict": ("R-CRC-4", io)})
    C.read("crcs_swapped", B.reseal_header(B.patch(B.patch(SS, 72, SS[76:80]), 76, SS[72:76])),
           "events_crc and index_crc swapped", ("R-CRC-3", "R-CRC-4"), ACCEPT)

    # ---- R-CRC-5: bytes 80..127 ------------------------------------------------------------
    for pos in (80, 100, 127):
        C.read(f"reserved_byte{pos}", B.reseal_header(B.patch(SS, pos, b"\x01")),
               f"byte {pos} is 1 with only bit 0 set, header_crc recomputed", "R-CRC-5", ACCEPT,
               at={"strict": ("R-CRC-5", pos)})

    # ---- migration and writing: the bit is not carried ------------------------------------
    C.migrate("v1_bit0_migrates", canon_v1({"a": b"x"}, flags=1), "a v1 file with flag bit 0: "
              "the output is the canonical v2 file, flags 0 (M-9, R-CRC-6)", ACCEPT, ACCEPT,
              ["R-CRC-6", "M-9"], n_events=0, kv_keys={"a"})
    C.write("dump_with_bit0", dump_text(list(SMALL_KV.items()), [
        B.ev(TS0, payload("a", {"n": 1}), kind=1, source=2),
        B.ev(TS0 + 1, payload("state/b"), kind=4, source=3, flags=1)], 0, 1),
        "the dump of checksums/y_small (flags 1): a writer not configured for checksums "
        "writes the canonical file, flags 0 (W-CAN-4, W-CRC-1, W-CRC-3)", ACCEPT,
        ["W-CRC-1", "W-CRC-3", "W-CAN-4"])
    return C
