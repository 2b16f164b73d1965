"""Failure drill: ``terrain run`` killed with SIGKILL inside a stage, then started again.

The process (and its dbt and solver children) is killed the moment Dagster starts the stage's step,
one stage after the other on one data root, each restart being an ordinary ``terrain run``. After
every kill the serving copy is either absent or a whole earlier copy, never half written; the run
that finally completes leaves the same marts as an uninterrupted run of the same landing zone, and
the run history shows the killed runs as failed rather than running for ever.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests.integration.foreign_landing import build_foreign_landing
from tests.support import REPO, TERRAIN, terrain, terrain_env

pytestmark = pytest.mark.integration

KILLED_IN = {
    "ingest": "raw__crm_accounts",
    "dbt market models": "dbt_market",
    "scoring": "scoring",
    "publishing": "serving__published_marts",
}
LOAD_TIME_COLUMNS = {"_loaded_at", "loaded_at", "quarantined_at", "scored_at", "published_at"}
APPROXIMATE = ("marts.tam_by_territory", "marts.whitespace", "marts.intent_weekly", "marts.entity_matches")


def _marts(database: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [row[0] for row in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE'").fetchall()]
        frames = {}
        for name in names:
            frame = con.execute(f"select * from {name}").df()
            frame = frame.drop(columns=[c for c in frame.columns if c in LOAD_TIME_COLUMNS])
            frames[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
        return frames
    finally:
        con.close()


def _serving_tables(serving: Path) -> set[str] | None:
    if not serving.exists():
        return None
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()


def _kill_when_step_starts(landing: Path, data: Path, step: str) -> str:
    """Start ``terrain run``, SIGKILL its whole process group when ``step`` starts; its output."""
    process = subprocess.Popen([TERRAIN, "run", "--landing", str(landing), "--data", str(data), "--log-level", "DEBUG"],
                               cwd=REPO, env=terrain_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    seen = []
    for line in process.stdout:
        seen.append(line)
        if f'Started execution of step "{step}"' in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=120)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL, f"the run ended before {step} started:\n{''.join(seen)[-3000:]}"
    return "".join(seen)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("drill") / "landing"
    build_foreign_landing(landing)
    return landing


@pytest.fixture(scope="module")
def uninterrupted(landing) -> Path:
    data = landing.parent / "uninterrupted"
    result = terrain("run", "--landing", str(landing), "--data", str(data))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return data


def test_a_run_killed_in_each_stage_then_run_again_ends_with_the_uninterrupted_marts(landing, uninterrupted):
    data = landing.parent / "killed"
    serving = data / "serving" / "terrain.duckdb"
    complete = None
    for stage, step in KILLED_IN.items():
        _kill_when_step_starts(landing, data, step)
        tables = _serving_tables(serving)
        assert tables is None or tables == complete, f"after a kill in {stage} the serving copy holds {tables}"
        if complete is None and tables is not None:
            complete = tables
    final = terrain("run", "--landing", str(landing), "--data", str(data))
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    assert "marked failed in the run history" in final.stdout

    expected, actual = _marts(uninterrupted / "warehouse" / "terrain.duckdb"), _marts(data / "warehouse" / "terrain.duckdb")
    assert set(actual) == set(expected)
    for name in expected:
        exact = name not in APPROXIMATE
        pd.testing.assert_frame_equal(expected[name], actual[name], check_exact=exact, rtol=1e-9, obj=name)
    assert _serving_tables(serving) == _serving_tables(uninterrupted / "serving" / "terrain.duckdb")

    instance = dg.DagsterInstance.from_config(str(data / "dagster_home"))
    try:
        statuses = [run.status for run in instance.get_runs(filters=dg.RunsFilter(job_name="terrain_main"))]
    finally:
        instance.dispose()
    assert sorted(statuses, key=str) == sorted([dg.DagsterRunStatus.FAILURE] * len(KILLED_IN)
                                               + [dg.DagsterRunStatus.SUCCESS], key=str)
