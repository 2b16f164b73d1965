"""Lookups of text keys (account keys, contact ids) through Arrow's hash tables.

The warehouse hands text to scoring in Arrow form (:mod:`models_ml.scoring.load`), and
:class:`~models_ml.scoring.inputs.ScoringInputs` keeps it so: turning tens of millions of values
into Python strings cost a third of a weekly scoring run's load. pandas' ``Index.get_indexer`` and
``Series.isin`` turn Arrow text back into Python strings before they hash it, so the lookups of
millions of rows go through Arrow instead, on either kind of text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NOT_FOUND = -1


def is_arrow_text(values: pd.Series | pd.Index) -> bool:
    """Whether ``values`` are pandas text kept in Arrow form (``string[pyarrow]``)."""
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def _arrow(values: pd.Series | pd.Index) -> pa.Array | pa.ChunkedArray:
    """``values`` as Arrow text: without a copy when they already are, else converted once."""
    if is_arrow_text(values):
        return pa.array(values.array)
    return pa.array(np.asarray(values, dtype=object), type=pa.large_string(), from_pandas=True)


def _same_type(values: pa.Array | pa.ChunkedArray, keys: pa.Array | pa.ChunkedArray):
    keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
    return keys if keys.type == values.type else keys.cast(values.type)


def positions_in(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray:
    """Each value's position among ``keys``, which are distinct; -1 where it is missing or not a key.

    ``pd.Index(keys).get_indexer(values)`` for keys without a missing value.
    """
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    arrow = _arrow(values)
    found = pc.index_in(arrow, value_set=_same_type(arrow, _arrow(keys)), skip_nulls=True)
    return found.fill_null(NOT_FOUND).to_numpy().astype(np.int64)


def is_in(values: pd.Series, keys: pd.Series | pd.Index) -> pd.Series:
    """Whether each value is one of ``keys`` (missing values never are), on ``values``' index."""
    if not len(values):
        return pd.Series(np.zeros(0, dtype=bool), index=values.index)
    arrow = _arrow(values)
    found = pc.is_in(arrow, value_set=_same_type(arrow, _arrow(keys)), skip_nulls=True)
    return pd.Series(found.to_numpy(zero_copy_only=False).astype(bool), index=values.index)
