"""Publishing the marts to the places BI tools and the CRM read.

BI tools open ``serving/terrain.duckdb`` read-only while the pipeline writes the warehouse, so the
serving copy is built beside the old one and swapped in with one rename: a reader sees the old copy
or the new one, never a half-written table. The CRM file neutralises spreadsheet formulas, because
account names and reasons are user-supplied text that a spreadsheet would otherwise execute.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.resources import duckdb_memory_limit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CRM_UPDATES_TABLE = "crm_account_updates"


def neutralise_formula(value: object) -> object:
    """Prefix text a spreadsheet would evaluate as a formula with a quote, leaving it readable."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


PLAN_TABLES = ("territory_plan", "territory_plan_summary", "territory_plan_metrics")


@dataclass(frozen=True)
class PublishResult:
    tables: dict[str, int]
    serving_db: Path
    parquet_dir: Path
    crm_file: Path | None
    plan_held: str | None = None  # why the previous plan tables were kept, when they were


def _mart_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_catalog = ? order by table_name", [catalog]
    ).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plan_hold_reason(con: duckdb.DuckDBPyConnection) -> str | None:
    """The failed blocking checks of the plan in force (the scenario published to the CRM, else
    the run's default), when the plan tables must not be published."""
    exists = con.execute("select count(*) from information_schema.tables where table_catalog = 'warehouse' "
                         "and table_schema = 'territory' and table_name = 'plan_status'").fetchone()[0]
    if not exists:
        return None
    chosen = "'proposed'"
    if con.execute("select count(*) from information_schema.tables where table_catalog = 'warehouse' "
                   "and table_schema = 'territory' and table_name = 'plan_published'").fetchone()[0]:
        chosen = "coalesce((select min(scenario_id) from warehouse.territory.plan_published), 'proposed')"
    row = con.execute("select publishable, failed_checks from warehouse.territory.plan_status "
                      f"where scenario_id = {chosen}").fetchone()
    return None if row is None or row[0] else (row[1] or "the plan failed a blocking check")


def _copy_tables(con: duckdb.DuckDBPyConnection, tables: list[str], held: set[str], previous: Path | None) -> dict[str, int]:
    """Every mart into `serving_copy`; the held plan tables from the previous serving copy
    (empty, with today's columns, when there is none yet)."""
    earlier: set[str] = set()
    attached = bool(held) and previous is not None
    if attached:
        con.execute(f"attach '{previous}' as previous_copy (read_only)")
        earlier = set(_mart_tables(con, "previous_copy"))
    counts = {}
    try:
        con.execute("create schema if not exists serving_copy.marts")
        for table in tables:
            name = _quote(table)
            if table in held and table in earlier:
                source = f"select * from previous_copy.marts.{name}"
            elif table in held:
                source = f"select * from warehouse.marts.{name} limit 0"
            else:
                source = f"select * from warehouse.marts.{name}"
            con.execute(f"create table serving_copy.marts.{name} as {source}")
            counts[table] = con.execute(f"select count(*) from serving_copy.marts.{name}").fetchone()[0]
    finally:
        if attached:
            con.execute("detach previous_copy")
    return counts


def _write_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], parquet_dir: Path) -> None:
    staging = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for table in tables:
        folder = staging / table
        folder.mkdir()
        con.execute(f"copy serving_copy.marts.{_quote(table)} to '{folder / 'data.parquet'}' (format parquet)")
    old = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.old")
    if parquet_dir.exists():
        os.replace(parquet_dir, old)
    os.replace(staging, parquet_dir)
    shutil.rmtree(old, ignore_errors=True)


def _write_crm_file(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    frame = con.execute(f"select * from serving_copy.marts.{CRM_UPDATES_TABLE} order by 1").df()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(neutralise_formula)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8")
    os.replace(tmp, target)


def publish_marts(warehouse: Path, serving_dir: Path) -> PublishResult:
    """Copy every ``marts`` table to the serving database, Parquet and (when present) the CRM file.

    Every output is written from the new serving copy, so the three always agree. When the
    run's territory plan failed a blocking check, the plan tables keep their previously
    published rows (the CRM file's Proposed_Territory__c already follows the last published
    plan, see `planning.scenarios.ensure_published_plan`); everything else is this run's.
    """
    serving_dir.mkdir(parents=True, exist_ok=True)
    target = serving_dir / "terrain.duckdb"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(config={"memory_limit": duckdb_memory_limit()})
    con.execute(f"attach '{warehouse}' as warehouse (read_only)")
    crm_file = None
    try:
        tables = _mart_tables(con, "warehouse")
        hold = _plan_hold_reason(con)
        held = set(PLAN_TABLES) if hold else set()
        con.execute(f"attach '{tmp}' as serving_copy")
        try:
            counts = _copy_tables(con, tables, held, target if target.exists() else None)
            _write_parquet(con, tables, serving_dir / "parquet")
            if CRM_UPDATES_TABLE in tables:
                crm_file = serving_dir / "crm" / "account_updates.csv"
                _write_crm_file(con, crm_file)
        finally:
            con.execute("detach serving_copy")
    finally:
        con.close()
    os.replace(tmp, target)
    return PublishResult(counts, target, serving_dir / "parquet", crm_file, hold)
