"""Contiguity written into the MIP as linear rows, so the solve itself returns connected territories.

Why: a balanced but scattered plan has to be repaired afterwards, and the repair hands cut-off
pieces around and pushes load along chains of territories, moving far more accounts than the
plan itself. Asking the MIP for contiguity from the start keeps every move on a border that
balance needs.

How: every territory ranks the map's units by a distance from its seed, and a unit may only
join the territory when it also holds a neighbour ranked closer to the seed:
x[u,t] <= sum of x[v,t] over those neighbours v. Following closer neighbours always ends at the
seed, which the territory holds, so every territory is connected. The distance runs along
today's territory at map cost and charges a large toll for every step outside it, so today's
alignment satisfies every row (the band of counties a territory may win is its border, then
the counties behind them) and a territory can shed any unit that nothing of its own sits
behind. The rows forbid some contiguous plans (those reaching a unit only through units
ranked farther), which is why the caller keeps the repair as the fallback.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .geography import haversine_km
from .problem import SegmentProblem

OUTSIDE_TOLL = 1e5  # km charged for each step that leaves today's territory; dwarfs any path inside
STEP_KM = 1.0  # added to every step so parts of one split county are ordered too


def seed_distances(problem: SegmentProblem, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance of every unit from every territory's seed (inf when unreachable or seedless)."""
    p = problem
    n = len(p.unit_ids)
    rows, cols = [], []
    for u in np.flatnonzero(p.in_graph):
        for v in p.neighbours[u]:
            rows.append(int(u))
            cols.append(int(v))
    rows = np.array(rows, dtype=np.int64)
    cols = np.array(cols, dtype=np.int64)
    km = np.nan_to_num(haversine_km(lat[rows], lon[rows], lat[cols], lon[cols]), nan=0.0) + STEP_KM
    out = np.full((n, len(p.territory_ids)), np.inf)
    for t, root in enumerate(p.roots):
        if root is None:
            continue
        inside = (p.start[rows] == t) & (p.start[cols] == t)
        graph = csr_matrix((km + np.where(inside, 0.0, OUTSIDE_TOLL), (rows, cols)), shape=(n, n))
        out[:, t] = dijkstra(graph, directed=True, indices=root)
    return out


def ordering_rows(problem: SegmentProblem, col: dict[tuple[int, int], int], dist: np.ndarray) -> tuple[list, list[int]]:
    """The rows x[u,t] - sum of x[v,t] over closer neighbours v <= 0, and the columns that no
    closer neighbour can ever support (they must stay 0)."""
    p = problem
    rows, dead = [], []
    for (u, t), c in col.items():
        if not p.in_graph[u] or p.roots[t] is None or p.roots[t] == u:
            continue
        closer = [col[(v, t)] for v in p.neighbours[u] if dist[v, t] < dist[u, t] and (v, t) in col]
        if closer:
            rows.append((-np.inf, 0.0, [c] + closer, [1.0] + [-1.0] * len(closer)))
        else:
            dead.append(c)
    return rows, dead
