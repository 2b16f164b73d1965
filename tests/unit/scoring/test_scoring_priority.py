import numpy as np
import pandas as pd

from models_ml.scoring.priority import assign_priority, estimate_potential


def _frame(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"account_key": [f"A{i:04d}" for i in range(n)],
                         "territory_id": rng.choice(["T1", "T2", None], n),
                         "segment": rng.choice(["SMB", "Enterprise"], n),
                         "readiness_probability": rng.random(n),
                         "potential_usd": rng.lognormal(10, 1, n)})


def test_ranks_are_one_to_n_in_each_territory_by_expected_value():
    out = assign_priority(_frame())
    assert (out["territory_id"] == "UNASSIGNED").any()
    for _, group in out.groupby("territory_id"):
        assert sorted(group["priority_rank"]) == list(range(1, len(group) + 1))
        ordered = group.sort_values("priority_rank")["expected_value_usd"].to_numpy()
        assert (np.diff(ordered) <= 0).all()
    best = out.loc[out["expected_value_usd"].idxmax()]
    assert best["priority_rank"] == 1 and best["priority_tier"] == "A"


def test_tiers_are_shares_of_each_segment():
    out = assign_priority(_frame(2000))
    for _, group in out.groupby("segment"):
        share = group["priority_tier"].value_counts(normalize=True)
        assert abs(share["A"] - 0.10) < 0.01 and abs(share["B"] - 0.20) < 0.01
        assert abs(share["C"] - 0.30) < 0.01 and abs(share["D"] - 0.40) < 0.01
        tier_min = group.groupby("priority_tier")["expected_value_usd"].min()
        tier_max = group.groupby("priority_tier")["expected_value_usd"].max()
        assert tier_min["A"] >= tier_max["B"] and tier_min["B"] >= tier_max["C"] >= 0


def test_potential_falls_back_to_segment_median_won_deal():
    companies = pd.DataFrame({"account_key": ["a", "b", "c"], "segment": ["SMB", "Enterprise", "SMB"]})
    opps = pd.DataFrame({"account_key": ["a", "b", "b"], "is_won": [True, True, True],
                         "amount": [10_000.0, 100_000.0, 300_000.0]})
    given = pd.Series({"a": 5_000.0, "b": np.nan})
    potential = estimate_potential(companies, opps, given)
    assert potential.to_dict() == {"a": 5_000.0, "b": 200_000.0, "c": 10_000.0}


def test_ties_go_to_readiness_then_account_key_and_unknown_values_rank_last():
    frame = pd.DataFrame({"account_key": ["b", "a", "c", "d", "e", "B"],
                          "territory_id": ["T"] * 6, "segment": ["SMB"] * 6,
                          "readiness_probability": [0.5, 0.5, 0.9, np.nan, 0.1, 0.5],
                          "potential_usd": [100.0, 100.0, 50.0, 100.0, 1000.0, 100.0]})

    out = assign_priority(frame.sample(frac=1.0, random_state=3)).sort_values("priority_rank")

    assert out["account_key"].tolist() == ["e", "B", "a", "b", "c", "d"]
    assert assign_priority(frame)["priority_rank"].tolist() == [4, 3, 5, 6, 1, 2]
