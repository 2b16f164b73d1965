"""The Monday schedule asks for what ``terrain run`` would start: a full run after a new CRM file, the
weekly refresh of the sources that delivered after new weekly files, the latest week when nothing
landed, each with the pending record that becomes the last refresh when the run succeeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets.partitions import WEEKLY_SOURCES
from orchestration.automation.instance import SOURCE_TAG
from orchestration.automation.refresh import (
    DATA_DIR_TAG,
    FULL,
    INCREMENTAL,
    PENDING_FOLDER,
    REFRESH_ID_TAG,
    REFRESH_TAG,
    WEEKS_TAG,
    plan_refresh,
    run_fingerprint,
    write_state,
)
from orchestration.automation.schedule import weekly_schedule
from orchestration.resources import TerrainPaths
from orchestration.settings import ScheduleSettings

MONDAY = datetime(2026, 11, 30, 6, tzinfo=UTC)
BOMBORA = "Domain,Topic,Composite Score\na.com,CRM,70\nb.com,CRM,40\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


@pytest.fixture
def refreshed(tmp_path: Path) -> tuple[Path, Path]:
    """A landing zone (CRM accounts, Bombora for the week of 9 November, activities of two weeks) and a
    data root whose last refresh started from it."""
    landing, data = tmp_path / "landing", tmp_path / "data"
    _write(landing / "crm" / "accounts" / "accounts.csv", "Id,Name,OwnerId\n001,A,005\n")
    _write(landing / "intent" / "bombora" / "surge_2026-11-09.csv", BOMBORA)
    _write(landing / "map" / "activities" / "log.csv",
           "email,activity_type,activity_ts,source_system\n"
           "a@a.com,email_click,2026-11-02T09:00:00+02:00,marketo\nb@a.com,form_fill,2026-11-15T23:30:00Z,marketo\n")
    digest = run_fingerprint()
    write_state(data, plan_refresh(landing, data, digest, now=MONDAY), landing, digest)
    return landing, data


def _tick(defs, landing: Path, data: Path, when: datetime = MONDAY) -> dg.RunRequest:
    schedule = weekly_schedule(defs.resolve_job_def("terrain_main"), ScheduleSettings())
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(data))
    with (dg.instance_for_test() as instance,
          dg.build_schedule_context(instance, when, resources={"paths": paths},
                                    repository_def=defs.get_repository_def()) as context):
        requests = schedule.evaluate_tick(context).run_requests
    assert len(requests) == 1
    return requests[0]


def _pending(data: Path, request: dg.RunRequest) -> dict:
    return json.loads((data / PENDING_FOLDER / f"{request.tags[REFRESH_ID_TAG]}.json").read_text(encoding="utf-8"))


def test_a_new_bombora_file_asks_for_the_weekly_refresh_of_bombora_with_a_pending_record(defs, refreshed):
    from orchestration.definitions import incremental_selection

    landing, data = refreshed
    _write(landing / "intent" / "bombora" / "surge_2026-11-23.csv", BOMBORA)
    request = _tick(defs, landing, data)
    assert request.tags[REFRESH_TAG] == INCREMENTAL and request.tags[WEEKS_TAG] == "2026-11-23..2026-11-23"
    assert request.tags[SOURCE_TAG] == "schedule" and request.tags[DATA_DIR_TAG] == str(data.resolve())
    assert sorted(request.asset_selection) == incremental_selection(("intent_bombora",))
    assert dg.AssetKey(["raw", "crm_accounts"]) not in request.asset_selection
    assert request.run_key == "week-2026-11-23"
    pending = _pending(data, request)
    assert (pending["refresh"], pending["first_week"], pending["last_week"]) == (INCREMENTAL, "2026-11-23", "2026-11-23")
    assert "intent/bombora/surge_2026-11-23.csv" in pending["landing_files"]


def test_a_new_crm_file_asks_for_a_full_run(defs, refreshed):
    landing, data = refreshed
    _write(landing / "crm" / "accounts" / "accounts_2.csv", "Id,Name,OwnerId\n002,B,005\n")
    request = _tick(defs, landing, data)
    assert request.tags[REFRESH_TAG] == FULL and request.asset_selection is None
    assert request.tags["dagster/asset_partition_range_start"] == "2026-11-02"
    assert _pending(data, request)["refresh"] == FULL


def test_nothing_new_runs_the_latest_week_with_every_sources_freshness(defs, refreshed):
    from orchestration.definitions import incremental_selection

    landing, data = refreshed
    request = _tick(defs, landing, data)
    assert request.tags[REFRESH_TAG] == INCREMENTAL and request.tags[WEEKS_TAG] == "2026-11-09..2026-11-09"
    assert sorted(request.asset_selection) == incremental_selection()
    assert set(WEEKLY_SOURCES) <= set(request.asset_selection)  # each load carries its freshness check
    assert _pending(data, request)["refresh"] == INCREMENTAL


def test_a_tick_evaluated_twice_keeps_its_run_key_whatever_landed_between(defs, refreshed):
    landing, data = refreshed
    first = _tick(defs, landing, data)
    _write(landing / "crm" / "accounts" / "accounts_2.csv", "Id,Name,OwnerId\n002,B,005\n")
    again = _tick(defs, landing, data)
    assert (first.tags[REFRESH_TAG], again.tags[REFRESH_TAG]) == (INCREMENTAL, FULL)
    assert again.run_key == first.run_key  # Dagster starts one run per key and tick
    assert _tick(defs, landing, data, datetime(2026, 12, 7, 6, tzinfo=UTC)).run_key == "week-2026-11-30"
