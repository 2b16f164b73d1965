"""The territory plan's checks: which rules block publication, which only warn, and why."""

import dagster as dg
import pandas as pd

from orchestration.assets.territories import plan_check_results
from orchestration.planning.review import failed_plan_verdicts, pinned_verdict, plan_verdicts, publishable


def metrics(deviation, workload, contiguous, relaxed_to=None):
    return pd.DataFrame({"segment": ["SMB", "Enterprise"], "plan_group": ["SMB", "Enterprise / named T9"],
                         "max_abs_deviation_pct": [deviation, 1.0], "max_abs_workload_deviation_pct": [workload, 2.0],
                         "all_contiguous": pd.array([contiguous, pd.NA], dtype="boolean"),
                         "tolerance_used": [relaxed_to or 0.05, 0.05], "tolerance_relaxed": [relaxed_to is not None, False]})


def summary(overflow=(0, 0)):
    return pd.DataFrame({"territory_id": ["T1", "T2"], "owner_user_id": ["U1", None], "capacity_overflow": list(overflow)})


def assignments(**changes):
    frame = pd.DataFrame({"account_key": ["A", "B", "C"], "current_territory_id": ["T1", "T2", "UNASSIGNED"],
                          "proposed_territory_id": ["T1", "T9", "UNASSIGNED"]})
    for key, territory in changes.items():
        frame.loc[frame["account_key"] == key, "proposed_territory_id"] = territory
    return frame


ACCOUNTS = pd.DataFrame({"account_key": ["A", "B", "C"], "locked": [True, False, False],
                         "named_territory_id": [None, "T9", None], "country": ["US", "US", "DE"]})


def outcomes(verdicts):
    return {r.check_name: (r.passed, r.severity) for r in plan_check_results(verdicts)}


def test_a_good_plan_passes_every_check_and_may_be_published():
    verdicts = plan_verdicts(metrics(4.99, 9.5, True), summary(), assignments(), ACCOUNTS, 0.05, 0.10)
    assert all(v.passed for v in verdicts) and publishable(verdicts)
    assert set(outcomes(verdicts)) == {"plan_produced", "within_balance_tolerance", "geographic_territories_contiguous",
                                       "pinned_accounts_kept", "workload_within_band", "tolerance_as_configured",
                                       "reps_within_capacity", "solver_finished"}


def test_balance_and_contiguity_block_publication_workload_only_warns():
    verdicts = plan_verdicts(metrics(5.2, 12.0, False), summary(), assignments(), ACCOUNTS, 0.05, 0.10)
    results = outcomes(verdicts)
    assert results["within_balance_tolerance"] == (False, dg.AssetCheckSeverity.ERROR)
    assert results["geographic_territories_contiguous"] == (False, dg.AssetCheckSeverity.ERROR)
    assert results["workload_within_band"] == (False, dg.AssetCheckSeverity.WARN)
    assert not publishable(verdicts)
    assert publishable(plan_verdicts(metrics(4.0, 12.0, True), summary(), assignments(), ACCOUNTS, 0.05, 0.10))


def test_a_relaxed_group_is_judged_on_its_best_achievable_band_and_warns():
    verdicts = plan_verdicts(metrics(31.0, 5.0, True, relaxed_to=0.32), summary(), assignments(), ACCOUNTS, 0.05, 0.10)
    results = outcomes(verdicts)
    assert results["within_balance_tolerance"][0]
    assert results["tolerance_as_configured"] == (False, dg.AssetCheckSeverity.WARN)
    assert "SMB: best achievable ±32.0%" in next(v.text for v in verdicts if v.name == "tolerance_as_configured")


def test_overflow_names_the_rep_and_only_warns():
    verdicts = plan_verdicts(metrics(1.0, 1.0, True), summary((12, 0)), assignments(), ACCOUNTS, 0.05, None)
    capacity = next(v for v in verdicts if v.name == "reps_within_capacity")
    assert not capacity.passed and "T1 (U1) +12" in capacity.text and capacity.figures["accounts_over_capacity"] == 12
    assert publishable(verdicts)


def test_moving_a_locked_named_or_uncovered_foreign_account_blocks():
    assert pinned_verdict(assignments(), ACCOUNTS).passed
    assert pinned_verdict(assignments(A="T2"), ACCOUNTS).figures["locked_moved"] == 1
    assert pinned_verdict(assignments(B="T1"), ACCOUNTS).figures["named_moved"] == 1
    placed = pinned_verdict(assignments(C="T1"), ACCOUNTS)
    assert not placed.passed and placed.figures["uncovered_abroad_placed"] == 1


def test_a_plan_that_could_not_be_made_fails_the_blocking_checks_with_the_reason():
    verdicts = failed_plan_verdicts("PlanningError: no plan for SMB")
    results = outcomes(verdicts)
    assert results["plan_produced"] == (False, dg.AssetCheckSeverity.ERROR)
    assert not publishable(verdicts)
    assert verdicts[0].text == "PlanningError: no plan for SMB"


def test_a_solve_that_ran_out_of_time_warns_and_names_the_group():
    late = metrics(1.0, 1.0, True).assign(solve_status=["fallback", "optimal"])
    verdict = next(v for v in plan_verdicts(late, summary(), assignments(), ACCOUNTS, 0.05, None) if v.name == "solver_finished")
    assert not verdict.passed and verdict.text == "SMB: fallback" and not verdict.blocking
