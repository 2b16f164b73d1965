"""Fairness and disruption yardsticks for any alignment: today's, a baseline, or a plan.

Same numbers for every alignment so they can be compared side by side: how far the most
unequal territory is from the segment mean, the spread (CV, Gini) of territory loads, how much
of the book and of customer revenue changes hands, and whether territories are contiguous.

`share_book_accounts_moved` is the disruption a sales team feels: of the accounts in a rep's book
today (a CRM account with a territory), the share that changes territory. Whitespace companies
and accounts no territory covers today change no relationship when the plan places them, so
they count in `share_accounts_moved` (every company the plan places) but not here.

`min_share_load_moved` is what no plan can beat: the share of the segment's balance load that
must change territory just to bring every territory inside the tolerance band (the excess of
the territories above it, plus whatever has no territory today, or the shortfall of those
below it, whichever is larger). Contiguity, locks and whole counties only add to it, so
`share_load_moved` beside it says how much of a plan's disruption balance itself demands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .geography import Adjacency, components
from .inputs import UNASSIGNED
from .problem import metric_values

METRIC_COLUMNS = [
    "segment", "territories", "max_abs_deviation_pct", "max_abs_workload_deviation_pct", "cv", "gini",
    "share_accounts_moved", "share_book_accounts_moved", "share_customer_revenue_moved",
    "share_load_moved", "min_share_load_moved", "all_contiguous",
]


def gini(values) -> float:
    """Gini coefficient of non-negative loads: 0 is perfect equality, (n-1)/n all in one."""
    x = np.asarray(values, dtype=float)
    if len(x) == 0 or x.sum() <= 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


def coefficient_of_variation(values) -> float:
    """Population standard deviation over the mean (0 when the mean is 0)."""
    x = np.asarray(values, dtype=float)
    if len(x) == 0 or x.mean() == 0:
        return 0.0
    return float(x.std() / x.mean())


def deviation_pct(values) -> np.ndarray:
    """Each load's deviation from the mean, in percent of the mean (4.2 means 4.2%)."""
    x = np.asarray(values, dtype=float)
    mean = x.mean() if len(x) else 0.0
    return np.zeros_like(x) if mean == 0 else 100.0 * (x - mean) / mean


def territory_is_contiguous(counties: set[str], connectors: set[str], adjacency: Adjacency) -> bool:
    """True when the counties are connected, passing only through themselves or `connectors`.

    Counties unknown to the adjacency graph are ignored (they cannot be judged).
    """
    placed = {c for c in counties if c in adjacency}
    if len(placed) <= 1:
        return True
    pieces = components(placed | (connectors & set(adjacency)), adjacency)
    return sum(1 for piece in pieces if piece & placed) == 1


def territory_loads(joined: pd.DataFrame, territory_ids: list[str], metric: str) -> pd.Series:
    """Balance metric per territory (territories with no accounts count as 0)."""
    values = pd.Series(metric_values(joined, metric), index=joined.index)
    return values.groupby(joined["proposed_territory_id"]).sum().reindex(territory_ids, fill_value=0.0)


def segment_territory_ids(segment: str, joined: pd.DataFrame, territories: pd.DataFrame | None) -> list[str]:
    ids = set(joined["proposed_territory_id"].dropna()) - {UNASSIGNED}
    if territories is not None and len(territories):
        ids |= set(territories.loc[territories["segment"].astype(str) == segment, "territory_id"].astype(str))
    return sorted(ids)


def in_reps_books(frame: pd.DataFrame) -> pd.Series:
    """Accounts in a rep's book today: CRM accounts (`in_book`, true when absent) with a territory."""
    crm = frame["in_book"].astype("boolean").fillna(True).astype(bool) if "in_book" in frame else pd.Series(True, index=frame.index)
    current = frame["current_territory_id"]
    return crm & current.notna() & (current.astype(str) != UNASSIGNED)


def min_share_moved(current_loads: pd.Series, territory_ids: list[str], tolerance: float) -> float:
    """Lower bound on the share of load any plan within ±tolerance must move (see module doc).

    `current_loads` is today's load per current territory id (UNASSIGNED and retired ones
    included); `territory_ids` the territories the plan keeps.
    """
    total = float(current_loads.sum())
    if total <= 0 or not territory_ids:
        return 0.0
    kept = current_loads.reindex(territory_ids, fill_value=0.0)
    mean = total / len(territory_ids)
    lo, hi = (1 - tolerance) * mean, (1 + tolerance) * mean
    homeless = total - float(kept.sum())
    out = float((kept - hi).clip(lower=0).sum()) + homeless
    into = float((lo - kept).clip(lower=0).sum())
    return max(out, into) / total


def fairness_metrics(
    assignments: pd.DataFrame,
    accounts: pd.DataFrame,
    territories: pd.DataFrame | None = None,
    *,
    metric: str = "potential",
    adjacency: Adjacency | None = None,
    account_level_segments: tuple[str, ...] = ("Enterprise",),
    tolerance: float | None = None,
) -> pd.DataFrame:
    """Per-segment metrics of an alignment (columns METRIC_COLUMNS).

    `assignments` needs account_key, current_territory_id and proposed_territory_id; to judge
    today's alignment pass proposed = current. A territory is contiguous when its counties are
    connected through its own counties or counties holding no account of the segment (only
    checked when `adjacency` is given and the segment is map-based; otherwise NA). Accounts
    count as in a rep's book when they have a territory today, unless an `in_book` column says
    they are not CRM accounts; `min_share_load_moved` needs `tolerance` (NaN without it).
    """
    cols = ["account_key", "segment", "county_fips", "potential", "workload", "customer_revenue", "is_customer", "in_book"]
    acc = accounts[[c for c in cols if c in accounts.columns]].copy()
    acc["account_key"] = acc["account_key"].astype(str)
    for col in ("potential", "workload", "customer_revenue"):
        acc[col] = pd.to_numeric(acc[col], errors="coerce").fillna(0.0) if col in acc else (1.0 if col == "workload" else 0.0)
    acc["in_book"] = acc["in_book"].astype("boolean").fillna(True).astype(bool) if "in_book" in acc else True
    plan = assignments[["account_key", "current_territory_id", "proposed_territory_id"]].copy()
    plan["account_key"] = plan["account_key"].astype(str)
    joined = acc.merge(plan, on="account_key", how="inner")
    joined["moved"] = joined["current_territory_id"].astype(str) != joined["proposed_territory_id"].astype(str)
    rows = []
    for segment, seg in joined.groupby(joined["segment"].astype(str), sort=True):
        ids = segment_territory_ids(segment, seg, territories)
        loads = territory_loads(seg, ids, metric)
        workloads = territory_loads(seg, ids, "workload")
        revenue = seg["customer_revenue"].sum()
        load = pd.Series(metric_values(seg, metric), index=seg.index)
        book = seg[in_reps_books(seg)]
        floor = (min_share_moved(load.groupby(seg["current_territory_id"].astype(str)).sum(), ids, tolerance)
                 if tolerance is not None else float("nan"))
        contiguous = pd.NA
        if adjacency is not None and segment not in account_level_segments and "county_fips" in seg:
            located = seg.dropna(subset=["county_fips"])
            connectors = set(adjacency) - set(located["county_fips"])
            contiguous = all(
                territory_is_contiguous(set(group["county_fips"]), connectors, adjacency)
                for _, group in located.groupby("proposed_territory_id")
                if _ != UNASSIGNED
            )
        rows.append({
            "segment": segment,
            "territories": len(ids),
            "max_abs_deviation_pct": float(np.abs(deviation_pct(loads.to_numpy())).max()) if len(ids) else 0.0,
            "max_abs_workload_deviation_pct": float(np.abs(deviation_pct(workloads.to_numpy())).max()) if len(ids) else 0.0,
            "cv": coefficient_of_variation(loads.to_numpy()),
            "gini": gini(loads.to_numpy()),
            "share_accounts_moved": float(seg["moved"].mean()) if len(seg) else 0.0,
            "share_book_accounts_moved": float(book["moved"].mean()) if len(book) else 0.0,
            "share_customer_revenue_moved": float(seg.loc[seg["moved"], "customer_revenue"].sum() / revenue) if revenue > 0 else 0.0,
            "share_load_moved": float(load[seg["moved"]].sum() / load.sum()) if load.sum() > 0 else 0.0,
            "min_share_load_moved": floor,
            "all_contiguous": contiguous,
        })
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
