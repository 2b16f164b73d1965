"""Publishing the scenario that was reviewed: a stored plan is published as it is, not planned again.

``terrain plan --scenario X`` stores a what-if for review; ``terrain plan --scenario X --publish``
then sends it to the CRM. When nothing the planner reads has been rebuilt since, and the scenario's
settings are the same, the plan to publish is the stored one: planning again would cost the solve
and, were the planner ever to find another optimum of equal cost, publish a plan nobody reviewed.

Whether the planner's inputs changed is read from the run history: each stored scenario records
the newest materialization of every table the planner reads (``planned_from``), and any later one
(a weekly run rebuilds them) means the scenario is planned again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.assets.territories import PLAN_KEYS
from orchestration.planning.inputs import READS
from orchestration.planning.review import Verdict
from orchestration.planning.scenarios import ScenarioResult
from orchestration.settings import TerritoryPlanSettings

PLANNER_INPUTS = tuple(dg.AssetKey(table.split(".")) for table in READS)


@dataclass(frozen=True)
class StoredPlan:
    result: ScenarioResult
    run_id: str


def planned_from(instance: dg.DagsterInstance) -> dict[str, int | None]:
    """The storage id of the newest materialization of each table the planner reads."""
    versions: dict[str, int | None] = {}
    for key in PLANNER_INPUTS:
        records = instance.fetch_materializations(key, limit=1).records
        versions[key.to_user_string()] = records[0].storage_id if records else None
    return versions


def settings_record(settings: TerritoryPlanSettings) -> dict:
    """Every plan setting as JSON values, so a stored record and a new one compare equal."""
    return json.loads(json.dumps(asdict(settings), sort_keys=True))


def verdicts_record(verdicts) -> dict:
    return json.loads(json.dumps({v.name: {"passed": bool(v.passed), "text": v.text, "figures": v.figures}
                                  for v in verdicts}, default=str))


def _value(metadata, name: str):
    entry = metadata.get(name)
    return None if entry is None else entry.value


def stored_plan(instance: dg.DagsterInstance, con: duckdb.DuckDBPyConnection, scenario_id: str,
                settings: TerritoryPlanSettings) -> StoredPlan | None:
    """The newest stored plan when it is ``scenario_id`` with ``settings`` on today's planner inputs, else None."""
    versions = planned_from(instance)
    if None in versions.values():
        return None
    summary = instance.get_latest_materialization_event(PLAN_KEYS["territory_plan_summary"])
    plan = instance.get_latest_materialization_event(PLAN_KEYS["territory_plan"])
    if summary is None or plan is None or summary.run_id != plan.run_id:
        return None
    summary_meta = summary.asset_materialization.metadata
    plan_meta = plan.asset_materialization.metadata
    if (_value(summary_meta, "scenario_id") != scenario_id
            or _value(summary_meta, "planned_from") != versions
            or _value(summary_meta, "plan_settings") != settings_record(settings)):
        return None
    metrics = con.execute("select * from marts.territory_plan_metrics where scenario_id = ?", [scenario_id]).df()
    stored_rows = con.execute("select count(*) from marts.territory_plan where scenario_id = ?",
                              [scenario_id]).fetchone()[0]
    if metrics.empty or stored_rows != _value(plan_meta, "accounts"):
        return None
    verdicts = tuple(Verdict(name, bool(v["passed"]), v["text"], v.get("figures") or {})
                     for name, v in (_value(summary_meta, "verdicts") or {}).items())
    result = ScenarioResult(scenario_id, int(_value(plan_meta, "accounts")), int(_value(plan_meta, "moved")),
                            metrics, [Path(p) for p in _value(plan_meta, "charts") or []],
                            int(_value(plan_meta, "book_accounts")), int(_value(plan_meta, "book_accounts_moved")),
                            verdicts)
    return StoredPlan(result, summary.run_id)
