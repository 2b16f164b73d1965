import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.features import feature_columns, feature_spec
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.readiness import fit_readiness, training_frame
from models_ml.scoring.registry import READINESS, ModelRegistry, content_digest, load_readiness, save_readiness


@pytest.fixture(scope="module")
def two_models(inputs, as_of):
    spec = feature_spec(inputs, as_of)
    frame = training_frame(inputs, spec, [date(2026, 4, 5), date(2026, 5, 3), date(2026, 5, 31)], 90)
    return frame, fit_readiness(frame, spec, num_rounds=30), fit_readiness(frame, spec, num_rounds=60)


def test_round_trip_scores_the_same(tmp_path, two_models):
    frame, model, _ = two_models
    registry = ModelRegistry(tmp_path)
    version = save_readiness(registry, model, date(2026, 11, 22), {"metrics": {"auc": 0.7}})
    assert version.startswith("readiness-2026-11-22-") and len(version.split("-")[-1]) == 8
    assert (tmp_path / "models" / READINESS / version / "model.txt").read_text().startswith("tree")
    loaded, meta = load_readiness(registry, version)
    np.testing.assert_allclose(loaded.predict(frame), model.predict(frame))
    assert meta["metrics"]["auc"] == 0.7 and meta["features"] == model.features
    assert save_readiness(registry, model, date(2026, 11, 22), {"metrics": {"auc": 0.7}}) == version
    assert registry.versions(READINESS) == [version]
    assert not list(tmp_path.rglob("*.pkl"))


def test_pin_and_rollback(tmp_path, two_models):
    frame, older, newer = two_models
    registry = ModelRegistry(tmp_path)
    first = save_readiness(registry, older, date(2026, 11, 15), {})
    second = save_readiness(registry, newer, date(2026, 11, 22), {})
    assert registry.versions(READINESS) == [first, second]
    assert registry.active_version(READINESS) == second
    assert registry.rollback(READINESS) == first
    assert registry.pinned(READINESS) == first
    active, _ = load_readiness(registry)
    np.testing.assert_allclose(active.predict(frame.head(100)), older.predict(frame.head(100)))
    with pytest.raises(LookupError):
        registry.rollback(READINESS)
    registry.unpin(READINESS)
    assert registry.active_version(READINESS) == second
    with pytest.raises(KeyError):
        registry.pin(READINESS, "readiness-1999-01-01-00000000")


def _jitter_every_real_number(text: str, relative: float) -> str:
    """The model text with each real number moved by ``relative`` (float noise, nothing else)."""
    rng = np.random.default_rng(3)
    real = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])")
    return real.sub(lambda m: repr(float(m.group()) * (1 + relative * float(rng.choice([-1.0, 1.0])))), text)


def test_content_digest_ignores_float_noise_but_not_a_real_change(two_models):
    """Every real number jittered, split thresholds included: they sit half-way between two rounded
    feature values, exactly where rounding to significant digits would flip on noise."""
    _, model, _ = two_models
    text = model.booster.model_to_string()
    metadata = {"metrics": {"auc": 0.7123456789, "lift": 2.5}, "platt_slope": model.platt_slope}
    noisy_text = _jitter_every_real_number(text, 1e-12)
    noisy_metadata = {"metrics": {"auc": 0.7123456789 * (1 + 1e-12), "lift": 2.5}, "platt_slope": model.platt_slope}
    assert noisy_text != text and "tree_sizes=" in text
    assert content_digest(noisy_text, noisy_metadata) == content_digest(text, metadata)

    leaf = re.search(r"^leaf_value=(\S+)", text, re.MULTILINE)
    changed_leaf = text.replace(leaf.group(0), f"leaf_value={float(leaf.group(1)) * 1.001!r}", 1)
    assert content_digest(changed_leaf, metadata) != content_digest(text, metadata)
    assert content_digest(text, {**metadata, "metrics": {"auc": 0.7124, "lift": 2.5}}) != content_digest(text, metadata)


def _inputs_read_in_another_order(world, as_of: date, seed: int):
    """The same data with every event table in another row order, as a warehouse may return it."""

    def shuffled(frame):
        return frame.sample(frac=1, random_state=seed).reset_index(drop=True)

    history = world["opportunities"]
    known = history[history["created_date"] < pd.Timestamp(as_of) + pd.Timedelta(days=1)]
    return ScoringInputs(companies=world["companies"], technographics=shuffled(world["technographics"]),
                         intent=shuffled(world["intent"]), activities=shuffled(world["activities"]),
                         map_scores=shuffled(world["map_scores"]), opportunities=shuffled(known),
                         competitor_technologies=frozenset({"CRM-Y"}))


def test_features_with_float_noise_give_the_same_version_and_a_real_change_another(tmp_path, world, inputs, as_of):
    spec = feature_spec(inputs, as_of)
    dates = [date(2026, 4, 5), date(2026, 5, 3), date(2026, 5, 31)]
    frame = training_frame(inputs, spec, dates, 90)
    noisy = training_frame(_inputs_read_in_another_order(world, as_of, seed=11), spec, dates, 90)
    features = [c for c in feature_columns(spec) if c != "naics_sector"]
    difference = (frame[features].astype(float) - noisy[features].astype(float)).abs()
    assert list(frame["account_key"]) == list(noisy["account_key"])
    assert (difference > 0).to_numpy().sum() > 50 and np.nanmax(difference.to_numpy()) < 1e-12

    registry = ModelRegistry(tmp_path)
    metadata = {"train_rows": len(frame)}
    model, noisy_model = fit_readiness(frame, spec, num_rounds=30), fit_readiness(noisy, spec, num_rounds=30)
    assert model.booster.model_to_string() == noisy_model.booster.model_to_string()
    version = save_readiness(registry, model, as_of, metadata)
    again = save_readiness(registry, noisy_model, as_of, metadata)
    assert again == version and registry.versions(READINESS) == [version]

    relabelled = frame.copy()
    positives = relabelled.index[relabelled["label"] == 1][:5]
    relabelled.loc[positives, "label"] = 0.0
    changed = save_readiness(registry, fit_readiness(relabelled, spec, num_rounds=30), as_of, metadata)
    assert changed != version and set(registry.versions(READINESS)) == {version, changed}
