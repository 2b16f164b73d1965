"""The short summary ``terrain run`` prints at the end: what succeeded, what failed, where outputs are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.resources import warehouse_path_for


def _failed_steps(result: dg.ExecuteInProcessResult) -> list[str]:
    return [event.step_key or "?" for event in result.all_events
            if event.event_type == dg.DagsterEventType.STEP_FAILURE]


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    failed = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                severity = getattr(evaluation.severity, "value", str(evaluation.severity))
                failed.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name} ({severity})")
    return failed


def print_summary(result: dg.ExecuteInProcessResult, data_dir: Path, elapsed: float) -> int:
    """Print the outcome and output paths; the exit code is 0 only when the run succeeded."""
    failed_steps = _failed_steps(result)
    failed_checks = _failed_checks(result)
    materialized = len(result.get_asset_materialization_events())
    status = "succeeded" if result.success and not failed_steps else "FAILED"
    print()
    print(f"Terrain run {status} in {elapsed:.0f}s: {materialized} assets materialized")
    if failed_steps:
        print("Failed steps: " + ", ".join(sorted(set(failed_steps))))
    if failed_checks:
        print("Failed checks: " + ", ".join(failed_checks))
    print(f"  warehouse     {warehouse_path_for(data_dir)}")
    print(f"  serving copy  {data_dir / 'serving' / 'terrain.duckdb'}")
    print(f"  parquet       {data_dir / 'serving' / 'parquet'}")
    print(f"  CRM file      {data_dir / 'serving' / 'crm' / 'account_updates.csv'}")
    print(f"  quarantine    {data_dir / 'quarantine'} and raw.quarantine")
    print("  UI            terrain ui  (then open http://127.0.0.1:3000)")
    return 0 if status == "succeeded" else 1
