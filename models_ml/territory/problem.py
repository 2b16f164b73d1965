"""Turns one segment's accounts and territories into an assignment problem over planning units.

A planning unit is what the optimizer moves as one piece: a county for map-based segments (a
county too heavy to fit comfortably inside one territory is cut into parts, first along today's
territory lines), a single account for account-level segments. Locked and named accounts never
become units: they are fixed loads on their territory. Counties without accounts become empty
units so territories can run through them and stay contiguous.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .geography import Adjacency, haversine_km
from .inputs import PlanSettings

CANDIDATE_POOL = 3.0  # each territory is offered at least this many mean loads of nearby units
HEAVY_UNIT_SHARE = 0.05  # a county above this share of the mean territory load is split
EMPTY_UNIT_WEIGHT = 0.1  # compactness weight of a county with no accounts, in accounts
ACCOUNT_LEVEL_COMPACTNESS = 0.05  # share of compactness_weight kept for account-level segments:
# a named-account book is not a map, and an account far from its rep's other accounts must
# still stay put unless balance needs it moved


@dataclass
class SegmentProblem:
    """Everything the solver needs for one segment, in arrays indexed by unit and territory."""

    segment: str
    geographic: bool
    territory_ids: list[str]
    unit_ids: list[str]
    unit_county: list[str | None]
    metric: np.ndarray  # balance metric per unit
    n_accounts: np.ndarray  # movable accounts per unit that count toward rep capacity
    fixed_load: np.ndarray  # balance metric of locked/named accounts per territory
    fixed_accounts: np.ndarray
    capacity: np.ndarray  # max accounts per territory (inf when unlimited)
    mean_load: float
    candidates: list[list[int]]  # territory indices allowed for each unit
    costs: list[dict[int, float]]  # objective coefficient of unit u in territory t
    roots: list[int | None]  # unit fixed to each territory (its seed), map segments only
    neighbours: list[list[int]]  # unit adjacency, map segments only
    in_graph: np.ndarray  # unit sits on the county graph (contiguity applies to it)
    start: np.ndarray  # territory index per unit in today's alignment (warm start)
    account_unit: pd.Series  # account_key -> unit index for movable accounts
    new_territories: set[str] = field(default_factory=set)
    cost: np.ndarray | None = None  # full unit x territory price, for widening the candidates
    dist: np.ndarray | None = None
    pool_factor: float = CANDIDATE_POOL
    nearest_k: int = 6
    stay: dict = field(default_factory=dict)
    lat: np.ndarray | None = None
    lon: np.ndarray | None = None
    anchor_lat: np.ndarray | None = None
    workload: np.ndarray | None = None  # workload per unit, when workload has a band of its own
    fixed_workload: np.ndarray | None = None
    mean_workload: float = 0.0
    workload_tolerance: float | None = None
    overflow_weight: float = 0.5  # price of one account over a rep's capacity, in moved book accounts

    def widen(self) -> bool:
        """Offer each unit more territories (twice the reach); False when nothing was added."""
        self.pool_factor *= 2
        self.nearest_k *= 2
        wider = _candidates(self.dist, self.metric, self.mean_load, self.lat, self.anchor_lat, self.stay, self.roots,
                            self.nearest_k, self.pool_factor)
        grew = any(len(w) > len(c) for w, c in zip(wider, self.candidates))
        self.candidates = wider
        self.costs = [{t: float(self.cost[u, t]) for t in cand} for u, cand in enumerate(wider)]
        return grew


def move_weights(acc: pd.DataFrame, settings: PlanSettings) -> np.ndarray:
    """Cost of moving each account: one per account a rep loses, more for customers and open deals.

    Every moved account in a rep's book is a relationship handed over, whatever its size, so the
    price counts accounts rather than dollars: balance then moves the fewest accounts that carry
    the load. Whitespace (no CRM account yet) is in nobody's book and costs less to move.
    """
    book = np.where(acc["in_book"].to_numpy(dtype=bool), 1.0, settings.whitespace_move_weight)
    relationship = (1 + settings.customer_move_weight * acc["is_customer"].to_numpy()
                    + settings.opportunity_move_weight * acc["has_open_opportunity"].to_numpy())
    return book * relationship


def metric_values(acc: pd.DataFrame, metric: str) -> np.ndarray:
    if metric == "accounts":
        return np.ones(len(acc))
    return acc[metric].to_numpy(dtype=float)


def _split_heavy(acc: pd.DataFrame, limit: float) -> pd.Series:
    """Unit label per account: the county, or county#k parts for counties heavier than `limit`."""
    labels = acc["county_fips"].astype(str).copy()
    county_load = acc.groupby("county_fips")["_m"].sum()
    for fips in county_load[county_load > limit].index:
        rows = acc[acc["county_fips"] == fips]
        part = 0
        for _, group in rows.groupby("current_territory_id", sort=True):
            bins = max(1, math.ceil(group["_m"].sum() / limit))
            loads = np.zeros(bins)
            ordered = group["_m"].sort_values(ascending=False, kind="stable")
            chosen = []
            for m in ordered.to_numpy():
                b = int(np.argmin(loads))
                loads[b] += m
                chosen.append(f"{fips}#{part + b}")
            labels.loc[ordered.index] = chosen
            part += bins
    return labels


def _pick_roots(problem_units: pd.DataFrame, start: np.ndarray, n_terr: int, home_unit: list[int | None]) -> list[int | None]:
    """One seed unit per territory: the load-weighted medoid of what it holds today.

    Territories that hold nothing today start at the rep's home county when free, else inside
    the heaviest territory, far from its seed: a new territory relieves the most loaded one.
    """
    lat = problem_units["lat"].to_numpy()
    lon = problem_units["lon"].to_numpy()
    weight = problem_units["_m"].to_numpy() + problem_units["n_accounts"].to_numpy() + 1e-6
    located = ~np.isnan(lat) & problem_units["in_graph"].to_numpy()
    roots: list[int | None] = [None] * n_terr
    taken: set[int] = set()
    for t in range(n_terr):
        mine = np.flatnonzero((start == t) & located)
        if len(mine) == 0:
            continue
        d = haversine_km(lat[mine][:, None], lon[mine][:, None], lat[mine][None, :], lon[mine][None, :])
        order = mine[np.argsort(d @ weight[mine], kind="stable")]
        for u in order:
            if u not in taken:
                roots[t] = int(u)
                taken.add(int(u))
                break
    load = np.array([weight[(start == t) & located].sum() for t in range(n_terr)])
    for t in range(n_terr):
        if roots[t] is not None:
            continue
        if home_unit[t] is not None and home_unit[t] not in taken and located[home_unit[t]]:
            roots[t] = home_unit[t]
        else:
            heavy = int(np.argmax(load))
            pool = [u for u in np.flatnonzero(located & (start == heavy)) if u not in taken]
            if not pool:
                pool = [u for u in np.flatnonzero(located) if u not in taken]
            if not pool:
                continue
            pool = np.array(pool)
            anchor = roots[heavy] if roots[heavy] is not None else pool[0]
            dist = haversine_km(lat[pool], lon[pool], lat[anchor], lon[anchor])
            roots[t] = int(pool[int(np.argmax((dist + 1.0) * np.sqrt(weight[pool])))])
            load[heavy] /= 2
            load[t] = load[heavy]
        taken.add(roots[t])
    return roots


def build_problem(
    segment: str,
    movable: pd.DataFrame,
    fixed: pd.DataFrame,
    terr: pd.DataFrame,
    settings: PlanSettings,
    counties: pd.DataFrame,
    adjacency: Adjacency | None,
    geographic: bool,
    new_territories: set[str],
) -> SegmentProblem:
    """Aggregate a segment's movable accounts into units and price every unit-territory pair.

    `movable` holds the accounts the plan may move; `fixed` the locked/named ones with their
    `proposed_territory_id`; `terr` the territories the plan will have (new ones included).
    """
    metric = settings.balance_metric
    territory_ids = terr["territory_id"].tolist()
    t_index = {t: i for i, t in enumerate(territory_ids)}
    n_terr = len(territory_ids)
    fixed_in = fixed[fixed["proposed_territory_id"].isin(t_index)]
    fixed_load = np.zeros(n_terr)
    fixed_accounts = np.zeros(n_terr)
    if len(fixed_in):
        fm = pd.Series(metric_values(fixed_in, metric), index=fixed_in.index)
        idx = fixed_in["proposed_territory_id"].map(t_index).to_numpy()
        np.add.at(fixed_load, idx, fm.to_numpy())
        np.add.at(fixed_accounts, idx, fixed_in["capacity_units"].to_numpy(dtype=float))
    total = fixed_load.sum() + metric_values(movable, metric).sum()
    mean_load = total / n_terr if n_terr else 0.0
    banded_workload = settings.workload_tolerance is not None and metric != "workload"
    fixed_workload = np.zeros(n_terr)
    if len(fixed_in):
        np.add.at(fixed_workload, fixed_in["proposed_territory_id"].map(t_index).to_numpy(), fixed_in["workload"].to_numpy(dtype=float))
    mean_workload = (fixed_workload.sum() + movable["workload"].sum()) / n_terr if n_terr else 0.0

    acc = movable.copy()
    acc["_m"] = metric_values(acc, metric)
    acc["_w"] = move_weights(acc, settings)
    pos = counties.set_index("fips")[["lat", "lon"]]
    graph_nodes = set(adjacency) if (geographic and adjacency is not None) else set()
    if geographic:
        placed = acc["county_fips"].isin(pos.index)
        labels = pd.Series(acc["account_key"].astype(str).radd("acct:"), index=acc.index)
        labels[placed] = _split_heavy(acc[placed], max(HEAVY_UNIT_SHARE * mean_load, 1e-9))
    else:
        labels = acc["account_key"].astype(str)
    acc["_unit"] = labels.to_numpy()

    units = acc.groupby("_unit", sort=True).agg(
        county_fips=("county_fips", "first"), _m=("_m", "sum"), n_accounts=("capacity_units", "sum"), _w=("_w", "sum"),
        _work=("workload", "sum"),
    )
    if geographic:
        used = set(units["county_fips"].dropna())
        empty = sorted(n for n in graph_nodes if n not in used and n in pos.index)
        if empty:
            blank = pd.DataFrame({"county_fips": empty, "_m": 0.0, "n_accounts": 0, "_w": 0.0, "_work": 0.0}, index=pd.Index(empty, name="_unit"))
            units = pd.concat([units, blank]) if len(units) else blank
    units["lat"] = units["county_fips"].map(pos["lat"]).astype(float)
    units["lon"] = units["county_fips"].map(pos["lon"]).astype(float)
    units["in_graph"] = units["county_fips"].isin(graph_nodes) & units["lat"].notna()
    unit_ids = units.index.tolist()
    u_index = {u: i for i, u in enumerate(unit_ids)}
    n_units = len(unit_ids)
    acc["_u"] = acc["_unit"].map(u_index)

    # Today's alignment per unit: weight of accounts per current territory.
    stay = acc[acc["current_territory_id"].isin(t_index)].groupby(["_u", "current_territory_id"])["_w"].sum()
    stay_by_unit: dict[int, dict[int, float]] = {}
    for (u, t), w in stay.items():
        stay_by_unit.setdefault(int(u), {})[t_index[t]] = float(w)
    region_of = terr["region_id"].tolist()
    region_share: dict[int, dict[str, float]] = {}
    for u, held in stay_by_unit.items():
        for t, w in held.items():
            if region_of[t] is not pd.NA and region_of[t] is not None:
                region_share.setdefault(u, {}).setdefault(region_of[t], 0.0)
                region_share[u][region_of[t]] += w / max(units["_w"].iloc[u], 1e-12)
    sectors = acc.dropna(subset=["naics_sector"]).groupby(["_u", "naics_sector"])["_m"].sum() if "naics_sector" in acc else pd.Series(dtype=float)
    unit_total_m = units["_m"].to_numpy(dtype=float)
    sector_share: dict[int, dict[str, float]] = {}
    for (u, s), m in sectors.items():
        if unit_total_m[u] > 0:
            sector_share.setdefault(int(u), {})[str(s)[:2]] = m / unit_total_m[u]

    start = np.full(n_units, -1)
    for u, held in stay_by_unit.items():
        start[u] = max(held, key=held.get)

    home_unit: list[int | None] = []
    for row in terr.itertuples(index=False):
        fips = row.home_county_fips
        home_unit.append(u_index.get(fips) if isinstance(fips, str) else None)

    lat = units["lat"].to_numpy()
    lon = units["lon"].to_numpy()
    if geographic:
        roots = _pick_roots(units, start, n_terr, home_unit)
        anchor_lat = np.array([lat[r] if r is not None else np.nan for r in roots])
        anchor_lon = np.array([lon[r] if r is not None else np.nan for r in roots])
    else:
        roots = [None] * n_terr
        anchor_lat, anchor_lon = _account_anchors(units, start, terr)
    dist = haversine_km(lat[:, None], lon[:, None], anchor_lat[None, :], anchor_lon[None, :])
    dist = np.where(np.isnan(dist), 0.0, dist)
    nearest = np.where(np.isnan(lat), np.nan, dist.min(axis=1) if n_terr else np.nan)
    scale = max(float(np.nanmedian(nearest)) if np.isfinite(nearest).any() else 1.0, 1.0)

    n_acc = units["n_accounts"].to_numpy(dtype=float)
    compactness = settings.compactness_weight * (1.0 if geographic else ACCOUNT_LEVEL_COMPACTNESS)
    cost = _price_matrix(settings, compactness, units, stay_by_unit, region_share, sector_share, terr, (dist / scale) ** 2)
    candidates = _candidates(dist, unit_total_m, mean_load, lat, anchor_lat, stay_by_unit, roots, settings.candidate_territories, CANDIDATE_POOL)
    costs = [{t: float(cost[u, t]) for t in cand} for u, cand in enumerate(candidates)]
    for u in range(n_units):
        if start[u] < 0 or start[u] not in costs[u]:
            start[u] = min(costs[u], key=costs[u].get)

    neighbours: list[list[int]] = [[] for _ in range(n_units)]
    if geographic and adjacency is not None:
        by_county: dict[str, list[int]] = {}
        for u in range(n_units):
            if units["in_graph"].iloc[u]:
                by_county.setdefault(units["county_fips"].iloc[u], []).append(u)
        for fips, members in by_county.items():
            near = [v for n in adjacency.get(fips, ()) for v in by_county.get(n, ())]
            for u in members:
                neighbours[u] = sorted(set(near) | (set(members) - {u}))

    capacity = terr["max_accounts"].fillna(np.inf).to_numpy(dtype=float)
    return SegmentProblem(
        segment=segment, geographic=geographic, territory_ids=territory_ids, unit_ids=unit_ids,
        unit_county=units["county_fips"].tolist(), metric=unit_total_m, n_accounts=n_acc.astype(float),
        fixed_load=fixed_load, fixed_accounts=fixed_accounts, capacity=capacity, mean_load=mean_load,
        candidates=candidates, costs=costs, roots=roots, neighbours=neighbours,
        in_graph=units["in_graph"].to_numpy(dtype=bool), start=start,
        account_unit=pd.Series(acc["_u"].to_numpy(), index=acc["account_key"].to_numpy()),
        new_territories=new_territories, cost=cost, dist=dist, pool_factor=CANDIDATE_POOL,
        nearest_k=settings.candidate_territories, stay=stay_by_unit, lat=lat, lon=lon, anchor_lat=anchor_lat,
        workload=units["_work"].to_numpy(dtype=float) if banded_workload else None,
        fixed_workload=fixed_workload if banded_workload else None, mean_workload=float(mean_workload),
        workload_tolerance=settings.workload_tolerance if banded_workload else None,
        overflow_weight=settings.disruption_weight * settings.capacity_overflow_weight,
    )


def _account_anchors(units: pd.DataFrame, start: np.ndarray, terr: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where an account-level territory sits: centroid of today's book, else the rep's home."""
    lat = terr["home_lat"].to_numpy(dtype=float).copy()
    lon = terr["home_lon"].to_numpy(dtype=float).copy()
    ulat = units["lat"].to_numpy()
    ulon = units["lon"].to_numpy()
    for t in range(len(terr)):
        mine = (start == t) & ~np.isnan(ulat)
        if mine.any():
            lat[t], lon[t] = ulat[mine].mean(), ulon[mine].mean()
    return lat, lon


def _candidates(dist, metric, mean_load, lat, anchor_lat, stay, roots, nearest_k, pool_factor) -> list[list[int]]:
    """Territories each unit may join: its nearest seeds, today's territories, and enough nearby
    units for every territory to be offered `pool_factor` mean loads."""
    n_units, n_terr = dist.shape
    k = max(1, min(nearest_k, n_terr))
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    offered = [set(order[u].tolist()) | set(stay.get(u, {})) for u in range(n_units)]
    located = np.flatnonzero(~np.isnan(lat))
    for t in range(n_terr):
        if np.isnan(anchor_lat[t]) or mean_load <= 0:
            continue
        by_distance = located[np.argsort(dist[located, t], kind="stable")]
        reach = np.searchsorted(np.cumsum(metric[by_distance]), pool_factor * mean_load) + 1
        for u in by_distance[:reach]:
            offered[u].add(t)
    for u in np.flatnonzero(np.isnan(lat)):
        offered[u] = set(range(n_terr))
    for t, r in enumerate(roots):
        if r is not None:
            offered[r].add(t)
    return [sorted(c) for c in offered]


def _price_matrix(settings: PlanSettings, compactness_weight: float, units: pd.DataFrame, stay: dict, region_share: dict,
                  sector_share: dict, terr: pd.DataFrame, reach: np.ndarray) -> np.ndarray:
    """Objective coefficient of every unit in every territory.

    disruption: weight of the unit's accounts not already in the territory; compactness: accounts
    times the squared distance to the seed, in typical seed distances (the moment of inertia of
    classic districting: with plain distance, a territory starved of load snaked a thousand
    miles down a coast rather than move accounts twice); hierarchy: accounts leaving the region
    they are in today; strengths: a bonus for the unit's potential in the rep's focus sectors.
    """
    n_units, n_terr = reach.shape
    n_acc = units["n_accounts"].to_numpy(dtype=float)
    held = np.zeros((n_units, n_terr))
    for u, per_terr in stay.items():
        for t, w in per_terr.items():
            held[u, t] = w
    size = np.where(n_acc > 0, n_acc, EMPTY_UNIT_WEIGHT)
    cost = settings.disruption_weight * (units["_w"].to_numpy(dtype=float)[:, None] - held)
    cost += compactness_weight * size[:, None] * reach
    region_of = terr["region_id"]
    regions = sorted(set(region_of.dropna()))
    if regions and region_share:
        share = np.zeros((n_units, len(regions)))
        has = np.zeros(n_units, dtype=bool)
        for u, per_region in region_share.items():
            has[u] = True
            for r, v in per_region.items():
                share[u, regions.index(r)] = min(v, 1.0)
        for t, r in enumerate(region_of):
            if isinstance(r, str):
                cost[has, t] += settings.region_weight * n_acc[has] * (1 - share[has, regions.index(r)])
    focus = terr["industry_focus"].tolist()
    if any(focus) and sector_share:
        for u, per_sector in sector_share.items():
            for t, sectors in enumerate(focus):
                if sectors:
                    cost[u, t] -= settings.strength_weight * n_acc[u] * sum(per_sector.get(s, 0.0) for s in sectors)
    return cost
