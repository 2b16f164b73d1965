"""Row accounting for a source: the load report must agree with itself and with the tables.

For every delivery, rows read = rows loaded + rows quarantined, and the rows the report claims are
really there: ``rows_loaded`` rows in ``raw.<source>`` and ``rows_quarantined`` in ``raw.quarantine``.
This is what the ingest asset checks assert after every load.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration.ingest.registry import get_source
from orchestration.ingest.tables import LOAD_REPORT_TABLE, QUARANTINE_TABLE, ensure_tables, raw_table_name


@dataclass(frozen=True)
class AccountingGap:
    """A delivery whose rows do not add up."""

    file_name: str
    file_sha256: str
    problem: str


def reconcile_source(con: duckdb.DuckDBPyConnection, source: str) -> list[AccountingGap]:
    spec = get_source(source)
    ensure_tables(con, spec)
    rows = con.execute(
        f"""
        with loaded as (
            select _file_name, _file_sha256, count(*) as n from {raw_table_name(spec)} group by all
        ),
        quarantined as (
            select file_name, file_sha256, count(*) as n from {QUARANTINE_TABLE}
            where raw_table = ? group by all
        )
        select r.file_name, r.file_sha256, r.rows_read, r.rows_loaded, r.rows_quarantined,
               coalesce(l.n, 0), coalesce(q.n, 0)
        from {LOAD_REPORT_TABLE} r
        left join loaded l on l._file_name = r.file_name and l._file_sha256 = r.file_sha256
        left join quarantined q on q.file_name = r.file_name and q.file_sha256 = r.file_sha256
        where r.raw_table = ?
        order by r.delivery_seq
        """,
        [spec.table, spec.table],
    ).fetchall()
    gaps = []
    for name, sha, read, loaded, quarantined, in_raw, in_quarantine in rows:
        if read != loaded + quarantined:
            gaps.append(AccountingGap(name, sha, f"rows read {read} != loaded {loaded} + quarantined {quarantined}"))
        if in_raw != loaded:
            gaps.append(AccountingGap(name, sha, f"report says {loaded} rows loaded, {raw_table_name(spec)} has {in_raw}"))
        if in_quarantine != quarantined:
            gaps.append(AccountingGap(name, sha,
                                      f"report says {quarantined} rows quarantined, raw.quarantine has {in_quarantine}"))
    return gaps
