"""Makes a balanced but scattered map plan contiguous without another MIP solve.

Why: enforcing contiguity inside the MIP takes a round of cuts and a re-solve per cut-off piece,
and at national scale the loop runs out of time after a round or two. The MIP's plan is already
balanced and cheap, and the pieces it cuts off are small, so a combinatorial repair finishes
the job in a fraction of a second:

1. every piece cut off from its territory's seed goes whole to a territory it touches on the
   map, the one that hurts balance least and then disruption least;
2. territories pushed outside the tolerance band trade boundary units along a chain of
   neighbouring territories until a territory with room absorbs the excess. A unit only leaves
   its territory when the rest stays connected, and it only joins a territory it touches, so
   every territory stays contiguous.

Seeds and capacity are kept, and units only go to their candidate territories, except a cut-off
piece that touches none of its own candidates (rare; the candidate MIP's LP bound then no longer
strictly bounds the plan's cost). Only the MIP's units move, so locked and named accounts, which
are fixed loads and not units, are never touched. When the repair cannot bring every territory
inside the tolerance, the caller falls back to cuts.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .problem import SegmentProblem

MAX_CHAIN_ATTEMPTS = 400  # chains tried before giving up on the balance step
AIM = 0.5  # a rebalanced territory lands this far inside its band edge (share of the tolerance)


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
        self.roots = {r for r in p.roots if r is not None}
        self.allowed = [set(c) for c in p.candidates]

    def excess(self, t: int, load: float | None = None) -> float:
        x = self.load[t] if load is None else load
        return max(0.0, self.lo - x - self.eps, x - self.hi - self.eps)

    def violation(self) -> float:
        return float(sum(self.excess(t) for t in range(len(self.load))))

    def within_capacity(self, t: int, extra: float) -> bool:
        return self.count[t] + extra <= self.p.capacity[t] + 1e-9

    def move(self, units, to: int) -> None:
        for u in units:
            frm = int(self.a[u])
            self.a[u] = to
            self.load[frm] -= self.p.metric[u]
            self.load[to] += self.p.metric[u]
            self.count[frm] -= self.p.n_accounts[u]
            self.count[to] += self.p.n_accounts[u]
            self.members[frm].discard(u)
            self.members[to].add(u)

    def pieces(self, t: int) -> list[set[int]]:
        left = set(self.members[t])
        found = []
        while left:
            seed = left.pop()
            comp, stack = {seed}, [seed]
            while stack:
                for v in self.p.neighbours[stack.pop()]:
                    if v in left:
                        left.discard(v)
                        comp.add(v)
                        stack.append(v)
            found.append(comp)
        return found

    def main_piece(self, t: int, parts: list[set[int]]) -> set[int]:
        root = self.p.roots[t]
        for part in parts:
            if root in part:
                return part
        return max(parts, key=lambda s: (self.p.metric[list(s)].sum(), len(s), -min(s)))

    def stays_connected_without(self, t: int, u: int) -> bool:
        """Whether territory t is still connected once u leaves (BFS on t's own units)."""
        near = [v for v in self.p.neighbours[u] if v in self.members[t]]
        if len(near) <= 1:
            return True
        targets = set(near[1:])
        seen, queue = {near[0], u}, deque([near[0]])
        while queue and targets:
            for v in self.p.neighbours[queue.popleft()]:
                if v not in seen and v in self.members[t]:
                    seen.add(v)
                    targets.discard(v)
                    queue.append(v)
        return not targets


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
    p = plan.p
    near: list[set[int]] = [set() for _ in range(len(p.territory_ids))]
    for t, mine in enumerate(plan.members):
        for u in mine:
            for v in p.neighbours[u]:
                s = int(plan.a[v])
                if s != t:
                    near[t].add(s)
    return near


def _chain(plan: _Plan, start: int, need: float, overloaded: bool, banned: set[tuple[int, ...]]) -> list[int] | None:
    """Shortest chain of touching territories from `start` to one with room for `need`."""
    graph = _territory_graph(plan)
    parent = {start: None}
    queue = deque([start])
    while queue:
        t = queue.popleft()
        room = (plan.hi - plan.load[t]) if overloaded else (plan.load[t] - plan.lo)
        if t != start and room >= need:
            path = [t]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            path.reverse()
            if tuple(path) not in banned:
                return path
        for s in sorted(graph[t]):
            if s not in parent:
                parent[s] = t
                queue.append(s)
    return None


def _transfer(plan: _Plan, donor: int, receiver: int, amount: float) -> int:
    """Move boundary units worth about `amount` from donor to receiver; returns units moved."""
    p = plan.p
    moved, left = 0, amount
    while left > plan.eps:
        options = []
        for u in plan.members[donor]:
            if u in plan.roots or p.metric[u] <= 0 or receiver not in plan.allowed[u]:
                continue
            if not any(plan.a[v] == receiver for v in p.neighbours[u]):
                continue
            if p.metric[u] > left + (plan.hi - plan.lo) * AIM:
                continue
            if not plan.within_capacity(receiver, p.n_accounts[u]):
                continue
            options.append((abs(left - p.metric[u]), float(p.cost[u, receiver] - p.cost[u, donor]), u))
        for *_, u in sorted(options):
            if plan.stays_connected_without(donor, u):
                plan.move([u], receiver)
                moved += 1
                left -= p.metric[u]
                break
        else:
            return moved
    return moved


def _rebalance(plan: _Plan) -> tuple[int, bool]:
    """Push load along chains of neighbours until every territory is inside the band."""
    moves = 0
    banned: set[tuple[int, ...]] = set()
    for _ in range(MAX_CHAIN_ATTEMPTS):
        before = plan.violation()
        if before <= 0:
            return moves, True
        worst = int(np.argmax([plan.excess(t) for t in range(len(plan.load))]))
        overloaded = plan.load[worst] > plan.hi
        band = plan.hi - plan.lo
        need = (plan.load[worst] - plan.hi if overloaded else plan.lo - plan.load[worst]) + AIM * band / 2
        path = _chain(plan, worst, need, overloaded, banned)
        if path is None:
            path = _chain(plan, worst, plan.excess(worst), overloaded, banned)
            if path is None:
                return moves, False
        snapshot = (plan.a.copy(), plan.load.copy(), plan.count.copy(), [set(m) for m in plan.members])
        steps = list(zip(path, path[1:]))
        if overloaded:
            pairs = [(d, r) for d, r in reversed(steps)]
        else:
            pairs = [(r, d) for d, r in steps]
        done = 0
        for donor, receiver in pairs:
            done += _transfer(plan, donor, receiver, need)
        if plan.violation() < before - plan.eps:
            moves += done
        else:
            plan.a, plan.load, plan.count, plan.members = snapshot
            banned.add(tuple(path))
    return moves, plan.violation() <= 0


def repair_plan(problem: SegmentProblem, assignment: np.ndarray, tolerance: float) -> RepairOutcome:
    """Contiguous version of `assignment` within ±tolerance when the repair can find one."""
    plan = _Plan(problem, assignment, tolerance)
    fragments, placed = _hand_off_fragments(plan)
    if not placed:
        return RepairOutcome(plan.a, False, fragments, 0)
    moves, balanced = _rebalance(plan)
    contiguous = all(len(plan.pieces(t)) <= 1 for t in range(len(problem.territory_ids)))
    capacity_ok = bool(np.all(plan.count <= problem.capacity + 1e-9))
    return RepairOutcome(plan.a, balanced and contiguous and capacity_ok, fragments, moves)
