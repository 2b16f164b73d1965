"""A contact's edits after creation: opt-outs synced from marketing, titles completed later.

- Opt-out: when a person unsubscribes in the marketing tool, the sync sets HasOptedOutOfEmail on
  the CRM contact minutes later; versions before that say false.
- Title completed: some contacts were created from a badge scan or a bare form with a vague title
  (or none) and no department; a rep fills in the real title and department weeks later.
- Routine edits stamp a later LastModifiedDate without changing what the export shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_world.contacts import VAGUE_TITLES
from sample_world.deliveries import between, edits, value_at

TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
TITLE_LATER_SHARE = 0.08
SYNC_MINUTES = (1, 30)


@dataclass
class ContactHistory:
    """Every edit of every contact, and the fields that changed over time."""

    records: pd.DataFrame
    created: pd.DatetimeIndex
    edits: pd.DataFrame
    opt_out_before: np.ndarray
    opt_out_changes: pd.DataFrame
    title_before: np.ndarray
    department_before: np.ndarray
    title_changes: pd.DataFrame
    department_changes: pd.DataFrame

    def __post_init__(self) -> None:
        self.created_text = self.created.strftime(TIMESTAMP).to_numpy(dtype=object)

    def state_at(self, versions: pd.DataFrame) -> pd.DataFrame:
        """Contact rows as they stood at each (row, at), stamped with `at`."""
        rows = versions["row"].to_numpy()
        out = self.records.iloc[rows].reset_index(drop=True).copy()
        out["HasOptedOutOfEmail"] = value_at(versions, self.opt_out_changes, self.opt_out_before)
        out["Title"] = value_at(versions, self.title_changes, self.title_before)
        out["Department"] = value_at(versions, self.department_changes, self.department_before)
        out["CreatedDate"] = self.created_text[rows]
        out["LastModifiedDate"] = pd.DatetimeIndex(versions["at"]).strftime(TIMESTAMP)
        return out


def contact_history(rng: np.random.Generator, contacts: pd.DataFrame, created: pd.DatetimeIndex,
                    activity_log: pd.DataFrame, as_of: pd.Timestamp) -> ContactHistory:
    """Edits of each contact: creation, an opt-out synced from the marketing tool, a title completed later,
    and a routine edit. `contacts` holds today's values."""
    n = len(contacts)
    rows = np.arange(n)
    opted_out = contacts["HasOptedOutOfEmail"].to_numpy(dtype=object)
    unsubscribed = activity_log.loc[activity_log["kind"].to_numpy() == -1].groupby("contact_row")["ts"].min()
    synced = pd.DatetimeIndex(unsubscribed.reindex(rows).to_numpy()) \
        + pd.to_timedelta(rng.integers(*SYNC_MINUTES, n) * 60, unit="s")
    synced = pd.DatetimeIndex(np.minimum(synced.to_numpy(), (as_of + pd.Timedelta(hours=23, minutes=59)).to_datetime64()))
    flips = (opted_out == "true") & np.asarray(synced > created)
    opt_out_before = np.where(flips, "false", opted_out)
    opt_out_changes = pd.DataFrame({"row": rows[flips], "at": synced[flips].floor("s"), "value": "true"})

    title = contacts["Title"].to_numpy(dtype=object)
    department = contacts["Department"].to_numpy(dtype=object)
    completed_at = (created + (as_of - created) * rng.uniform(0.05, 0.6, n)).floor("s")
    later = (rng.random(n) < TITLE_LATER_SHARE) & pd.notna(department) & (created < as_of - pd.Timedelta(days=14))
    vague = np.where(rng.random(n) < 0.5, VAGUE_TITLES[rng.integers(0, len(VAGUE_TITLES), n)], None)
    title_before = np.where(later, vague, title)
    department_before = np.where(later, None, department)
    title_changes = pd.DataFrame({"row": rows[later], "at": completed_at[later], "value": title[later]})
    department_changes = pd.DataFrame({"row": rows[later], "at": completed_at[later], "value": department[later]})

    touched = between(created, as_of, rng.uniform(0.2, 1.0, n))
    history = pd.concat([edits(rows, created), edits(rows, touched), edits(opt_out_changes["row"], opt_out_changes["at"]),
                         edits(title_changes["row"], title_changes["at"])], ignore_index=True)
    return ContactHistory(records=contacts.drop(columns="persona"), created=created, edits=history,
                          opt_out_before=opt_out_before, opt_out_changes=opt_out_changes, title_before=title_before,
                          department_before=department_before, title_changes=title_changes,
                          department_changes=department_changes)
