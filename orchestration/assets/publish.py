"""The publish asset: after every blocking check has passed, hand the marts to BI tools and the CRM.

Owned by data engineering: the serving copy, its Parquet files and the CRM file are the hand-over
to BI tools and the CRM, and a failed or partial copy is a delivery problem, not a business one.
The asset is a set of files and databases rather than one table, so it reports each published
table's rows (``tables``) instead of one row count and column schema.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from orchestration.publishing import FULL_CRM_FILE_ENV, publish_marts
from orchestration.resources import TerrainPaths

PUBLISHED = dg.AssetKey(["serving", "published_marts"])
DESCRIBED_CHECK = "every_published_column_described"
OWNERS = ["team:data-engineering"]


def build_publish_asset(mart_keys: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """The serving copy depends on every mart, so Dagster publishes only when all of them succeeded."""

    @dg.asset(key=PUBLISHED, deps=list(mart_keys), group_name="publish", kinds={"duckdb", "parquet", "python"},
              owners=OWNERS,
              description="serving/terrain.duckdb (with table and column comments), serving/parquet/, and "
                          "serving/crm/account_updates.csv: the accounts changed since the last publish "
                          f"(every account with {FULL_CRM_FILE_ENV}=1), beside account_updates_full.csv",
              check_specs=[dg.AssetCheckSpec(
                  DESCRIBED_CHECK, asset=PUBLISHED,
                  description="Every published table and column carries a description from the dbt project "
                              "(models' yml, or the sources' yml for tables Python writes), shown by BI tools")])
    def published_marts(paths: TerrainPaths) -> dg.MaterializeResult:
        result = publish_marts(paths.warehouse_path, paths.serving_dir)
        undocumented = list(result.undocumented)
        return dg.MaterializeResult(
            metadata={
                "serving_db": dg.MetadataValue.path(str(result.serving_db)),
                "parquet_dir": dg.MetadataValue.path(str(result.parquet_dir)),
                "crm_file": dg.MetadataValue.path(str(result.crm_file)) if result.crm_file else "not produced",
                "crm_rows": result.crm_rows if result.crm_rows is not None else "not produced",
                "crm_full_file": dg.MetadataValue.path(str(result.crm_full_file)) if result.crm_full_file else "not produced",
                "tables": dg.MetadataValue.json(result.tables),
                "territory_plan": f"previous plan kept: {result.plan_held}" if result.plan_held else "this run's plan",
            },
            check_results=[dg.AssetCheckResult(
                check_name=DESCRIBED_CHECK, passed=not undocumented, severity=dg.AssetCheckSeverity.WARN,
                description=("every table and column described" if not undocumented else
                             f"{len(undocumented)} without a description: {', '.join(undocumented[:20])}"),
                metadata={"undocumented": dg.MetadataValue.json(undocumented)})],
        )

    return published_marts
