"""The pipeline measured against the sample world's ground truth (``_truth/``), which it never reads."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

pytestmark = pytest.mark.quality


def _query(run, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _truth(run, name: str) -> pd.DataFrame:
    return pd.read_csv(run.truth / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def run(pipeline_run):
    assert pipeline_run.returncode == 0, pipeline_run.output[-3000:]
    return pipeline_run


def test_entity_resolution_precision_and_recall(run):
    truth = _truth(run, "matches.csv")
    true_pairs = set(zip(truth.Company_Id, truth.CRM_Id))
    found = _query(run, "select vendor_company_id, crm_account_id from marts.entity_matches "
                        "where vendor_company_id is not null and crm_account_id is not null")
    found_pairs = set(zip(found.vendor_company_id, found.crm_account_id))
    hits = len(true_pairs & found_pairs)
    precision = hits / max(len(found_pairs), 1)
    recall = hits / max(len(true_pairs), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    assert precision >= 0.98, (precision, recall)
    assert f1 >= 0.97, (precision, recall)


def test_current_territories_follow_the_rules(run):
    truth = _truth(run, "territory_assignment.csv")
    scored = _query(run, "select crm_account_id, vendor_company_id, territory_id from marts.account_priority")
    by_crm = scored.dropna(subset=["crm_account_id"]).merge(
        truth[truth.CRM_Id != ""], left_on="crm_account_id", right_on="CRM_Id")
    by_vendor = scored[scored.crm_account_id.isna()].merge(
        truth[truth.CRM_Id == ""], left_on="vendor_company_id", right_on="Company_Id")
    compared = pd.concat([by_crm, by_vendor])
    assert len(compared) >= 0.9 * len(scored)
    accuracy = (compared.territory_id == compared.Territory_Id).mean()
    assert accuracy >= 0.98, accuracy


def _readiness_against_outcomes(run) -> tuple[float, float]:
    """(AUC of the published readiness against what happened after ``as_of``, the oracle's AUC)."""
    outcomes = _truth(run, "outcomes.csv")
    propensity = _truth(run, "propensity.csv")
    scored = _query(run, "select vendor_company_id, readiness_probability from marts.account_priority "
                         "where vendor_company_id is not null")
    joined = outcomes.merge(propensity[["Company_Id", "propensity"]], on="Company_Id").merge(
        scored, left_on="Company_Id", right_on="vendor_company_id")
    assert len(joined) >= 0.9 * len(outcomes[outcomes.Company_Id != ""])
    label = joined.New_Opportunity.astype(int)
    return roc_auc_score(label, joined.readiness_probability), roc_auc_score(label, joined.propensity.astype(float))


def _active_readiness(run) -> pd.Series:
    performance = _query(run, "select auc, backtest_auc, auc_protocol, baseline_auc_intent_only, "
                              "baseline_auc_map_only from marts.model_performance "
                              "where model_name = 'readiness' and is_active")
    assert len(performance) == 1
    return performance.iloc[0]


def test_readiness_close_to_the_oracle_and_above_baselines(run):
    """The published scores rank what happened after ``as_of`` nearly as well as the generator's own
    propensity, and better than either signal a team would otherwise use."""
    model_auc, oracle_auc = _readiness_against_outcomes(run)
    assert model_auc >= 0.90 * oracle_auc, (model_auc, oracle_auc)
    published = _active_readiness(run)
    assert published.auc >= published.baseline_auc_intent_only + 0.03
    assert published.auc >= published.baseline_auc_map_only + 0.03


def test_published_auc_is_within_three_points_of_what_happened(run):
    """The ``auc`` that ``model_performance`` publishes for the active model (the forward
    measurement) is within 0.03 of the AUC realised after ``as_of``: a user can trust the figure."""
    model_auc, _ = _readiness_against_outcomes(run)
    published = _active_readiness(run)
    assert abs(published.auc - model_auc) <= 0.03, (published.auc, published.auc_protocol, model_auc,
                                                     published.backtest_auc)


def test_persona_accuracy(run):
    truth = _truth(run, "personas.csv")
    predicted = _query(run, "select contact_id, persona from marts.contact_priority")
    joined = truth.merge(predicted, left_on="Id", right_on="contact_id")
    assert len(joined) == len(truth)
    assert (joined.persona_x == joined.persona_y).mean() >= 0.90


def test_default_plan_is_balanced_contiguous_and_low_disruption(run):
    """Every group within its band, every map territory in one piece, and disruption near the
    floor: in SMB and Mid-Market, the share of accounts in reps' books that change territory
    stays within 10 points of `min_share_load_moved`, the share of load that balance
    alone forces to move (today's SMB territories run from -80% to +80% of their mean, so a
    fifth of SMB must move whatever the plan). Named, vertical and foreign groups of one
    territory move nothing."""
    summary = _query(run, "select * from marts.territory_plan_summary where scenario_id = 'proposed'")
    books = _query(run, "select p.moved from marts.territory_plan p join marts.account_priority a using (account_key) "
                        "where p.scenario_id = 'proposed' and a.crm_account_id is not null "
                        "and p.current_territory_id <> 'UNASSIGNED'")
    metrics = _query(run, "select * from marts.territory_plan_metrics where scenario_id = 'proposed' and alignment = 'proposed'")
    assert len(summary) > 0 and len(books) > 1000
    assert (metrics.max_abs_deviation_pct <= 100 * metrics.tolerance_used + 1e-6).all()
    assert not metrics.tolerance_relaxed.any()
    assert summary.is_contiguous.fillna(True).all()
    mapped = metrics[metrics.territory_kind.eq("geographic") & (metrics.territories > 1)].set_index("plan_group")
    assert set(mapped.index) >= {"SMB", "Mid-Market", "Enterprise"}
    near_floor = mapped.share_book_accounts_moved - mapped.min_share_load_moved
    assert near_floor["SMB"] <= 0.10 and near_floor["Mid-Market"] <= 0.10, mapped
    # Enterprise: 12 map territories over few, heavy accounts, today up to 105% off the
    # mean; whole counties and contiguity make it move more accounts than load (see BENCHMARKS.md)
    assert near_floor["Enterprise"] <= 0.15, mapped
    assert (mapped.share_load_moved >= mapped.min_share_load_moved - 1e-9).all()
    single = metrics[metrics.territories <= 1]
    assert (single.share_book_accounts_moved == 0).all()
