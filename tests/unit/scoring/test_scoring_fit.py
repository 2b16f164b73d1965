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


def test_competitor_names_resolve_by_product_or_category_in_any_case(inputs):
    from models_ml.scoring.fit import competitor_technology_names

    techno = inputs.technographics
    assert competitor_technology_names(["crm-y"], techno) == {"CRM-Y"}
    assert competitor_technology_names([" Crm "], techno) == {"CRM-X", "CRM-Y"}
    assert competitor_technology_names([], techno) == competitor_technology_names(["Unknown"], techno) == frozenset()


@pytest.mark.parametrize("named, installed", [(["crm-y"], {"CRM-Y"}), (["CRM"], {"CRM-X", "CRM-Y"})])
def test_competitor_setting_counts_installs_at_the_accounts_that_have_them(inputs, as_of, named, installed):
    """terrain.yaml -> scoring asset -> features: accounts using a named competitor get a non-zero count."""
    from dataclasses import replace

    from orchestration.assets.scoring import with_competitors
    from orchestration.settings import parse_settings

    unnamed = replace(inputs, competitor_technologies=frozenset())
    settings = parse_settings({"icp": {"competitor_technologies": named}})
    steered = with_competitors(unnamed, settings.icp)
    spec = feature_spec(steered, as_of)
    snapshot = build_snapshot(as_of, steered, spec)
    techno = inputs.technographics
    users = set(techno.loc[techno["technology"].isin(installed), "account_key"])
    has_competitor = snapshot.index.isin(users)
    assert has_competitor.sum() > 100
    assert (snapshot.loc[has_competitor, "competitor_installs"] > 0).all()
    assert (snapshot.loc[~has_competitor, "competitor_installs"] == 0).all()
    assert snapshot.loc[has_competitor, "competitor_products"].str.contains("CRM-").all()


def test_without_competitors_fit_still_learns_from_every_technology(inputs, as_of):
    from dataclasses import replace

    from orchestration.assets.scoring import with_competitors
    from orchestration.settings import Settings

    unnamed = with_competitors(replace(inputs, competitor_technologies=frozenset()), Settings().icp)
    spec = feature_spec(unnamed, as_of)
    snapshot = build_snapshot(as_of, unnamed, spec)
    assert spec.competitor_technologies == () and (snapshot["competitor_installs"] == 0).all()
    result = train_fit_model(snapshot, snapshot["is_customer"] > 0, spec, num_rounds=40)
    assert {"tech_crm_x", "tech_crm_y", "techcat_crm"} <= set(result.features)
    importance = dict(zip(result.booster.feature_name(), result.booster.feature_importance("gain")))
    assert importance["tech_crm_x"] > 0
