"""DuckDB's memory limit: DuckDB's 80% by default, the operator's amount when set, and dbt's too."""

import os
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.resources import (
    DATA_ENV,
    DUCKDB_ENV,
    LANDING_ENV,
    MEMORY_ENV,
    connect_warehouse,
    duckdb_memory_limit,
    export_environment,
)

REPO = Path(__file__).resolve().parents[3]


def test_default_is_duckdb_s_own(monkeypatch, tmp_path):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert duckdb_memory_limit() == "80%"
    plain = duckdb.connect(str(tmp_path / "plain.duckdb"))
    ours = connect_warehouse(tmp_path / "w.duckdb")
    try:
        setting = "select current_setting('memory_limit')"
        assert ours.execute(setting).fetchone() == plain.execute(setting).fetchone()
    finally:
        plain.close()
        ours.close()


def test_a_share_of_the_machine_is_accepted(monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "50%")
    assert duckdb_memory_limit() == "50%"


def test_the_warehouse_opens_with_the_operator_s_limit(monkeypatch, tmp_path):
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    con = connect_warehouse(tmp_path / "w.duckdb")
    try:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    assert limit == "953.6 MiB"  # DuckDB reads 1GB as 10^9 bytes and prints it in MiB


def test_a_malformed_limit_names_the_variable(monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(ValueError, match=MEMORY_ENV):
        duckdb_memory_limit()


def test_dbt_reads_the_same_limit(monkeypatch, tmp_path):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    for name in (DATA_ENV, LANDING_ENV, DUCKDB_ENV, MEMORY_ENV):
        monkeypatch.setenv(name, "")  # restored after the test, whatever export_environment sets
    export_environment(tmp_path / "data", tmp_path / "landing")
    assert os.environ[MEMORY_ENV] == duckdb_memory_limit()
    profile = yaml.safe_load((REPO / "dbt_project" / "profiles.yml").read_text())
    assert MEMORY_ENV in profile["terrain"]["outputs"]["dev"]["settings"]["memory_limit"]
