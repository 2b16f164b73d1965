"""Score drift between two runs, as a population stability index (PSI).

A retrained model or a changed upstream feed can move every score at once while AUC on the
backtest still looks fine; comparing this run's score distribution with the last published one
catches that. Usual reading: below 0.1 stable, 0.1-0.25 worth a look, above 0.25 a real shift.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-4


def population_stability_index(previous, current, bins: int = 10) -> float:
    """PSI of ``current`` against ``previous``, on the deciles of ``previous``."""
    previous = np.asarray(previous, dtype=float)
    current = np.asarray(current, dtype=float)
    previous, current = previous[~np.isnan(previous)], current[~np.isnan(current)]
    if len(previous) == 0 or len(current) == 0:
        return float("nan")
    inner = np.unique(np.quantile(previous, np.linspace(0, 1, bins + 1)))[1:-1]
    edges = np.concatenate([[-np.inf], inner, [np.inf]])
    expected = np.histogram(previous, edges)[0] / len(previous)
    actual = np.histogram(current, edges)[0] / len(current)
    expected, actual = np.clip(expected, EPSILON, None), np.clip(actual, EPSILON, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))
