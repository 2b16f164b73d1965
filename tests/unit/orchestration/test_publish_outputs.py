"""Publishing with the CRM file written beside the copy of the other tables: every table, Parquet
file and CRM row is the warehouse's, a table dropped upstream leaves every published copy, and a
failure in any table leaves every published file as it was."""

import csv
import io
import json

import duckdb
import pytest

from orchestration import publishing
from orchestration.publishing import (
    CRM_FILE,
    CRM_FULL_FILE,
    FULL_CRM_FILE_ENV,
    TableDocs,
    crm_value,
    dbt_mart_docs,
    publish_marts,
)

ACCOUNTS = 25_000  # more than two of the batches the CRM file is written in


@pytest.fixture(autouse=True)
def _no_full_file_request(monkeypatch):
    monkeypatch.delenv(FULL_CRM_FILE_ENV, raising=False)


def _execute(path, sql):
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


def _warehouse(path, tables=6):
    """Tables of several sizes and types, and a CRM table of every cell type the CRM file writes."""
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    for number in range(tables):
        con.execute(f"""create table marts.table_{number} as select range as key, md5(range::varchar) as name,
            range * {number} / 7 as share, date '2026-01-05' + (range % 90)::int as week
            from range({1000 + 40_000 * number}) order by md5(range::varchar)""")
    con.execute(f"""create table marts.crm_account_updates as select
        printf('001%07d', range) as "Id",
        case range % 5 when 0 then '=SUM(A1)' when 1 then null when 2 then 'Zürich, "Nord"' when 3 then '-3 accounts'
             else 'line one' || chr(10) || 'line two' end as "Top_Reasons__c",
        case when range % 11 = 0 then null else range % 3 = 0 end as "Flag__c",
        case when range % 13 = 0 then null else range / 3 end as "Score__c",
        case when range % 17 = 0 then 'nan'::double else 1e16 + range end as "Large__c",
        (range % 1000)::decimal(10, 2) / 8 as "Amount__c",
        range::bigint as "Priority_Rank__c",
        date '2026-11-02' + (range % 30)::int as "Week__c",
        timestamp '2026-11-02 09:30:00' + to_seconds(range) as "Changed__c",
        timestamptz '2026-11-02 09:30:00+02' + to_seconds(range) as "Changed_Utc__c"
        from range({ACCOUNTS}) order by random()""")
    con.close()


def _expected_crm_file(warehouse, rows_wanted=None):
    """The CRM file written row by row with `crm_value`, every account or those in ``rows_wanted``."""
    con = duckdb.connect(str(warehouse), read_only=True)
    cursor = con.execute("select * from marts.crm_account_updates order by 1")
    header = [column[0] for column in cursor.description]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in cursor.fetchall():
        if rows_wanted is None or row[0] in rows_wanted:
            writer.writerow([crm_value(value) for value in row])
    con.close()
    return out.getvalue()


def _tables_equal(serving_db, warehouse):
    """Every table of the serving copy equals the warehouse's: names, column types, rows and row order."""
    con = duckdb.connect()
    con.execute(f"attach '{serving_db}' as served (read_only)")
    con.execute(f"attach '{warehouse}' as built (read_only)")
    columns = ("select table_name, column_index, column_name, data_type from duckdb_columns() "
               "where database_name = ? and schema_name = 'marts' order by all")
    assert con.execute(columns, ["served"]).fetchall() == con.execute(columns, ["built"]).fetchall()
    for (table,) in con.execute("select table_name from duckdb_tables() where database_name = 'built'").fetchall():
        for first, second in (("served", "built"), ("built", "served")):
            assert con.execute(f"""select count(*) from (
                select row_number() over () as position, * from {first}.marts.{table} except all
                select row_number() over () as position, * from {second}.marts.{table})""").fetchone()[0] == 0, table
    con.close()


def test_published_tables_equal_the_warehouse_with_their_parquet_copies(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    result = publish_marts(warehouse, serving, docs={})
    _tables_equal(result.serving_db, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    for table, rows in result.tables.items():
        assert rows == con.execute(f"select count(*) from marts.{table}").fetchone()[0]
        parquet = result.parquet_dir / table / "data.parquet"
        assert con.execute(f"""select count(*) from (
            (select * from marts.{table} except all select * from '{parquet}')
            union all (select * from '{parquet}' except all select * from marts.{table}))""").fetchone()[0] == 0
    con.close()
    assert sorted(p.name for p in result.parquet_dir.iterdir()) == sorted(result.tables)


def test_the_crm_file_is_complete_and_written_as_crm_value_writes_each_cell(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse, tables=3)
    result = publish_marts(warehouse, serving, docs={})
    expected = _expected_crm_file(warehouse)
    assert result.crm_rows == ACCOUNTS
    assert result.crm_file.read_text(encoding="utf-8") == expected
    assert result.crm_full_file.read_text(encoding="utf-8") == expected


def test_the_crm_file_holds_exactly_the_accounts_that_changed_among_many(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse, tables=3)
    publish_marts(warehouse, serving, docs={})
    _execute(warehouse, """update marts.crm_account_updates set "Score__c" = -1
                           where "Id" in ('0010000007', '0010012345', '0010024999')""")
    result = publish_marts(warehouse, serving, docs={})
    assert result.crm_rows == 3
    assert result.crm_file.read_text(encoding="utf-8") == _expected_crm_file(
        warehouse, {"0010000007", "0010012345", "0010024999"})
    assert result.crm_full_file.read_text(encoding="utf-8") == _expected_crm_file(warehouse)


def test_a_table_dropped_upstream_leaves_the_serving_copy(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    publish_marts(warehouse, serving, docs={})
    _execute(warehouse, "drop table marts.table_1; drop table marts.crm_account_updates")
    result = publish_marts(warehouse, serving, docs={})
    con = duckdb.connect(str(result.serving_db), read_only=True)
    served = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    con.close()
    assert served == set(result.tables) == {"table_0", "table_2", "table_3", "table_4", "table_5"}
    assert sorted(p.name for p in result.parquet_dir.iterdir()) == sorted(served)
    assert result.crm_file is None and result.crm_rows is None
    _tables_equal(result.serving_db, warehouse)


def test_a_table_that_fails_to_copy_leaves_every_published_file_as_it_was(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    publish_marts(warehouse, serving, docs={})
    before = {path: path.read_bytes() for path in serving.rglob("*") if path.is_file()}
    _execute(warehouse, """update marts.crm_account_updates set "Score__c" = -1;
                           update marts.table_0 set name = 'changed';
                           create view marts.table_9 as select error('the warehouse broke') as key""")
    with pytest.raises(duckdb.Error, match="the warehouse broke"):
        publish_marts(warehouse, serving, docs={})
    assert {path: path.read_bytes() for path in serving.rglob("*") if path.is_file()} == before
    assert not [path.name for path in serving.rglob("*") if path.name.startswith(".")]


def test_the_manifest_is_read_once_per_version(tmp_path, monkeypatch):
    manifest = tmp_path / "manifest.json"
    node = {"resource_type": "model", "schema": "marts", "name": "whitespace", "alias": "whitespace",
            "description": "First.", "columns": {}}
    manifest.write_text(json.dumps({"nodes": {"model.whitespace": node}}), encoding="utf-8")
    monkeypatch.setattr("orchestration.assets.dbt.ensure_manifest", lambda: manifest)
    reads = []
    parse = publishing.mart_docs
    monkeypatch.setattr(publishing, "mart_docs", lambda loaded: reads.append(1) or parse(loaded))
    assert dbt_mart_docs()["whitespace"] == TableDocs("First.")
    assert dbt_mart_docs()["whitespace"] == TableDocs("First.")
    assert len(reads) == 1
    manifest.write_text(json.dumps({"nodes": {"model.whitespace": {**node, "description": "Second, edited."}}}),
                        encoding="utf-8")
    assert dbt_mart_docs()["whitespace"] == TableDocs("Second, edited.")
    assert len(reads) == 2


def test_every_account_on_request_among_many(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse, tables=3)
    publish_marts(warehouse, serving, docs={})
    result = publish_marts(warehouse, serving, docs={}, full_crm_file=True)
    assert result.crm_rows == ACCOUNTS
    assert (serving / "crm" / CRM_FILE).read_bytes() == (serving / "crm" / CRM_FULL_FILE).read_bytes()
