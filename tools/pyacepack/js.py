"""Byte-exact emulation of the files the JavaScript stores write (0.1.0: StoreV1, 0.2.0: StoreV2).

The corpus area js/ holds "files exactly as the JS store writes them", and the errata examples
need what the JS store does wrong.  These classes reproduce the observable bytes of the file
after each operation, including the JS store's defects:
  - set() writes its chunk at the in-memory chunk end, which is where the committed event
    section (v2) or index (v1) lies: those bytes are overwritten before any commit;
  - the index is JSON.stringify(Object.fromEntries(map)): array-index keys ("7", "42") first in
    numeric order, then the others in Map insertion order;
  - 0.2.0 opening a v1 file moves core/log/ entries into events in memory, renumbered, drops
    malformed ones and every core/log/ key, and its commit writes a 128-byte header over the
    first 64 bytes of the v1 chunk region.

Timestamps are explicit (Date.now() is replaced by the ts argument).  Payload values and entry
objects are given as JSON text; they are read as JSON.parse reads them and written back with
JSON.stringify, as the JS store does with the objects its callers pass.

The emulator works on an in-memory file (self.data); there is no lock file.
"""

from .jsjson import JsError, NotDetermined  # noqa: F401  (raised by the stores)
from .jsv1 import StoreV1  # noqa: F401
from .jsv2 import StoreV2  # noqa: F401
