"""Time limits of adapter calls that a busy machine cannot trip.

A hang must be caught, but a slow machine must not look like a hang. So the limit that decides
TIMEOUT is CPU time (what the adapter itself consumed), and wall-clock time is only a generous
backstop for adapters that block without computing (sleep, a read that never returns).

- Per-call adapters get RLIMIT_CPU (set with prlimit(2) right after the start; inherited by
  the helper processes they start later): the kernel ends a spinning adapter with SIGXCPU.
- A persistent server ("serve") runs many requests, so a cumulative rlimit does not fit: while
  it waits for a response the runner polls the CPU time of the server's process group
  (/proc/*/stat: the server, the workers it forks, and the workers it already reaped).
Where neither is available (not Linux), the CPU limit is also applied as a wall-clock limit.
"""
from __future__ import annotations

import math
import os
import signal
from dataclasses import dataclass

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
CPU_SIGNALS = {-signal.SIGXCPU} if hasattr(signal, "SIGXCPU") else set()


@dataclass(frozen=True)
class Limits:
    cpu: float    # CPU seconds one call may use (--timeout)
    wall: float   # wall-clock backstop of one call (--wall-timeout)

    def describe_cpu(self) -> str:
        return f"CPU time limit of {self.cpu:g} s exceeded"

    def describe_wall(self) -> str:
        return f"no answer within the wall-clock backstop of {self.wall:g} s"


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a live process (Linux /proc), None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2:].split()   # the name may contain spaces and ')'
    try:
        return (int(fields[11]) + int(fields[12])) / _TICK  # fields 14 and 15 of stat(5)
    except (IndexError, ValueError):
        return None


def group_cpu_seconds(pgid: int) -> float | None:
    """CPU seconds of every live process of a process group, plus what they reaped (Linux
    /proc; None when unknown). Costs a /proc scan: call it only while a request is slow."""
    total, seen = 0, False
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # it ended meanwhile
        fields = stat[stat.rfind(b")") + 2:].split()
        try:
            if int(fields[2]) != pgid:
                continue
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
            seen = True
        except (IndexError, ValueError):
            continue
    return total / _TICK if seen else None


def limit_child(pid: int, cpu: float) -> bool:
    """RLIMIT_CPU (soft) of a just started child, and no core files. False if unsupported."""
    if resource is None or not hasattr(resource, "prlimit"):
        return False
    try:
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
        _soft, hard = resource.prlimit(pid, resource.RLIMIT_CPU)
        want = max(1, math.ceil(cpu))
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.prlimit(pid, resource.RLIMIT_CPU, (want, hard))
        return True
    except (OSError, ValueError):  # the child already ended, or no permission
        return False


def no_core_files(pid: int) -> None:
    if resource is not None and hasattr(resource, "prlimit"):
        try:
            resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
        except (OSError, ValueError):
            pass
