"""Territory design as a Dagster asset: the default scenario on every run, charts in the UI."""


import base64

import dagster as dg
import pandas as pd

from models_ml.territory import PlanningError
from orchestration.planning.scenarios import DEFAULT_SCENARIO, ensure_published_plan, run_scenario
from orchestration.resources import TerrainPaths, connect_warehouse
from orchestration.settings import load_settings

PLAN_KEYS = {
    "territory_plan": dg.AssetKey(["marts", "territory_plan"]),
    "territory_plan_summary": dg.AssetKey(["marts", "territory_plan_summary"]),
    "territory_plan_metrics": dg.AssetKey(["marts", "territory_plan_metrics"]),
    "plan_published": dg.AssetKey(["territory", "plan_published"]),
}


SUMMARY = PLAN_KEYS["territory_plan_summary"]
PLAN_CHECKS = {
    "within_balance_tolerance": dg.AssetCheckSeverity.ERROR,
    "geographic_territories_contiguous": dg.AssetCheckSeverity.WARN,
    "workload_within_band": dg.AssetCheckSeverity.WARN,
}


def plan_check_results(proposed: pd.DataFrame, tolerance: float, workload_tolerance: float | None) -> list[dg.AssetCheckResult]:
    """The proposed plan against the rules a reviewer reads first, one row of metrics per segment.

    The planner never returns a plan outside the balance tolerance; the check says so in the UI.
    A territory left scattered (the solver's safety net) or a workload outside its band (no plan
    met both bands) still gives a plan, so those checks warn rather than fail.
    """
    deviation = float(proposed["max_abs_deviation_pct"].max()) if len(proposed) else 0.0
    workload = float(proposed["max_abs_workload_deviation_pct"].max()) if len(proposed) else 0.0
    scattered = sorted(proposed.loc[proposed["all_contiguous"].eq(False).fillna(False), "segment"])
    checks = [
        ("within_balance_tolerance", deviation <= 100 * tolerance + 1e-6,
         f"largest deviation {deviation:.2f}% against ±{100 * tolerance:.1f}%", {"max_abs_deviation_pct": deviation}),
        ("geographic_territories_contiguous", not scattered,
         "every map territory is one connected piece" if not scattered else f"scattered territories in {', '.join(scattered)}",
         {"segments_not_contiguous": len(scattered)}),
        ("workload_within_band", workload_tolerance is None or workload <= 100 * workload_tolerance + 1e-6,
         "no workload band set" if workload_tolerance is None else f"largest workload deviation {workload:.2f}% against ±{100 * workload_tolerance:.1f}%",
         {"max_abs_workload_deviation_pct": workload}),
    ]
    return [dg.AssetCheckResult(asset_key=SUMMARY, check_name=name, passed=bool(passed), severity=PLAN_CHECKS[name],
                                description=text, metadata=metadata) for name, passed, text, metadata in checks]


def _image(path) -> dg.MetadataValue:
    encoded = base64.b64encode(path.read_bytes()).decode()
    return dg.MetadataValue.md(f"![{path.stem}](data:image/png;base64,{encoded})")


@dg.multi_asset(
    specs=[dg.AssetSpec(key, group_name="territories",
                        deps=[["marts", "account_priority"], ["marts", "territory_current"],
                              ["intermediate", "int_company_potential"], ["intermediate", "int_territory_hierarchy"],
                              ["intermediate", "int_opportunities_rolled_up"], ["reference", "zip_codes"]])
           for key in PLAN_KEYS.values()],
    check_specs=[dg.AssetCheckSpec(name, asset=SUMMARY) for name in PLAN_CHECKS],
    name="territory_design",
    description="Balanced, contiguous, low-disruption territories for the default scenario of terrain.yaml.",
)
def territory_design(context: dg.AssetExecutionContext, paths: TerrainPaths):
    settings = load_settings().territory_plan
    con = connect_warehouse(paths.warehouse_path)
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
                        "share_moved": round(result.moved / max(result.accounts, 1), 4),
                        "book_accounts": result.book_accounts, "book_accounts_moved": result.book_moved,
                        "share_book_accounts_moved": round(result.book_moved / max(result.book_accounts, 1), 4)}
        elif key == PLAN_KEYS["territory_plan_metrics"]:
            metadata = {"metrics": dg.MetadataValue.md(result.metrics.to_markdown(index=False))}
        elif key == PLAN_KEYS["territory_plan_summary"]:
            metadata = {"max_abs_deviation_pct": float(proposed["max_abs_deviation_pct"].max()),
                        "max_abs_workload_deviation_pct": float(proposed["max_abs_workload_deviation_pct"].max()),
                        **{chart.stem: _image(chart) for chart in result.charts}}
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    yield from plan_check_results(proposed, settings.tolerance, settings.workload_tolerance)
