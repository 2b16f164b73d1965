"""The naive plan an optimizer has to beat: equal account counts, cut west to east.

Sales teams often split a segment by sorting accounts geographically and cutting the list into
equal counts. It balances accounts but not potential, and moves whatever it moves; comparing its
`fairness_metrics` with the optimizer's shows what the optimization buys.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inputs import UNASSIGNED


def equal_count_split(accounts: pd.DataFrame, territories: pd.DataFrame, counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Assign each segment's accounts in longitude order to its territories in equal-count blocks.

    Territories are taken in the longitude order of today's accounts (west first), so the blocks
    land near where each territory is today. Accounts without a position go last.
    """
    acc = accounts.copy()
    acc["account_key"] = acc["account_key"].astype(str)
    acc["current_territory_id"] = acc.get("current_territory_id", pd.Series(UNASSIGNED, index=acc.index)).fillna(UNASSIGNED).astype(str)
    if counties is None:
        from .geography import load_counties

        counties = load_counties()
    lon = counties.assign(fips=counties["fips"].astype(str)).set_index("fips")["lon"]
    acc["_lon"] = acc["county_fips"].astype("string").map(lon).astype(float) if "county_fips" in acc else np.nan
    parts = []
    for segment, seg in acc.groupby(acc["segment"].astype(str), sort=True):
        ids = territories.loc[territories["segment"].astype(str) == segment, "territory_id"].astype(str).tolist()
        if not ids:
            parts.append(seg.assign(proposed_territory_id=seg["current_territory_id"]))
            continue
        west_first = seg.groupby("current_territory_id")["_lon"].mean().reindex(ids).fillna(np.inf)
        ordered_ids = west_first.sort_values(kind="stable").index.tolist()
        seg = seg.sort_values(["_lon", "account_key"], na_position="last", kind="stable")
        block = np.arange(len(seg)) * len(ordered_ids) // max(len(seg), 1)
        parts.append(seg.assign(proposed_territory_id=np.array(ordered_ids)[block]))
    out = pd.concat(parts) if parts else acc.assign(proposed_territory_id=pd.Series(dtype=str))
    out["moved"] = out["proposed_territory_id"] != out["current_territory_id"]
    out["reason"] = np.where(out["moved"], "moved: equal account count split", "kept: equal account count split")
    out = out.set_index("account_key").loc[acc["account_key"]].reset_index()
    return out[["account_key", "segment", "current_territory_id", "proposed_territory_id", "moved", "reason"]]
