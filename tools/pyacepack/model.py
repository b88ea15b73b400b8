"""The content model of spec section 2: what a file means, independent of its bytes."""

from dataclasses import dataclass, field


@dataclass
class Event:
    """One event of the event list (spec 2, 3.3). Its id is derived, never stored (R-EVT-10)."""
    ts: int
    kind: int
    source: int
    flags: int
    payload: bytes


@dataclass
class Content:
    """A file's content: KV map, event list, evt_base_id and the feature flags word.

    For a v1 file format_version is 1, evt_base_id 0 and events empty (spec 7.3, D-7).
    """
    format_version: int
    flags: int
    evt_base_id: int
    kv: dict = field(default_factory=dict)      # dict[str, bytes]
    events: list = field(default_factory=list)  # list[Event]
