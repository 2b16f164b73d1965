"""Key lookups through Arrow give pandas' answers, whichever form the text of either side takes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from models_ml.scoring.text_keys import is_in, positions_in

VALUES = ["b", None, "zz", "a", "b", "A", ""]
KEYS = ["a", "b", "c", ""]
FORMS = {"python": "string", "arrow": "string[pyarrow]", "object": object}


@pytest.mark.parametrize("values_form", list(FORMS))
@pytest.mark.parametrize("keys_form", list(FORMS))
def test_positions_are_those_of_get_indexer(values_form, keys_form):
    values = pd.Series(VALUES, dtype=FORMS[values_form])
    keys = pd.Index(pd.array(KEYS, dtype=FORMS[keys_form]) if keys_form != "object" else KEYS)

    found = positions_in(values, keys)

    assert found.tolist() == [1, -1, -1, 0, 1, -1, 3]
    assert found.tolist() == pd.Index(KEYS).get_indexer(pd.Series(VALUES, dtype=object)).tolist()
    assert found.dtype == np.int64


@pytest.mark.parametrize("values_form", list(FORMS))
@pytest.mark.parametrize("keys_form", list(FORMS))
def test_membership_is_that_of_isin_and_missing_is_never_a_key(values_form, keys_form):
    values = pd.Series(VALUES, dtype=FORMS[values_form], index=range(10, 17))
    keys = pd.Series([*KEYS, None], dtype=FORMS[keys_form])

    found = is_in(values, keys)

    assert found.tolist() == [True, False, False, True, True, False, True]
    assert found.index.tolist() == list(range(10, 17))


def test_long_text_keys_meet_plain_ones():
    values = pd.Series(pd.array(["a", "b"], dtype=pd.ArrowDtype(pa.large_string())))

    assert positions_in(values, pd.Index(["b"])).tolist() == [-1, 0]


def test_nothing_to_look_up():
    assert positions_in(pd.Series([], dtype="string[pyarrow]"), pd.Index(KEYS)).tolist() == []
    assert is_in(pd.Series([], dtype=object), pd.Index(KEYS)).tolist() == []
