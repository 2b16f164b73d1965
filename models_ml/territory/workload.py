"""Brings territories' workload into its band by handing border counties to a neighbour.

Why a local search and not only the MIP: a plan balanced on potential is usually off on workload
in a few territories only, and a few border counties fix it. Moving them keeps every other
territory as it is, where a second solve would redraw the map and move more accounts.

A move hands one unit on a territory's border to the neighbour it touches. It is taken when it
shrinks the total workload outside the band, both territories stay inside the potential band, the
receiver stays within capacity and the giver stays connected (seeds never move). The move that
shrinks the violation most goes first, the cheaper to move on ties. When no single unit can move
without pushing potential out of its band, two units trade places across a border: one heavy in
workload for one light, of similar potential. Every step keeps the plan contiguous, balanced and
within capacity, so the search can stop at any point.
"""

from __future__ import annotations

import time

import numpy as np

from .problem import SegmentProblem
from .repair import _Plan

MAX_MOVES = 5000
SWAP_PARTNERS = 30  # border units per side tried in a trade, those closest in potential first
TRADE_TRIES = 50  # best trades checked for connectivity before giving up


def _moves_for(plan: _Plan, t: int):
    """(unit, from, to) handing load out of an overloaded t, or into an underloaded one."""
    p = plan.p
    if plan.work[t] > plan.work_hi:
        for u in plan.members[t]:
            for s in {int(plan.a[v]) for v in p.neighbours[u]} - {t}:
                yield u, t, s
    else:
        border = {v for u in plan.members[t] for v in p.neighbours[u] if plan.a[v] != t}
        for v in border:
            yield v, int(plan.a[v]), t


def _allowed(plan: _Plan, u: int, frm: int, to: int) -> bool:
    p = plan.p
    if u == p.roots[frm] or to not in plan.allowed[u]:
        return False
    m = p.metric[u]
    return plan.in_band(plan.load[frm] - m) and plan.in_band(plan.load[to] + m) and plan.within_capacity(to, p.n_accounts[u])


def _work_gain(plan: _Plan, t: int, s: int, delta: float) -> float:
    """Shrink of the workload outside the band when `delta` workload goes from t to s."""
    before = plan.work_excess(plan.work[t]) + plan.work_excess(plan.work[s])
    return before - plan.work_excess(plan.work[t] - delta) - plan.work_excess(plan.work[s] + delta)


def _trade(plan: _Plan) -> bool:
    """The best trade of two border units between a territory outside the band and a neighbour."""
    p = plan.p
    options = []
    for t in range(len(plan.work)):
        if plan.work_excess(plan.work[t]) <= 0:
            continue
        outward = plan.work[t] > plan.work_hi
        for s in sorted({int(plan.a[v]) for u in plan.members[t] for v in p.neighbours[u]} - {t}):
            mine = [u for u in plan.members[t] if u != p.roots[t] and s in plan.allowed[u]
                    and any(plan.a[v] == s for v in p.neighbours[u])]
            theirs = [v for v in plan.members[s] if v != p.roots[s] and t in plan.allowed[v]
                      and any(plan.a[w] == t for w in p.neighbours[v])]
            for u in mine:
                for v in sorted(theirs, key=lambda v: abs(p.metric[v] - p.metric[u]))[:SWAP_PARTNERS]:
                    dw = plan.unit_work[u] - plan.unit_work[v]
                    if (dw > 0) != outward:
                        continue
                    dm = p.metric[u] - p.metric[v]
                    if not (plan.in_band(plan.load[t] - dm) and plan.in_band(plan.load[s] + dm)):
                        continue
                    dn = p.n_accounts[u] - p.n_accounts[v]
                    if not (plan.within_capacity(s, dn) and plan.within_capacity(t, -dn)):
                        continue
                    gain = _work_gain(plan, t, s, dw)
                    if gain > plan.work_eps:
                        cost = float(p.cost[u, s] - p.cost[u, t] + p.cost[v, t] - p.cost[v, s])
                        options.append((-gain, cost, u, v, t, s))
    for _, _, u, v, t, s in sorted(options)[:TRADE_TRIES]:
        if not plan.stays_connected_without(t, u):
            continue
        plan.move([u], s)
        if any(plan.a[w] == t for w in p.neighbours[v]) and plan.stays_connected_without(s, v):
            plan.move([v], t)
            return True
        plan.move([u], t)
    return False


def rebalance_workload(problem: SegmentProblem, assignment: np.ndarray, tolerance: float, time_limit: float = 10.0) -> np.ndarray:
    """`assignment` with border units handed over until workload is in its band or no move helps."""
    plan = _Plan(problem, assignment, tolerance)
    if not plan.banded_work or not problem.geographic:
        return assignment
    deadline = time.perf_counter() + time_limit
    for _ in range(MAX_MOVES):
        if plan.work_violation() <= 0 or time.perf_counter() > deadline:
            break
        options = []
        for t in range(len(plan.work)):
            if plan.work_excess(plan.work[t]) <= 0:
                continue
            for u, frm, to in _moves_for(plan, t):
                gain = _work_gain(plan, frm, to, plan.unit_work[u])
                if gain > plan.work_eps and _allowed(plan, u, frm, to):
                    options.append((-gain, float(problem.cost[u, to] - problem.cost[u, frm]), u, frm, to))
        options.sort()
        for _, _, u, frm, to in options:
            if plan.stays_connected_without(frm, u):
                plan.move([u], to)
                break
        else:
            if not _trade(plan):
                break
    return plan.a
