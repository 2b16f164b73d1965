"""``terrain plan``: a what-if scenario on the latest scored data, published only on request."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


from models_ml.territory import PlanningError
from orchestration.planning.scenarios import run_scenario, settings_with_overrides
from orchestration.resources import connect_warehouse, warehouse_path_for
from orchestration.settings import SettingsError, load_settings


def _territory_counts(values: list[str]) -> dict[str, int]:
    counts = {}
    for value in values:
        segment, _, count = value.partition("=")
        if not segment or not count.isdigit() or int(count) < 1:
            raise SettingsError(f"--territories {value!r}: expected SEGMENT=N with N >= 1")
        counts[segment] = int(count)
    return counts


def run_plan_command(args: argparse.Namespace, data_dir: Path) -> int:
    warehouse = warehouse_path_for(data_dir)
    if not warehouse.exists():
        print(f"terrain plan: no warehouse at {warehouse}; run `terrain run` first", file=sys.stderr)
        return 2
    try:
        base = load_settings()
        counts = _territory_counts(args.territories)
        settings = settings_with_overrides(base.territory_plan, tolerance=args.tolerance,
                                           workload_tolerance=args.workload_tolerance,
                                           disruption_weight=args.disruption_weight,
                                           balance_metric=args.balance_metric, territories=counts, locks=args.lock)
    except SettingsError as error:
        print(f"terrain plan: {error}", file=sys.stderr)
        return 2
    con = connect_warehouse(warehouse)
    try:
        known = {row[0] for row in con.execute(
            "select distinct segment from intermediate.int_territory_kinds where segment is not null").fetchall()}
        unknown = set(counts) - known
        if unknown:
            print(f"terrain plan: --territories: unknown segment(s) {', '.join(sorted(unknown))} "
                  f"(your territories' segments: {', '.join(sorted(known))})", file=sys.stderr)
            return 2
        result = run_scenario(con, args.scenario, settings, data_dir / "outputs" / "territory_plans",
                              publish=args.publish)
    except PlanningError as error:
        print(f"terrain plan: scenario {args.scenario!r} has no acceptable plan: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    columns = ["alignment", "segment", "max_abs_deviation_pct", "max_abs_workload_deviation_pct", "cv", "gini", "share_accounts_moved",
               "share_book_accounts_moved", "share_load_moved", "min_share_load_moved", "all_contiguous"]
    print(f"Scenario {args.scenario}: {result.book_moved} of the {result.book_accounts} accounts in reps' books "
          f"change territory ({result.book_moved / max(result.book_accounts, 1):.1%}); "
          f"{result.moved} of all {result.accounts} companies placed, whitespace and unassigned included "
          f"({result.moved / max(result.accounts, 1):.1%})")
    print(result.metrics[[c for c in columns if c in result.metrics.columns]].to_string(index=False))
    print(f"Charts: {', '.join(str(p) for p in result.charts)}")
    failed = [v for v in result.verdicts if v.blocking and not v.passed]
    for verdict in failed:
        print(f"Check failed: {verdict.name}: {verdict.text}")
    if args.publish and failed:
        print(f"terrain plan: scenario {args.scenario!r} fails a blocking check and was not published; "
              "the published plan is unchanged.", file=sys.stderr)
        return 1
    if args.publish:
        from orchestration.publishing import publish_marts
        from orchestration.planning.crm_refresh import refresh_crm_updates

        refresh_crm_updates()
        publish_marts(warehouse, data_dir / "serving")
        print(f"Published scenario {args.scenario}: Proposed_Territory__c in {data_dir / 'serving/crm/account_updates.csv'}")
    else:
        print("Not published (add --publish to send this plan to the CRM file).")
    return 0
