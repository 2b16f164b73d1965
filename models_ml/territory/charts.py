"""Pictures of a plan for people who decide on it: a territory map and a balance chart.

The map fills counties with their territory's colour, draws the borders between territories as
heavy lines and writes each territory's name on it. County shapes come from a tessellation of the
county centroids the planner already uses (`geography.load_counties`), not from boundary files:
no package Terrain pins ships county polygons, and the one wheel on PyPI that does
(plotly-geo 1.0.0) is a 24 MB download of 2016 Census shapes, unreleased since 2019 (so without
Alaska's 2019 split that `geography` reconciles) and readable only with a shapefile reader. A
Voronoi cell per centroid (scipy, installed with scikit-learn) gives neighbouring counties a
shared edge, so a territory reads as a region and its border as a line; each cell is clipped to
a disc around its centroid so coastal and border counties stop near the coast instead of
running out to sea. Alaska, Hawaii and Puerto Rico are drawn beside the lower 48, as on most US
maps. Counties without accounts are not planned; they are drawn pale in the colour of the
nearest territory, so a sparse segment (Enterprise) still reads as regions rather than confetti,
and the borders follow those regions. Accounts outside US counties (abroad) and territories that
are not drawn on the map (named, vertical, mixed) are shown by the balance chart only.

The balance chart puts each territory's load before and after side by side, grouped by the plan
group it was balanced in (a segment's US map, its territories abroad, a vertical, a named
book), with each group's band drawn around that group's own mean at the tolerance the plan was
held to (`tolerance_used`, wider where the plan had to relax it).

Territories are labelled with their names; a territory without one (proposed as new) keeps its id.
Everything is drawn with matplotlib's Agg backend, so the functions run on a server, and returns
PNG bytes ready to attach to a report or asset; `map_figure` and `balance_figure` return the
figure itself for callers that inspect or restyle it.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

LEGEND_MAX_TERRITORIES = 30  # beyond this a legend hides the map; the names on the map remain
MAIN_PARALLEL = 38.0  # degrees; longitudes are shrunk by its cosine so the lower 48 keep their shape
DISC_SIDES = 32
DISC_NEIGHBOURS = 6  # a cell reaches at most DISC_REACH times the mean distance to this many neighbours,
DISC_REACH = 1.0  # and never more than DISC_MAX (about 130 km), so lone coastal and island counties stay small
DISC_MAX = 1.2
# State FIPS prefix -> (centre lon, centre lat, scale, lon, lat where it is drawn); the island
# areas (American Samoa, Guam, the Northern Marianas, the Virgin Islands) are left out.
INSETS = {"02": (-152.0, 62.0, 0.35, -117.0, 27.0), "15": (-157.5, 20.6, 1.0, -105.0, 25.5),
          "72": (-66.3, 18.2, 1.0, -77.0, 25.0)}
LEFT_OUT = ("60", "66", "69", "78")
# tab20's strong colours first, then its light ones, without its greys (the colour of "nobody"):
# up to nine territories get nine distinct hues.
PALETTE = [plt.get_cmap("tab20")(i) for i in (*range(0, 20, 2), *range(1, 20, 2)) if i not in (14, 15)]
HUES = len(PALETTE) // 2
BACKGROUND = "#ececec"
BORDER = "#1f1f1f"
GROUP_GAP = 1.5  # empty bar slots between two plan groups
BALANCE_VALUES = {"potential_usd": "potential (USD)", "workload": "workload", "accounts": "accounts"}


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def territory_labels(ids, names: Mapping[str, str] | None = None) -> list[str]:
    """The name of each territory, or its id when it has none (a territory proposed as new)."""
    names = names or {}
    labels = []
    for tid in ids:
        name = names.get(str(tid))
        labels.append(str(name).strip() if isinstance(name, str) and name.strip() else str(tid))
    return labels


# --- the map -------------------------------------------------------------------------------


def map_positions(counties: pd.DataFrame) -> np.ndarray:
    """Plane positions of county centroids: an equirectangular map of the lower 48 with Alaska,
    Hawaii and Puerto Rico moved (Alaska shrunk) into the empty corner beneath it."""
    fips = counties["fips"].astype(str).str.zfill(5).str[:2].to_numpy()
    lon = counties["lon"].to_numpy(dtype=float)
    lon = np.where(lon > 0, lon - 360.0, lon)
    lat = counties["lat"].to_numpy(dtype=float)
    x = lon * np.cos(np.radians(MAIN_PARALLEL))
    y = lat.copy()
    for prefix, (lon0, lat0, scale, to_lon, to_lat) in INSETS.items():
        mine = fips == prefix
        x[mine] = (lon[mine] - lon0) * np.cos(np.radians(lat0)) * scale + to_lon * np.cos(np.radians(MAIN_PARALLEL))
        y[mine] = (lat[mine] - lat0) * scale + to_lat
    return np.column_stack([x, y])


@dataclass(frozen=True)
class CountyCells:
    """One polygon per county (plane coordinates) and the shared edges between neighbours."""

    fips: tuple[str, ...]
    centres: np.ndarray  # (n, 2)
    polygons: tuple[np.ndarray, ...]  # each (k, 2)
    edge_pairs: np.ndarray  # (m, 2) indices of the two counties on each side of an edge
    edges: np.ndarray  # (m, 2, 2) the edge's end points, clipped to both counties' discs


def _disc(centre: np.ndarray, radius: float) -> np.ndarray:
    angles = np.linspace(0.0, 2 * np.pi, DISC_SIDES, endpoint=False)
    return centre + radius * np.column_stack([np.cos(angles), np.sin(angles)])


def _clip_convex(subject: np.ndarray, clip: np.ndarray) -> np.ndarray:
    """Sutherland-Hodgman: the part of polygon `subject` inside the convex, anticlockwise `clip`."""
    out = list(subject)
    for k in range(len(clip)):
        a, b = clip[k], clip[(k + 1) % len(clip)]
        edge = b - a
        points, out = out, []
        if not points:
            break
        side = [edge[0] * (p[1] - a[1]) - edge[1] * (p[0] - a[0]) for p in points]
        for i, p in enumerate(points):
            q, sq, sp = points[i - 1], side[i - 1], side[i]
            if (sp >= 0) != (sq >= 0):
                out.append(q + (p - q) * (sq / (sq - sp)))
            if sp >= 0:
                out.append(p)
    return np.asarray(out, dtype=float).reshape(-1, 2)


def _clip_segments(a: np.ndarray, b: np.ndarray, centre: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each segment a->b cut to the disc (centre, radius); returns new ends and which survive."""
    d = b - a
    f = a - centre
    qa = (d * d).sum(1)
    qb = 2 * (f * d).sum(1)
    qc = (f * f).sum(1) - radius**2
    disc = qb**2 - 4 * qa * qc
    ok = (disc > 0) & (qa > 0)
    root = np.sqrt(np.where(ok, disc, 0.0))
    safe = np.where(qa > 0, qa, 1.0)
    t0 = np.clip((-qb - root) / (2 * safe), 0.0, 1.0)
    t1 = np.clip((-qb + root) / (2 * safe), 0.0, 1.0)
    ok &= t1 > t0
    return a + d * t0[:, None], a + d * t1[:, None], ok


@lru_cache(maxsize=4)
def _tessellate(fips: tuple[str, ...], centres_bytes: bytes) -> CountyCells:
    from scipy.spatial import Voronoi, cKDTree

    centres = np.frombuffer(centres_bytes, dtype=float).reshape(-1, 2).copy()
    n = len(centres)
    # Counties sharing a centroid (cities placed on a neighbour's) are nudged apart to get a cell.
    seen: dict[tuple[float, float], int] = {}
    for i, (x, y) in enumerate(centres):
        k = seen.get((x, y), 0)
        seen[(x, y)] = k + 1
        if k:
            centres[i] += 0.02 * k * np.array([np.cos(k), np.sin(k)])
    if n > 1:
        distances, _ = cKDTree(centres).query(centres, k=min(DISC_NEIGHBOURS, n - 1) + 1)
        radius = np.clip(DISC_REACH * np.asarray(distances)[:, 1:].mean(axis=1), 0.05, DISC_MAX)
    else:
        radius = np.full(n, DISC_MAX / 2)
    span = float(np.ptp(centres, axis=0).max()) + 1.0 if n else 1.0
    middle = centres.mean(axis=0) if n else np.zeros(2)
    frame = _disc(middle, 10 * span)  # far points, so every county's cell is finite
    vor = Voronoi(np.vstack([centres, frame]))
    polygons = []
    for i in range(n):
        region = vor.regions[vor.point_region[i]]
        if not region or -1 in region:
            polygons.append(_disc(centres[i], radius[i] / 3))
            continue
        cell = vor.vertices[region]
        if (np.hypot(*(cell - centres[i]).T) > radius[i]).any():
            cell = _clip_convex(cell, _disc(centres[i], radius[i]))
        polygons.append(cell)
    pairs = np.asarray(vor.ridge_points)
    vertices = np.asarray(vor.ridge_vertices)
    real = (pairs < n).all(axis=1) & (vertices >= 0).all(axis=1)
    pairs, vertices = pairs[real], vertices[real]
    a, b = vor.vertices[vertices[:, 0]], vor.vertices[vertices[:, 1]]
    a, b, ok_i = _clip_segments(a, b, centres[pairs[:, 0]], radius[pairs[:, 0]])
    a, b, ok_j = _clip_segments(a, b, centres[pairs[:, 1]], radius[pairs[:, 1]])
    keep = ok_i & ok_j
    return CountyCells(fips, centres, tuple(polygons), pairs[keep], np.stack([a[keep], b[keep]], axis=1))


def county_cells(counties: pd.DataFrame) -> CountyCells:
    """The county cells of a map (cached: the same counties give the same cells)."""
    shown = counties[~counties["fips"].astype(str).str[:2].isin(LEFT_OUT)].dropna(subset=["lat", "lon"])
    centres = np.ascontiguousarray(map_positions(shown), dtype=float)
    return _tessellate(tuple(shown["fips"].astype(str)), centres.tobytes())


def county_territories(assignments: pd.DataFrame, accounts: pd.DataFrame, *, segment: str | None = None,
                       territory_ids=None) -> pd.DataFrame:
    """The territory holding most of each county's accounts (fips, territory_id, accounts).

    `territory_ids` keeps only those territories (a segment's US map, say); accounts abroad have
    no county and are left out.
    """
    joined = accounts[["account_key", "county_fips"]].dropna().astype(str).merge(
        assignments[["account_key", "segment", "proposed_territory_id"]].astype({"account_key": str}), on="account_key")
    if segment is not None:
        joined = joined[joined["segment"] == segment]
    if territory_ids is not None:
        joined = joined[joined["proposed_territory_id"].astype(str).isin({str(t) for t in territory_ids})]
    counts = joined.groupby(["county_fips", "proposed_territory_id"]).size().reset_index(name="accounts")
    main = counts.sort_values(["accounts", "proposed_territory_id"], ascending=[False, True]).drop_duplicates("county_fips")
    return (main.rename(columns={"county_fips": "fips", "proposed_territory_id": "territory_id"})
            .astype({"territory_id": str}).sort_values("fips", ignore_index=True))


def territory_colours(territory_of: np.ndarray, edge_pairs: np.ndarray, order: list[str]) -> dict[str, tuple]:
    """A colour per territory: a colour no other territory has while the palette lasts (so the
    legend is exact up to 18 territories), of another hue than its neighbours' where it can be,
    and never its neighbours' colour while another is free."""
    a, b = territory_of[edge_pairs[:, 0]], territory_of[edge_pairs[:, 1]]
    touching = (a != b) & (a != "") & (b != "")
    neighbours: dict[str, set[str]] = {t: set() for t in order}
    for x, y in zip(a[touching], b[touching]):
        neighbours[x].add(y)
        neighbours[y].add(x)
    chosen: dict[str, int] = {}
    used = [0] * len(PALETTE)
    hue = [i % HUES for i in range(len(PALETTE))]
    for tid in order:
        near = {chosen[t] for t in neighbours[tid] if t in chosen}
        near_hues = {hue[c] for c in near}
        pick = min(range(len(PALETTE)), key=lambda c: (used[c] > 0, hue[c] in near_hues, c in near, used[c], c))
        chosen[tid] = pick
        used[pick] += 1
    return {t: PALETTE[c] for t, c in chosen.items()}


def nearest_territory(territory_of: np.ndarray, edge_pairs: np.ndarray) -> np.ndarray:
    """Each county's territory, and for a county without accounts that of the nearest county with
    accounts (fewest borders crossed, ties to the first reached); "" where none is reachable.

    A county without accounts is not planned, but a map whose territories stop at the last
    county with a customer reads as confetti: the tint shows which rep is closest."""
    reach = territory_of.copy()
    neighbours: list[list[int]] = [[] for _ in range(len(reach))]
    for i, j in edge_pairs:
        neighbours[i].append(j)
        neighbours[j].append(i)
    frontier = list(np.flatnonzero(reach != ""))
    while frontier:
        following = []
        for i in frontier:
            for j in neighbours[i]:
                if reach[j] == "":
                    reach[j] = reach[i]
                    following.append(j)
        frontier = following
    return reach


def _tint(colour, share: float = 0.35) -> tuple:
    r, g, b, _ = matplotlib.colors.to_rgba(colour)
    return (1 - share + share * r, 1 - share + share * g, 1 - share + share * b, 1.0)


def _label_points(cells: CountyCells, territory_of: np.ndarray, order: list[str]) -> dict[str, np.ndarray]:
    """Where each territory's name goes: its county nearest the middle of its counties, so the
    name sits on the territory even when it bends round another."""
    points = {}
    for tid in order:
        mine = np.flatnonzero(territory_of == tid)
        centre = cells.centres[mine].mean(axis=0)
        points[tid] = cells.centres[mine[np.argmin(np.hypot(*(cells.centres[mine] - centre).T))]]
    return points


def map_figure(assignments: pd.DataFrame, accounts: pd.DataFrame, counties: pd.DataFrame | None = None, *,
               segment: str | None = None, territory_ids=None, names: Mapping[str, str] | None = None,
               title: str = "Proposed territories") -> Figure:
    """Counties filled with the colour of the territory holding most of their accounts.

    Collections carry gids: `territories` (one polygon per county with accounts), `background`
    (the other counties), `borders` (edges between territories); names are texts with gid
    `territory_name`.
    """
    if counties is None:
        from .geography import load_counties

        counties = load_counties()
    cells = county_cells(counties)
    held = county_territories(assignments, accounts, segment=segment, territory_ids=territory_ids)
    held = held[held["fips"].isin(set(cells.fips))]
    territory_of = pd.Series(cells.fips).map(dict(zip(held["fips"], held["territory_id"]))).fillna("").to_numpy(dtype=object)
    order = sorted(held["territory_id"].unique(), key=lambda t: (territory_labels([t], names)[0], t))
    colours = territory_colours(territory_of, cells.edge_pairs, order)
    filled = np.flatnonzero(territory_of != "")
    empty = np.flatnonzero(territory_of == "")
    reach = nearest_territory(territory_of, cells.edge_pairs)

    fig, ax = plt.subplots(figsize=(11, 7))
    ax.add_collection(PolyCollection([cells.polygons[i] for i in empty], edgecolors="none", gid="background",
                                     facecolors=[_tint(colours[reach[i]]) if reach[i] else BACKGROUND for i in empty]))
    ax.add_collection(PolyCollection([cells.polygons[i] for i in filled], facecolors=[colours[territory_of[i]] for i in filled],
                                     edgecolors=(1, 1, 1, 0.35), linewidths=0.15, gid="territories"))
    a, b = reach[cells.edge_pairs[:, 0]], reach[cells.edge_pairs[:, 1]]
    between = (a != b) & (a != "") & (b != "")
    ax.add_collection(LineCollection(cells.edges[between], colors=BORDER, linewidths=0.9, gid="borders"))
    labels = dict(zip(order, territory_labels(order, names)))
    prefix = f"{segment} " if segment else None
    on_map = {t: (label[len(prefix):] if prefix and label.startswith(prefix) and len(label) > len(prefix) else label)
              for t, label in labels.items()}
    stroke = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for tid, (x, y) in _label_points(cells, territory_of, order).items():
        ax.text(x, y, on_map[tid], fontsize=7.5, fontweight="bold", ha="center", va="center", color="#111111",
                path_effects=stroke, gid="territory_name", clip_on=True)
    if 0 < len(order) <= LEGEND_MAX_TERRITORIES:
        handles = [Patch(facecolor=colours[t], edgecolor="none", label=labels[t]) for t in order]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
                  ncols=1 if len(order) <= 15 else 2, title="Territory", title_fontsize=8)
    shown = np.vstack([cells.polygons[i] for i in filled]) if len(filled) else (
        np.vstack(cells.polygons) if cells.polygons else np.zeros((1, 2)))
    low, high = shown.min(axis=0), shown.max(axis=0)
    margin = 0.03 * (high - low).max() + 0.1
    ax.set_xlim(low[0] - margin, high[0] + margin)
    ax.set_ylim(low[1] - margin, high[1] + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if not len(filled):
        ax.text(0.5, 0.5, "no account of these territories sits in a US county", transform=ax.transAxes, ha="center")
    ax.set_title(f"{title} ({len(order)} territories, {len(filled)} counties with accounts)")
    if len(empty) and len(filled):
        ax.text(0.0, -0.01, "Pale counties have no accounts yet and take the colour of the nearest territory.",
                transform=ax.transAxes, fontsize=7, color="#555555", va="top")
    return fig


def plot_territory_map(assignments: pd.DataFrame, accounts: pd.DataFrame, counties: pd.DataFrame | None = None, *,
                       segment: str | None = None, territory_ids=None, names: Mapping[str, str] | None = None,
                       title: str = "Proposed territories") -> bytes:
    """`map_figure` as PNG bytes."""
    return png_bytes(map_figure(assignments, accounts, counties, segment=segment, territory_ids=territory_ids,
                           names=names, title=title))


# --- the balance chart -----------------------------------------------------------------------


def _groups(after: pd.DataFrame) -> pd.Series:
    return after["plan_group"].astype(str) if "plan_group" in after else pd.Series("all", index=after.index)


def balance_bands(after: pd.DataFrame, *, value: str = "potential_usd", tolerance: float = 0.05,
                  group_tolerance: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per plan group: the mean load of its territories and the band the plan held them to.

    `group_tolerance` is the tolerance each group was planned at (`tolerance_used`), falling
    back to `tolerance`; `relaxed` marks groups planned at a wider band than configured.
    """
    group_tolerance = group_tolerance or {}
    loads = after.assign(_group=_groups(after)).groupby(["_group", "territory_id"], sort=True)[value].sum()
    rows = []
    for group, load in loads.groupby(level=0, sort=True):
        tol = float(group_tolerance.get(group, tolerance))
        if not np.isfinite(tol):
            tol = tolerance
        mean = float(load.mean())
        rows.append({"plan_group": group, "territories": len(load), "mean": mean, "tolerance": tol,
                     "low": mean * (1 - tol), "high": mean * (1 + tol), "relaxed": tol > tolerance + 1e-12})
    return pd.DataFrame(rows, columns=["plan_group", "territories", "mean", "tolerance", "low", "high", "relaxed"])


def _group_caption(group: str, segment: str | None, width: int, tol: float, relaxed: bool) -> str:
    """A few words for a plan group above its bars: `US map`, `CA map`, `vertical: ...`."""
    rest = group[len(segment) + 3:] if segment and group.startswith(f"{segment} / ") else group
    if segment and group == segment:
        text = "US map"
    elif rest.startswith("geographic "):
        text = f"{rest[len('geographic '):]} map"
    elif rest.startswith("vertical "):
        text = f"vertical: {rest[len('vertical '):]}"
    else:
        kind = rest.split(" ")[0]
        text = {"named": "named accounts", "mixed": "mixed rules"}.get(kind, kind)
    lines = textwrap.wrap(text, width=width, max_lines=2, placeholder="…") or [text]
    return "\n".join([*lines, f"±{tol * 100:.3g}%" + (" relaxed" if relaxed else "")])


def _money(x, _pos) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= size:
            return f"${x / size:.3g}{suffix}"
    return f"${x:.0f}"


def balance_figure(before: pd.DataFrame, after: pd.DataFrame, *, tolerance: float = 0.05, value: str = "potential_usd",
                   group_tolerance: Mapping[str, float] | None = None, names: Mapping[str, str] | None = None,
                   segment: str | None = None, title: str | None = None) -> Figure:
    """Bars of each territory's load before and after, each plan group's band around its mean.

    `after` needs territory_id and `value` (a plan summary fits; its `plan_group` groups the
    bars), `before` territory_id and `value` (today's alignment; territories new in the plan
    start at 0). Bands carry gid `band:<plan group>`, the after bars gid `after`.
    """
    bands = balance_bands(after, value=value, tolerance=tolerance, group_tolerance=group_tolerance)
    groups = _groups(after)
    order = sorted(bands["plan_group"], key=lambda g: (g != segment, g))
    bands = bands.set_index("plan_group").loc[order]
    after_load = after.groupby("territory_id")[value].sum()
    before_load = before.groupby("territory_id")[value].sum() if len(before) else pd.Series(dtype=float)

    ids, x, spans, position = [], [], {}, 0.0
    for group in order:
        mine = sorted(set(after.loc[groups == group, "territory_id"].astype(str)),
                      key=lambda t: (territory_labels([t], names)[0], t))
        spans[group] = (position, position + len(mine) - 1)
        ids += mine
        x += [position + i for i in range(len(mine))]
        position += len(mine) + GROUP_GAP
    x = np.asarray(x)
    fig, ax = plt.subplots(figsize=(max(7.0, 0.5 * len(ids) + 2.5), 5))
    ax.bar(x - 0.2, before_load.reindex(ids, fill_value=0.0).to_numpy(), width=0.4, label="today", color="#bbbbbb")
    ax.bar(x + 0.2, after_load.reindex(ids, fill_value=0.0).to_numpy(), width=0.4, label="proposed", color="#2b6cb0", gid="after")
    for i, group in enumerate(order):
        first, last = spans[group]
        band = bands.loc[group]
        ax.fill_between([first - 0.5, last + 0.5], band["low"], band["high"], color="#38a169", alpha=0.25, linewidth=0, zorder=0,
                        gid=f"band:{group}", label="balance band (group mean ± tolerance)" if i == 0 else None)
        ax.hlines(band["mean"], first - 0.5, last + 0.5, colors="#276749", linewidths=1.0, linestyles="--")
        if len(order) > 1 or segment is not None:
            caption = _group_caption(group, segment, 12 + 8 * int(last - first), band["tolerance"], band["relaxed"])
            ax.text((first + last) / 2, 1.01, caption,
                    transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7, color="#276749")
    ax.set_xticks(x)
    ax.set_xticklabels(territory_labels(ids, names), rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(BALANCE_VALUES.get(value, value))
    if value == "potential_usd":
        ax.yaxis.set_major_formatter(FuncFormatter(_money))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title or f"Balance: {BALANCE_VALUES.get(value, value)} per territory", pad=30)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_balance(before: pd.DataFrame, after: pd.DataFrame, *, tolerance: float = 0.05, value: str = "potential_usd",
                 group_tolerance: Mapping[str, float] | None = None, names: Mapping[str, str] | None = None,
                 segment: str | None = None, title: str | None = None) -> bytes:
    """`balance_figure` as PNG bytes."""
    return png_bytes(balance_figure(before, after, tolerance=tolerance, value=value, group_tolerance=group_tolerance,
                               names=names, segment=segment, title=title))
