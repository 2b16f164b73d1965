"""The quality gate a new readiness model must pass before its scores are published.

Two rules, both from the backtest: the model must rank better than the single signals a team
could use without it (intent alone, MAP score alone), and it must not be clearly worse than the
model that produced the scores people are using now (AUC down by more than ``tolerance``).
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


def readiness_gate(metrics: dict, previous_metrics: dict | None,
                   tolerance: float = AUC_TOLERANCE) -> list[GateResult]:
    auc = metrics.get("auc")
    baselines = {k: metrics.get(k, float("nan")) for k in ("baseline_auc_intent_only", "baseline_auc_map_only")}
    known = [v for v in baselines.values() if _finite(v)]
    beats = _finite(auc) and all(auc > v for v in known)
    results = [GateResult(
        "readiness_beats_baselines", bool(beats),
        f"backtest AUC {auc:.3f} against intent-only {baselines['baseline_auc_intent_only']:.3f} "
        f"and MAP-only {baselines['baseline_auc_map_only']:.3f}" if _finite(auc) else "no backtest AUC",
        {"auc": auc, **baselines})]
    previous_auc = (previous_metrics or {}).get("auc")
    if not _finite(previous_auc):
        results.append(GateResult("readiness_auc_not_worse", _finite(auc),
                                  "no earlier published model to compare with", {"auc": auc}))
    else:
        ok = _finite(auc) and auc >= previous_auc - tolerance
        results.append(GateResult(
            "readiness_auc_not_worse", bool(ok),
            f"backtest AUC {auc:.3f} against {previous_auc:.3f} for the last published model "
            f"(tolerance {tolerance})", {"auc": auc, "previous_auc": previous_auc, "tolerance": tolerance}))
    return results
