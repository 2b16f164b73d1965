"""Scoring every week, retraining on its own cadence; scores on a stale weekly source say so.

One synthetic market generated five weeks past the usual scoring date serves every run: each run
sees the warehouse as known at its own as_of (later intent weeks, activities and lead scores left
out). The first run trains; each test copies its data root (warehouse and model registry) and
runs the scoring asset again at a later date.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

dg = pytest.importorskip("dagster")

from models_ml.scoring.registry import READINESS, ModelRegistry  # noqa: E402
from orchestration.assets.scoring import ACCOUNT_PRIORITY, scoring  # noqa: E402
from orchestration.resources import TerrainPaths  # noqa: E402
from tests.unit.scoring.conftest import AS_OF, make_world  # noqa: E402
from tests.unit.scoring.test_scoring_asset import write_warehouse  # noqa: E402

WEEK_LATER = AS_OF + timedelta(days=7)
TWO_WEEKS_LATER = AS_OF + timedelta(days=14)
FOUR_WEEKS_LATER = AS_OF + timedelta(days=28)


@pytest.fixture(scope="module")
def market():
    """The world, its accounts and its CRM contacts, generated up to five weeks after AS_OF."""
    world = make_world(as_of=AS_OF + timedelta(days=35))
    companies = world["companies"]
    segment = pd.cut(companies["employees"], [0, 200, 1000, np.inf], right=False,
                     labels=["SMB", "Mid-Market", "Enterprise"]).astype(str)
    accounts = companies.assign(segment=segment, territory_id="T-" + companies["state_code"],
                                crm_account_id=companies["account_key"].str.replace("ACC", "001"),
                                account_name="Company " + companies["account_key"],
                                motion=np.where(companies["is_customer"], "upsell", "new_logo"))
    contacts = world["contacts"].drop(columns="persona").rename(columns={"is_opted_out": "has_opted_out_of_email"})
    return world, accounts, contacts.assign(full_name="Contact " + contacts["contact_id"])


def _score(root, market, as_of: date, **scoring_settings):
    """Materialize the scoring asset on ``root``'s data as known at ``as_of``, with the launchpad's settings."""
    world, accounts, contacts = market
    paths = TerrainPaths(landing_dir=str(root / "landing"), data_dir=str(root / "data"))
    write_warehouse(paths.warehouse_path, world, accounts, contacts, as_of)
    settings = {"scoring": {"as_of": as_of.isoformat(), **scoring_settings}}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = dg.materialize([scoring], resources={"paths": paths},
                                run_config={"resources": {"settings": {"config": settings}}})
    assert result.success
    with duckdb.connect(str(paths.warehouse_path), read_only=True) as con:
        priority = con.execute("select * from marts.account_priority order by account_key").df()
        performance = con.execute("select * from marts.model_performance").df()
    metadata = next(event.materialization.metadata for event in result.get_asset_materialization_events()
                    if event.asset_key == ACCOUNT_PRIORITY)
    return {"registry": ModelRegistry(paths.data_dir), "paths": paths, "result": result, "metadata": metadata,
            "priority": priority, "performance": performance}


def _copy(root, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(root, target)
    return target


@pytest.fixture(scope="module")
def first(tmp_path_factory, market):
    root = tmp_path_factory.mktemp("cadence")
    return root, _score(root, market, AS_OF)


@pytest.fixture(scope="module")
def week_later(tmp_path_factory, first, market):
    root = _copy(first[0], tmp_path_factory.mktemp("week_later"))
    return root, _score(root, market, WEEK_LATER)


def _versions(run) -> dict[str, list[str]]:
    return {name: run["registry"].versions(name) for name in (READINESS, "fit")}


def test_the_first_run_trains_and_registers_both_models(first):
    _, run = first
    assert run["metadata"]["retrain_reason"].value == "no readiness model is stored"
    assert [len(v) for v in _versions(run).values()] == [1, 1]
    assert run["metadata"]["trained_version"].value == run["registry"].versions(READINESS)[0]


def test_a_week_later_the_active_model_scores_the_new_week_without_training(first, week_later):
    _, before = first
    _, after = week_later
    assert after["metadata"]["retrain_reason"].value == "none"
    assert after["metadata"]["trained_version"].value.startswith("none")
    assert _versions(after) == _versions(before)
    pd.testing.assert_frame_equal(after["performance"], before["performance"])
    assert set(after["priority"]["model_version"]) == set(before["priority"]["model_version"])
    assert set(after["priority"]["as_of_date"].astype(str)) == {WEEK_LATER.isoformat()}
    moved = after["priority"]["readiness_probability"].to_numpy() != before["priority"]["readiness_probability"].to_numpy()
    assert moved.mean() > 0.5, "the new week's signals must move the scores"
    checks = after["result"].get_asset_check_evaluations()
    assert {c.check_name for c in checks} == {"readiness_beats_baselines", "readiness_auc_not_worse"}
    assert all(c.passed for c in checks)
    assert 0 < after["metadata"]["score_psi"].value < 0.25


def test_four_weeks_after_the_models_as_of_both_are_retrained(tmp_path, first, market):
    run = _score(_copy(first[0], tmp_path), market, FOUR_WEEKS_LATER)
    assert "28 days before" in run["metadata"]["retrain_reason"].value
    readiness, fit = _versions(run).values()
    assert len(readiness) == 2 and len(fit) == 2
    assert readiness[-1].startswith(f"readiness-{FOUR_WEEKS_LATER.isoformat()}-")
    assert set(run["priority"]["model_version"]) == {readiness[-1]}
    active = run["performance"][run["performance"]["is_active"]]
    assert set(active["model_version"]) == {readiness[-1], fit[-1]}


def test_scores_drifting_beyond_the_threshold_retrain_the_next_run(tmp_path, week_later, market):
    root, run = week_later
    drift = run["registry"].last_scoring(READINESS)
    assert drift["as_of"] == WEEK_LATER.isoformat() and drift["score_psi"] == pytest.approx(
        run["metadata"]["score_psi"].value)
    calm = _score(_copy(root, tmp_path / "calm"), market, TWO_WEEKS_LATER)
    assert calm["metadata"]["retrain_reason"].value == "none" and len(calm["registry"].versions(READINESS)) == 1
    drifting = _score(_copy(root, tmp_path / "drifting"), market, TWO_WEEKS_LATER,
                      retrain_when_psi_above=drift["score_psi"] / 2)
    assert "drifted by PSI" in drifting["metadata"]["retrain_reason"].value
    assert len(drifting["registry"].versions(READINESS)) == 2


def _raw_weekly_tables(path, world, as_of: date, g2_late_by_weeks: int) -> None:
    """raw.intent_bombora up to the week ending ``as_of``; raw.intent_g2 ``g2_late_by_weeks`` weeks behind."""
    intent = world["intent"]
    last_week = pd.Timestamp(as_of) - pd.Timedelta(days=6)
    bombora = intent[(intent["vendor"] == "bombora") & (intent["week_start"] <= last_week)]
    g2 = intent[(intent["vendor"] == "g2") & (intent["week_start"] <= last_week - pd.Timedelta(weeks=g2_late_by_weeks))]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        con.register("bombora", bombora.assign(_file_name=bombora["week_start"].dt.strftime("%Y-%m-%d.csv")))
        con.execute("create or replace table raw.intent_bombora as select week_start::date as week_start, _file_name "
                    "from bombora")
        con.register("g2", g2.assign(_file_name="g2.csv"))
        con.execute("create or replace table raw.intent_g2 as select (week_start + interval 2 day)::date as date, "
                    "_file_name from g2")


def test_scores_on_a_week_g2_did_not_deliver_carry_it(tmp_path, first, market):
    root = _copy(first[0], tmp_path)
    world = market[0]
    _raw_weekly_tables(root / "data" / "warehouse" / "terrain.duckdb", world, WEEK_LATER, g2_late_by_weeks=1)
    run = _score(root, market, WEEK_LATER)
    assert run["metadata"]["inputs_fresh"].value is False
    assert run["metadata"]["stale_sources"].value == {
        "intent_g2": {"latest_week": "2026-11-16", "expected_week": "2026-11-23"}}
    performance = run["performance"].set_index(["model_name", "is_active"])
    scoring_row = performance.loc[(READINESS, True)]
    assert bool(scoring_row["inputs_fresh"]) is False
    assert scoring_row["stale_sources"] == "intent_g2 (newest 2026-11-16, expected 2026-11-23)"
    others = run["performance"][~((run["performance"]["model_name"] == READINESS) & run["performance"]["is_active"])]
    assert len(others) and others["inputs_fresh"].isna().all() and others["stale_sources"].isna().all()


def test_scores_on_a_complete_week_are_fresh(tmp_path, first, market):
    root = _copy(first[0], tmp_path)
    _raw_weekly_tables(root / "data" / "warehouse" / "terrain.duckdb", market[0], WEEK_LATER, g2_late_by_weeks=0)
    run = _score(root, market, WEEK_LATER)
    assert run["metadata"]["inputs_fresh"].value is True and run["metadata"]["stale_sources"].value == {}
    scoring_row = run["performance"][(run["performance"]["model_name"] == READINESS) & run["performance"]["is_active"]]
    assert scoring_row["inputs_fresh"].tolist() == [True] and scoring_row["stale_sources"].isna().all()


def test_fit_scores_hold_still_between_retrains_and_a_new_company_is_placed_among_them(tmp_path, first, market):
    world, accounts, contacts = market
    newcomer = accounts[accounts["account_key"] == "ACC-000001"].assign(
        account_key="ACC-NEW001", crm_account_id="001-NEW001", is_customer=False)
    grown = (dict(world, companies=pd.concat([world["companies"], newcomer[world["companies"].columns]])),
             pd.concat([accounts, newcomer], ignore_index=True), contacts)
    run = _score(_copy(first[0], tmp_path), grown, WEEK_LATER)
    before = first[1]["priority"].set_index("account_key")
    after = run["priority"].set_index("account_key")
    assert len(run["registry"].versions("fit")) == 1
    pd.testing.assert_series_equal(after.loc[before.index, "fit_score"], before["fit_score"])
    assert 0 <= after.loc["ACC-NEW001", "fit_score"] <= 100
    assert 0 <= after.loc["ACC-NEW001", "readiness_probability"] <= 1
