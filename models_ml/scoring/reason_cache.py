"""The strongest factors found in earlier runs, so a weekly run explains only the rows that changed.

SHAP contributions (LightGBM ``pred_contrib``) are most of a run's cost, and they are a function of
the trees and of the row's feature values alone: the same model and the same values give the same
contributions, hence the same ranked, signed factors. Most companies' feature rows do not change
from one week to the next (the firmographic rows the fit model reads almost never do), so a run
keeps, for every row it explained, which factors came out strongest and with which sign, keyed by
the model and a 128-bit hash of the row's values; the next run computes contributions only for the
rows whose key it has not seen. The words are not kept: they are written afresh from the row,
because they also read values the model does not (the surging cluster, the competitor's names).

The warehouse holds the cache as ``scoring.reason_cache``: one row per model and key, the ranked
factors packed in one integer (:func:`encode`), so a million rows are read, matched and written as
arrays rather than row by row. A table in an earlier layout is read as an empty cache. Each run
replaces it with the entries of the rows it explained, so it stays the size of one week's
explained rows and an entry of a retired model disappears after one run.
"""

from __future__ import annotations

import hashlib

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd

TABLE = "scoring.reason_cache"
COLUMNS = ["model_digest", "key_a", "key_b", "ranked"]
MAX_KEPT = 7
FACTOR_LIMIT = 128
_HASH_KEYS = ("terrain-reasons1", "terrain-reasons2")


def model_digest(booster: lgb.Booster, features: list[str], n_reasons: int) -> str:
    """Names the trees, the columns they read and how many factors are kept: a new model is a new digest."""
    text = booster.model_to_string() + "\n" + "\n".join(features) + f"\n{n_reasons}"
    return hashlib.sha256(text.encode()).hexdigest()


def row_keys(matrix: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each row's values (bit for bit: -0.0 and 0.0 differ)."""
    return tuple(pd.util.hash_pandas_object(matrix, index=False, hash_key=key).to_numpy() for key in _HASH_KEYS)


def encode(strongest: np.ndarray, raises: np.ndarray) -> np.ndarray:
    """Each row's kept factors as one integer: a byte per factor, its position among the model's
    factors times two plus one when it raises the score, the strongest in the lowest byte."""
    if strongest.shape[1] > MAX_KEPT or (strongest.size and strongest.max() >= FACTOR_LIMIT):
        raise ValueError(f"a cache code holds at most {MAX_KEPT} factors of {FACTOR_LIMIT}")
    bytes_ = strongest.astype(np.int64) * 2 + raises.astype(np.int64)
    shifts = np.arange(strongest.shape[1], dtype=np.int64) * 8
    return (bytes_ << shifts).sum(axis=1, dtype=np.int64)


def decode(codes: np.ndarray, kept: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``kept`` factors' positions and signs of :func:`encode`'s codes."""
    shifts = np.arange(kept, dtype=np.int64) * 8
    bytes_ = (np.asarray(codes, dtype=np.int64)[:, None] >> shifts) & 0xFF
    return bytes_ >> 1, (bytes_ & 1).astype(bool)


class ReasonCache:
    """Ranked factors by model and row key: read from last run's table, written with this run's."""

    def __init__(self, entries: pd.DataFrame | None = None):
        entries = pd.DataFrame(columns=COLUMNS) if entries is None else entries.reindex(columns=COLUMNS)
        self._known = {digest: group for digest, group in entries.groupby("model_digest", sort=False)}
        self._kept: list[pd.DataFrame] = []
        self.hits = 0
        self.misses = 0

    def lookup(self, digest: str, key_a: np.ndarray, key_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The code of the ranked factors remembered for each key, and whether one was.

        The first hash alone finds the candidate entry and the second must agree; should two stored
        entries share a first hash, both hashes are matched together.
        """
        found = np.zeros(len(key_a), dtype=bool)
        codes = np.zeros(len(key_a), dtype=np.int64)
        known = self._known.get(digest)
        if known is None or known.empty:
            return codes, found
        first = pd.Index(known["key_a"].to_numpy(np.uint64))
        if first.is_unique:
            positions = first.get_indexer(key_a)
            stored_b = known["key_b"].to_numpy(np.uint64)
            found = (positions >= 0) & (stored_b[positions] == key_b)
        else:
            both = pd.MultiIndex.from_arrays([first, known["key_b"].to_numpy(np.uint64)])
            positions = both.get_indexer(pd.MultiIndex.from_arrays([key_a, key_b]))
            found = positions >= 0
        codes[found] = known["ranked"].to_numpy(np.int64)[positions[found]]
        return codes, found

    def keep(self, digest: str, key_a: np.ndarray, key_b: np.ndarray, codes: np.ndarray) -> None:
        self._kept.append(pd.DataFrame({"model_digest": digest, "key_a": key_a, "key_b": key_b, "ranked": codes}))

    def entries(self) -> pd.DataFrame:
        """This run's entries, one per model and key, to replace the stored table."""
        if not self._kept:
            return pd.DataFrame({"model_digest": pd.Series(dtype=str), "key_a": pd.Series(dtype=np.uint64),
                                 "key_b": pd.Series(dtype=np.uint64), "ranked": pd.Series(dtype=np.int64)})
        return pd.concat(self._kept, ignore_index=True).drop_duplicates(["model_digest", "key_a", "key_b"])


def read_cache(con: duckdb.DuckDBPyConnection) -> ReasonCache:
    """Last run's entries; an empty cache on a warehouse that has none, or one in another layout."""
    schema, name = TABLE.split(".")
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_schema = ? and table_name = ?", [schema, name]).fetchall())
    if types.get("ranked") != "BIGINT":
        return ReasonCache()
    return ReasonCache(con.execute(f"select {', '.join(COLUMNS)} from {TABLE}").df())


def write_cache(con: duckdb.DuckDBPyConnection, entries: pd.DataFrame) -> None:
    """Replace the stored entries with this run's."""
    con.execute("create schema if not exists scoring")
    con.register("reason_cache_entries", entries.reindex(columns=COLUMNS))
    con.execute(f"create or replace table {TABLE} as select model_digest::varchar as model_digest, "
                "key_a::ubigint as key_a, key_b::ubigint as key_b, ranked::bigint as ranked from reason_cache_entries")
    con.unregister("reason_cache_entries")
