"""CRC32C (Castagnoli) of spec 3.8, written independently of the C library.

Reflected polynomial 0x82F63B78, register initialised to 0xFFFFFFFF, final xor
0xFFFFFFFF.  Python's standard library has zlib.crc32 (the other polynomial)
but no CRC32C, so this is a plain byte-table implementation: slow (a few MB/s)
but the corpus files are small.
"""

POLY = 0x82F63B78


def _make_table():
    table = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ POLY if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_TABLE = _make_table()


def crc32c(data, crc: int = 0) -> int:
    """The CRC32C of data, continuing from crc (the CRC of the bytes before it)."""
    c = crc ^ 0xFFFFFFFF
    t = _TABLE
    for b in memoryview(data).cast("B"):
        c = (c >> 8) ^ t[(c ^ b) & 0xFF]
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the check value of spec 3.8
