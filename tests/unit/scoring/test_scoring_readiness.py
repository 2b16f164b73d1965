from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.features import feature_spec
from models_ml.scoring.metrics import auc, expected_calibration_error, top_decile_lift
from models_ml.scoring.quality import readiness_gate
from models_ml.scoring.readiness import FORWARD_METRICS, fit_readiness, published_figures, snapshot_dates, train_readiness, training_frame
from models_ml.scoring.registry import READINESS, ModelRegistry


def test_forward_auc_beats_chance_and_both_single_signal_baselines(scoring_output):
    metrics = scoring_output.readiness_metrics
    assert metrics["auc"] > 0.6
    assert metrics["auc"] > metrics["baseline_auc_intent_only"] + 0.03
    assert metrics["auc"] > metrics["baseline_auc_map_only"] + 0.03
    assert metrics["top_decile_lift"] > 1.8
    assert metrics["calibration_error"] < 0.06


def test_live_scores_predict_what_happened_after_as_of(scoring_output, live_outcome):
    scores = scoring_output.account_priority.set_index("account_key")["readiness_probability"]
    outcome = live_outcome.reindex(scores.index)
    assert auc(outcome, scores) > 0.62
    assert top_decile_lift(outcome, scores) > 1.8
    # Calibrated on the latest time slice: the mean probability is close to what happened.
    assert abs(scores.mean() - outcome.mean()) < 0.05
    assert expected_calibration_error(outcome, scores) < 0.06


def test_training_snapshots_only_use_labels_complete_by_as_of(inputs, as_of, horizon_days):
    dates = snapshot_dates(inputs, as_of, horizon_days)
    assert dates[-1] == as_of - timedelta(days=horizon_days)
    assert all((b - a).days == 28 for a, b in zip(dates, dates[1:]))
    assert len(dates) >= 6


def test_short_history_gets_denser_snapshots(inputs, horizon_days):
    dates = snapshot_dates(inputs, date(2026, 3, 1), horizon_days)
    assert len(dates) >= 6 and (dates[1] - dates[0]).days < 28


def test_training_is_deterministic(inputs, as_of):
    spec = feature_spec(inputs, as_of)
    frame = training_frame(inputs, spec, [date(2026, 3, 1), date(2026, 3, 29), date(2026, 4, 26)], 90)
    first, second = fit_readiness(frame, spec, num_rounds=40), fit_readiness(frame, spec, num_rounds=40)
    probe = frame.head(500)
    np.testing.assert_array_equal(first.predict(probe), second.predict(probe))
    assert first.platt_slope > 0  # calibration keeps the trees' order


def test_backtest_origins_train_only_on_labels_known_at_the_origin(scoring_output, registry_dir):
    registry = ModelRegistry(registry_dir)
    meta = registry.metadata("readiness", scoring_output.trained_version)
    origins = [pd.Timestamp(o["origin"]) for o in meta["backtest"]]
    assert len(origins) == 3 and origins == sorted(origins)
    first = pd.Timestamp(meta["training_window"][0])
    for origin in meta["backtest"]:
        usable = (pd.Timestamp(origin["origin"]) - pd.Timedelta(days=90) - first).days // 28 + 1
        assert origin["rows"] > 1000
        assert origin["train_rows"] <= usable * 3000


def test_intent_younger_than_the_horizon_trains_on_deal_history(inputs, as_of, horizon_days):
    from dataclasses import replace

    recent = as_of - timedelta(days=horizon_days // 2)
    young = replace(inputs, intent=inputs.intent[inputs.intent["week_start"] >= pd.Timestamp(recent)],
                    activities=inputs.activities[inputs.activities["activity_ts"] >= pd.Timestamp(recent)])
    dates = snapshot_dates(young, as_of, horizon_days)
    assert len(dates) >= 2
    assert dates[-1] == as_of - timedelta(days=horizon_days)


def test_published_auc_is_the_forward_measurement_beside_the_backtest_mean(scoring_output, registry_dir, as_of,
                                                                          horizon_days):
    meta = ModelRegistry(registry_dir).metadata(READINESS, scoring_output.trained_version)
    forward = [o for o in meta["backtest"] if o["forward"]]
    assert len(forward) == 1 and forward[0]["protocol"] == "strict"
    origin = as_of - timedelta(days=horizon_days)
    assert forward[0]["origin"] == origin.isoformat()
    assert date.fromisoformat(forward[0]["trained_through"]) + timedelta(days=horizon_days) <= origin
    metrics = meta["metrics"]
    assert {k: metrics[k] for k in FORWARD_METRICS} == {k: forward[0][k] for k in FORWARD_METRICS}
    assert metrics["backtest_auc"] == pytest.approx(np.mean([o["auc"] for o in meta["backtest"]]))
    assert metrics["backtest_auc"] != metrics["auc"] and metrics["forward_overlapping_labels"] == 0.0

    performance = scoring_output.model_performance.set_index("model_version")
    row = performance.loc[scoring_output.trained_version]
    assert row["auc"] == metrics["auc"] and row["backtest_auc"] == metrics["backtest_auc"]
    assert row["pr_auc"] == metrics["pr_auc"] and row["auc_protocol"] == "forward"
    fit = performance[performance["model_name"] == "fit"].iloc[0]
    assert fit["auc_protocol"] == "pu_labelled_vs_unlabelled" and 0.5 < fit["auc"] <= 1.0
    assert pd.isna(fit["backtest_auc"])


def test_short_history_measures_forward_on_held_out_accounts_and_says_so(inputs, horizon_days):
    as_of = date(2026, 1, 15)
    result = train_readiness(inputs, feature_spec(inputs, as_of), as_of, horizon_days, num_rounds=40)
    forward = result.forward
    assert forward["protocol"] == "overlapping_labels" and result.metrics["forward_overlapping_labels"] == 1.0
    assert forward["origin"] == (as_of - timedelta(days=horizon_days)).isoformat()
    assert forward["rows"] < 0.45 * len(inputs.companies)
    assert result.metrics["auc"] == forward["auc"] and result.metrics["auc"] > 0.55
    figures = published_figures({"metrics": result.metrics, "backtest": result.origins,
                                 "as_of": as_of.isoformat(), "horizon_days": horizon_days})
    assert figures["auc_protocol"] == "forward_overlapping_labels" and figures["auc"] == forward["auc"]


def test_versions_stored_before_the_forward_figure_publish_it_from_their_origins():
    origins = [{"origin": "2026-07-27", "protocol": "strict", "auc": 0.60, "pr_auc": 0.25},
               {"origin": "2026-08-24", "protocol": "strict", "auc": 0.66, "pr_auc": 0.31}]
    stored = {"as_of": "2026-11-22", "horizon_days": 90, "backtest": origins, "metrics": {"auc": 0.63, "pr_auc": 0.28}}
    figures = published_figures(stored)
    assert figures["auc"] == 0.66 and figures["pr_auc"] == 0.31 and figures["backtest_auc"] == 0.63
    assert figures["auc_protocol"] == "forward"
    assert published_figures(dict(stored, backtest=origins[:1]))["auc"] is None


def test_gate_blocks_on_the_forward_auc_not_the_backtest_mean():
    metrics = {"auc": 0.58, "backtest_auc": 0.72, "baseline_auc_intent_only": 0.60, "baseline_auc_map_only": 0.55}
    weak = {r.name: r for r in readiness_gate(metrics, None)}
    assert weak["readiness_beats_baselines"].passed is False
    assert weak["readiness_beats_baselines"].description.startswith("forward AUC 0.580")
    good = dict(metrics, auc=0.70)
    assert all(r.passed for r in readiness_gate(good, {"auc": 0.71, "backtest_auc": 0.80}))
    worse = {r.name: r.passed for r in readiness_gate(good, {"auc": 0.73, "backtest_auc": 0.70})}
    assert worse == {"readiness_beats_baselines": True, "readiness_auc_not_worse": False}


def test_gate_compares_backtest_means_against_a_model_published_before_the_forward_figure():
    metrics = {"auc": 0.66, "backtest_auc": 0.70, "baseline_auc_intent_only": 0.60, "baseline_auc_map_only": 0.55}
    assert all(r.passed for r in readiness_gate(metrics, {"auc": 0.71}))
    fell = {r.name: r.passed for r in readiness_gate(dict(metrics, backtest_auc=0.66), {"auc": 0.71})}
    assert fell["readiness_auc_not_worse"] is False
