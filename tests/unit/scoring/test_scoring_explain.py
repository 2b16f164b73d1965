import re

import pandas as pd
import pytest

from models_ml.scoring.explain import factor_of, fit_reasons, top_reasons
from models_ml.scoring.features import build_snapshot, feature_spec
from models_ml.scoring.fit import train_fit_model
from models_ml.scoring.registry import ModelRegistry, load_readiness

REASON = re.compile(r"^[+-] \S.*$")


@pytest.fixture(scope="module")
def model_and_snapshot(scoring_output, registry_dir, inputs, as_of):
    model, _ = load_readiness(ModelRegistry(registry_dir))
    return model, build_snapshot(as_of, inputs, model.spec, use_crm_customer_flag=True)


def test_reasons_are_three_signed_phrases_for_tiers_a_and_b(scoring_output):
    table = scoring_output.account_priority
    explained = table[table["priority_tier"].isin(["A", "B"])]
    assert explained["top_reasons"].notna().all()
    assert table.loc[table["priority_tier"].isin(["C", "D"]), "top_reasons"].isna().all()
    for text in explained["top_reasons"]:
        parts = text.split(" | ")
        assert len(parts) == 3 and len(set(parts)) == 3
        assert all(REASON.match(p) for p in parts), text


def test_reasons_name_the_signals_that_drive_the_score(model_and_snapshot):
    model, snapshot = model_and_snapshot
    surging = snapshot[snapshot["intent_weeks_surging_4"] >= 3].head(30)
    reasons = top_reasons(model, surging)
    assert reasons.str.contains(r"\+ Surging on (?:crm|sales ai) topics for \d weeks").mean() > 0.5
    idle = snapshot[snapshot["eng_days_since_last_activity"].isna() | (snapshot["eng_days_since_last_activity"] > 120)]
    idle = idle[idle["intent_weeks_surging_8"] == 0].head(30)
    assert top_reasons(model, idle).str.contains(r"- No engagement in 90 days|- No intent surge in 8 weeks").mean() > 0.5


def test_reasons_sign_matches_the_contribution(model_and_snapshot):
    model, snapshot = model_and_snapshot
    rows = snapshot.head(50)
    margin = model.margin(rows)
    reasons = top_reasons(model, rows)
    low = reasons[margin < pd.Series(margin).quantile(0.1)]
    assert low.str.count(r"(^|\| )- ").mean() >= 1


def test_related_columns_form_one_factor():
    assert factor_of("intent_g2_momentum") == factor_of("intent_weeks_surging_4") == "intent"
    assert factor_of("eng_form_fill_decayed") == factor_of("eng_days_since_last_activity") == "engagement"
    assert factor_of("tech_crm_x") == "tech_crm_x"
    assert factor_of("tech_count") == "stack"


@pytest.fixture(scope="module")
def fit_and_snapshot(inputs, as_of):
    spec = feature_spec(inputs, as_of)
    snapshot = build_snapshot(as_of, inputs, spec, use_crm_customer_flag=True)
    return spec, snapshot, train_fit_model(snapshot, snapshot["is_customer"] > 0, spec, num_rounds=80)


def test_fit_reasons_are_three_signed_phrases_beside_top_reasons(scoring_output):
    table = scoring_output.account_priority
    explained = table["top_reasons"].notna()
    assert explained.any() and table.loc[explained, "fit_reasons"].notna().all()
    assert table.loc[~explained, "fit_reasons"].isna().all()
    for text in table.loc[explained, "fit_reasons"]:
        parts = text.split(" | ")
        assert len(parts) == 3 and len(set(parts)) == 3
        assert all(REASON.match(p) for p in parts), text
    behaviour = r"Surging|Intent|engage|lead score|Existing customer|Not yet a customer|Lost a deal"
    assert not table.loc[explained, "fit_reasons"].str.contains(behaviour).any()


def test_fit_reasons_name_what_makes_a_company_look_like_the_customers(fit_and_snapshot):
    spec, snapshot, fit = fit_and_snapshot
    prospects = snapshot[snapshot["is_customer"] == 0]
    crm_x = prospects[prospects["tech_crm_x"] > 0].head(40)
    assert fit_reasons(fit, spec, crm_x).str.contains(r"\+ Uses CRM-X", regex=True).mean() > 0.5
    small = prospects[prospects["log_employees"] < 3].head(40)
    assert fit_reasons(fit, spec, small).str.contains(r"- Size \(\d+ employees\) unlike existing customers").mean() > 0.5


def test_fit_reason_signs_follow_the_fit_score(fit_and_snapshot):
    spec, snapshot, fit = fit_and_snapshot
    ranked = fit.scores["fit_score"].sort_values()
    low = fit_reasons(fit, spec, snapshot.loc[ranked.index[:40]])
    high = fit_reasons(fit, spec, snapshot.loc[ranked.index[-40:]])
    assert low.str.count(r"(^|\| )- ").mean() >= 2
    assert high.str.count(r"(^|\| )\+ ").mean() >= 2
