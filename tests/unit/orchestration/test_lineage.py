"""Every table a Python step reads is an upstream of its asset, as the loaded Definitions declare it.

The readers run against a real warehouse (the dbt tests' fixture: raw, identity and scoring tables,
with every dbt model built on them) through a connection that keeps each statement it executes.
DuckDB's own parser (``json_serialize_sql``) names the tables each statement reads; tables are
matched to assets by the relation dbt writes (``dagster/table_name``) or, for Python assets, by the
key ``[schema, table]``. A step may also read what it wrote last run (its own outputs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from models_ml.scoring import load as scoring_reader
from orchestration import run_report
from orchestration.assets import freshness, identity
from orchestration.definitions import defs
from orchestration.planning import inputs as planner_reader
from tests.unit.dbt.dbt_warehouse_fixture import build_warehouse

REPO = Path(__file__).resolve().parents[3]
DBT_PROJECT = REPO / "dbt_project"
SYSTEM_SCHEMAS = {"information_schema", "pg_catalog"}
# Columns the scoring asset writes that the dbt fixture's stand-in for marts.account_priority leaves out.
ACCOUNT_PRIORITY_EXTRA = ("segment", "country", "state", "postal_code", "county_fips", "naics_code", "domain")


class RecordingConnection:
    """A DuckDB connection to ``warehouse`` that keeps every statement executed through it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, warehouse: Path, statements: list[str] | None = None):
        self._con = con
        self.warehouse = warehouse
        self.statements: list[str] = [] if statements is None else statements

    def sharing(self, con: duckdb.DuckDBPyConnection) -> RecordingConnection:
        """Another connection recording into the same list."""
        return RecordingConnection(con, self.warehouse, self.statements)

    def execute(self, sql: str, *args, **kwargs):
        self.statements.append(sql)
        return self._con.execute(sql, *args, **kwargs)

    def sql(self, sql: str, *args, **kwargs):
        self.statements.append(sql)
        return self._con.sql(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _base_tables(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and node.get("schema_name") and node["schema_name"] not in SYSTEM_SCHEMAS:
            found.add(f"{node['schema_name']}.{node['table_name']}")
        for value in node.values():
            _base_tables(value, found)
    elif isinstance(node, list):
        for value in node:
            _base_tables(value, found)
    return found


def tables_read(statements: list[str]) -> set[str]:
    """The schema-qualified tables the statements read, by DuckDB's parser; readers only read."""
    parser = duckdb.connect()
    found: set[str] = set()
    for sql in statements:
        tree = json.loads(parser.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
        assert not tree["error"], f"a reader ran a statement that is not a query: {sql[:200]}"
        _base_tables(tree, found)
    return found


def test_the_parser_finds_tables_in_joins_subqueries_and_ctes_but_not_cte_names():
    sql = """with named as (select territory_id from staging.stg_territories__rules where field = ?)
             select * from marts.account_priority ap left join named using (territory_id)
             where ap.account_key in (select account_key from identity.domain_keys)
             and exists (select 1 from information_schema.tables)"""
    assert tables_read([sql]) == {"staging.stg_territories__rules", "marts.account_priority", "identity.domain_keys"}


def _run_dbt(warehouse: Path, work_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TERRAIN_DUCKDB_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "DO_NOT_TRACK": "1"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--exclude-resource-type", "test",
         "--exclude-resource-type", "unit_test", "--profiles-dir", str(DBT_PROJECT), "--project-dir", str(DBT_PROJECT),
         "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """The dbt fixture's warehouse with every model built (data tests are the dbt suite's business)."""
    work_dir = tmp_path_factory.mktemp("lineage")
    path = build_warehouse(work_dir / "terrain.duckdb")
    built = _run_dbt(path, work_dir)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    with duckdb.connect(str(path)) as con:
        for column in ACCOUNT_PRIORITY_EXTRA:
            con.execute(f"alter table marts.account_priority add column if not exists {column} varchar")
    return path


def _table_of(key: dg.AssetKey, spec: dg.AssetSpec) -> str:
    relation = spec.metadata.get("dagster/table_name")
    return ".".join(str(relation).split(".")[-2:]) if relation else ".".join(key.path)


SPECS = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
ASSET_OF_TABLE = {_table_of(key, spec): key for key, spec in SPECS.items()}
STEPS = {assets_def.node_def.name: assets_def for assets_def in defs.resolve_asset_graph().assets_defs}


def _run_report(recording: RecordingConnection) -> None:
    """The run report opens the warehouse itself; its connection records into ``recording``."""
    connect = duckdb.connect
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(duckdb, "connect", lambda *args, **kwargs: recording.sharing(connect(*args, **kwargs)))
        run_report.segment_disagreements(recording.warehouse)


# reader -> (step, what the step calls on the warehouse)
READERS: dict[str, tuple[str, Callable[[RecordingConnection], object]]] = {
    "scoring": ("scoring", lambda con: (scoring_reader.load_tables(con), scoring_reader.previous_readiness(con),
                                        freshness.weekly_freshness(con, None))),
    "identity": ("entity_resolution", lambda con: (
        identity.read_input(con, identity.CRM_ACCOUNTS, identity.CRM_COLUMNS),
        identity.read_input(con, identity.VENDOR_COMPANIES, identity.VENDOR_COLUMNS),
        identity.previous_account_keys(con))),
    "planner_inputs": ("territory_design", lambda con: (
        planner_reader.load_accounts(con), planner_reader.load_territories(con), planner_reader.load_reps(con))),
    "run_report": ("territory_design", _run_report),
}
def _declared(step: str) -> tuple[set[dg.AssetKey], set[dg.AssetKey]]:
    """The step's upstream assets and its own, as the Definitions hold them."""
    assets_def = STEPS[step]
    return set(assets_def.dependency_keys) - set(assets_def.keys), set(assets_def.keys)


def _reads(warehouse: Path, *readers: str) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        recording = RecordingConnection(con, warehouse)
        for reader in readers:
            READERS[reader][1](recording)
    return tables_read(recording.statements)


def test_every_declared_upstream_is_a_table_of_the_warehouse(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {f"{schema}.{name}" for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
    table_of_asset = {key: table for table, key in ASSET_OF_TABLE.items()}
    for step in {step for step, _ in READERS.values()}:
        upstream, _ = _declared(step)
        assert upstream, step
        assert {table_of_asset[key] for key in upstream} <= tables, step


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_step_reads_only_tables_its_asset_declares(warehouse, reader):
    step = READERS[reader][0]
    read = _reads(warehouse, reader)
    unknown = sorted(table for table in read if table not in ASSET_OF_TABLE)
    assert unknown == [], f"{reader} reads tables no asset produces: {unknown}"
    upstream, own = _declared(step)
    undeclared = sorted(table for table in read if ASSET_OF_TABLE[table] not in upstream | own)
    assert undeclared == [], f"{step} reads {undeclared} ({reader}) without declaring them: add them to READS"


@pytest.mark.parametrize("step", sorted({step for step, _ in READERS.values()}))
def test_a_step_declares_only_tables_it_reads(warehouse, step):
    read = _reads(warehouse, *[reader for reader, (owner, _) in READERS.items() if owner == step])
    upstream, _ = _declared(step)
    unread = sorted(key.to_user_string() for key in upstream if _table_of(key, SPECS[key]) not in read)
    assert unread == [], f"{step} declares upstreams it does not read"
