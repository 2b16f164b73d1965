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
(tiers A and B, or the top N per territory) and leave the others empty, and a weekly run sends to
SHAP only the rows whose values changed since the last run (:mod:`models_ml.scoring.reason_cache`).
The words are written a factor at a time over all the rows that rank it, not row by row.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import lightgbm as lgb
import numpy as np
import pandas as pd

from models_ml.scoring.features import FeatureSpec, slug
from models_ml.scoring.fit import FitResult
from models_ml.scoring.readiness import ReadinessModel, model_matrix
from models_ml.scoring.reason_cache import FACTOR_LIMIT, MAX_KEPT, ReasonCache, decode, encode, model_digest, row_keys

SEPARATOR = " | "
SHAP_CHUNK_ROWS = 20_000
SHAP_MIN_CHUNK_ROWS = 2_000
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


class Rows:
    """The rows of a snapshot that need one factor worded, read a column at a time.

    Phrasing a million-row snapshot row by row (``iterrows``) cost more than the rest of the
    wording; reading each column once for all the rows that need it costs a fraction of that.
    A column the snapshot lacks reads as missing, as ``row.get`` did.
    """

    def __init__(self, frame: pd.DataFrame, positions: np.ndarray):
        self.frame, self.positions = frame, positions

    def __len__(self) -> int:
        return len(self.positions)

    def values(self, column: str) -> list:
        if column not in self.frame.columns:
            return [None] * len(self)
        return self.frame[column].iloc[self.positions].tolist()

    def numbers(self, column: str) -> np.ndarray:
        """The column as floats, NaN where missing."""
        if column not in self.frame.columns:
            return np.full(len(self), np.nan)
        return self.frame[column].iloc[self.positions].to_numpy(dtype=float, na_value=np.nan)

    def counts(self, column: str) -> list[int]:
        """The column rounded half to even to whole numbers, 0 where missing."""
        values = self.numbers(column)
        return np.where(np.isnan(values), 0.0, np.rint(values)).astype(np.int64).tolist()


Phrase = Callable[[Rows, np.ndarray], list[str]]


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _intent(rows: Rows, up: np.ndarray) -> list[str]:
    columns = zip(up.tolist(), rows.counts("intent_top_cluster_weeks"), rows.values("intent_top_cluster"),
                  rows.counts("intent_max_score_last_week"), rows.counts("intent_weeks_surging_8"),
                  rows.counts("intent_momentum"))
    return [f"Surging on {cluster} topics for {weeks} week{_plural(weeks, '', 's')}"
            if is_up and weeks > 0 and isinstance(cluster, str) else
            f"Intent score {last_week} last week" if is_up else
            "No intent surge in 8 weeks" if surging == 0 else
            f"Intent cooling (momentum {momentum})"
            for is_up, weeks, cluster, last_week, surging, momentum in columns]


def _engagement(rows: Rows, up: np.ndarray) -> list[str]:
    idle = rows.numbers("eng_days_since_last_activity")
    quiet = (np.isnan(idle) | (idle >= 90)).tolist()
    idle_days = np.where(np.isnan(idle), 0.0, np.rint(idle)).astype(np.int64).tolist()
    columns = zip(up.tolist(), quiet, rows.counts("eng_engaged_contacts_30d"), idle_days)
    return ["No engagement in 90 days" if not is_up and is_quiet else
            f"{contacts} engaged contact{_plural(contacts, '', 's')} in 30 days" if contacts > 0 else
            f"Last engagement {days} days ago"
            for is_up, is_quiet, contacts, days in columns]


def _map(rows: Rows, up: np.ndarray) -> list[str]:
    scored = (~np.isnan(rows.numbers("map_score_max"))).tolist()
    return [f"{'High' if is_up else 'Low'} marketing lead score ({score})" if has_score else
            "No contacts scored in marketing automation"
            for is_up, has_score, score in zip(up.tolist(), scored, rows.counts("map_score_max"))]


def _size_labels(rows: Rows) -> list[str]:
    """Employees back from the model's log scale, so both wordings name the company's real size."""
    log_employees = rows.numbers("log_employees")
    known = (~np.isnan(log_employees)).tolist()
    employees = np.rint(np.expm1(np.nan_to_num(log_employees))).astype(np.int64).tolist()
    return [f"{count:,} employees" if is_known else "unknown size" for is_known, count in zip(known, employees)]


def _industry_labels(rows: Rows) -> list[str]:
    known = (~np.isnan(rows.numbers("naics_sector"))).tolist()
    return [f"NAICS {sector}" if is_known else "Unknown industry"
            for is_known, sector in zip(known, rows.counts("naics_sector"))]


def _size(rows: Rows, up: np.ndarray) -> list[str]:
    return [f"Company size ({label}) {'matches' if is_up else 'is unlike'} accounts that buy"
            for is_up, label in zip(up.tolist(), _size_labels(rows))]


def _industry(rows: Rows, up: np.ndarray) -> list[str]:
    return [f"{label} accounts {'often' if is_up else 'rarely'} open deals"
            for is_up, label in zip(up.tolist(), _industry_labels(rows))]


def _competitor(rows: Rows, up: np.ndarray) -> list[str]:
    columns = zip(rows.counts("competitor_installs"), rows.values("competitor_products"))
    return [f"Uses a competitor's {names}" if installs > 0 and isinstance(names, str) and names else
            "No competitor product installed"
            for installs, names in columns]


def _stack(rows: Rows, up: np.ndarray) -> list[str]:
    return [f"{count} technolog{_plural(count, 'y', 'ies')} installed" for count in rows.counts("tech_count")]


def _customer(rows: Rows, up: np.ndarray) -> list[str]:
    columns = zip(rows.counts("is_customer"), rows.counts("won_deals"))
    return [("Existing customer" if not won else f"Existing customer ({won} won deal{_plural(won, '', 's')})")
            if customer > 0 else "Not yet a customer"
            for customer, won in columns]


def _lost(rows: Rows, up: np.ndarray) -> list[str]:
    days = rows.numbers("days_since_last_lost")
    lost = (~np.isnan(days)).tolist()
    return [f"Lost a deal {count} days ago" if has_lost else "No lost deals on record"
            for has_lost, count in zip(lost, rows.counts("days_since_last_lost"))]


def _technology(name: str) -> Phrase:
    column = f"tech_{slug(name)}"
    return lambda rows, up: [f"Uses {name}" if count > 0 else f"Does not use {name}" for count in rows.counts(column)]


def _fit_size(rows: Rows, up: np.ndarray) -> list[str]:
    return [f"Size ({label}) {'like' if is_up else 'unlike'} existing customers"
            for is_up, label in zip(up.tolist(), _size_labels(rows))]


def _fit_industry(rows: Rows, up: np.ndarray) -> list[str]:
    return [f"{label} {'common' if is_up else 'rare'} among customers"
            for is_up, label in zip(up.tolist(), _industry_labels(rows))]


def _fit_stack(rows: Rows, up: np.ndarray) -> list[str]:
    columns = zip(up.tolist(), rows.counts("tech_count"), rows.counts("tech_category_count"))
    return [f"Technology stack ({count} product{_plural(count, '', 's')} in {categories} "
            f"categor{_plural(categories, 'y', 'ies')}) {'like' if is_up else 'unlike'} customers'"
            for is_up, count, categories in columns]


def phrase_book(spec: FeatureSpec) -> dict[str, Phrase]:
    book = {"intent": _intent, "engagement": _engagement, "map": _map, "size": _size,
            "industry": _industry, "competitor": _competitor, "stack": _stack,
            "customer": _customer, "lost": _lost}
    book.update({f"tech_{slug(t)}": _technology(t) for t in spec.technologies})
    return book


def fit_phrase_book(spec: FeatureSpec) -> dict[str, Phrase]:
    """The readiness wording, with size, industry and stack said against the customers fit learns from."""
    return {**phrase_book(spec), "size": _fit_size, "industry": _fit_industry, "stack": _fit_stack}


def top_reasons(model: ReadinessModel, frame: pd.DataFrame, n_reasons: int = N_REASONS,
                cache: ReasonCache | None = None) -> pd.Series:
    """``"+ reason | - reason | + reason"`` per row of ``frame`` (a snapshot slice), same index."""
    return explain(model.booster, model.features, frame, phrase_book(model.spec), n_reasons, cache)


def fit_reasons(fit: FitResult, spec: FeatureSpec, frame: pd.DataFrame, n_reasons: int = N_REASONS,
                cache: ReasonCache | None = None) -> pd.Series:
    """The fit score's ``"+ reason | - reason | + reason"`` per row of ``frame``, same index."""
    return explain(fit.booster, fit.features, frame, fit_phrase_book(spec), n_reasons, cache)


def explain(booster: lgb.Booster, features: list[str], frame: pd.DataFrame, book: dict[str, Phrase],
            n_reasons: int = N_REASONS, cache: ReasonCache | None = None) -> pd.Series:
    """The ``n_reasons`` business factors with the largest contributions to ``booster``'s margin, worded.

    With a ``cache``, rows whose values it remembers for this model take their ranked factors from
    it and only the others are sent to SHAP; every row explained is remembered for the next run.
    The values explained are those the trees read (:func:`~models_ml.scoring.readiness.model_matrix`,
    negative zero as zero): a sum DuckDB adds in another order then explains, and is remembered, as
    the same row.
    """
    if frame.empty:
        return pd.Series(dtype="string", index=frame.index)
    names = list(dict.fromkeys(factor_of(f) for f in features))
    matrix = pd.DataFrame(model_matrix(frame, features) + 0.0, index=frame.index, columns=features)
    if cache is None:
        strongest, raises = strongest_factors(_by_factor(booster, features, names, matrix), n_reasons)
    else:
        strongest, raises = _remembered_or_computed(booster, features, names, matrix, n_reasons, cache)
    return word_ranked(strongest, raises, names, frame, book)


def shap_contributions(booster: lgb.Booster, matrix: pd.DataFrame, workers: int | None = None) -> np.ndarray:
    """LightGBM's ``pred_contrib`` for every row, in row chunks over a thread pool.

    Tree SHAP is most of a scoring run, and LightGBM computes it for a matrix on one core whatever
    ``num_threads`` says; its C API releases the GIL, so chunks run side by side on every core.
    Each row's contributions depend on that row alone: the result is the one-call result, bit for bit.
    """
    workers = workers or os.cpu_count() or 1
    chunk = min(SHAP_CHUNK_ROWS, max(SHAP_MIN_CHUNK_ROWS, -(-len(matrix) // workers)))
    if workers == 1 or len(matrix) <= chunk:
        return booster.predict(matrix, pred_contrib=True)
    starts = range(0, len(matrix), chunk)
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda start: booster.predict(matrix.iloc[start:start + chunk], pred_contrib=True), starts)
        return np.vstack(list(parts))


def _by_factor(booster: lgb.Booster, features: list[str], names: list[str], matrix: pd.DataFrame) -> np.ndarray:
    """Each row's SHAP contributions summed by business factor, one column per name."""
    contributions = shap_contributions(booster, matrix)[:, :-1]
    grouping = np.zeros((len(features), len(names)))
    grouping[np.arange(len(features)), [names.index(factor_of(f)) for f in features]] = 1.0
    return contributions @ grouping


def _remembered_or_computed(booster: lgb.Booster, features: list[str], names: list[str], matrix: pd.DataFrame,
                            n_reasons: int, cache: ReasonCache) -> tuple[np.ndarray, np.ndarray]:
    kept = min(n_reasons, len(names))
    if kept > MAX_KEPT or len(names) > FACTOR_LIMIT:
        return strongest_factors(_by_factor(booster, features, names, matrix), n_reasons)
    digest = model_digest(booster, features, n_reasons)
    key_a, key_b = row_keys(matrix)
    codes, remembered = cache.lookup(digest, key_a, key_b)
    strongest, raises = decode(codes, kept)
    new = ~remembered
    if new.any():
        strongest[new], raises[new] = strongest_factors(
            _by_factor(booster, features, names, matrix.iloc[np.flatnonzero(new)]), n_reasons)
        codes[new] = encode(strongest[new], raises[new])
    cache.hits += int(remembered.sum())
    cache.misses += int(new.sum())
    cache.keep(digest, key_a, key_b, codes)
    return strongest, raises


def strongest_factors(by_factor: np.ndarray, n_reasons: int = N_REASONS) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``n_reasons`` factors of largest absolute contribution (ties go to the earlier factor),
    and whether each raises the score (a zero contribution counts as raising)."""
    strongest = np.argsort(-np.abs(by_factor), axis=1, kind="stable")[:, :n_reasons]
    return strongest, np.take_along_axis(by_factor, strongest, axis=1) >= 0


def word_reasons(by_factor: np.ndarray, names: list[str], frame: pd.DataFrame, book: dict[str, Phrase],
                 n_reasons: int = N_REASONS) -> pd.Series:
    """The strongest factors of ``by_factor`` (one column per name), signed and worded."""
    return word_ranked(*strongest_factors(by_factor, n_reasons), names, frame, book)


def word_ranked(strongest: np.ndarray, raises: np.ndarray, names: list[str], frame: pd.DataFrame,
                book: dict[str, Phrase]) -> pd.Series:
    """``"+ reason | - reason"`` from each row's ranked factors, one factor at a time over the rows it ranks in."""
    parts = np.empty(strongest.shape, dtype=object)
    for j, name in enumerate(names):
        positions, ranks = np.nonzero(strongest == j)
        if len(positions):
            up = raises[positions, ranks]
            words = book[name](Rows(frame, positions), up)
            parts[positions, ranks] = [("+ " if is_up else "- ") + text for is_up, text in zip(up.tolist(), words)]
    return pd.Series(_joined(parts), index=frame.index, dtype="string")


def _joined(parts: np.ndarray) -> np.ndarray:
    """Each row's parts joined by :data:`SEPARATOR`, a column at a time (a third of the time a join per row takes)."""
    if not parts.shape[1]:
        return np.full(len(parts), "", dtype=object)
    text = parts[:, 0]
    for k in range(1, parts.shape[1]):
        text = text + SEPARATOR + parts[:, k]
    return text
