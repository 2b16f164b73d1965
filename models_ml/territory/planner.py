"""`plan_territories`: a balanced, contiguous, low-disruption territory plan per segment.

Per segment: locked and named accounts are pinned (they still count toward their territory's
totals); the rest are grouped into planning units (counties, or accounts for account-level
segments) and assigned by the MIP in `solver`. The territory count may change through
`territories_per_segment`: extra territories are added with new ids and no owner (see
`match_reps`), and the lightest territories without pinned accounts are retired.
Hierarchy: a territory keeps its region by a cost on moving counties across regions rather than
a hard rule, so a plan exists even when regions are unequal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .geography import Adjacency, bridge_islands, load_adjacency, load_counties
from .inputs import UNASSIGNED, PlanSettings, normalize_accounts, normalize_territories
from .metrics import deviation_pct, fairness_metrics, territory_loads
from .problem import build_problem
from .solver import SolveOutcome, solve_segment

ASSIGNMENT_COLUMNS = ["account_key", "segment", "current_territory_id", "proposed_territory_id", "moved", "reason"]
SUMMARY_COLUMNS = [
    "segment", "territory_id", "owner_user_id", "accounts", "potential_usd", "workload",
    "deviation_pct", "moved_in", "moved_out", "is_contiguous",
]
SOLVER_COLUMNS = [
    "lp_bound", "objective", "gap_pct", "solve_seconds", "repair_rounds", "contiguity_cuts",
    "repaired_fragments", "repair_moves", "planning_units",
]


@dataclass
class PlanResult:
    """A plan: one row per account, one per proposed territory, one per segment."""

    assignments: pd.DataFrame
    summary: pd.DataFrame
    metrics: pd.DataFrame
    territories: pd.DataFrame  # proposed territories (new ones included) with their attributes


def _geography(accounts: pd.DataFrame, adjacency: Adjacency | None, counties: pd.DataFrame | None) -> tuple[pd.DataFrame, Adjacency]:
    """County positions and the island-bridged adjacency the plan works on."""
    if counties is None:
        counties = load_counties()
    if adjacency is None:
        adjacency = load_adjacency()
    counties = counties.assign(fips=counties["fips"].astype(str))
    lat = dict(zip(counties["fips"], counties["lat"]))
    lon = dict(zip(counties["fips"], counties["lon"]))
    located = {f: frozenset(n for n in v if n in lat) for f, v in adjacency.items() if f in lat}
    return counties, bridge_islands(located, lat, lon)


def _proposed_territories(segment: str, terr: pd.DataFrame, target: int, movable_load: pd.Series, pinned: set[str]) -> tuple[pd.DataFrame, set[str]]:
    """The segment's territories after adding or retiring some to reach `target`."""
    current = terr[terr["segment"] == segment]
    if target > len(current):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", segment).strip("-").upper()
        taken = set(terr["territory_id"])
        new_ids = []
        i = 1
        while len(new_ids) < target - len(current):
            candidate = f"{slug}-NEW-{i:02d}"
            if candidate not in taken:
                new_ids.append(candidate)
            i += 1
        extra = pd.DataFrame({"territory_id": new_ids, "segment": segment})
        extra = extra.reindex(columns=current.columns).astype(current.dtypes.to_dict())
        extra["industry_focus"] = [()] * len(extra)
        return pd.concat([current, extra], ignore_index=True), set(new_ids)
    if target < len(current):
        load = current["territory_id"].map(movable_load).fillna(0.0)
        removable = current[~current["territory_id"].isin(pinned)].assign(_load=load).sort_values(["_load", "territory_id"])
        retire = set(removable["territory_id"].head(len(current) - target))
        return current[~current["territory_id"].isin(retire)].reset_index(drop=True), set()
    return current.reset_index(drop=True), set()


def _kept_reason(row) -> str:
    if row.is_customer and row.has_open_opportunity:
        return "kept: customer with open opportunity"
    if row.is_customer:
        return "kept: customer"
    if row.has_open_opportunity:
        return "kept: open opportunity"
    return "kept: territory already balanced"


def _reasons(frame: pd.DataFrame, segment: str, metric: str, new_ids: set[str], kept_ids: set[str]) -> list[str]:
    reasons = []
    for row in frame.itertuples(index=False):
        if not row.moved:
            reasons.append(_kept_reason(row))
        elif row.proposed_territory_id in new_ids:
            reasons.append(f"moved: new territory in {segment}")
        elif row.current_territory_id == UNASSIGNED:
            reasons.append(f"moved: was unassigned in {segment}")
        elif row.current_territory_id not in kept_ids:
            reasons.append(f"moved: territory {row.current_territory_id} not in the {segment} plan")
        else:
            reasons.append(f"moved: balance {metric} in {segment}")
    return reasons


def _plan_segment(segment, acc, terr, settings, counties, adjacency, summary_rows, metric_rows):
    geographic = segment not in settings.account_level_segments
    locked = acc["locked"]
    named = ~locked & acc["named_territory_id"].notna()
    pinned = acc[locked | named].copy()
    pinned["proposed_territory_id"] = np.where(pinned["locked"], pinned["current_territory_id"], pinned["named_territory_id"])
    pinned["reason"] = np.where(
        pinned["locked"],
        np.where(pinned["_lock_source"] == "settings", "locked: territory_plan.locks", "locked: Exclude_From_Realign__c"),
        "named account",
    )
    free = acc[~(locked | named)]
    target = int(settings.territories_per_segment.get(segment, (terr["segment"] == segment).sum()))
    seg_terr, new_ids = _proposed_territories(
        segment, terr, target, free.groupby("current_territory_id")["potential"].sum(), set(pinned["proposed_territory_id"]),
    )
    kept_ids = set(seg_terr["territory_id"])
    if geographic:
        unplaced = free["county_fips"].isna() | ~free["county_fips"].isin(set(counties["fips"]))
        stay = unplaced & free["current_territory_id"].isin(kept_ids)
        held = free[stay].assign(proposed_territory_id=lambda d: d["current_territory_id"], reason="kept: no county to place it")
        pinned = pd.concat([pinned, held])
        free = free[~stay]
    if seg_terr.empty:
        done = free.assign(proposed_territory_id=free["current_territory_id"], reason=f"kept: no {segment} territories to plan")
        return pd.concat([pinned, done]), seg_terr, None
    problem = build_problem(segment, free, pinned, seg_terr, settings, counties, adjacency if geographic else None, geographic, new_ids)
    outcome = solve_segment(problem, settings.tolerance, settings.balance_metric, settings.time_limit_seconds, settings.mip_gap, settings.max_repair_rounds)
    ids = np.array(problem.territory_ids)
    moved_frame = free.copy()
    moved_frame["proposed_territory_id"] = ids[outcome.assignment[problem.account_unit.loc[free["account_key"]].to_numpy()]]
    moved_frame["moved"] = moved_frame["proposed_territory_id"] != moved_frame["current_territory_id"]
    moved_frame["reason"] = _reasons(moved_frame, segment, settings.balance_metric, new_ids, kept_ids)
    contiguous = dict(zip(problem.territory_ids, outcome.contiguous)) if geographic else {}
    metric_rows[segment] = _solver_metrics(outcome, len(problem.unit_ids))
    summary_rows[segment] = contiguous
    return pd.concat([pinned, moved_frame]), seg_terr, outcome


def _solver_metrics(outcome: SolveOutcome, units: int) -> dict:
    return {
        "lp_bound": outcome.lp_bound, "objective": outcome.objective, "gap_pct": outcome.gap_pct,
        "solve_seconds": outcome.seconds, "repair_rounds": outcome.rounds, "contiguity_cuts": outcome.cuts,
        "repaired_fragments": outcome.fragments, "repair_moves": outcome.moves,
        "planning_units": units, "all_contiguous_units": all(outcome.contiguous),
    }


def _summary(assign: pd.DataFrame, acc: pd.DataFrame, terr: pd.DataFrame, metric: str, contiguity: dict) -> pd.DataFrame:
    joined = acc.merge(assign[["account_key", "proposed_territory_id", "moved"]], on="account_key")
    rows = []
    for segment, seg_terr in terr.groupby("segment", sort=True):
        seg = joined[joined["segment"] == segment]
        ids = seg_terr["territory_id"].tolist()
        loads = territory_loads(seg, ids, metric)
        dev = dict(zip(ids, deviation_pct(loads.to_numpy())))
        owner = dict(zip(seg_terr["territory_id"], seg_terr["owner_user_id"]))
        by = seg.groupby("proposed_territory_id")
        count, potential, work = by.size(), by["potential"].sum(), by["workload"].sum()
        moved_in = seg[seg["moved"]].groupby("proposed_territory_id").size()
        moved_out = joined[joined["moved"]].groupby("current_territory_id").size()
        flags = contiguity.get(segment, {})
        for t in ids:
            rows.append({
                "segment": segment, "territory_id": t, "owner_user_id": owner.get(t),
                "accounts": int(count.get(t, 0)), "potential_usd": float(potential.get(t, 0.0)),
                "workload": float(work.get(t, 0.0)), "deviation_pct": float(dev[t]),
                "moved_in": int(moved_in.get(t, 0)), "moved_out": int(moved_out.get(t, 0)),
                "is_contiguous": flags.get(t, pd.NA),
            })
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["is_contiguous"] = out["is_contiguous"].astype("boolean")
    return out


def plan_territories(
    accounts: pd.DataFrame,
    territories: pd.DataFrame,
    settings: PlanSettings | None = None,
    adjacency: Adjacency | None = None,
    counties: pd.DataFrame | None = None,
) -> PlanResult:
    """Plan every segment's territories; see the module docstring for the method.

    `adjacency` (FIPS -> neighbour FIPS) and `counties` (fips, lat, lon) default to the real US
    reference data; pass both to plan on another map. Raises InfeasibleTolerance when a segment
    cannot meet its balance tolerance, naming the segment and the best achievable deviation.
    """
    settings = settings or PlanSettings()
    counties, graph = _geography(accounts, adjacency, counties)
    acc = normalize_accounts(accounts, settings)
    terr = normalize_territories(territories, counties)
    segments = sorted(set(acc["segment"]) | set(terr["segment"]))
    sizes = acc["segment"].value_counts()
    settings = replace(settings, account_level_segments=tuple(
        s for s in settings.account_level_segments if sizes.get(s, 0) <= settings.max_account_level_accounts))
    parts, plan_terr, summary_flags, solver_rows = [], [], {}, {}
    for segment in segments:
        seg_acc = acc[acc["segment"] == segment]
        assigned, seg_terr, _ = _plan_segment(segment, seg_acc, terr, settings, counties, graph, summary_flags, solver_rows)
        parts.append(assigned)
        plan_terr.append(seg_terr)
    assign = pd.concat(parts, ignore_index=True) if parts else acc.iloc[0:0].assign(proposed_territory_id=None, reason=None)
    assign["moved"] = assign["proposed_territory_id"].astype(str) != assign["current_territory_id"].astype(str)
    assign = assign.set_index("account_key").loc[acc["account_key"]].reset_index()[ASSIGNMENT_COLUMNS]
    proposed = pd.concat(plan_terr, ignore_index=True) if plan_terr else terr.iloc[0:0]
    summary = _summary(assign, acc, proposed, settings.balance_metric, summary_flags)
    metrics = fairness_metrics(assign, acc, proposed, metric=settings.balance_metric,
                               account_level_segments=settings.account_level_segments, tolerance=settings.tolerance)
    strict = summary.groupby("segment")["is_contiguous"].agg(lambda s: pd.NA if s.isna().all() else bool(s.fillna(True).all()))
    metrics["all_contiguous"] = metrics["segment"].map(strict).astype("boolean")
    solver = pd.DataFrame.from_dict(solver_rows, orient="index").drop(columns="all_contiguous_units", errors="ignore")
    metrics = metrics.merge(solver.reindex(columns=SOLVER_COLUMNS), left_on="segment", right_index=True, how="left")
    return PlanResult(assignments=assign, summary=summary, metrics=metrics, territories=proposed.reset_index(drop=True))
