"""How the CRM reaches the landing zone: an initial full export, then a delta every four weeks.

A revenue-operations team rarely sends one file. It sends the whole CRM once (every record as it
stood that day), then, every four weeks, the records changed since the last export, each in its
state on export day. A record edited twice between two exports shows up once, in its later state;
a deal that was open at one export and closed by the next shows up in both, open then closed.
So the landing zone keeps a record's history only at the grain of its exports, as a real one does,
and only newest-`LastModifiedDate`-wins (or the version current at a past date) reads it right.

Each source's history is a list of edits (record row, time). `split` places each edit in the export
whose window holds it and keeps a record's latest edit per export; the source's own `state_at`
turns those edits back into rows (the record's values at that time, stamped with it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

EXPORT_EVERY_WEEKS = 4
EXPORTS = 7
"""The initial full export 24 weeks before as_of, then six four-weekly deltas, the last on as_of."""
SAME_DAY_FIX_HOUR = 12
"""The accounts' last delta is exported at noon on as_of; fixes made that afternoon follow in a second file."""


@dataclass(frozen=True)
class Calendar:
    """Export days (oldest first) and the instant each export stops reading edits (exclusive)."""

    days: list[pd.Timestamp]
    cutoffs: np.ndarray

    def names(self, stem: str, suffix: str = ".csv") -> list[str]:
        return [f"{stem}_{day.strftime('%Y-%m-%d')}{suffix}" for day in self.days]

    @property
    def first_cutoff(self) -> pd.Timestamp:
        return pd.Timestamp(self.cutoffs[0])


def calendar(as_of: pd.Timestamp) -> Calendar:
    """Export days ending on as_of; each export reads edits up to the end of its day."""
    days = [as_of.normalize() - pd.Timedelta(weeks=EXPORT_EVERY_WEEKS * k) for k in range(EXPORTS - 1, -1, -1)]
    cutoffs = np.array([(day + pd.Timedelta(days=1)).to_datetime64() for day in days])
    return Calendar(days=days, cutoffs=cutoffs)


def with_same_day_fix(base: Calendar) -> Calendar:
    """The calendar with the last day split: a noon export, then the afternoon's fixes."""
    last = base.days[-1]
    cutoffs = np.r_[base.cutoffs[:-1], (last + pd.Timedelta(hours=SAME_DAY_FIX_HOUR)).to_datetime64(), base.cutoffs[-1]]
    return Calendar(days=base.days + [last], cutoffs=cutoffs)


def edits(row: np.ndarray, at) -> pd.DataFrame:
    """An edit list: record rows and the instants they were saved (whole seconds, as CRMs stamp)."""
    return pd.DataFrame({"row": np.asarray(row, dtype=np.int64),
                         "at": pd.DatetimeIndex(at).floor("s").to_numpy()})


def between(start: pd.DatetimeIndex, end: pd.Timestamp, share: np.ndarray) -> pd.DatetimeIndex:
    """The instant `share` of the way from each `start` to `end` (`start` itself when it is later), whole seconds."""
    span = np.maximum((end - start).to_numpy(), np.timedelta64(0, "ns"))
    return (start + pd.to_timedelta(span * share)).floor("s")


def split(history: pd.DataFrame, cal: Calendar) -> pd.DataFrame:
    """(row, at, export) for the version of each record every export carries: the latest edit in its window.

    Edits later than the last cutoff are never exported; a record created before the first cutoff
    is in the initial export in its state at that export.
    """
    history = history.loc[history["at"].to_numpy() < cal.cutoffs[-1]]
    export = np.searchsorted(cal.cutoffs, history["at"].to_numpy(), side="right")
    placed = history.assign(export=export).sort_values(["export", "row", "at"], kind="stable")
    return placed.drop_duplicates(["export", "row"], keep="last").reset_index(drop=True)


def value_at(query: pd.DataFrame, changes: pd.DataFrame, before: np.ndarray) -> np.ndarray:
    """A field's value for each (row, at) in `query`: the latest change (row, at, value) at or before `at`,
    else `before[row]`, the value the record was created with."""
    fallback = np.asarray(before, dtype=object)[query["row"].to_numpy()]
    if changes.empty:
        return fallback
    asked = query[["row", "at"]].assign(_order=np.arange(len(query))).sort_values("at", kind="stable")
    known = changes[["row", "at", "value"]].assign(_changed=True).sort_values("at", kind="stable")
    found = pd.merge_asof(asked, known, on="at", by="row", direction="backward").sort_values("_order")
    changed = found["_changed"].notna().to_numpy()
    return np.where(changed, found["value"].to_numpy(dtype=object), fallback)


def deliver(history: pd.DataFrame, cal: Calendar, state_at: Callable[[pd.DataFrame], pd.DataFrame]) -> list[pd.DataFrame]:
    """One frame per export: each record's version on that export, in record order."""
    placed = split(history, cal)
    states = state_at(placed)
    export = placed["export"].to_numpy()
    return [states.loc[export == k].reset_index(drop=True) for k in range(len(cal.cutoffs))]
