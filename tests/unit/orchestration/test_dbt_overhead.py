"""What a dbt invocation costs before it builds anything: parsing the project, and the manifest check at import."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from orchestration.assets.dbt import dbt_resource, dbt_target_path, manifest_is_stale
from orchestration.planning.job import plan_table_metadata
from orchestration.resources import DATA_ENV, DUCKDB_ENV, warehouse_path_for
from orchestration.settings import Settings


def _events(invocation) -> list[dict]:
    return [event.raw_event for event in invocation.stream_raw_events()]


def _log_names(log: Path, start: int) -> set[str]:
    """Names of the dbt events written to ``log`` (JSON lines) after byte ``start``."""
    with log.open(encoding="utf-8") as lines:
        lines.seek(start)
        return {json.loads(line)["info"]["name"] for line in lines if line.startswith("{")}


def test_each_data_root_has_its_own_target_folder_which_dbt_creates(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "worker_a"))
    first = dbt_target_path()
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "worker_b"))
    second = dbt_target_path()

    assert first == (tmp_path / "worker_a" / "dbt_target").resolve()
    assert second == (tmp_path / "worker_b" / "dbt_target").resolve()
    assert dbt_target_path(tmp_path / "worker_a") == first
    assert not (tmp_path / "worker_a").exists()


def test_a_second_dbt_call_on_a_data_root_reuses_the_first_ones_parse(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(DUCKDB_ENV, str(warehouse_path_for(data)))
    args = ["parse", "--vars", json.dumps(Settings().dbt_vars())]
    dbt = dbt_resource()

    first = dbt.cli(args)
    _events(first)
    log = data / "dbt_target" / "dbt.log"
    parsed_once = log.stat().st_size
    second = dbt.cli(args)
    second_events = _events(second)

    assert first.is_successful() and second.is_successful()
    assert first.target_path == second.target_path == (data / "dbt_target").resolve()
    assert (data / "dbt_target" / "partial_parse.msgpack").exists()
    assert not [e for e in second_events if e["info"]["name"] == "UnableToPartialParse"]
    assert "PartialParsingSkipParsing" in _log_names(log, parsed_once)


def _touch(path: Path, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("select 1\n", encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_the_manifest_check_ignores_dbts_output_and_packages_but_not_a_model_folder_named_target(tmp_path):
    project, built = tmp_path / "dbt_project", 1_000_000.0
    manifest = project / "target" / "manifest.json"
    _touch(project / "models" / "marts" / "tam_by_territory.sql", built - 10)
    _touch(manifest, built)
    for generated in ("target/run/terrain/models/x.sql", "logs/dbt.yml", "dbt_packages/dbt_utils/macros/m.sql"):
        _touch(project / generated, built + 10)

    assert not manifest_is_stale(project, manifest)
    _touch(project / "models" / "sales" / "target" / "quota_attainment.sql", built + 10)
    assert manifest_is_stale(project, manifest)
    assert manifest_is_stale(project, project / "target" / "missing.json")


def test_a_scenario_records_the_rows_and_columns_of_each_plan_table():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.territory_plan as select * from (values ('proposed', 'A1', 'T1'), "
                "('what_if', 'A1', 'T2'), ('what_if', 'A2', 'T2')) as t(scenario_id, account_key, proposed_territory_id)")
    con.execute("create table marts.territory_plan_summary (scenario_id varchar, territory_id varchar, accounts bigint)")
    con.execute("insert into marts.territory_plan_summary values ('what_if', 'T2', 2)")
    con.execute("create table marts.territory_plan_metrics (scenario_id varchar, alignment varchar)")

    tables = {".".join(key.path): metadata for key, metadata in plan_table_metadata(con).items()}

    assert set(tables) == {"marts.territory_plan", "marts.territory_plan_summary", "marts.territory_plan_metrics"}
    rows = {table: metadata["dagster/row_count"].value for table, metadata in tables.items()}
    assert rows == {"marts.territory_plan": 3, "marts.territory_plan_summary": 1, "marts.territory_plan_metrics": 0}
    columns = tables["marts.territory_plan_summary"]["dagster/column_schema"].schema.columns
    assert [(column.name, column.type) for column in columns] == [
        ("scenario_id", "VARCHAR"), ("territory_id", "VARCHAR"), ("accounts", "BIGINT")]
