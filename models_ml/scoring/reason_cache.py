"""The strongest factors found in earlier runs, so a weekly run explains only the rows that changed.

SHAP contributions (LightGBM ``pred_contrib``) are most of a run's cost, and they are a function of
the trees and of the row's feature values alone: the same model and the same values give the same
contributions, hence the same ranked, signed factors. Most companies' feature rows do not change
from one week to the next (the firmographic rows the fit model reads almost never do), so a run
keeps, for every row it explained, which factors came out strongest and with which sign, keyed by
the model and a 128-bit hash of the row's values; the next run computes contributions only for the
rows whose key it has not seen. The words are not kept: they are written afresh from the row,
because they also read values the model does not (the surging cluster, the competitor's names).

The warehouse holds the cache as ``scoring.reason_cache`` (one row per model and key); each run
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
_HASH_KEYS = ("terrain-reasons1", "terrain-reasons2")


def model_digest(booster: lgb.Booster, features: list[str], n_reasons: int) -> str:
    """Names the trees, the columns they read and how many factors are kept: a new model is a new digest."""
    text = booster.model_to_string() + "\n" + "\n".join(features) + f"\n{n_reasons}"
    return hashlib.sha256(text.encode()).hexdigest()


def row_keys(matrix: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each row's values (bit for bit: -0.0 and 0.0 differ)."""
    return tuple(pd.util.hash_pandas_object(matrix, index=False, hash_key=key).to_numpy() for key in _HASH_KEYS)


def encode(strongest: np.ndarray, raises: np.ndarray) -> list[str]:
    """``"4+ 0- 7+"``: each kept factor's position among the model's factors and its sign."""
    signs = np.where(raises, "+", "-")
    return [" ".join(f"{j}{s}" for j, s in zip(row_j, row_s))
            for row_j, row_s in zip(strongest.tolist(), signs.tolist())]


def decode(ranked: list[str]) -> tuple[np.ndarray, np.ndarray]:
    parts = [[(int(p[:-1]), p[-1] == "+") for p in text.split(" ")] for text in ranked]
    return (np.array([[j for j, _ in row] for row in parts], dtype=np.int64).reshape(len(parts), -1),
            np.array([[up for _, up in row] for row in parts], dtype=bool).reshape(len(parts), -1))


class ReasonCache:
    """Ranked factors by model and row key: read from last run's table, written with this run's."""

    def __init__(self, entries: pd.DataFrame | None = None):
        entries = pd.DataFrame(columns=COLUMNS) if entries is None else entries.reindex(columns=COLUMNS)
        self._known = {digest: group for digest, group in entries.groupby("model_digest", sort=False)}
        self._kept: list[pd.DataFrame] = []
        self.hits = 0
        self.misses = 0

    def lookup(self, digest: str, key_a: np.ndarray, key_b: np.ndarray) -> list[str | None]:
        """The ranked factors remembered for each key, None where the key is new."""
        known = self._known.get(digest)
        if known is None or known.empty:
            return [None] * len(key_a)
        index = pd.MultiIndex.from_arrays([known["key_a"].to_numpy(np.uint64), known["key_b"].to_numpy(np.uint64)])
        positions = index.get_indexer(pd.MultiIndex.from_arrays([key_a, key_b]))
        ranked = known["ranked"].to_numpy(dtype=object)
        return [ranked[p] if p >= 0 else None for p in positions.tolist()]

    def keep(self, digest: str, key_a: np.ndarray, key_b: np.ndarray, ranked: list[str]) -> None:
        self._kept.append(pd.DataFrame({"model_digest": digest, "key_a": key_a, "key_b": key_b, "ranked": ranked}))

    def entries(self) -> pd.DataFrame:
        """This run's entries, one per model and key, to replace the stored table."""
        if not self._kept:
            return pd.DataFrame({"model_digest": pd.Series(dtype=str), "key_a": pd.Series(dtype=np.uint64),
                                 "key_b": pd.Series(dtype=np.uint64), "ranked": pd.Series(dtype=str)})
        return pd.concat(self._kept, ignore_index=True).drop_duplicates(["model_digest", "key_a", "key_b"])


def read_cache(con: duckdb.DuckDBPyConnection) -> ReasonCache:
    """Last run's entries; an empty cache on a warehouse that has none."""
    schema, name = TABLE.split(".")
    found = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                        [schema, name]).fetchone()[0]
    return ReasonCache(con.execute(f"select {', '.join(COLUMNS)} from {TABLE}").df() if found else None)


def write_cache(con: duckdb.DuckDBPyConnection, entries: pd.DataFrame) -> None:
    """Replace the stored entries with this run's."""
    con.execute("create schema if not exists scoring")
    con.register("reason_cache_entries", entries.reindex(columns=COLUMNS))
    con.execute(f"create or replace table {TABLE} as select model_digest::varchar as model_digest, "
                "key_a::ubigint as key_a, key_b::ubigint as key_b, ranked::varchar as ranked from reason_cache_entries")
    con.unregister("reason_cache_entries")
