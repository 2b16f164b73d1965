"""Where to spend the next hour: expected value, the rank inside a territory, tiers A-D.

``expected_value_usd = readiness_probability x potential_usd``: the pipeline an account is
expected to open within the horizon. Ranking by it (rather than by readiness alone) keeps a rep
from chasing a small account that is merely noisy, and lets a very large account with moderate
readiness come first. ``priority_rank`` orders accounts inside their territory (1 is best; ties go
to higher readiness, then account_key, so ranks are stable run to run).

Tiers are shares of the expected-value order within the segment, so an Enterprise rep and an SMB
rep both get a short A list: A the top 10%, B the next 20%, C the next 30%, D the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIER_BOUNDS = (("A", 0.10), ("B", 0.30), ("C", 0.60), ("D", 1.00))
UNASSIGNED = "UNASSIGNED"


def estimate_potential(companies: pd.DataFrame, opportunities: pd.DataFrame,
                       potential: pd.Series | None = None) -> pd.Series:
    """Potential (USD) per account_key: upstream potential when given, else the segment's median won deal.

    The fallback keeps priority meaningful on a landing zone without a potential model: within a
    segment accounts are then ordered by readiness, across segments by typical deal size.
    """
    index = pd.Index(companies["account_key"], name="account_key")
    segment = companies.set_index("account_key")["segment"].reindex(index).fillna("Unknown")
    won = opportunities[opportunities["is_won"] & opportunities["amount"].gt(0)]
    won_segment = won["account_key"].map(segment)
    median_by_segment = won.groupby(won_segment)["amount"].median()
    overall = float(won["amount"].median()) if len(won) else 1.0
    fallback = segment.map(median_by_segment).fillna(overall)
    if potential is None:
        return fallback.rename("potential_usd")
    given = pd.to_numeric(potential.reindex(index), errors="coerce")
    return given.where(given.notna() & (given > 0), fallback).rename("potential_usd")


def assign_priority(frame: pd.DataFrame) -> pd.DataFrame:
    """Add expected_value_usd, priority_rank and priority_tier.

    ``frame`` needs account_key, territory_id, segment, readiness_probability, potential_usd.
    Only the three ordering columns are sorted, not the frame: at a million accounts a frame of a
    hundred columns costs seconds to reorder and copy, its order a fraction of one.
    """
    out = frame.copy(deep=False)
    out["territory_id"] = out["territory_id"].fillna(UNASSIGNED)
    segment = out["segment"].fillna("Unknown")
    out["expected_value_usd"] = (out["readiness_probability"] * out["potential_usd"].fillna(0.0)).round(2)
    order = _expected_value_order(out["expected_value_usd"].to_numpy(dtype=float),
                                  out["readiness_probability"].to_numpy(dtype=float), out["account_key"].to_numpy())
    rank = np.empty(len(out), dtype="int64")
    rank[order] = _position_in_group(out["territory_id"].to_numpy()[order]) + 1
    segments = pd.Series(segment.to_numpy()[order])
    position = _position_in_group(segments.to_numpy())
    size = segments.map(segments.value_counts()).to_numpy()
    share = np.empty(len(out))
    share[order] = position / size
    out["priority_rank"] = rank
    out["priority_tier"] = np.select([share < bound for _, bound in TIER_BOUNDS[:-1]],
                                     [t for t, _ in TIER_BOUNDS[:-1]], default=TIER_BOUNDS[-1][0])
    return out


def _expected_value_order(expected_value: np.ndarray, readiness: np.ndarray, account_key: np.ndarray) -> np.ndarray:
    """Positions from the highest expected value down, ties to higher readiness, then account_key; NaN last.

    The keys are sorted as fixed-width text, which numpy orders as Python orders the strings, at a
    fraction of the cost of sorting them as objects.
    """
    key_order = np.argsort(account_key.astype(str), kind="stable")
    key_rank = np.empty(len(key_order), dtype=np.int64)
    key_rank[key_order] = np.arange(len(key_order))
    return np.lexsort((key_rank, -readiness, -expected_value))


def _position_in_group(groups: np.ndarray) -> np.ndarray:
    """Each element's place among the earlier elements of its group (0 for the first)."""
    return pd.Series(groups).groupby(groups, sort=False).cumcount().to_numpy()
