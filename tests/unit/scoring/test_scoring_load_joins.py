"""Joins by key on the warehouse load: the row-for-row shortcut gives the merge's rows, or is not taken."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.load import _left_join

LEFT = pd.DataFrame({"account_key": ["k1", "k2", "k3"], "owner": ["o1", "o2", "o3"]})
RIGHTS = {
    "same keys in order": ["k1", "k2", "k3"],
    "same keys out of order": ["k2", "k1", "k3"],
    "a key missing and one extra": ["k1", "k2", "k4"],
    "a repeated key": ["k1", "k1", "k3"],
    "a missing key": ["k1", None, "k3"],
    "fewer keys": ["k1", "k3"],
}


@pytest.mark.parametrize("case", list(RIGHTS))
def test_a_join_by_key_gives_the_merge(case):
    keys = RIGHTS[case]
    right = pd.DataFrame({"account_key": keys, "owner": [f"r{i}" for i in range(len(keys))],
                          "known_from": pd.to_datetime(["2025-01-01"] * len(keys))})
    expected = LEFT.merge(right, on="account_key", how="left", suffixes=("_crm", ""))

    pd.testing.assert_frame_equal(_left_join(LEFT, right, "account_key", suffixes=("_crm", "")), expected)


def test_left_keys_with_a_missing_value_are_joined_like_the_merge():
    left = pd.DataFrame({"account_key": ["k1", None, "k3"]})
    right = pd.DataFrame({"account_key": ["k1", "k2", "k3"], "motion": ["a", "b", "c"]})

    joined = _left_join(left, right, "account_key")

    assert joined["motion"].tolist() == ["a", np.nan, "c"]
