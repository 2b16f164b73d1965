import pytest

from models_ml.scoring.features import build_snapshot, feature_spec
from models_ml.scoring.fit import train_fit_model
from models_ml.scoring.metrics import auc


@pytest.fixture(scope="module")
def fit_result(inputs, as_of):
    spec = feature_spec(inputs, as_of)
    snapshot = build_snapshot(as_of, inputs, spec, use_crm_customer_flag=True)
    return snapshot, train_fit_model(snapshot, snapshot["is_customer"] > 0, spec, num_rounds=80)


def test_fit_ranks_prospects_by_their_hidden_fit(fit_result, world):
    snapshot, result = fit_result
    prospects = snapshot.index[snapshot["is_customer"] == 0]
    latent = world["latent_fit"].reindex(prospects)
    good_fit = (latent > latent.median()).astype(float)
    assert auc(good_fit, result.scores.loc[prospects, "fit_score"]) > 0.65


def test_fit_scores_are_bounded_and_corrected(fit_result):
    snapshot, result = fit_result
    assert result.scores.index.equals(snapshot.index)
    assert result.scores["fit_score"].between(0, 100).all()
    assert result.scores["fit_probability"].between(0, 1).all()
    assert 0 < result.label_frequency < 1
    # Out-of-fold scores still put the labelled customers above the unlabelled market on average.
    customers = snapshot["is_customer"] > 0
    assert result.scores.loc[customers, "fit_probability"].mean() > result.scores.loc[~customers, "fit_probability"].mean()


def test_fit_ignores_behaviour(fit_result):
    _, result = fit_result
    assert not [f for f in result.features if f.startswith(("intent", "eng_", "map_"))]
    assert set(result.booster.feature_name()) == set(result.features)
