import pandas as pd

from models_ml.scoring.quality import readiness_gate
from models_ml.scoring.run import ACCOUNT_COLUMNS, CONTACT_COLUMNS, PERFORMANCE_COLUMNS, _inner_join


def test_tables_have_the_contract_columns_and_grain(scoring_output, world):
    accounts, contacts = scoring_output.account_priority, scoring_output.contact_priority
    assert list(accounts.columns) == ACCOUNT_COLUMNS
    assert accounts["account_key"].is_unique and len(accounts) == len(world["companies"])
    assert list(contacts.columns) == CONTACT_COLUMNS and len(contacts) == len(world["contacts"])
    assert accounts["readiness_probability"].between(0, 1).all()
    for column in ("fit_score", "intent_score", "engagement_score"):
        assert accounts[column].between(0, 100).all(), column
    assert set(accounts["priority_tier"]) == {"A", "B", "C", "D"}
    assert set(accounts["motion"]) <= {"new_logo", "upsell", "renewal"}
    assert (accounts.loc[accounts["motion"] == "new_logo", "is_customer"] == False).all()  # noqa: E712
    assert (accounts["model_version"] == scoring_output.active_version).all()


def test_model_performance_lists_each_version(scoring_output):
    performance = scoring_output.model_performance
    assert list(performance.columns) == PERFORMANCE_COLUMNS
    readiness = performance[performance["model_name"] == "readiness"].iloc[0]
    assert readiness["model_version"] == scoring_output.trained_version
    assert readiness["auc"] > readiness["baseline_auc_intent_only"]
    assert readiness["train_rows"] > 10_000
    assert {"readiness", "fit"} == set(performance["model_name"])


def test_gate_passes_on_a_good_model_and_blocks_regressions(scoring_output):
    assert all(result.passed for result in scoring_output.gate)
    metrics = {"auc": 0.70, "baseline_auc_intent_only": 0.60, "baseline_auc_map_only": 0.55}
    assert all(r.passed for r in readiness_gate(metrics, {"auc": 0.71}))
    worse = {r.name: r.passed for r in readiness_gate(metrics, {"auc": 0.73})}
    assert worse == {"readiness_beats_baselines": True, "readiness_auc_not_worse": False}
    weak = {r.name: r.passed for r in readiness_gate(dict(metrics, auc=0.58), None)}
    assert weak["readiness_beats_baselines"] is False


def test_accounts_meet_their_snapshot_rows_as_pandas_joins_them():
    crm = pd.DataFrame({"account_name": ["c", "a", "b", "z"], "is_customer": [1, 0, 1, 0]},
                       index=pd.Index(["K3", "K1", "K2", "K9"], name="account_key", dtype=object))
    snapshot = pd.DataFrame({"is_customer": [0.0, 1.0, 1.0, 0.0], "intent_score": [10.0, 20.0, 30.0, 40.0]},
                            index=pd.Index(["K1", "K2", "K3", "K4"], name="account_key", dtype="string"))

    joined = _inner_join(crm, snapshot, rsuffix="_live")

    expected = crm.join(snapshot, how="inner", rsuffix="_live").reset_index()
    pd.testing.assert_frame_equal(joined, expected, check_index_type=False)
    assert joined["account_key"].tolist() == ["K3", "K1", "K2"]
    assert joined["intent_score"].tolist() == [30.0, 10.0, 20.0]
