"""The quality gate a new readiness model must pass before its scores are published.

Two rules, both on the forward measurement (the model trained on what was known at
``as_of - horizon``, measured on what happened up to ``as_of``; see :mod:`models_ml.scoring.readiness`):
the model must rank better than the single signals a team could use without it (intent alone, MAP
score alone), and it must not be clearly worse than the model that produced the scores people are
using now (AUC down by more than ``tolerance``). The rolling backtest mean is reported beside it but
never decides: it averages older origins, further from the scores being published.

A model published before the forward figure existed stored its backtest mean as ``auc``; against
such a model the new backtest mean is compared, like with like, so an upgrade alone cannot block.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

AUC_TOLERANCE = 0.02


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    description: str
    metadata: dict = field(default_factory=dict)


def _finite(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _beside(metrics: dict) -> str:
    backtest = metrics.get("backtest_auc")
    return f" (backtest mean {backtest:.3f})" if _finite(backtest) else ""


def readiness_gate(metrics: dict, previous_metrics: dict | None,
                   tolerance: float = AUC_TOLERANCE) -> list[GateResult]:
    auc = metrics.get("auc")
    baselines = {k: metrics.get(k, float("nan")) for k in ("baseline_auc_intent_only", "baseline_auc_map_only")}
    known = [v for v in baselines.values() if _finite(v)]
    beats = _finite(auc) and all(auc > v for v in known)
    results = [GateResult(
        "readiness_beats_baselines", bool(beats),
        f"forward AUC {auc:.3f}{_beside(metrics)} against intent-only {baselines['baseline_auc_intent_only']:.3f} "
        f"and MAP-only {baselines['baseline_auc_map_only']:.3f}" if _finite(auc) else "no forward AUC",
        {"auc": auc, "backtest_auc": metrics.get("backtest_auc"), **baselines})]
    previous = previous_metrics or {}
    previous_auc = previous.get("auc")
    label, current = "forward", auc
    if previous and "backtest_auc" not in previous and _finite(metrics.get("backtest_auc")):
        label, current = "backtest mean", metrics["backtest_auc"]
    if not _finite(previous_auc):
        results.append(GateResult("readiness_auc_not_worse", _finite(auc),
                                  "no earlier published model to compare with", {"auc": auc}))
    else:
        ok = _finite(current) and _finite(auc) and current >= previous_auc - tolerance
        results.append(GateResult(
            "readiness_auc_not_worse", bool(ok),
            f"{label} AUC {current:.3f} against {previous_auc:.3f} for the last published model "
            f"(tolerance {tolerance})" if _finite(current) else "no forward AUC",
            {"auc": current, "previous_auc": previous_auc, "tolerance": tolerance}))
    return results
