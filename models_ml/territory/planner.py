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

from .deadline import SolveDeadlineExceeded, solve_segment_within_deadline
from .errors import InfeasibleTolerance, PlanningError
from .geography import Adjacency, bridge_islands, load_adjacency, load_counties
from .groups import label_rows, map_groups, regrouped, subdivision_units
from .inputs import UNASSIGNED, PlanSettings, normalize_accounts, normalize_territories
from .metrics import deviation_pct, fairness_metrics, territory_loads
from .problem import build_problem
from .solver import SolveOutcome

ASSIGNMENT_COLUMNS = ["account_key", "segment", "current_territory_id", "proposed_territory_id", "moved", "reason"]
SUMMARY_COLUMNS = [
    "segment", "territory_id", "owner_user_id", "accounts", "potential_usd", "workload",
    "deviation_pct", "moved_in", "moved_out", "is_contiguous", "book_accounts", "max_accounts", "capacity_overflow",
]
SOLVER_COLUMNS = [
    "lp_bound", "objective", "gap_pct", "solve_seconds", "repair_rounds", "contiguity_cuts",
    "repaired_fragments", "repair_moves", "planning_units", "tolerance_used", "solve_status",
]


@dataclass
class PlanResult:
    """A plan: one row per account, one per proposed territory, one per segment."""

    assignments: pd.DataFrame
    summary: pd.DataFrame
    metrics: pd.DataFrame
    territories: pd.DataFrame  # proposed territories (new ones included) with their attributes
    groups: dict = None  # plan group label -> (segment, territory kind); see `groups`


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
    if len(seg_terr) == 1:
        only = seg_terr["territory_id"].iloc[0]
        done = free.assign(proposed_territory_id=only)
        done["moved"] = done["proposed_territory_id"] != done["current_territory_id"]
        done["reason"] = _reasons(done, segment, settings.balance_metric, new_ids, kept_ids)
        return pd.concat([pinned, done]), seg_terr, None
    problem = build_problem(segment, free, pinned, seg_terr, settings, counties, adjacency if geographic else None, geographic, new_ids)
    outcome, tolerance = _solve_within_reach(problem, settings)
    ids = np.array(problem.territory_ids)
    moved_frame = free.copy()
    moved_frame["proposed_territory_id"] = ids[outcome.assignment[problem.account_unit.loc[free["account_key"]].to_numpy()]]
    moved_frame["moved"] = moved_frame["proposed_territory_id"] != moved_frame["current_territory_id"]
    moved_frame["reason"] = _reasons(moved_frame, segment, settings.balance_metric, new_ids, kept_ids)
    contiguous = dict(zip(problem.territory_ids, outcome.contiguous)) if geographic else {}
    metric_rows[segment] = {**_solver_metrics(outcome, len(problem.unit_ids)), "tolerance_used": tolerance}
    summary_rows[segment] = contiguous
    return pd.concat([pinned, moved_frame]), seg_terr, outcome


RELAX_STEPS = 4  # doublings of the tolerance tried when the solver proves nothing either way


def _solve_within_reach(problem, settings: PlanSettings) -> tuple[SolveOutcome, float]:
    """The plan at the configured tolerance, or at the best the group can reach.

    Locks, named accounts and indivisible counties can make the tolerance impossible. Then the
    group is planned at the smallest deviation the solver can prove achievable (plus a sliver
    for rounding), and the caller marks the plan as relaxed: a plan at the best achievable
    balance is more use to a sales team than none. When the solver neither finds a plan nor
    proves there is none, the tolerance is doubled a few times.
    """
    tolerance = settings.tolerance
    last = ""
    for _ in range(RELAX_STEPS + 1):
        try:
            return solve_segment_within_deadline(problem, tolerance, settings.balance_metric, settings.time_limit_seconds,
                                                 settings.mip_gap, settings.max_repair_rounds, settings.hard_deadline_seconds), tolerance
        except InfeasibleTolerance as error:
            if error.best_deviation_pct is None:
                raise
            reachable = error.best_deviation_pct / 100.0 * 1.02 + 0.002
            tolerance = max(reachable, tolerance * 1.25)
        except SolveDeadlineExceeded:
            raise
        except PlanningError as error:
            last = str(error)
            tolerance *= 2
        if tolerance >= 1.0:
            break
    raise PlanningError(f"Segment {problem.segment!r}: no plan found even at ±{min(tolerance, 1.0) * 100:.0f}% of the "
                        f"segment mean; the solver's last word: {last}")


def _solver_metrics(outcome: SolveOutcome, units: int) -> dict:
    return {
        "lp_bound": outcome.lp_bound, "objective": outcome.objective, "gap_pct": outcome.gap_pct,
        "solve_seconds": outcome.seconds, "repair_rounds": outcome.rounds, "contiguity_cuts": outcome.cuts,
        "repaired_fragments": outcome.fragments, "repair_moves": outcome.moves,
        "planning_units": units, "all_contiguous_units": all(outcome.contiguous), "solve_status": outcome.status,
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
        limit = dict(zip(seg_terr["territory_id"], seg_terr["max_accounts"]))
        by = seg.groupby("proposed_territory_id")
        count, potential, work = by.size(), by["potential"].sum(), by["workload"].sum()
        book = by["capacity_units"].sum()
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
                "book_accounts": int(round(book.get(t, 0.0))), "max_accounts": limit.get(t, np.nan),
                "capacity_overflow": int(max(0.0, round(book.get(t, 0.0)) - limit[t])) if np.isfinite(limit.get(t, np.nan)) else 0,
            })
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["is_contiguous"] = out["is_contiguous"].astype("boolean")
    return out


def _with_subdivisions(counties: pd.DataFrame, acc: pd.DataFrame) -> pd.DataFrame:
    """Counties plus one position-less unit per subdivision abroad (`DE-BY`), so a geographic
    territory outside the US is redrawn by whole subdivisions; no adjacency ships for them, so
    their contiguity is not judged."""
    foreign = sorted(set(acc["county_fips"].dropna()) - set(counties["fips"]))
    foreign = [f for f in foreign if not str(f).isdigit()]
    if not foreign:
        return counties
    extra = pd.DataFrame({"fips": foreign, "lat": np.nan, "lon": np.nan})
    return pd.concat([counties, extra.reindex(columns=counties.columns)], ignore_index=True)


def grouped_inputs(accounts: pd.DataFrame, territories: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Accounts and territories as the planner sees them: `segment` holds the plan group,
    `_segment` the customer's segment, and abroad `county_fips` the subdivision unit. Any other
    alignment (today's, a baseline) is measured on the same frames to compare like with like."""
    frame = accounts.copy()
    frame["_segment"] = frame["segment"].astype(str)
    frame["county_fips"] = subdivision_units(frame)
    return regrouped(frame, territories)


def plan_territories(
    accounts: pd.DataFrame,
    territories: pd.DataFrame,
    settings: PlanSettings | None = None,
    adjacency: Adjacency | None = None,
    counties: pd.DataFrame | None = None,
) -> PlanResult:
    """Plan every group of territories; see the module docstring and `groups` for the method.

    `adjacency` (FIPS -> neighbour FIPS) and `counties` (fips, lat, lon) default to the real US
    reference data; pass both to plan on another map. Territories may carry `territory_kind`,
    `country` and `industries` (see `groups`), accounts `country` and `state`; without them
    every territory is geographic in the US. A group whose balance tolerance cannot be met is
    planned at the best achievable deviation and marked `tolerance_relaxed`; PlanningError is
    raised only when no plan exists at all.
    """
    settings = settings or PlanSettings()
    grouped, terr_grouped, origin = grouped_inputs(accounts, territories)
    counties, graph = _geography(grouped, adjacency, counties)
    acc = normalize_accounts(grouped, settings)
    counties = _with_subdivisions(counties, acc)
    terr = normalize_territories(terr_grouped, counties)
    groups = sorted(set(acc["segment"]) | set(terr["segment"]))
    segment_of = acc.groupby("segment")["_segment"].first()
    counts = acc["segment"].value_counts()
    on_map = map_groups(origin)
    account_level = tuple(
        g for g in groups
        if g not in on_map
        or (segment_of.get(g) in settings.account_level_segments and counts.get(g, 0) <= settings.max_account_level_accounts)
    )
    settings = replace(settings, account_level_segments=account_level)
    parts, plan_terr, summary_flags, solver_rows = [], [], {}, {}
    for group in groups:
        assigned, seg_terr, _ = _plan_segment(group, acc[acc["segment"] == group], terr, settings, counties, graph, summary_flags, solver_rows)
        parts.append(assigned)
        plan_terr.append(seg_terr)
    assign = pd.concat(parts, ignore_index=True) if parts else acc.iloc[0:0].assign(proposed_territory_id=None, reason=None)
    assign["moved"] = assign["proposed_territory_id"].astype(str) != assign["current_territory_id"].astype(str)
    assign = assign.set_index("account_key").loc[acc["account_key"]].reset_index()
    proposed = pd.concat(plan_terr, ignore_index=True) if plan_terr else terr.iloc[0:0]
    summary = _summary(assign, acc, proposed, settings.balance_metric, summary_flags)
    metrics = fairness_metrics(assign, acc, proposed, metric=settings.balance_metric,
                               account_level_segments=settings.account_level_segments, tolerance=settings.tolerance)
    strict = summary.groupby("segment")["is_contiguous"].agg(lambda s: pd.NA if s.isna().all() else bool(s.fillna(True).all()))
    metrics["all_contiguous"] = metrics["segment"].map(strict).astype("boolean")
    overflow = summary.groupby("segment")["capacity_overflow"].sum()
    metrics["capacity_overflow_accounts"] = metrics["segment"].map(overflow).fillna(0).astype(int)
    solver = pd.DataFrame.from_dict(solver_rows, orient="index").drop(columns="all_contiguous_units", errors="ignore")
    metrics = metrics.merge(solver.reindex(columns=SOLVER_COLUMNS), left_on="segment", right_index=True, how="left")
    metrics["tolerance_used"] = metrics["tolerance_used"].fillna(settings.tolerance)
    metrics["tolerance_relaxed"] = metrics["tolerance_used"] > settings.tolerance + 1e-12
    assign["segment"] = assign["_segment"]
    proposed = proposed.rename(columns={"segment": "plan_group"}).assign(
        segment=lambda d: d["plan_group"].map(lambda g: origin.get(g, (g, ""))[0]))
    return PlanResult(assignments=assign[ASSIGNMENT_COLUMNS], summary=label_rows(summary, origin),
                      metrics=label_rows(metrics, origin), territories=proposed.reset_index(drop=True), groups=origin)
