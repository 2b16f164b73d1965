"""Coding e-mail addresses in lower case: the same codes and values as factorizing the lower-cased text."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.links import lower_cased_codes, lower_cased_text

COLUMNS = {
    "mixed case": (["A@X.com", "a@x.com", "B@y.COM", None], ["b@Y.com", "c@z.com"], ["C@Z.COM", None, "a@X.COM"]),
    "non-ASCII": (["Jürgen@Bäcker.de", "jürgen@bäcker.de", "ÅSA@x.se"], ["İ@x.tr", "ς@x.gr", "ΑΣ@x.gr"],
                  ["åsa@X.se", "Straße@x.de"]),
    "all missing": ([None, None], [None], []),
    "empty": ([], [], []),
    "empty text is an address": (["", "A"], ["a"], [""]),
}


def _factorized(columns: list[pd.Series]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The coding before: ``pd.factorize`` of the lower-cased columns joined."""
    joined = pd.concat([c.astype("string").str.lower() for c in columns], ignore_index=True)
    codes, uniques = pd.factorize(joined, use_na_sentinel=True)
    bounds = np.cumsum([0] + [len(c) for c in columns])
    return np.asarray(uniques, dtype=object), [codes[bounds[k]:bounds[k + 1]] for k in range(len(columns))]


@pytest.mark.parametrize("case", list(COLUMNS))
@pytest.mark.parametrize("dtype", [object, "string"])
def test_codes_and_values_are_those_of_factorizing_the_lower_case(case, dtype):
    columns = [pd.Series(values, dtype=dtype) for values in COLUMNS[case]]
    expected_values, expected_codes = _factorized(columns)

    values, codes = lower_cased_codes(*columns)

    assert values.tolist() == expected_values.tolist()
    for got, expected in zip(codes, expected_codes, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("case", list(COLUMNS))
def test_lower_cased_text_is_str_lower_with_missing_kept(case):
    column = pd.Series(COLUMNS[case][0], dtype="string", index=range(5, 5 + len(COLUMNS[case][0])))
    values, (codes,) = lower_cased_codes(column)

    pd.testing.assert_series_equal(lower_cased_text(values, codes, column.index), column.str.lower(),
                                   check_names=False)


def test_a_lower_case_is_its_own_lower_case():
    """Scores' addresses are coded once lower-cased where they used to be lower-cased twice."""
    changed = [code for code in range(sys.maxunicode + 1) if chr(code).lower().lower() != chr(code).lower()]
    capital_sigma_made = [code for code in range(sys.maxunicode + 1) if "\u03a3" in chr(code).lower()]

    assert changed == [] and capital_sigma_made == []
