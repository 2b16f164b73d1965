"""``terrain run`` on three alignments written by hand, each unlike the sample world's (issue 11).

On each: the customer's segments, territory kinds and countries stand; the territory plan keeps
geographic territories in one piece, balances every group within its band and moves no named,
locked or uncovered foreign account. Then a plan that cannot be published: it is held back, the
run says so and fails, and the week's scores are published all the same.

Expected values come from the builder (alignment_landings), which knows what its own files say,
never from Terrain's tables. Each landing zone is run once; the fail-safe run works on a copy.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from tests.integration.alignment_landings import BUILDERS, UNASSIGNED, add_intent_week
from tests.integration.alignment_runs import AlignmentRun, run_alignment

pytestmark = pytest.mark.integration

LANDINGS = sorted(BUILDERS)


@pytest.fixture(scope="module", params=LANDINGS)
def run(request, alignment_runs) -> AlignmentRun:
    """The session's `terrain run` of one landing zone (tests/integration/conftest.py)."""
    return alignment_runs(request.param)


def _companies(run: AlignmentRun, columns: str) -> pd.DataFrame:
    """Some account_priority columns beside the builder's facts about each company (joined on
    its domain); only the columns a test needs, so each assertion stands on its own."""
    served = run.query(f"select domain, {columns} from marts.account_priority")
    facts = run.alignment.companies.rename(columns={"country": "expected_country", "territory_id": "expected_territory",
                                                    "crm_id": "builder_crm_id"})
    return served.merge(facts, on="domain", how="left", validate="many_to_one")


def _plan(run: AlignmentRun) -> pd.DataFrame:
    plan = run.query("""select plan.account_key, plan.current_territory_id, plan.proposed_territory_id,
                               ap.crm_account_id, ap.domain
                        from marts.territory_plan as plan
                        inner join marts.account_priority as ap using (account_key)
                        where plan.scenario_id = 'proposed'""")
    facts = run.alignment.companies[["domain", "country", "territory_id"]].rename(columns={"territory_id": "expected_territory"})
    return plan.merge(facts, on="domain", how="left")


def test_run_exits_zero_and_names_the_serving_outputs(run):
    assert run.returncode == 0, run.output[-5000:]
    assert str(run.serving) in run.output
    assert str(run.crm_file.with_name("account_updates.csv")) in run.output


def test_every_company_is_in_the_territory_its_rules_name(run):
    companies = _companies(run, "territory_id")
    assert companies["expected_territory"].notna().all(), "a company Terrain shows is unknown to the landing zone"
    wrong = companies[companies["territory_id"] != companies["expected_territory"]]
    assert wrong.empty, f"{len(wrong)} of {len(companies)} companies misplaced:\n" + \
        wrong[["domain", "territory_id", "expected_territory"]].head(15).to_string()


def test_segments_agree_with_the_territories(run):
    companies = _companies(run, "segment, territory_id")
    placed = companies[companies["territory_id"] != UNASSIGNED].copy()
    placed["territory_segment"] = placed["territory_id"].map(run.alignment.segment_of)
    assert len(placed) > 0.5 * len(companies)
    wrong = placed[placed["segment"] != placed["territory_segment"]]
    assert wrong.empty, f"{len(wrong)} of {len(placed)} segments disagree with their territory:\n" + \
        wrong[["domain", "territory_id", "segment", "territory_segment"]].head(15).to_string()


def test_every_geographic_territory_is_contiguous(run):
    summary = run.query("select territory_id, is_contiguous from marts.territory_plan_summary where scenario_id = 'proposed'")
    geographic = summary[summary["territory_id"].isin(run.alignment.territories_of_kind("geographic"))]
    assert len(geographic) >= 2
    scattered = geographic[geographic["is_contiguous"].eq(False).fillna(False)]
    assert scattered.empty, scattered.to_string()


def test_every_group_is_balanced_within_its_tolerance(run):
    metrics = run.query("select * from marts.territory_plan_metrics where scenario_id = 'proposed' and alignment = 'proposed'")
    assert len(metrics) > 0
    outside = metrics[metrics["max_abs_deviation_pct"] > 100 * metrics["tolerance_used"] + 1e-6]
    group = "plan_group" if "plan_group" in metrics else "segment"
    assert outside.empty, outside[[group, "max_abs_deviation_pct", "tolerance_used"]].to_string()


def test_no_named_locked_or_uncovered_foreign_account_moves(run):
    plan = _plan(run)
    alignment = run.alignment
    assert len(plan) == len(run.query("select account_key from marts.account_priority"))
    named = plan[plan["crm_account_id"].isin(alignment.named_ids)]
    assert len(named) == len(alignment.named_ids)
    assert (named["proposed_territory_id"] == named["crm_account_id"].map(alignment.named_ids)).all(), named.to_string()
    locked = plan[plan["crm_account_id"].isin(alignment.locked_ids)]
    assert len(locked) == len(alignment.locked_ids) > 0
    assert (locked["proposed_territory_id"] == locked["crm_account_id"].map(alignment.locked_ids)).all(), locked.to_string()
    uncovered = plan[(plan["country"] != "US") & (plan["expected_territory"] == UNASSIGNED)]
    assert (uncovered["proposed_territory_id"] == UNASSIGNED).all(), uncovered.to_string()
    canadian = plan[plan["country"] == "CA"]
    assert canadian["proposed_territory_id"].isin({"T-CAN-EAST", "T-CAN-WEST"}).all(), canadian.to_string()


def test_countries_are_iso_codes_and_foreign_companies_stay_in_their_country(run):
    companies = _companies(run, "country, territory_id")
    wrong_code = companies[companies["country"] != companies["expected_country"]]
    assert wrong_code.empty, wrong_code[["domain", "country", "expected_country"]].head(15).to_string()
    uk_de = companies[companies["expected_country"].isin(["GB", "DE"])]
    assert (uk_de["territory_id"] == UNASSIGNED).all(), uk_de[["domain", "country", "territory_id"]].to_string()
    canadian = companies[companies["expected_country"] == "CA"]
    assert canadian["territory_id"].isin({"T-CAN-EAST", "T-CAN-WEST"}).all(), canadian[["domain", "territory_id"]].to_string()
    if run.alignment.name == "worldwide":
        assert len(uk_de) >= 20 and len(canadian) >= 20


def test_territory_summary_carries_kind_and_country(run):
    summary = run.query("select territory_id, territory_kind, country from marts.territory_summary").set_index("territory_id")
    for territory in run.alignment.leaves:
        assert territory.territory_id in summary.index, territory.territory_id
        row = summary.loc[territory.territory_id]
        assert (row["territory_kind"], row["country"]) == (territory.kind, territory.country), territory.territory_id


def test_tam_by_territory_carries_the_country(run):
    tam = run.query("select distinct territory_id, country from marts.tam_by_territory")
    expected = run.alignment.companies[["territory_id", "country"]].drop_duplicates()
    assert set(map(tuple, tam.to_numpy())) == set(map(tuple, expected.to_numpy()))


FAILING_GROUP = ("T-S-NORCAL", "T-S-SOCAL", "T-S-NW", "T-S-SW")
FROZEN_TERRITORY = "T-S-SOCAL"
KINDS_BANDS = [{"name": "Small", "min_employees": 0, "max_employees": 50},
               {"name": "Medium", "min_employees": 50, "max_employees": 500},
               {"name": "Large", "min_employees": 500, "max_employees": None}]


def _frozen_book_config(first: AlignmentRun) -> dict:
    """A plan no balance can reach: the SoCal Small book frozen (territory_plan.locks) while the
    Small segment grows to so many territories that SoCal alone is well over twice their mean.

    The territory count is worked out from the first run's potentials, so whatever the model
    estimates, the frozen book holds at least 2.5 times the new mean (150% over it).
    """
    frozen = first.alignment.crm[(first.alignment.crm["territory_id"] == FROZEN_TERRITORY) & ~first.alignment.crm["named"]]
    ids = "', '".join(frozen["crm_id"])
    groups = "', '".join(FAILING_GROUP)
    totals = first.query(f"""
        select sum(p.potential_usd) filter (where ap.crm_account_id in ('{ids}')) as frozen,
               sum(p.potential_usd) as small
        from marts.account_priority as ap
        inner join intermediate.int_company_potential as p using (account_key)
        where ap.territory_id in ('{groups}')""").iloc[0]
    assert totals["frozen"] > 0 and totals["small"] > 0, totals
    territories = max(len(FAILING_GROUP) + 1, math.ceil(2.5 * totals["small"] / totals["frozen"]))
    return {"segments": KINDS_BANDS,
            "territory_plan": {"locks": frozen["crm_id"].tolist(), "territories_per_segment": {"Small": territories}}}


@dataclass(frozen=True)
class FailSafe:
    first: AlignmentRun
    second: AlignmentRun
    as_of: date
    plan_before: pd.DataFrame
    crm_before: pd.DataFrame


def _plan_rows(db: Path) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.execute("select scenario_id, account_key, current_territory_id, proposed_territory_id, moved "
                            "from marts.territory_plan").df()
    finally:
        con.close()
    return frame.sort_values(["scenario_id", "account_key"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def fail_safe(alignment_runs, tmp_path_factory) -> FailSafe:
    """The kinds landing's published run, copied, then next week's intent with a plan that fails."""
    first = alignment_runs("kinds")
    assert first.returncode == 0, "the fail-safe case needs a published plan first:\n" + first.output[-3000:]
    base = tmp_path_factory.mktemp("fail_safe")
    landing, data = base / "landing", base / "data"
    shutil.copytree(first.alignment.root, landing)
    shutil.copytree(first.data, data, ignore=shutil.ignore_patterns("dagster_home"))
    next_week = replace(first.alignment, root=landing)
    as_of = add_intent_week(next_week)
    config = base / "terrain.yaml"
    config.write_text(yaml.safe_dump(_frozen_book_config(first), sort_keys=False), encoding="utf-8")
    plan_before = _plan_rows(first.serving)
    crm_before = pd.read_csv(first.crm_file, dtype=str)
    second = run_alignment(next_week, data, env={"TERRAIN_CONFIG": str(config)})
    return FailSafe(first, second, as_of, plan_before, crm_before)


def test_unpublishable_plan_fails_the_run_and_says_so(fail_safe):
    second = fail_safe.second
    assert second.returncode != 0, second.output[-5000:]
    assert "not published" in second.output.lower(), second.output[-5000:]


def test_unpublishable_plan_keeps_the_previous_plan_and_publishes_the_weeks_scores(fail_safe):
    second = fail_safe.second
    served = second.query("select distinct as_of_date, model_version from marts.account_priority", second.serving)
    built = second.query("select distinct as_of_date, model_version from marts.account_priority")
    assert [pd.Timestamp(d).date() for d in served["as_of_date"]] == [fail_safe.as_of], served.to_string()
    assert set(served["model_version"]) == set(built["model_version"]), (served.to_string(), built.to_string())
    contacts = second.query("select distinct as_of_date from marts.contact_priority", second.serving)
    assert [pd.Timestamp(d).date() for d in contacts["as_of_date"]] == [fail_safe.as_of], contacts.to_string()
    assert len(fail_safe.plan_before) > 0
    pd.testing.assert_frame_equal(_plan_rows(second.serving), fail_safe.plan_before)
    after = pd.read_csv(second.crm_file, dtype=str)
    proposed_before = dict(zip(fail_safe.crm_before["Id"], fail_safe.crm_before["Proposed_Territory__c"]))
    proposed_after = dict(zip(after["Id"], after["Proposed_Territory__c"]))
    changed = {i: (proposed_before.get(i), p) for i, p in proposed_after.items() if proposed_before.get(i) != p}
    assert proposed_after.keys() == proposed_before.keys() and not changed, list(changed.items())[:10]
