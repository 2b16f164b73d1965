"""Build the dbt project once per session on a small warehouse in a temporary directory.

Every dbt call of these tests reuses one parse of the project. dbt keys its saved parse
(``partial_parse.msgpack``) to the profile, which names the warehouse; each test's warehouse is
``terrain.duckdb`` in the folder dbt runs in, so the profile is the same for all of them, and each
call starts from the parse state the session saved once instead of parsing the project again.
"""

from __future__ import annotations

import json
import os
import shutil
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


WAREHOUSE_NAME = "terrain.duckdb"
PARSE_STATE = "partial_parse.msgpack"
SAVED_PARSE = "dbt_parse_state"


def run_dbt(args: list[str], warehouse: Path, work_dir: Path) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this environment against `warehouse`, keeping target/ and logs/ out of the repo.

    dbt runs in the warehouse's folder and names it by its file name, the one profile of every call.
    The first call's parse state is kept beside `work_dir` (in the session's temporary folder, where
    every fixture makes its own) and seeds the target folder of each later one.
    """
    assert warehouse.name == WAREHOUSE_NAME, f"name the warehouse {WAREHOUSE_NAME}: dbt's parse is keyed to it"
    dbt = Path(sys.executable).parent / "dbt"
    env = {
        **os.environ,
        "TERRAIN_DUCKDB_PATH": WAREHOUSE_NAME,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    saved = work_dir.parent / SAVED_PARSE / PARSE_STATE
    target = work_dir / "target"
    if saved.exists() and not (target / PARSE_STATE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(saved, target / PARSE_STATE)
    result = subprocess.run(
        [
            str(dbt), *args,
            "--profiles-dir", str(DBT_PROJECT_DIR),
            "--project-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(work_dir / "target"),
            "--log-path", str(work_dir / "logs"),
        ],
        cwd=warehouse.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode == 0 and not saved.exists() and (target / PARSE_STATE).exists():
        saved.parent.mkdir(exist_ok=True)
        shutil.copy2(target / PARSE_STATE, saved)
    return result


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
