"""Build the dbt project once per session on a small warehouse in a temporary directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt_warehouse_fixture import build_warehouse
from world_alignment_fixture import build_world_warehouse

REPO_ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@dataclass
class DbtBuild:
    warehouse: Path
    returncode: int
    output: str
    run_results: dict

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def run_dbt(args: list[str], warehouse: Path, work_dir: Path) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this environment against `warehouse`, keeping target/ and logs/ out of the repo."""
    dbt = Path(sys.executable).parent / "dbt"
    env = {
        **os.environ,
        "TERRAIN_DUCKDB_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    return subprocess.run(
        [
            str(dbt), *args,
            "--profiles-dir", str(DBT_PROJECT_DIR),
            "--project-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(work_dir / "target"),
            "--log-path", str(work_dir / "logs"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _build(warehouse: Path, work_dir: Path, args: list[str]) -> DbtBuild:
    result = run_dbt(args, warehouse, work_dir)
    run_results_path = work_dir / "target" / "run_results.json"
    run_results = json.loads(run_results_path.read_text()) if run_results_path.exists() else {}
    return DbtBuild(warehouse, result.returncode, result.stdout + result.stderr, run_results)


@pytest.fixture(scope="session")
def dbt_build(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    work_dir = tmp_path_factory.mktemp("dbt")
    return _build(build_warehouse(work_dir / "terrain.duckdb"), work_dir, ["build"])


def _world_build(tmp_path_factory: pytest.TempPathFactory, *, cover_abroad: bool) -> DbtBuild:
    """The hand-written world alignment built with every data test; the unit tests, which do not
    depend on the data, run once in `dbt_build`."""
    work_dir = tmp_path_factory.mktemp("world")
    warehouse = build_world_warehouse(work_dir / "terrain.duckdb", cover_abroad=cover_abroad)
    return _build(warehouse, work_dir, ["build", "--exclude", "test_type:unit"])


@pytest.fixture(scope="session")
def world_build(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    """Rules name Canada (Ontario only) and the United Kingdom."""
    return _world_build(tmp_path_factory, cover_abroad=True)


@pytest.fixture(scope="session")
def world_build_uncovered(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    """The same alignment without a rule naming any country."""
    return _world_build(tmp_path_factory, cover_abroad=False)
