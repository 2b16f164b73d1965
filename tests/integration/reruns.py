"""Comparing what two runs left behind, and killing a run in a given step: for the rerun and kill drills."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import duckdb
import pandas as pd

from tests.support import REPO, TERRAIN, terrain_env

WALL_CLOCK_COLUMNS = {"_loaded_at", "loaded_at", "quarantined_at", "trained_at", "solve_seconds", "checked_at"}
"""Columns that stamp when a row was written or how long it took: two runs of the same files differ there
and nowhere else."""
EXACT_TABLES = ("marts.load_report", "marts.territory_plan", "marts.model_performance")
"""Besides every raw and identity table, the tables two runs of the same files must give bit for bit.
The other marts hold figures DuckDB sums in parallel: equal to the cent, not to the last bit of a float."""


def tables(db: Path, schemas: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Every table of the given schemas, rows in a canonical order, wall-clock stamps left out."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute("select table_schema || '.' || table_name from information_schema.tables "
                            f"where table_schema in {schemas!r} and table_type = 'BASE TABLE'").fetchall()
        frames = {}
        for (name,) in names:
            frame = con.execute(f"select * from {name}").df()
            frame = frame.drop(columns=[c for c in frame.columns if c in WALL_CLOCK_COLUMNS])
            frames[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
        return frames
    finally:
        con.close()


def assert_same_tables(expected: dict[str, pd.DataFrame], actual: dict[str, pd.DataFrame]) -> None:
    assert set(actual) == set(expected)
    for name in expected:
        exact = name.startswith(("raw.", "identity.")) or name in EXACT_TABLES
        pd.testing.assert_frame_equal(expected[name], actual[name], check_exact=exact, rtol=1e-9, obj=name)


def serving_tables(serving: Path) -> set[str] | None:
    """The tables of a serving copy, or None when there is none."""
    if not serving.exists():
        return None
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()


def kill_when_step_starts(landing: Path, data: Path, step: str, *options: str) -> str:
    """Start ``terrain run`` (with ``options``), SIGKILL its whole process group (dbt and solver workers too)
    when ``step`` starts."""
    process = subprocess.Popen([TERRAIN, "run", "--landing", str(landing), "--data", str(data), "--log-level", "DEBUG",
                                *options],
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
