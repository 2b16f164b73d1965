"""Territory design: balanced, contiguous, low-disruption plans and the metrics to judge them."""

from .baseline import equal_count_split
from .errors import InfeasibleTolerance, PlanningError
from .inputs import ACCOUNT_COLUMNS, TERRITORY_COLUMNS, PlanSettings
from .metrics import fairness_metrics
from .planner import PlanResult, plan_territories
from .reps import match_reps

__all__ = [
    "ACCOUNT_COLUMNS", "TERRITORY_COLUMNS", "InfeasibleTolerance", "PlanResult", "PlanSettings",
    "PlanningError", "equal_count_split", "fairness_metrics", "match_reps", "plan_territories",
]
