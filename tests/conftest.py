"""Shared fixtures: one small sample world, and one real ``terrain run`` on it per test session.

Integration and quality tests read the same run, so the suite pays for the pipeline once.
Under pytest-xdist (``make test`` runs two workers) every test is put in a group that keeps its
expensive fixtures on one worker: the tests that read the session's pipeline run share one
group, so do the tests that read one hand-written alignment landing's run (tests/integration/conftest.py),
tests of a folder with session fixtures of its own share that folder's group, and every other test
keeps to its module, so a module-scoped fixture is built once. The longest groups go to the front of
the queue, longest first: a worker takes its next group while its last two tests still run, so a long
group taken late holds the suite open while the other worker sits idle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SAMPLE_SEED, PipelineRun, terrain

PIPELINE_FIXTURES = {"pipeline_run", "sample_world"}
ALIGNMENT_FIXTURES = {"alignment_runs"}
ALIGNMENT_SHARED_LANDING = "kinds"  # the landing the fail-safe, scenario and UI tests read
FOLDERS_WITH_SESSION_FIXTURES = ("tests/unit/dbt", "tests/unit/scoring", "tests/unit/sample_world")
PIPELINE_FOLDERS = ("tests/integration/", "tests/quality/")
# Groups by the work they do, most first (each several full `terrain run`s or dbt builds); a group not
# named here follows them, integration modules before the rest, in the order pytest collects them.
# Measured alone: the foreign landing's runs ~190 s, the dbt builds ~130 s, the kinds landing with the
# fail-safe, scenario and UI tests ~110 s, the sample world's run ~85 s, the time machine ~50 s, each
# other alignment landing ~40 s: in this order the two workers end within a group of each other.
LONGEST_GROUPS = (
    "tests/integration/test_foreign_landing.py",
    f"alignment_runs:{ALIGNMENT_SHARED_LANDING}",
    "tests/unit/dbt",
    "pipeline_run",
    "tests/integration/test_time_machine.py",
    "alignment_runs:revenue",
    "alignment_runs:worldwide",
    "tests/unit/scoring",
    "tests/unit/orchestration/test_disk_drills.py",
)


def _xdist_group(item: pytest.Item) -> str:
    fixtures = set(getattr(item, "fixturenames", ()))
    if PIPELINE_FIXTURES & fixtures:
        return "pipeline_run"
    if ALIGNMENT_FIXTURES & fixtures:
        return _alignment_group(item)
    module = Path(str(item.fspath)).relative_to(Path(__file__).resolve().parents[1]).as_posix()
    folder = next((f for f in FOLDERS_WITH_SESSION_FIXTURES if module.startswith(f + "/")), None)
    return folder or module


def _alignment_group(item: pytest.Item) -> str:
    """The group of the alignment landing a test reads: each landing's run is made once, on the worker
    that takes its group, so the three landings' runs spread over both workers. A test parametrized
    by landing reads that one; the others (fail-safe, scenarios, UI) read the kinds landing."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return f"alignment_runs:{params.get('run', ALIGNMENT_SHARED_LANDING)}"


def _queue_rank(group: str) -> int:
    if group in LONGEST_GROUPS:
        return LONGEST_GROUPS.index(group)
    return len(LONGEST_GROUPS) + (0 if group.startswith(PIPELINE_FOLDERS) else 1)


def _name_group_in_node_id(item: pytest.Item, group: str) -> None:
    """xdist's ``loadgroup`` scheduler reads a test's group from an ``@group`` suffix of its node id.

    xdist writes that suffix itself from an ``xdist_group`` mark, in a collection hook that runs before
    a mark added here exists, and on pytest 9.2 into a field pytest no longer reads
    (pytest-dev/pytest-xdist#1386): every test was then scheduled on its own, and both workers built
    the session's pipeline run and each module's landing runs.
    """
    grouped = f"{item.nodeid}@{group}"
    if hasattr(item, "_id"):
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(grouped)
    else:
        item._nodeid = grouped


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    grouped = sorted(((item, _xdist_group(item)) for item in items), key=lambda pair: _queue_rank(pair[1]))
    items[:] = [item for item, _ in grouped]
    if getattr(config.option, "loadgroup", False):
        for item, group in grouped:
            _name_group_in_node_id(item, group)


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
