"""Model quality numbers published in ``marts.model_performance``.

AUC says how well the model ranks; PR-AUC and top-decile lift say how much a rep gains by working
the top of the list (what territory planning actually uses); expected calibration error says
whether ``readiness_probability`` can be read as a probability (expected pipeline sums it), and
the Brier score (mean squared error of the probability) weighs ranking and calibration together.
Each is computed on one test set at a time; for readiness the published figures are those of the
forward measurement (see :mod:`models_ml.scoring.readiness`), the backtest mean is ``backtest_auc``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score


def auc(labels, scores) -> float:
    """ROC AUC; NaN when only one class is present (it is undefined, not 0.5)."""
    labels, scores = _clean(labels, scores)
    if len(np.unique(labels)) < 2:
        return float("nan")
    return float(roc_auc_score(labels, scores))


def pr_auc(labels, scores) -> float:
    labels, scores = _clean(labels, scores)
    if labels.sum() == 0:
        return float("nan")
    return float(average_precision_score(labels, scores))


def top_decile_lift(labels, scores) -> float:
    """Positive rate in the top 10% of scores divided by the overall positive rate."""
    labels, scores = _clean(labels, scores)
    if labels.sum() == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    top = labels[order[: max(1, int(np.ceil(len(labels) * 0.1)))]]
    return float(top.mean() / labels.mean())


def expected_calibration_error(labels, probabilities, bins: int = 10) -> float:
    """Mean |observed rate - mean probability| over equal-count bins, weighted by bin size."""
    labels, probabilities = _clean(labels, probabilities)
    if len(labels) == 0:
        return float("nan")
    order = np.argsort(probabilities, kind="stable")
    error = 0.0
    for chunk in np.array_split(order, min(bins, len(order))):
        error += len(chunk) * abs(labels[chunk].mean() - probabilities[chunk].mean())
    return float(error / len(labels))


def brier_score(labels, probabilities) -> float:
    """Mean squared difference between the probability and what happened (0 is perfect)."""
    labels, probabilities = _clean(labels, probabilities)
    if len(labels) == 0:
        return float("nan")
    return float(np.mean((probabilities - labels) ** 2))


def classification_report(labels, probabilities) -> dict[str, float]:
    return {"auc": auc(labels, probabilities), "pr_auc": pr_auc(labels, probabilities),
            "top_decile_lift": top_decile_lift(labels, probabilities),
            "calibration_error": expected_calibration_error(labels, probabilities),
            "brier": brier_score(labels, probabilities),
            "positive_rate": float(np.nanmean(np.asarray(labels, dtype=float))) if len(labels) else float("nan"),
            "rows": int(len(labels))}


def _clean(labels, scores) -> tuple[np.ndarray, np.ndarray]:
    """Drop unlabelled rows; a missing score ranks below every present one (no signal)."""
    labels = np.asarray(pd.Series(labels, dtype=float))
    scores = np.asarray(pd.Series(scores, dtype=float))
    keep = ~np.isnan(labels)
    labels, scores = labels[keep], scores[keep]
    missing = np.isnan(scores)
    if missing.any():
        floor = np.nanmin(scores) - 1.0 if (~missing).any() else 0.0
        scores = np.where(missing, floor, scores)
    return labels, scores
