from datetime import date, timedelta

import numpy as np
import pytest

from models_ml.scoring.features import feature_spec
from models_ml.scoring.metrics import auc
from models_ml.scoring.readiness import (
    NO_SAMPLING,
    NegativeSampling,
    backtest,
    fit_readiness,
    fitting_and_calibration_rows,
    training_frame,
    training_rows,
)

DATES = [date(2026, 1, 4) + timedelta(days=28 * k) for k in range(7)]
ONE_NEGATIVE_PER_POSITIVE = NegativeSampling(negatives_per_positive=1.0, min_rows=0)


@pytest.fixture(scope="module")
def spec(inputs, as_of):
    return feature_spec(inputs, as_of)


@pytest.fixture(scope="module")
def frame(inputs, spec, horizon_days):
    """Seven monthly snapshots of the synthetic market: 21,000 account-snapshots, about 13% positive."""
    return training_frame(inputs, spec, DATES, horizon_days)


@pytest.fixture(scope="module")
def split(frame):
    """Trees and calibration on the first four snapshots, held-out test on the last, unsampled."""
    snapshot = frame["snapshot_date"].to_numpy()
    train = snapshot <= np.datetime64(DATES[3])
    test = (snapshot == np.datetime64(DATES[-1])) & frame["label"].notna().to_numpy()
    return train, test


def test_sampling_keeps_every_positive_and_draws_negatives_at_the_rate(frame, split):
    train, _ = split
    label = frame["label"].to_numpy()
    full = training_rows(frame, train, NO_SAMPLING)
    sampled = training_rows(frame, train, ONE_NEGATIVE_PER_POSITIVE)

    positives, negatives = (label[full.fitting] == 1).sum(), (label[full.fitting] == 0).sum()
    assert sampled.rate == pytest.approx(positives / negatives)
    for part in ("fitting", "calibration"):
        unsampled, kept = getattr(full, part), getattr(sampled, part)
        assert not (kept & ~unsampled).any()
        assert (label[kept] == 1).sum() == (label[unsampled] == 1).sum()
        assert (label[kept] == 0).sum() == pytest.approx(sampled.rate * (label[unsampled] == 0).sum(), rel=0.1)
    weight = sampled.weight(label[sampled.fitting])
    assert set(weight[label[sampled.fitting] == 1]) == {1.0}
    assert set(weight[label[sampled.fitting] == 0]) == {1.0 / sampled.rate}
    assert weight.sum() == pytest.approx(full.fitting.sum(), rel=0.05)


def test_sampling_is_deterministic(frame, spec, split):
    train, test = split
    first = fitting_and_calibration_rows(frame, train, ONE_NEGATIVE_PER_POSITIVE)
    second = fitting_and_calibration_rows(frame, train, ONE_NEGATIVE_PER_POSITIVE)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    other_seed = fitting_and_calibration_rows(frame, train, NegativeSampling(1.0, min_rows=0, seed=18))
    assert not np.array_equal(first[0], other_seed[0])
    models = [fit_readiness(frame, spec, num_rounds=40, rows=train, sampling=ONE_NEGATIVE_PER_POSITIVE)
              for _ in range(2)]
    np.testing.assert_array_equal(models[0].predict(frame, test), models[1].predict(frame, test))


def test_a_frame_below_the_threshold_trains_exactly_as_without_sampling(frame, spec, split):
    train, test = split
    default = training_rows(frame, train)
    assert len(frame) < NegativeSampling().min_rows and default.rate == 1.0
    assert default.weight(frame["label"].to_numpy()[default.fitting]) is None
    unsampled = training_rows(frame, train, NO_SAMPLING)
    np.testing.assert_array_equal(default.fitting, unsampled.fitting)
    by_default = fit_readiness(frame, spec, num_rounds=40, rows=train)
    without = fit_readiness(frame, spec, num_rounds=40, rows=train, sampling=NO_SAMPLING)
    np.testing.assert_array_equal(by_default.predict(frame, test), without.predict(frame, test))
    assert (by_default.platt_slope, by_default.platt_intercept) == (without.platt_slope, without.platt_intercept)


def test_calibrated_probabilities_stay_on_the_population_scale(frame, spec, split):
    train, test = split
    label = frame["label"].to_numpy()
    sampled = training_rows(frame, train, ONE_NEGATIVE_PER_POSITIVE)
    assert label[sampled.calibration].mean() > 0.4  # a model calibrated on these rows unweighted would say ~50%
    model = fit_readiness(frame, spec, num_rounds=100, rows=train, sampling=ONE_NEGATIVE_PER_POSITIVE)
    base_rate = label[test].mean()
    assert abs(model.predict(frame, test).mean() - base_rate) < 0.02
    # The trees themselves, weighted back, stay near the base rate rather than the sample's 50%.
    trees = 1.0 / (1.0 + np.exp(-model.margin(frame, test)))
    assert trees.mean() < 0.25


def test_sampled_model_ranks_as_well_as_the_full_one(frame, spec, split):
    train, test = split
    label = frame["label"].to_numpy()[test]
    full = fit_readiness(frame, spec, num_rounds=100, rows=train, sampling=NO_SAMPLING)
    sampled = fit_readiness(frame, spec, num_rounds=100, rows=train, sampling=ONE_NEGATIVE_PER_POSITIVE)
    assert auc(label, sampled.predict(frame, test)) > auc(label, full.predict(frame, test)) - 0.02


def test_backtest_measures_a_sampled_model_on_every_held_out_row(frame, spec, horizon_days):
    sampled = backtest(frame, spec, horizon_days, n_origins=1, num_rounds=40, sampling=ONE_NEGATIVE_PER_POSITIVE)
    full = backtest(frame, spec, horizon_days, n_origins=1, num_rounds=40, sampling=NO_SAMPLING)
    origin = frame["snapshot_date"].to_numpy() == np.datetime64(DATES[-1])
    labelled = int(frame.loc[origin, "label"].notna().sum())
    assert sampled[0]["origin"] == full[0]["origin"] == DATES[-1].isoformat()
    assert sampled[0]["rows"] == full[0]["rows"] == labelled
    assert sampled[0]["positive_rate"] == full[0]["positive_rate"]
    assert sampled[0]["train_rows"] == full[0]["train_rows"]
    assert abs(sampled[0]["calibration_error"] - full[0]["calibration_error"]) < 0.03
    assert sampled[0]["brier"] == pytest.approx(full[0]["brier"], rel=0.1)


def test_the_stored_version_says_how_it_was_sampled(scoring_output, registry_dir):
    from models_ml.scoring.registry import READINESS, ModelRegistry

    meta = ModelRegistry(registry_dir).metadata(READINESS, scoring_output.trained_version)
    assert meta["negative_sampling"] == {"negatives_per_positive": 10.0, "min_rows": 500_000, "seed": 17, "rate": 1.0}
    rate = meta["metrics"]["positive_rate"]
    assert meta["metrics"]["brier"] < rate * (1 - rate)  # better than saying the base rate to everyone
