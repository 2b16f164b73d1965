"""One small sample world per test session: generating it is the slow part."""

from __future__ import annotations

import pytest

from sample_world import generate


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """(output folder, summary) of a size-S world with seed 7."""
    out = tmp_path_factory.mktemp("world_s7")
    summary = generate("S", 7, out)
    return out, summary

