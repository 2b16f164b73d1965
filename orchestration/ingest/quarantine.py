"""Writing rejected rows to ``raw.quarantine`` so that nothing read is ever lost.

Each quarantined data row appears exactly once, with the first rule it broke in ``rule`` /
``column_name`` / ``value`` and every rule it broke in ``message``, so counting quarantine rows per
file gives the load report's ``rows_quarantined``. ``record`` holds the whole delivered row as JSON
(every delivered column, extra ones included) so it can be fixed and delivered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from orchestration.ingest.deliveries import Delivery
from orchestration.ingest.expectations import text_column
from orchestration.ingest.reading import TEXT_TABLE, RowDefect, positional_name
from orchestration.ingest.registry import Source
from orchestration.ingest.tables import QUARANTINE_COLUMNS, QUARANTINE_TABLE, quote
from orchestration.ingest.typed_rows import TYPED_TABLE

VERDICT_TABLE = "_terrain_ingest_verdicts"


@dataclass(frozen=True)
class DeliveryContext:
    """The facts every quarantine row of one delivery repeats."""

    source: Source
    delivery: Delivery
    headers: list[str]
    quarantined_at: datetime

    @property
    def location(self) -> str:
        return f"{self.source.folder}/{self.delivery.file_name}"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _record_sql(headers: list[str], alias: str) -> str:
    if not headers:
        return "'{}'"
    pairs = ", ".join(f"{_literal(name)}, {alias}.{positional_name(i)}" for i, name in enumerate(headers))
    return f"cast(json_object({pairs}) as varchar)"


def _lineage_params(ctx: DeliveryContext) -> list:
    return [ctx.source.folder, ctx.source.table, ctx.delivery.file_name, ctx.delivery.sha256]


_INSERT = f"insert into {QUARANTINE_TABLE} ({', '.join(name for name, _ in QUARANTINE_COLUMNS)}) "


def quarantine_defects(con: duckdb.DuckDBPyConnection, ctx: DeliveryContext, defects: list[RowDefect]) -> None:
    """Rows that never became records (bytes not UTF-8, wrong number of fields)."""
    if not defects:
        return
    rows = [
        (*_lineage_params(ctx), d.row_number, d.rule, d.column_name, d.value,
         f"{ctx.location} row {d.row_number}: rule {d.rule}: {d.detail}", d.record, ctx.quarantined_at)
        for d in defects
    ]
    con.executemany(_INSERT + f"values ({', '.join('?' * len(QUARANTINE_COLUMNS))})", rows)


def quarantine_whole_file(con: duckdb.DuckDBPyConnection, ctx: DeliveryContext, rule: str, reason: str) -> None:
    """Every readable row of a rejected file, so the rejection loses nothing."""
    con.execute(
        _INSERT
        + f"select ?, ?, ?, ?, t._row_number, ?, null, null, "
        f"? || ' row ' || t._row_number || ': file rejected (' || ? || '): ' || ?, "
        f"{_record_sql(ctx.headers, 't')}, ? from {TEXT_TABLE} t order by t._row_number",
        [*_lineage_params(ctx), rule, ctx.location, rule, reason, ctx.quarantined_at],
    )


def store_verdicts(con: duckdb.DuckDBPyConnection, verdicts: pd.DataFrame) -> None:
    """Keep the suite's verdicts as a temporary table, for the quarantine and the raw anti-join."""
    con.register("_terrain_verdict_frame", verdicts)
    try:
        con.execute(f"create or replace temp table {VERDICT_TABLE} as select * from _terrain_verdict_frame")
    finally:
        con.unregister("_terrain_verdict_frame")


def drop_verdicts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {VERDICT_TABLE}")


def quarantine_verdicts(con: duckdb.DuckDBPyConnection, ctx: DeliveryContext, verdicts: pd.DataFrame) -> int:
    """Rows the expectation suite found unexpected (kept by :func:`store_verdicts`); returns how many."""
    if verdicts.empty:
        return 0
    value_cases = " ".join(
        f"when {_literal(column.name)} then y.{quote(text_column(column.raw_name))}"
        for column in ctx.source.columns
        if column.name in set(verdicts["column_name"])
    )
    con.execute(
        _INSERT
        + f"""
        with failures as (
            select v.row_number, v.rule, v.column_name, v.expected, v.rule_order,
                   case v.column_name {value_cases} end as value
            from {VERDICT_TABLE} v join {TYPED_TABLE} y on y._row_number = v.row_number
        ),
        per_row as (
            select row_number,
                   first(rule order by rule_order, column_name) as rule,
                   first(column_name order by rule_order, column_name) as column_name,
                   first(value order by rule_order, column_name) as value,
                   string_agg(
                       'rule ' || rule || ' on ' || column_name || ': '
                       || coalesce(chr(39) || value || chr(39), 'an empty value') || ' is not ' || expected,
                       '; ' order by rule_order, column_name
                   ) as reasons
            from failures group by row_number
        )
        select ?, ?, ?, ?, p.row_number, p.rule, p.column_name, p.value,
               ? || ' row ' || p.row_number || ': ' || p.reasons,
               {_record_sql(ctx.headers, 't')}, ?
        from per_row p join {TEXT_TABLE} t on t._row_number = p.row_number
        order by p.row_number
        """,
        [*_lineage_params(ctx), ctx.location, ctx.quarantined_at],
    )
    return int(verdicts["row_number"].nunique())
