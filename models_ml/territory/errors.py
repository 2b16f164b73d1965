"""Errors the planner raises instead of returning a plan that breaks the business's rules."""

from __future__ import annotations


class PlanningError(RuntimeError):
    """A territory plan could not be produced; the message says why in business terms."""


class InfeasibleTolerance(PlanningError):
    """No alignment keeps every territory within the balance tolerance of the segment mean."""

    def __init__(self, segment: str, tolerance: float, best_deviation_pct: float | None, metric: str, detail: str = "") -> None:
        self.segment = segment
        self.tolerance = tolerance
        self.best_deviation_pct = best_deviation_pct
        best = (
            f"the best achievable is ±{best_deviation_pct:.1f}%"
            if best_deviation_pct is not None
            else "no alignment meets the capacity and lock constraints at any tolerance"
        )
        super().__init__(
            f"Segment {segment!r}: no plan keeps every territory's {metric} within ±{tolerance * 100:.1f}% "
            f"of the segment mean; {best}{detail}. Raise territory_plan.tolerance, release locks, "
            f"or change territories_per_segment."
        )
