"""Ingest assets: one per landing source, each loading its folder into ``raw.<table>``.

The work lives in :mod:`orchestration.ingest`; an asset only opens the warehouse, calls it and
describes the outcome (per-file counts, totals). A missing source folder is not an error: the raw
table is still created with its full schema, empty, so dbt can select from it.

Owned by data engineering: a rejected file or a quarantined row is a question about the landing
zone's deliveries and their validation, which data engineering answers with the sources' owners.
"""

import warnings
from pathlib import Path

import dagster as dg

from orchestration.assets.partitions import WEEK_COLUMNS, WEEKLY_BACKFILL, WEEKLY_PARTITIONS
from orchestration.assets.table_metadata import table_metadata
from orchestration.ingest import SOURCES, FileLoadResult, Source, ingest_source, reconcile_source
from orchestration.resources import TerrainPaths, connect_warehouse

GROUP = "ingest"
OWNERS = ["team:data-engineering"]
ROWS_ADD_UP = "rows_add_up"
# Dagster calls a backfill policy on an asset beta; a weekly source loads a run's weeks in one step that way.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy` of function `asset`", category=dg.BetaWarning)

_FILE_TABLE_SCHEMA = dg.TableSchema(columns=[
    dg.TableColumn("file_name", "string"),
    dg.TableColumn("status", "string"),
    dg.TableColumn("rows_read", "int"),
    dg.TableColumn("rows_loaded", "int"),
    dg.TableColumn("rows_quarantined", "int"),
    dg.TableColumn("delivery_seq", "int"),
    dg.TableColumn("message", "string"),
])


def _file_table(results: list[FileLoadResult]) -> dg.TableMetadataValue:
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord({
                "file_name": r.file_name, "status": r.status, "rows_read": r.rows_read,
                "rows_loaded": r.rows_loaded, "rows_quarantined": r.rows_quarantined,
                "delivery_seq": r.delivery_seq, "message": r.message,
            })
            for r in results
        ],
        schema=_FILE_TABLE_SCHEMA,
    )


def _metadata(source: Source, results: list[FileLoadResult]) -> dict:
    def count(status: str) -> int:
        return sum(1 for r in results if r.status == status)

    return {
        "files": _file_table(results),
        "rows_read": dg.MetadataValue.int(sum(r.rows_read for r in results)),
        "rows_loaded": dg.MetadataValue.int(sum(r.rows_loaded for r in results)),
        "rows_quarantined": dg.MetadataValue.int(sum(r.rows_quarantined for r in results)),
        "files_loaded": dg.MetadataValue.int(count("loaded")),
        "files_rejected": dg.MetadataValue.int(count("rejected")),
        "files_duplicate": dg.MetadataValue.int(count("duplicate")),
        "landing_folder": dg.MetadataValue.text(source.folder),
    }


def build_ingest_asset(source: Source) -> dg.AssetsDefinition:
    """The asset loading ``source``'s new deliveries; a weekly source's is partitioned by week.

    A weekly source's run covers the weeks its new files deliver (the command line and the sensor
    read them before the run starts); the files are still loaded whole, by the load manifest, so a
    run never loads half a delivery and never loads one twice.
    """
    weekly = source.table in WEEK_COLUMNS

    @dg.asset(
        key=["raw", source.table],
        group_name=GROUP,
        kinds={"duckdb", "python"},
        owners=OWNERS,
        partitions_def=WEEKLY_PARTITIONS if weekly else None,
        backfill_policy=WEEKLY_BACKFILL if weekly else None,
        description=f"{source.description}: every delivery in `{source.folder}/`, validated; "
                    "rows breaking a rule go to raw.quarantine." + (" Partitioned by Monday-start week." if weekly else ""),
    )
    def ingest(context: dg.AssetExecutionContext, paths: TerrainPaths) -> dg.MaterializeResult:
        with connect_warehouse(paths.warehouse_path) as con:
            results = ingest_source(con, source.table, Path(paths.landing_dir), paths.quarantine_dir)
            table = table_metadata(con, f"raw.{source.table}")
        for result in results:
            if result.status == "rejected":
                context.log.warning(result.message)
        return dg.MaterializeResult(metadata={**_metadata(source, results), **table})

    return ingest


def build_accounting_check(source: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", source.table]),
        name=ROWS_ADD_UP,
        blocking=False,
        description="For every delivery: rows read = loaded + quarantined, and those rows are in "
                    "the raw table and raw.quarantine.",
    )
    def rows_add_up(paths: TerrainPaths) -> dg.AssetCheckResult:
        with connect_warehouse(paths.warehouse_path) as con:
            gaps = reconcile_source(con, source.table)
        return dg.AssetCheckResult(
            passed=not gaps,
            metadata={
                "gaps": dg.MetadataValue.int(len(gaps)),
                "details": dg.MetadataValue.json([gap.__dict__ for gap in gaps[:50]]),
            },
        )

    return rows_add_up


ingest_assets: list[dg.AssetsDefinition] = [build_ingest_asset(source) for source in SOURCES.values()]
ingest_checks: list[dg.AssetChecksDefinition] = [build_accounting_check(source) for source in SOURCES.values()]
