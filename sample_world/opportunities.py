"""Two years of opportunity history, drawn from the buying cycle: new logos, expansions, renewals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world.buying_cycle import RENEWAL, History
from sample_world.catalog import PRODUCT_LIST_PRICE, PRODUCTS
from sample_world.crm_accounts import CrmAccounts
from sample_world.ids import salesforce_ids

KIND_NAMES = np.array(["New Business", "Existing Business", "Renewal"], dtype=object)
OPEN_STAGES = np.array(["Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                        "Proposal/Price Quote", "Negotiation/Review"], dtype=object)
TIMESTAMP = "%Y-%m-%dT%H:%M:%S.000Z"


def week_start(as_of: pd.Timestamp, weeks: int, week: np.ndarray) -> pd.DatetimeIndex:
    """Monday of a history week (week weeks-1 is the one that ends on as_of)."""
    return pd.DatetimeIndex(as_of.normalize() - pd.Timedelta(days=6) - pd.to_timedelta((weeks - 1 - week) * 7, unit="D"))


def build_opportunities(rng: np.random.Generator, companies: pd.DataFrame, history: History, accounts: CrmAccounts,
                        as_of: pd.Timestamp, org_salt: int) -> pd.DataFrame:
    """Opportunity records; none created after as_of, the ones closing later are still open."""
    opps = history.opportunities
    n = len(opps)
    company = opps["company_idx"].to_numpy()
    account_id = accounts.primary_id_of_company.reindex(company).to_numpy()
    dup_ids = pd.Series(accounts.records["Id"].to_numpy()[accounts.is_duplicate],
                        index=accounts.company_idx[accounts.is_duplicate])
    dup_ids = dup_ids[~dup_ids.index.duplicated()]
    on_duplicate = dup_ids.reindex(company).notna().to_numpy() & (rng.random(n) < 0.25)
    account_id = np.where(on_duplicate, dup_ids.reindex(company).to_numpy(), account_id)

    created = week_start(as_of, history.weeks, opps["created_week"].to_numpy()) + pd.to_timedelta(
        rng.integers(0, 7 * 86400, n), unit="s")
    created = pd.DatetimeIndex(np.minimum(created.to_numpy(), (as_of + pd.Timedelta(hours=23)).to_datetime64()))
    close = week_start(as_of, history.weeks, opps["close_week"].to_numpy()) + pd.to_timedelta(rng.integers(0, 5, n), unit="D")
    close = pd.DatetimeIndex(np.maximum(close.to_numpy(), created.normalize().to_numpy()))
    is_closed = close <= as_of
    won = opps["won"].to_numpy() & is_closed
    progress = np.clip((as_of - created) / (close - created + pd.Timedelta(days=1)), 0, 0.999)
    stage = np.where(is_closed, np.where(won, "Closed Won", "Closed Lost"),
                     OPEN_STAGES[(np.asarray(progress, dtype=float) * len(OPEN_STAGES)).astype(int)])

    kind = opps["kind"].to_numpy()
    product = opps["product"].to_numpy()
    employees = companies["employees"].to_numpy()[company]
    price = pd.Series(np.asarray(PRODUCTS, dtype=object)[product]).map(PRODUCT_LIST_PRICE).to_numpy()
    size_factor = np.clip((employees / 100.0) ** 0.6, 0.25, 30.0)
    amount = price * size_factor * rng.lognormal(0.0, 0.3, n) * np.where(kind == RENEWAL, 1.1, 1.0)
    amount = np.round(amount, -2)
    last_touch = np.where(is_closed, close, pd.DatetimeIndex(np.minimum(
        (created + (as_of - created) * rng.uniform(0.2, 1.0, n)).to_numpy(), as_of.to_datetime64())))
    names = (companies["name"].to_numpy()[company] + " - " + np.asarray(PRODUCTS, dtype=object)[product]
             + " - " + KIND_NAMES[kind])
    return pd.DataFrame(
        {
            "Id": salesforce_ids("opportunity", 0, n, org_salt),
            "AccountId": account_id,
            "Name": names,
            "StageName": stage,
            "Amount": np.where(rng.random(n) < 0.02, np.nan, amount),
            "CloseDate": close.strftime("%Y-%m-%d"),
            "CreatedDate": created.strftime(TIMESTAMP),
            "IsClosed": np.where(is_closed, "true", "false"),
            "IsWon": np.where(won, "true", "false"),
            "Type": KIND_NAMES[kind],
            "Product_Family__c": np.asarray(PRODUCTS, dtype=object)[product],
            "LastModifiedDate": pd.DatetimeIndex(last_touch).strftime(TIMESTAMP),
        }
    )

