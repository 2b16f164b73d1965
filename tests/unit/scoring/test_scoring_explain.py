import re

import pandas as pd
import pytest

from models_ml.scoring.explain import factor_of, top_reasons
from models_ml.scoring.features import build_snapshot
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
