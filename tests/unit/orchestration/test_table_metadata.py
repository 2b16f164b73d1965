"""The row count and column schema a Python table asset shows in the Dagster UI, described by the dbt project."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import yaml

from orchestration.assets import ingest
from orchestration.assets.table_metadata import table_metadata
from orchestration.resources import TerrainPaths, connect_warehouse

DBT_MODELS = Path(__file__).resolve().parents[3] / "dbt_project" / "models"
CRM_SOURCES = DBT_MODELS / "staging" / "crm" / "_crm__sources.yml"
ENTITY_RESOLUTION_SOURCES = DBT_MODELS / "marts" / "_entity_resolution__sources.yml"
USERS_CSV = (
    "Id,Name,Email,IsActive,Annual_Quota__c,Hire_Date__c\n"
    "0051,Ada Reyes,ada@seller.example,true,900000,2021-03-01\n"
    "0052,Bo Chen,bo@seller.example,false,750000,2019-11-15\n"
)


def _yml_descriptions(path: Path, table: str) -> dict[str, str]:
    """What the source yml says about each column of ``table``, whitespace as dbt renders it."""
    sources = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    declared = next(t for source in sources for t in source["tables"] if t["name"] == table)
    return {column["name"]: " ".join(column["description"].split())
            for column in declared["columns"] if column.get("description")}


def _materialized(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict:
    event = next(e for e in result.get_asset_materialization_events() if e.materialization.asset_key == key)
    return event.materialization.metadata


def test_ingest_asset_reports_rows_and_columns_described_by_the_dbt_source(tmp_path):
    users = tmp_path / "landing" / "crm" / "users"
    users.mkdir(parents=True)
    (users / "users_2026-01-05.csv").write_text(USERS_CSV, encoding="utf-8")
    paths = TerrainPaths(landing_dir=str(tmp_path / "landing"), data_dir=str(tmp_path / "data"))
    key = dg.AssetKey(["raw", "crm_users"])
    asset = next(a for a in ingest.ingest_assets if key in a.keys)

    result = dg.materialize([asset], resources={"paths": paths})

    metadata = _materialized(result, key)
    with duckdb.connect(str(paths.warehouse_path), read_only=True) as con:
        stored = con.execute("select column_name, data_type from duckdb_columns() "
                             "where schema_name = 'raw' and table_name = 'crm_users' order by column_index").fetchall()
    columns = metadata["dagster/column_schema"].schema.columns
    described = {column.name: column.description for column in columns if column.description}
    expected = _yml_descriptions(CRM_SOURCES, "crm_users")
    assert metadata["dagster/row_count"].value == 2
    assert metadata["dagster/table_name"].value == "terrain.raw.crm_users"
    assert [(column.name, column.type) for column in columns] == stored
    assert {"Id": "VARCHAR", "IsActive": "BOOLEAN", "Annual_Quota__c": "DOUBLE", "Hire_Date__c": "DATE",
            "_delivery_seq": "BIGINT"}.items() <= {column.name: column.type for column in columns}.items()
    assert {"_file_name", "_file_sha256", "_row_number", "_loaded_at", "_delivery_seq"} <= set(expected)
    assert described == expected


@dg.asset(key=["marts", "entity_matches"])
def entity_matches(paths: TerrainPaths) -> dg.MaterializeResult:
    """Three matches written the way the identity asset writes them."""
    with connect_warehouse(paths.warehouse_path) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.entity_matches as select * from (values "
                    "('V1', '0011', 0.99, 'domain'), ('V2', '0012', 0.95, 'splink'), ('V2', '0013', 0.95, 'crm_duplicate')) "
                    "as t(vendor_company_id, crm_account_id, match_probability, match_method)")
        return dg.MaterializeResult(metadata=table_metadata(con, "marts.entity_matches"))


def test_every_column_of_a_documented_table_carries_the_yml_description(tmp_path):
    paths = TerrainPaths(landing_dir=str(tmp_path / "landing"), data_dir=str(tmp_path / "data"))

    result = dg.materialize([entity_matches], resources={"paths": paths})

    metadata = _materialized(result, entity_matches.key)
    columns = metadata["dagster/column_schema"].schema.columns
    expected = _yml_descriptions(ENTITY_RESOLUTION_SOURCES, "entity_matches")
    assert metadata["dagster/row_count"].value == 3
    assert [(column.name, column.type) for column in columns] == [
        ("vendor_company_id", "VARCHAR"), ("crm_account_id", "VARCHAR"),
        ("match_probability", "DECIMAL(3,2)"), ("match_method", "VARCHAR")]
    assert len(expected) == 4
    assert {column.name: column.description for column in columns} == expected


def test_a_table_not_written_has_nothing_to_describe(tmp_path):
    with duckdb.connect(str(tmp_path / "terrain.duckdb")) as con:
        assert table_metadata(con, "marts.territory_plan", docs={}) == {}
