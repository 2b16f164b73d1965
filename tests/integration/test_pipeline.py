"""``terrain run`` end to end on the sample world: every contract table published, nothing lost."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from tests.support import REPO

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
    updates = pd.read_csv(pipeline_run.data / "serving" / "crm" / "account_updates_full.csv", dtype=str)
    con = duckdb.connect(str(pipeline_run.warehouse), read_only=True)
    crm_ids = {r[0] for r in con.execute("select account_id from staging.stg_crm__accounts").fetchall()}
    con.close()
    assert set(updates["Id"]) == crm_ids
    assert updates["Id"].is_unique


def test_every_published_table_and_column_carries_its_description(pipeline_run):
    """BI tools show the serving copy's comments; they come from the dbt project's yml, so a
    column added to a mart or a Python-written table without a description fails here."""
    con = duckdb.connect(str(pipeline_run.serving), read_only=True)
    tables = con.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall()
    columns = con.execute("select table_name || '.' || column_name, comment from duckdb_columns() "
                          "where schema_name = 'marts'").fetchall()
    con.close()
    assert len(tables) >= 15 and len(columns) >= 200
    assert [name for name, comment in tables + columns if not (comment or "").strip()] == []


def test_account_priority_and_whitespace_name_the_same_motion(pipeline_run):
    """Motion has one home (intermediate.int_account_motion): both tables must agree on every account."""
    con = duckdb.connect(str(pipeline_run.warehouse), read_only=True)
    compared = con.execute("""
        select count(*) as accounts, count(*) filter (where a.motion is distinct from w.motion) as differ
        from marts.whitespace as w
        inner join marts.account_priority as a using (account_key)""").fetchone()
    con.close()
    assert compared[0] > 1000 and compared[1] == 0, compared


def test_every_python_table_of_the_run_reports_its_rows_and_described_columns(pipeline_run):
    """The Dagster UI shows each table a Python asset writes with its row count and column schema, and the row
    count of every table dbt builds."""
    import dagster as dg

    from orchestration.assets.publish import PUBLISHED
    from orchestration.definitions import defs

    specs = defs.resolve_all_asset_specs()
    tables = {spec.key for spec in specs if "python" in spec.kinds and spec.key != PUBLISHED}
    dbt_tables = {spec.key for spec in specs if spec.metadata.get("dagster-dbt/materialization_type") in ("table", "incremental")}
    instance = dg.DagsterInstance.from_config(str(pipeline_run.data / "dagster_home"))
    try:
        main_run = instance.get_runs(filters=dg.RunsFilter(job_name="terrain_main"))[-1]
        materialized = {entry.asset_materialization.asset_key: entry.asset_materialization.metadata
                        for entry in instance.all_logs(main_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)}
    finally:
        instance.dispose()
    without_rows = sorted(key.to_user_string() for key in tables if "dagster/row_count" not in materialized.get(key, {}))
    without_schema = sorted(key.to_user_string() for key in tables if "dagster/column_schema" not in materialized.get(key, {}))
    scores = materialized[dg.AssetKey(["marts", "account_priority"])]["dagster/column_schema"].schema.columns
    assert len(tables) >= 20 and without_rows == [] and without_schema == []
    dbt_without_rows = sorted(key.to_user_string() for key in dbt_tables if "dagster/row_count" not in materialized.get(key, {}))
    assert len(dbt_tables) >= 20 and dbt_without_rows == []
    assert all(column.description for column in scores)
