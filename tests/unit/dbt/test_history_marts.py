"""Week-over-week history on one warehouse across runs: account_priority_history and weekly_changes.

The shared fixture warehouse already holds two intent weeks (Monday 2026-02-02 and 2026-02-09);
it gains a company surging in both, contacts engaging in one or the other, and scores written
week by week as the scoring asset would. Each step writes that week's ``marts.account_priority``
and runs dbt once, without ``--full-refresh`` as the weekly run; after the first, which builds the
models' ancestors, only the two models are built, since the raw tables do not change:

1. week 1 (as of Sunday 2026-02-08), with the models' ancestors;
2. week 2 (as of Sunday 2026-02-15): tiers, owners and territories move;
3. week 2 again, scored on Thursday 2026-02-12 with other scores: only one change of tier;
4. week 2 again, with scores under which nothing changed;
5. ``dbt build --full-refresh`` of both models, which must not lose the history;
6. week 4 (as of Sunday 2026-03-01), no week 3 having been scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dbt_warehouse_fixture import _insert, build_warehouse, d, ts

from orchestration.assets.dbt import build_dbt_assets
from tests.unit.dbt.conftest import run_dbt

WEEK_1 = date(2026, 2, 2)
WEEK_2 = date(2026, 2, 9)
WEEK_4 = date(2026, 2, 23)
HISTORY_MODELS = ["account_priority_history", "weekly_changes"]

# account_key -> (crm_account_id, tier, owner_user_id, territory_id)
WEEK_1_SCORES = {
    "ACC-A": ("001A", "B", "U2", "T-NAMED"),
    "ACC-B": ("001B", "B", "U1", "T-CA-SMB"),
    "ACC-C": ("001C", "A", "U2", "T-CA-ENT"),
    "ACC-D": ("001D", "C", "U1", "T-NY"),
    "ACC-E": ("001E", "D", "U1", "T-ZIP"),
    "ACC-F": ("001F", "D", None, "UNASSIGNED"),
    "ACC-V9": (None, "A", "U1", "T-CA-SMB"),
    "ACC-V10": (None, "A", "U2", "T-CA-ENT"),
    "ACC-V11": (None, "D", None, "UNASSIGNED"),
}
WEEK_2_SCORES = {
    **{key: row for key, row in WEEK_1_SCORES.items() if key != "ACC-V10"},
    "ACC-A": ("001A", "A", "U2", "T-NAMED"),
    "ACC-B": ("001B", "A", "U1", "T-CA-SMB"),
    "ACC-D": ("001D", "C", "U2", "T-NY"),
    "ACC-E": ("001E", "D", "U2", "T-CA-ENT"),
    "ACC-V9": (None, "B", "U1", "T-CA-SMB"),
    "ACC-NEW": (None, "A", "U1", "T-CA-SMB"),
}
WEEK_2_RESCORED = {**WEEK_1_SCORES, "ACC-V11": (None, "A", None, "UNASSIGNED")}
WEEK_2_UNCHANGED = {key: row for key, row in WEEK_1_SCORES.items() if key not in ("ACC-A", "ACC-B", "ACC-D")}
WEEK_4_SCORES = {**WEEK_2_UNCHANGED, "ACC-C": ("001C", "B", "U2", "T-CA-ENT")}

SELECT_WITH_ANCESTORS = ["build", "--select", "+account_priority_history", "+weekly_changes",
                         "--exclude", "test_type:unit", "--indirect-selection", "cautious"]
SELECT_HISTORY = ["build", "--select", *HISTORY_MODELS, "--exclude", "test_type:unit", "--indirect-selection", "cautious"]

# step -> (scores, as_of_date, model_version, dbt arguments)
STEPS = {
    "week_1": (WEEK_1_SCORES, d("2026-02-08"), "m1", SELECT_WITH_ANCESTORS),
    "week_2": (WEEK_2_SCORES, d("2026-02-15"), "m1", SELECT_HISTORY),
    "week_2_rescored": (WEEK_2_RESCORED, d("2026-02-12"), "m2", SELECT_HISTORY),
    "week_2_unchanged": (WEEK_2_UNCHANGED, d("2026-02-15"), "m2", SELECT_HISTORY),
    "full_refresh": (None, None, None, [*SELECT_HISTORY, "--full-refresh"]),
    "week_4": (WEEK_4_SCORES, d("2026-03-01"), "m2", SELECT_HISTORY),
}

WEEK_1_CHANGES = [
    ("ACC-C", WEEK_1, "new_engaged_contact", "Sam Lee, CTO (email_click)"),
    ("ACC-C", WEEK_1, "started_surging", "surging on Data (bombora)"),
]


@dataclass
class Step:
    """The two tables after one step: every history column, and the changes without the rep columns."""

    history_columns: list[str]
    history: list[tuple]
    changes: list[tuple]


@dataclass
class Weeks:
    steps: dict[str, Step]
    manifest_path: Path


def _add_intent_and_engagement(warehouse: Path) -> None:
    """Gamma surges in both weeks (in the weeks' existing Bombora deliveries, which restate whole
    weeks); Sam engages in both weeks, Dan in week 2 after a form fill thirteen weeks earlier, and
    Ann only opens an e-mail."""
    with duckdb.connect(str(warehouse)) as con:
        for week, delivery, file_name in ((WEEK_1, 2, "bombora_2026-02-02_restated.csv"),
                                          (WEEK_2, 3, "bombora_2026-02-09.csv")):
            _insert(con, "intent_bombora", [
                {"Domain": "gamma.co.uk", "Topic": "Data Warehouse", "Composite_Score": 75, "Category": "Data",
                 "week_start": week},
            ], delivery=delivery, file_name=file_name)
        _insert(con, "crm_contacts", [
            {"Id": "C7", "AccountId": "001B", "FirstName": "Ann", "LastName": "Open", "Email": "ann@beta.com",
             "Title": "Analyst", "LastModifiedDate": ts("2026-01-01 00:00:00")},
            {"Id": "C8", "AccountId": "001D", "FirstName": "Dan", "LastName": "Ward", "Email": "dan@delta.io",
             "Title": "CFO", "LastModifiedDate": ts("2026-01-01 00:00:00")},
        ], delivery=2, file_name="contacts_2.csv")
        _insert(con, "map_activities", [
            {"email": "sam@gamma.co.uk", "activity_type": "email_click", "activity_ts": ts("2026-02-03 10:00:00")},
            {"email": "sam@gamma.co.uk", "activity_type": "web_visit", "activity_ts": ts("2026-02-11 10:00:00")},
            {"email": "ann@beta.com", "activity_type": "email_open", "activity_ts": ts("2026-02-11 10:00:00")},
            {"email": "dan@delta.io", "activity_type": "form_fill", "activity_ts": ts("2025-11-10 10:00:00")},
            {"email": "dan@delta.io", "activity_type": "web_visit", "activity_ts": ts("2026-02-12 10:00:00")},
        ], delivery=2, file_name="activities_2.csv")


def _write_scores(warehouse: Path, scores: dict, as_of: date, model_version: str) -> None:
    """Replace marts.account_priority as the scoring asset does each week, one as_of for all rows."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.account_priority")
        for position, (key, (crm_id, tier, owner, territory)) in enumerate(sorted(scores.items()), start=1):
            readiness = round(position / 100 + as_of.day / 1000, 4)
            con.execute(
                "insert into marts.account_priority (account_key, crm_account_id, account_name, territory_id,"
                " owner_user_id, is_customer, motion, fit_score, intent_score, engagement_score,"
                " readiness_probability, expected_value_usd, priority_rank, priority_tier, top_reasons,"
                " as_of_date, model_version) values (?, ?, ?, ?, ?, false, 'new_logo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [key, crm_id, key, territory, owner, 10.0 * position % 100, as_of.day, 50.0, readiness,
                 readiness * 100_000, position, tier, f"+ reason {position}", as_of, model_version])


def _snapshot(warehouse: Path) -> Step:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("select * from marts.account_priority_history order by week_start, account_key")
        history = cursor.fetchall()
        columns = [column[0] for column in cursor.description]
        changes = con.execute("select account_key, week_start, change, detail from marts.weekly_changes"
                              " order by week_start, account_key, change").fetchall()
    return Step(columns, history, changes)


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> Weeks:
    work_dir = tmp_path_factory.mktemp("history_marts")
    warehouse = build_warehouse(work_dir / "terrain.duckdb")
    _add_intent_and_engagement(warehouse)
    steps = {}
    for name, (scores, as_of, model_version, args) in STEPS.items():
        if scores is not None:
            _write_scores(warehouse, scores, as_of, model_version)
        result = run_dbt(args, warehouse, work_dir)
        assert result.returncode == 0, f"{name}: {(result.stdout + result.stderr)[-4000:]}"
        steps[name] = _snapshot(warehouse)
    return Weeks(steps, work_dir / "target" / "manifest.json")


def _week(rows: list[tuple], week: date) -> list[tuple]:
    return [row for row in rows if row[1] == week]


def _history_keys(step: Step, week: date) -> dict[str, tuple]:
    """account_key -> (tier, owner, model_version) of one week."""
    positions = [step.history_columns.index(name) for name in ("priority_tier", "owner_user_id", "model_version")]
    return {row[0]: tuple(row[position] for position in positions) for row in _week(step.history, week)}


def _as_of_dates(step: Step, week: date) -> set[date]:
    position = step.history_columns.index("as_of_date")
    return {row[position] for row in _week(step.history, week)}


def test_both_models_are_built_by_the_scored_dbt_step_after_intent_and_activities(weeks):
    steps = {assets.node_def.name: assets for assets in build_dbt_assets(weeks.manifest_path)}
    scored = steps.pop("dbt_scored")
    history_keys = {dg.AssetKey(["marts", model]) for model in HISTORY_MODELS}
    assert history_keys <= set(scored.keys)
    assert steps and all(not history_keys & set(other.keys) for other in steps.values())
    assert {dg.AssetKey(["marts", "intent_weekly"]), dg.AssetKey(["intermediate", "int_map_activities_attributed"]),
            dg.AssetKey(["marts", "account_priority_history"])} <= scored.asset_deps[dg.AssetKey(["marts", "weekly_changes"])]


def test_week_1_is_stamped_with_the_monday_of_its_as_of_date(weeks):
    step = weeks.steps["week_1"]
    assert {row[1] for row in step.history} == {WEEK_1}
    assert _as_of_dates(step, WEEK_1) == {d("2026-02-08")}
    assert _history_keys(step, WEEK_1) == {
        key: (tier, owner, "m1") for key, (_, tier, owner, _) in WEEK_1_SCORES.items()}


def test_the_first_week_reports_surges_and_contacts_but_no_tier_or_owner_change(weeks):
    assert weeks.steps["week_1"].changes == WEEK_1_CHANGES


def test_week_2_is_added_and_week_1_is_left_as_it_was(weeks):
    step = weeks.steps["week_2"]
    assert _week(step.history, WEEK_1) == weeks.steps["week_1"].history
    assert _history_keys(step, WEEK_2) == {
        key: (tier, owner, "m1") for key, (_, tier, owner, _) in WEEK_2_SCORES.items()}
    assert _as_of_dates(step, WEEK_2) == {d("2026-02-15")}


def test_week_2_lists_exactly_the_changes_against_week_1(weeks):
    assert _week(weeks.steps["week_2"].changes, WEEK_2) == [
        ("ACC-A", WEEK_2, "entered_tier_a", "tier B -> A"),
        ("ACC-A", WEEK_2, "new_engaged_contact", "Jane Doe, VP Sales (form_fill)"),
        ("ACC-A", WEEK_2, "started_surging", "surging on Sales Tech (bombora)"),
        ("ACC-B", WEEK_2, "entered_tier_a", "tier B -> A"),
        ("ACC-B", WEEK_2, "started_surging", "surging on CRM (g2)"),
        ("ACC-D", WEEK_2, "new_engaged_contact", "Dan Ward, CFO (web_visit)"),
        ("ACC-D", WEEK_2, "owner_changed", "owner Ursula One (U1) -> Ulrich Two (U2)"),
        ("ACC-E", WEEK_2, "owner_changed", "owner Ursula One (U1) -> Ulrich Two (U2), territory T-ZIP -> T-CA-ENT"),
        ("ACC-NEW", WEEK_2, "entered_tier_a", "tier not scored -> A"),
        ("ACC-V10", WEEK_2, "left_tier_a", "tier A -> not scored"),
        ("ACC-V9", WEEK_2, "left_tier_a", "tier A -> B"),
    ]
    assert _week(weeks.steps["week_2"].changes, WEEK_1) == WEEK_1_CHANGES


def test_rerunning_week_2_replaces_every_row_of_week_2_and_nothing_else(weeks):
    step = weeks.steps["week_2_rescored"]
    assert _week(step.history, WEEK_1) == weeks.steps["week_1"].history
    assert _history_keys(step, WEEK_2) == {
        key: (tier, owner, "m2") for key, (_, tier, owner, _) in WEEK_2_RESCORED.items()}
    assert "ACC-NEW" not in _history_keys(step, WEEK_2)
    assert _as_of_dates(step, WEEK_2) == {d("2026-02-12")}


def test_rerunning_week_2_recomputes_its_changes_from_the_new_scores(weeks):
    # scored on Thursday: Jane's form fill on Saturday is not yet known
    assert _week(weeks.steps["week_2_rescored"].changes, WEEK_2) == [
        ("ACC-A", WEEK_2, "started_surging", "surging on Sales Tech (bombora)"),
        ("ACC-B", WEEK_2, "started_surging", "surging on CRM (g2)"),
        ("ACC-D", WEEK_2, "new_engaged_contact", "Dan Ward, CFO (web_visit)"),
        ("ACC-V11", WEEK_2, "entered_tier_a", "tier D -> A"),
    ]
    assert _week(weeks.steps["week_2_rescored"].changes, WEEK_1) == WEEK_1_CHANGES


def test_a_rerun_that_finds_no_change_clears_the_weeks_earlier_changes(weeks):
    step = weeks.steps["week_2_unchanged"]
    assert _week(step.history, WEEK_1) == weeks.steps["week_1"].history
    assert set(_history_keys(step, WEEK_2)) == set(WEEK_2_UNCHANGED)
    assert step.changes == WEEK_1_CHANGES


def test_full_refresh_keeps_the_history_and_rebuilds_the_same_changes(weeks):
    step = weeks.steps["full_refresh"]
    assert step.history == weeks.steps["week_2_unchanged"].history
    assert {row[1] for row in step.history} == {WEEK_1, WEEK_2}
    assert step.changes == weeks.steps["week_2_unchanged"].changes



def test_a_week_after_a_gap_is_compared_with_the_latest_scored_week(weeks):
    step = weeks.steps["week_4"]
    assert step.history[:len(weeks.steps["full_refresh"].history)] == weeks.steps["full_refresh"].history
    assert _history_keys(step, WEEK_4)["ACC-C"] == ("B", "U2", "m2")
    assert _week(step.changes, WEEK_4) == [
        ("ACC-C", WEEK_4, "left_tier_a", "tier A -> B (against the week of 2026-02-09, the latest scored before)"),
    ]
    assert step.changes[:-1] == weeks.steps["full_refresh"].changes
