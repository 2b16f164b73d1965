"""Where Terrain reads and writes, as one Dagster resource.

The warehouse path is the single fact shared by the Python assets and dbt (``profiles.yml`` reads
``TERRAIN_DUCKDB_PATH``), so both are derived here from the same environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

DATA_ENV = "TERRAIN_DATA_DIR"
LANDING_ENV = "TERRAIN_LANDING_DIR"
DUCKDB_ENV = "TERRAIN_DUCKDB_PATH"


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
