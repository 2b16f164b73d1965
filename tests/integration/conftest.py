"""Session fixtures of the integration tests beside the sample world's pipeline run (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.alignment_landings import BUILDERS
from tests.integration.alignment_runs import AlignmentRun, run_alignment


@pytest.fixture(scope="session")
def alignment_runs(tmp_path_factory) -> Callable[[str], AlignmentRun]:
    """One `terrain run` per hand-written alignment landing, made on first use and shared by every test
    that reads it: the alignment tests, and the scenario tests, which plan on a copy of one."""
    done: dict[str, AlignmentRun] = {}

    def get(name: str) -> AlignmentRun:
        if name not in done:
            base = tmp_path_factory.mktemp(f"alignment_{name}")
            done[name] = run_alignment(BUILDERS[name](base / "landing"), base / "data")
        return done[name]

    return get
