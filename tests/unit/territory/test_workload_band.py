"""The workload band: territories balanced on potential must also carry comparable workload."""

import pandas as pd
import pytest
from grid import accounts_on, grid, territories

from models_ml.territory import PlanSettings, plan_territories
from models_ml.territory.inputs import normalize_accounts, normalize_territories
from models_ml.territory.problem import build_problem
from models_ml.territory.repair import _Plan
from models_ml.territory.workload import rebalance_workload


def strip_world():
    """A 1 x 8 strip: W holds cells 0-3, E cells 4-7, 200 of potential each. W's workload is 4
    against E's 2 (mean 3, W +33%): cell 3 carries workload but no potential, so handing it to E
    balances workload (3 and 3) without touching potential."""
    potential = [100, 100, 0, 0, 0, 0, 100, 100]
    workload = [1, 1, 1, 1, 0, 0, 1, 1]
    cells = {(0, c): [{"current_territory_id": "W" if c < 4 else "E", "potential": float(potential[c]),
                       "workload": float(workload[c])}] for c in range(8)}
    return accounts_on(cells)


def plan_strip(**settings):
    counties, adjacency = grid(1, 8)
    return plan_territories(strip_world(), territories(["W", "E"]), PlanSettings(compactness_weight=0.0, **settings),
                            adjacency=adjacency, counties=counties)


def test_without_a_workload_band_a_potential_balanced_plan_stays_put():
    result = plan_strip(workload_tolerance=None)
    assert not result.assignments["moved"].any()
    assert result.metrics.loc[0, "max_abs_workload_deviation_pct"] == pytest.approx(100 / 3)


def test_workload_band_moves_the_laborious_county_and_keeps_potential_balanced():
    result = plan_strip(workload_tolerance=0.10)
    moved = result.assignments[result.assignments["moved"]]
    assert moved["account_key"].tolist() == ["A003"]
    assert moved["proposed_territory_id"].tolist() == ["E"]
    metrics = result.metrics.iloc[0]
    assert metrics["max_abs_workload_deviation_pct"] == pytest.approx(0.0)
    assert metrics["max_abs_deviation_pct"] == pytest.approx(0.0)
    assert bool(metrics["all_contiguous"])


def trading_world():
    """3 x 4 grid, W the west half, E the east, 100 of potential per county (600 each). W's
    workload is 7, E's 5 (mean 6, 10% band 5.4-6.6). Any single county moved breaks the 5%
    potential band, so a heavy W county (workload 2) must trade places with a light E one (1)."""
    workload = {(0, 1): 2.0, (1, 3): 0.0}
    cells = {(r, c): [{"current_territory_id": "W" if c < 2 else "E", "potential": 100.0,
                       "workload": workload.get((r, c), 1.0)}] for r in range(3) for c in range(4)}
    return accounts_on(cells)


def test_the_workload_search_trades_two_border_counties_and_keeps_the_rest():
    counties, adjacency = grid(3, 4)
    settings = PlanSettings(compactness_weight=0.0)
    acc = normalize_accounts(trading_world(), settings).assign(named_territory_id=None)
    problem = build_problem("SMB", acc, acc.iloc[0:0].assign(proposed_territory_id=None),
                            normalize_territories(territories(["W", "E"]), counties), settings, counties, adjacency, True, set())
    start = problem.start.copy()
    assert _Plan(problem, start, 0.05).work_violation() > 0
    after = rebalance_workload(problem, start, 0.05)
    plan = _Plan(problem, after, 0.05)
    assert plan.work_violation() == 0
    assert plan.violation() == 0
    assert int((after != start).sum()) == 2
    assert all(len(plan.pieces(t)) == 1 for t in range(2))


def test_two_border_counties_trade_places_when_no_single_one_can_move():
    counties, adjacency = grid(3, 4)
    result = plan_territories(trading_world(), territories(["W", "E"]), PlanSettings(compactness_weight=0.0),
                              adjacency=adjacency, counties=counties)
    metrics = result.metrics.iloc[0]
    assert metrics["max_abs_workload_deviation_pct"] == pytest.approx(0.0)
    assert metrics["max_abs_deviation_pct"] == pytest.approx(0.0)
    assert bool(metrics["all_contiguous"])
    moved = result.assignments[result.assignments["moved"]]
    assert sorted(moved["proposed_territory_id"]) == ["E", "W"]


def book(potential, workload, owners):
    return pd.DataFrame({
        "account_key": [f"K{i}" for i in range(len(potential))], "segment": "Enterprise",
        "current_territory_id": owners, "potential": potential, "workload": workload,
    })


def test_named_account_books_trade_accounts_to_even_out_workload():
    """A: four 100 accounts (workload 4), B: two 200 accounts (workload 2). Potential is even;
    within 10% on workload, A must hand two 100s to B for one 200: three moves, 3 and 3."""
    acc = book([100.0] * 4 + [200.0] * 2, [1.0] * 6, ["A"] * 4 + ["B"] * 2)
    result = plan_territories(acc, territories(["A", "B"], segment="Enterprise"),
                             PlanSettings(workload_tolerance=0.10, account_level_segments=("Enterprise",)))
    summary = result.summary.set_index("territory_id")
    assert summary["workload"].tolist() == [3.0, 3.0]
    assert summary["potential_usd"].tolist() == [400.0, 400.0]
    assert int(result.assignments["moved"].sum()) == 3


def test_unreachable_workload_band_keeps_the_potential_plan_and_reports_the_gap():
    """One account each, equal potential, workload 10 against 1: no plan meets a 10% workload
    band, so the potential-balanced plan stands and the metrics show how far workload is off."""
    acc = book([100.0, 100.0], [10.0, 1.0], ["A", "B"])
    result = plan_territories(acc, territories(["A", "B"], segment="Enterprise"),
                             PlanSettings(workload_tolerance=0.10, account_level_segments=("Enterprise",)))
    assert not result.assignments["moved"].any()
    assert result.metrics.loc[0, "max_abs_workload_deviation_pct"] == pytest.approx(900 / 11)
