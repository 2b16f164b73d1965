"""Reasons taken from last run's cache are exactly those a fresh SHAP computation gives."""

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.explain import explain, phrase_book
from models_ml.scoring.features import FeatureSpec, feature_columns
from models_ml.scoring.reason_cache import ReasonCache, read_cache, write_cache

SPEC = FeatureSpec(technologies=("CRM-X",), categories=("CRM",))
FEATURES = feature_columns(SPEC)


def snapshot(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: rng.choice([0.0, 1.0, 2.5, -3.0, 7.0, np.nan], rows) for c in FEATURES})
    frame["intent_top_cluster"] = pd.array(rng.choice(["crm", "sales ai"], rows), dtype="string")
    frame["intent_top_cluster_weeks"] = rng.integers(0, 4, rows)
    return frame.set_index(pd.Index([f"ACC-{i:04d}" for i in range(rows)], name="account_key"))


def booster(frame: pd.DataFrame, seed: int) -> lgb.Booster:
    rng = np.random.default_rng(seed)
    signal = np.nan_to_num(frame["intent_momentum"].to_numpy()) + np.nan_to_num(frame["map_score_max"].to_numpy())
    label = (signal + rng.normal(0, 2, len(frame)) > 2).astype(int)
    return lgb.train({"objective": "binary", "num_leaves": 7, "min_data_in_leaf": 5, "verbose": -1,
                      "num_threads": 1, "seed": seed}, lgb.Dataset(frame[FEATURES].astype(float), label=label),
                     num_boost_round=12)


@pytest.fixture(scope="module")
def week():
    frame = snapshot(500, seed=1)
    return frame, booster(frame, seed=2)


def test_next_week_reuses_unchanged_rows_and_says_what_fresh_shap_says(week):
    frame, trees = week
    book = phrase_book(SPEC)
    cache = ReasonCache()
    first = explain(trees, FEATURES, frame, book, cache=cache)
    assert first.tolist() == explain(trees, FEATURES, frame, book).tolist()
    assert (cache.hits, cache.misses) == (0, len(frame))

    next_week = frame.copy()
    changed = next_week.index[::5]
    next_week.loc[changed, "intent_momentum"] = next_week.loc[changed, "intent_momentum"].fillna(0) + 11.0
    next_week.loc[next_week.index[1::5], "intent_top_cluster"] = "sales ai"
    warm = ReasonCache(cache.entries())

    reused = explain(trees, FEATURES, next_week, book, cache=warm)

    assert reused.tolist() == explain(trees, FEATURES, next_week, book).tolist()
    assert (warm.hits, warm.misses) == (len(frame) - len(changed), len(changed))
    assert len(warm.entries()) == len(frame)


def test_another_model_finds_nothing_in_the_cache(week):
    frame, trees = week
    cache = ReasonCache()
    explain(trees, FEATURES, frame, phrase_book(SPEC), cache=cache)
    other = ReasonCache(cache.entries())

    reasons = explain(booster(frame, seed=9), FEATURES, frame, phrase_book(SPEC), cache=other)

    assert other.hits == 0
    assert reasons.tolist() == explain(booster(frame, seed=9), FEATURES, frame, phrase_book(SPEC)).tolist()


def test_the_cache_round_trips_through_the_warehouse(week):
    frame, trees = week
    cache = ReasonCache()
    explain(trees, FEATURES, frame, phrase_book(SPEC), cache=cache)
    con = duckdb.connect()
    assert read_cache(con).lookup("any", np.array([1], dtype=np.uint64), np.array([2], dtype=np.uint64)) == [None]

    write_cache(con, cache.entries())
    stored = read_cache(con)
    again = explain(trees, FEATURES, frame, phrase_book(SPEC), cache=stored)

    assert (stored.hits, stored.misses) == (len(frame), 0)
    assert again.tolist() == explain(trees, FEATURES, frame, phrase_book(SPEC)).tolist()
    assert con.execute("select max(key_a) > 9223372036854775807 from scoring.reason_cache").fetchone()[0]
