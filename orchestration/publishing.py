"""Publishing the marts to the places BI tools and the CRM read.

BI tools open ``serving/terrain.duckdb`` read-only while the pipeline writes the warehouse, so the
serving copy is built beside the old one and swapped in with one rename: a reader that opens the
path gets the old file or the new one, whole, and a reader already connected keeps reading the
file it opened (its inode lives until the last reader closes it). The Parquet copies are swapped
the same way, file by file. The serving copy carries the dbt project's descriptions as table and
column comments, because BI tools and SQL clients read descriptions from the database's catalog.

The CRM file holds only the accounts whose values changed since the last published file: a weekly
upsert of every account would rewrite, and stamp as modified, thousands of unchanged records. The
full file beside it is what the next comparison starts from and the audit of what was sent. Both
neutralise spreadsheet formulas, because account names and reasons are user-supplied text that a
spreadsheet would otherwise execute.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
import os
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.resources import duckdb_memory_limit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CRM_UPDATES_TABLE = "crm_account_updates"
CRM_FILE = "account_updates.csv"
CRM_FULL_FILE = "account_updates_full.csv"
CRM_KEY = "Id"
FULL_CRM_FILE_ENV = "TERRAIN_CRM_FULL_FILE"
MARTS = "marts"


def neutralise_formula(value: object) -> object:
    """Prefix text a spreadsheet would evaluate as a formula with a quote, leaving it readable."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


PLAN_TABLES = ("territory_plan", "territory_plan_summary", "territory_plan_metrics")


@dataclass(frozen=True)
class TableDocs:
    """What the dbt project says about one published table: its description and its columns'."""

    description: str
    columns: Mapping[str, str] = field(default_factory=dict)  # lower-case column name -> description


@dataclass(frozen=True)
class PublishResult:
    tables: dict[str, int]
    serving_db: Path
    parquet_dir: Path
    crm_file: Path | None
    plan_held: str | None = None  # why the previous plan tables were kept, when they were
    crm_full_file: Path | None = None
    crm_rows: int | None = None  # rows in the CRM file: the accounts that changed, or all on request
    undocumented: tuple[str, ...] = ()  # published tables and table.columns without a description


def mart_docs(manifest: Mapping) -> dict[str, TableDocs]:
    """Descriptions of the tables in schema ``marts`` from a dbt manifest: the models, and the
    sources that declare the tables Python writes there (``account_priority``, ``load_report``...).

    The manifest rather than the yml files: dbt has already rendered the descriptions and resolved
    the relation each model or source names, and dbt docs and the Dagster UI read the same file.
    """
    docs: dict[str, TableDocs] = {}
    for node in (*manifest.get("nodes", {}).values(), *manifest.get("sources", {}).values()):
        kind = node.get("resource_type")
        if kind not in ("model", "source") or node.get("schema") != MARTS:
            continue
        name = (node.get("identifier") if kind == "source" else node.get("alias")) or node["name"]
        columns = {column["name"].lower(): (column.get("description") or "").strip()
                   for column in node.get("columns", {}).values()}
        earlier = docs.get(name, TableDocs(""))
        docs[name] = TableDocs(earlier.description or (node.get("description") or "").strip(),
                               {**{k: v for k, v in columns.items() if v}, **earlier.columns})
    return docs


def dbt_mart_docs() -> dict[str, TableDocs]:
    """The dbt project's descriptions, from the manifest the code location parses (parsed again
    when a model or yml file is newer), so an edited description reaches the next publish. The
    manifest is read once per version of the file, not at every publish of a process."""
    from orchestration.assets.dbt import ensure_manifest

    manifest = ensure_manifest()
    version = manifest.stat()
    return _docs_of_manifest(manifest, version.st_mtime_ns, version.st_size)


@functools.cache
def _docs_of_manifest(manifest: Path, modified_ns: int, size: int) -> dict[str, TableDocs]:
    return mart_docs(json.loads(manifest.read_text(encoding="utf-8")))


def crm_full_file_requested() -> bool:
    """``TERRAIN_CRM_FULL_FILE=1`` asks for every account in the CRM file, not only the changed ones."""
    return os.environ.get(FULL_CRM_FILE_ENV, "").strip().lower() in ("1", "true", "yes")


def _mart_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_catalog = ? order by table_name", [catalog]
    ).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


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


def _table_source(table: str, held: set[str], earlier: set[str]) -> str:
    """This run's rows; for a held plan table, the previous serving copy's (empty, with today's
    columns, when there is none yet)."""
    name = _quote(table)
    if table in held and table in earlier:
        return f"select * from previous_copy.marts.{name}"
    if table in held:
        return f"select * from warehouse.marts.{name} limit 0"
    return f"select * from warehouse.marts.{name}"


def _publishing_order(tables: list[str]) -> list[str]:
    """The CRM table first, so that its file, Python work on one core, is written while DuckDB
    copies the other tables."""
    return sorted(tables, key=lambda table: (table != CRM_UPDATES_TABLE, table))


@dataclass(frozen=True)
class _Outputs:
    """Where one publish stages its Parquet files and CRM files before they replace the published ones."""

    parquet_staging: Path
    crm_dir: Path
    full_crm_file: bool


def _copy_table(con: duckdb.DuckDBPyConnection, table: str, source: str, parquet_staging: Path) -> int:
    """One table into `serving_copy` and its staged Parquet file; returns its rows."""
    relation = f"serving_copy.marts.{_quote(table)}"
    con.execute(f"create table {relation} as {source}")
    rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
    con.execute(f"copy {relation} to '{parquet_staging / f'{table}.parquet'}' (format parquet)")
    return rows


def _stage_crm_files_aside(con: duckdb.DuckDBPyConnection, outputs: _Outputs) -> int:
    """`_stage_crm_files` on a cursor of its own, for a thread beside the copy of the other tables."""
    cursor = con.cursor()
    try:
        return _stage_crm_files(cursor, outputs.crm_dir, outputs.full_crm_file)
    finally:
        cursor.close()


def _copy_tables(con: duckdb.DuckDBPyConnection, tables: list[str], held: set[str], previous: Path | None,
                 outputs: _Outputs) -> tuple[dict[str, int], int | None]:
    """Every mart into `serving_copy` with its staged Parquet file, one table after the other (DuckDB
    already spreads each copy over the cores), and the staged CRM files in a thread of their own once
    the CRM table is copied; the held plan tables from the previous serving copy. Returns the rows of
    each table and of the CRM file."""
    earlier: set[str] = set()
    attached = bool(held) and previous is not None
    if attached:
        con.execute(f"attach '{previous}' as previous_copy (read_only)")
        earlier = set(_mart_tables(con, "previous_copy"))
    crm_thread = ThreadPoolExecutor(1, thread_name_prefix="crm-file")
    try:
        con.execute("create schema if not exists serving_copy.marts")
        counts, crm_file = {}, None
        for table in _publishing_order(tables):
            counts[table] = _copy_table(con, table, _table_source(table, held, earlier), outputs.parquet_staging)
            if table == CRM_UPDATES_TABLE:
                crm_file = crm_thread.submit(_stage_crm_files_aside, con, outputs)
        crm_rows = crm_file.result() if crm_file else None
    finally:
        crm_thread.shutdown(wait=True, cancel_futures=True)
        if attached:
            con.execute("detach previous_copy")
    return {table: counts[table] for table in tables}, crm_rows


def _write_comments(con: duckdb.DuckDBPyConnection, tables: list[str], docs: Mapping[str, TableDocs]) -> list[str]:
    """COMMENT ON every table and column of the serving copy that dbt describes; the rest is returned."""
    undocumented = []
    for table in tables:
        doc = docs.get(table, TableDocs(""))
        relation = f"serving_copy.marts.{_quote(table)}"
        if doc.description:
            con.execute(f"comment on table {relation} is {_literal(doc.description)}")
        else:
            undocumented.append(table)
        columns = con.execute("select column_name from duckdb_columns() where database_name = 'serving_copy' "
                              "and schema_name = 'marts' and table_name = ? order by column_index", [table]).fetchall()
        for (column,) in columns:
            text = doc.columns.get(column.lower())
            if text:
                con.execute(f"comment on column {relation}.{_quote(column)} is {_literal(text)}")
            else:
                undocumented.append(f"{table}.{column}")
    return undocumented


def _swap_parquet(tables: list[str], staging: Path, parquet_dir: Path) -> None:
    """``parquet/<table>/data.parquet`` for every table, each staged file renamed over the previous
    one, so a reader opening one finds a whole file, old or new, at every moment; folders of tables
    no longer published go."""
    parquet_dir.mkdir(exist_ok=True)
    for table in tables:
        (parquet_dir / table).mkdir(exist_ok=True)
        os.replace(staging / f"{table}.parquet", parquet_dir / table / "data.parquet")
    for folder in parquet_dir.iterdir():
        if folder.is_dir() and folder.name not in tables:
            shutil.rmtree(folder)


def crm_value(value: object) -> str:
    """One cell as Salesforce Data Loader and Bulk API 2.0 read it: empty for null, ISO 8601 dates
    (date-times in UTC with ``Z``), ``true``/``false``, plain decimals, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        utc = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return utc.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise_formula(value))


def _fingerprint(cells: list[str]) -> bytes:
    return hashlib.blake2b(repr(tuple(cells)).encode("utf-8"), digest_size=16).digest()


def _published_rows(full_file: Path, header: list[str]) -> dict[str, bytes] | None:
    """Fingerprints by Id of the last published full file, or None when there is nothing to
    compare with (no file yet, or other columns)."""
    if CRM_KEY not in header or not full_file.exists():
        return None
    with full_file.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        if next(rows, None) != header:
            return None
        key = header.index(CRM_KEY)
        return {row[key]: _fingerprint(row) for row in rows}


def _stage_crm_files(con: duckdb.DuckDBPyConnection, crm_dir: Path, full: bool) -> int:
    """The CRM file (the accounts new or changed since the last full file, or all of them) and
    the new full file, written beside the published ones (`_swap_crm_files` puts them in place);
    returns the rows of the CRM file."""
    cursor = con.execute(f"select * from serving_copy.marts.{CRM_UPDATES_TABLE} order by 1")
    header = [column[0] for column in cursor.description]
    published = None if full else _published_rows(crm_dir / CRM_FULL_FILE, header)
    key = header.index(CRM_KEY) if CRM_KEY in header else 0
    crm_dir.mkdir(parents=True, exist_ok=True)
    changes_path, full_path = _crm_temporaries(crm_dir)
    written = 0
    with changes_path.open("w", newline="", encoding="utf-8") as changes_out, \
            full_path.open("w", newline="", encoding="utf-8") as full_out:
        changes, everything = csv.writer(changes_out, lineterminator="\n"), csv.writer(full_out, lineterminator="\n")
        changes.writerow(header)
        everything.writerow(header)
        while batch := cursor.fetchmany(10_000):
            rows = [[crm_value(value) for value in row] for row in batch]
            everything.writerows(rows)
            changed = rows if published is None else [
                cells for cells in rows if published.get(cells[key]) != _fingerprint(cells)]
            changes.writerows(changed)
            written += len(changed)
    return written


def _crm_temporaries(crm_dir: Path) -> tuple[Path, Path]:
    return _temporary(crm_dir / CRM_FILE), _temporary(crm_dir / CRM_FULL_FILE)


def _swap_crm_files(crm_dir: Path) -> None:
    """The staged CRM files in place, the CRM file first: were the full file replaced alone, the
    next comparison would miss this run's changes."""
    changes_path, full_path = _crm_temporaries(crm_dir)
    os.replace(changes_path, crm_dir / CRM_FILE)
    os.replace(full_path, crm_dir / CRM_FULL_FILE)


def publish_marts(warehouse: Path, serving_dir: Path, *, docs: Mapping[str, TableDocs] | None = None,
                  full_crm_file: bool | None = None) -> PublishResult:
    """Copy every ``marts`` table to the serving database, Parquet and (when present) the CRM file.

    Every output is written from the new serving copy, so they always agree. When the run's
    territory plan failed a blocking check, the plan tables keep their previously published rows
    (the CRM file's Proposed_Territory__c already follows the last published plan, see
    `planning.scenarios.ensure_published_plan`); everything else is this run's. ``docs`` defaults
    to the dbt project's descriptions; ``full_crm_file`` to ``TERRAIN_CRM_FULL_FILE``.
    """
    docs = dbt_mart_docs() if docs is None else docs
    full_crm_file = crm_full_file_requested() if full_crm_file is None else full_crm_file
    serving_dir.mkdir(parents=True, exist_ok=True)
    target = serving_dir / "terrain.duckdb"
    tmp = _temporary(target)
    tmp.unlink(missing_ok=True)
    try:
        return _publish_through(tmp, target, warehouse, serving_dir, docs, full_crm_file)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise


def _publish_through(tmp: Path, target: Path, warehouse: Path, serving_dir: Path, docs: Mapping[str, TableDocs],
                     full_crm_file: bool) -> PublishResult:
    """:func:`publish_marts` writing the new serving copy at ``tmp``; a failure leaves ``target`` as it was
    and the caller removes ``tmp``."""
    con = duckdb.connect(config={"memory_limit": duckdb_memory_limit()})
    con.execute(f"attach '{warehouse}' as warehouse (read_only)")
    crm_file = crm_full = crm_rows = None
    try:
        tables = _mart_tables(con, "warehouse")
        hold = _plan_hold_reason(con)
        held = set(PLAN_TABLES) if hold else set()
        con.execute(f"attach '{tmp}' as serving_copy")
        outputs = _Outputs(_temporary(serving_dir / "parquet"), serving_dir / "crm", full_crm_file)
        try:
            shutil.rmtree(outputs.parquet_staging, ignore_errors=True)
            outputs.parquet_staging.mkdir(parents=True)
            counts, crm_rows = _copy_tables(con, tables, held, target if target.exists() else None, outputs)
            undocumented = _write_comments(con, tables, docs)
            _swap_parquet(tables, outputs.parquet_staging, serving_dir / "parquet")
            if CRM_UPDATES_TABLE in tables:
                _swap_crm_files(outputs.crm_dir)
                crm_file, crm_full = outputs.crm_dir / CRM_FILE, outputs.crm_dir / CRM_FULL_FILE
            con.execute("checkpoint serving_copy")
        finally:
            shutil.rmtree(outputs.parquet_staging, ignore_errors=True)
            for leftover in _crm_temporaries(outputs.crm_dir):
                leftover.unlink(missing_ok=True)
            con.execute("detach serving_copy")
    finally:
        con.close()
    os.replace(tmp, target)
    return PublishResult(counts, target, serving_dir / "parquet", crm_file, hold, crm_full, crm_rows,
                         tuple(undocumented))
