"""A hand-made map for territory tests: a rows x cols grid of fake counties, 4-neighbour adjacency."""

from __future__ import annotations

import pandas as pd


def fips(r: int, c: int) -> str:
    return f"9{r:02d}{c:02d}"


def grid_neighbours(rows: int, cols: int) -> list[list[int]]:
    """4-neighbour adjacency of a rows x cols grid of units numbered row by row."""
    neighbours = []
    for r in range(rows):
        for c in range(cols):
            near = [(r + dr, c + dc) for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1))]
            neighbours.append(sorted(a * cols + b for a, b in near if 0 <= a < rows and 0 <= b < cols))
    return neighbours


def grid(rows: int, cols: int) -> tuple[pd.DataFrame, dict[str, frozenset[str]]]:
    """County positions (0.5 degree apart) and their adjacency."""
    counties = pd.DataFrame(
        [{"fips": fips(r, c), "state": "ZZ", "lat": 40 + 0.5 * r, "lon": -100 + 0.5 * c} for r in range(rows) for c in range(cols)]
    )
    adjacency = {}
    for r in range(rows):
        for c in range(cols):
            near = [(r + dr, c + dc) for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1))]
            adjacency[fips(r, c)] = frozenset(fips(a, b) for a, b in near if 0 <= a < rows and 0 <= b < cols)
    return counties, adjacency


def accounts_on(cells: dict[tuple[int, int], list[dict]], segment: str = "SMB") -> pd.DataFrame:
    """Accounts from {(row, col): [account fields...]}, keys numbered in order."""
    rows = []
    for (r, c), items in cells.items():
        for item in items:
            rows.append({"account_key": f"A{len(rows):03d}", "segment": segment, "county_fips": fips(r, c), **item})
    return pd.DataFrame(rows)


def territories(ids: list[str], segment: str = "SMB", **extra) -> pd.DataFrame:
    return pd.DataFrame([
        {"territory_id": t, "segment": segment, "owner_user_id": f"U{t}", **{k: v[i] for k, v in extra.items()}}
        for i, t in enumerate(ids)
    ])
