"""Data tests on weekly data check the run's weeks in an incremental run, and every week otherwise.

An activity whose e-mail is no address (stg_map__activities.email null, which its not_null test
catches) is delivered in the week of 2026-01-12. A run over a later week does not test that week
again; a run over it, a full refresh, and a run without weeks (a bare `dbt build`) all catch it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import run_dbt
from dbt_warehouse_fixture import _insert, build_warehouse

NOT_NULL_TEST = "not_null_stg_map__activities_email"
BAD_WEEK, LATER_WEEK = "2026-01-12", "2026-02-09"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work_dir = tmp_path_factory.mktemp("run_weeks")
    path = build_warehouse(work_dir / "terrain.duckdb")
    with duckdb.connect(str(path)) as con:
        _insert(con, "map_activities", [
            {"email": "not an address", "activity_type": "web_visit", "activity_ts": datetime(2026, 1, 14, 10, 0),
             "source_system": "marketo"},
        ], delivery=9, file_name="activities_late.csv")
    return path


def _not_null_status(warehouse: Path, monkeypatch: pytest.MonkeyPatch, weeks: tuple[str, str] | None,
                     *extra: str) -> str:
    """The not_null test's status in a dbt build of stg_map__activities (and the seeds it reads) over ``weeks`` (None: no window)."""
    for name, value in zip(("TERRAIN_WEEK_FROM", "TERRAIN_WEEK_TO"), weeks or (None, None), strict=True):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    result = run_dbt(["build", "--select", "+stg_map__activities", "--exclude-resource-type", "unit_test", *extra],
                     warehouse, warehouse.parent)
    results = json.loads((warehouse.parent / "target" / "run_results.json").read_text())["results"]
    statuses = {item["unique_id"].split(".")[2]: item["status"] for item in results}
    assert NOT_NULL_TEST in statuses, result.stdout[-2000:]
    return statuses[NOT_NULL_TEST]


def test_an_incremental_week_does_not_test_the_rows_of_other_weeks(warehouse, monkeypatch):
    assert _not_null_status(warehouse, monkeypatch, (LATER_WEEK, LATER_WEEK)) == "pass"


def test_the_week_that_holds_the_row_is_tested(warehouse, monkeypatch):
    assert _not_null_status(warehouse, monkeypatch, (BAD_WEEK, LATER_WEEK)) == "fail"


def test_a_run_without_weeks_tests_every_row(warehouse, monkeypatch):
    assert _not_null_status(warehouse, monkeypatch, None) == "fail"


def test_a_full_refresh_tests_every_row_whatever_the_weeks(warehouse, monkeypatch):
    assert _not_null_status(warehouse, monkeypatch, (LATER_WEEK, LATER_WEEK), "--full-refresh") == "fail"
