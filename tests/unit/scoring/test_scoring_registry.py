from datetime import date

import numpy as np
import pytest

from models_ml.scoring.features import feature_spec
from models_ml.scoring.readiness import fit_readiness, training_frame
from models_ml.scoring.registry import READINESS, ModelRegistry, load_readiness, save_readiness


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
