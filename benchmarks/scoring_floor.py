"""The floor of scoring: one bare LightGBM fit and predict on the run's own feature matrix.

The matrix is rebuilt from the run's warehouse with the scoring code itself (the run's as_of,
feature spec, training snapshots and labels; untimed): the rows ``fit_readiness`` trains on (every
labelled snapshot but the latest) and the live snapshot it scores. Timed: ``lgb.train`` with
readiness's ``lgb_params`` and its number of rounds and threads, then ``predict`` on the live
matrix. The run's scoring step does this and much more: the feature snapshots, three backtest
fits, calibration, the fit model, reasons, personas and the marts.
"""

from __future__ import annotations

import json
import sys
import time

import duckdb
import lightgbm as lgb

from models_ml.scoring.features import feature_columns, feature_spec
from models_ml.scoring.features_sql import build_snapshots
from models_ml.scoring.load import load_tables
from models_ml.scoring.readiness import (
    CATEGORICAL_FEATURES,
    lgb_params,
    model_matrix,
    snapshot_dates,
    training_frame,
    training_rows,
)
from orchestration.assets.scoring import scoring_date, with_competitors
from orchestration.settings import load_settings

READINESS_ROUNDS = 200
READINESS_THREADS = 1


def matrices(warehouse: str):
    """(training features, labels, weights, live features, feature names) as readiness builds them: the
    rows it fits on, negatives sampled and weighted back as it does on a large world."""
    settings = load_settings()
    con = duckdb.connect(warehouse, read_only=True)
    try:
        tables = load_tables(con)
    finally:
        con.close()
    as_of = scoring_date(settings.scoring.as_of, tables.as_of, tables.inputs.intent)
    inputs = with_competitors(tables.inputs, settings.icp)
    spec = feature_spec(inputs, as_of)
    features = feature_columns(spec)
    dates = snapshot_dates(inputs, as_of, settings.scoring.horizon_days)
    stacked = training_frame(inputs, spec, dates, settings.scoring.horizon_days)
    chosen = training_rows(stacked)
    label = stacked["label"].to_numpy(dtype=float)[chosen.fitting]
    live = build_snapshots([as_of], inputs, spec, use_crm_customer_flag=True)
    return (model_matrix(stacked, features, chosen.fitting), label, chosen.weight(label),
            model_matrix(live, features), features)


def main(warehouse: str) -> int:
    train, label, weight, live, features = matrices(warehouse)
    categorical = [c for c in CATEGORICAL_FEATURES if c in features]
    started = time.perf_counter()
    data = lgb.Dataset(train, label=label, weight=weight, feature_name=features, categorical_feature=categorical)
    booster = lgb.train(lgb_params(READINESS_THREADS), data, num_boost_round=READINESS_ROUNDS)
    booster.predict(live, raw_score=True)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 2), "train_rows": len(train), "features": train.shape[1],
                      "rounds": READINESS_ROUNDS, "predict_rows": len(live)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
