"""The readiness label: did the account open a new opportunity in the horizon after ``t``?

As in the contract's ground truth, a non-customer counts a New Business opportunity and a customer
an Existing Business one, created in ``t``+1 .. ``t``+horizon. An opportunity with no type counts
for either, so a CRM that does not fill ``Type`` still yields labels. Accounts with an opportunity
already open at ``t`` are not "about to open" one: they are flagged and left out of training, as are
CRM customers whose winning deal predates the opportunity history (their status at ``t`` is unknown).

The label looks after ``t`` on purpose, so it reads the opportunities in their current version
(their creation date and type are what the CRM says now); everything it is conditioned on comes
from the snapshot at ``t``: the accounts known at ``t``, their customer status from deals won by
``t`` (which picks the motion), and the deals open at ``t`` in their version at ``t``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from models_ml.scoring.inputs import ScoringInputs

NEW_BUSINESS = "new business"
EXISTING_BUSINESS = "existing business"


def new_opportunity_label(t: date, snapshot: pd.DataFrame, inputs: ScoringInputs,
                          horizon_days: int) -> pd.Series:
    """1.0 / 0.0 per account, NaN where the account is excluded from training."""
    start = pd.Timestamp(t) + pd.Timedelta(days=1)
    end = start + pd.Timedelta(days=horizon_days)
    opps = inputs.opportunities
    created = opps[(opps["created_date"] >= start) & (opps["created_date"] < end)]
    customer = snapshot["is_customer"].reindex(created["account_key"]).to_numpy() > 0
    wanted = np.where(customer, EXISTING_BUSINESS, NEW_BUSINESS)
    kind = created["type"].fillna("").to_numpy()
    matches = (kind == wanted) | (kind == "")
    positive = set(created.loc[matches, "account_key"])
    label = pd.Series(snapshot.index.isin(positive).astype(float), index=snapshot.index, name="label")
    excluded = snapshot["has_open_opportunity"].astype(bool)
    excluded |= snapshot.index.isin(inputs.customers_without_won_history())
    label[excluded.to_numpy()] = np.nan
    return label
