"""CPU time and memory of a process tree, read from ``/proc`` at a fixed interval.

How it measures: every ``interval`` seconds the sampler lists the live descendants of the root
process (parent ids from ``/proc/<pid>/stat``) and records, with the wall-clock time, the tree's
cumulative CPU seconds and its memory. CPU is each process's own user + system time, remembered
after the process exits (keyed by pid and start time), summed over every process the sampler has
seen in the tree. Counting own time rather than the kernel's total for the root and the children
it waited for keeps processes nobody in the tree waits for (the territory solver's fork server and
its workers, reaped by init after the run) and never counts a reaped child twice; a process that
starts and ends between two samples is missed. Memory is the sum of the live processes'
proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``: a page shared by N processes
counts 1/N in each), falling back to the resident set where the rollup cannot be read. A spike
shorter than the interval can be missed; the whole run's peak is also taken from the kernel
(``ru_maxrss``) by the caller.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass(frozen=True)
class Sample:
    at: float
    cpu_seconds: float
    memory_mb: float


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (which may hold spaces)."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


def _parents() -> dict[int, int]:
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                parents[int(entry.name)] = int(fields[1])
    return parents


def tree(root: int) -> list[int]:
    """``root`` and every live descendant of it."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _own_cpu(pid: int) -> tuple[tuple[int, int], float] | None:
    """((pid, start time), user + system seconds of the process itself), None once it is gone."""
    fields = _stat_fields(pid)
    if not fields:
        return None
    return (pid, int(fields[19])), (int(fields[11]) + int(fields[12])) / TICKS


def _memory_mb(pid: int) -> float:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE_MB
    except (OSError, IndexError, ValueError):
        return 0.0


class TreeSampler:
    """Samples ``root``'s process tree on a background thread until :meth:`stop`."""

    def __init__(self, root: int, interval: float = 0.5):
        self.root, self.interval = root, interval
        self.samples: list[Sample] = []
        self._cpu_by_process: dict[tuple[int, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> Sample:
        """The tree now: CPU of every process seen so far (gone ones at their last reading), live memory."""
        at, pids = time.time(), tree(self.root)
        for pid in pids:
            reading = _own_cpu(pid)
            if reading:
                self._cpu_by_process[reading[0]] = reading[1]
        return Sample(at, sum(self._cpu_by_process.values()), sum(_memory_mb(pid) for pid in pids))

    def _loop(self) -> None:
        while not self._stop.is_set():
            if (PROC / str(self.root)).exists():
                self.samples.append(self.sample())
            self._stop.wait(self.interval)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> list[Sample]:
        self._stop.set()
        self._thread.join()
        return self.samples
