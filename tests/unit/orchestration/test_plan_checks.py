"""The territory plan's asset checks: what passes, what warns and what fails, and why."""

import dagster as dg
import pandas as pd

from orchestration.assets.territories import plan_check_results


def metrics(deviation, workload, contiguous):
    return pd.DataFrame({"segment": ["SMB", "Enterprise"], "max_abs_deviation_pct": [deviation, 1.0],
                         "max_abs_workload_deviation_pct": [workload, 2.0],
                         "all_contiguous": pd.array([contiguous, pd.NA], dtype="boolean")})


def outcomes(results):
    return {r.check_name: (r.passed, r.severity) for r in results}


def test_a_plan_inside_both_bands_and_connected_passes_every_check():
    results = outcomes(plan_check_results(metrics(4.99, 9.5, True), 0.05, 0.10))
    assert all(passed for passed, _ in results.values())
    assert set(results) == {"within_balance_tolerance", "geographic_territories_contiguous", "workload_within_band"}


def test_each_broken_rule_fails_its_own_check_at_its_severity():
    results = outcomes(plan_check_results(metrics(5.2, 12.0, False), 0.05, 0.10))
    assert results["within_balance_tolerance"] == (False, dg.AssetCheckSeverity.ERROR)
    assert results["geographic_territories_contiguous"] == (False, dg.AssetCheckSeverity.WARN)
    assert results["workload_within_band"] == (False, dg.AssetCheckSeverity.WARN)


def test_no_workload_band_means_nothing_to_warn_about():
    assert outcomes(plan_check_results(metrics(1.0, 40.0, True), 0.05, None))["workload_within_band"][0]
