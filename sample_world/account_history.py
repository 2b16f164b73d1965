"""An account's life in the CRM: when it was created, and how its Type and owner changed since.

- Lead conversion: a company that sales first meets during a buying cycle enters the CRM when its
  lead is converted, and conversion creates the account, its first contact and its first
  opportunity together. So a newcomer's account did not exist at any snapshot before that deal.
- Type follows the deals: an account reads Prospect until its first won new-logo deal closes; the
  next edit, a few days after the close when sales operations catch up, says Customer. A lost
  renewal turns a customer into a Former Customer the same way. A duplicate record of a customer
  stays a Prospect (nobody maintains it) but follows a churn.
- Owner changes: a few accounts changed hands in the last months (a rep left, a book was
  rebalanced); their versions before that day name the previous owner.
- Same-day fixes: on as_of afternoon operations tidy some street addresses ("Suite" to "Ste"); the
  accounts source gets a second file that day with those rows.
- Stale re-sends: that second file also re-sends older versions of a few accounts (an earlier
  Type or owner, their older LastModifiedDate), so only newest-version-wins reads the CRM right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_world.buying_cycle import CUSTOMER, FORMER_CUSTOMER, NEW_BUSINESS, RENEWAL, History
from sample_world.crm_accounts import TYPE_NAMES, CrmAccounts
from sample_world.deliveries import Calendar, between, edits, value_at
from sample_world.opportunities import week_start

TIMESTAMP = "%Y-%m-%dT%H:%M:%S.000Z"
CONVERSION_LEAD_MINUTES = (2, 240)
"""Minutes between creating the converted account and saving its first opportunity."""
TYPE_UPDATE_LAG_DAYS = 3
"""Sales operations set the new Type within this many days of the deal's close."""
OWNER_CHANGE_SHARE = 0.04
STREET_FIX_SHARE = 0.015
STALE_RESEND_SHARE = 0.015


def converted_with_first_deal(rng: np.random.Generator, accounts: CrmAccounts, history: History, opps: pd.DataFrame,
                              created: pd.DatetimeIndex, as_of: pd.Timestamp) -> pd.DatetimeIndex:
    """CreatedDate with lead conversion: a newcomer's account is created minutes before its first deal; a
    duplicate record is younger than the company's first record and older than any deal booked on it."""
    company = accounts.company_idx
    n = len(company)
    deal_created = pd.Series(pd.to_datetime(opps["CreatedDate"], utc=True).dt.tz_localize(None).to_numpy())
    first_deal = pd.DatetimeIndex(deal_created.groupby(history.opportunities["company_idx"].to_numpy()).min()
                                  .reindex(company).to_numpy())
    record_row = pd.Index(accounts.records["Id"]).get_indexer(opps["AccountId"])
    first_on_record = pd.DatetimeIndex(deal_created.groupby(record_row).min().reindex(np.arange(n)).to_numpy())
    lead = pd.to_timedelta(rng.integers(*CONVERSION_LEAD_MINUTES, n) * 60, unit="s")
    newcomer = (history.crm_joined_week[company] >= 0) & ~accounts.is_duplicate & first_deal.notna()
    out = pd.DatetimeIndex(np.where(newcomer, (first_deal - lead).to_numpy(), created.to_numpy()))

    primary_created = pd.Series(out.to_numpy()[~accounts.is_duplicate], index=company[~accounts.is_duplicate])
    first_record = pd.DatetimeIndex(primary_created.reindex(company).to_numpy())
    latest = pd.DatetimeIndex(np.fmin(first_on_record.to_numpy(), as_of.to_datetime64()))
    share = rng.uniform(0.1, 0.9, n)
    misplaced = accounts.is_duplicate & np.asarray((out < first_record) | (out > first_on_record))
    younger = first_record + (latest - first_record) * share
    return pd.DatetimeIndex(np.where(misplaced, younger.to_numpy(), out.to_numpy())).floor("s")


def _close_stamps(opps: pd.DataFrame) -> pd.Series:
    """The instant each deal was closed in the CRM (its final edit)."""
    return pd.to_datetime(opps["LastModifiedDate"], utc=True).dt.tz_localize(None)


def _type_changes(rng: np.random.Generator, accounts: CrmAccounts, history: History, opps: pd.DataFrame,
                  as_of: pd.Timestamp) -> pd.DataFrame:
    """(row, at, value) Type changes of every account record, timed a few days after the deciding deal
    closed. Changes before a record was created only set the Type it was created with."""
    deals = history.opportunities.assign(closed_at=_close_stamps(opps).to_numpy(), won_file=opps["IsWon"].to_numpy() == "true")
    deciding = pd.concat([
        deals.loc[(deals["kind"] == NEW_BUSINESS) & deals["won_file"]].assign(status=CUSTOMER),
        deals.loc[(deals["kind"] == RENEWAL) & (opps["IsClosed"].to_numpy() == "true") & ~deals["won_file"]]
        .assign(status=FORMER_CUSTOMER)])
    decided_at = deciding.groupby(["company_idx", "close_week", "status"])["closed_at"].min().rename("decided_at")
    changes = history.status_changes.merge(decided_at, left_on=["company_idx", "week", "status"], right_index=True,
                                           how="left")
    mid_week = week_start(as_of, history.weeks, changes["week"].to_numpy()) + pd.Timedelta(days=3, hours=12)
    changes["decided_at"] = changes["decided_at"].fillna(pd.Series(mid_week, index=changes.index))
    records = pd.DataFrame({"row": np.arange(len(accounts.company_idx)), "company_idx": accounts.company_idx,
                            "duplicate": accounts.is_duplicate})
    per_record = records.merge(changes, on="company_idx")
    lag = pd.to_timedelta(rng.uniform(0.0, TYPE_UPDATE_LAG_DAYS * 86400.0, len(per_record)), unit="s")
    updated = np.minimum((pd.DatetimeIndex(per_record["decided_at"]) + lag).to_numpy(),
                         (as_of + pd.Timedelta(hours=23)).to_datetime64())
    return pd.DataFrame({"row": per_record["row"].to_numpy(),
                         "at": pd.DatetimeIndex(updated).floor("s"),
                         "value": type_names(per_record["status"].to_numpy(), per_record["duplicate"].to_numpy())})


def type_names(status: np.ndarray, duplicate: np.ndarray) -> np.ndarray:
    """The CRM Type of a relationship status; duplicates of a customer are left as Prospect."""
    names = pd.Series(status).map(TYPE_NAMES).to_numpy(dtype=object)
    return np.where(duplicate & (status == CUSTOMER), "Prospect", names)


@dataclass
class AccountHistory:
    """Every edit of every account record, and the fields that changed over time."""

    records: pd.DataFrame
    created: pd.DatetimeIndex
    edits: pd.DataFrame
    type_before: np.ndarray
    type_changes: pd.DataFrame
    owner_before: np.ndarray
    owner_changes: pd.DataFrame
    street_changes: pd.DataFrame

    def __post_init__(self) -> None:
        self.created_text = self.created.strftime(TIMESTAMP).to_numpy(dtype=object)

    def state_at(self, versions: pd.DataFrame) -> pd.DataFrame:
        """Account rows as they stood at each (row, at), stamped with `at`."""
        rows = versions["row"].to_numpy()
        out = self.records.iloc[rows].reset_index(drop=True).copy()
        out["Type"] = value_at(versions, self.type_changes, self.type_before)
        out["OwnerId"] = value_at(versions, self.owner_changes, self.owner_before)
        out["BillingStreet"] = value_at(versions, self.street_changes, self.records["BillingStreet"].to_numpy(dtype=object))
        out["CreatedDate"] = self.created_text[rows]
        out["LastModifiedDate"] = pd.DatetimeIndex(versions["at"]).strftime(TIMESTAMP)
        return out


def account_history(rng: np.random.Generator, accounts: CrmAccounts, records: pd.DataFrame, created: pd.DatetimeIndex,
                    history: History, opps: pd.DataFrame, users: pd.DataFrame, as_of: pd.Timestamp,
                    cal: Calendar) -> AccountHistory:
    """Edits of each account: creation, Type changes after deals, a few owner changes, a routine edit,
    and the as_of afternoon's street fixes. `records` holds today's values."""
    n = len(records)
    rows = np.arange(n)
    type_before = type_names(history.initial_status[accounts.company_idx], accounts.is_duplicate)
    type_changes = _type_changes(rng, accounts, history, opps, as_of)
    after_creation = type_changes["at"].to_numpy() > created[type_changes["row"].to_numpy()].to_numpy()

    owner = records["OwnerId"].to_numpy(dtype=object)
    reps = users.loc[users["Sales_Role__c"].isin(["AE", "AM"]), "Id"].to_numpy(dtype=object)
    window_start = cal.first_cutoff - pd.Timedelta(weeks=4)
    earliest = pd.DatetimeIndex(np.maximum(created.to_numpy(), window_start.to_datetime64()))
    moved = (rng.random(n) < OWNER_CHANGE_SHARE) & (earliest < as_of - pd.Timedelta(days=7))
    moved_at = (earliest + (as_of - pd.Timedelta(days=1) - earliest) * rng.random(n)).floor("s")
    previous = reps[rng.integers(0, len(reps), n)]
    moved &= previous != owner
    owner_before = np.where(moved, previous, owner)
    owner_changes = pd.DataFrame({"row": rows[moved], "at": moved_at[moved], "value": owner[moved]})

    street = records["BillingStreet"].fillna("")
    fixed = (rng.random(n) < STREET_FIX_SHARE) & street.str.contains(" Suite ", regex=False).to_numpy()
    fixed_at = (as_of + pd.to_timedelta(rng.uniform(13, 22, n) * 3600, unit="s")).floor("s")
    street_changes = pd.DataFrame({"row": rows[fixed], "at": fixed_at[fixed],
                                   "value": street.str.replace(" Suite ", " Ste ", regex=False).to_numpy()[fixed]})

    touched = between(created, as_of, rng.uniform(0.3, 1.0, n))
    history_edits = pd.concat([
        edits(rows, created), edits(rows, touched),
        edits(type_changes["row"].to_numpy()[after_creation], type_changes["at"].to_numpy()[after_creation]),
        edits(owner_changes["row"], owner_changes["at"]),
        edits(street_changes["row"], street_changes["at"])], ignore_index=True)
    return AccountHistory(records=records, created=created, edits=history_edits, type_before=type_before,
                          type_changes=type_changes, owner_before=owner_before, owner_changes=owner_changes,
                          street_changes=street_changes)


def stale_resends(rng: np.random.Generator, placed: pd.DataFrame,
                  state_at: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """Older versions of a few accounts whose Type or owner changed between exports, re-sent as they were."""
    n_records = placed["row"].nunique()
    first = placed.sort_values(["row", "export"], kind="stable").drop_duplicates("row", keep="first")
    last = placed.sort_values(["row", "export"], kind="stable").drop_duplicates("row", keep="last")
    old, new = state_at(first.reset_index(drop=True)), state_at(last.reset_index(drop=True))
    differs = ((old["Type"].to_numpy() != new["Type"].to_numpy()) | (old["OwnerId"].to_numpy() != new["OwnerId"].to_numpy()))
    candidates = np.flatnonzero(differs & (first["export"].to_numpy() != last["export"].to_numpy()))
    take = min(len(candidates), int(round(STALE_RESEND_SHARE * n_records)))
    chosen = np.sort(rng.choice(candidates, size=take, replace=False)) if take else candidates[:0]
    return old.iloc[chosen].reset_index(drop=True)
