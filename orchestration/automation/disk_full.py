"""A full disk under the data folder, told as one line that names the file that could not be written.

Once the disk is full a run fails in several steps, each with the error of the library that hit it:
Python and DuckDB carry the operating system's words (ENOSPC, EFBIG, EDQUOT) and usually the path,
SQLite (Dagster's run history) carries neither. ``terrain run`` reads them here and exits 2 with a
sentence a user can act on instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

DISK_FULL_REASONS = ("No space left on device", "File too large", "Disk quota exceeded")
SQLITE_WRITE_REASONS = ("database or disk is full", "disk I/O error")
_QUOTED_PATH = re.compile(r"[\"'](/[^\"']+)[\"']")


def disk_full_message(texts: list[str], data_dir: Path) -> str | None:
    """One line naming the file that could not be written when the data folder's disk filled up, or
    None when the run failed for another reason.

    Python and DuckDB carry the operating system's words (ENOSPC, EFBIG, EDQUOT) and usually the
    path; SQLite, which only Dagster's run history under ``dagster_home`` uses, carries neither. A
    run fails in several steps once the disk is full, so the first error naming a path is told.
    """
    found = []
    for text in texts:
        reason = next((words for words in DISK_FULL_REASONS + SQLITE_WRITE_REASONS if words in text), None)
        if reason is not None:
            found.append((reason, _QUOTED_PATH.search(text)))
    if not found:
        return None
    reason, path = next(((reason, path) for reason, path in found if path), found[0])
    if path is not None:
        where = path.group(1)
    else:
        where = data_dir / "dagster_home" if reason in SQLITE_WRITE_REASONS else data_dir
    return (f"could not write {where} ({reason}): is the disk of the data folder {data_dir} full? "
            "Free space there, or give another folder with --data, and run again")


def exception_texts(exc: BaseException) -> list[str]:
    texts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        texts.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    return texts


def step_failure_texts(result) -> list[str]:
    """The messages of every failed step's error and its causes, in the order the steps failed."""
    import dagster as dg

    texts = []
    for event in result.all_events:
        if event.event_type != dg.DagsterEventType.STEP_FAILURE:
            continue
        error = getattr(event.event_specific_data, "error", None)
        while error is not None:
            texts.append(error.message)
            error = error.cause or error.context
    return texts
