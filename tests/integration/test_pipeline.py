"""``terrain run`` end to end on the sample world: every contract table published, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support import REPO, terrain

pytestmark = pytest.mark.integration
CHECK_CONTRACT = REPO.parent / "shared" / "tools" / "check_contract.py"


def test_run_succeeds_and_prints_outputs(pipeline_run):
    assert pipeline_run.returncode == 0, pipeline_run.output[-4000:]
    assert "Terrain run succeeded" in pipeline_run.output
    assert str(pipeline_run.serving) in pipeline_run.output


@pytest.mark.skipif(not CHECK_CONTRACT.exists(), reason="shared contract checker not beside the repo")
def test_serving_copy_meets_the_contract(pipeline_run):
    checked = subprocess.run([sys.executable, str(CHECK_CONTRACT), str(pipeline_run.serving)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


def test_every_delivered_row_is_loaded_or_quarantined(pipeline_run):
    con = duckdb.connect(str(pipeline_run.warehouse), read_only=True)
    report = con.execute("select source, file_name, rows_read, rows_loaded, rows_quarantined, status "
                         "from marts.load_report").df()
    con.close()
    delivered = [p for p in pipeline_run.landing.rglob("*") if p.is_file() and "_truth" not in p.parts]
    assert len(report) == len(delivered)
    assert (report.rows_read == report.rows_loaded + report.rows_quarantined).all()
    assert set(report.status) <= {"loaded", "rejected", "duplicate"}


def test_crm_file_has_one_row_per_crm_account(pipeline_run):
    import pandas as pd

    updates = pd.read_csv(pipeline_run.data / "serving" / "crm" / "account_updates.csv", dtype=str)
    con = duckdb.connect(str(pipeline_run.warehouse), read_only=True)
    crm_ids = {r[0] for r in con.execute("select account_id from staging.stg_crm__accounts").fetchall()}
    con.close()
    assert set(updates["Id"]) == crm_ids
    assert updates["Id"].is_unique


def _table_fingerprints(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    tables = con.execute("select table_schema, table_name from information_schema.tables "
                         "where table_schema in ('raw', 'marts') and table_type = 'BASE TABLE'").fetchall()
    prints = {}
    for schema, table in tables:
        columns = [c[0] for c in con.execute(
            f"select column_name from information_schema.columns where table_schema = '{schema}' "
            f"and table_name = '{table}' and column_name not in ('_loaded_at', 'loaded_at', 'trained_at', "
            f"'quarantined_at')").fetchall()]
        select = ", ".join(f'"{c}"' for c in columns)
        prints[f"{schema}.{table}"] = con.execute(
            f"select count(*), coalesce(sum(hash({select})), 0) from (select {select} from {schema}.\"{table}\")"
        ).fetchone()
    con.close()
    return prints


def test_rerun_on_the_same_files_leaves_tables_identical(pipeline_run):
    assert pipeline_run.returncode == 0
    before = _table_fingerprints(pipeline_run.warehouse)
    again = terrain("run", "--landing", str(pipeline_run.landing), "--data", str(pipeline_run.data))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    after = _table_fingerprints(pipeline_run.warehouse)
    changed = {k for k in before if before[k] != after.get(k)}
    assert not changed
