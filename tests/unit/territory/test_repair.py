"""The contiguity repair: scattered balanced plans become contiguous, balanced, pins untouched."""

import numpy as np
import pandas as pd
from grid import accounts_on, grid, grid_neighbours, territories

from models_ml.territory import PlanSettings, plan_territories
from models_ml.territory.metrics import territory_is_contiguous
from models_ml.territory.problem import SegmentProblem
from models_ml.territory.repair import repair_plan


def grid_problem(rows: int, cols: int, metric: np.ndarray, roots: list[int], tolerance_mean: float | None = None) -> SegmentProblem:
    """Two territories (0 west, 1 east) over a grid of units, every unit allowed in both."""
    n = rows * cols
    neighbours = grid_neighbours(rows, cols)
    mean = tolerance_mean if tolerance_mean is not None else metric.sum() / 2
    return SegmentProblem(
        segment="SMB", geographic=True, territory_ids=["W", "E"], unit_ids=[str(u) for u in range(n)],
        unit_county=[str(u) for u in range(n)], metric=metric, n_accounts=np.ones(n), fixed_load=np.zeros(2),
        fixed_accounts=np.zeros(2), capacity=np.full(2, np.inf), mean_load=mean, candidates=[[0, 1]] * n,
        costs=[{0: 0.0, 1: 0.0}] * n, roots=roots, neighbours=neighbours, in_graph=np.ones(n, dtype=bool),
        start=np.zeros(n, dtype=int), account_unit=pd.Series(dtype=int), cost=np.zeros((n, 2)),
    )


def connected(units: set[int], neighbours: list[list[int]]) -> bool:
    if not units:
        return True
    seen, stack = set(), [min(units)]
    while stack:
        u = stack.pop()
        if u in seen:
            continue
        seen.add(u)
        stack.extend(v for v in neighbours[u] if v in units)
    return seen == units


def test_scattered_balanced_plan_is_reconnected_within_tolerance():
    """W holds columns 0-1 and a heavy enclave inside E: balanced (8 and 8) but not contiguous.

    Handing the enclave to E leaves W at 6 and E at 10 (±25%), so the repair must also move a
    boundary unit from E to W to get back inside ±10%.
    """
    rows, cols = 3, 4
    metric = np.array([1.0, 1.0, 1.6, 1.6] * rows)
    enclave = 1 * cols + 3
    metric[enclave] = 2.0
    assignment = np.array([0 if c < 2 else 1 for r in range(rows) for c in range(cols)])
    assignment[enclave] = 0
    loads = np.bincount(assignment, weights=metric)
    problem = grid_problem(rows, cols, metric, roots=[0, 3])
    assert abs(loads[0] - loads[1]) < 1e-9  # the scattered plan is balanced

    out = repair_plan(problem, assignment, tolerance=0.1)

    assert out.feasible
    assert out.fragments == 1 and out.moves >= 1
    assert out.assignment[enclave] == 1
    for t in range(2):
        assert connected(set(np.flatnonzero(out.assignment == t).tolist()), problem.neighbours)
    deviation = np.abs(np.bincount(out.assignment, weights=metric, minlength=2) / problem.mean_load - 1)
    assert deviation.max() <= 0.1 + 1e-9
    assert out.assignment[0] == 0 and out.assignment[3] == 1  # seeds stay home


def test_repair_reports_failure_when_tolerance_cannot_be_met():
    """Units 5, 2, 5 in a row: every contiguous split into two is 5 against 7, never within ±1%.

    W holds both ends (balanced 10 against 2 is not the point: it is split); the repair hands
    the cut-off end to E and must then say it failed rather than return an unbalanced plan.
    """
    metric = np.array([5.0, 2.0, 5.0])
    assignment = np.array([0, 1, 0])
    problem = grid_problem(1, 3, metric, roots=[0, 1], tolerance_mean=6.0)
    out = repair_plan(problem, assignment, tolerance=0.01)
    assert not out.feasible
    assert out.fragments == 1
    assert out.assignment.tolist() == [0, 1, 1]


def test_repair_never_moves_locked_or_named_accounts():
    """A heavy corner county lures W across the map; locked and named W accounts sit in it.

    Whether the MIP grabs the county and the repair hands its movable accounts back to E, or
    the solver never grabs it, the pinned ones stay in W.
    """
    rows, cols = 3, 6
    cells = {}
    for r in range(rows):
        for c in range(cols):
            west = c < 3
            cells[(r, c)] = [{"current_territory_id": "W" if west else "E", "potential": 10.0 if west else 30.0,
                              "is_customer": not west, "has_open_opportunity": not west}]
    cells[(1, 5)] = [
        {"current_territory_id": "E", "potential": 90.0, "is_customer": False},
        {"current_territory_id": "W", "potential": 1.0, "locked": True},
        {"current_territory_id": "E", "potential": 1.0, "named_territory_id": "W"},
    ]
    acc = accounts_on(cells)
    counties, adjacency = grid(rows, cols)
    result = plan_territories(acc, territories(["W", "E"]), PlanSettings(tolerance=0.1, compactness_weight=0.0),
                              adjacency=adjacency, counties=counties)
    assert result.summary["is_contiguous"].all()
    assert result.summary["deviation_pct"].abs().max() <= 10.0 + 1e-9
    out = result.assignments.set_index("account_key")
    pinned = acc[acc["locked"].eq(True) | acc["named_territory_id"].notna()]["account_key"]
    assert (out.loc[pinned, "proposed_territory_id"] == "W").all()
    assert set(out.loc[pinned, "reason"]) == {"locked: Exclude_From_Realign__c", "named account"}
    movable = acc[(acc["county_fips"] == acc.loc[acc["potential"] == 90.0, "county_fips"].iloc[0]) & (acc["potential"] == 90.0)]["account_key"]
    assert (out.loc[movable, "proposed_territory_id"] == "E").all()
    joined = acc.merge(result.assignments, on="account_key")
    free = joined[~joined["account_key"].isin(pinned)]
    for t, group in free.groupby("proposed_territory_id"):
        assert territory_is_contiguous(set(group["county_fips"]), set(), adjacency), t


def test_the_shortcuts_agree_with_the_plain_definitions_on_random_plans():
    """The border kept during a transfer and the local test before a BFS change how fast the repair runs,
    not what it decides: on random two-territory splits they agree with the definitions."""
    from models_ml.territory.repair import _border, _Plan

    rows, cols = 7, 8
    rng = np.random.default_rng(3)
    problem = grid_problem(rows, cols, np.ones(rows * cols), roots=[0, rows * cols - 1])
    for _ in range(40):
        plan = _Plan(problem, rng.integers(0, 2, rows * cols), tolerance=0.1)
        for donor, receiver in ((0, 1), (1, 0)):
            expected = {u for u in plan.members[donor] if any(plan.a[v] == receiver for v in problem.neighbours[u])}
            assert set(_border(plan, donor, receiver)) == expected
            for u in plan.members[donor]:
                assert plan.stays_connected_without(donor, u) == (
                    len(_pieces_of(plan.members[donor] - {u}, problem.neighbours))
                    <= len(_pieces_of(plan.members[donor], problem.neighbours)))


def _pieces_of(units: set[int], neighbours: list[list[int]]) -> list[set[int]]:
    left, pieces = set(units), []
    while left:
        piece = {min(left)}
        stack = [min(left)]
        while stack:
            for v in neighbours[stack.pop()]:
                if v in left and v not in piece:
                    piece.add(v)
                    stack.append(v)
        pieces.append(piece)
        left -= piece
    return pieces
