"""``territory_scenario``: a what-if territory plan as a Dagster job, launched by ``terrain plan`` or the UI.

The scenario's rows land in the tables the main job's ``territory_design`` asset materializes
(``marts.territory_plan``, ``marts.territory_plan_summary``, ``marts.territory_plan_metrics``).
An asset key has one definition in a code location, and ``territory_design`` must keep planning
the ``proposed`` scenario on every weekly run, so the job is made of ops that report
``AssetMaterialization`` events for those keys rather than assets of its own: the catalog then shows
which run last wrote the plan tables and which scenario it stored, and the main job is unchanged.
The plan's verdicts travel in the materialization's metadata, not as check evaluations: the
``territory_plan_summary`` checks judge the plan the main run publishes, and a what-if that misses
its band must not turn them red.

A scenario to publish that is already stored with the same settings, on planner inputs no run has
rebuilt since, is published as stored rather than planned again (``stored.py``): what was reviewed
is what the CRM gets. Publishing is a second op, run only when the config asks for it, and refused (the run fails with
the failed checks' text) when the plan breaks a blocking rule (``review.py``). It points
``territory.plan_published`` at the scenario, rebuilds the dbt models that read it through the
project's dbt resource, so their materializations and tests are recorded like the main run's, and
replaces the serving copy.
"""

import typing
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from pydantic import Field

from models_ml.territory import PlanningError
from orchestration.assets.publish import PUBLISHED
from orchestration.assets.table_metadata import table_metadata
from orchestration.assets.territories import PLAN_KEYS
from orchestration.planning.crm_refresh import refresh_crm_updates
from orchestration.planning.scenarios import ScenarioResult, publish_scenario, run_scenario
from orchestration.planning.stored import planned_from, settings_record, stored_plan, verdicts_record
from orchestration.publishing import publish_marts
from orchestration.resources import TerrainPaths, connect_warehouse
from orchestration.settings import SettingsError, TerritoryPlanSettings, load_settings

SCENARIO_JOB = "territory_scenario"
PLAN_OP = "plan_scenario"
PUBLISH_OP = "publish_scenario_plan"
PLAN_TYPES = typing.get_type_hints(TerritoryPlanSettings, include_extras=True)


def _from_file(name: str, description: str):
    """A field whose default is read from terrain.yaml when the run starts, so a launch never plans
    on values the file held when the code location was loaded."""
    return Field(default_factory=lambda: getattr(load_settings().territory_plan, name),
                 description=f"{description} Default: territory_plan.{name} in terrain.yaml.")


class ScenarioConfig(dg.Config):
    """One what-if scenario: a name and the plan settings that differ from terrain.yaml's.

    The fields take their types and bounds from the settings schema (``TerritoryPlanSettings``), so a
    scenario is held to the rules of the file, and the launchpad offers the same choices.
    """

    scenario_id: str = Field(min_length=1, description="Name the scenario's rows are stored under, beside `proposed`.")
    tolerance: PLAN_TYPES["tolerance"] = _from_file("tolerance", "Allowed deviation from the group mean, e.g. 0.05.")
    workload_tolerance: PLAN_TYPES["workload_tolerance"] = _from_file(
        "workload_tolerance", "Band on each territory's workload beside the balance metric; null for none.")
    disruption_weight: PLAN_TYPES["disruption_weight"] = _from_file("disruption_weight", "Price of moving an account.")
    balance_metric: PLAN_TYPES["balance_metric"] = _from_file("balance_metric", "What territories are balanced on.")
    territories_per_segment: PLAN_TYPES["territories_per_segment"] = Field(
        default_factory=dict, description="Territories for a segment, over terrain.yaml's counts, e.g. {SMB: 12}. "
                                          "Segments are your territories' own.")
    locks: list[str] = Field(default_factory=list,
                             description="CRM account ids kept in today's territory, added to terrain.yaml's locks.")
    publish: bool = Field(default=False, description="Make this plan the published one (CRM file and serving copy) "
                                                     "when it passes every blocking check.")


def plan_segments(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The segments the customer's territories carry, the only names a scenario may resize."""
    return {row[0] for row in con.execute(
        "select distinct segment from intermediate.int_territory_kinds where segment is not null").fetchall()}


def check_segments(requested: Collection[str], segments: Collection[str], key: str) -> None:
    """A count for a segment no territory carries is a typo, not a new segment: say so, naming ``key``."""
    unknown = sorted(set(requested) - set(segments))
    if unknown:
        raise SettingsError(f"{key}: unknown segment(s) {', '.join(unknown)} "
                            f"(your territories' segments: {', '.join(sorted(segments))})")


def scenario_settings(config: ScenarioConfig, base: TerritoryPlanSettings) -> TerritoryPlanSettings:
    """terrain.yaml's plan settings with the scenario's on top; its counts and locks add to the file's."""
    return replace(base, tolerance=config.tolerance, workload_tolerance=config.workload_tolerance,
                   disruption_weight=config.disruption_weight, balance_metric=config.balance_metric,
                   territories_per_segment={**base.territories_per_segment, **config.territories_per_segment},
                   locks=tuple(dict.fromkeys((*base.locks, *config.locks))))


def missing_warehouse(path: Path) -> str | None:
    return None if path.exists() else f"no warehouse at {path}; run `terrain run` first"


def failed_checks(result: ScenarioResult) -> str:
    return "; ".join(f"{v.name}: {v.text}" for v in result.verdicts if v.blocking and not v.passed)


def plan_table_metadata(con: duckdb.DuckDBPyConnection) -> dict[dg.AssetKey, dict[str, dg.MetadataValue]]:
    """Row count and column schema of each ``marts.territory_plan*`` table, as the main run's
    ``territory_design`` records them, so a scenario's materialization shows the table it left."""
    return {key: table_metadata(con, ".".join(key.path)) for name, key in PLAN_KEYS.items()
            if name.startswith("territory_plan")}


def _plan_metadata(result: ScenarioResult, settings: TerritoryPlanSettings,
                   inputs: dict[str, int | None]) -> dict[dg.AssetKey, dict]:
    proposed = result.metrics[result.metrics["alignment"] == "proposed"]
    scenario = {"scenario_id": result.scenario_id}
    return {
        PLAN_KEYS["territory_plan"]: {
            **scenario, "accounts": result.accounts, "moved": result.moved, "book_accounts": result.book_accounts,
            "book_accounts_moved": result.book_moved,
            "charts": dg.MetadataValue.json([str(path) for path in result.charts])},
        PLAN_KEYS["territory_plan_summary"]: {
            **scenario, "publishable": result.publishable, "failed_blocking_checks": failed_checks(result) or "none",
            "max_abs_deviation_pct": float(proposed["max_abs_deviation_pct"].max()),
            "verdicts": dg.MetadataValue.json(verdicts_record(result.verdicts)),
            "plan_settings": dg.MetadataValue.json(settings_record(settings)),
            "planned_from": dg.MetadataValue.json(inputs),
            "settings": dg.MetadataValue.json({
                "tolerance": settings.tolerance, "workload_tolerance": settings.workload_tolerance,
                "disruption_weight": settings.disruption_weight, "balance_metric": settings.balance_metric,
                "territories_per_segment": dict(settings.territories_per_segment), "locks": list(settings.locks)})},
        PLAN_KEYS["territory_plan_metrics"]: {
            **scenario, "metrics": dg.MetadataValue.md(result.metrics.to_markdown(index=False))},
    }


@dg.op(name=PLAN_OP, out={"plan": dg.Out(description="The stored scenario: counts, metrics, charts and verdicts."),
                          "publication": dg.Out(is_required=False, description="The same plan, when publishing was asked for.")},
       description="Plan the scenario on the latest scored data and store it beside the others.")
def plan_scenario(context: dg.OpExecutionContext, config: ScenarioConfig, paths: TerrainPaths):
    missing = missing_warehouse(paths.warehouse_path)
    if missing:
        raise dg.Failure(description=missing)
    con = connect_warehouse(paths.warehouse_path)
    try:
        check_segments(config.territories_per_segment, plan_segments(con), "territories_per_segment")
        settings = scenario_settings(config, load_settings().territory_plan)
        stored = stored_plan(context.instance, con, config.scenario_id, settings) if config.publish else None
        if stored is None:
            inputs = planned_from(context.instance)
            result = run_scenario(con, config.scenario_id, settings, paths.outputs_dir / "territory_plans")
            tables = plan_table_metadata(con)
    except SettingsError as error:
        raise dg.Failure(description=str(error)) from error
    except PlanningError as error:
        raise dg.Failure(description=f"scenario {config.scenario_id!r} has no acceptable plan: {error}") from error
    finally:
        con.close()
    if stored is not None:
        context.log.info(f"Scenario {config.scenario_id!r} was planned with these settings on the same accounts, "
                         f"territories and reps in run {stored.run_id}: that stored plan is the one published.")
        yield dg.Output(replace(stored.result, planned_in_run=stored.run_id), "plan")
        yield dg.Output(stored.result, "publication")
        return
    for key, metadata in _plan_metadata(result, settings, inputs).items():
        yield dg.AssetMaterialization(asset_key=key, description=f"scenario {config.scenario_id}",
                                      metadata={**tables[key], **metadata})
    yield dg.Output(result, "plan")
    if config.publish:
        yield dg.Output(result, "publication")
    elif not result.publishable:
        context.log.warning(f"Scenario {config.scenario_id!r} fails a blocking check: {failed_checks(result)}")


@dg.op(name=PUBLISH_OP, out=dg.Out(dg.Nothing),
       description="Publish the scenario when it passes every blocking check: territory.plan_published, the dbt "
                   "models that read it (the CRM write-back) and the serving copy.")
def publish_scenario_plan(context: dg.OpExecutionContext, publication: ScenarioResult, paths: TerrainPaths,
                          dbt: DbtCliResource):
    scenario_id = publication.scenario_id
    if not publication.publishable:
        raise dg.Failure(description=f"scenario {scenario_id!r} fails a blocking check and was not published; the "
                                     f"published plan is unchanged ({failed_checks(publication)})")
    published_key = PLAN_KEYS["plan_published"]
    con = connect_warehouse(paths.warehouse_path)
    try:
        accounts = publish_scenario(con, scenario_id)
        table = table_metadata(con, ".".join(published_key.path))
    finally:
        con.close()
    yield dg.AssetMaterialization(asset_key=published_key, description=f"scenario {scenario_id}",
                                  metadata={**table, "scenario_id": scenario_id, "accounts": accounts})
    yield from refresh_crm_updates(context, dbt)
    published = publish_marts(paths.warehouse_path, paths.serving_dir)
    yield dg.AssetMaterialization(asset_key=PUBLISHED, description=f"published with scenario {scenario_id}", metadata={
        "scenario_id": scenario_id, "serving_db": dg.MetadataValue.path(str(published.serving_db)),
        "crm_file": dg.MetadataValue.path(str(published.crm_file)) if published.crm_file else "not produced",
        "crm_rows": published.crm_rows if published.crm_rows is not None else "not produced"})


@dg.job(name=SCENARIO_JOB, description="A what-if territory plan from run config, stored beside `proposed` and "
                                       "published on request; `terrain plan` launches it.")
def territory_scenario():
    _, publication = plan_scenario()
    publish_scenario_plan(publication)
