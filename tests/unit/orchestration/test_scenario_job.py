"""The ``territory_scenario`` job's run config: what a launch may ask for, and what it is refused."""

import dagster as dg
import duckdb
import pandas as pd
import pytest
from pydantic import ValidationError

from orchestration.assets.dbt import dbt_resource
from orchestration.planning.job import (
    PLAN_OP,
    ScenarioConfig,
    check_segments,
    plan_segments,
    publish_scenario_plan,
    scenario_settings,
    territory_scenario,
)
from orchestration.planning.review import Verdict
from orchestration.planning.scenarios import ScenarioResult
from orchestration.resources import TerrainPaths
from orchestration.settings import SettingsError, TerritoryPlanSettings, load_settings


@pytest.fixture
def settings_file(tmp_path, monkeypatch):
    path = tmp_path / "terrain.yaml"
    path.write_text("territory_plan:\n  tolerance: 0.08\n  workload_tolerance: null\n  balance_metric: accounts\n"
                    "  territories_per_segment: {SMB: 9, Enterprise: 3}\n  locks: ['001A']\n", encoding="utf-8")
    monkeypatch.setenv("TERRAIN_CONFIG", str(path))
    return path


def run_config(**config):
    return {"ops": {PLAN_OP: {"config": config}}}


def test_fields_left_out_take_terrain_yaml_values_when_the_run_starts(settings_file):
    config = ScenarioConfig(scenario_id="what_if")
    assert (config.tolerance, config.workload_tolerance, config.balance_metric) == (0.08, None, "accounts")
    settings_file.write_text("territory_plan:\n  tolerance: 0.12\n", encoding="utf-8")
    assert ScenarioConfig(scenario_id="what_if").tolerance == 0.12


def test_counts_and_locks_add_to_the_files_and_scalars_replace_them(settings_file):
    config = ScenarioConfig(scenario_id="what_if", tolerance=0.2, territories_per_segment={"SMB": 12}, locks=["002B", "001A"])
    settings = scenario_settings(config, load_settings().territory_plan)
    assert settings.tolerance == 0.2 and settings.balance_metric == "accounts" and settings.workload_tolerance is None
    assert settings.territories_per_segment == {"SMB": 12, "Enterprise": 3}
    assert settings.locks == ("001A", "002B")


def test_an_explicit_null_workload_band_plans_without_one():
    base = TerritoryPlanSettings(workload_tolerance=0.1)
    assert scenario_settings(ScenarioConfig(scenario_id="x", workload_tolerance=None), base).workload_tolerance is None


@pytest.mark.parametrize("field, value, words", [
    ("tolerance", 0, "greater than 0"),
    ("tolerance", 1.5, "less than"),
    ("workload_tolerance", -0.1, "greater than 0"),
    ("disruption_weight", -1, "greater than or equal to 0"),
    ("balance_metric", "revenue", "'potential', 'workload' or 'accounts'"),
    ("territories_per_segment", {"SMB": 0}, "greater than or equal to 1"),
    ("scenario_id", "", "at least 1 character"),
])
def test_values_the_settings_schema_refuses_are_refused_naming_the_field(field, value, words):
    with pytest.raises(ValidationError) as raised:
        ScenarioConfig(**{"scenario_id": "x", field: value})
    error = raised.value.errors()[0]
    assert error["loc"][0] == field and words in error["msg"]


def test_the_launchpad_needs_only_a_name_and_rejects_an_unknown_metric():
    assert dg.validate_run_config(territory_scenario, run_config(scenario_id="what_if"))
    with pytest.raises(dg.DagsterInvalidConfigError, match="balance_metric"):
        dg.validate_run_config(territory_scenario, run_config(scenario_id="what_if", balance_metric="revenue"))


def test_a_segment_no_territory_carries_is_named_with_the_real_ones():
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_territory_kinds as select * from (values ('T1', 'SMB'), "
                "('T2', 'Mid-Market'), ('T3', null)) as t(territory_id, segment)")
    segments = plan_segments(con)
    assert segments == {"SMB", "Mid-Market"}
    check_segments({"SMB": 4}, segments, "territories_per_segment")
    with pytest.raises(SettingsError) as raised:
        check_segments({"Smb": 4}, segments, "territories_per_segment")
    assert str(raised.value) == ("territories_per_segment: unknown segment(s) Smb "
                                 "(your territories' segments: Mid-Market, SMB)")


def test_a_plan_failing_a_blocking_check_is_refused_before_anything_is_published(tmp_path):
    warehouse = tmp_path / "warehouse" / "terrain.duckdb"
    warehouse.parent.mkdir()
    con = duckdb.connect(str(warehouse))
    con.execute("create schema territory")
    con.execute("create table territory.plan_published as select 'proposed' as scenario_id, 'ACC-1' as account_key, "
                "'T1' as proposed_territory_id")
    con.close()
    verdicts = (Verdict("within_balance_tolerance", False, "outside the balance band in SMB (largest deviation 7.10%)", {}),
                Verdict("workload_within_band", False, "largest workload deviation 12.00% against ±10.0%", {}))
    plan = ScenarioResult("tight", 1, 1, pd.DataFrame(), [], verdicts=verdicts)
    with dg.build_op_context(resources={"paths": TerrainPaths(landing_dir=str(tmp_path), data_dir=str(tmp_path)),
                                        "dbt": dbt_resource()}) as context, pytest.raises(dg.Failure) as raised:
        list(publish_scenario_plan(context, plan))

    assert "'tight' fails a blocking check and was not published" in raised.value.description
    assert "within_balance_tolerance: outside the balance band in SMB" in raised.value.description
    assert "workload_within_band" not in raised.value.description
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select distinct scenario_id from territory.plan_published").fetchall() == [("proposed",)]
    assert not (tmp_path / "serving").exists()
