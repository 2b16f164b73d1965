"""Territory design as a Dagster asset: the default scenario on every run, charts in the UI."""


import base64

import dagster as dg
import duckdb

from models_ml.territory import PlanningError
from orchestration.planning.scenarios import DEFAULT_SCENARIO, ensure_published_plan, run_scenario
from orchestration.resources import TerrainPaths
from orchestration.settings import load_settings

PLAN_KEYS = {
    "territory_plan": dg.AssetKey(["marts", "territory_plan"]),
    "territory_plan_summary": dg.AssetKey(["marts", "territory_plan_summary"]),
    "territory_plan_metrics": dg.AssetKey(["marts", "territory_plan_metrics"]),
    "plan_published": dg.AssetKey(["territory", "plan_published"]),
}


def _image(path) -> dg.MetadataValue:
    encoded = base64.b64encode(path.read_bytes()).decode()
    return dg.MetadataValue.md(f"![{path.stem}](data:image/png;base64,{encoded})")


@dg.multi_asset(
    specs=[dg.AssetSpec(key, group_name="territories",
                        deps=[["marts", "account_priority"], ["marts", "territory_current"],
                              ["intermediate", "int_company_potential"], ["intermediate", "int_territory_hierarchy"],
                              ["intermediate", "int_opportunities_rolled_up"], ["reference", "zip_codes"]])
           for key in PLAN_KEYS.values()],
    name="territory_design",
    description="Balanced, contiguous, low-disruption territories for the default scenario of terrain.yaml.",
)
def territory_design(context: dg.AssetExecutionContext, paths: TerrainPaths):
    settings = load_settings().territory_plan
    con = duckdb.connect(str(paths.warehouse_path))
    try:
        try:
            result = run_scenario(con, DEFAULT_SCENARIO, settings, paths.outputs_dir / "territory_plans")
        except PlanningError as error:
            raise dg.Failure(description=f"Territory plan '{DEFAULT_SCENARIO}' failed: {error}") from error
        ensure_published_plan(con)
    finally:
        con.close()
    proposed = result.metrics[result.metrics["alignment"] == "proposed"]
    for key in PLAN_KEYS.values():
        metadata = {}
        if key == PLAN_KEYS["territory_plan"]:
            metadata = {"accounts": result.accounts, "moved": result.moved,
                        "share_moved": round(result.moved / max(result.accounts, 1), 4)}
        elif key == PLAN_KEYS["territory_plan_metrics"]:
            metadata = {"metrics": dg.MetadataValue.md(result.metrics.to_markdown(index=False))}
        elif key == PLAN_KEYS["territory_plan_summary"]:
            metadata = {"max_abs_deviation_pct": float(proposed["max_abs_deviation_pct"].max()),
                        **{chart.stem: _image(chart) for chart in result.charts}}
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
