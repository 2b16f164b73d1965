"""Where Terrain reads and writes, as one Dagster resource, and how it opens the warehouse.

The warehouse path and DuckDB's memory limit are shared by the Python assets and dbt
(``profiles.yml`` reads ``TERRAIN_DUCKDB_PATH`` and ``TERRAIN_DUCKDB_MEMORY_LIMIT``), so both are
derived here from the same environment.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dagster as dg
import duckdb

DATA_ENV = "TERRAIN_DATA_DIR"
LANDING_ENV = "TERRAIN_LANDING_DIR"
DUCKDB_ENV = "TERRAIN_DUCKDB_PATH"
MEMORY_ENV = "TERRAIN_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "80%"  # DuckDB's own default, said out loud so dbt gets the same
_MEMORY_TEXT = re.compile(r"^\s*\d+(\.\d+)?\s*(%|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit for the warehouse: ``TERRAIN_DUCKDB_MEMORY_LIMIT``, else 80% of RAM.

    Why a knob: DuckDB reads the machine's memory, not a container's or a shared host's share of
    it, and spills to disk beyond its limit instead of being killed. Why DuckDB's default stays
    the default: on a 24 GB machine, size-M runs at 50% and at 80% peaked at the same 22 GB, in
    scoring's pandas work rather than DuckDB's cache, and took the same time (BENCHMARKS.md).
    """
    value = os.environ.get(MEMORY_ENV, "").strip()
    if not value:
        return DEFAULT_MEMORY_LIMIT
    if not _MEMORY_TEXT.match(value):
        raise ValueError(f"{MEMORY_ENV}={value!r}: expected an amount such as 8GB, 512MB or 50%")
    return value


def connect_warehouse(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with Terrain's memory limit (every pipeline step opens it this way)."""
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": duckdb_memory_limit()})


def default_data_dir() -> str:
    return os.environ.get(DATA_ENV) or str(Path("data").resolve())


def default_landing_dir() -> str:
    return os.environ.get(LANDING_ENV) or str(Path(default_data_dir()) / "landing")


def warehouse_path_for(data_dir: str | Path) -> Path:
    return Path(data_dir) / "warehouse" / "terrain.duckdb"


def export_environment(data_dir: str | Path, landing_dir: str | Path) -> None:
    """Point every part of the pipeline (Dagster resources, dbt profile) at one data root."""
    data_dir = Path(data_dir).resolve()
    os.environ[DATA_ENV] = str(data_dir)
    os.environ[LANDING_ENV] = str(Path(landing_dir).resolve())
    os.environ[DUCKDB_ENV] = str(warehouse_path_for(data_dir))
    os.environ[MEMORY_ENV] = duckdb_memory_limit()
    warehouse_path_for(data_dir).parent.mkdir(parents=True, exist_ok=True)


class TerrainPaths(dg.ConfigurableResource):
    """The landing zone Terrain reads and the data root it writes under."""

    landing_dir: str
    data_dir: str

    @property
    def warehouse_path(self) -> Path:
        path = warehouse_path_for(self.data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _dir(self, *parts: str) -> Path:
        path = Path(self.data_dir).joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def quarantine_dir(self) -> Path:
        return self._dir("quarantine")

    @property
    def serving_dir(self) -> Path:
        return self._dir("serving")

    @property
    def models_dir(self) -> Path:
        return self._dir("models")

    @property
    def outputs_dir(self) -> Path:
        return self._dir("outputs")


def terrain_paths_from_env() -> TerrainPaths:
    return TerrainPaths(landing_dir=default_landing_dir(), data_dir=default_data_dir())
