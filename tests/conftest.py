"""Shared fixtures: one small sample world, and one real ``terrain run`` on it per test session.

Integration and quality tests read the same run, so the suite pays for the pipeline once.
"""

from __future__ import annotations

import pytest

from tests.support import SAMPLE_SEED, PipelineRun, terrain


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
