"""Shared fixtures: one small sample world, and one real ``terrain run`` on it per test session.

Integration and quality tests read the same run, so the suite pays for the pipeline once.
Under pytest-xdist (``make test`` runs two workers) every test is put in a group that keeps its
expensive fixtures on one worker: the tests that read the session's pipeline run share one
group, tests of a folder with session fixtures of its own share that folder's group, and every
other test keeps to its module, so a module-scoped fixture is built once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SAMPLE_SEED, PipelineRun, terrain

PIPELINE_FIXTURES = {"pipeline_run", "sample_world"}
FOLDERS_WITH_SESSION_FIXTURES = ("tests/unit/dbt", "tests/unit/scoring", "tests/unit/sample_world")


def _xdist_group(item: pytest.Item) -> str:
    if PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return "pipeline_run"
    module = Path(str(item.fspath)).relative_to(Path(__file__).resolve().parents[1]).as_posix()
    folder = next((f for f in FOLDERS_WITH_SESSION_FIXTURES if module.startswith(f + "/")), None)
    return folder or module


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_xdist_group(item)))


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
