"""Every segment solve ends within its limits: HiGHS bounded by options, the whole solve by a
hard deadline, and the way it ended reported per segment."""

import multiprocessing
import signal
import time

import numpy as np
import pandas as pd
import pytest
from grid import accounts_on, grid, grid_neighbours, territories

from models_ml.territory import PlanningError, PlanSettings, plan_territories
from models_ml.territory import deadline as deadline_module
from models_ml.territory.bench import synthetic_nation
from models_ml.territory.deadline import SolveDeadlineExceeded, solve_segment_within_deadline
from models_ml.territory.errors import InfeasibleTolerance
from models_ml.territory.problem import SegmentProblem
from models_ml.territory.solver import HIGHS_OPTIONS, _Model

MARGIN_SECONDS = 3.0  # process start, the kill and the join, on a busy two-core machine
PLANNING_SECONDS = 15.0  # building the problem and measuring the plan, around the solve


def strip_problem(metric: list[float], start: list[int]) -> SegmentProblem:
    """A 1 x n strip of units, two territories (0 west, 1 east) seeded at the two ends."""
    n = len(metric)
    values = np.array(metric, dtype=float)
    return SegmentProblem(
        segment="Mid-Market", geographic=True, territory_ids=["W", "E"], unit_ids=[str(u) for u in range(n)],
        unit_county=[str(u) for u in range(n)], metric=values, n_accounts=np.ones(n), fixed_load=np.zeros(2),
        fixed_accounts=np.zeros(2), capacity=np.full(2, np.inf), mean_load=values.sum() / 2,
        candidates=[[0, 1]] * n, costs=[{0: 0.0, 1: 0.0}] * n, roots=[0, n - 1], neighbours=grid_neighbours(1, n),
        in_graph=np.ones(n, dtype=bool), start=np.array(start), account_unit=pd.Series(dtype=int), cost=np.zeros((n, 2)),
    )


def never_returns(*args):
    """A solve stuck where no clock is checked, deaf to the polite signals (for a minute, so
    that a deadline that does not stop it fails the test rather than hanging it)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(60)


def timed(call):
    started = time.perf_counter()
    try:
        return call(), time.perf_counter() - started
    except PlanningError as error:
        return error, time.perf_counter() - started


def test_highs_takes_every_option_the_solver_sets():
    model = _Model(strip_problem([1.0, 1.0], [0, 1]), 0.05, 10.0, 0.01)
    for name, value in HIGHS_OPTIONS.items():
        status, current = model.h.getOptionValue(name)
        assert status.name == "kOk", name
        assert current == value, name


def test_stuck_solve_is_stopped_at_the_deadline_and_todays_alignment_repaired_stands_in(monkeypatch):
    """A stuck solve is planted by patching this process, which only a forked worker inherits."""
    monkeypatch.setattr(deadline_module, "solve_segment", never_returns)
    # Today W holds 3 of 4 units (load 30 against 10); one unit handed east balances it.
    problem = strip_problem([10.0, 10.0, 10.0, 10.0], [0, 0, 0, 1])
    outcome, seconds = timed(lambda: solve_segment_within_deadline(problem, 0.05, "potential", 60.0, 0.01, 12,
                                                                   hard_deadline_seconds=2.0, start_method="fork"))
    assert seconds < 2.0 + MARGIN_SECONDS
    assert outcome.status == "fallback"
    assert outcome.assignment.tolist() == [0, 0, 1, 1]
    assert all(outcome.contiguous)
    assert not multiprocessing.active_children()


def test_stuck_solve_without_a_balanced_stand_in_names_the_segment_and_the_limit(monkeypatch):
    monkeypatch.setattr(deadline_module, "solve_segment", never_returns)
    # Two indivisible units of 30 and 10: no alignment is within 5% of the mean.
    problem = strip_problem([30.0, 10.0], [0, 1])
    error, seconds = timed(lambda: solve_segment_within_deadline(problem, 0.05, "potential", 60.0, 0.01, 12,
                                                                 hard_deadline_seconds=2.0, start_method="fork"))
    assert seconds < 2.0 + MARGIN_SECONDS
    assert isinstance(error, SolveDeadlineExceeded) and isinstance(error, PlanningError)
    assert "'Mid-Market'" in str(error) and "2 s" in str(error) and "hard_deadline_seconds" in str(error)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("start_method", ["forkserver", "spawn"])
def test_an_error_in_the_worker_comes_back_with_its_type_and_details(start_method):
    # Three units of 20 between two territories: 30 each only by halving one, so the LP has
    # a plan and the MIP none; the best whole split is 20 against 40, 33% off the mean.
    problem = strip_problem([20.0, 20.0, 20.0], [0, 0, 1])
    with pytest.raises(InfeasibleTolerance) as caught:
        solve_segment_within_deadline(problem, 0.05, "potential", 10.0, 0.01, 12, hard_deadline_seconds=60.0,
                                      start_method=start_method)
    assert caught.value.segment == "Mid-Market"
    assert caught.value.best_deviation_pct == pytest.approx(100 / 3, abs=0.5)
    assert not multiprocessing.active_children()


def halves_plan(**settings):
    cells = {(r, c): [{"current_territory_id": "W" if c < 3 else "E", "potential": 100.0 if c < 3 else 60.0}]
             for r in range(4) for c in range(6)}
    counties, adjacency = grid(4, 6)
    return plan_territories(accounts_on(cells), territories(["W", "E"]), PlanSettings(**settings),
                            adjacency=adjacency, counties=counties)


def test_each_segment_reports_how_its_solve_ended():
    solved = halves_plan().metrics.set_index("segment")
    assert solved.loc["SMB", "solve_status"] == "optimal"
    # A time limit already spent when the solve starts: the clock, not the work, ends it.
    hurried = halves_plan(time_limit_seconds=1e-6).metrics.set_index("segment")
    assert hurried.loc["SMB", "solve_status"] == "limit_reached"
    assert hurried.loc["SMB", "max_abs_deviation_pct"] <= 5.0 + 1e-9


@pytest.fixture(scope="module")
def mid_market_unlocked():
    """The national bench's Mid-Market (seed 7) with every lock flag cleared: its first MIP spun
    for 14 minutes in HiGHS's sub-MIP presolve with the former hard capacity rows."""
    accounts, territories_ = synthetic_nation(60_000, 7)
    accounts["locked"] = False
    return accounts[accounts["segment"] == "Mid-Market"], territories_[territories_["segment"] == "Mid-Market"]


def test_bench_mid_market_without_locks_ends_within_its_deadline(mid_market_unlocked):
    accounts, territories_ = mid_market_unlocked
    deadline = 30.0  # the solve takes 8-16 s on two cores, as busy as they come
    result, seconds = timed(lambda: plan_territories(accounts, territories_, PlanSettings(hard_deadline_seconds=deadline)))
    assert not isinstance(result, PlanningError), result
    assert seconds < deadline + PLANNING_SECONDS
    row = result.metrics.set_index("segment").loc["Mid-Market"]
    assert row["solve_status"] in {"optimal", "limit_reached", "fallback"}
    assert row["solve_seconds"] <= deadline + MARGIN_SECONDS
    assert row["max_abs_deviation_pct"] <= 5.0 + 1e-6
    assert bool(row["all_contiguous"])


def test_bench_mid_market_stopped_mid_solve_falls_back_to_a_balanced_plan(mid_market_unlocked):
    accounts, territories_ = mid_market_unlocked
    # Half the deadline for the solve (which needs more), half for repairing today's alignment.
    result, seconds = timed(lambda: plan_territories(accounts, territories_, PlanSettings(hard_deadline_seconds=8.0)))
    assert not isinstance(result, PlanningError), result
    assert seconds < 8.0 + PLANNING_SECONDS
    row = result.metrics.set_index("segment").loc["Mid-Market"]
    assert row["solve_status"] == "fallback"
    assert row["solve_seconds"] <= 8.0 + MARGIN_SECONDS
    assert row["tolerance_used"] == 0.05
    assert row["max_abs_deviation_pct"] <= 5.0 + 1e-6
    assert bool(row["all_contiguous"])
