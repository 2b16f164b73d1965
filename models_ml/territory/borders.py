"""Which territories each unit may join when load only crosses today's borders where it must.

Why: balance needs load to flow from heavy territories to light ones, and every border the load
crosses moves accounts. The fewest crossings follow from a small flow problem on the map of
today's territories: how much load each border carries so every territory lands inside the band.
A unit is then offered only its own territory, the territories it touches, and the territory
on the far side of a border that carries flow, when it lies in the strip of units nearest that
border (deep enough to carry the flow twice over). The MIP over that compact candidate set
keeps every move near a border that needs it.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy.optimize import linprog

from .problem import SegmentProblem

FLOW_BAND = 0.5  # the flow aims inside this share of the tolerance band
STRIP_FACTOR = 2.0  # a strip holds this many times its border's flow
STRIP_SLACK = 0.1  # plus this share of a mean load, so small flows still get a strip


def border_flows(problem: SegmentProblem, tolerance: float) -> dict[tuple[int, int], float] | None:
    """Load to carry across each border (donor, receiver) with the least total crossing; None
    when today's territories cannot reach the band by flows along their borders."""
    p = problem
    n_terr = len(p.territory_ids)
    load = p.fixed_load + np.bincount(p.start, weights=p.metric, minlength=n_terr)
    edges = sorted({(int(p.start[u]), int(p.start[v])) for u in np.flatnonzero(p.in_graph)
                    for v in p.neighbours[u] if p.start[u] != p.start[v]})
    if not edges:
        return None
    net = np.zeros((n_terr, len(edges)))
    for e, (s, t) in enumerate(edges):
        net[s, e] -= 1.0
        net[t, e] += 1.0
    lo = (1 - FLOW_BAND * tolerance) * p.mean_load
    hi = (1 + FLOW_BAND * tolerance) * p.mean_load
    result = linprog(np.ones(len(edges)), A_ub=np.vstack([net, -net]), b_ub=np.concatenate([hi - load, load - lo]),
                     bounds=(0, None), method="highs")
    if result.status != 0:
        return None
    floor = 1e-9 * max(p.mean_load, 1.0)
    return {edge: float(f) for edge, f in zip(edges, result.x) if f > floor}


def border_candidates(problem: SegmentProblem, flows: dict[tuple[int, int], float]) -> list[list[int]]:
    """Candidate territories per unit: its own, those it touches, and the receivers of the
    flowing borders whose strip it lies in. Units off the map keep their usual candidates."""
    p = problem
    offered = [{int(p.start[u])} for u in range(len(p.unit_ids))]
    for u in np.flatnonzero(p.in_graph):
        offered[u].update(int(p.start[v]) for v in p.neighbours[u])
    for (donor, receiver), flow in flows.items():
        on_border = [int(u) for u in np.flatnonzero((p.start == donor) & p.in_graph)
                     if any(p.start[v] == receiver for v in p.neighbours[u])]
        seen, queue = set(on_border), deque(on_border)
        need, got = STRIP_FACTOR * flow + STRIP_SLACK * p.mean_load, 0.0
        while queue and got < need:
            u = queue.popleft()
            offered[u].add(receiver)
            got += p.metric[u]
            for v in p.neighbours[u]:
                if v not in seen and p.start[v] == donor:
                    seen.add(v)
                    queue.append(v)
    for u in np.flatnonzero(~p.in_graph):
        offered[u] = set(p.candidates[u])
    for t, root in enumerate(p.roots):
        if root is not None:
            offered[root].add(t)
    return [sorted(c) for c in offered]
