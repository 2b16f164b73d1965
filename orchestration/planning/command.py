"""``terrain plan``: a what-if scenario on the latest scored data, published only on request.

The command turns its flags into the ``territory_scenario`` job's run config and executes the job
in process on the data root's Dagster instance, as ``terrain run`` does the main job, so the
scenario's run and the tables it wrote are in the UI's catalog. Flags are checked before the run
starts, so a typo exits 2 without leaving a failed run behind. While the job runs, what it prints
(dbt's log) goes to stderr beside Dagster's, so stdout carries the command's own report.
The command runs while ``terrain plan`` holds the data root (``orchestration.automation.data_root_lock``),
so its warehouse checks and its job never meet a ``terrain run`` writing the same warehouse.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from orchestration.planning.job import (
    PLAN_OP,
    PUBLISH_OP,
    SCENARIO_JOB,
    ScenarioConfig,
    check_segments,
    failed_checks,
    missing_warehouse,
    plan_segments,
)
from orchestration.planning.scenarios import ScenarioResult
from orchestration.resources import connect_warehouse, warehouse_path_for
from orchestration.settings import SettingsError, load_settings

FLAGS = {"scenario_id": "--scenario", "tolerance": "--tolerance", "workload_tolerance": "--workload-tolerance",
         "disruption_weight": "--disruption-weight", "balance_metric": "--balance-metric",
         "territories_per_segment": "--territories", "locks": "--lock"}
METRIC_COLUMNS = ["alignment", "segment", "max_abs_deviation_pct", "max_abs_workload_deviation_pct", "cv", "gini",
                  "share_accounts_moved", "share_book_accounts_moved", "share_load_moved", "min_share_load_moved",
                  "all_contiguous"]


def _territory_counts(values: list[str]) -> dict[str, int]:
    counts = {}
    for value in values:
        segment, _, count = value.partition("=")
        if not segment or not count.isdigit() or int(count) < 1:
            raise SettingsError(f"--territories {value!r}: expected SEGMENT=N with N >= 1")
        counts[segment] = int(count)
    return counts


def scenario_config(args: argparse.Namespace) -> ScenarioConfig:
    """The run config the flags ask for; a flag left out takes terrain.yaml's value."""
    given = {"tolerance": args.tolerance, "workload_tolerance": args.workload_tolerance,
             "disruption_weight": args.disruption_weight, "balance_metric": args.balance_metric}
    try:
        return ScenarioConfig(scenario_id=args.scenario, territories_per_segment=_territory_counts(args.territories),
                              locks=list(args.lock), publish=args.publish,
                              **{name: value for name, value in given.items() if value is not None})
    except ValidationError as error:
        first = error.errors()[0]
        field, *within = [str(part) for part in first["loc"]] or ["settings"]
        raise SettingsError(f"{' '.join([FLAGS.get(field, field), *within])}: {first['msg']}") from error


def _failure(result, node: str) -> str | None:
    """What made a step fail: the op's own account for a refused plan, else the error's message."""
    data = result.failure_data_for_node(node)
    if data is None:
        return None
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description
    error = data.error
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def _print_plan(plan: ScenarioResult) -> None:
    if plan.planned_in_run:
        print(f"Scenario {plan.scenario_id} as stored by run {plan.planned_in_run} (same settings, same accounts, "
              "territories and reps): not planned again.")
    print(f"Scenario {plan.scenario_id}: {plan.book_moved} of the {plan.book_accounts} accounts in reps' books "
          f"change territory ({plan.book_moved / max(plan.book_accounts, 1):.1%}); "
          f"{plan.moved} of all {plan.accounts} companies placed, whitespace and unassigned included "
          f"({plan.moved / max(plan.accounts, 1):.1%})")
    print(plan.metrics[[c for c in METRIC_COLUMNS if c in plan.metrics.columns]].to_string(index=False))
    print(f"Charts: {', '.join(str(p) for p in plan.charts)}")
    for verdict in plan.verdicts:
        if verdict.blocking and not verdict.passed:
            print(f"Check failed: {verdict.name}: {verdict.text}")


def run_plan_command(args: argparse.Namespace, data_dir: Path) -> int:
    warehouse = warehouse_path_for(data_dir)
    missing = missing_warehouse(warehouse)
    if missing:
        print(f"terrain plan: {missing}", file=sys.stderr)
        return 2
    try:
        load_settings()
        config = scenario_config(args)
        con = connect_warehouse(warehouse, read_only=True)
        try:
            check_segments(config.territories_per_segment, plan_segments(con), "--territories")
        finally:
            con.close()
    except SettingsError as error:
        print(f"terrain plan: {error}", file=sys.stderr)
        return 2
    import dagster as dg

    from orchestration.automation.instance import fail_abandoned_runs, source_tags
    from orchestration.definitions import defs

    instance = dg.DagsterInstance.get()
    fail_abandoned_runs(instance)
    with contextlib.redirect_stdout(sys.stderr):
        result = defs.get_job_def(SCENARIO_JOB).execute_in_process(
            instance=instance,
            run_config=dg.RunConfig(ops={PLAN_OP: config},
                                    loggers={"console": {"config": {"log_level": args.log_level}}}),
            tags=source_tags("cli"),
            raise_on_error=False,
        )
    refused = _failure(result, PLAN_OP)
    if refused:
        print(f"terrain plan: {refused}", file=sys.stderr)
        return 1
    plan = result.output_for_node(PLAN_OP, "plan")
    _print_plan(plan)
    print(f"Dagster run {result.run_id} of {SCENARIO_JOB} in {os.environ.get('DAGSTER_HOME')}")
    if not config.publish:
        print("Not published (add --publish to send this plan to the CRM file).")
        return 0
    refused = _failure(result, PUBLISH_OP)
    if refused or not result.success:
        print(f"terrain plan: {refused or failed_checks(plan) or 'the publish step did not finish'}", file=sys.stderr)
        return 1
    print(f"Published scenario {plan.scenario_id}: Proposed_Territory__c in {data_dir / 'serving/crm/account_updates.csv'}")
    return 0
