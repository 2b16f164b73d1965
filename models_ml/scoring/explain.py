"""``top_reasons`` and ``fit_reasons``: the three strongest signed factors behind a score, in words.

LightGBM's ``pred_contrib=True`` gives each feature's additive contribution to the margin (exact
tree SHAP). Related features are summed into one business factor first (all intent columns are
"intent", the engagement columns are "engagement") so the three reasons are three different things
rather than three flavours of intent; each factor is then worded from the row's own values, with
a ``+`` when it raises the score and a ``-`` when it lowers it.

``fit_reasons`` explain the ICP fit the same way, from the fit model trained on every company (the
published ``fit_score`` comes from out-of-fold models that each left a third of the market out, so
the reasons describe the model, not the exact fold that scored the row); only firmographic and
technographic factors can appear there, worded against the customers the model learned from.

SHAP costs ~1.7 s per 10k rows on these machines, so callers explain only the rows people read
(tiers A and B, or the top N per territory) and leave the others empty.
"""

from __future__ import annotations

from collections.abc import Callable

import lightgbm as lgb
import numpy as np
import pandas as pd

from models_ml.scoring.features import FeatureSpec, slug
from models_ml.scoring.fit import FitResult
from models_ml.scoring.readiness import ReadinessModel

SEPARATOR = " | "
N_REASONS = 3


def factor_of(feature: str) -> str:
    """The business factor a model column belongs to."""
    if feature.startswith("intent"):
        return "intent"
    if feature.startswith("eng_"):
        return "engagement"
    if feature.startswith("map_"):
        return "map"
    if feature in ("log_employees", "log_revenue", "company_age"):
        return "size"
    if feature == "naics_sector":
        return "industry"
    if feature == "competitor_installs":
        return "competitor"
    if feature.startswith("tech_") and feature not in ("tech_count", "tech_category_count"):
        return feature
    if feature.startswith("techcat_") or feature in ("tech_count", "tech_category_count"):
        return "stack"
    if feature == "days_since_last_lost":
        return "lost"
    return "customer"


def _n(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(round(float(value)))


def _intent(row: pd.Series, up: bool) -> str:
    weeks, cluster = _n(row.get("intent_top_cluster_weeks")), row.get("intent_top_cluster")
    if up and weeks > 0 and isinstance(cluster, str):
        return f"Surging on {cluster} topics for {weeks} week{'s' if weeks != 1 else ''}"
    if up:
        return f"Intent score {_n(row.get('intent_max_score_last_week'))} last week"
    if _n(row.get("intent_weeks_surging_8")) == 0:
        return "No intent surge in 8 weeks"
    return f"Intent cooling (momentum {_n(row.get('intent_momentum'))})"


def _engagement(row: pd.Series, up: bool) -> str:
    contacts, idle = _n(row.get("eng_engaged_contacts_30d")), row.get("eng_days_since_last_activity")
    if not up and (pd.isna(idle) or idle >= 90):
        return "No engagement in 90 days"
    if contacts > 0:
        return f"{contacts} engaged contact{'s' if contacts != 1 else ''} in 30 days"
    return f"Last engagement {_n(idle)} days ago"


def _map(row: pd.Series, up: bool) -> str:
    score = row.get("map_score_max")
    if pd.isna(score):
        return "No contacts scored in marketing automation"
    return f"{'High' if up else 'Low'} marketing lead score ({_n(score)})"


def _size_label(row: pd.Series) -> str:
    """Employees back from the model's log scale, so both wordings name the company's real size."""
    employees = int(round(np.expm1(row["log_employees"]))) if pd.notna(row.get("log_employees")) else None
    return f"{employees:,} employees" if employees is not None else "unknown size"


def _industry_label(row: pd.Series) -> str:
    sector = row.get("naics_sector")
    return f"NAICS {_n(sector)}" if pd.notna(sector) else "Unknown industry"


def _size(row: pd.Series, up: bool) -> str:
    return f"Company size ({_size_label(row)}) {'matches' if up else 'is unlike'} accounts that buy"


def _industry(row: pd.Series, up: bool) -> str:
    return f"{_industry_label(row)} accounts {'often' if up else 'rarely'} open deals"


def _competitor(row: pd.Series, up: bool) -> str:
    names = row.get("competitor_products")
    if _n(row.get("competitor_installs")) > 0 and isinstance(names, str) and names:
        return f"Uses a competitor's {names}"
    return "No competitor product installed"


def _stack(row: pd.Series, up: bool) -> str:
    count = _n(row.get("tech_count"))
    return f"{count} technolog{'ies' if count != 1 else 'y'} installed"


def _customer(row: pd.Series, up: bool) -> str:
    if _n(row.get("is_customer")) > 0:
        won = _n(row.get("won_deals"))
        return f"Existing customer ({won} won deal{'s' if won != 1 else ''})" if won else "Existing customer"
    return "Not yet a customer"


def _lost(row: pd.Series, up: bool) -> str:
    days = row.get("days_since_last_lost")
    return "No lost deals on record" if pd.isna(days) else f"Lost a deal {_n(days)} days ago"


def _technology(name: str) -> Callable[[pd.Series, bool], str]:
    column = f"tech_{slug(name)}"
    return lambda row, up: f"Uses {name}" if _n(row.get(column)) > 0 else f"Does not use {name}"


def _fit_size(row: pd.Series, up: bool) -> str:
    return f"Size ({_size_label(row)}) {'like' if up else 'unlike'} existing customers"


def _fit_industry(row: pd.Series, up: bool) -> str:
    return f"{_industry_label(row)} {'common' if up else 'rare'} among customers"


def _fit_stack(row: pd.Series, up: bool) -> str:
    count, categories = _n(row.get("tech_count")), _n(row.get("tech_category_count"))
    return (f"Technology stack ({count} product{'s' if count != 1 else ''} in {categories} "
            f"categor{'ies' if categories != 1 else 'y'}) {'like' if up else 'unlike'} customers'")


def phrase_book(spec: FeatureSpec) -> dict[str, Callable[[pd.Series, bool], str]]:
    book = {"intent": _intent, "engagement": _engagement, "map": _map, "size": _size,
            "industry": _industry, "competitor": _competitor, "stack": _stack,
            "customer": _customer, "lost": _lost}
    book.update({f"tech_{slug(t)}": _technology(t) for t in spec.technologies})
    return book


def fit_phrase_book(spec: FeatureSpec) -> dict[str, Callable[[pd.Series, bool], str]]:
    """The readiness wording, with size, industry and stack said against the customers fit learns from."""
    return {**phrase_book(spec), "size": _fit_size, "industry": _fit_industry, "stack": _fit_stack}


def top_reasons(model: ReadinessModel, frame: pd.DataFrame, n_reasons: int = N_REASONS) -> pd.Series:
    """``"+ reason | - reason | + reason"`` per row of ``frame`` (a snapshot slice), same index."""
    return explain(model.booster, model.features, frame, phrase_book(model.spec), n_reasons)


def fit_reasons(fit: FitResult, spec: FeatureSpec, frame: pd.DataFrame, n_reasons: int = N_REASONS) -> pd.Series:
    """The fit score's ``"+ reason | - reason | + reason"`` per row of ``frame``, same index."""
    return explain(fit.booster, fit.features, frame, fit_phrase_book(spec), n_reasons)


def explain(booster: lgb.Booster, features: list[str], frame: pd.DataFrame,
            book: dict[str, Callable[[pd.Series, bool], str]], n_reasons: int = N_REASONS) -> pd.Series:
    """The ``n_reasons`` business factors with the largest contributions to ``booster``'s margin, worded."""
    if frame.empty:
        return pd.Series(dtype="string", index=frame.index)
    contributions = booster.predict(frame[features].astype(float), pred_contrib=True)[:, :-1]
    factors = [factor_of(f) for f in features]
    names = list(dict.fromkeys(factors))
    grouping = np.zeros((len(factors), len(names)))
    grouping[np.arange(len(factors)), [names.index(f) for f in factors]] = 1.0
    by_factor = contributions @ grouping
    strongest = np.argsort(-np.abs(by_factor), axis=1, kind="stable")[:, :n_reasons]
    reasons = []
    for i, (_, row) in enumerate(frame.iterrows()):
        parts = []
        for j in strongest[i]:
            up = by_factor[i, j] >= 0
            parts.append(f"{'+' if up else '-'} {book[names[j]](row, up)}")
        reasons.append(SEPARATOR.join(parts))
    return pd.Series(reasons, index=frame.index, dtype="string")
