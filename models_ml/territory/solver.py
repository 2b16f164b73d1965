"""The assignment MIP (HiGHS), followed by a contiguity repair, with cuts as the fallback.

Each unit goes to exactly one candidate territory; every territory's balance metric stays within
±tolerance of the segment mean (a hard constraint); capacity caps accounts; each territory keeps
its seed unit. The objective prices disruption, compactness, hierarchy and rep strengths.

Contiguity is not modelled up front (a flow formulation is too slow at national scale). The MIP
is solved without it and `repair.repair_plan` reconnects the result combinatorially. Only when
that repair cannot keep every territory within tolerance does the MIP get cuts, one per cut-off
piece S of territory t:  sum of x[u,t] over S <= |S| - 1 + sum of x[v,t] over the neighbours v
of S  (a connected territory that holds all of S must also hold a unit on its border), and the
solve-repair round repeats. The repair starts from a few plans (the MIP's, the MIP's with its
empty counties relabelled, today's) and keeps the cheapest that comes out contiguous and
balanced; `polish.polish_plan` then sends units home where balance no longer needs them moved. Then
one more MIP asks for contiguity directly (`ordering` rows over the `borders` candidates,
so load crosses only the borders a flow on today's map says it must); its polished plan
replaces the repaired one when it is cheaper, since chains of repair transfers move more
accounts than the borders need.

A workload band, when set, is added only where it binds (see `solve_segment`).

Every step stops on work done, not on the clock (MIP nodes and the relative gap, repair rounds,
polish passes), so the same inputs give the same plan however busy the machine is. The segment's
time limit is only a safety net: if it is hit, the last balanced plan is returned with its
scattered territories flagged not contiguous: tolerance is never traded for contiguity.

The reported bound is the LP relaxation of the MIP before any cut; contiguity only shrinks the
feasible set, so it is a valid lower bound on the cost of any contiguous plan.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import highspy
import numpy as np

from .borders import border_candidates, border_flows
from .errors import InfeasibleTolerance, PlanningError
from .geography import components
from .ordering import ordering_rows, seed_distances
from .polish import polish_plan
from .problem import SegmentProblem
from .repair import RepairOutcome, _Plan, fill_empty_units, repair_plan
from .workload import rebalance_workload

_FEASIBLE = 2  # HiGHS solution status "feasible"
MIP_MAX_NODES = 200  # branch-and-bound nodes per solve of the assignment MIP (most stop at the root)
ORDERED_MAX_NODES = 20  # nodes for the contiguous-by-construction MIP: its first plans are its best
REPAIR_MIN_SECONDS = 10.0  # safety net for the repair, even when the MIP used the whole budget
POLISH_MIN_SECONDS = 10.0  # safety net for each polish pass
# HiGHS settings every model shares. HiGHS checks its time limit between steps, but not inside
# the presolve it runs on each sub-MIP its heuristics start: there `strengthenInequalities`
# once spun 14 minutes on knapsack rows (hard capacity rows; national bench, Mid-Market, locks
# cleared: RENS's sub-MIP, then the reduced-cost heuristic's sub-MIP inside it). RENS keeps most
# of the model in its sub-MIP, so that presolve is the largest; without RENS the same segment
# solved in 21 s, and the bench's plans stay within a point or two of accounts moved (see
# BENCHMARKS.md). RINS and the reduced-cost heuristic find most of the good plans and stay on:
# without them the same MIP ended on its node budget 2.8 times costlier. No option bounds the
# sub-MIPs' presolve itself: `mip_root_presolve_only` turns it off but made the bench's first
# MIPs 1.7 to 4.7 times slower, and without restarts the hang came back by another path. The hard
# deadline in `deadline` bounds the rest.
HIGHS_OPTIONS = {
    "output_flag": False,
    "log_to_console": False,
    "threads": 1,  # also what lets the solve run in a forked worker (see deadline)
    "random_seed": 7,
    "mip_heuristic_run_rens": False,
}


@dataclass
class SolveOutcome:
    """The chosen territory per unit and what the solver says about its quality."""

    assignment: np.ndarray
    objective: float
    lp_bound: float
    gap_pct: float
    contiguous: list[bool]
    rounds: int  # MIP solves
    cuts: int
    fragments: int  # cut-off pieces the repair handed to a neighbour
    moves: int  # boundary units the repair moved to restore balance
    seconds: float
    # How the solve ended: 'optimal' when every step stopped on work done (the MIP's gap or
    # node budget, repair rounds, polish passes), 'limit_reached' when the segment ran past
    # its time limit so the clock cut a step short, 'fallback' when the hard deadline stopped
    # the solve and today's alignment, repaired, stands in (see `deadline`).
    status: str = "optimal"


class _Model:
    """One HiGHS model over the problem's candidate pairs, to which rows can be added."""

    def __init__(self, problem: SegmentProblem, tolerance: float | None, time_limit: float, mip_gap: float,
                 max_nodes: int = MIP_MAX_NODES) -> None:
        self.problem = problem
        cols_u, cols_t, cost = [], [], []
        self.col = {}
        for u, cand in enumerate(problem.candidates):
            for t in cand:
                self.col[(u, t)] = len(cols_u)
                cols_u.append(u)
                cols_t.append(t)
                cost.append(problem.costs[u][t])
        self.cols_u = np.array(cols_u, dtype=np.int64)
        self.cols_t = np.array(cols_t, dtype=np.int64)
        self.deviation_mode = tolerance is None
        n = len(cols_u)
        lower = np.zeros(n)
        for t, r in enumerate(problem.roots):
            if r is not None:
                lower[self.col[(r, t)]] = 1.0
        h = highspy.Highs()
        for name, value in HIGHS_OPTIONS.items():
            h.setOptionValue(name, value)
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_max_nodes", int(max_nodes))
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        objective = np.zeros(n) if self.deviation_mode else np.array(cost, dtype=float)
        h.addCols(n, objective, lower, np.ones(n), 0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([], dtype=float))
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
        self.h = h
        self.n_binary = n
        if self.deviation_mode:
            h.addCols(1, np.array([1.0]), np.array([0.0]), np.array([highspy.kHighsInf]), 0,
                      np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([], dtype=float))
        self._assignment_rows()
        self._balance_rows(tolerance)
        self._capacity_rows()

    def add_rows(self, rows: list[tuple[float, float, list[int], list[float]]]) -> None:
        if not rows:
            return
        starts, index, value, lower, upper = [], [], [], [], []
        for lo, up, idx, val in rows:
            starts.append(len(index))
            index.extend(idx)
            value.extend(val)
            lower.append(lo)
            upper.append(up)
        self.h.addRows(len(rows), np.array(lower, dtype=float), np.array(upper, dtype=float), len(index),
                       np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.array(value, dtype=float))

    def _by_territory(self):
        order = np.argsort(self.cols_t, kind="stable")
        split = np.searchsorted(self.cols_t[order], np.arange(len(self.problem.territory_ids) + 1))
        return [order[split[t]:split[t + 1]] for t in range(len(self.problem.territory_ids))]

    def _assignment_rows(self) -> None:
        rows: dict[int, list[int]] = {}
        for c, u in enumerate(self.cols_u):
            rows.setdefault(int(u), []).append(c)
        self.add_rows([(1.0, 1.0, cols, [1.0] * len(cols)) for _, cols in sorted(rows.items())])

    def _balance_rows(self, tolerance: float | None) -> None:
        p = self.problem
        # Loads are expressed in mean territory loads so HiGHS sees coefficients near 1.
        scale = p.mean_load if p.mean_load > 0 else 1.0
        mean = p.mean_load / scale
        fixed = p.fixed_load / scale
        rows = []
        for t, cols in enumerate(self._by_territory()):
            m = p.metric[self.cols_u[cols]] / scale
            idx, val = cols.tolist(), m.tolist()
            if self.deviation_mode:
                delta = self.n_binary
                rows.append((-highspy.kHighsInf, mean - fixed[t], idx + [delta], val + [-mean]))
                rows.append((mean - fixed[t], highspy.kHighsInf, idx + [delta], val + [mean]))
            else:
                rows.append(((1 - tolerance) * mean - fixed[t], (1 + tolerance) * mean - fixed[t], idx, val))
        self.add_rows(rows)
        self._workload_rows()

    def _workload_rows(self) -> None:
        """The workload band, when workload has one beside the balance metric (hard in the MIP)."""
        p = self.problem
        if p.workload is None or p.workload_tolerance is None:
            return
        scale = p.mean_workload if p.mean_workload > 0 else 1.0
        band = p.workload_tolerance
        rows = []
        for t, cols in enumerate(self._by_territory()):
            fixed = p.fixed_workload[t] / scale
            rows.append(((1 - band) - fixed, (1 + band) - fixed, cols.tolist(), (p.workload[self.cols_u[cols]] / scale).tolist()))
        self.add_rows(rows)

    def _capacity_rows(self) -> None:
        """Rep capacity as a price, not a wall: accounts over a rep's Max_Accounts__c cost
        `overflow_weight` each (nothing when only balance is asked), so a CRM whose reps are
        over capacity today still gets a plan, and the overflow is reported per rep."""
        p = self.problem
        rows = []
        self.overflow_cols: dict[int, int] = {}
        price = 0.0 if self.deviation_mode else float(p.overflow_weight)
        for t, cols in enumerate(self._by_territory()):
            if np.isfinite(p.capacity[t]):
                col = self.h.getNumCol()
                self.h.addCols(1, np.array([price]), np.array([0.0]), np.array([highspy.kHighsInf]), 0,
                               np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([], dtype=float))
                self.overflow_cols[t] = col
                rows.append((-highspy.kHighsInf, p.capacity[t] - p.fixed_accounts[t], cols.tolist() + [col],
                             p.n_accounts[self.cols_u[cols]].tolist() + [-1.0]))
        self.add_rows(rows)

    def warm_start(self, assignment: np.ndarray) -> None:
        values = np.zeros(self.h.getNumCol())
        for u, t in enumerate(assignment):
            c = self.col.get((u, int(t)))
            if c is not None:
                values[c] = 1.0
        p = self.problem
        held = np.bincount(np.asarray(assignment, dtype=np.int64).clip(min=0), weights=p.n_accounts, minlength=len(p.territory_ids))
        for t, col in self.overflow_cols.items():
            values[col] = max(0.0, held[t] + p.fixed_accounts[t] - p.capacity[t])
        sol = highspy.HighsSolution()
        sol.col_value = values.tolist()
        self.h.setSolution(sol)

    def solve(self) -> bool:
        """Run HiGHS; True when it holds a feasible solution."""
        self.h.run()
        return self.h.getInfo().primal_solution_status == _FEASIBLE

    def is_infeasible(self) -> bool:
        return self.h.getModelStatus() == highspy.HighsModelStatus.kInfeasible

    def assignment(self) -> np.ndarray:
        values = np.asarray(self.h.getSolution().col_value)[: self.n_binary]
        chosen = np.full(len(self.problem.unit_ids), -1)
        best = np.full(len(self.problem.unit_ids), -1.0)
        for c in np.flatnonzero(values > 1e-6):
            u = self.cols_u[c]
            if values[c] > best[u]:
                best[u] = values[c]
                chosen[u] = self.cols_t[c]
        return chosen

    def objective(self) -> float:
        return float(self.h.getInfo().objective_function_value)

    def _relaxed(self) -> highspy.HighsModelStatus:
        n = self.n_binary
        self.h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kContinuous] * n))
        self.h.run()
        status = self.h.getModelStatus()
        self.h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
        return status

    def lp_feasible(self) -> bool:
        """Solve the LP relaxation; True unless it is infeasible. Keeps its objective as the bound."""
        status = self._relaxed()
        solved = status == highspy.HighsModelStatus.kOptimal
        self.lp_objective = float(self.h.getInfo().objective_function_value) if solved else float("nan")
        return status != highspy.HighsModelStatus.kInfeasible


def territory_pieces(problem: SegmentProblem, assignment: np.ndarray) -> list[list[set[int]]]:
    """Connected pieces of each territory's units on the unit graph (units off the graph ignored)."""
    adjacency = {u: problem.neighbours[u] for u in range(len(problem.unit_ids))}
    pieces = []
    for t in range(len(problem.territory_ids)):
        mine = [u for u in np.flatnonzero(assignment == t) if problem.in_graph[u]]
        pieces.append(components(mine, adjacency))
    return pieces


def fragment_cuts(model: _Model, pieces: list[list[set[int]]]) -> list[tuple[float, float, list[int], list[float]]]:
    """One cut per piece cut off from its territory's seed (or from its largest piece).

    sum over S of x[u,t] - sum over the border N(S) of x[v,t] <= |S| - 1: holding all of S
    while holding none of its border is exactly what a scattered territory does.
    """
    p = model.problem
    rows = []
    for t, parts in enumerate(pieces):
        if len(parts) <= 1:
            continue
        root = p.roots[t]
        main = next((s for s in parts if root in s), max(parts, key=len))
        for piece in parts:
            if piece is main:
                continue
            inside = [model.col[(u, t)] for u in sorted(piece) if (u, t) in model.col]
            border = {v for u in piece for v in p.neighbours[u]} - piece
            border_cols = [model.col[(v, t)] for v in sorted(border) if (v, t) in model.col]
            rows.append((-highspy.kHighsInf, float(len(inside) - 1), inside + border_cols, [1.0] * len(inside) + [-1.0] * len(border_cols)))
    return rows


def _best_deviation(problem: SegmentProblem, cuts: list, time_limit: float) -> float | None:
    """Smallest achievable max deviation (in % of the mean) under the same constraints."""
    model = _Model(problem, None, time_limit, 0.01)
    model.add_rows(cuts)
    if not model.solve():
        return None
    return 100.0 * model.objective()


def _plan_cost(problem: SegmentProblem, assignment: np.ndarray) -> float:
    """The MIP's objective for a plan: unit prices plus the price of accounts over capacity."""
    held = np.bincount(np.asarray(assignment, dtype=np.int64), weights=problem.n_accounts,
                       minlength=len(problem.territory_ids)) + problem.fixed_accounts
    overflow = np.clip(held - problem.capacity, 0, None)
    return float(problem.cost[np.arange(len(assignment)), assignment].sum() + problem.overflow_weight * overflow[np.isfinite(overflow)].sum())


def _outside_workload_band(problem: SegmentProblem, assignment: np.ndarray, tolerance: float) -> bool:
    return problem.workload is not None and _Plan(problem, assignment, tolerance).work_violation() > 0


def _preference(problem: SegmentProblem, assignment: np.ndarray, contiguous: bool, tolerance: float) -> tuple:
    """How plans rank: contiguous first, then inside the workload band, then cheaper."""
    return (not contiguous, _outside_workload_band(problem, assignment, tolerance), _plan_cost(problem, assignment))


def _repair_starts(problem: SegmentProblem, balanced: np.ndarray, rounds: int) -> list[np.ndarray]:
    """Plans to repair: the MIP's, the same with empty counties filled in, and (first round
    only) today's alignment, which is already contiguous where today's territories are."""
    starts = [fill_empty_units(problem, balanced), balanced]
    if rounds == 1:
        starts.append(problem.start.copy())
    return starts


def _best_repair(problem: SegmentProblem, starts: list[np.ndarray], tolerance: float, budget: float) -> RepairOutcome:
    """Repair every start and keep the cheapest feasible result (the first failure otherwise).

    Which start repairs with the least disruption depends on how scattered the MIP's plan is,
    so trying a few costs seconds and removes the dependence on one lucky solution.
    """
    deadline = time.perf_counter() + budget
    best: RepairOutcome | None = None
    first: RepairOutcome | None = None
    for start in starts:
        left = deadline - time.perf_counter()
        if left <= 0 and (best is not None or first is not None):
            break
        out = repair_plan(problem, start, tolerance, max(left, 1.0))
        first = first or out
        if out.feasible and (best is None or _plan_cost(problem, out.assignment) < _plan_cost(problem, best.assignment)):
            best = out
    return best or first


def _ordered_plan(problem: SegmentProblem, tolerance: float, time_limit: float, mip_gap: float) -> np.ndarray | None:
    """A contiguous, balanced plan from one MIP over border candidates with ordering rows,
    or None when that model has no solution in time (see `borders` and `ordering`)."""
    flows = border_flows(problem, tolerance)
    if flows is None:
        return None
    candidates = border_candidates(problem, flows)
    costs = [{t: float(problem.cost[u, t]) for t in cand} for u, cand in enumerate(candidates)]
    narrow = dataclasses.replace(problem, candidates=candidates, costs=costs)
    model = _Model(narrow, tolerance, time_limit, mip_gap, ORDERED_MAX_NODES)
    rows, dead = ordering_rows(narrow, model.col, seed_distances(narrow, problem.lat, problem.lon))
    model.add_rows(rows)
    if dead:
        zero = np.zeros(len(dead))
        model.h.changeColsBounds(len(dead), np.array(dead, dtype=np.int32), zero, zero)
    if not model.solve():
        return None
    assignment = model.assignment()
    if any(len(parts) > 1 for parts in territory_pieces(problem, assignment)):
        return None
    return assignment


def absorb_overflow(problem: SegmentProblem, assignment: np.ndarray) -> SegmentProblem:
    """The problem with each territory's capacity raised to what `assignment` holds.

    The MIP prices overflow; the polish and workload steps that follow treat capacity as a
    wall. Setting the wall where the plan already is lets them work without adding overflow
    the MIP did not pay for.
    """
    held = np.bincount(np.asarray(assignment, dtype=np.int64).clip(min=0), weights=problem.n_accounts,
                       minlength=len(problem.territory_ids)) + problem.fixed_accounts
    return dataclasses.replace(problem, capacity=np.maximum(problem.capacity, held))


def _without_capacity(problem: SegmentProblem) -> SegmentProblem:
    """The problem as the contiguity repair sees it: contiguity is hard and capacity a price,
    so a fragment may go to a rep over capacity rather than leave a territory in pieces."""
    return dataclasses.replace(problem, capacity=np.full(len(problem.territory_ids), np.inf))


def solve_segment(problem: SegmentProblem, tolerance: float, metric: str, time_limit: float, mip_gap: float, max_rounds: int) -> SolveOutcome:
    """The segment's plan; a workload band, when set, is a constraint added only where it binds.

    The plan is first made without the workload band. When that plan leaves a territory's
    workload outside its band, border counties are handed to neighbours (`workload`); only when
    that is not enough is the segment solved again with the band (MIP rows, and a polish that
    never pushes workload out), and the better of the two plans kept: contiguous first, then
    inside the workload band, then cheaper. Most plans balanced on potential are already
    balanced on workload, and they stay exactly what they were. A plan outside the workload
    band is still a plan: its deviation is in the metrics and a Dagster check warns.
    """
    if problem.workload is None:
        return _solve(problem, tolerance, metric, time_limit, mip_gap, max_rounds)
    unbanded = dataclasses.replace(problem, workload=None, workload_tolerance=None)
    first = _solve(unbanded, tolerance, metric, time_limit, mip_gap, max_rounds)
    if not _outside_workload_band(problem, first.assignment, tolerance):
        return first
    first = _even_out_workload(problem, first, tolerance)
    if not _outside_workload_band(problem, first.assignment, tolerance):
        return first
    try:
        second = _even_out_workload(problem, _solve(problem, tolerance, metric, time_limit, mip_gap, max_rounds), tolerance)
    except PlanningError:
        return first
    second.seconds += first.seconds
    second.status = "limit_reached" if "limit_reached" in (first.status, second.status) else second.status
    if (_preference(problem, second.assignment, all(second.contiguous), tolerance)
            < _preference(problem, first.assignment, all(first.contiguous), tolerance)):
        return second
    return first


def _even_out_workload(problem: SegmentProblem, outcome: SolveOutcome, tolerance: float) -> SolveOutcome:
    """The outcome with border units handed over for workload, then sent home where allowed."""
    if not problem.geographic or not all(outcome.contiguous):
        return outcome
    started = time.perf_counter()
    assignment = rebalance_workload(problem, outcome.assignment, tolerance)
    assignment, _ = polish_plan(problem, assignment, tolerance, POLISH_MIN_SECONDS)
    objective = _plan_cost(problem, assignment)
    gap = 100.0 * max(objective - outcome.lp_bound, 0.0) / abs(objective) if abs(objective) > 1e-9 else 0.0
    return dataclasses.replace(outcome, assignment=assignment, objective=objective, gap_pct=gap,
                               seconds=outcome.seconds + time.perf_counter() - started)


def _solve(problem: SegmentProblem, tolerance: float, metric: str, time_limit: float, mip_gap: float, max_rounds: int) -> SolveOutcome:
    """Solve the segment's MIP, repair contiguity, and fall back to cuts when the repair fails.

    `time_limit` is the safety net of one solve (see the module docstring); `max_rounds` caps
    the MIP solves.
    """
    started = time.perf_counter()
    model = _Model(problem, tolerance, time_limit, mip_gap)
    # Candidate lists keep the model small; when they make balance impossible even for the LP
    # (territories crowded together compete for the same counties), offer more territories.
    while not model.lp_feasible() and problem.widen():
        model = _Model(problem, tolerance, time_limit, mip_gap)
    bound = model.lp_objective
    model.warm_start(problem.start)
    all_cuts: list = []
    rounds = fragments = moves = 0
    while True:
        rounds += 1
        left = time_limit - (time.perf_counter() - started)
        model.h.setOptionValue("time_limit", max(1.0, left))
        if not model.solve():
            if model.is_infeasible():
                detail = " with contiguous territories" if all_cuts else ""
                best = _best_deviation(problem, all_cuts, max(5.0, time_limit / 2))
                raise InfeasibleTolerance(problem.segment, tolerance, best, metric, detail)
            raise PlanningError(
                f"Segment {problem.segment!r}: no plan within ±{tolerance * 100:.1f}% found within "
                f"{MIP_MAX_NODES} solver nodes and {time_limit:.0f} s; raise territory_plan.tolerance."
            )
        balanced = model.assignment()
        pieces = territory_pieces(problem, balanced)
        if not problem.geographic or all(len(parts) <= 1 for parts in pieces):
            assignment, contiguous = balanced, [True] * len(pieces)
            break
        repair_budget = max(REPAIR_MIN_SECONDS, time_limit - (time.perf_counter() - started))
        repaired = _best_repair(_without_capacity(problem), _repair_starts(problem, balanced, rounds), tolerance, repair_budget)
        fragments += repaired.fragments
        moves += repaired.moves
        if repaired.feasible:
            assignment, contiguous = repaired.assignment, [True] * len(pieces)
            break
        if rounds >= max_rounds or time.perf_counter() - started >= time_limit:
            assignment, contiguous = balanced, [len(parts) <= 1 for parts in pieces]
            break
        cuts = fragment_cuts(model, pieces)
        all_cuts.extend(cuts)
        model.add_rows(cuts)
        model.warm_start(balanced)
    def remaining() -> float:
        return max(POLISH_MIN_SECONDS, time_limit - (time.perf_counter() - started))

    if problem.geographic and all(contiguous):
        assignment, _ = polish_plan(absorb_overflow(problem, assignment), assignment, tolerance, remaining())
    if problem.geographic and time.perf_counter() - started < time_limit:
        ordered = _ordered_plan(problem, tolerance, remaining(), mip_gap)
        if ordered is not None:
            ordered, _ = polish_plan(absorb_overflow(problem, ordered), ordered, tolerance, remaining())
            if _preference(problem, ordered, True, tolerance) < _preference(problem, assignment, all(contiguous), tolerance):
                assignment, contiguous = ordered, [True] * len(contiguous)
                fragments = moves = 0
    objective = _plan_cost(problem, assignment)
    gap = 100.0 * max(objective - bound, 0.0) / abs(objective) if abs(objective) > 1e-9 else 0.0
    seconds = time.perf_counter() - started
    # Every step's budget is what is left of `time_limit` (or a floor once it is spent), so a
    # step the clock cut short always leaves the segment at or past its time limit.
    return SolveOutcome(
        assignment=assignment, objective=objective, lp_bound=bound, gap_pct=gap, contiguous=contiguous,
        rounds=rounds, cuts=len(all_cuts), fragments=fragments, moves=moves, seconds=seconds,
        status="limit_reached" if seconds >= time_limit else "optimal",
    )
