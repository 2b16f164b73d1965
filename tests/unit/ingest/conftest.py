"""Fixtures for ingestion tests: a messy landing zone in ``tmp_path`` and an empty warehouse."""

from __future__ import annotations

import duckdb
import pytest
from ingest_messy_landing import build_messy_landing


@pytest.fixture
def landing(tmp_path):
    return build_messy_landing(tmp_path / "landing")


@pytest.fixture
def warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "terrain.duckdb"))
    yield con
    con.close()


@pytest.fixture
def quarantine_dir(tmp_path):
    return tmp_path / "quarantine"
