"""A stored scenario is published as stored only for the same settings on the same planner inputs."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration.assets.territories import PLAN_KEYS
from orchestration.planning.review import Verdict
from orchestration.planning.stored import PLANNER_INPUTS, planned_from, settings_record, stored_plan, verdicts_record
from orchestration.settings import load_settings

SCENARIO = "wider_band"
BALANCED = (Verdict("balanced", True, "within 15%", {"worst": 4.2}),)


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.territory_plan as select * from (values ('wider_band', 'A1'), ('wider_band', 'A2'), "
                "('proposed', 'A1')) as t(scenario_id, account_key)")
    con.execute("create table marts.territory_plan_metrics as select * from (values ('wider_band', 'proposed', 4.2)) "
                "as t(scenario_id, alignment, max_abs_deviation_pct)")
    yield con
    con.close()


def _rebuild_planner_inputs(instance) -> None:
    for key in PLANNER_INPUTS:
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))


def _store(instance, settings, scenario=SCENARIO, verdicts=BALANCED):
    """What the scenario job records when it plans: both plan tables in one run, with what it was planned from."""
    summary = {"scenario_id": scenario, "verdicts": dg.MetadataValue.json(verdicts_record(verdicts)),
               "plan_settings": dg.MetadataValue.json(settings_record(settings)),
               "planned_from": dg.MetadataValue.json(planned_from(instance))}
    plan = {"scenario_id": scenario, "accounts": 2, "moved": 1, "book_accounts": 2, "book_accounts_moved": 1,
            "charts": dg.MetadataValue.json(["/charts/wider_band/map.png"])}

    @dg.op(out={})
    def store_plan():
        yield dg.AssetMaterialization(asset_key=PLAN_KEYS["territory_plan"], metadata=plan)
        yield dg.AssetMaterialization(asset_key=PLAN_KEYS["territory_plan_summary"], metadata=summary)

    @dg.job
    def scenario_job():
        store_plan()

    return scenario_job.execute_in_process(instance=instance).run_id


def test_the_same_scenario_on_the_same_inputs_is_the_stored_plan(instance, con):
    settings = load_settings().territory_plan
    _rebuild_planner_inputs(instance)
    run_id = _store(instance, settings)
    stored = stored_plan(instance, con, SCENARIO, settings)
    assert stored is not None and stored.run_id == run_id
    result = stored.result
    assert (result.accounts, result.moved, result.book_accounts, result.book_moved) == (2, 1, 2, 1)
    assert result.metrics["max_abs_deviation_pct"].tolist() == [4.2]
    assert [(v.name, v.passed, v.figures) for v in result.verdicts] == [("balanced", True, {"worst": 4.2})]
    assert result.publishable and [str(p) for p in result.charts] == ["/charts/wider_band/map.png"]


def test_other_settings_another_scenario_or_rebuilt_inputs_mean_planning_again(instance, con):
    settings = load_settings().territory_plan
    _rebuild_planner_inputs(instance)
    _store(instance, settings)
    wider = settings.__class__(**{**settings_record(settings), "tolerance": 0.2})
    assert stored_plan(instance, con, SCENARIO, wider) is None
    assert stored_plan(instance, con, "narrow_band", settings) is None
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=PLANNER_INPUTS[0]))
    assert stored_plan(instance, con, SCENARIO, settings) is None


def test_no_reuse_without_a_recorded_build_of_every_input_or_when_rows_are_missing(instance, con):
    settings = load_settings().territory_plan
    _store(instance, settings)
    assert stored_plan(instance, con, SCENARIO, settings) is None
    _rebuild_planner_inputs(instance)
    _store(instance, settings)
    con.execute("delete from marts.territory_plan where account_key = 'A2'")
    assert stored_plan(instance, con, SCENARIO, settings) is None
