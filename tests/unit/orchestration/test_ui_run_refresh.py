"""A run of the whole main job started from the UI counts as a full refresh; a partial one records nothing.

A small job named as the main one (the real loads of three landing sources into a DuckDB warehouse,
and a publish step reading them) runs through Dagster the way a UI launch does, with no refresh
tag, and the daemon's run-status sensors then see it end."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets import ingest as ingest_assets
from orchestration.assets.partitions import range_tags
from orchestration.automation.instance import MAIN_JOB, source_tags
from orchestration.automation.refresh import (
    FULL,
    PENDING_FOLDER,
    REFRESH_ID_TAG,
    STATE_FILE,
    plan_refresh,
    read_state,
    run_fingerprint,
)
from orchestration.automation.sensor import failed_refresh_discarder, landing_sensor, refresh_recorder
from orchestration.resources import TerrainPaths, connect_warehouse

LOADED = ("crm_accounts", "intent_bombora", "map_activities")
HOUR_AGO = time.time() - 3600
WEEKS = (date(2026, 11, 9), date(2026, 11, 16))
"""The weeks the landing zone delivers: a range of week partitions holding them is a full rebuild (a UI
launch over every partition since 2015 is too, but logs one event per week and asset)."""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


@dg.asset(deps=[dg.AssetKey(["raw", table]) for table in LOADED], key=["marts", "published"])
def published(paths: TerrainPaths) -> None:
    """Stands in for the steps after the loads; fails when ``<data>/fail`` exists."""
    if (Path(paths.data_dir) / "fail").exists():
        raise RuntimeError("publishing failed as told")
    with connect_warehouse(paths.warehouse_path) as con:
        assert con.execute("select count(*) from raw.intent_bombora").fetchone()[0] == 2


class UiRuns:
    """The small main job on a landing zone and a data root of their own, with the daemon's sensors."""

    def __init__(self, landing: Path, data: Path, instance: dg.DagsterInstance):
        self.landing, self.data, self.instance = landing, data, instance
        loads = [asset for asset in ingest_assets.ingest_assets if {key.path[-1] for key in asset.keys} & set(LOADED)]
        job = dg.define_asset_job(MAIN_JOB, selection=dg.AssetSelection.all(), tags=source_tags("ui"))
        self.defs = dg.Definitions(assets=[*loads, published], jobs=[job], executor=dg.in_process_executor,
                                   resources={"paths": TerrainPaths(landing_dir=str(landing), data_dir=str(data))})
        self.job = self.defs.resolve_job_def(MAIN_JOB)
        self.recorder, self.discarder = refresh_recorder(self.job), failed_refresh_discarder(self.job)

    def run(self, tags: dict[str, str] | None = None, selection: list[dg.AssetKey] | None = None) -> dg.DagsterRun:
        """Launch the job as the UI does (over every week delivered unless ``tags`` say otherwise), then let the
        run-status sensor of its outcome see it end."""
        tags = range_tags(*WEEKS) if tags is None else tags
        result = self.job.execute_in_process(instance=self.instance, tags=tags, asset_selection=selection,
                                             raise_on_error=False)
        run = self.instance.get_run_by_id(result.run_id)
        ending = dg.DagsterEventType.RUN_SUCCESS if result.success else dg.DagsterEventType.RUN_FAILURE
        event = self.instance.get_records_for_run(run.run_id, of_type=ending).records[0].event_log_entry.dagster_event
        context = dg.build_run_status_sensor_context(
            sensor_name=(self.recorder if result.success else self.discarder).name, dagster_instance=self.instance,
            dagster_run=run, dagster_event=event, repository_def=self.defs.get_repository_def())
        if result.success:
            self.recorder(context)
        else:
            self.discarder(context.for_run_failure())
        return run

    def pending(self) -> list[str]:
        folder = self.data / PENDING_FOLDER
        return sorted(path.stem for path in folder.glob("*.json")) if folder.exists() else []

    def keys(self) -> list[dg.AssetKey]:
        return sorted(self.defs.resolve_asset_graph().get_all_asset_keys(), key=lambda key: key.to_user_string())


@pytest.fixture
def ui(tmp_path, monkeypatch):
    landing, data = tmp_path / "landing", tmp_path / "data"
    monkeypatch.setenv("TERRAIN_DATA_DIR", str(data))  # the code location's data root, where the sensors look
    _write(landing / "crm" / "accounts" / "accounts.csv", "Id,Name,OwnerId\n001,Acme,005\n")
    _write(landing / "intent" / "bombora" / "surge_2026-11-09.csv", "Domain,Topic,Composite Score\na.com,CRM,70\nb.com,CRM,40\n")
    _write(landing / "map" / "activities" / "log.csv", "email,activity_type,activity_ts,source_system\n"
                                                        "a@a.com,email_click,2026-11-16T09:00:00Z,marketo\n")
    with dg.instance_for_test() as instance:
        yield UiRuns(landing, data, instance)


def test_a_ui_run_of_the_whole_main_job_becomes_the_last_refresh(ui):
    run = ui.run()
    assert run.status == dg.DagsterRunStatus.SUCCESS and REFRESH_ID_TAG not in run.tags
    state = read_state(ui.data)
    assert state is not None and state["refresh"] == FULL
    assert (state["first_week"], state["last_week"]) == ("2026-11-09", "2026-11-16")
    assert set(state["landing_files"]) == {"crm/accounts/accounts.csv", "intent/bombora/surge_2026-11-09.csv",
                                           "map/activities/log.csv"}
    assert ui.pending() == []
    assert plan_refresh(ui.landing, ui.data, run_fingerprint()).reason == "nothing new: the latest week again"

    sensor = landing_sensor(ui.job, settle_seconds=0)
    with dg.build_sensor_context(instance=ui.instance, resources={"paths": TerrainPaths(
            landing_dir=str(ui.landing), data_dir=str(ui.data))}) as context:
        assert sensor.evaluate_tick(context).run_requests == []  # the files the UI run loaded are not asked for again


def test_selecting_every_asset_by_name_counts_as_the_whole_job(ui):
    ui.run(selection=ui.keys())
    assert read_state(ui.data)["refresh"] == FULL


def test_a_subset_of_the_assets_records_nothing(ui):
    ui.run(selection=[key for key in ui.keys() if key != dg.AssetKey(["raw", "crm_accounts"])])
    assert not (ui.data / STATE_FILE).exists() and ui.pending() == []


def test_one_week_or_weeks_missing_one_delivered_record_nothing(ui):
    assert ui.run(tags={"dagster/partition": "2026-11-16"}).status == dg.DagsterRunStatus.SUCCESS
    assert ui.run(tags=range_tags(WEEKS[1], WEEKS[1])).status == dg.DagsterRunStatus.SUCCESS
    assert not (ui.data / STATE_FILE).exists() and ui.pending() == []


def test_a_failed_ui_run_leaves_no_record(ui):
    (ui.data).mkdir(parents=True, exist_ok=True)
    (ui.data / "fail").touch()
    assert ui.run().status == dg.DagsterRunStatus.FAILURE
    assert not (ui.data / STATE_FILE).exists() and ui.pending() == []


def test_a_run_terrain_planned_keeps_its_own_record_only(ui):
    run = ui.run(tags={**range_tags(*WEEKS), REFRESH_ID_TAG: "planned-elsewhere"})
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert not (ui.data / STATE_FILE).exists() and ui.pending() == []  # its launcher wrote no record here


def test_settings_changed_in_the_launchpad_record_nothing():
    from orchestration.automation.ui_refresh import settings_as_in_file

    assert settings_as_in_file({}) and settings_as_in_file({"resources": {"settings": {"config": {}}}})
    assert not settings_as_in_file({"resources": {"settings": {"config": {"schedule": {"hour": 23}}}}})
