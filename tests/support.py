"""Running the installed ``terrain`` command from tests, and what a pipeline run leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TERRAIN = str(Path(sys.executable).parent / "terrain")
SAMPLE_SEED = 11


class DataRootPaths:
    """Where a run under `self.data` leaves its warehouse and serving copy."""

    data: Path

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse" / "terrain.duckdb"

    @property
    def serving(self) -> Path:
        return self.data / "serving" / "terrain.duckdb"


@dataclass(frozen=True)
class PipelineRun(DataRootPaths):
    landing: Path
    data: Path
    truth: Path
    returncode: int
    output: str


def terrain(*args: str, env: dict | None = None, timeout: int = 1200) -> subprocess.CompletedProcess:
    """Run the installed ``terrain`` command the way a user does: by its path, environment not activated."""
    full_env = {**terrain_env(), **(env or {})}
    full_env.pop("DAGSTER_HOME", None)
    return subprocess.run([TERRAIN, *args], cwd=REPO, env=full_env, capture_output=True, text=True, timeout=timeout)




def terrain_env() -> dict[str, str]:
    """The environment :func:`terrain` runs the command in."""
    full_env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    full_env["PATH"] = os.pathsep.join(p for p in full_env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    full_env.pop("DAGSTER_HOME", None)
    return full_env
