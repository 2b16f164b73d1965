"""Readiness: the chance an account opens a new opportunity within the horizon.

A LightGBM binary classifier trained on stacked point-in-time snapshots (one every ``step_days``
back from ``as_of - horizon``, so every label is fully observed by ``as_of``). The same training
routine runs for the rolling-origin backtest and for the published model:

* for an origin ``T`` only snapshots with ``t + horizon <= T`` are used (their labels were known at
  ``T``), the model is tested on snapshot ``T``;
* within a training set the latest snapshot is held out to calibrate, the rest fits the trees.

Two figures come out of those origins. The forward measurement is the origin ``as_of - horizon``:
a model trained only on what was known then, scored then, measured on what happened up to
``as_of``. It is the one a user reads as the model's quality (``auc`` in ``model_performance``)
and the one the quality gate blocks on, because it is the same protocol as the live scores, one
horizon earlier. The rolling backtest is the mean over the latest origins (``backtest_auc``),
published beside it to show how stable the model is from one origin to the next.

Large training sets are sampled (:class:`NegativeSampling`): every positive is kept and the
negatives are drawn at a rate ``r``, each drawn negative weighted ``1/r`` in the trees and in the
calibration, so the weighted sample stands for the population: the trees' scores and the Platt
fit stay on the population's scale, and the fewer rows cost less to copy, bin and boost. Test
rows are never sampled, so every published figure is measured on the population. Training sets
below :attr:`NegativeSampling.min_rows` are not sampled at all.

Calibration is Platt scaling of the tree margin on that held-out time slice. It is strictly
monotone, so it cannot reorder accounts (AUC, ranks and tiers are those of the trees) while it
corrects the probability level to the most recent base rate, which is what expected pipeline sums.
Training is deterministic: fixed seed, fixed thread count, ``deterministic=True``, and the model
reads its features rounded to :data:`FEATURE_DECIMALS` decimals, so sums taken in another row order
(the warehouse returns rows in no fixed order) give bit-identical training data. One thread is
the default: on shared machines LightGBM's worker threads spin while waiting for a busy core, and
two threads measured ten times slower than one on 40k rows under load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from models_ml.scoring.features import SIGNAL_WINDOW_DAYS, FeatureSpec, feature_columns
from models_ml.scoring.features_sql import build_snapshots
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.labels import new_opportunity_label
from models_ml.scoring.metrics import auc, classification_report

CATEGORICAL_FEATURES = ("naics_sector",)
INTENT_BASELINE = "intent_score"
MAP_BASELINE = "map_score_max"
WARMUP_DAYS = SIGNAL_WINDOW_DAYS
FEATURE_DECIMALS = 6
FORWARD_METRICS = ("auc", "pr_auc", "top_decile_lift", "calibration_error", "brier", "baseline_auc_intent_only",
                   "baseline_auc_map_only", "positive_rate")
AUC_PROTOCOLS = {"strict": "forward", "overlapping_labels": "forward_overlapping_labels"}


def lgb_params(num_threads: int = 1, seed: int = 17) -> dict:
    return {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 40,
            "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
            "seed": seed, "deterministic": True, "force_row_wise": True, "num_threads": num_threads,
            "verbose": -1}


def model_matrix(frame: pd.DataFrame, features: list[str], rows: np.ndarray | None = None) -> np.ndarray:
    """The features as the trees read them: floats rounded to :data:`FEATURE_DECIMALS` decimals.

    A decayed engagement sum or an intent mean taken in another row order differs in its last bits;
    rounded, it is the same number, so LightGBM finds the same bins, splits and leaves. The rounding
    sits far below any meaningful difference (the smallest decayed activity weight is about 2e-4).

    ``rows`` (a boolean mask) takes only those rows. The matrix is the only copy made: it is filled
    column by column and rounded in place, because at a million companies a training frame holds
    several gigabytes and every intermediate copy of it (a row subset, a column subset, a cast, a
    rounding) cost as much again.
    """
    count = len(frame) if rows is None else int(np.count_nonzero(rows))
    matrix = np.empty((count, len(features)), dtype=np.float64)
    for j, name in enumerate(features):
        column = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
        matrix[:, j] = column if rows is None else column[rows]
    return np.round(matrix, FEATURE_DECIMALS, out=matrix)


def train_booster(frame: pd.DataFrame, label: pd.Series | np.ndarray, features: list[str], num_rounds: int,
                  num_threads: int, weight: pd.Series | np.ndarray | None = None,
                  rows: np.ndarray | None = None) -> lgb.Booster:
    """Trees on ``frame`` (only ``rows`` of it, when given; ``label`` is then for those rows)."""
    categorical = [c for c in CATEGORICAL_FEATURES if c in features]
    data = lgb.Dataset(model_matrix(frame, features, rows), label=np.asarray(label, dtype=np.float64),
                       weight=weight, feature_name=features, categorical_feature=categorical, free_raw_data=True)
    return lgb.train(lgb_params(num_threads), data, num_boost_round=num_rounds)


@dataclass
class ReadinessModel:
    """Trees plus the Platt calibration of their margin, and the feature layout they expect."""

    booster: lgb.Booster
    features: list[str]
    spec: FeatureSpec
    platt_slope: float = 1.0
    platt_intercept: float = 0.0

    def margin(self, frame: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
        return self.booster.predict(model_matrix(frame, self.features, rows), raw_score=True)

    def predict(self, frame: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
        """Calibrated ``readiness_probability`` for each row of a snapshot (of its ``rows``, when given)."""
        return _sigmoid(self.platt_slope * self.margin(frame, rows) + self.platt_intercept)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def snapshot_dates(inputs: ScoringInputs, as_of: date, horizon_days: int, step_days: int = 28,
                   max_snapshots: int = 16, min_snapshots: int = 6) -> list[date]:
    """Training snapshot dates, oldest first, ending at ``as_of - horizon``.

    The first allowed date leaves ``WARMUP_DAYS`` of history for the 8-week intent and engagement
    windows. When the history is short the step shrinks (28, 14, 7 days) to keep enough snapshots.
    When intent and engagement reach back less than a horizon (a team that just started buying
    intent data), snapshots reach back into the opportunity history instead: the signals are then
    absent features in the older snapshots, and the model leans on fit and deal history until more
    weeks arrive.
    """
    last = as_of - timedelta(days=horizon_days)
    dates = _stepped_dates(_history_start(inputs) + timedelta(days=WARMUP_DAYS), last, step_days,
                           max_snapshots, min_snapshots)
    if len(dates) < 2:
        dates = _stepped_dates(_opportunity_history_start(inputs) + timedelta(days=WARMUP_DAYS), last,
                               step_days, max_snapshots, min_snapshots)
    return dates


def _stepped_dates(first: date, last: date, step_days: int, max_snapshots: int, min_snapshots: int) -> list[date]:
    dates: list[date] = []
    for step in sorted({step_days, 14, 7}, reverse=True):
        if step > step_days:
            continue
        dates = []
        t = last
        while t >= first and len(dates) < max_snapshots:
            dates.append(t)
            t -= timedelta(days=step)
        if len(dates) >= min_snapshots:
            break
    return sorted(dates)


def _opportunity_history_start(inputs: ScoringInputs) -> date:
    start = inputs.opportunities["created_date"].min()
    return start.date() if pd.notna(start) else date.min


def _history_start(inputs: ScoringInputs) -> date:
    starts = [inputs.intent["week_start"].min(), inputs.activities["activity_ts"].min()]
    starts = [s for s in starts if pd.notna(s)]
    if not starts:
        starts = [inputs.opportunities["created_date"].min()]
    starts = [s for s in starts if pd.notna(s)]
    return min(starts).date() if starts else date.min


def training_frame(inputs: ScoringInputs, spec: FeatureSpec, dates: list[date],
                   horizon_days: int) -> pd.DataFrame:
    """Snapshots at ``dates`` stacked, with their ``label`` (NaN where excluded).

    The features of every date come from one DuckDB query (:mod:`models_ml.scoring.features_sql`);
    the labels are taken date by date from the few columns they are conditioned on.
    """
    stacked = build_snapshots(dates, inputs, spec)
    labels = []
    for t, rows in stacked.groupby("snapshot_date", sort=False)[["account_key", "is_customer",
                                                                   "has_open_opportunity"]]:
        snapshot = rows.set_index("account_key")
        labels.append(new_opportunity_label(t.date(), snapshot, inputs, horizon_days).to_numpy())
    stacked["label"] = np.concatenate(labels) if labels else np.array([], dtype=float)
    return stacked


@dataclass(frozen=True)
class NegativeSampling:
    """How a large training set is cut down: every positive, negatives at a rate, weighted back.

    Opening an opportunity is rare (about 2% of account-snapshots in the sample worlds), so most
    of the rows the trees read are negatives that say the same thing again. Above ``min_rows``
    labelled rows to fit, negatives are kept at the rate ``r`` that leaves about
    ``negatives_per_positive`` of them per positive, and each kept negative weighs ``1/r``. A row's
    draw is a seeded uniform number by its position in the stacked frame, which the snapshot
    builder lays out in a fixed order: reruns keep the same rows, and the backtest origins and the
    published fit, which read subsets of one frame, agree on every row they share.
    """

    negatives_per_positive: float = 10.0
    min_rows: int = 500_000
    seed: int = 17

    def rate(self, label: np.ndarray) -> float:
        """The share of negatives kept when fitting on rows labelled ``label`` (1.0: no sampling)."""
        positives = int(np.count_nonzero(label == 1))
        negatives = int(np.count_nonzero(label == 0))
        if positives + negatives < self.min_rows or positives == 0 or negatives == 0:
            return 1.0
        return min(1.0, self.negatives_per_positive * positives / negatives)

    def kept(self, label: np.ndarray, rate: float) -> np.ndarray:
        """Mask of the rows of a frame labelled ``label`` (NaN: unlabelled) that a sample at ``rate`` keeps."""
        if rate >= 1.0:
            return np.ones(len(label), dtype=bool)
        draw = np.random.default_rng(self.seed).random(len(label))
        return (label == 1) | (draw < rate)


DEFAULT_SAMPLING = NegativeSampling()
NO_SAMPLING = NegativeSampling(negatives_per_positive=float("inf"))


@dataclass
class TrainingRows:
    """The rows one readiness fit reads: masks over the stacked frame, and the negatives' sampling rate."""

    fitting: np.ndarray
    calibration: np.ndarray
    rate: float = 1.0

    def weight(self, label: np.ndarray) -> np.ndarray | None:
        """Each row's weight in the population, for rows labelled ``label``; None when nothing was sampled."""
        if self.rate >= 1.0:
            return None
        return np.where(label == 1, 1.0, 1.0 / self.rate)


def training_rows(train: pd.DataFrame, rows: np.ndarray | None = None,
                  sampling: NegativeSampling = DEFAULT_SAMPLING) -> TrainingRows:
    """The labelled rows (of ``rows``) the trees fit on, all snapshots but the latest, and those the
    Platt calibration fits on, the latest (with a single snapshot, the trees take it too); both
    keep every positive and the negatives ``sampling`` draws, at the rate it sets on the fitting rows."""
    label = train["label"].to_numpy(dtype=np.float64)
    taken = ~np.isnan(label) if rows is None else rows & ~np.isnan(label)
    snapshot = train["snapshot_date"].to_numpy()
    dates = np.sort(np.unique(snapshot[taken]))
    calibration = taken & (snapshot == dates[-1])
    fitting = taken & (snapshot < dates[-1]) if len(dates) > 1 else taken
    rate = sampling.rate(label[fitting])
    if rate < 1.0:
        kept = sampling.kept(label, rate)
        fitting, calibration = fitting & kept, calibration & kept
    return TrainingRows(fitting=fitting, calibration=calibration, rate=rate)


def fitting_and_calibration_rows(train: pd.DataFrame, rows: np.ndarray | None = None,
                                 sampling: NegativeSampling = DEFAULT_SAMPLING) -> tuple[np.ndarray, np.ndarray]:
    """The two masks of :func:`training_rows`: the rows the trees fit on and those calibration fits on."""
    chosen = training_rows(train, rows, sampling)
    return chosen.fitting, chosen.calibration


def fit_readiness(train: pd.DataFrame, spec: FeatureSpec, num_rounds: int = 200, num_threads: int = 1,
                  rows: np.ndarray | None = None, sampling: NegativeSampling = DEFAULT_SAMPLING) -> ReadinessModel:
    """Trees on all but the latest snapshot of ``train`` (of its ``rows``, when given); Platt
    calibration on the latest; both on the rows :func:`training_rows` keeps, weighted back to the
    population when negatives were sampled. The frame is read through row masks, never copied whole."""
    features = feature_columns(spec)
    label = train["label"].to_numpy(dtype=np.float64)
    chosen = training_rows(train, rows, sampling)
    booster = train_booster(train, label[chosen.fitting], features, num_rounds, num_threads,
                            weight=chosen.weight(label[chosen.fitting]), rows=chosen.fitting)
    model = ReadinessModel(booster=booster, features=features, spec=spec)
    margin = model.margin(train, chosen.calibration).reshape(-1, 1)
    calibration_label = label[chosen.calibration].astype(int)
    if len(np.unique(calibration_label)) == 2:
        platt = LogisticRegression(C=1e6).fit(margin, calibration_label,
                                              sample_weight=chosen.weight(calibration_label))
        model.platt_slope = float(platt.coef_[0, 0])
        model.platt_intercept = float(platt.intercept_[0])
    return model


@dataclass
class ReadinessResult:
    model: ReadinessModel
    metrics: dict[str, float]
    origins: list[dict] = field(default_factory=list)
    train_rows: int = 0
    training_window: tuple[str, str] = ("", "")
    negative_sampling: dict = field(default_factory=dict)

    @property
    def forward(self) -> dict:
        """The origin that gave the forward figures (empty when the history allowed none)."""
        return next((o for o in self.origins if o.get("forward")), {})


def backtest(stacked: pd.DataFrame, spec: FeatureSpec, horizon_days: int, n_origins: int = 3,
             num_rounds: int = 200, num_threads: int = 1,
             sampling: NegativeSampling = DEFAULT_SAMPLING) -> list[dict]:
    """Rolling-origin evaluation: for each origin ``T``, train on what was known at ``T``, test on ``T``.

    Each result holds the model metrics on the origin's snapshot and the AUC of the two baselines a
    team would otherwise use (the intent score alone, the best MAP lead score alone), and the last
    snapshot the model trained on (``trained_through``). The latest origin is the latest snapshot.
    When the history is shorter than two horizons no origin has two fully labelled earlier
    snapshots; the backtest then trains on every earlier snapshot, whose label windows overlap the
    origin's, and says so (``protocol``); it then also tests on accounts kept out of training, so
    an account's own overlapping label cannot be memorised. Each origin's model is fitted on a
    sample when ``sampling`` says so; it is tested on every labelled row of the origin.
    """
    dates = sorted(pd.to_datetime(stacked.loc[stacked["label"].notna(), "snapshot_date"].unique()))
    horizon = pd.Timedelta(days=horizon_days)
    protocol = "strict"
    known_at = {T: [t for t in dates if t + horizon <= T] for T in dates}
    if not any(len(v) >= 2 for v in known_at.values()):
        protocol = "overlapping_labels"
        known_at = {T: [t for t in dates if t < T] for T in dates}
    eligible = [T for T in dates if len(known_at[T]) >= 2]
    results = []
    for T in eligible[-n_origins:]:
        train_dates = known_at[T]
        train = stacked["snapshot_date"].isin(train_dates).to_numpy()
        test = ((stacked["snapshot_date"] == T) & stacked["label"].notna()).to_numpy()
        if protocol == "overlapping_labels":
            held_out = stacked["account_key"].isin(_held_out_accounts(stacked["account_key"])).to_numpy()
            train, test = train & ~held_out, test & held_out
        model = fit_readiness(stacked, spec, num_rounds, num_threads, rows=train, sampling=sampling)
        label = stacked["label"].to_numpy(dtype=np.float64)[test]
        report = classification_report(label, model.predict(stacked, test))
        report.update(origin=T.date().isoformat(), protocol=protocol,
                      train_rows=int((train & stacked["label"].notna().to_numpy()).sum()),
                      trained_through=max(train_dates).date().isoformat(),
                      baseline_auc_intent_only=auc(label, stacked[INTENT_BASELINE].to_numpy()[test]),
                      baseline_auc_map_only=auc(label, stacked[MAP_BASELINE].to_numpy()[test]))
        results.append(report)
    return results


def _held_out_accounts(keys: pd.Series, share: float = 0.3, seed: int = 17) -> pd.Index:
    unique = np.sort(keys.unique())
    rng = np.random.default_rng(seed)
    return pd.Index(unique[rng.random(len(unique)) < share])


def forward_measurement(origins: list[dict], forward_origin: date) -> dict:
    """The backtest origin at ``forward_origin`` (``as_of - horizon``), empty when there is none.

    Found by its date rather than its flag so that versions stored before the flag existed
    publish their forward figure too.
    """
    wanted = forward_origin.isoformat()
    return next((o for o in origins if o.get("origin") == wanted), {})


def summarize_evaluation(origins: list[dict], forward_origin: date) -> dict[str, float]:
    """The figures published in ``model_performance``, all numbers.

    ``auc``, ``pr_auc``, ``top_decile_lift``, ``calibration_error``, ``brier``, the two baselines and
    ``positive_rate`` are those of the forward measurement (NaN when the history allows none);
    ``forward_rows`` and ``forward_train_rows`` say how many labelled accounts it was measured on
    and trained on, ``forward_overlapping_labels`` is 1 when it came from the short-history
    protocol. ``backtest_auc`` is the mean AUC over the backtest origins, ``backtest_origins`` how
    many there were.
    """
    forward = forward_measurement(origins, forward_origin)
    figures = {k: float(forward.get(k, float("nan"))) for k in FORWARD_METRICS}
    figures.update(
        forward_rows=float(forward.get("rows", float("nan"))),
        forward_train_rows=float(forward.get("train_rows", float("nan"))),
        forward_overlapping_labels=float(forward["protocol"] == "overlapping_labels") if forward else float("nan"),
        backtest_auc=float(np.nanmean([o["auc"] for o in origins])) if origins else float("nan"),
        backtest_origins=float(len(origins)))
    return figures


def published_figures(metadata: dict) -> dict:
    """The ``model_performance`` figures of a stored readiness version, with ``auc_protocol``.

    Versions stored before the forward figure was published kept the backtest mean under ``auc``;
    their forward figures are read back from their backtest origins, and that mean becomes their
    ``backtest_auc``, so every row of the table means the same thing.
    """
    metrics = dict(metadata.get("metrics", {}))
    as_of, horizon = metadata.get("as_of"), metadata.get("horizon_days")
    forward_origin = date.fromisoformat(as_of) - timedelta(days=int(horizon)) if as_of and horizon else None
    forward = forward_measurement(metadata.get("backtest", []), forward_origin) if forward_origin else {}
    if "backtest_auc" not in metrics:
        metrics = {**{k: forward.get(k) for k in FORWARD_METRICS}, "backtest_auc": metrics.get("auc")}
    metrics["auc_protocol"] = AUC_PROTOCOLS.get(forward.get("protocol"))
    return metrics


def train_readiness(inputs: ScoringInputs, spec: FeatureSpec, as_of: date, horizon_days: int,
                    step_days: int = 28, max_snapshots: int = 16, n_origins: int = 3,
                    num_rounds: int = 200, num_threads: int = 1,
                    sampling: NegativeSampling = DEFAULT_SAMPLING) -> ReadinessResult:
    """Backtest (its latest origin is the forward measurement), then fit the model to publish on
    every snapshot whose labels are complete; ``train_rows`` counts every labelled row, sampled or not,
    and ``negative_sampling`` records the sampling settings and the rate the published fit kept."""
    dates = snapshot_dates(inputs, as_of, horizon_days, step_days, max_snapshots)
    if len(dates) < 2:
        raise ValueError(f"readiness needs at least two training snapshots before {as_of} minus "
                         f"{horizon_days} days; the history has {len(dates)}")
    stacked = training_frame(inputs, spec, dates, horizon_days)
    origins = backtest(stacked, spec, horizon_days, n_origins, num_rounds, num_threads, sampling)
    for origin in origins:
        origin["forward"] = origin["origin"] == dates[-1].isoformat()
    model = fit_readiness(stacked, spec, num_rounds, num_threads, sampling=sampling)
    return ReadinessResult(model=model, metrics=summarize_evaluation(origins, dates[-1]), origins=origins,
                           train_rows=int(stacked["label"].notna().sum()),
                           training_window=(dates[0].isoformat(), dates[-1].isoformat()),
                           negative_sampling={**asdict(sampling), "rate": training_rows(stacked, sampling=sampling).rate})
