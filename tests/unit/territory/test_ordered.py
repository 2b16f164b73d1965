"""The contiguous-by-construction MIP: border flows, border candidates and ordering rows."""

import numpy as np
import pandas as pd
from grid import grid_neighbours

from models_ml.territory.borders import border_candidates, border_flows
from models_ml.territory.ordering import ordering_rows, seed_distances
from models_ml.territory.problem import SegmentProblem
from models_ml.territory.solver import _Model, _ordered_plan, territory_pieces

ROWS, COLS = 2, 9


def line_problem(metric: np.ndarray) -> SegmentProblem:
    """Three territories side by side on a 2 x 9 grid: W holds columns 0-2, M 3-5, E 6-8.

    Staying home is free and every other territory costs 1 per unit, so the MIP's price is the
    number of units moved.
    """
    n = ROWS * COLS
    neighbours = grid_neighbours(ROWS, COLS)
    start = np.array([c // 3 for _ in range(ROWS) for c in range(COLS)])
    cost = np.ones((n, 3))
    cost[np.arange(n), start] = 0.0
    lat = np.array([40.0 + 0.5 * r for r in range(ROWS) for _ in range(COLS)])
    lon = np.array([-100.0 + 0.5 * c for _ in range(ROWS) for c in range(COLS)])
    return SegmentProblem(
        segment="SMB", geographic=True, territory_ids=["W", "M", "E"], unit_ids=[str(u) for u in range(n)],
        unit_county=[str(u) for u in range(n)], metric=metric, n_accounts=np.ones(n), fixed_load=np.zeros(3),
        fixed_accounts=np.zeros(3), capacity=np.full(3, np.inf), mean_load=metric.sum() / 3,
        candidates=[[0, 1, 2]] * n, costs=[{t: float(cost[u, t]) for t in range(3)} for u in range(n)],
        roots=[1, 4, 7], neighbours=neighbours, in_graph=np.ones(n, dtype=bool), start=start,
        account_unit=pd.Series(dtype=int), cost=cost, stay={u: {int(start[u]): 0.0} for u in range(n)},
        lat=lat, lon=lon,
    )


def heavy_east() -> np.ndarray:
    """E carries 1.5 mean loads, W 0.5: load has to cross both borders, W and E do not touch."""
    per_column = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0])
    return np.tile(per_column, ROWS)


def test_border_flows_carry_load_across_touching_territories_only():
    problem = line_problem(heavy_east())
    flows = border_flows(problem, tolerance=0.1)
    mean = problem.mean_load
    assert set(flows) == {(2, 1), (1, 0)}
    assert abs(flows[(2, 1)] - flows[(1, 0)]) < 1e-6
    assert 0.45 * mean - 1e-6 <= flows[(1, 0)] <= 0.5 * mean + 1e-6  # lands W inside half the band


def test_border_candidates_offer_receivers_only_near_flowing_borders():
    problem = line_problem(heavy_east())
    candidates = border_candidates(problem, border_flows(problem, tolerance=0.1))
    far_east = COLS - 1
    assert candidates[far_east] == [2]  # nothing of E's far edge is needed elsewhere
    assert 0 in candidates[3]  # M's border with W can go west
    assert all(0 not in candidates[c] for c in range(6, COLS))  # W never reaches into E


def test_todays_alignment_satisfies_every_ordering_row():
    problem = line_problem(heavy_east())
    model = _Model(problem, 0.1, 5.0, 0.01)
    rows, dead = ordering_rows(problem, model.col, seed_distances(problem, problem.lat, problem.lon))
    today = np.zeros(model.n_binary)
    for u, t in enumerate(problem.start):
        today[model.col[(u, int(t))]] = 1.0
    assert rows
    assert all(today[idx] @ np.array(val) <= 1e-9 for _, _, idx, val in rows)
    assert all(today[c] == 0.0 for c in dead)


def test_ordered_plan_is_contiguous_balanced_and_moves_only_border_strips():
    metric = heavy_east()
    problem = line_problem(metric)
    plan = _ordered_plan(problem, tolerance=0.1, time_limit=10.0, mip_gap=0.0)
    assert plan is not None
    assert all(len(parts) == 1 for parts in territory_pieces(problem, plan))
    deviation = np.abs(np.bincount(plan, weights=metric, minlength=3) / problem.mean_load - 1)
    assert deviation.max() <= 0.1 + 1e-9
    moved = np.flatnonzero(plan != problem.start)
    assert 0 < len(moved) <= 6
    assert all(plan[u] == problem.start[u] - 1 for u in moved)  # load only steps one border west
