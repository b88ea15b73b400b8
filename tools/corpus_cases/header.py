"""header/: file size, magic, version, feature flags and reserved bytes (3.2, R-HDR-*)."""

from . import binfmt as B
from .common import empty, small, canon_v1
from .model import ACCEPT, Cases


# The 138 bytes of the empty store as printed in spec section 8.3.
SPEC_EMPTY_STORE = bytes.fromhex(
    "41434550 41434b00 00000002 00000000"
    "00000000 00000088 00000000 00000002"
    "00000000 00000080 00000000 00000080"
    "00000000 00000008 00000000 00000000".replace(" ", "")) + bytes(64) + bytes.fromhex(
    "0000000000000000" "7b7d")


def cases():
    C = Cases("header")
    E = empty()
    if E != SPEC_EMPTY_STORE:
        raise AssertionError("the canonical empty store differs from the bytes printed in 8.3")
    S = small()

    C.read("empty_store", E, "the empty store: 138 bytes, the bytes the JS 0.2.0 store writes "
           "for a new store (8.3)", ACCEPT, ACCEPT, ["R-HDR-1", "R-HDR-5", "W-CAN-4"])
    C.read("small_store", S, "two keys and two events in canonical form", ACCEPT, ACCEPT,
           ["R-HDR-2", "R-HDR-3"])

    # R-HDR-1: shorter than 64 bytes (prefixes of a valid file keep a valid magic when >= 8).
    for n in (0, 1, 7, 8, 12, 16, 63):
        C.read(f"size_{n}", E[:n], f"the first {n} bytes of the empty store: shorter than "
               "64 bytes", "R-HDR-1", "R-HDR-1")
    C.read("v1_size_63", canon_v1({})[:63], "the first 63 bytes of an empty v1 file",
           "R-HDR-1", "R-HDR-1")

    # R-HDR-2: magic.
    for i in range(8):
        d = B.xor_byte(S, i, 0x20 if i < 7 else 0x01)
        C.read(f"magic_byte{i}", d, f"magic byte {i} changed to 0x{d[i]:02x}", "R-HDR-2",
               "R-HDR-2")
    for name, magic, what in (("magic_lowercase", b"acepack\x00", "lowercase 'acepack\\0'"),
                              ("magic_zero", bytes(8), "eight zero bytes"),
                              ("magic_newline", b"ACEPACK\n", "'ACEPACK\\n' (LF instead of NUL)"),
                              ("magic_space", b"ACEPACK ", "'ACEPACK ' (space instead of NUL)"),
                              ("magic_shifted", b"\x00ACEPACK", "'\\0ACEPACK' (shifted by one)")):
        C.read(name, B.patch(S, 0, magic), f"magic is {what}", "R-HDR-2", "R-HDR-2")
    C.read("magic_v1", B.patch(canon_v1({"a": b"x"}), 7, b"\x01"),
           "v1 file whose magic byte 7 is 0x01", "R-HDR-2", "R-HDR-2")

    # R-HDR-3: version.
    for v, what in ((0, "0 (the JS 0.2.0 store would read it as v1)"),
                    (3, "3 (a future version; JS 0.2.0 reads any version >= 2 as v2)"),
                    (4, "4"), (255, "255"), (258, "0x00000102"),
                    (0x02000000, "0x02000000 (2 in little-endian)"),
                    (0x80000002, "0x80000002"), (0xFFFFFFFF, "0xFFFFFFFF")):
        C.read(f"version_{v}", B.patch_u32(S, B.OFF_VERSION, v),
               f"a valid v2 file whose version is {what}", "R-HDR-3", "R-HDR-3")
    C.read("version_0_v1_layout", B.patch_u32(canon_v1({"a": b"x"}), B.OFF_VERSION, 0),
           "a valid v1 file whose version is 0", "R-HDR-3", "R-HDR-3")
    C.read("version_3_empty", B.patch_u32(E, B.OFF_VERSION, 3),
           "the empty store with version 3", "R-HDR-3", "R-HDR-3")

    # R-HDR-4: incompatible flag bits reject, compatible ones are ignored.
    # Bit 16 is defined since 1.1.0 (segmented event log, segmented/); the others are not.
    for f in (0x00030000, 0x00020000, 0x00400000, 0x80000000, 0xFFFF0000, 0x00020001,
              0xFFFFFFFF):
        C.read(f"flags_incompatible_{f:08x}", B.patch_u32(S, B.OFF_FLAGS, f),
               f"flags word 0x{f:08x}: an incompatible bit (17..31) is set", "R-HDR-4",
               "R-HDR-4")
    # Bit 0 is `checksums` from 1.1.0 (3.8): the bits here are ones no version defines; the
    # former bit-0 cases are checksums/n_fields_zero_*.
    for f in (0x00000002, 0x00000080, 0x00008000, 0x0000FFFE):
        C.read(f"flags_compatible_{f:08x}", B.patch_u32(S, B.OFF_FLAGS, f),
               f"flags word 0x{f:08x}: only compatible bits (1..15) that no version defines, "
               "which a reader ignores; the dump shows the flags word", ACCEPT, ACCEPT,
               ["R-HDR-4"])

    # R-HDR-5: a v2 file shorter than 128 bytes.
    for n in (64, 65, 100, 127):
        C.read(f"v2_size_{n}", S[:n], f"the first {n} bytes of a valid v2 file (the header "
               "is cut, so the event section and index lie past the end as well)",
               ("R-HDR-5", "R-LAY-1", "R-LAY-2"), ("R-HDR-5", "R-LAY-1", "R-LAY-2"))
    # A 127-byte v2 file that only R-HDR-5 rejects in compat: compatible flag bit 1 set (so
    # reserved bytes are not checked), an empty event section at 100 in the zero reserved
    # bytes and the index {} right after it. Strict also needs kv_chunk_end >= 128 (R-LAY-3).
    d = bytearray(B.header_v2(kv_index_offset=108, kv_index_length=2, kv_chunk_end=100,
                              evt_offset=100, evt_length=8, evt_count=0, flags=2))
    d[108:110] = b"{}"
    C.read("v2_size_127_compat_probe", bytes(d[:127]),
           "127-byte v2 file: flags 0x2, event section [100,108) and index {} at 108 inside "
           "the header; compat breaks only R-HDR-5, strict also R-LAY-3",
           ("R-HDR-5", "R-LAY-3"), "R-HDR-5")

    # R-HDR-6: reserved bytes (strict only, and only when no compatible bit is set).
    for pos, val in ((64, 0x01), (100, 0xFF), (127, 0x80)):
        C.read(f"reserved_byte{pos}", B.patch(S, pos, bytes([val])),
               f"reserved header byte {pos} is 0x{val:02x}, flags 0; compat ignores reserved "
               "bytes", "R-HDR-6", ACCEPT)
    C.read("reserved_all_ff", B.patch(S, 64, b"\xff" * 64),
           "reserved header bytes 64..127 all 0xFF, flags 0", "R-HDR-6", ACCEPT)
    C.read("reserved_nonzero_compatible_flag",
           B.patch_u32(B.patch(S, 64, b"\xff" * 64), B.OFF_FLAGS, 2),
           "reserved bytes all 0xFF with compatible flag bit 1 set: a future compatible feature "
           "may use them, so no reader checks them", ACCEPT, ACCEPT, ["R-HDR-6", "R-HDR-4"])
    C.read("reserved_nonzero_compatible_flag15",
           B.patch_u32(B.patch(S, 120, b"ACEPACK!"), B.OFF_FLAGS, 0x8000),
           "reserved bytes 120..127 hold text, compatible flag bit 15 set", ACCEPT, ACCEPT,
           ["R-HDR-6", "R-HDR-4"])
    return C
