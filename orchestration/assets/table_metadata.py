"""What the Dagster UI shows about a table a Python asset wrote: its rows, its columns and their meaning.

A data engineer reads a table asset's row count and column schema on its page, the way dbt assets
show theirs. The figures come from DuckDB once the table is written, so they describe what is
there, not what the code meant to write. The column descriptions come from the dbt project: every
table Python writes is declared as a dbt source with its columns documented, and the serving
copy's ``comment on`` text is taken from the same manifest, so the UI, dbt docs and BI tools say
the same thing about a column.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.assets.dbt import ensure_manifest, relation_columns

ColumnDocs = Mapping[str, str]  # lower-case column name -> description


def source_column_docs(manifest: Mapping) -> dict[str, ColumnDocs]:
    """Column descriptions of every dbt source table, by ``schema.table`` in lower case.

    A source's relation is its schema and identifier, which is where the Python asset writes; a
    table declared by more than one source keeps every description any of them gives.
    """
    docs: dict[str, dict[str, str]] = {}
    for source in manifest.get("sources", {}).values():
        relation = f"{source['schema']}.{source.get('identifier') or source['name']}".lower()
        described = docs.setdefault(relation, {})
        for column in source.get("columns", {}).values():
            text = " ".join((column.get("description") or "").split())
            if text:
                described.setdefault(column["name"].lower(), text)
    return docs


@functools.cache
def _docs_of_manifest(path: Path, modified: float) -> dict[str, ColumnDocs]:
    return source_column_docs(json.loads(path.read_text(encoding="utf-8")))


def dbt_source_column_docs() -> dict[str, ColumnDocs]:
    """The dbt project's source column descriptions, read again only when the manifest changes."""
    manifest = ensure_manifest()
    return _docs_of_manifest(manifest, manifest.stat().st_mtime)


def table_metadata(con: duckdb.DuckDBPyConnection, table: str,
                   docs: Mapping[str, ColumnDocs] | None = None) -> dict[str, dg.MetadataValue]:
    """``dagster/row_count``, ``dagster/column_schema`` and ``dagster/table_name`` of ``schema.table``.

    Column types are DuckDB's, descriptions the dbt sources' (``docs`` overrides the project's
    manifest). A table that is not there, such as a plan that failed on a fresh warehouse, has
    nothing to describe and gets no entries.
    """
    schema, name = table.split(".")
    columns = relation_columns(con, schema, name)
    if not columns:
        return {}
    described = (dbt_source_column_docs() if docs is None else docs).get(table.lower(), {})
    rows = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
    database = con.execute("select current_database()").fetchone()[0]
    column_schema = dg.TableSchema(columns=[
        dg.TableColumn(column, data_type, description=described.get(column.lower()))
        for column, data_type in columns])
    return {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "dagster/column_schema": dg.MetadataValue.table_schema(column_schema),
        "dagster/table_name": dg.MetadataValue.text(f"{database}.{schema}.{name}"),
    }
