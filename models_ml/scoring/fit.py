"""ICP fit: how much a company looks like the ones that already bought.

Positive-unlabelled learning with the Elkan-Noto correction. Customers (a won deal, or the CRM's
customer type) are labelled positives; every other company in the universe is unlabelled, a mix of
poor fits and good fits nobody has sold to yet. A LightGBM classifier ``g(x) = P(labelled | x)`` is
trained on firmographic and technographic columns only (who the company is, never what it is doing
this week, so fit stays stable while readiness moves). Under the "selected completely at random"
assumption ``P(customer-like | x) = g(x) / c`` with ``c = E[g(x) | labelled]``, estimated on
out-of-fold predictions of the positives.

Every company is scored by a model that did not see it (k-fold, out of fold), so customers do not
get inflated in-sample scores. ``fit_probability`` is the corrected probability (capped at 1);
``fit_score`` is its percentile in the universe (0-100), which reps read as "better than N% of the
market" and which does not drift when the customer base grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd

from models_ml.scoring.features import FeatureSpec, fit_feature_columns
from models_ml.scoring.metrics import auc
from models_ml.scoring.readiness import train_booster


@dataclass
class FitResult:
    scores: pd.DataFrame  # index account_key: fit_probability, fit_score
    booster: lgb.Booster  # trained on every row, for reasons and the registry
    features: list[str]
    label_frequency: float  # Elkan-Noto c
    metrics: dict[str, float]


def train_fit_model(snapshot: pd.DataFrame, positives: pd.Series, spec: FeatureSpec,
                    n_folds: int = 3, num_rounds: int = 150, num_threads: int = 1,
                    seed: int = 17) -> FitResult:
    """Out-of-fold PU scores for every row of ``snapshot`` (``positives``: bool per account_key)."""
    features = fit_feature_columns(spec)
    labelled = positives.reindex(snapshot.index).fillna(False).astype(float)
    if labelled.sum() < n_folds or labelled.sum() == len(labelled):
        raise ValueError("fit model needs some customers and some non-customers in the universe")
    folds = _stratified_folds(labelled.to_numpy(), n_folds, seed)
    out_of_fold = np.zeros(len(snapshot))
    for k in range(n_folds):
        held = folds == k
        booster = train_booster(snapshot, labelled.to_numpy()[~held], features, num_rounds, num_threads, rows=~held)
        out_of_fold[held] = booster.predict(snapshot.loc[held, features].astype(float))
    c = float(out_of_fold[labelled.to_numpy() == 1].mean())
    probability = np.clip(out_of_fold / c, 0.0, 1.0)
    percentile = pd.Series(out_of_fold, index=snapshot.index).rank(pct=True, method="average")
    scores = pd.DataFrame({"fit_probability": probability,
                           "fit_score": (100.0 * percentile).round(1)}, index=snapshot.index)
    full = train_booster(snapshot, labelled, features, num_rounds, num_threads)
    metrics = {"label_frequency": c, "pu_auc_labelled_vs_unlabelled": auc(labelled, out_of_fold),
               "positives": float(labelled.sum()), "rows": float(len(labelled))}
    return FitResult(scores=scores, booster=full, features=features, label_frequency=c, metrics=metrics)


def competitor_technology_names(names: Iterable[str], technographics: pd.DataFrame) -> frozenset[str]:
    """The delivered technology names the ICP's competitor list designates, by product or by category.

    Sellers name competitors as they speak of them ("gong", "Sales Engagement"); vendors spell
    products their own way. Resolving the list against the technographics once, case-insensitively
    on ``technology`` and ``category``, gives the exact product names every snapshot counts.
    """
    wanted = {str(n).strip().casefold() for n in names if str(n).strip()}
    if not wanted or technographics.empty:
        return frozenset()
    technology = technographics["technology"].astype("string")
    category = technographics["category"].astype("string")
    named = technology.str.strip().str.casefold().isin(wanted) | category.str.strip().str.casefold().isin(wanted)
    return frozenset(technology[named.fillna(False)].dropna())


def _stratified_folds(labels: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number per row, with positives spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    folds = np.empty(len(labels), dtype=int)
    for value in (0.0, 1.0):
        rows = np.flatnonzero(labels == value)
        folds[rows] = rng.permutation(np.arange(len(rows)) % n_folds)
    return folds
