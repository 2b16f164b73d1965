"""Ingestion of the landing zone into DuckDB ``raw.*``: validated, quarantined, nothing lost.

Plain Python over DuckDB (no Dagster), so the Dagster assets stay thin and tests call it directly.
"""

from orchestration.ingest.loading import ingest_source
from orchestration.ingest.manifest import FileLoadResult, LoadStatus
from orchestration.ingest.reconcile import AccountingGap, reconcile_source
from orchestration.ingest.registry import SOURCES, Column, ColumnType, Source, get_source
from orchestration.ingest.tables import ensure_tables

__all__ = [
    "SOURCES",
    "AccountingGap",
    "Column",
    "ColumnType",
    "FileLoadResult",
    "LoadStatus",
    "Source",
    "ensure_tables",
    "get_source",
    "ingest_source",
    "reconcile_source",
]
