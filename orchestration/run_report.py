"""The short summary ``terrain run`` prints at the end: what succeeded, what failed, where outputs are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.resources import warehouse_path_for

COMPANIES = "intermediate.int_companies_unified"
READS = (COMPANIES,)


def _failed_steps(result: dg.ExecuteInProcessResult) -> list[str]:
    return [event.step_key or "?" for event in result.all_events
            if event.event_type == dg.DagsterEventType.STEP_FAILURE]


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[tuple[str, str, str]]:
    """(check, severity, description) of every check that did not pass."""
    failed = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                severity = getattr(evaluation.severity, "value", str(evaluation.severity))
                description = evaluation.description or ""
                failed.append((f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}", severity, description))
    return failed


def segment_disagreements(warehouse: Path) -> tuple[int, int] | None:
    """(companies whose employee band disagrees with their territory's Segment, companies placed
    by a segmented territory): the customer's segments win, and the count says how far our
    default bands are from them. None when the warehouse has no companies yet."""
    if not warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("select count(*) filter (where band_disagrees_with_territory), "
                          "count(*) filter (where segment_source = 'territory') "
                          f"from {COMPANIES}").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return int(row[0]), int(row[1])


def print_summary(result: dg.ExecuteInProcessResult, data_dir: Path, elapsed: float) -> int:
    """Print the outcome and output paths; the exit code is 0 only when the run succeeded."""
    failed_steps = _failed_steps(result)
    failed_checks = _failed_checks(result)
    blocking = [check for check in failed_checks if check[1] == "ERROR"]
    materialized = len(result.get_asset_materialization_events())
    status = "succeeded" if result.success and not failed_steps and not blocking else "FAILED"
    print()
    print(f"Terrain run {status} in {elapsed:.0f}s: {materialized} assets materialized")
    if failed_steps:
        print("Failed steps: " + ", ".join(sorted(set(failed_steps))))
    if failed_checks:
        print("Failed checks: " + ", ".join(f"{name} ({severity})" for name, severity, _ in failed_checks))
    if any(name.startswith("marts/territory_plan_summary:") for name, _, _ in blocking):
        print("Territory plan NOT published: the previous plan stays in the serving copy and the CRM file. Why:")
        for name, _, description in blocking:
            if name.startswith("marts/territory_plan_summary:"):
                print(f"  {name.split(':', 1)[1]}: {description}")
    disagreements = segment_disagreements(warehouse_path_for(data_dir))
    if disagreements and disagreements[0]:
        print(f"Segments: {disagreements[0]} of {disagreements[1]} companies placed by a segmented territory have an "
              "employee band (terrain.yaml segments) that disagrees; the territory's Segment wins.")
    print(f"  warehouse     {warehouse_path_for(data_dir)}")
    print(f"  serving copy  {data_dir / 'serving' / 'terrain.duckdb'}")
    print(f"  parquet       {data_dir / 'serving' / 'parquet'}")
    print(f"  CRM file      {data_dir / 'serving' / 'crm' / 'account_updates.csv'}")
    print(f"  quarantine    {data_dir / 'quarantine'} and raw.quarantine")
    print("  UI            terrain ui  (then open http://127.0.0.1:3000)")
    return 0 if status == "succeeded" else 1
