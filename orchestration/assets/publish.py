"""The publish asset: after every blocking check has passed, hand the marts to BI tools and the CRM."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from orchestration.publishing import publish_marts
from orchestration.resources import TerrainPaths


def build_publish_asset(mart_keys: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """The serving copy depends on every mart, so Dagster publishes only when all of them succeeded."""

    @dg.asset(key=["serving", "published_marts"], deps=list(mart_keys), group_name="publish",
              description="serving/terrain.duckdb, serving/parquet/ and serving/crm/account_updates.csv")
    def published_marts(paths: TerrainPaths) -> dg.MaterializeResult:
        result = publish_marts(paths.warehouse_path, paths.serving_dir)
        return dg.MaterializeResult(metadata={
            "serving_db": dg.MetadataValue.path(str(result.serving_db)),
            "parquet_dir": dg.MetadataValue.path(str(result.parquet_dir)),
            "crm_file": dg.MetadataValue.path(str(result.crm_file)) if result.crm_file else "not produced",
            "tables": dg.MetadataValue.json(result.tables),
            "territory_plan": f"previous plan kept: {result.plan_held}" if result.plan_held else "this run's plan",
        })

    return published_marts
