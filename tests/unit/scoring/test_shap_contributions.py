"""SHAP contributions computed in chunks on several threads equal LightGBM's one call, row for row."""

import lightgbm as lgb
import numpy as np
import pandas as pd

from models_ml.scoring import explain


def test_chunks_on_threads_give_the_one_call_contributions(monkeypatch):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(1_050, 6)), columns=[f"x{i}" for i in range(6)])
    frame.iloc[::7, 2] = np.nan
    label = (frame["x0"] + frame["x1"].fillna(0) * frame["x3"] + rng.normal(size=len(frame)) > 0).astype(int)
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 15}, lgb.Dataset(frame, label),
                        num_boost_round=30)
    monkeypatch.setattr(explain, "SHAP_CHUNK_ROWS", 100)
    whole = booster.predict(frame, pred_contrib=True)
    chunked = explain.shap_contributions(booster, frame, workers=3)
    assert chunked.shape == whole.shape == (1_050, 7)
    assert np.array_equal(chunked, whole)
    assert np.array_equal(explain.shap_contributions(booster, frame.iloc[::-1], workers=2), whole[::-1])
    monkeypatch.setattr(explain, "SHAP_CHUNK_ROWS", 20_000)
    monkeypatch.setattr(explain, "SHAP_MIN_CHUNK_ROWS", 100)
    calls = []
    original = booster.predict
    monkeypatch.setattr(booster, "predict", lambda rows, **kw: calls.append(len(rows)) or original(rows, **kw))
    assert np.array_equal(explain.shap_contributions(booster, frame, workers=2), whole)
    assert calls == [525, 525]  # fewer rows than a chunk still go to both workers, half each
