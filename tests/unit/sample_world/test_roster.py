"""The sales roster: one rep per territory, with a book that grows with the world's market."""

import numpy as np
import pandas as pd

from sample_world.roster import MAX_ACCOUNTS, build_roster
from sample_world.territories import build_alignment


def _roster(book_scale):
    definitions = build_alignment(["001000000000001AAA"]).definitions
    users, _ = build_roster(np.random.default_rng(5), definitions, pd.Timestamp("2026-11-08"), 3, book_scale=book_scale)
    return users


def test_capacity_grows_with_the_world_and_nothing_else_changes():
    small, large = _roster(1.0), _roster(50.0)
    quota_carriers = small["Max_Accounts__c"].notna()
    assert (small.loc[quota_carriers, "Max_Accounts__c"] == small.loc[quota_carriers, "Segment__c"].map(MAX_ACCOUNTS)).all()
    assert (large.loc[quota_carriers, "Max_Accounts__c"] == 50 * small.loc[quota_carriers, "Max_Accounts__c"]).all()
    pd.testing.assert_frame_equal(small.drop(columns="Max_Accounts__c"), large.drop(columns="Max_Accounts__c"))
