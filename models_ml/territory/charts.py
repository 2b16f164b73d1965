"""Pictures of a plan for people who decide on it: a county map and a balance chart.

Drawn with matplotlib's Agg backend from county centroids only, so no basemap is downloaded and
the functions run on a server; both return PNG bytes ready to attach to a report or asset.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

LEGEND_MAX_TERRITORIES = 30  # beyond this a legend hides the map


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def plot_territory_map(assignments: pd.DataFrame, accounts: pd.DataFrame, counties: pd.DataFrame | None = None, *,
                       segment: str | None = None, title: str = "Proposed territories") -> bytes:
    """County centroids coloured by the territory holding most of the county's accounts."""
    if counties is None:
        from .geography import load_counties

        counties = load_counties()
    joined = accounts[["account_key", "county_fips"]].astype(str).merge(
        assignments[["account_key", "segment", "proposed_territory_id"]].astype({"account_key": str}), on="account_key")
    if segment is not None:
        joined = joined[joined["segment"] == segment]
    main = joined.groupby(["county_fips", "proposed_territory_id"]).size().reset_index(name="n")
    main = main.sort_values("n", ascending=False).drop_duplicates("county_fips")
    where = counties.assign(fips=counties["fips"].astype(str)).merge(main, left_on="fips", right_on="county_fips")
    codes, names = pd.factorize(where["proposed_territory_id"], sort=True)
    fig, ax = plt.subplots(figsize=(10, 6))
    colours = plt.get_cmap("tab20")
    for code, name in enumerate(names):
        mine = codes == code
        ax.scatter(where["lon"][mine], where["lat"][mine], color=colours(code % 20), s=8, linewidths=0, label=name)
    if len(names) <= LEGEND_MAX_TERRITORIES:
        ax.legend(loc="lower left", fontsize=7, markerscale=2, frameon=False, ncols=2)
    ax.set_title(f"{title} ({len(names)} territories)")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect(1.3)
    return _png(fig)


def plot_balance(before: pd.DataFrame, after: pd.DataFrame, *, tolerance: float = 0.05, value: str = "potential_usd") -> bytes:
    """Bars of each territory's load before and after, with the ±tolerance band around the mean.

    Both frames need territory_id and `value` (a plan summary fits; for today's alignment build
    the same columns from the current territories).
    """
    ids = sorted(set(before["territory_id"]) | set(after["territory_id"]))
    b = before.groupby("territory_id")[value].sum().reindex(ids, fill_value=0.0)
    a = after.groupby("territory_id")[value].sum().reindex(ids, fill_value=0.0)
    x = np.arange(len(ids))
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * len(ids)), 4))
    ax.bar(x - 0.2, b.to_numpy(), width=0.4, label="before", color="#bbbbbb")
    ax.bar(x + 0.2, a.to_numpy(), width=0.4, label="after", color="#2b6cb0")
    mean = a.mean()
    ax.axhspan(mean * (1 - tolerance), mean * (1 + tolerance), color="#38a169", alpha=0.2, label=f"mean ±{tolerance:.0%}")
    ax.set_xticks(x)
    ax.set_xticklabels(ids, rotation=90, fontsize=7)
    ax.set_ylabel(value)
    ax.legend()
    return _png(fig)
