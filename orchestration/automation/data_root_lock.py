"""One writer per data root, and a data root that can be written before a run starts.

``terrain run`` and ``terrain plan`` execute their Dagster job in this process and both write the
data root's DuckDB warehouse, which takes a single writer. The Dagster run queue only orders runs
that the daemon launches, so two commands started from shells (or from cron beside a person) hold
``<data root>/terrain.lock`` with ``fcntl.flock`` for as long as they work: the second one refuses at
once and names the holder, or waits for it when asked. The operating system releases a ``flock`` when
its holder's process ends however it ends, SIGKILL and power loss included, so a lock is never stale
and nobody has to delete the file; the file's text (pid, command, start time) only tells the next
command who holds it. The file is never removed, because a process that deleted it could let a
third one lock a new file while a second still holds the old one.

Runs the Dagster daemon launches (the landing sensor's, the schedule's, one started from the UI)
execute in a run worker process of their own; they take the same lock through the ``paths``
resource (:func:`hold_for_run`) for the whole run, and wait for a command that holds it. A run that
``terrain run`` or ``terrain plan`` executes in its own process finds the lock already held by that
process and does not take it again.

A read-only data root, or one whose parent is not a folder, would otherwise surface as a traceback
from the first step that writes; ``require_writable`` turns it into one line naming the folder,
before anything runs.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOCK_FILE = "terrain.lock"
WAREHOUSE_FOLDER = "warehouse"
_HELD_HERE: set[Path] = set()
"""The data roots this process holds, so a job it executes does not wait for itself."""


@dataclass(frozen=True)
class LockHolder:
    """Who holds a data root: the process, the command it runs, and since when."""

    pid: int | None
    command: str
    since: str

    def describe(self) -> str:
        if self.pid is None:
            return "another process (it has not recorded itself yet)"
        return f"pid {self.pid} ({self.command}) since {self.since}"


class DataRootBusy(RuntimeError):
    """Another command holds the data root; the message names the data root and the holder."""

    def __init__(self, data_dir: Path, holder: LockHolder):
        self.data_dir = data_dir
        self.holder = holder
        super().__init__(f"the data root {data_dir} is in use by {holder.describe()}; wait for it to finish, "
                         "or add --wait to start when it does")


class DataRootNotWritable(RuntimeError):
    """A folder the run must write under the data root cannot be created or written."""


def lock_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / LOCK_FILE


def read_holder(data_dir: str | Path) -> LockHolder:
    """The holder the lock file names; its first JSON object, so a record being rewritten still reads."""
    try:
        text = lock_path(data_dir).read_text(encoding="utf-8")
        record, _ = json.JSONDecoder().raw_decode(text)
        return LockHolder(int(record["pid"]), str(record["command"]), str(record["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return LockHolder(None, "", "")


def _record_holder(descriptor: int, command: str) -> None:
    since = datetime.now().astimezone().isoformat(timespec="seconds")
    text = json.dumps({"pid": os.getpid(), "command": command, "since": since}).encode("utf-8")
    os.pwrite(descriptor, text, 0)
    os.ftruncate(descriptor, len(text))


@contextlib.contextmanager
def data_root_lock(data_dir: str | Path, command: str, wait: bool = False,
                   on_wait: Callable[[DataRootBusy], None] | None = None) -> Iterator[Path]:
    """Hold the data root for ``command`` while the block runs.

    A held data root raises ``DataRootBusy`` at once, or with ``wait`` calls ``on_wait`` with the same
    account and blocks until the holder ends.
    """
    root = Path(data_dir).resolve()
    descriptor = acquire(root, command, wait, on_wait)
    try:
        yield lock_path(root)
    finally:
        release(root, descriptor)


def acquire(data_dir: str | Path, command: str, wait: bool = False,
            on_wait: Callable[[DataRootBusy], None] | None = None) -> int:
    """Take the data root's lock for ``command`` (see :func:`data_root_lock`); the descriptor to release."""
    root = Path(data_dir).resolve()
    root.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_path(root), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = DataRootBusy(root, read_holder(root))
            if not wait:
                raise busy from None
            if on_wait is not None:
                on_wait(busy)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _record_holder(descriptor, command)
    except BaseException:
        os.close(descriptor)
        raise
    _HELD_HERE.add(root)
    return descriptor


def release(data_dir: str | Path, descriptor: int) -> None:
    """Give the lock back: the holder's record is emptied and the descriptor closed."""
    _HELD_HERE.discard(Path(data_dir).resolve())
    try:
        os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)


def held_by_this_process(data_dir: str | Path) -> bool:
    return Path(data_dir).resolve() in _HELD_HERE


def require_writable(data_dir: str | Path) -> None:
    """Create the data root and its warehouse folder, and write a file in each, or say which cannot be."""
    root = Path(data_dir).resolve()
    for folder in (root, root / WAREHOUSE_FOLDER):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".terrain-write-check-"):
                pass
        except OSError as error:
            reason = error.strerror or errno.errorcode.get(error.errno or 0, str(error))
            raise DataRootNotWritable(f"cannot write to the data folder {folder} ({reason}); give a writable "
                                      "folder with --data or TERRAIN_DATA_DIR") from None
