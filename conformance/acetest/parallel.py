"""Running independent adapter calls on N threads, in input order, interruptible."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    """[fn(x) for x in items] on `jobs` threads. Results keep the input order, so reports are
    deterministic. On Ctrl-C, work not yet started is cancelled (running calls end by
    themselves: each adapter call has its own timeout)."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        results = list(pool.map(fn, items))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results
