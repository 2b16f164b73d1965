"""Which weeks a weekly delivery holds, read before it is loaded.

A run over weekly partitions names its weeks when it starts, so the command line and the landing
sensor read the new intent and activity files first. They read them as ingestion does (the same
header names, the same date parsing, Bombora's week from the file name when rows carry none), in a
scratch in-memory database, and keep only the Mondays; the load itself happens in the run.
A file that cannot be read, or lacks a required column, holds no week: ingestion rejects it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orchestration.ingest.expectations import value_column
from orchestration.ingest.headers import match_headers
from orchestration.ingest.parsing import monday_of_sql
from orchestration.ingest.reading import UnreadableFile, read_delivery
from orchestration.ingest.registry import Source
from orchestration.ingest.tables import quote
from orchestration.ingest.typed_rows import TYPED_TABLE, build_typed_table
from orchestration.ingest.weeks import week_from_file_name


def delivered_weeks(source: Source, path: Path, file_name: str, week_column: str) -> set[date]:
    """The Mondays of the weeks the rows of ``path`` fall in, by its ``week_column`` (raw name)."""
    con = duckdb.connect()
    try:
        try:
            read = read_delivery(con, path)
        except UnreadableFile:
            return set()
        match = match_headers(source, read.headers)
        file_week = week_from_file_name(file_name) if source.week_from_file_name else None
        if match.missing_required:
            return set()
        if not source.week_from_file_name and not match.has(week_column):
            return set()
        build_typed_table(con, source, match, file_week)
        column = quote(value_column(week_column))
        rows = con.execute(f"select distinct {monday_of_sql(f'cast({column} as date)')} from {TYPED_TABLE} "
                           f"where {column} is not null").fetchall()
        return {row[0] for row in rows}
    finally:
        con.close()
