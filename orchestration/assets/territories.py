"""Territory design as a Dagster asset: the default scenario on every run, charts in the UI.

The planner's inputs are read by :mod:`orchestration.planning.inputs` and the run report's figures by
:mod:`orchestration.run_report`; the tables they read are the asset's upstream.

Owned by revenue operations: territory design is their decision (tolerance, locks, which plan goes
to the CRM), and a plan held back by a blocking check is theirs to settle before the CRM changes.
"""


import base64
import traceback

import dagster as dg

from orchestration import run_report
from orchestration.assets.lineage import upstream_of
from orchestration.assets.table_metadata import table_metadata
from orchestration.planning import inputs as planner_inputs
from orchestration.planning.review import BLOCKING, WARNING, Verdict, failed_plan_verdicts, publishable
from orchestration.planning.scenarios import DEFAULT_SCENARIO, ensure_published_plan, record_plan_status, run_scenario
from orchestration.resources import SETTINGS_KEY, TerrainPaths, connect_warehouse, terrain_settings
from orchestration.settings import Settings

PLAN_KEYS = {
    "territory_plan": dg.AssetKey(["marts", "territory_plan"]),
    "territory_plan_summary": dg.AssetKey(["marts", "territory_plan_summary"]),
    "territory_plan_metrics": dg.AssetKey(["marts", "territory_plan_metrics"]),
    "plan_published": dg.AssetKey(["territory", "plan_published"]),
}
PLAN_DESCRIPTIONS = {
    "territory_plan": "Scenario x account: current and proposed territory, whether the account moves and why.",
    "territory_plan_summary": "Scenario x proposed territory: accounts, potential, workload, deviation from the "
                              "group mean, accounts moved in and out, contiguity.",
    "territory_plan_metrics": "Scenario x alignment x plan group: balance, disruption and capacity figures of "
                              "today's alignment, an equal-count split and the proposed plan.",
    "plan_published": "The scenario whose territories go to the CRM as Proposed_Territory__c: this run's plan when "
                      "it passes every blocking check, else the plan published before.",
}
SUMMARY = PLAN_KEYS["territory_plan_summary"]
OWNERS = ["team:revenue-operations"]
PLAN_CHECKS = {
    **{name: dg.AssetCheckSeverity.ERROR for name in BLOCKING},
    **{name: dg.AssetCheckSeverity.WARN for name in WARNING},
}
CHECK_DESCRIPTIONS = {
    "plan_produced": "The planner produced a plan for every group of territories.",
    "within_balance_tolerance": "Every group's territories within the balance tolerance (or the best achievable, when relaxed).",
    "geographic_territories_contiguous": "Every geographic territory is one connected piece of the map.",
    "pinned_accounts_kept": "No locked, named or uncovered foreign account changes territory.",
    "workload_within_band": "Every territory's workload within its band of the group mean.",
    "tolerance_as_configured": "Every group met the configured tolerance without relaxing it.",
    "reps_within_capacity": "No rep holds more accounts than Max_Accounts__c.",
    "solver_finished": "Every group's solve ended on its own stopping rules, not on a time limit or the hard deadline.",
}


def plan_check_results(verdicts: list[Verdict]) -> list[dg.AssetCheckResult]:
    """The plan's verdicts as Dagster checks: blocking rules at ERROR, the rest at WARN.

    They do not stop the run's other assets: publication reads the plan's status and holds the
    previous plan back itself, so this week's scores are published whatever the plan did.
    """
    return [dg.AssetCheckResult(asset_key=SUMMARY, check_name=v.name, passed=bool(v.passed), severity=PLAN_CHECKS[v.name],
                                description=v.text, metadata=v.figures) for v in verdicts]


def _image(path) -> dg.MetadataValue:
    encoded = base64.b64encode(path.read_bytes()).decode()
    return dg.MetadataValue.md(f"![{path.stem}](data:image/png;base64,{encoded})")


@dg.multi_asset(
    specs=[dg.AssetSpec(key, group_name="territories", deps=upstream_of(planner_inputs, run_report),
                        description=PLAN_DESCRIPTIONS[name], kinds={"duckdb", "python"}, owners=OWNERS)
           for name, key in PLAN_KEYS.items()],
    check_specs=[dg.AssetCheckSpec(name, asset=SUMMARY, description=CHECK_DESCRIPTIONS[name]) for name in PLAN_CHECKS],
    name="territory_design",
    description="Balanced, contiguous, low-disruption territories for the default scenario of terrain.yaml.",
    resource_defs={SETTINGS_KEY: terrain_settings()},
)
def territory_design(context: dg.AssetExecutionContext, paths: TerrainPaths, settings: dg.ResourceParam[Settings]):
    con = connect_warehouse(paths.warehouse_path)
    result = None
    try:
        try:
            result = run_scenario(con, DEFAULT_SCENARIO, settings.territory_plan, paths.outputs_dir / "territory_plans")
            verdicts = list(result.verdicts)
        except Exception as error:  # a failed plan must not stop this week's scores from publishing
            context.log.error(f"Territory plan '{DEFAULT_SCENARIO}' failed:\n{traceback.format_exc()}")
            verdicts = failed_plan_verdicts(f"{type(error).__name__}: {error}")
            record_plan_status(con, DEFAULT_SCENARIO, verdicts)
        ok = publishable(verdicts)
        ensure_published_plan(con, default_publishable=ok)
        tables = {key: table_metadata(con, ".".join(key.path)) for key in PLAN_KEYS.values()}
    finally:
        con.close()
    disagreements = run_report.segment_disagreements(paths.warehouse_path)
    if not ok:
        failed = "; ".join(f"{v.name}: {v.text}" for v in verdicts if v.blocking and not v.passed)
        context.log.error(f"Territory plan '{DEFAULT_SCENARIO}' not published, the previous plan stays: {failed}")
    for key in PLAN_KEYS.values():
        metadata = {**tables[key], **_metadata(key, result, ok)}
        if key == PLAN_KEYS["territory_plan"] and disagreements is not None:
            metadata["segment_band_disagreements"] = disagreements[0]
            metadata["companies_segmented_by_territory"] = disagreements[1]
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    yield from plan_check_results(verdicts)


def _metadata(key: dg.AssetKey, result, ok: bool) -> dict:
    if result is None:
        return {"published": False}
    proposed = result.metrics[result.metrics["alignment"] == "proposed"]
    if key == PLAN_KEYS["territory_plan"]:
        return {"accounts": result.accounts, "moved": result.moved,
                "share_moved": round(result.moved / max(result.accounts, 1), 4),
                "book_accounts": result.book_accounts, "book_accounts_moved": result.book_moved,
                "share_book_accounts_moved": round(result.book_moved / max(result.book_accounts, 1), 4)}
    if key == PLAN_KEYS["territory_plan_metrics"]:
        return {"metrics": dg.MetadataValue.md(result.metrics.to_markdown(index=False))}
    if key == PLAN_KEYS["territory_plan_summary"]:
        return {"published": ok,
                "max_abs_deviation_pct": float(proposed["max_abs_deviation_pct"].max()),
                "max_abs_workload_deviation_pct": float(proposed["max_abs_workload_deviation_pct"].max()),
                **{chart.stem: _image(chart) for chart in result.charts}}
    return {"published": ok}
