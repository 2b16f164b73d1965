"""What ``terrain run`` rebuilds: the weeks of new weekly files incrementally, everything otherwise."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets.partitions import FIRST_WEEK, WEEKLY_SOURCES, clip_to_partitions, last_partition_week
from orchestration.automation.refresh import (
    DATA_DIR_TAG,
    FULL,
    INCREMENTAL,
    PENDING_FOLDER,
    REFRESH_ID_TAG,
    REFRESH_TAG,
    complete_refresh,
    fingerprint,
    plan_refresh,
    read_state,
    write_pending,
    write_state,
)
from orchestration.automation.schedule import previous_week, weekly_run_key
from orchestration.automation.sensor import failed_refresh_discarder, landing_sensor, refresh_recorder
from orchestration.ingest.delivered_weeks import delivered_weeks
from orchestration.ingest.registry import SOURCES
from orchestration.resources import TerrainPaths

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
BOMBORA = "Domain,Topic,Composite Score\na.com,CRM,70\nb.com,CRM,40\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    _write(root / "crm" / "accounts" / "accounts.csv", "Id,Name,OwnerId\n001,A,005\n")
    _write(root / "intent" / "bombora" / "surge_2026-11-09.csv", BOMBORA)
    _write(root / "map" / "activities" / "log.csv",
           "email,activity_type,activity_ts,source_system\n"
           "a@a.com,email_click,2026-11-02T09:00:00+02:00,marketo\n"
           "b@a.com,form_fill,2026-11-15T23:30:00Z,marketo\n")
    return root


def test_a_first_run_is_full_over_every_delivered_week(landing, tmp_path):
    refresh = plan_refresh(landing, tmp_path / "data", "v1", now=NOW)
    assert refresh.full and refresh.reason == "first run on this data root"
    assert (refresh.first_week, refresh.last_week) == (date(2026, 11, 2), date(2026, 11, 9))
    assert refresh.tags()[REFRESH_TAG] == FULL
    assert refresh.tags()["dagster/asset_partition_range_start"] == "2026-11-02"


def test_only_new_weekly_files_make_an_incremental_run_over_their_weeks(landing, tmp_path):
    data = tmp_path / "data"
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", BOMBORA)
    _write(landing / "intent" / "g2" / "g2.csv", "company_domain,category,signal_type,date\na.com,CRM Software,pricing,2026-11-18\n")
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    assert not refresh.full and refresh.kind == INCREMENTAL
    assert (refresh.first_week, refresh.last_week) == (date(2026, 11, 16), date(2026, 11, 16))
    assert refresh.reason == "2 new weekly file(s)"
    assert refresh.new_files == ("intent/bombora/surge_2026-11-16.csv", "intent/g2/g2.csv")


def test_a_late_file_for_an_earlier_week_widens_the_window_to_it(landing, tmp_path):
    data = tmp_path / "data"
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", BOMBORA)
    _write(landing / "intent" / "bombora" / "restated_2026-10-26.csv", BOMBORA)
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    assert (refresh.full, refresh.first_week, refresh.last_week) == (False, date(2026, 10, 26), date(2026, 11, 16))


def test_a_new_crm_file_changed_settings_or_another_landing_make_the_run_full(landing, tmp_path):
    data = tmp_path / "data"
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    assert plan_refresh(landing, data, "v2", now=NOW).reason == "settings, dbt models or Terrain changed since the last run"
    assert plan_refresh(landing, data, "v1", full_requested=True, now=NOW).reason == "--full"
    other = tmp_path / "other"
    _write(other / "intent" / "bombora" / "surge_2026-11-09.csv", BOMBORA)
    assert plan_refresh(other, data, "v1", now=NOW).reason == "another landing zone than the last run's"
    _write(landing / "crm" / "accounts" / "accounts_2.csv", "Id,Name,OwnerId\n002,B,005\n")
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", BOMBORA)
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    assert refresh.full and refresh.reason == "1 new file(s) outside the weekly sources, e.g. crm/accounts/accounts_2.csv"
    assert (refresh.first_week, refresh.last_week) == (date(2026, 11, 2), date(2026, 11, 16))


def test_nothing_new_rebuilds_the_latest_week_and_a_failed_runs_files_stay_new(landing, tmp_path):
    data = tmp_path / "data"
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    again = plan_refresh(landing, data, "v1", now=NOW)
    assert (again.full, again.first_week, again.last_week) == (False, date(2026, 11, 9), date(2026, 11, 9))
    assert again.reason == "nothing new: the latest week again"
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", BOMBORA)
    planned = plan_refresh(landing, data, "v1", now=NOW)
    assert planned.last_week == date(2026, 11, 16)
    assert plan_refresh(landing, data, "v1", now=NOW).new_files == planned.new_files  # no state written: still new


def test_weeks_outside_the_partitions_are_clipped_to_them():
    assert clip_to_partitions(date(2009, 3, 2), date(2010, 1, 4), NOW) == (FIRST_WEEK, FIRST_WEEK)
    assert last_partition_week(NOW) == date(2026, 11, 30)
    assert clip_to_partitions(date(2026, 11, 16), date(2027, 5, 3), NOW) == (date(2026, 11, 16), date(2026, 11, 30))


def test_delivered_weeks_are_read_as_ingestion_reads_them(tmp_path):
    named = _write(tmp_path / "surge_2026-11-11.csv", BOMBORA)
    assert delivered_weeks(SOURCES["intent_bombora"], named, named.name, "week_start") == {date(2026, 11, 9)}
    dated = _write(tmp_path / "surge.csv", "Domain,Topic,Composite Score,Week\na.com,CRM,70,2026-11-02\n"
                                           "b.com,CRM,70,2026-11-10\nc.com,CRM,70,someday\n")
    assert delivered_weeks(SOURCES["intent_bombora"], dated, dated.name, "week_start") == {date(2026, 11, 2), date(2026, 11, 9)}
    g2 = _write(tmp_path / "g2.csv", "company_domain,category,signal_type,date\na.com,CRM,pricing,2026-11-22\n"
                                     "a.com,CRM,pricing,2026-11-23\nb.com,CRM,pricing,not a date\n")
    assert delivered_weeks(SOURCES["intent_g2"], g2, g2.name, "date") == {date(2026, 11, 16), date(2026, 11, 23)}
    missing = _write(tmp_path / "bad.csv", "company_domain,category\na.com,CRM\n")
    assert delivered_weeks(SOURCES["intent_g2"], missing, missing.name, "date") == set()
    binary = tmp_path / "scores.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert delivered_weeks(SOURCES["map_scores"], binary, binary.name, "scored_at") == set()


def test_the_schedule_asks_for_the_week_that_ended_the_day_before():
    assert previous_week(date(2026, 11, 30)) == date(2026, 11, 23)
    assert previous_week(date(2026, 12, 6)) == date(2026, 11, 23)  # a Sunday is in the week of its Monday
    assert weekly_run_key(previous_week(date(2026, 11, 30))) == "week-2026-11-23"


def test_the_sensor_requests_the_incremental_run_terrain_run_would_start(landing, tmp_path, monkeypatch):
    from orchestration.definitions import defs, incremental_selection

    data = tmp_path / "data"
    monkeypatch.setattr("orchestration.automation.refresh_request.run_fingerprint", lambda: "v1")
    write_state(data, plan_refresh(landing, data, "v1"), landing, "v1")
    new = _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", BOMBORA)
    os.utime(new, (0, 0))
    sensor = landing_sensor(defs.get_job_def("terrain_main"), settle_seconds=0)
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(data))
    with (dg.instance_for_test() as instance,
          dg.build_sensor_context(instance=instance, resources={"paths": paths}, definitions=defs) as context):
        request = sensor.evaluate_tick(context).run_requests[0]
    assert request.tags[REFRESH_TAG] == INCREMENTAL and request.tags["terrain/weeks"] == "2026-11-16..2026-11-16"
    assert sorted(request.asset_selection) == incremental_selection(("intent_bombora",))
    assert {dg.AssetKey(["raw", "intent_bombora"]), dg.AssetKey(["marts", "account_priority"])} <= set(request.asset_selection)
    assert not {dg.AssetKey(["raw", "crm_accounts"]), dg.AssetKey(["staging", "stg_map__activities"]),
                dg.AssetKey(["intermediate", "int_account_engagement_weekly"])} & set(request.asset_selection)
    assert set(incremental_selection()) > set(request.asset_selection) >= set(WEEKLY_SOURCES)


def test_a_run_becomes_the_last_refresh_only_when_it_succeeds(landing, tmp_path):
    data = tmp_path / "data"
    first = plan_refresh(landing, data, "v1", now=NOW)
    write_pending(data, first, landing, "v1")
    assert plan_refresh(landing, data, "v1", now=NOW).reason == "first run on this data root"  # not succeeded yet
    assert complete_refresh(data, first.refresh_id) is not None
    assert complete_refresh(data, first.refresh_id) is None  # recorded once
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", BOMBORA)
    week = plan_refresh(landing, data, "v1", now=NOW)
    write_pending(data, week, landing, "v1")
    complete_refresh(data, week.refresh_id)
    state = read_state(data)
    assert (state["refresh"], state["first_week"], state["last_week"]) == (INCREMENTAL, "2026-11-02", "2026-11-16")
    assert "intent/bombora/surge_2026-11-16.csv" in state["landing_files"]


def test_the_daemon_records_a_successful_sensor_run_as_the_last_refresh(landing, tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("TERRAIN_DATA_DIR", str(data))
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    write_pending(data, refresh, landing, "v1")

    @dg.op
    def load() -> None:
        """Stands in for the run's steps."""

    @dg.job
    def terrain_main():
        load()

    recorder = refresh_recorder(terrain_main)
    with dg.instance_for_test() as instance:
        run = terrain_main.execute_in_process(instance=instance, tags={REFRESH_ID_TAG: refresh.refresh_id})
        success = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records[0]
        context = dg.build_run_status_sensor_context(sensor_name=recorder.name, dagster_instance=instance,
                                                     dagster_run=run.dagster_run,
                                                     dagster_event=success.event_log_entry.dagster_event)
        recorder(context)
    assert read_state(data)["landing_files"].keys() == refresh.files.keys()
    assert plan_refresh(landing, data, "v1", now=NOW).reason == "nothing new: the latest week again"


def test_the_daemon_drops_a_failed_runs_pending_record_and_its_files_stay_new(landing, tmp_path):
    data = tmp_path / "data"
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    write_pending(data, refresh, landing, "v1")
    pending = data / PENDING_FOLDER / f"{refresh.refresh_id}.json"
    assert pending.exists()

    @dg.op
    def load() -> None:
        """Stands in for a step that fails."""
        raise RuntimeError("the warehouse could not be written")

    @dg.job
    def terrain_main():
        load()

    discarder = failed_refresh_discarder(terrain_main)
    with dg.instance_for_test() as instance:
        run = terrain_main.execute_in_process(instance=instance, raise_on_error=False,
                                              tags={REFRESH_ID_TAG: refresh.refresh_id, DATA_DIR_TAG: str(data)})
        failure = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records[0]
        context = dg.build_run_status_sensor_context(sensor_name=discarder.name, dagster_instance=instance,
                                                     dagster_run=run.dagster_run,
                                                     dagster_event=failure.event_log_entry.dagster_event)
        discarder(context.for_run_failure())
    assert not pending.exists()
    assert complete_refresh(data, refresh.refresh_id) is None
    assert plan_refresh(landing, data, "v1", now=NOW).reason == "first run on this data root"


def test_a_late_week_rebuilds_the_built_weeks_whose_momentum_reads_it(landing, tmp_path):
    data = tmp_path / "data"
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    for week in ("2026-11-16", "2026-11-23"):
        _write(landing / "intent" / "bombora" / f"surge_{week}.csv", BOMBORA)
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    _write(landing / "intent" / "bombora" / "restated_2026-11-09.csv", BOMBORA)
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    assert (refresh.full, refresh.first_week, refresh.last_week) == (False, date(2026, 11, 9), date(2026, 11, 23))


def test_rows_outside_the_partitions_make_the_run_full(landing, tmp_path):
    data = tmp_path / "data"
    write_state(data, plan_refresh(landing, data, "v1", now=NOW), landing, "v1")
    _write(landing / "intent" / "bombora" / "surge_2014-06-02.csv", BOMBORA)
    refresh = plan_refresh(landing, data, "v1", now=NOW)
    assert refresh.full and refresh.reason == "rows dated outside the weekly partitions (2015-01-05 to 2026-11-30)"


def test_the_files_dbt_writes_for_itself_leave_the_fingerprint_as_it_was(tmp_path):
    """A dbt command run by hand in the project writes ``.user.yml`` (its anonymous user id), logs and
    target files: none of them is a model, so the next ``terrain run`` stays incremental."""
    project = tmp_path / "dbt_project"
    _write(project / "dbt_project.yml", "name: terrain\n")
    _write(project / "models" / "marts" / "tam_by_territory.sql", "select 1\n")
    before = fingerprint("{}", project)
    _write(project / ".user.yml", "id: 5f0c\n")
    _write(project / "logs" / "dbt.log", "compiled\n")
    _write(project / "target" / "compiled" / "x.sql", "select 1\n")
    _write(project / "models" / ".ipynb_checkpoints" / "scratch.sql", "select 2\n")
    assert fingerprint("{}", project) == before
    _write(project / "models" / "marts" / "tam_by_territory.sql", "select 2\n")
    assert fingerprint("{}", project) != before
