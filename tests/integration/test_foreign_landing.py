"""``terrain run`` on a landing zone Terrain did not generate, with messy files; run again on the same
files, and killed inside each stage then run again (the failure drill)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests.integration.foreign_landing import build_foreign_landing
from tests.integration.reruns import assert_same_tables, kill_when_step_starts, serving_tables, tables
from tests.support import REPO, terrain, terrain_env

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def foreign_run(tmp_path_factory):
    landing = tmp_path_factory.mktemp("foreign") / "landing"
    planted = build_foreign_landing(landing)
    data = landing.parent / "data"
    result = terrain("run", "--landing", str(landing), "--data", str(data))
    return landing, data, planted, result


def test_run_succeeds_on_a_foreign_landing_zone(foreign_run):
    _, _, _, result = foreign_run
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_bad_rows_quarantined_and_rejected_file_named(foreign_run):
    _, data, planted, _ = foreign_run
    con = duckdb.connect(str(data / "warehouse" / "terrain.duckdb"), read_only=True)
    report = con.execute("select source, file_name, rows_read, rows_loaded, rows_quarantined, status, message "
                         "from marts.load_report").df()
    con.close()
    assert (report.rows_read == report.rows_loaded + report.rows_quarantined).all()
    rejected = report[report.status == "rejected"]
    assert list(rejected.file_name.str.contains("accounts_missing_owner")) == [True]
    assert "OwnerId" in rejected.message.iloc[0]
    for source, bad in planted.items():
        folder_rows = report[report.source.str.replace("/", "_").str.contains(source.replace("/", "_"))
                             & (report.status == "loaded")]
        assert folder_rows.rows_quarantined.sum() == bad, source
    empty = report[report.file_name.str.contains("accounts_empty")]
    assert empty.rows_read.tolist() == [0]


def test_rerun_on_the_same_files_changes_no_loaded_row_key_or_market_figure(foreign_run):
    """Re-delivering nothing new: raw history, load report, account keys, the territory plan and
    model_performance (no second model version) are identical (the planner stops on work done,
    not on the clock); market figures equal to the cent."""
    landing, data, _, first = foreign_run
    assert first.returncode == 0
    warehouse = data / "warehouse" / "terrain.duckdb"
    before = tables(warehouse, ("raw", "identity", "marts"))
    again = terrain("run", "--landing", str(landing), "--data", str(data))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    after = tables(warehouse, ("raw", "identity", "marts"))
    assert len(before) >= 30 and {"marts.territory_plan", "marts.model_performance", "identity.account_keys"} <= set(before)
    assert_same_tables(before, after)


KILLED_IN = {
    "ingest": "raw__crm_accounts",
    "dbt market models": "dbt_market",
    "scoring": "scoring",
    "publishing": "serving__published_marts",
}


def test_a_run_killed_in_each_stage_then_run_again_ends_with_the_uninterrupted_marts(foreign_run):
    """SIGKILL the moment a stage starts, one stage after the other on one data root: the serving copy
    is never half written, the run that completes leaves the marts of an uninterrupted run, and the
    run history shows the killed runs failed, not running for ever."""
    landing, uninterrupted, _, first = foreign_run
    assert first.returncode == 0
    data = landing.parent / "killed"
    serving = data / "serving" / "terrain.duckdb"
    complete = None
    for stage, step in KILLED_IN.items():
        kill_when_step_starts(landing, data, step)
        held = serving_tables(serving)
        assert held is None or held == complete, f"after a kill in {stage} the serving copy holds {held}"
        complete = complete or held
    final = terrain("run", "--landing", str(landing), "--data", str(data))
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    assert "marked failed in the run history" in final.stdout
    assert_same_tables(tables(uninterrupted / "warehouse" / "terrain.duckdb", ("marts",)),
                       tables(data / "warehouse" / "terrain.duckdb", ("marts",)))
    assert serving_tables(serving) == serving_tables(uninterrupted / "serving" / "terrain.duckdb")
    instance = dg.DagsterInstance.from_config(str(data / "dagster_home"))
    try:
        statuses = [run.status for run in instance.get_runs(filters=dg.RunsFilter(job_name="terrain_main"))]
    finally:
        instance.dispose()
    assert sorted(statuses, key=str) == sorted([dg.DagsterRunStatus.FAILURE] * len(KILLED_IN)
                                               + [dg.DagsterRunStatus.SUCCESS], key=str)


WEEKLY_REFRESH = """
import sys
from pathlib import Path
from orchestration.resources import export_environment
from orchestration.automation.instance import prepare_dagster_home, source_tags
export_environment(sys.argv[1], sys.argv[2])
prepare_dagster_home(sys.argv[1])
import dagster as dg
from orchestration.definitions import defs
result = defs.get_job_def("weekly_intent_refresh").execute_in_process(
    instance=dg.DagsterInstance.get(), tags=source_tags("schedule"), raise_on_error=False)
print("steps:", ",".join(sorted({event.step_key for event in result.all_events if event.step_key})))
sys.exit(0 if result.success else 1)
"""


def test_the_weekly_refresh_rescores_and_publishes_on_the_published_plan(foreign_run, tmp_path):
    """The schedule's job reloads the weekly sources and re-scores, but does not plan territories again:
    the plan tables stay as the last `terrain run` left them and the CRM file still proposes that plan."""
    landing, data, _, first = foreign_run
    assert first.returncode == 0
    copy = tmp_path / "data"
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("terrain.lock"))
    warehouse = copy / "warehouse" / "terrain.duckdb"
    before = tables(warehouse, ("marts",))
    refresh = subprocess.run([sys.executable, "-c", WEEKLY_REFRESH, str(copy), str(landing)], cwd=REPO,
                             env=terrain_env(), capture_output=True, text=True, timeout=600)
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    steps = refresh.stdout.split("steps:")[-1].strip().split(",")
    assert {"scoring", "dbt_scored", "serving__published_marts"} <= set(steps) and "territory_design" not in steps
    after = tables(warehouse, ("marts",))
    for name in ("marts.territory_plan", "marts.territory_plan_summary", "marts.territory_plan_metrics"):
        assert_same_tables({name: before[name]}, {name: after[name]})
    crm = pd.read_csv(copy / "serving" / "crm" / "account_updates.csv", dtype=str)
    published = pd.read_csv(data / "serving" / "crm" / "account_updates.csv", dtype=str)
    assert crm["Proposed_Territory__c"].tolist() == published["Proposed_Territory__c"].tolist()
