"""Row counts and column schemas on the dbt assets' materializations, read once dbt has let go of the warehouse."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.assets.dbt import build_dbt_assets, ensure_manifest, with_table_metadata
from orchestration.resources import DATA_ENV, DUCKDB_ENV, warehouse_path_for

SEED = dg.AssetKey(["reference", "country_aliases"])
TABLE = dg.AssetKey(["staging", "stg_reference__country_aliases"])
VIEW = dg.AssetKey(["staging", "stg_territories__definitions"])


def _raw_territories(warehouse) -> None:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        con.execute("""
            create table raw.territory_definitions (
                Territory_Id varchar, Name varchar, Parent_Territory_Id varchar, Level varchar,
                Owner_User_Id varchar, Segment varchar, _file_name varchar, _file_sha256 varchar,
                _row_number bigint, _loaded_at timestamp, _delivery_seq bigint)""")
        con.execute("""
            insert into raw.territory_definitions values
                ('R-WEST', 'West', null, 'Region', null, null, 't.csv', 'x', 1, now(), 1),
                ('T-CA', 'California', 'R-WEST', 'Territory', 'U1', 'SMB', 't.csv', 'x', 2, now(), 1)""")


def _metadata(result: dg.ExecuteInJobResult) -> dict[dg.AssetKey, dict]:
    return {event.asset_key: event.metadata for event in result.asset_materializations_for_node("dbt_staging")}


def test_dbt_tables_carry_their_row_count_and_views_only_their_columns(tmp_path, monkeypatch):
    data = tmp_path / "data"
    warehouse = warehouse_path_for(data)
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(DUCKDB_ENV, str(warehouse))
    _raw_territories(warehouse)
    staging = build_dbt_assets(ensure_manifest())[0]

    result = dg.materialize([staging], selection=[SEED, TABLE, VIEW])

    assert result.success
    with duckdb.connect(str(warehouse)) as con:
        rows = {key: con.execute(f"select count(*) from staging.{key.path[-1]}").fetchone()[0] for key in (SEED, TABLE)}
    metadata = _metadata(result)
    assert set(metadata) == {SEED, TABLE, VIEW}
    assert rows[TABLE] > 0
    assert metadata[TABLE]["dagster/row_count"].value == rows[TABLE]
    assert metadata[SEED]["dagster/row_count"].value == rows[SEED]
    assert "dagster/row_count" not in metadata[VIEW]
    view_columns = {column.name: column for column in metadata[VIEW]["dagster/column_schema"].schema.columns}
    assert view_columns["territory_id"].type == "VARCHAR"
    assert view_columns["territory_id"].description == "Territory Id."
    checks = {(e.asset_key, e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[(VIEW, "not_null_stg_territories__definitions_territory_id")] is True


def test_a_failed_dbt_still_reports_what_it_built_in_order_before_its_error(tmp_path):
    warehouse = tmp_path / "terrain.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.tam_by_territory as select range as territory from range(7)")
    manifest = {"nodes": {"model.terrain.tam_by_territory": {
        "name": "tam_by_territory", "schema": "marts", "alias": "tam_by_territory",
        "config": {"materialized": "table"}, "columns": {"territory": {"description": "Territory Id."}}}}}
    built = dg.AssetMaterialization(asset_key=["marts", "tam_by_territory"],
                                    metadata={"unique_id": "model.terrain.tam_by_territory"})
    check = dg.AssetCheckEvaluation(asset_key=dg.AssetKey(["marts", "tam_by_territory"]),
                                    check_name="not_null_tam_by_territory_territory", passed=False)

    def failing_dbt():
        yield built
        yield check
        raise DagsterDbtCliRuntimeError(description="a data test failed")

    received = []
    with pytest.raises(DagsterDbtCliRuntimeError):
        for event in with_table_metadata(failing_dbt(), manifest, warehouse):
            received.append(event)

    assert [type(event) for event in received] == [dg.AssetMaterialization, dg.AssetCheckEvaluation]
    assert received[0].metadata["dagster/row_count"].value == 7
    assert received[1] is check
    assert received[0].metadata["dagster/column_schema"].schema.columns[0].description == "Territory Id."
