"""Reasons taken from last run's cache are exactly those a fresh SHAP computation gives."""

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.explain import explain, phrase_book
from models_ml.scoring.features import FeatureSpec, feature_columns
from models_ml.scoring.reason_cache import ReasonCache, decode, encode, read_cache, write_cache

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
    codes, found = read_cache(con).lookup("any", np.array([1], dtype=np.uint64), np.array([2], dtype=np.uint64))
    assert found.tolist() == [False]

    write_cache(con, cache.entries())
    stored = read_cache(con)
    again = explain(trees, FEATURES, frame, phrase_book(SPEC), cache=stored)

    assert (stored.hits, stored.misses) == (len(frame), 0)
    assert again.tolist() == explain(trees, FEATURES, frame, phrase_book(SPEC)).tolist()
    assert con.execute("select max(key_a) > 9223372036854775807 from scoring.reason_cache").fetchone()[0]


def test_codes_carry_each_kept_factor_and_its_sign():
    strongest = np.array([[4, 0, 7], [127, 3, 1], [0, 0, 0]])
    raises = np.array([[True, False, True], [False, True, False], [False, False, False]])

    positions, signs = decode(encode(strongest, raises), 3)

    assert positions.tolist() == strongest.tolist()
    assert signs.tolist() == raises.tolist()
    with pytest.raises(ValueError, match="at most"):
        encode(np.array([[128]]), np.array([[True]]))


def test_an_entry_matches_only_when_both_hashes_agree():
    digest = "model"
    stored = pd.DataFrame({"model_digest": digest, "key_a": np.array([10, 10, 20], dtype=np.uint64),
                           "key_b": np.array([1, 2, 3], dtype=np.uint64), "ranked": [11, 12, 13]})
    cache = ReasonCache(stored)

    codes, found = cache.lookup(digest, np.array([10, 10, 20, 20], dtype=np.uint64),
                                np.array([2, 1, 3, 4], dtype=np.uint64))

    assert found.tolist() == [True, True, True, False]
    assert codes[found].tolist() == [12, 11, 13]
    unique_first = ReasonCache(stored.iloc[1:])
    codes, found = unique_first.lookup(digest, np.array([10, 20], dtype=np.uint64), np.array([1, 3], dtype=np.uint64))
    assert found.tolist() == [False, True]


def test_a_cache_stored_in_the_earlier_text_layout_is_read_as_empty(week):
    frame, trees = week
    con = duckdb.connect()
    con.execute("create schema scoring")
    con.execute("create table scoring.reason_cache (model_digest varchar, key_a ubigint, key_b ubigint, ranked varchar)")
    con.execute("insert into scoring.reason_cache values ('x', 1, 2, '4+ 0- 7+')")

    stored = read_cache(con)
    explain(trees, FEATURES, frame, phrase_book(SPEC), cache=stored)

    assert (stored.hits, stored.misses) == (0, len(frame))


def test_a_sum_added_in_another_order_is_the_same_row(week):
    frame, trees = week
    cache = ReasonCache()
    explain(trees, FEATURES, frame, phrase_book(SPEC), cache=cache)
    jittered = frame.copy()
    jittered["intent_momentum"] = jittered["intent_momentum"] * (1 + 1e-13)
    jittered.loc[jittered["map_score_max"] == 0, "map_score_max"] = -0.0
    warm = ReasonCache(cache.entries())

    reasons = explain(trees, FEATURES, jittered, phrase_book(SPEC), cache=warm)

    assert (warm.hits, warm.misses) == (len(frame), 0)
    assert reasons.tolist() == explain(trees, FEATURES, jittered, phrase_book(SPEC)).tolist()
