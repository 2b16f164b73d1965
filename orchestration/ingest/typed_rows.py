"""The typed working table of one delivery: delivered text beside its parsed value.

Keeping the text next to the value lets the suite tell "not delivered" from "delivered but not
parseable", and lets the quarantine show the value exactly as it came.
"""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.ingest.expectations import (
    ROW_NUMBER,
    WEEK_START,
    normalised_column,
    scale_column,
    text_column,
    value_column,
)
from orchestration.ingest.headers import HeaderMatch
from orchestration.ingest.parsing import (
    blank_to_null,
    iso_parts_sql,
    monday_of_sql,
    needs_iso_parts,
    on_scale_sql,
    typed_sql,
)
from orchestration.ingest.reading import TEXT_TABLE, positional_name
from orchestration.ingest.registry import ColumnType, Source
from orchestration.ingest.tables import quote

TYPED_TABLE = "_terrain_ingest_typed"


def _iso_column(raw_name: str) -> str:
    return f"{raw_name}__iso"


def build_typed_table(con: duckdb.DuckDBPyConnection, source: Source, match: HeaderMatch,
                      file_week: date | None) -> None:
    """Create :data:`TYPED_TABLE` from :data:`reading.TEXT_TABLE` for the delivered columns."""
    present = [column for column in source.columns if match.has(column.raw_name)]
    texts = [
        f"{blank_to_null(positional_name(match.positions[c.raw_name]))} as {quote(text_column(c.raw_name))}"
        for c in present
    ]
    parts = [
        f"{iso_parts_sql(quote(text_column(c.raw_name)))} as {quote(_iso_column(c.raw_name))}"
        for c in present if needs_iso_parts(c.type)
    ]
    scale_keys = {column.scale.by for column in present if column.scale}
    outputs = [ROW_NUMBER]
    for column in present:
        text = quote(text_column(column.raw_name))
        outputs.append(text)
        if column.type is not ColumnType.TEXT:
            iso = quote(_iso_column(column.raw_name)) if needs_iso_parts(column.type) else None
            outputs.append(f"{typed_sql(text, column.type, iso)} as {quote(value_column(column.raw_name))}")
        if column.allowed or column.name in scale_keys:
            outputs.append(f"lower(trim({text})) as {quote(normalised_column(column.raw_name))}")
        if column.scale and match.has(source.column(column.scale.by).raw_name):
            by_text = quote(text_column(source.column(column.scale.by).raw_name))
            outputs.append(f"({on_scale_sql(text, by_text, column.scale)})::utinyint "
                           f"as {quote(scale_column(column.raw_name))}")
    if source.week_from_file_name:
        outputs.append(f"{_week_sql(match, file_week)} as {quote(value_column(WEEK_START))}")
    con.execute(f"drop table if exists {TYPED_TABLE}")
    con.execute(
        f"create temp table {TYPED_TABLE} as "
        f"with delivered as (select {', '.join([ROW_NUMBER, *texts])} from {TEXT_TABLE}), "
        f"parsed as (select *{''.join(', ' + p for p in parts)} from delivered) "
        f"select {', '.join(outputs)} from parsed"
    )


def _week_sql(match: HeaderMatch, file_week: date | None) -> str:
    from_file = f"date '{file_week.isoformat()}'" if file_week else "cast(null as date)"
    if not match.has("Week"):
        return from_file
    return f"coalesce({monday_of_sql(quote(value_column('Week')))}, {from_file})"


def raw_select_list(source: Source, match: HeaderMatch) -> list[str]:
    """Expressions giving the contract columns of ``raw.<source>`` from :data:`TYPED_TABLE`."""
    expressions = []
    for column in source.columns:
        if not match.has(column.raw_name):
            expressions.append(f"cast(null as {column.type.value})")
        elif column.type is ColumnType.TEXT:
            expressions.append(quote(text_column(column.raw_name)))
        else:
            expressions.append(quote(value_column(column.raw_name)))
    for name, _ in source.extra_columns:
        expressions.append(quote(value_column(name)))
    return expressions


def drop_typed_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {TYPED_TABLE}")
