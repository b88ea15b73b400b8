"""pyacepack: an independent Python implementation of ACEPACK (spec/ACEPACK.md).

It produces the expected outputs of the golden corpus; it is written from the specification
alone.  Standard library only, Python 3.11.
"""

from .errors import Refused, Reject, Unsupported
from .model import Content, Event
from .reader import read
from .dumpfmt import dump, parse_dump
from .build import build_v1, build_v2
from .keyorder import canonical_key_order
from .jsonstr import json_string
from .migrate import migrate

__all__ = ["Refused", "Reject", "Unsupported", "Event", "Content", "read", "dump", "parse_dump",
           "build_v2", "build_v1", "migrate", "canonical_key_order", "json_string", "js"]


def __getattr__(name):
    # The JS store emulator is imported on first use: the adapter never needs it, and it is
    # the most expensive module to import.
    if name == "js":
        import importlib
        return importlib.import_module(".js", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
