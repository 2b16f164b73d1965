"""Shared fixtures: one small sample world, and one real ``terrain run`` on it per test session.

Integration and quality tests read the same run, so the suite pays for the pipeline once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TERRAIN = str(Path(sys.executable).parent / "terrain")
SAMPLE_SEED = 11


@dataclass(frozen=True)
class PipelineRun:
    landing: Path
    data: Path
    truth: Path
    returncode: int
    output: str

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse" / "terrain.duckdb"

    @property
    def serving(self) -> Path:
        return self.data / "serving" / "terrain.duckdb"


def terrain(*args: str, env: dict | None = None, timeout: int = 1200) -> subprocess.CompletedProcess:
    """Run the installed ``terrain`` command the way a user does."""
    full_env = {**os.environ, **(env or {})}
    full_env["PATH"] = f"{Path(sys.executable).parent}:{full_env.get('PATH', '')}"
    full_env.pop("DAGSTER_HOME", None)
    return subprocess.run([TERRAIN, *args], cwd=REPO, env=full_env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def sample_world(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("world") / "landing"
    result = terrain("sample", "--size", "S", "--seed", str(SAMPLE_SEED), "--out", str(landing))
    assert result.returncode == 0, result.stdout + result.stderr
    return landing


@pytest.fixture(scope="session")
def pipeline_run(sample_world, tmp_path_factory) -> PipelineRun:
    data = tmp_path_factory.mktemp("data")
    result = terrain("run", "--landing", str(sample_world), "--data", str(data))
    return PipelineRun(sample_world, data, sample_world / "_truth", result.returncode,
                       result.stdout + result.stderr)
