"""The tables ingestion owns: ``raw.<source>``, ``raw.quarantine``, ``raw.load_manifest`` and
``marts.load_report``.

Raw tables are created with the full contract schema before any file is read, so dbt can select
from every source even when a folder is missing or every delivery was rejected.
"""

from __future__ import annotations

import duckdb

from orchestration.ingest.registry import Source

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_file_name", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
    ("_delivery_seq", "BIGINT"),
)

QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("raw_table", "VARCHAR"),
    ("file_name", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("row_number", "BIGINT"),
    ("rule", "VARCHAR"),
    ("column_name", "VARCHAR"),
    ("value", "VARCHAR"),
    ("message", "VARCHAR"),
    ("record", "VARCHAR"),
    ("quarantined_at", "TIMESTAMP"),
)

LOAD_REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("file_name", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_quarantined", "BIGINT"),
    ("status", "VARCHAR"),
    ("message", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"),
    ("raw_table", "VARCHAR"),
    ("delivery_seq", "BIGINT"),
)

MANIFEST_COLUMNS: tuple[tuple[str, str], ...] = (
    *LOAD_REPORT_COLUMNS,
    ("file_size", "BIGINT"),
    ("duplicate_of", "VARCHAR"),
)

QUARANTINE_TABLE = "raw.quarantine"
MANIFEST_TABLE = "raw.load_manifest"
LOAD_REPORT_TABLE = "marts.load_report"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def raw_table_name(source: Source) -> str:
    return f"raw.{source.table}"


def raw_columns(source: Source) -> list[tuple[str, str]]:
    """Column names and DuckDB types of ``raw.<source>``, in table order."""
    columns = [(column.raw_name, column.type.value) for column in source.columns]
    columns += [(name, column_type.value) for name, column_type in source.extra_columns]
    return columns + list(LINEAGE_COLUMNS)


def _create(con: duckdb.DuckDBPyConnection, table: str, columns) -> None:
    body = ", ".join(f"{quote(name)} {column_type}" for name, column_type in columns)
    con.execute(f"create table if not exists {table} ({body})")


def _widen_to_text(con: duckdb.DuckDBPyConnection, table: str, columns) -> None:
    """Turn to text the columns of an existing table that the contract now keeps as text.

    ``raw.map_scores.score`` was a number before Eloqua ratings (``A1``) were accepted; a warehouse
    from then keeps its history (a number reads back as its text) and takes the new deliveries.
    """
    schema, name = table.split(".")
    existing = dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall())
    for column, column_type in columns:
        if column_type == "VARCHAR" and existing.get(column, "VARCHAR") != "VARCHAR":
            con.execute(f"alter table {table} alter column {quote(column)} type varchar")


def ensure_tables(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Create the schemas and tables ingestion writes; existing ones keep their rows."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists marts")
    _create(con, raw_table_name(source), raw_columns(source))
    _widen_to_text(con, raw_table_name(source), raw_columns(source))
    _create(con, QUARANTINE_TABLE, QUARANTINE_COLUMNS)
    _create(con, MANIFEST_TABLE, MANIFEST_COLUMNS)
    _create(con, LOAD_REPORT_TABLE, LOAD_REPORT_COLUMNS)
