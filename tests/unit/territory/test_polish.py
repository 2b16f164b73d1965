"""The polish pass: moved units go home when balance, contiguity and capacity allow it."""

import numpy as np
from test_repair import connected, grid_problem

from models_ml.territory.polish import polish_plan

ROWS, COLS = 4, 4


def home_problem(today: np.ndarray):
    """Unit-weight grid where a unit costs 1 away from `today`'s territory and 0 at home."""
    problem = grid_problem(ROWS, COLS, np.ones(ROWS * COLS), roots=[0, COLS - 1])
    problem.start = today.copy()
    problem.stay = {u: {int(t): 1.0} for u, t in enumerate(today)}
    problem.cost = np.ones((ROWS * COLS, 2))
    problem.cost[np.arange(ROWS * COLS), today] = 0.0
    return problem


def columns(split: int) -> np.ndarray:
    return np.array([0 if c < split else 1 for r in range(ROWS) for c in range(COLS)])


def test_polish_sends_swapped_units_home_and_keeps_plan_valid():
    """W took a unit of E and E one of W: each alone going home breaks ±10%, the swap does not."""
    today = columns(2)
    plan = today.copy()
    plan[0 * COLS + 2] = 0
    plan[3 * COLS + 1] = 1
    problem = home_problem(today)

    polished, returned = polish_plan(problem, plan, tolerance=0.1)

    assert returned >= 1
    assert (polished != today).sum() < (plan != today).sum()
    assert (polished == today).all()
    loads = np.bincount(polished, minlength=2)
    assert np.abs(loads / problem.mean_load - 1).max() <= 0.1 + 1e-9
    for t in range(2):
        assert connected(set(np.flatnonzero(polished == t).tolist()), problem.neighbours)


def test_polish_never_leaves_the_tolerance_band():
    """Today W holds 12 of 16 units; the balanced plan must keep 8 each, so nothing goes home."""
    today = columns(3)
    plan = columns(2)
    problem = home_problem(today)

    polished, returned = polish_plan(problem, plan, tolerance=0.1)

    assert returned == 0
    assert (polished == plan).all()


def test_polish_respects_capacity():
    """A unit that could go home within tolerance stays when its home rep is full."""
    today = columns(2)
    plan = today.copy()
    plan[0 * COLS + 1] = 1  # W 7, E 9: inside ±15%
    problem = home_problem(today)
    problem.capacity = np.array([7.0, np.inf])

    polished, _ = polish_plan(problem, plan, tolerance=0.15)
    assert (polished == plan).all()

    problem.capacity = np.array([np.inf, np.inf])
    polished, returned = polish_plan(problem, plan, tolerance=0.15)
    assert returned == 1 and (polished == today).all()


def test_polish_exchanges_a_moved_unit_for_a_cheaper_one_on_the_same_border():
    """Today W holds 12 of 16 units and must give E four. The plan gave E column 2; the unit at
    row 0, column 1 costs a fifth as much to move (whitespace), so it takes the place of the
    unit at row 1, column 2, which goes home: same load across the same border, lower price."""
    today = columns(3)
    plan = columns(2)
    problem = home_problem(today)
    cheap = 0 * COLS + 1
    problem.cost[cheap, 1] = 0.2
    price = lambda a: problem.cost[np.arange(ROWS * COLS), a].sum()

    polished, returned = polish_plan(problem, plan, tolerance=0.1)

    assert returned >= 1
    assert polished[cheap] == 1 and polished[1 * COLS + 2] == 0
    assert price(polished) < price(plan)
    loads = np.bincount(polished, minlength=2)
    assert np.abs(loads / problem.mean_load - 1).max() <= 0.1 + 1e-9
    for t in range(2):
        assert connected(set(np.flatnonzero(polished == t).tolist()), problem.neighbours)

