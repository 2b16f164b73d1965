"""``terrain run`` on a landing zone Terrain did not generate, with messy files, a week at a time: weeks
1..n first, then week n+1 delivered and built incrementally, run again on the same files, rebuilt in
full while being killed inside each stage (the failure drill), and refreshed by the weekly schedule's job."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests.integration.foreign_landing import build_foreign_landing
from tests.integration.reruns import assert_same_tables, kill_when_step_starts, serving_tables, tables
from tests.support import REPO, terrain, terrain_env

pytestmark = pytest.mark.integration


@dataclass
class ForeignRun:
    landing: Path
    data: Path
    planted: dict[str, int]
    result: subprocess.CompletedProcess
    held: list[Path]
    weeks_1_to_n: Path
    """A copy of the data root as the first run left it, before week n+1 arrived."""
    new_week: str


@pytest.fixture(scope="module")
def foreign_run(tmp_path_factory) -> ForeignRun:
    """Weeks 1..n: the landing zone without its newest Bombora week and its G2 file (which falls in that week)."""
    landing = tmp_path_factory.mktemp("foreign") / "landing"
    planted = build_foreign_landing(landing)
    newest = sorted((landing / "intent" / "bombora").iterdir())[-1]
    aside = landing.parent / "week_n_plus_1"
    held = []
    for path in (newest, landing / "intent" / "g2" / "g2.csv"):
        target = aside / path.relative_to(landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        held.append(target)
    data = landing.parent / "data"
    result = terrain("run", "--landing", str(landing), "--data", str(data))
    snapshot = landing.parent / "weeks_1_to_n"
    shutil.copytree(data, snapshot, ignore=shutil.ignore_patterns("terrain.lock"))
    return ForeignRun(landing, data, planted, result, held, snapshot, newest.stem.split("_")[-1])


@pytest.fixture(scope="module")
def weekly_run(foreign_run: ForeignRun) -> subprocess.CompletedProcess:
    """Week n+1 delivered, then ``terrain run`` as a user runs it every week."""
    assert foreign_run.result.returncode == 0, foreign_run.result.stdout[-4000:] + foreign_run.result.stderr[-4000:]
    for path in foreign_run.held:
        shutil.move(path, foreign_run.landing / path.relative_to(path.parents[2]))
    return terrain("run", "--landing", str(foreign_run.landing), "--data", str(foreign_run.data))


def test_run_succeeds_on_a_foreign_landing_zone(foreign_run):
    assert foreign_run.result.returncode == 0, foreign_run.result.stdout[-4000:] + foreign_run.result.stderr[-4000:]
    assert "full run (first run on this data root)" in foreign_run.result.stdout


def test_bad_rows_quarantined_and_rejected_file_named(foreign_run, weekly_run):
    data, planted = foreign_run.data, foreign_run.planted
    assert weekly_run.returncode == 0
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


def _last_run_materializations(data: Path) -> dict[str, set[str | None]]:
    """Asset -> the partitions the data root's newest run materialized (None for an unpartitioned asset)."""
    instance = dg.DagsterInstance.from_config(str(data / "dagster_home"))
    try:
        run = instance.get_runs(filters=dg.RunsFilter(job_name="terrain_main"), limit=1)[0]
        built: dict[str, set[str | None]] = {}
        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            materialization = entry.asset_materialization
            built.setdefault(materialization.asset_key.to_user_string(), set()).add(materialization.partition)
        return built
    finally:
        instance.dispose()


PLAN_TABLES = ("marts.territory_plan", "marts.territory_plan_summary", "marts.territory_plan_metrics")


def assert_same_proposals(published: Path, refreshed: Path) -> None:
    """The CRM file of ``refreshed`` proposes the territories ``published``'s did, account for account."""
    crm = pd.read_csv(refreshed / "serving" / "crm" / "account_updates.csv", dtype=str).set_index("Id")
    before = pd.read_csv(published / "serving" / "crm" / "account_updates.csv", dtype=str).set_index("Id")
    both = crm.index.intersection(before.index)
    assert len(both) >= 0.9 * len(before)
    assert crm.loc[both, "Proposed_Territory__c"].equals(before.loc[both, "Proposed_Territory__c"])


def without_the_plan(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables an incremental week and a full rebuild share: all but the plan and what only the plan decides
    (the CRM file's proposed territory, reps' books under the published plan), which a full rebuild designs
    again and a weekly refresh keeps."""
    kept = {name: frame for name, frame in frames.items() if name not in PLAN_TABLES}
    kept["marts.crm_account_updates"] = kept["marts.crm_account_updates"].drop(columns="Proposed_Territory__c")
    books = kept["marts.rep_accounts"]
    kept["marts.rep_accounts"] = books[books["plan"] == "current"].reset_index(drop=True)
    return kept


def _rows_before(frame: pd.DataFrame, week: str) -> pd.DataFrame:
    return frame[pd.to_datetime(frame.week_start) < pd.Timestamp(week)].reset_index(drop=True)


def test_a_new_week_builds_its_partition_and_what_depends_on_it_and_keeps_the_earlier_weeks(foreign_run, weekly_run):
    """Week n+1 alone: its partition of every weekly source's load, of the models reading the intent that
    delivered it (Bombora, G2), the scores with the active model and the serving copy; not the marketing
    activity's models (nothing new), the CRM, entity resolution, earlier weeks or territory design: the
    plan and the CRM file's proposed territories stay those weeks 1..n published."""
    assert weekly_run.returncode == 0, weekly_run.stdout[-4000:] + weekly_run.stderr[-4000:]
    assert f"incremental run (2 new weekly file(s)); week of {foreign_run.new_week}" in weekly_run.stdout
    built = _last_run_materializations(foreign_run.data)
    weekly = {"raw/intent_bombora", "raw/intent_g2", "raw/map_activities", "raw/map_scores",
              "intermediate/int_intent_weekly", "marts/intent_weekly"}
    assert {key: built.get(key) for key in weekly} == {key: {foreign_run.new_week} for key in weekly}
    assert not {"staging/stg_map__activities", "intermediate/int_account_engagement_weekly"} & set(built)
    assert {"marts/account_priority", "marts/account_priority_history", "intermediate/int_as_of",
            "serving/published_marts"} <= set(built)
    assert {"marts/crm_account_updates", "marts/rep_accounts"} <= set(built)
    assert not {"raw/crm_accounts", "raw/firmographics", "identity/account_keys", "staging/stg_crm__accounts",
                "intermediate/int_companies_unified", "marts/territory_plan", "territory/plan_published"} & set(built)

    before = tables(foreign_run.weeks_1_to_n / "warehouse" / "terrain.duckdb", ("marts",))
    after = tables(foreign_run.data / "warehouse" / "terrain.duckdb", ("marts",))
    for name in ("marts.intent_weekly", "marts.account_priority_history"):
        kept = {name: _rows_before(before[name], foreign_run.new_week)}
        assert len(kept[name]) > 0
        assert_same_tables(kept, {name: _rows_before(after[name], foreign_run.new_week)})
    history_weeks = set(pd.to_datetime(after["marts.account_priority_history"].week_start).dt.date.astype(str))
    assert foreign_run.new_week in history_weeks and len(history_weeks) == 2
    assert (set(after["marts.intent_weekly"].week_start.astype(str)) - set(before["marts.intent_weekly"].week_start.astype(str))
            == {foreign_run.new_week})
    for name in PLAN_TABLES:
        assert_same_tables({name: before[name]}, {name: after[name]})
    assert_same_proposals(foreign_run.weeks_1_to_n, foreign_run.data)
    models = ["model_name", "model_version", "is_active", "auc", "train_rows"]
    assert_same_tables({"models": before["marts.model_performance"][models]},  # scored with the active model, not retrained
                       {"models": after["marts.model_performance"][models]})


def test_running_again_on_the_same_files_rebuilds_the_latest_week_and_changes_nothing(foreign_run, weekly_run):
    """Nothing new delivered: the run rebuilds week n+1 and what depends on it again, and raw history, the load
    report, account keys, the territory plan and model_performance (no second model version) are identical
    (the planner stops on work done, not on the clock); market figures equal to the cent."""
    assert weekly_run.returncode == 0
    warehouse = foreign_run.data / "warehouse" / "terrain.duckdb"
    before = tables(warehouse, ("raw", "identity", "intermediate", "marts"))
    again = terrain("run", "--landing", str(foreign_run.landing), "--data", str(foreign_run.data))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert f"incremental run (nothing new: the latest week again); week of {foreign_run.new_week}" in again.stdout
    after = tables(warehouse, ("raw", "identity", "intermediate", "marts"))
    assert len(before) >= 60 and {"marts.territory_plan", "marts.model_performance", "identity.account_keys"} <= set(before)
    assert_same_tables(before, after)


KILLED_IN = {
    "ingest": "raw__crm_accounts",
    "dbt staging": "dbt_staging",
    "entity resolution": "entity_resolution",
    "dbt market models": "dbt_market",
    "dbt weekly models": "dbt_weekly",
    "territory design": "territory_design",
    "scoring": "scoring",
    "publishing": "serving__published_marts",
}
"""Stage -> its first step, in the order a run executes them: each restart resumes past the stages before."""


def _main_runs(data: Path) -> list[dg.DagsterRun]:
    """The data root's runs of the main job, oldest first."""
    instance = dg.DagsterInstance.from_config(str(data / "dagster_home"))
    try:
        return list(reversed(instance.get_runs(filters=dg.RunsFilter(job_name="terrain_main"))))
    finally:
        instance.dispose()


def _steps_by_run(data: Path, runs: list[dg.DagsterRun], event: dg.DagsterEventType) -> list[list[str]]:
    instance = dg.DagsterInstance.from_config(str(data / "dagster_home"))
    try:
        return [[record.step_key for record in instance.all_logs(run.run_id, of_type=event)] for run in runs]
    finally:
        instance.dispose()


def test_a_full_rebuild_killed_in_each_stage_then_run_again_equals_the_incremental_week(foreign_run, weekly_run):
    """From the data root as weeks 1..n left it, with week n+1 delivered: ``terrain run --full`` killed
    (SIGKILL) the moment each stage starts, one stage after the other, then run to the end. Each restart
    resumes the run killed before it from the step the kill stopped, so no step a killed run completed runs
    again and the drill costs about one full run. The serving copy is never half written, the run history
    shows each killed run failed (not running for ever) and the next one as its re-execution, and the
    completed full rebuild leaves the same marts and serving copy as the incremental run of week n+1 (the
    same active model: retraining is not due), but for the plan, which the full rebuild designs again."""
    assert weekly_run.returncode == 0
    data = foreign_run.landing.parent / "killed"
    shutil.copytree(foreign_run.weeks_1_to_n, data, ignore=shutil.ignore_patterns("terrain.lock"))
    serving = data / "serving" / "terrain.duckdb"
    published = serving_tables(serving)
    outputs = []
    for stage, step in KILLED_IN.items():
        outputs.append(kill_when_step_starts(foreign_run.landing, data, step, "--full"))
        held = serving_tables(serving)
        assert held == published, f"after a kill in {stage} the serving copy holds {held}"
    final = terrain("run", "--landing", str(foreign_run.landing), "--data", str(data), "--full")
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    assert "marked failed in the run history" in final.stdout and "full run (--full)" in final.stdout
    assert list((data / "state" / "pending").glob("*.json")) == []  # the killed runs' records dropped
    incremental = foreign_run.data / "warehouse" / "terrain.duckdb"
    assert_same_tables(without_the_plan(tables(incremental, ("intermediate", "marts"))),
                       without_the_plan(tables(data / "warehouse" / "terrain.duckdb", ("intermediate", "marts"))))
    assert serving_tables(serving) == serving_tables(foreign_run.data / "serving" / "terrain.duckdb")

    first, *chain = _main_runs(data)
    assert first.status == dg.DagsterRunStatus.SUCCESS and len(chain) == len(KILLED_IN) + 1
    killed, last = chain[:-1], chain[-1]
    assert [run.status for run in killed] == [dg.DagsterRunStatus.FAILURE] * len(KILLED_IN)
    assert last.status == dg.DagsterRunStatus.SUCCESS
    assert "Resuming run" not in outputs[0] and killed[0].parent_run_id is None  # the last run before it succeeded
    for output, parent, run, step in zip([*outputs[1:], final.stdout], killed, chain[1:], KILLED_IN.values(), strict=True):
        assert f"Resuming run {parent.run_id} from step {step}: " in output
        assert (run.parent_run_id, run.root_run_id) == (parent.run_id, killed[0].run_id)
    completed = _steps_by_run(data, chain, dg.DagsterEventType.STEP_SUCCESS)
    started_last = set(_steps_by_run(data, [last], dg.DagsterEventType.STEP_START)[0])
    assert not started_last & {step for steps in completed[:-1] for step in steps}
    every_step = [step for steps in completed for step in steps]
    assert len(every_step) == len(set(every_step)) == len(_steps_by_run(data, [first], dg.DagsterEventType.STEP_SUCCESS)[0])


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
    instance=dg.DagsterInstance.get(), tags=source_tags("schedule"), partition_key=sys.argv[3], raise_on_error=False)
print("steps:", ",".join(sorted({event.step_key for event in result.all_events if event.step_key})))
sys.exit(0 if result.success else 1)
"""


def test_the_weekly_refresh_rescores_and_publishes_on_the_published_plan(foreign_run, weekly_run, tmp_path):
    """The schedule's job for week n+1, on the data root as weeks 1..n left it, reloads the weekly sources and
    re-scores, but does not plan territories again: the plan tables stay as the last `terrain run` left them
    and the CRM file still proposes that plan."""
    assert weekly_run.returncode == 0
    copy = tmp_path / "data"
    shutil.copytree(foreign_run.weeks_1_to_n, copy, ignore=shutil.ignore_patterns("terrain.lock"))
    warehouse = copy / "warehouse" / "terrain.duckdb"
    before = tables(warehouse, ("marts",))
    refresh = subprocess.run([sys.executable, "-c", WEEKLY_REFRESH, str(copy), str(foreign_run.landing),
                              foreign_run.new_week], cwd=REPO, env=terrain_env(), capture_output=True, text=True,
                             timeout=600)
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    steps = refresh.stdout.split("steps:")[-1].strip().split(",")
    assert {"scoring", "dbt_scored", "dbt_weekly", "serving__published_marts"} <= set(steps)
    assert "territory_design" not in steps
    after = tables(warehouse, ("marts",))
    assert foreign_run.new_week in set(after["marts.intent_weekly"].week_start.astype(str))
    for name in PLAN_TABLES:
        assert_same_tables({name: before[name]}, {name: after[name]})
    assert_same_proposals(foreign_run.weeks_1_to_n, copy)
