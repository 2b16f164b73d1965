"""Makes a balanced but scattered map plan contiguous without another MIP solve.

Why: enforcing contiguity inside the MIP takes a round of cuts and a re-solve per cut-off piece,
and at national scale the loop runs out of time after a round or two. The MIP's plan is already
balanced and cheap, so a combinatorial repair that starts from it finishes the job in seconds:

1. each territory keeps its heaviest connected piece; every other piece goes whole to a
   territory it touches on the map, the one that hurts balance least, then disruption least;
2. a territory pushed outside the tolerance band passes its excess (or shortfall) along the
   shortest chain of touching territories to one with room, one boundary unit at a time. A
   unit only leaves a territory that stays connected without it (a BFS on that territory's
   own units) and only joins a territory it touches, so every territory stays contiguous.

Capacity is kept, and units only go to their candidate territories, except a cut-off piece that
touches none of its own candidates (rare; the candidate MIP's LP bound then no longer strictly
bounds the plan's cost). Only the MIP's units move, so locked and named accounts, which
are fixed loads and not units, are never touched. When the repair cannot bring every territory
inside the tolerance, the caller falls back to cuts.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from .geography import components
from .problem import SegmentProblem

AIM = 0.5  # a rebalanced territory lands this far inside its band edge (share of half the band)
MAX_EMPTY_STEPS = 40  # empty units one transfer may move to reach accounts behind them; where
# accounts are sparse (Mid-Market over the Plains) a border runs through wide bands of empty
# counties, and a failed transfer is rolled back anyway


@dataclass
class RepairOutcome:
    """The repaired assignment and whether it is contiguous, balanced and within capacity."""

    assignment: np.ndarray
    feasible: bool
    fragments: int  # cut-off pieces handed to a neighbour
    moves: int  # single boundary units moved to restore balance


class _Plan:
    """A mutable assignment with per-territory loads, account counts and unit sets."""

    def __init__(self, problem: SegmentProblem, assignment: np.ndarray, tolerance: float) -> None:
        p = problem
        n_terr = len(p.territory_ids)
        self.p = p
        self.a = assignment.copy()
        self.load = p.fixed_load + np.bincount(self.a, weights=p.metric, minlength=n_terr)
        self.count = p.fixed_accounts + np.bincount(self.a, weights=p.n_accounts, minlength=n_terr)
        self.members: list[set[int]] = [set() for _ in range(n_terr)]
        for u in np.flatnonzero(p.in_graph):
            self.members[self.a[u]].add(int(u))
        self.lo = (1 - tolerance) * p.mean_load
        self.hi = (1 + tolerance) * p.mean_load
        self.eps = 1e-9 * max(p.mean_load, 1.0)
        self.allowed = [set(c) for c in p.candidates]
        on_map = np.flatnonzero(p.in_graph)
        self.edges = (np.repeat(on_map, [len(p.neighbours[u]) for u in on_map]).astype(np.int64),
                      np.array([v for u in on_map for v in p.neighbours[u]], dtype=np.int64))
        self.banded_work = p.workload is not None and p.workload_tolerance is not None
        unit_work = p.workload if self.banded_work else np.zeros(len(self.a))
        self.unit_work = unit_work
        self.work = (p.fixed_workload if self.banded_work else np.zeros(n_terr)) + np.bincount(self.a, weights=unit_work, minlength=n_terr)
        band = p.workload_tolerance if self.banded_work else 0.0
        self.work_lo, self.work_hi = (1 - band) * p.mean_workload, (1 + band) * p.mean_workload
        self.work_eps = 1e-9 * max(p.mean_workload, 1.0)

    def excess(self, t: int, load: float | None = None) -> float:
        x = self.load[t] if load is None else load
        return max(0.0, self.lo - x - self.eps, x - self.hi - self.eps)

    def violation(self) -> float:
        return float(sum(self.excess(t) for t in range(len(self.load))))

    def in_band(self, load: float) -> bool:
        """Whether a territory load lies inside the balance band."""
        return self.lo - self.eps <= load <= self.hi + self.eps

    def work_excess(self, value: float) -> float:
        """How far a workload lies outside the workload band (0 inside it, or with no band)."""
        if not self.banded_work:
            return 0.0
        return max(0.0, self.work_lo - value - self.work_eps, value - self.work_hi - self.work_eps)

    def work_violation(self) -> float:
        return float(sum(self.work_excess(w) for w in self.work))

    def work_allows(self, frm: int, to: int, delta: float) -> bool:
        """Moving `delta` workload from `frm` to `to` leaves neither further outside the band."""
        return (self.work_excess(self.work[frm] - delta) <= self.work_excess(self.work[frm])
                and self.work_excess(self.work[to] + delta) <= self.work_excess(self.work[to]))

    def within_capacity(self, t: int, extra: float) -> bool:
        return self.count[t] + extra <= self.p.capacity[t] + 1e-9

    def move(self, units, to: int) -> None:
        for u in units:
            frm = int(self.a[u])
            self.a[u] = to
            self.load[frm] -= self.p.metric[u]
            self.load[to] += self.p.metric[u]
            self.work[frm] -= self.unit_work[u]
            self.work[to] += self.unit_work[u]
            self.count[frm] -= self.p.n_accounts[u]
            self.count[to] += self.p.n_accounts[u]
            self.members[frm].discard(u)
            self.members[to].add(u)

    def stays_connected_without(self, t: int, u: int) -> bool:
        """Whether territory t is still connected once u leaves.

        One search starts from each of u's neighbours in t, and the searches take a unit each in
        turn, merging where they meet: the territory stays connected when they all merge, and is cut
        as soon as one runs out of units first. A cut-off piece is usually small, so the search
        ends once that piece is explored, instead of exploring the rest of the territory as a single
        search from one side would. The answer is the same as a BFS's; only the work differs.
        """
        members = self.members[t]
        neighbours = self.p.neighbours
        near = [v for v in neighbours[u] if v in members]
        if len(near) <= 1 or self._joined_around(u, near):
            return True
        return _one_piece_without(u, near, members, neighbours)

    def _joined_around(self, u: int, near: list[int]) -> bool:
        """Whether u's neighbours in its territory touch one another without u: then any path through u
        goes around it, so the territory stays connected. A cheap sufficient test that spares most BFS."""
        ring = set(near)
        seen, stack = {near[0]}, [near[0]]
        while stack:
            for v in self.p.neighbours[stack.pop()]:
                if v in ring and v not in seen:
                    seen.add(v)
                    stack.append(v)
        return len(seen) == len(ring)

    def pieces(self, t: int) -> list[set[int]]:
        members = self.members[t]
        return components(members, {u: self.p.neighbours[u] for u in members})

    def main_piece(self, t: int, parts: list[set[int]]) -> set[int]:
        """The piece a territory keeps: its heaviest, the seed's piece on ties.

        The seed is only the MIP's anchor; the MIP often grows a territory's bulk away from it,
        and keeping the seed's piece would throw that bulk, and the balance, away.
        """
        root = self.p.roots[t]
        return max(parts, key=lambda s: (self.p.metric[list(s)].sum(), root in s, len(s), -min(s)))


def _one_piece_without(u: int, near: list[int], members: set[int], neighbours) -> bool:
    """Whether the units `near` lie in one connected piece of `members` once `u` is taken out
    (see `_Plan.stays_connected_without`)."""
    owner = {u: -1}
    for i, v in enumerate(near):
        owner[v] = i
    root = list(range(len(near)))
    queues: list[deque | None] = [deque([v]) for v in near]
    searches = len(near)

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    while True:
        for r in range(len(near)):
            queue = queues[r]
            if queue is None:
                continue
            if not queue:
                return False
            for v in neighbours[queue.popleft()]:
                if v not in members:
                    continue
                label = owner.get(v)
                if label is None:
                    owner[v] = r
                    queue.append(v)
                elif label != r and label >= 0:
                    other = find(label)
                    if other != r:
                        root[other] = r
                        queue.extend(queues[other])
                        queues[other] = None
                        searches -= 1
                        if searches == 1:
                            return True


def fill_empty_units(problem: SegmentProblem, assignment: np.ndarray) -> np.ndarray:
    """`assignment` with each empty county given to the territory of the nearest county with
    accounts (in steps on the map).

    Why: empty counties weigh nothing in the MIP, so it scatters them and cuts territories
    into pieces that balance never asked for. Relabelling them changes no load and no
    account's territory, and leaves the repair only the pieces the accounts really form.
    """
    p = problem
    out = assignment.copy()
    empty = (p.metric <= 0) & (p.n_accounts <= 0) & p.in_graph
    empty[[r for r in p.roots if r is not None]] = False  # a seed keeps its territory
    queue = deque(int(u) for u in np.flatnonzero(~empty & p.in_graph))
    seen = set(queue)
    while queue:
        u = queue.popleft()
        for v in p.neighbours[u]:
            if v not in seen and empty[v]:
                seen.add(v)
                out[v] = out[u]
                queue.append(v)
    return out


def _hand_off_fragments(plan: _Plan) -> tuple[int, bool]:
    """Give every cut-off piece to a touching territory; False when capacity blocks one."""
    p = plan.p
    handed = 0
    dirty = set(range(len(p.territory_ids)))
    fragments: dict[int, list[set[int]]] = {}
    while True:
        for t in dirty:
            parts = plan.pieces(t)
            main = plan.main_piece(t, parts) if parts else None
            fragments[t] = [s for s in parts if s is not main]
        dirty = set()
        pending = [(p.metric[list(f)].sum(), len(f), min(f), t, f) for t, fs in fragments.items() for f in fs]
        if not pending:
            return handed, True
        *_, t, piece = min(pending, key=lambda x: x[:3])
        units = sorted(piece)
        weight = float(p.metric[units].sum())
        accounts = float(p.n_accounts[units].sum())
        touching = {int(plan.a[v]) for u in units for v in p.neighbours[u]} - {t}
        best = None
        for s in sorted(touching):
            if not plan.within_capacity(s, accounts):
                continue
            parts_s = plan.pieces(s)
            main_s = plan.main_piece(s, parts_s)
            joins_main = any(v in main_s for u in units for v in p.neighbours[u])
            harm = plan.excess(s, plan.load[s] + weight) - plan.excess(s) + plan.excess(t, plan.load[t] - weight) - plan.excess(t)
            strays = sum(1 for u in units if s not in plan.allowed[u])
            price = float(p.cost[units, s].sum() - p.cost[units, t].sum())
            key = (not joins_main, strays > 0, harm, price, s)
            if best is None or key < best[0]:
                best = (key, s)
        if best is None:
            return handed, False
        s = best[1]
        plan.move(units, s)
        handed += 1
        dirty = {t, s}


def _territory_graph(plan: _Plan) -> list[set[int]]:
    """Territory -> the territories it touches on the map, from the map's edges in one pass."""
    n_terr = len(plan.p.territory_ids)
    inside, outside = plan.a[plan.edges[0]], plan.a[plan.edges[1]]
    crossing = inside != outside
    near: list[set[int]] = [set() for _ in range(n_terr)]
    for code in np.unique(inside[crossing].astype(np.int64) * n_terr + outside[crossing]).tolist():
        near[code // n_terr].add(code % n_terr)
    return near


def _chain(plan: _Plan, start: int, need: float, overloaded: bool, banned: set[tuple[int, ...]]) -> tuple[list[int], float] | None:
    """Shortest chain of touching territories from `start` to one with room for `need`.

    When no territory has that much room, the chain ends at the one with the most room and
    carries only what fits there. Returns the chain and the amount to carry along it.
    """
    graph = _territory_graph(plan)
    parent = {start: None}
    queue = deque([start])
    roomiest = None
    while queue:
        t = queue.popleft()
        room = (plan.hi - plan.load[t]) if overloaded else (plan.load[t] - plan.lo)
        if t != start and room > plan.eps:
            path = [t]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            path.reverse()
            if tuple(path) not in banned:
                if room >= need:
                    return path, need
                if roomiest is None or room > roomiest[1]:
                    roomiest = (path, room)
        for s in sorted(graph[t]):
            if s not in parent:
                parent[s] = t
                queue.append(s)
    return roomiest


def _transfer(plan: _Plan, donor: int, receiver: int, amount: float) -> int:
    """Move boundary units worth about `amount` from donor to receiver; returns units moved.

    A unit is taken when it brings the amount left closer to zero and the donor stays connected
    without it; among those, the one that costs least disruption per unit of load. When only
    empty units (counties without accounts) line the border, a few of them go first, so the
    receiver can reach the accounts behind them.
    """
    p = plan.p
    moved, left, empties = 0, amount, 0
    border = set(_border(plan, donor, receiver))
    while left > plan.eps:
        options = [(p.metric[u] <= 0, float(p.cost[u, receiver] - p.cost[u, donor]) / max(p.metric[u], plan.eps), u)
                   for u in border
                   if p.metric[u] < 2 * left and plan.within_capacity(receiver, p.n_accounts[u])]
        for empty, *_, u in sorted(options):
            if empty and empties >= MAX_EMPTY_STEPS:
                return moved
            if plan.stays_connected_without(donor, u):
                plan.move([u], receiver)
                moved += 1
                empties += empty
                left -= p.metric[u]
                border.discard(u)
                border.update(v for v in p.neighbours[u] if v in plan.members[donor] and receiver in plan.allowed[v])
                break
        else:
            return moved
    return moved


def _border(plan: _Plan, donor: int, receiver: int):
    """The donor's units that may join the receiver: allowed there and touching it on the map.

    Found once per transfer and kept up to date as units move: a transfer only moves units from the
    donor to the receiver, so a unit touching the receiver keeps touching it, and only the neighbours
    of a unit that moved can join the border.
    """
    p = plan.p
    donors = plan.members[donor]
    for t in plan.members[receiver]:
        for u in p.neighbours[t]:
            if u in donors and receiver in plan.allowed[u]:
                yield u


def _rebalance(plan: _Plan, deadline: float) -> int:
    """Push load along chains of touching territories until every territory is in the band.

    Each chain is kept only when it lowers the total distance to the band; returns the units
    moved.
    """
    moves = 0
    banned: set[tuple[int, ...]] = set()
    stuck: set[int] = set()
    while time.perf_counter() < deadline:
        before = plan.violation()
        if before <= 0:
            return moves
        excess = [0.0 if t in stuck else plan.excess(t) for t in range(len(plan.load))]
        worst = int(np.argmax(excess))
        if excess[worst] <= 0:
            return moves
        overloaded = plan.load[worst] > plan.hi
        need = (plan.load[worst] - plan.hi if overloaded else plan.lo - plan.load[worst]) + AIM * (plan.hi - plan.lo) / 2
        found = _chain(plan, worst, need, overloaded, banned)
        if found is None:
            stuck.add(worst)
            continue
        path, amount = found
        snapshot = (plan.a.copy(), plan.load.copy(), plan.work.copy(), plan.count.copy(), [set(m) for m in plan.members])
        steps = list(zip(path, path[1:]))
        pairs = list(reversed(steps)) if overloaded else [(r, d) for d, r in steps]
        done = sum(_transfer(plan, donor, receiver, amount) for donor, receiver in pairs)
        if plan.violation() < before - plan.eps:
            moves += done
            stuck.clear()
        else:
            plan.a, plan.load, plan.work, plan.count, plan.members = snapshot
            banned.add(tuple(path))
    return moves


def repair_plan(problem: SegmentProblem, assignment: np.ndarray, tolerance: float, time_limit: float = 10.0) -> RepairOutcome:
    """Contiguous version of `assignment` within ±tolerance when the repair can find one."""
    deadline = time.perf_counter() + time_limit
    plan = _Plan(problem, assignment, tolerance)
    fragments, placed = _hand_off_fragments(plan)
    moves = 0
    if placed:
        # Chains that failed once may work after other chains reshaped the map: retry while
        # a pass still helps.
        before = np.inf
        while plan.violation() < before and time.perf_counter() < deadline:
            before = plan.violation()
            moves += _rebalance(plan, deadline)
    return RepairOutcome(plan.a, placed and _settled(plan), fragments, moves)


def _settled(plan: _Plan) -> bool:
    """Every territory contiguous, inside the band and within capacity."""
    contiguous = all(len(plan.pieces(t)) <= 1 for t in range(len(plan.load)))
    capacity_ok = bool(np.all(plan.count <= plan.p.capacity + 1e-9))
    return contiguous and capacity_ok and plan.violation() <= 0
