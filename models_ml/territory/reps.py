"""Which rep should own each proposed territory: a linear assignment per segment.

A rep is best placed close to home, in the industries they know, and (for continuity with
customers) on the territory they own today. The Hungarian method finds the assignment with the
least total cost; territories left over when a segment has fewer reps get no owner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .geography import haversine_km
from .inputs import normalize_territories

MATCH_COLUMNS = ["segment", "territory_id", "owner_user_id", "home_distance_km", "focus_share"]


def match_reps(
    assignments: pd.DataFrame,
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    counties: pd.DataFrame | None = None,
    *,
    km_per_point: float = 100.0,
    strength_points: float = 2.0,
    continuity_points: float = 3.0,
) -> pd.DataFrame:
    """Owner per proposed territory.

    reps: owner_user_id, segment, home_lat/home_lon (or home_county_fips), industry_focus and,
    optionally, territory_id (the territory the rep owns today; a territories table fits as is).
    Cost of a pair, in points: home distance to the territory's potential-weighted centroid per
    `km_per_point`, minus `strength_points` x the share of potential in the rep's focus sectors,
    minus `continuity_points` when the rep owns that territory today.
    """
    if counties is None:
        from .geography import load_counties

        counties = load_counties()
    people = normalize_territories(reps.assign(territory_id=reps.get("territory_id", reps["owner_user_id"])), counties)
    people = people.dropna(subset=["owner_user_id"]).drop_duplicates("owner_user_id")
    pos = counties.assign(fips=counties["fips"].astype(str)).set_index("fips")[["lat", "lon"]]
    acc = accounts[["account_key", "county_fips", "potential"] + (["naics_sector"] if "naics_sector" in accounts else [])].copy()
    acc["account_key"] = acc["account_key"].astype(str)
    joined = acc.merge(assignments[["account_key", "segment", "proposed_territory_id"]].astype({"account_key": str}), on="account_key")
    joined["lat"] = joined["county_fips"].astype("string").map(pos["lat"]).astype(float)
    joined["lon"] = joined["county_fips"].astype("string").map(pos["lon"]).astype(float)
    joined["_w"] = joined["potential"].fillna(0).astype(float) + 1e-9
    rows = []
    for segment, seg in joined.groupby("segment", sort=True):
        ids = sorted(seg["proposed_territory_id"].unique())
        team = people[people["segment"] == segment].reset_index(drop=True)
        if team.empty:
            rows += [{"segment": segment, "territory_id": t, "owner_user_id": None, "home_distance_km": np.nan, "focus_share": np.nan} for t in ids]
            continue
        cost = np.zeros((len(ids), len(team)))
        dist = np.zeros_like(cost)
        share = np.zeros_like(cost)
        for i, t in enumerate(ids):
            book = seg[seg["proposed_territory_id"] == t]
            placed = book.dropna(subset=["lat"])
            if len(placed):
                c_lat = np.average(placed["lat"], weights=placed["_w"])
                c_lon = np.average(placed["lon"], weights=placed["_w"])
                dist[i] = np.nan_to_num(haversine_km(c_lat, c_lon, team["home_lat"], team["home_lon"]), nan=0.0)
            sector_potential = book.groupby(book.get("naics_sector", pd.Series(index=book.index, dtype=str)).astype("string").str[:2])["_w"].sum()
            for j, focus in enumerate(team["industry_focus"]):
                share[i, j] = sector_potential.reindex(list(focus)).fillna(0).sum() / book["_w"].sum() if focus else 0.0
            cost[i] = dist[i] / km_per_point - strength_points * share[i] - continuity_points * (team["territory_id"] == t).to_numpy()
        r, c = linear_sum_assignment(cost)
        owner = dict(zip(r, c))
        for i, t in enumerate(ids):
            j = owner.get(i)
            rows.append({
                "segment": segment, "territory_id": t,
                "owner_user_id": team["owner_user_id"].iloc[j] if j is not None else None,
                "home_distance_km": float(dist[i, j]) if j is not None else np.nan,
                "focus_share": float(share[i, j]) if j is not None else np.nan,
            })
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)
