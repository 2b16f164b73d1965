"""The plan's pictures: territory names on them, a band per plan group, counties filled as regions,
and no map (but no crash either) for territories that have no county."""

from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from grid import fips, grid
from matplotlib.path import Path as DrawnPath

from models_ml.territory import PlanSettings, plan_territories
from models_ml.territory.charts import (
    balance_bands,
    balance_figure,
    county_cells,
    county_territories,
    map_figure,
    map_positions,
    plot_balance,
    plot_territory_map,
    territory_labels,
)
from orchestration.planning.scenarios import _charts, _loads_before, _territory_names, chart_figures

PNG = b"\x89PNG\r\n\x1a\n"
NAMES = {"W": "Pacific West", "E": "Great Plains"}


def _collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def _map_book(rows=4, cols=6, empty=()):
    """Accounts in every county of a grid but `empty`; the west half in W, the east half in E."""
    accounts, assignments = [], []
    for r in range(rows):
        for c in range(cols):
            if (r, c) in empty:
                continue
            key = f"K{r}{c}"
            accounts.append({"account_key": key, "county_fips": fips(r, c)})
            assignments.append({"account_key": key, "segment": "SMB", "proposed_territory_id": "W" if c < cols // 2 else "E"})
    return pd.DataFrame(assignments), pd.DataFrame(accounts)


def test_labels_are_names_and_new_territories_keep_their_id():
    assert territory_labels(["W", "NEW-1", "E"], NAMES) == ["Pacific West", "NEW-1", "Great Plains"]
    assert territory_labels(["W"], {"W": "  "}) == ["W"]
    territories = pd.DataFrame({"territory_id": ["W", "E", "NEW-1"], "territory_name": ["Pacific West", "Great Plains", None]})
    assert _territory_names(territories) == NAMES
    assert _territory_names(territories.drop(columns="territory_name")) == {}


def test_map_fills_one_region_per_county_with_accounts_and_names_territories():
    counties, _ = grid(4, 6)
    empty = {(0, 0), (3, 5), (1, 2)}
    assignments, accounts = _map_book(empty=empty)
    fig = map_figure(assignments, accounts, counties, names=NAMES)
    ax = fig.axes[0]
    territories = _collection(ax, "territories")
    assert len(territories.get_paths()) == len(counties) - len(empty) == len(county_territories(assignments, accounts))
    assert len(_collection(ax, "background").get_paths()) == len(empty)
    assert len(_collection(ax, "borders").get_segments()) >= 4  # W and E meet along the grid's middle, row by row
    held = set(county_territories(assignments, accounts)["fips"])
    positions = dict(zip(counties["fips"], map_positions(counties)))
    drawn = [f for f in county_cells(counties).fips if f in held]
    assert all(DrawnPath(p.vertices).contains_point(positions[f]) for p, f in zip(territories.get_paths(), drawn))
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["Great Plains", "Pacific West"]
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "territory_name") == ["Great Plains", "Pacific West"]
    plt.close(fig)


def test_county_cells_tile_the_map_like_counties():
    counties, _ = grid(5, 5)
    cells = county_cells(counties)
    middle = cells.fips.index(fips(2, 2))
    x, y = cells.polygons[middle].T
    area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
    assert area == pytest.approx(0.5 * 0.5 * np.cos(np.radians(38.0)), rel=1e-6)  # the county's share of the grid
    assert len(cells.edge_pairs) == 2 * 5 * 4  # one shared edge per pair of neighbouring counties


def test_map_of_the_states_draws_every_county_fast():
    from time import perf_counter

    from models_ml.territory.geography import load_counties

    counties = load_counties()
    lower48 = counties[~counties["fips"].str[:2].isin(["02", "15", "60", "66", "69", "72", "78"])]
    accounts = lower48[["fips"]].rename(columns={"fips": "county_fips"}).assign(account_key=lambda d: d["county_fips"])
    assignments = pd.DataFrame({"account_key": lower48["fips"], "segment": "SMB", "proposed_territory_id": lower48["state"]})
    start = perf_counter()
    fig = map_figure(assignments, accounts, counties)
    territories = len(_collection(fig.axes[0], "territories").get_paths())
    png = plot_territory_map(assignments, accounts, counties)
    assert perf_counter() - start < 10.0  # two draws; about 2 s on a quiet machine
    plt.close(fig)
    assert territories == len(lower48)
    assert png.startswith(PNG)


def test_band_of_each_plan_group_is_around_its_own_mean_at_the_tolerance_it_used():
    after = pd.DataFrame({
        "territory_id": ["W", "E", "CA1", "CA2", "NEW-1"],
        "plan_group": ["SMB", "SMB", "SMB / geographic CA", "SMB / geographic CA", "SMB"],
        "potential_usd": [100.0, 120.0, 10.0, 30.0, 110.0],
    })
    before = after.assign(potential_usd=[150.0, 90.0, 20.0, 20.0, 0.0]).drop(index=4)
    bands = balance_bands(after, tolerance=0.05, group_tolerance={"SMB / geographic CA": 0.2}).set_index("plan_group")
    assert bands.loc["SMB", "mean"] == pytest.approx(110.0)
    assert (bands.loc["SMB", "low"], bands.loc["SMB", "high"]) == pytest.approx((104.5, 115.5))
    assert bands.loc["SMB / geographic CA", "mean"] == pytest.approx(20.0)
    assert (bands.loc["SMB / geographic CA", "low"], bands.loc["SMB / geographic CA", "high"]) == pytest.approx((16.0, 24.0))
    assert bool(bands.loc["SMB / geographic CA", "relaxed"]) and not bool(bands.loc["SMB", "relaxed"])

    fig = balance_figure(before, after, tolerance=0.05, group_tolerance={"SMB / geographic CA": 0.2},
                         names={**NAMES, "CA1": "Ontario", "CA2": "Quebec"}, segment="SMB")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Great Plains", "NEW-1", "Pacific West", "Ontario", "Quebec"]
    ticks = dict(zip(labels, ax.get_xticks()))
    for group, members in (("SMB", ["Great Plains", "NEW-1", "Pacific West"]), ("SMB / geographic CA", ["Ontario", "Quebec"])):
        band = _collection(ax, f"band:{group}").get_paths()[0].vertices
        assert (band[:, 1].min(), band[:, 1].max()) == pytest.approx((bands.loc[group, "low"], bands.loc[group, "high"]))
        assert all(band[:, 0].min() < ticks[m] < band[:, 0].max() for m in members)
        assert not any(band[:, 0].min() < ticks[m] < band[:, 0].max() for m in labels if m not in members)
    plt.close(fig)
    assert plot_balance(before, after).startswith(PNG)


def _mixed_book():
    """SMB on a US map (W, E); Enterprise with a named book in the US and territories in Canada."""
    rows = []
    for r in range(3):
        for c in range(4):
            rows.append({"account_key": f"G{r}{c}", "segment": "SMB", "current_territory_id": "W" if c < 2 else "E",
                         "potential": 100.0 if c == 0 else 50.0, "county_fips": fips(r, c), "country": "US"})
    rows += [{"account_key": f"N{i}", "segment": "Enterprise", "current_territory_id": "N", "potential": 300.0,
              "county_fips": fips(0, i), "country": "US", "named_territory_id": "N"} for i in range(2)]
    rows += [{"account_key": f"ON{i}", "segment": "Enterprise", "current_territory_id": "CA1" if i < 4 else "CA2",
              "potential": 80.0, "country": "CA", "state": "ON" if i < 3 else "QC"} for i in range(6)]
    accounts = pd.DataFrame(rows).assign(workload=1.0)
    territories = pd.DataFrame([
        {"territory_id": "W", "segment": "SMB", "territory_kind": "geographic", "country": "US", "territory_name": "Pacific West"},
        {"territory_id": "E", "segment": "SMB", "territory_kind": "geographic", "country": "US", "territory_name": "Great Plains"},
        {"territory_id": "N", "segment": "Enterprise", "territory_kind": "named", "territory_name": "Strategic Accounts"},
        {"territory_id": "CA1", "segment": "Enterprise", "territory_kind": "geographic", "country": "CA", "territory_name": None},
        {"territory_id": "CA2", "segment": "Enterprise", "territory_kind": "geographic", "country": "CA", "territory_name": "Quebec"},
    ]).assign(owner_user_id=lambda d: "U" + d["territory_id"])
    return accounts, territories


@pytest.fixture(scope="module")
def mixed_plan():
    accounts, territories = _mixed_book()
    counties, adjacency = grid(3, 4)
    settings = PlanSettings(tolerance=0.1, workload_tolerance=None)
    plan = plan_territories(accounts, territories, settings, adjacency=adjacency, counties=counties)
    current = plan.assignments.assign(proposed_territory_id=plan.assignments["current_territory_id"])
    return accounts, territories, counties, settings, plan, _loads_before(current, accounts)


def test_segments_without_counties_get_a_balance_chart_and_no_map(mixed_plan, tmp_path):
    accounts, territories, counties, settings, plan, before = mixed_plan
    folder = tmp_path / "proposed"
    folder.mkdir()
    (folder / "map_enterprise.png").write_bytes(b"left by an earlier plan")
    written = _charts(plan, accounts, before, settings, folder, _territory_names(territories), counties)
    assert sorted(p.name for p in written) == ["balance_enterprise.png", "balance_smb.png", "map_smb.png"]
    assert sorted(p.name for p in folder.iterdir()) == ["balance_enterprise.png", "balance_smb.png", "map_smb.png"]
    assert all(p.read_bytes().startswith(PNG) for p in written)


def test_chart_figures_carry_names_and_the_plans_tolerance(mixed_plan):
    accounts, territories, counties, settings, plan, before = mixed_plan
    metrics = plan.metrics.copy()
    relaxed = metrics["plan_group"] == "Enterprise / geographic CA"
    metrics.loc[relaxed, "tolerance_used"] = 0.3
    figures = dict(chart_figures(replace(plan, metrics=metrics), accounts, before, settings, _territory_names(territories), counties))
    try:
        assert sorted(figures) == ["balance_enterprise", "balance_smb", "map_smb"]
        smb_map = figures["map_smb"].axes[0]
        assert sorted(t.get_text() for t in smb_map.get_legend().get_texts()) == ["Great Plains", "Pacific West"]
        enterprise = figures["balance_enterprise"].axes[0]
        assert sorted(t.get_text() for t in enterprise.get_xticklabels()) == ["CA1", "Quebec", "Strategic Accounts"]
        summary = plan.summary.set_index("territory_id")["potential_usd"]
        canada = _collection(enterprise, "band:Enterprise / geographic CA").get_paths()[0].vertices[:, 1]
        mean = summary[["CA1", "CA2"]].mean()
        assert (canada.min(), canada.max()) == pytest.approx((0.7 * mean, 1.3 * mean))
        named = _collection(enterprise, "band:Enterprise / named N").get_paths()[0].vertices[:, 1]
        assert (named.min(), named.max()) == pytest.approx((0.9 * summary["N"], 1.1 * summary["N"]))
    finally:
        for figure in figures.values():
            plt.close(figure)
