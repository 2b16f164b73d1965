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


@dataclass(frozen=True)
class PublishResult:
    tables: dict[str, int]
    serving_db: Path
    parquet_dir: Path
    crm_file: Path | None


def _mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_catalog = current_database() order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write_serving_db(con: duckdb.DuckDBPyConnection, tables: list[str], target: Path) -> dict[str, int]:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts = {}
    con.execute(f"attach '{tmp}' as serving_copy")
    try:
        con.execute("create schema if not exists serving_copy.marts")
        for table in tables:
            con.execute(f"create table serving_copy.marts.{_quote(table)} as select * from marts.{_quote(table)}")
            counts[table] = con.execute(f"select count(*) from serving_copy.marts.{_quote(table)}").fetchone()[0]
    finally:
        con.execute("detach serving_copy")
    os.replace(tmp, target)
    return counts


def _write_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], parquet_dir: Path) -> None:
    staging = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for table in tables:
        folder = staging / table
        folder.mkdir()
        con.execute(f"copy marts.{_quote(table)} to '{folder / 'data.parquet'}' (format parquet)")
    old = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.old")
    if parquet_dir.exists():
        os.replace(parquet_dir, old)
    os.replace(staging, parquet_dir)
    shutil.rmtree(old, ignore_errors=True)


def _write_crm_file(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    frame = con.execute(f"select * from marts.{CRM_UPDATES_TABLE} order by 1").df()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(neutralise_formula)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8")
    os.replace(tmp, target)


def publish_marts(warehouse: Path, serving_dir: Path) -> PublishResult:
    """Copy every ``marts`` table to the serving database, Parquet and (when present) the CRM file."""
    serving_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": duckdb_memory_limit()})
    con.execute(f"attach '{warehouse}' as warehouse (read_only)")
    con.execute("use warehouse")
    try:
        tables = _mart_tables(con)
        counts = _write_serving_db(con, tables, serving_dir / "terrain.duckdb")
        _write_parquet(con, tables, serving_dir / "parquet")
        crm_file = None
        if CRM_UPDATES_TABLE in tables:
            crm_file = serving_dir / "crm" / "account_updates.csv"
            _write_crm_file(con, crm_file)
    finally:
        con.close()
    return PublishResult(counts, serving_dir / "terrain.duckdb", serving_dir / "parquet", crm_file)
