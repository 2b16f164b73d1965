"""Gives moved boundary units back to the territory that holds them today, where the plan allows.

Why: the MIP and the contiguity repair aim at balance first; the repair in particular pushes load
along chains of territories and leaves units away from home that balance no longer needs. Every
unit that can go home without breaking anything is an account a rep keeps.

A unit goes back to a territory that holds some of its accounts today when it lowers the plan's
price (disruption, compactness, hierarchy), the unit touches that territory on the map, its
current territory stays connected without it, both territories stay inside the tolerance band
(and the workload band, or no further outside it, when workload has one) and the receiver stays
within capacity. When one unit alone would push a territory out of the
band, a swap tries to send one of the receiver's own away-from-home units back the other way in
the same step, and an exchange tries to carry the same load across the same border with fewer
accounts: the unit goes home and a cheaper unit of its home territory, on the border, takes its
place. Every step keeps the plan contiguous, balanced and within capacity, so the pass
can stop at any time and still return a valid plan.
"""

from __future__ import annotations

import time

import numpy as np

from .problem import SegmentProblem
from .repair import _Plan

MAX_PASSES = 20
EXCHANGE_TRIES = 8  # best-priced partners checked for connectivity per exchange


def _home_territories(problem: SegmentProblem, u: int, here: int) -> list[int]:
    """Today's territories of unit u other than `here`, the one holding most of it first."""
    held = problem.stay.get(u, {})
    return sorted((t for t in held if t != here), key=lambda t: (-held[t], t))


def _touches(plan: _Plan, u: int, t: int) -> bool:
    return any(plan.a[v] == t for v in plan.p.neighbours[u])


def _gain(plan: _Plan, u: int, to: int) -> float:
    return float(plan.p.cost[u, plan.a[u]] - plan.p.cost[u, to])


def _can_leave(plan: _Plan, u: int, frm: int) -> bool:
    return not plan.p.in_graph[u] or plan.stays_connected_without(frm, u)


def _can_join(plan: _Plan, u: int, to: int) -> bool:
    return not plan.p.in_graph[u] or _touches(plan, u, to)


def _single(plan: _Plan, u: int, to: int) -> bool:
    """Move u alone when both territories stay in the band and connected."""
    p = plan.p
    frm = int(plan.a[u])
    if not (plan.in_band(plan.load[frm] - p.metric[u]) and plan.in_band(plan.load[to] + p.metric[u])):
        return False
    if not plan.work_allows(frm, to, plan.unit_work[u]):
        return False
    if not plan.within_capacity(to, p.n_accounts[u]) or not _can_join(plan, u, to) or not _can_leave(plan, u, frm):
        return False
    plan.move([u], to)
    return True


def _swap(plan: _Plan, u: int, to: int) -> bool:
    """Send u home to `to` and, in exchange, one of `to`'s away units home to u's territory."""
    p = plan.p
    frm = int(plan.a[u])
    if not _can_join(plan, u, to) or not _can_leave(plan, u, frm):
        return False
    best = None
    for v in np.flatnonzero(plan.a == to):
        if v == u or frm not in p.stay.get(int(v), {}) or _gain(plan, int(v), frm) <= 0:
            continue
        delta = p.metric[u] - p.metric[v]
        if not (plan.in_band(plan.load[frm] - delta) and plan.in_band(plan.load[to] + delta)):
            continue
        if not plan.work_allows(frm, to, plan.unit_work[u] - plan.unit_work[v]):
            continue
        accounts = p.n_accounts[u] - p.n_accounts[v]
        if not (plan.within_capacity(to, accounts) and plan.within_capacity(frm, -accounts)):
            continue
        gain = _gain(plan, int(v), frm)
        if best is None or gain > best[0]:
            best = (gain, int(v))
    if best is None:
        return False
    v = best[1]
    plan.move([u], to)
    if _can_join(plan, v, frm) and _can_leave(plan, v, to):
        plan.move([v], frm)
        return True
    plan.move([u], frm)
    return False


def _exchange(plan: _Plan, u: int, home: int) -> bool:
    """Send u home and move, in its place, the home unit on the shared border that keeps both
    territories in the band and costs least to move; only when the pair lowers the price."""
    p = plan.p
    here = int(plan.a[u])
    if not _can_join(plan, u, home) or not _can_leave(plan, u, here):
        return False
    gain_u = _gain(plan, u, home)
    options = []
    for w in plan.members[home]:
        if w == u or here not in plan.allowed[w] or not _touches(plan, w, here):
            continue
        delta = p.metric[u] - p.metric[w]
        if not (plan.in_band(plan.load[here] - delta) and plan.in_band(plan.load[home] + delta)):
            continue
        if not plan.work_allows(here, home, plan.unit_work[u] - plan.unit_work[w]):
            continue
        gain = gain_u + float(p.cost[w, home] - p.cost[w, here])
        accounts = p.n_accounts[u] - p.n_accounts[w]
        if gain > plan.eps and plan.within_capacity(home, accounts) and plan.within_capacity(here, -accounts):
            options.append((-gain, int(w)))
    plan.move([u], home)
    for _, w in sorted(options)[:EXCHANGE_TRIES]:
        if _touches(plan, w, here) and plan.stays_connected_without(home, w):
            plan.move([w], here)
            return True
    plan.move([u], here)
    return False


def polish_plan(problem: SegmentProblem, assignment: np.ndarray, tolerance: float, time_limit: float = 5.0) -> tuple[np.ndarray, int]:
    """Return `assignment` with units sent home where allowed, and how many units went home.

    `assignment` must already be contiguous, inside the band and within capacity; the result is
    too, and its price is never higher.
    """
    deadline = time.perf_counter() + time_limit
    plan = _Plan(problem, assignment, tolerance)
    returned = 0
    for _ in range(MAX_PASSES):
        away = [(u, t) for u in np.flatnonzero(problem.n_accounts + problem.metric > 0)
                for t in _home_territories(problem, int(u), int(plan.a[u])) if _gain(plan, int(u), t) > 0]
        away.sort(key=lambda ut: (-_gain(plan, int(ut[0]), ut[1]), int(ut[0])))
        changed = 0
        for u, t in away:
            if time.perf_counter() > deadline:
                return plan.a, returned
            if plan.a[u] == t or _gain(plan, int(u), t) <= 0:
                continue
            if _single(plan, int(u), t) or _swap(plan, int(u), t) or _exchange(plan, int(u), t):
                changed += 1
        returned += changed
        if not changed:
            break
    return plan.a, returned
