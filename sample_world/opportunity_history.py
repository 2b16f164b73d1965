"""A deal's life in the CRM: created open, moved through the stages, then closed won or lost.

A rep touches most open deals every few weeks: the stage moves on as the buying cycle progresses,
the amount is an estimate, and the expected close date is often earlier than the day the deal
really closes (deals slip). When the deal closes, its final edit sets Closed Won or Closed Lost,
the real close date and the booked amount. With exports every four weeks, a deal open at one
export and closed by a later one is delivered twice: open with an earlier LastModifiedDate in
the earlier file, closed in the later file. Only its version at a past date says what was known then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_world.deliveries import Calendar, edits
from sample_world.opportunities import OPEN_STAGES, TIMESTAMP

TOUCHED_PER_EXPORT = 0.8
"""Chance a rep updates an open deal at least once between two exports."""
SLIPPED_SHARE = 0.5
SLIP_DAYS = (7, 43)
"""Half the deals were expected to close one to six weeks before they really did."""
ESTIMATE_RANGE = (0.75, 1.3)
CLOSING_HOURS = (9, 19)


def _parse(text: pd.Series) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(text, utc=True, format="mixed").dt.tz_localize(None))


@dataclass
class OpportunityHistory:
    """Every edit of every deal, with the values an open deal showed before its final edit."""

    records: pd.DataFrame
    created: pd.DatetimeIndex
    close_day: pd.DatetimeIndex
    settled: pd.DatetimeIndex
    planned_close: np.ndarray
    estimate: np.ndarray
    edits: pd.DataFrame

    def state_at(self, versions: pd.DataFrame) -> pd.DataFrame:
        """Deal rows as they stood at each (row, at): today's values from the final edit on, an open deal
        at its stage of the time before it."""
        rows = versions["row"].to_numpy()
        at = pd.DatetimeIndex(versions["at"])
        out = self.records.iloc[rows].reset_index(drop=True).copy()
        earlier = np.asarray(at < self.settled[rows])
        created, close = self.created[rows], self.close_day[rows]
        progress = np.clip((at - created) / (close - created + pd.Timedelta(days=1)), 0, 0.999)
        stage = OPEN_STAGES[(np.asarray(progress, dtype=float) * len(OPEN_STAGES)).astype(int)]
        out["StageName"] = np.where(earlier, stage, out["StageName"].to_numpy(dtype=object))
        out["IsClosed"] = np.where(earlier, "false", out["IsClosed"].to_numpy(dtype=object))
        out["IsWon"] = np.where(earlier, "false", out["IsWon"].to_numpy(dtype=object))
        out["CloseDate"] = np.where(earlier, self.planned_close[rows], out["CloseDate"].to_numpy(dtype=object))
        out["Amount"] = np.where(earlier, self.estimate[rows], out["Amount"].to_numpy(dtype=float))
        out["LastModifiedDate"] = at.strftime(TIMESTAMP)
        return out


def opportunity_history(rng: np.random.Generator, opps: pd.DataFrame, as_of: pd.Timestamp, cal: Calendar) -> OpportunityHistory:
    """Edits of each deal: creation, a stage update in most export periods while open, and the final edit
    (the close for closed deals, the latest touch for open ones)."""
    n = len(opps)
    rows = np.arange(n)
    created = _parse(opps["CreatedDate"]).floor("s")
    close_day = pd.DatetimeIndex(pd.to_datetime(opps["CloseDate"]))
    closed = opps["IsClosed"].to_numpy() == "true"
    closing = (close_day + pd.to_timedelta(rng.uniform(*CLOSING_HOURS, n) * 3600, unit="s")).floor("s")
    closing = pd.DatetimeIndex(np.maximum(closing.to_numpy(), (created + pd.Timedelta(minutes=30)).to_numpy()))
    closing = pd.DatetimeIndex(np.minimum(closing.to_numpy(), (as_of + pd.Timedelta(hours=23)).to_datetime64()))
    last_touch = _parse(opps["LastModifiedDate"]).floor("s")
    settled = pd.DatetimeIndex(np.where(closed, closing.to_numpy(), np.maximum(last_touch, created).to_numpy()))

    slip = np.where(rng.random(n) < SLIPPED_SHARE, rng.integers(*SLIP_DAYS, n), 0)
    planned = pd.DatetimeIndex(np.maximum((close_day - pd.to_timedelta(slip, unit="D")).to_numpy(),
                                          created.normalize().to_numpy()))
    estimate = np.round(opps["Amount"].to_numpy(dtype=float) * rng.uniform(*ESTIMATE_RANGE, n), -2)

    starts = np.r_[np.datetime64("1970-01-01"), cal.cutoffs[:-1]].astype("datetime64[ns]")
    parts = [edits(rows, created), edits(rows, settled)]
    for start, stop in zip(starts, cal.cutoffs.astype("datetime64[ns]")):
        low = np.maximum(created.to_numpy(), start)
        high = np.minimum(settled.to_numpy(), stop)
        open_then = (high > low) & (rng.random(n) < TOUCHED_PER_EXPORT)
        when = low + ((high - low) * rng.random(n)).astype("timedelta64[ns]")
        parts.append(edits(rows[open_then], when[open_then]))
    history = pd.concat(parts, ignore_index=True)
    history = history.loc[history["at"].to_numpy() <= settled[history["row"].to_numpy()].to_numpy()]

    records = opps.copy()
    records["LastModifiedDate"] = settled.strftime(TIMESTAMP)
    return OpportunityHistory(records=records, created=created, close_day=close_day, settled=settled,
                              planned_close=planned.strftime("%Y-%m-%d").to_numpy(dtype=object),
                              estimate=estimate, edits=history.reset_index(drop=True))
