"""Metrics by hand, the equal-count baseline, rep matching and the charts."""

import numpy as np
import pandas as pd
import pytest
from grid import accounts_on, fips, grid, territories

from models_ml.territory import equal_count_split, fairness_metrics, match_reps
from models_ml.territory.charts import plot_balance, plot_territory_map
from models_ml.territory.metrics import coefficient_of_variation, gini


def test_gini_and_cv_by_hand():
    loads = [1.0, 2.0, 3.0, 6.0]
    # mean 3; sum |xi-xj| over ordered pairs = 2*(1+2+5+1+4+3) = 32; 32 / (2*16*3) = 1/3
    assert gini(loads) == pytest.approx(1 / 3)
    # population std = sqrt((4+1+0+9)/4) = sqrt(3.5)
    assert coefficient_of_variation(loads) == pytest.approx(np.sqrt(3.5) / 3)
    assert gini([5, 5, 5]) == 0.0


def tiny_book():
    cells = {(0, 0): [{"current_territory_id": "A", "potential": 10.0, "is_customer": True, "customer_revenue": 30.0}],
             (0, 1): [{"current_territory_id": "A", "potential": 20.0, "customer_revenue": 0.0}],
             (0, 2): [{"current_territory_id": "B", "potential": 30.0, "is_customer": True, "customer_revenue": 10.0}],
             (0, 3): [{"current_territory_id": "B", "potential": 60.0, "customer_revenue": 0.0}]}
    return accounts_on(cells)


def test_fairness_metrics_on_tiny_alignment():
    acc = tiny_book()
    plan = acc[["account_key", "current_territory_id"]].assign(proposed_territory_id=["A", "A", "A", "B"])
    _, adjacency = grid(1, 4)
    m = fairness_metrics(plan, acc, territories(["A", "B"]), adjacency=adjacency).iloc[0]
    # loads A = 60, B = 60 after moving the 30 account
    assert m["max_abs_deviation_pct"] == pytest.approx(0.0)
    assert m["share_accounts_moved"] == pytest.approx(0.25)
    assert m["share_customer_revenue_moved"] == pytest.approx(10 / 40)
    assert bool(m["all_contiguous"])
    today = fairness_metrics(acc.assign(proposed_territory_id=acc["current_territory_id"]), acc, territories(["A", "B"])).iloc[0]
    # loads 30 and 90: mean 60, deviation 50%, cv = 30/60, gini = 60/(2*4*60)*2 = 0.25
    assert today["max_abs_deviation_pct"] == pytest.approx(50.0)
    assert today["cv"] == pytest.approx(0.5)
    assert today["gini"] == pytest.approx(0.25)


def test_disruption_shares_and_their_floor_by_hand():
    """Today A holds 30 and B 90 (mean 60, ±10% band 54..66): B must shed at least 24 of 120, a
    floor of 0.2. The plan moves the 30 account (a quarter of the load); the 60 account is
    whitespace, so the one moved account is one of three in a rep's book."""
    acc = tiny_book().assign(in_book=[True, True, True, False])
    plan = acc[["account_key", "current_territory_id"]].assign(proposed_territory_id=["A", "A", "A", "B"])
    m = fairness_metrics(plan, acc, territories(["A", "B"]), tolerance=0.1).iloc[0]
    assert m["min_share_load_moved"] == pytest.approx(24 / 120)
    assert m["share_load_moved"] == pytest.approx(30 / 120)
    assert m["share_book_accounts_moved"] == pytest.approx(1 / 3)
    assert np.isnan(fairness_metrics(plan, acc, territories(["A", "B"])).iloc[0]["min_share_load_moved"])


def test_floor_counts_accounts_without_a_territory():
    """Unassigned load must move whatever the band: 20 of 120 here, more than any excess."""
    acc = tiny_book()
    acc["current_territory_id"] = ["A", "UNASSIGNED", "B", "B"]
    acc["potential"] = [40.0, 20.0, 0.0, 60.0]
    plan = acc[["account_key", "current_territory_id"]].assign(proposed_territory_id=["A", "A", "B", "B"])
    m = fairness_metrics(plan, acc, territories(["A", "B"]), tolerance=0.1).iloc[0]
    assert m["min_share_load_moved"] == pytest.approx(20 / 120)


def test_placing_an_account_no_territory_held_moves_nobody_s_book():
    """The 30 account had no territory: placing it in A counts among all accounts moved (1 of 4)
    but breaks no rep's book (0 of the 3 held today)."""
    acc = tiny_book()
    acc["current_territory_id"] = ["A", "A", "UNASSIGNED", "B"]
    plan = acc[["account_key", "current_territory_id"]].assign(proposed_territory_id=["A", "A", "A", "B"])
    m = fairness_metrics(plan, acc, territories(["A", "B"])).iloc[0]
    assert m["share_accounts_moved"] == pytest.approx(0.25)
    assert m["share_book_accounts_moved"] == pytest.approx(0.0)
    moved_from_b = plan.assign(proposed_territory_id=["A", "A", "A", "A"])
    assert fairness_metrics(moved_from_b, acc, territories(["A", "B"])).iloc[0]["share_book_accounts_moved"] == pytest.approx(1 / 3)


def test_workload_deviation_is_reported_beside_the_balance_metric():
    """Balanced on potential (60 and 60) but A carries workload 3 against B's 1: mean 2, 50% off."""
    acc = tiny_book().assign(workload=[1.0, 1.0, 1.0, 1.0])
    plan = acc[["account_key", "current_territory_id"]].assign(proposed_territory_id=["A", "A", "A", "B"])
    m = fairness_metrics(plan, acc, territories(["A", "B"])).iloc[0]
    assert m["max_abs_deviation_pct"] == pytest.approx(0.0)
    assert m["max_abs_workload_deviation_pct"] == pytest.approx(50.0)


def test_scattered_territory_is_not_contiguous():
    acc = tiny_book()
    plan = acc[["account_key", "current_territory_id"]].assign(proposed_territory_id=["A", "B", "A", "B"])
    _, adjacency = grid(1, 4)
    assert not bool(fairness_metrics(plan, acc, territories(["A", "B"]), adjacency=adjacency).iloc[0]["all_contiguous"])


def test_equal_count_split_balances_account_counts():
    counties, _ = grid(2, 5)
    cells = {(r, c): [{"current_territory_id": "A" if c < 2 else "B", "potential": 1.0}] for r in range(2) for c in range(5)}
    acc = accounts_on(cells)
    split = equal_count_split(acc, territories(["A", "B"]), counties)
    counts = split["proposed_territory_id"].value_counts()
    assert counts["A"] == counts["B"] == 5
    west = acc.loc[acc["county_fips"].isin([fips(r, 0) for r in range(2)]), "account_key"]
    assert (split.set_index("account_key").loc[west, "proposed_territory_id"] == "A").all()


def test_match_reps_prefers_home_and_current_owner():
    counties, _ = grid(1, 4)
    acc = tiny_book()
    assignments = acc[["account_key", "segment"]].assign(proposed_territory_id=["A", "A", "B", "B"])
    reps = pd.DataFrame({"owner_user_id": ["east_rep", "west_rep"], "segment": "SMB",
                         "home_county_fips": [fips(0, 3), fips(0, 0)], "industry_focus": [[], []]})
    out = match_reps(assignments, acc, reps, counties).set_index("territory_id")
    assert out.loc["A", "owner_user_id"] == "west_rep"
    assert out.loc["B", "owner_user_id"] == "east_rep"
    assert out["home_distance_km"].max() < 60


def test_charts_are_png():
    counties, _ = grid(1, 4)
    acc = tiny_book()
    assignments = acc[["account_key", "segment"]].assign(proposed_territory_id=["A", "A", "B", "B"])
    png = plot_territory_map(assignments, acc, counties)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    before = pd.DataFrame({"territory_id": ["A", "B"], "potential_usd": [30.0, 90.0]})
    after = pd.DataFrame({"territory_id": ["A", "B"], "potential_usd": [60.0, 60.0]})
    assert plot_balance(before, after).startswith(b"\x89PNG")
