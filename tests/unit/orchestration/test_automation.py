"""Weekly operations without a person at the keyboard: the Monday schedule, the landing sensor, the
freshness checks of the weekly sources, one Dagster instance per data root, and a run that refuses
an empty landing zone. What the schedule's runs rebuild is in test_schedule_refresh.py."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
import yaml

from orchestration.assets import freshness
from orchestration.assets import ingest as ingest_assets
from orchestration.assets.partitions import WEEKLY_PARTITIONS
from orchestration.automation.instance import SOURCE_TAG, remember_landing, remembered_landing
from orchestration.automation.landing import LandingZoneEmpty
from orchestration.automation.schedule import SCHEDULE_NAME, schedule_settings, weekly_schedule
from orchestration.automation.sensor import landing_sensor
from orchestration.resources import TerrainPaths, connect_warehouse
from orchestration.settings import ScheduleSettings

HOUR_AGO = time.time() - 3600
WEEKLY = set(freshness.WEEK_COLUMNS)


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def _write(path: Path, text: str, mtime: float | None = HOUR_AGO) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


# The schedule ------------------------------------------------------------------------------------

def test_the_shipped_schedule_runs_by_default_on_monday_in_the_configured_zone(defs, tmp_path):
    schedule = next(s for s in defs.schedules if s.name == SCHEDULE_NAME)
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * 1", "UTC")
    assert schedule.job_name == "terrain_main"  # a full run needs every asset; the landing sensor's job too
    landing = tmp_path / "landing"
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", "Domain,Topic,Composite Score\na.com,CRM,70\n")
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(tmp_path / "data"))
    monday = datetime(2026, 11, 30, 6, tzinfo=ZoneInfo("UTC"))
    with (dg.instance_for_test() as instance,
          dg.build_schedule_context(instance, monday, resources={"paths": paths},
                                    repository_def=defs.get_repository_def()) as context):
        tick = schedule.evaluate_tick(context)
    assert [request.tags[SOURCE_TAG] for request in tick.run_requests] == ["schedule"]
    assert [request.run_key for request in tick.run_requests] == ["week-2026-11-23"]
    assert tick.run_requests[0].tags["terrain/refresh"] == "full"  # a first run on this data root


def test_schedule_time_zone_and_hour_come_from_terrain_yaml(tmp_path, monkeypatch):
    config = tmp_path / "terrain.yaml"
    config.write_text("schedule:\n  timezone: America/New_York\n  hour: 7\n", encoding="utf-8")
    monkeypatch.setenv("TERRAIN_CONFIG", str(config))
    settings = schedule_settings()
    assert settings == ScheduleSettings(timezone="America/New_York", hour=7)

    @dg.asset(partitions_def=WEEKLY_PARTITIONS)
    def intent() -> None:
        """A weekly asset for the schedule's job to target."""

    schedule = weekly_schedule(dg.define_asset_job("weekly", selection=[intent]), settings)
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 7 * * 1", "America/New_York")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    monday = datetime(2026, 11, 30, 7, tzinfo=ZoneInfo("America/New_York"))
    repository = dg.Definitions(assets=[intent], schedules=[schedule]).get_repository_def()
    landing = tmp_path / "landing"
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", "Domain,Topic,Composite Score\n")
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(tmp_path / "data"))
    with (dg.instance_for_test() as instance,
          dg.build_schedule_context(instance, monday, resources={"paths": paths}, repository_def=repository) as context):
        assert schedule.evaluate_tick(context).run_requests[0].tags[SOURCE_TAG] == "schedule"
        assert context.scheduled_execution_time.utcoffset().total_seconds() == -5 * 3600


def test_an_invalid_schedule_setting_leaves_the_code_location_on_the_defaults(tmp_path, monkeypatch):
    config = tmp_path / "terrain.yaml"
    config.write_text("schedule:\n  timezone: Mars/Olympus_Mons\n", encoding="utf-8")
    monkeypatch.setenv("TERRAIN_CONFIG", str(config))
    assert schedule_settings() == ScheduleSettings()


def test_jobs_tag_their_runs_from_the_ui_unless_the_launcher_says_otherwise(defs):
    jobs = {job.name: job for job in defs.jobs}
    for name in ("terrain_main", "weekly_intent_refresh"):
        assert jobs[name].tags[SOURCE_TAG] == "ui", name


# The landing sensor ------------------------------------------------------------------------------

@pytest.fixture
def watched(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    landing.mkdir()
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(data))
    sensor = landing_sensor(dg.define_asset_job("terrain_main"))

    def tick(cursor: str | None = None):
        with (dg.instance_for_test() as instance,
              dg.build_sensor_context(instance=instance, cursor=cursor, resources={"paths": paths}) as context):
            return sensor.evaluate_tick(context)

    return landing, data, sensor, tick


def test_the_shipped_sensor_is_on_and_starts_the_main_job(defs):
    sensor = next(s for s in defs.sensors if s.name == "landing_zone_deliveries")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.job_name == "terrain_main"


def test_sensor_skips_an_empty_landing_zone_and_names_it(watched):
    landing, _, _, tick = watched
    result = tick()
    assert result.run_requests == []
    assert str(landing) in result.skip_message


def test_sensor_starts_one_run_per_delivery(watched):
    landing, _, _, tick = watched
    _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", "Domain,Topic,Composite Score\na.com,CRM,70\n")
    first = tick()
    assert len(first.run_requests) == 1
    request = first.run_requests[0]
    assert request.tags[SOURCE_TAG] == "sensor" and request.run_key.startswith("landing-")

    assert tick(first.cursor).run_requests == []
    assert tick().run_requests[0].run_key == request.run_key  # cursor lost: the same key, so Dagster dedupes

    _write(landing / "map" / "scores" / "marketo_2026-11-22.csv", "email,source_system,score\na@a.com,marketo,12\n")
    second = tick(first.cursor)
    assert len(second.run_requests) == 1 and second.run_requests[0].run_key != request.run_key
    assert second.run_requests[0].tags["terrain/deliveries"] == "1"


def test_sensor_sees_a_redelivered_file_and_ignores_hidden_and_stray_files(watched):
    landing, _, _, tick = watched
    surge = _write(landing / "intent" / "bombora" / "surge_2026-11-16.csv", "Domain,Topic,Composite Score\n")
    first = tick()
    _write(landing / "intent" / "bombora" / ".surge.csv.swp", "x")
    _write(landing / "notes.txt", "not a source folder")
    assert tick(first.cursor).run_requests == []
    _write(surge, "Domain,Topic,Composite Score\na.com,CRM,80\n", mtime=HOUR_AGO + 60)
    assert len(tick(first.cursor).run_requests) == 1


def test_sensor_waits_for_a_file_still_being_written(watched):
    landing, _, _, tick = watched
    _write(landing / "intent" / "g2" / "g2.csv", "company_domain,category,signal_type,date\n", mtime=None)
    result = tick()
    assert result.run_requests == [] and "still being written" in result.skip_message


def test_sensor_does_not_rebuild_what_the_command_line_built(watched):
    from orchestration.automation.landing import landing_files

    landing, data, _, tick = watched
    _write(landing / "crm" / "accounts" / "accounts.csv", "Id,Name,OwnerId\n001,Acme,005\n")
    remember_landing(data, landing, landing_files(landing))
    assert tick().run_requests == []
    _write(landing / "crm" / "accounts" / "accounts_delta.csv", "Id,Name,OwnerId\n002,Beta,005\n")
    assert len(tick().run_requests) == 1


# Freshness of the weekly sources -----------------------------------------------------------------

def _weekly_landing(root: Path, *, g2_weeks: tuple[str, ...]) -> Path:
    """Bombora for the weeks of 9 and 16 November 2026, MAP activity and scores in the week of the
    16th, and G2 only in ``g2_weeks``."""
    for monday, score in (("2026-11-09", 64), ("2026-11-16", 71)):
        _write(root / "intent" / "bombora" / f"bombora_surge_{monday}.csv",
               f"Domain,Topic,Composite Score\nacme.com,Sales Enablement,{score}\n")
    g2 = "".join(f"acme.com,CRM Software,pricing,{day}\n" for day in g2_weeks)
    _write(root / "intent" / "g2" / "g2_buyer_intent.csv", "company_domain,category,signal_type,date\n" + g2)
    _write(root / "map" / "activities" / "marketo_activities.csv",
           "email,activity_type,activity_ts\nann@acme.com,email_open,2026-11-18T10:00:00Z\n")
    _write(root / "map" / "scores" / "marketo_scores_2026-11-22.csv", "email,source_system,score\nann@acme.com,marketo,40\n")
    return root


def _materialize_weekly(landing: Path, data: Path) -> dg.ExecuteInProcessResult:
    keys = set(freshness.WEEKLY_SOURCES)
    selected = [a for a in ingest_assets.ingest_assets if set(a.keys) & keys]
    return dg.materialize([*selected, *freshness.freshness_checks],
                          resources={"paths": TerrainPaths(landing_dir=str(landing), data_dir=str(data))})


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {evaluation.asset_key.path[-1]: evaluation for evaluation in result.get_asset_check_evaluations()
            if evaluation.check_name == freshness.CHECK_NAME}


def test_a_vendor_missing_the_latest_week_turns_its_check_red(tmp_path, monkeypatch):
    monkeypatch.delenv("TERRAIN_AS_OF", raising=False)
    landing = _weekly_landing(tmp_path / "landing", g2_weeks=("2026-11-10", "2026-11-12"))
    result = _materialize_weekly(landing, tmp_path / "data")
    assert result.success
    evaluations = _evaluations(result)
    assert set(evaluations) == WEEKLY
    failed = {table for table, evaluation in evaluations.items() if not evaluation.passed}
    assert failed == {"intent_g2"}
    g2 = evaluations["intent_g2"]
    assert g2.severity == dg.AssetCheckSeverity.WARN
    assert "intent/g2/ has no delivery for the week of 2026-11-16" in g2.description
    assert g2.metadata["latest_week"].value == "2026-11-09"
    assert g2.metadata["expected_week"].value == "2026-11-16"


def test_every_weekly_source_delivered_the_latest_week_is_green(tmp_path, monkeypatch):
    monkeypatch.delenv("TERRAIN_AS_OF", raising=False)
    landing = _weekly_landing(tmp_path / "landing", g2_weeks=("2026-11-10", "2026-11-19"))
    evaluations = _evaluations(_materialize_weekly(landing, tmp_path / "data"))
    assert {table: evaluation.passed for table, evaluation in evaluations.items()} == dict.fromkeys(WEEKLY, True)
    assert evaluations["map_scores"].metadata["latest_week"].value == "2026-11-16"


def test_latest_week_follows_as_of_and_never_passes_the_last_full_week(tmp_path, monkeypatch):
    monkeypatch.delenv("TERRAIN_AS_OF", raising=False)
    landing = _weekly_landing(tmp_path / "landing", g2_weeks=("2026-11-10",))
    data = tmp_path / "data"
    _materialize_weekly(landing, data)
    with connect_warehouse(TerrainPaths(landing_dir=str(landing), data_dir=str(data)).warehouse_path) as con:
        def stale(**kwargs) -> set[str]:
            return {f.table for f in freshness.weekly_freshness(con, **kwargs) if not f.fresh}

        assert stale(as_of=None, today=date(2026, 12, 1)) == {"intent_g2"}
        assert stale(as_of=date(2026, 11, 15), today=date(2026, 12, 1)) == set()
        assert stale(as_of=date(2026, 11, 29), today=date(2026, 12, 1)) == WEEKLY
        assert stale(as_of=None, today=date(2026, 11, 17)) == set()  # the week of the 16th is not over


def test_the_week_of_an_undated_delivery_is_its_file_names(tmp_path):
    with duckdb.connect() as con:
        con.execute("create schema raw; create table raw.map_scores (_file_name varchar, scored_at timestamp)")
        con.execute("insert into raw.map_scores values ('pardot_scores_2026-11-19.csv', null), "
                    "('eloqua/scores.csv', null), ('hubspot.csv', timestamp '2026-11-02 08:00:00')")
        assert freshness.latest_week(con, "map_scores") == date(2026, 11, 16)
        assert freshness.latest_week(con, "intent_g2") is None


def test_a_source_that_never_delivered_is_not_late():
    never = freshness.SourceFreshness("intent_g2", None, date(2026, 11, 16))
    late = freshness.SourceFreshness("intent_g2", date(2026, 11, 2), date(2026, 11, 16))
    assert never.fresh and "never delivered" in never.describe()
    assert not late.fresh and "2 week(s) late" in late.describe()
    assert freshness.last_full_week(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday ends its week
    assert freshness.last_full_week(date(2026, 11, 21)) == date(2026, 11, 9)


# One instance per data root, and no run on an empty landing zone ---------------------------------

def test_a_run_that_loads_an_empty_landing_zone_stops_naming_the_folder(tmp_path):
    landing = tmp_path / "landing"
    (landing / "crm" / "accounts").mkdir(parents=True)
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(tmp_path / "data"))
    accounts = next(a for a in ingest_assets.ingest_assets if dg.AssetKey(["raw", "crm_accounts"]) in a.keys)
    with pytest.raises(dg.DagsterResourceFunctionError) as error:
        dg.materialize([accounts], resources={"paths": paths})
    assert isinstance(error.value.user_exception, LandingZoneEmpty)
    assert f"the landing zone {landing} holds no delivery" in str(error.value.user_exception)
    assert not (tmp_path / "data" / "warehouse" / "terrain.duckdb").exists()


def test_a_run_that_does_not_load_the_landing_zone_does_not_need_one(tmp_path):
    @dg.asset(key=["marts", "published_elsewhere"])
    def published_elsewhere(paths: TerrainPaths) -> None:
        (paths.serving_dir / "published.txt").write_text("ok", encoding="utf-8")

    paths = TerrainPaths(landing_dir=str(tmp_path / "gone"), data_dir=str(tmp_path / "data"))
    assert dg.materialize([published_elsewhere], resources={"paths": paths}).success
    assert (tmp_path / "data" / "serving" / "published.txt").exists()


def test_terrain_run_refuses_an_empty_landing_zone_naming_it(tmp_path, capsys):
    from orchestration.cli import main

    empty = tmp_path / "landing"
    empty.mkdir()
    assert main(["run", "--landing", str(empty), "--data", str(tmp_path / "data")]) == 2
    assert f"the landing zone {empty} holds no delivery" in capsys.readouterr().err
    assert main(["run", "--landing", str(tmp_path / "missing"), "--data", str(tmp_path / "data")]) == 2
    assert f"the landing zone {tmp_path / 'missing'} does not exist" in capsys.readouterr().err


def test_commands_share_the_data_roots_instance_and_its_landing_zone(tmp_path, monkeypatch):
    from orchestration.cli import _prepare_environment, _resolve_dirs
    from orchestration.resources import terrain_paths_from_env

    for name in ("TERRAIN_DATA_DIR", "TERRAIN_LANDING_DIR", "TERRAIN_DUCKDB_PATH", "TERRAIN_AS_OF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    data, landing = tmp_path / "data", tmp_path / "deliveries"
    assert _resolve_dirs(None, str(data)) == (data / "landing", data)

    remember_landing(data, landing)
    assert remembered_landing(data) == landing
    resolved_landing, resolved_data = _resolve_dirs(None, str(data))
    assert (resolved_landing, resolved_data) == (landing, data)
    assert _resolve_dirs(str(tmp_path / "other"), str(data))[0] == tmp_path / "other"

    _prepare_environment(resolved_landing, resolved_data)
    home = data / "dagster_home"
    assert os.environ["DAGSTER_HOME"] == str(home)
    assert terrain_paths_from_env().landing_dir == str(landing)
    monkeypatch.delenv("TERRAIN_LANDING_DIR")
    assert terrain_paths_from_env().landing_dir == str(landing)  # the UI's code location, without --landing

    config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["run_coordinator"]["config"] == {"max_concurrent_runs": 1}
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    _prepare_environment(resolved_landing, resolved_data)
    assert "telemetry" in (home / "dagster.yaml").read_text(encoding="utf-8")  # an edited file is kept
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.root_directory == str(home)


def test_serve_stops_the_pair_when_one_process_dies(tmp_path):
    from orchestration.automation.serve import run_together, serve_commands

    started = time.monotonic()
    code = run_together([["sleep", "60"], [sys.executable, "-c", "raise SystemExit(3)"]], tmp_path)
    assert code == 3 and time.monotonic() - started < 30  # the sleeping partner was stopped, not waited for
    daemon, webserver = serve_commands(Path("/venv/bin"), Path("/repo/workspace.yaml"), "0.0.0.0", 3100)
    assert daemon[:2] == ["/venv/bin/dagster-daemon", "run"]
    assert webserver[-4:] == ["-h", "0.0.0.0", "-p", "3100"]
