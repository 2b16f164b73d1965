"""Plans on alignments that mix kinds of territory and countries, written by hand.

One SMB segment on a 4 x 6 grid: two geographic territories (W, E) that are out of balance,
two vertical healthcare territories (H1, H2) out of balance, a vertical finance territory (F),
a named-account territory (N), a mixed territory (X), a Canadian territory split by province
(CA1 Ontario, CA2 Quebec), and companies in the UK and Germany that no territory covers.
"""

import pandas as pd
import pytest
from grid import fips, grid

from models_ml.territory import PlanSettings, plan_territories


def _account(key, territory, potential, **extra):
    return {"account_key": key, "segment": "SMB", "current_territory_id": territory, "potential": potential, **extra}


def mixed_alignment() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for r in range(4):
        for c in range(6):
            west = c < 3
            rows.append(_account(f"G{r}{c}", "W" if west else "E", 100.0 if west else 60.0, county_fips=fips(r, c), country="US"))
    for i in range(6):
        rows.append(_account(f"H{i}", "H1" if i < 5 else "H2", 50.0, county_fips=fips(i % 4, 0), country="US", naics_sector="62"))
    rows += [_account(f"F{i}", "F", 40.0, county_fips=fips(0, i), country="US") for i in range(3)]
    rows += [_account(f"N{i}", "N", 500.0, county_fips=fips(3, i), country="US", named_territory_id="N") for i in range(2)]
    rows += [_account(f"X{i}", "X", 30.0, county_fips=fips(1, i), country="US") for i in range(2)]
    rows += [_account(f"ON{i}", "CA1", 80.0, country="CA", state="ON") for i in range(6)]
    rows += [_account(f"QC{i}", "CA2", 80.0, country="CA", state="QC") for i in range(2)]
    rows += [_account("UK0", "UNASSIGNED", 70.0, country="GB", state="ENG"),
             _account("DE0", "UNASSIGNED", 70.0, country="DE", state="BY", county_fips=None),
             _account("US-NEW", "UNASSIGNED", 20.0, county_fips=fips(2, 5), country="US")]
    territories = pd.DataFrame([
        {"territory_id": "W", "territory_kind": "geographic", "country": "US"},
        {"territory_id": "E", "territory_kind": "geographic", "country": "US"},
        {"territory_id": "H1", "territory_kind": "vertical", "industries": "HEALTHCARE"},
        {"territory_id": "H2", "territory_kind": "vertical", "industries": "HEALTHCARE"},
        {"territory_id": "F", "territory_kind": "vertical", "industries": "FINANCE"},
        {"territory_id": "N", "territory_kind": "named"},
        {"territory_id": "X", "territory_kind": "mixed"},
        {"territory_id": "CA1", "territory_kind": "geographic", "country": "CA"},
        {"territory_id": "CA2", "territory_kind": "geographic", "country": "CA"},
    ]).assign(segment="SMB", owner_user_id=lambda d: "U" + d["territory_id"])
    return pd.DataFrame(rows), territories


@pytest.fixture(scope="module")
def mixed_plan():
    accounts, territories = mixed_alignment()
    counties, adjacency = grid(4, 6)
    result = plan_territories(accounts, territories, PlanSettings(tolerance=0.1, workload_tolerance=None),
                              adjacency=adjacency, counties=counties)
    return accounts, result


def test_each_kind_is_balanced_within_its_own_group(mixed_plan):
    _, result = mixed_plan
    groups = result.metrics.set_index("plan_group")
    assert groups.loc["SMB", "territory_kind"] == "geographic"
    assert groups.loc["SMB / vertical HEALTHCARE", "territory_kind"] == "vertical"
    assert set(result.metrics["segment"]) == {"SMB"}
    for group in ("SMB", "SMB / vertical HEALTHCARE", "SMB / geographic CA"):
        assert groups.loc[group, "max_abs_deviation_pct"] <= 10.0 + 1e-9, group
    assert bool(groups.loc["SMB", "all_contiguous"])


def test_accounts_never_change_kind_or_country(mixed_plan):
    accounts, result = mixed_plan
    out = result.assignments.set_index("account_key")["proposed_territory_id"]
    assert set(out[[f"G{r}{c}" for r in range(4) for c in range(6)]]) == {"W", "E"}
    assert set(out[[f"H{i}" for i in range(6)]]) == {"H1", "H2"}
    assert (out[[f"H{i}" for i in range(6)]] == "H2").sum() == 3
    assert set(out[["F0", "F1", "F2"]]) == {"F"}
    assert set(out[["X0", "X1"]]) == {"X"}
    assert set(out[[f"ON{i}" for i in range(6)] + ["QC0", "QC1"]]) <= {"CA1", "CA2"}


def test_named_and_uncovered_foreign_accounts_stay(mixed_plan):
    _, result = mixed_plan
    out = result.assignments.set_index("account_key")
    assert (out.loc[["N0", "N1"], "proposed_territory_id"] == "N").all()
    assert (out.loc[["N0", "N1"], "reason"] == "named account").all()
    assert out.loc["UK0", "proposed_territory_id"] == "UNASSIGNED"
    assert out.loc["DE0", "proposed_territory_id"] == "UNASSIGNED"
    assert not out.loc[["UK0", "DE0"], "moved"].any()
    assert out.loc["US-NEW", "proposed_territory_id"] in {"W", "E"}


def test_foreign_territories_are_redrawn_by_subdivision(mixed_plan):
    """Quebec is light and moves whole; Ontario holds three quarters of the Canadian load, so
    like a heavy US county it is cut along today's territory lines to balance the two."""
    _, result = mixed_plan
    out = result.assignments.set_index("account_key")["proposed_territory_id"]
    assert out[["QC0", "QC1"]].nunique() == 1
    canada = result.summary[result.summary["plan_group"] == "SMB / geographic CA"]
    assert canada["potential_usd"].tolist() == [320.0, 320.0]


def test_summary_carries_kind_and_the_customers_segment(mixed_plan):
    _, result = mixed_plan
    summary = result.summary.set_index("territory_id")
    assert summary.loc["H1", "territory_kind"] == "vertical"
    assert summary.loc["N", "territory_kind"] == "named"
    assert summary.loc["CA1", "plan_group"] == "SMB / geographic CA"
    assert (summary["segment"] == "SMB").all()
