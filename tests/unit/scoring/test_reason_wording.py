"""The column-wise wording of reasons says exactly what the row-by-row wording it replaced said.

The reference below is that row-by-row wording (one ``iterrows`` pass, each factor phrased from a
row ``Series``); the frames mix NaN, pandas NA, zeros, halves that round to even, negatives,
booleans, missing columns, and contributions that tie or are exactly zero.
"""

from collections.abc import Callable

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.explain import SEPARATOR, explain, factor_of, fit_phrase_book, phrase_book, word_reasons
from models_ml.scoring.features import FeatureSpec, feature_columns, slug

SPEC = FeatureSpec(technologies=("CRM-X", "Mailer"), categories=("CRM",))


def _n(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(round(float(value)))


def _size_label(row: pd.Series) -> str:
    employees = int(round(np.expm1(row["log_employees"]))) if pd.notna(row.get("log_employees")) else None
    return f"{employees:,} employees" if employees is not None else "unknown size"


def _industry_label(row: pd.Series) -> str:
    sector = row.get("naics_sector")
    return f"NAICS {_n(sector)}" if pd.notna(sector) else "Unknown industry"


def _intent(row, up):
    weeks, cluster = _n(row.get("intent_top_cluster_weeks")), row.get("intent_top_cluster")
    if up and weeks > 0 and isinstance(cluster, str):
        return f"Surging on {cluster} topics for {weeks} week{'s' if weeks != 1 else ''}"
    if up:
        return f"Intent score {_n(row.get('intent_max_score_last_week'))} last week"
    if _n(row.get("intent_weeks_surging_8")) == 0:
        return "No intent surge in 8 weeks"
    return f"Intent cooling (momentum {_n(row.get('intent_momentum'))})"


def _engagement(row, up):
    contacts, idle = _n(row.get("eng_engaged_contacts_30d")), row.get("eng_days_since_last_activity")
    if not up and (pd.isna(idle) or idle >= 90):
        return "No engagement in 90 days"
    if contacts > 0:
        return f"{contacts} engaged contact{'s' if contacts != 1 else ''} in 30 days"
    return f"Last engagement {_n(idle)} days ago"


def _map(row, up):
    score = row.get("map_score_max")
    if pd.isna(score):
        return "No contacts scored in marketing automation"
    return f"{'High' if up else 'Low'} marketing lead score ({_n(score)})"


def _competitor(row, up):
    names = row.get("competitor_products")
    if _n(row.get("competitor_installs")) > 0 and isinstance(names, str) and names:
        return f"Uses a competitor's {names}"
    return "No competitor product installed"


def _customer(row, up):
    if _n(row.get("is_customer")) > 0:
        won = _n(row.get("won_deals"))
        return f"Existing customer ({won} won deal{'s' if won != 1 else ''})" if won else "Existing customer"
    return "Not yet a customer"


def _technology(name: str) -> Callable[[pd.Series, bool], str]:
    column = f"tech_{slug(name)}"
    return lambda row, up: f"Uses {name}" if _n(row.get(column)) > 0 else f"Does not use {name}"


def _fit_stack(row, up):
    count, categories = _n(row.get("tech_count")), _n(row.get("tech_category_count"))
    return (f"Technology stack ({count} product{'s' if count != 1 else ''} in {categories} "
            f"categor{'ies' if categories != 1 else 'y'}) {'like' if up else 'unlike'} customers'")


def row_book(spec: FeatureSpec) -> dict[str, Callable[[pd.Series, bool], str]]:
    book = {
        "intent": _intent, "engagement": _engagement, "map": _map, "competitor": _competitor,
        "size": lambda row, up: f"Company size ({_size_label(row)}) {'matches' if up else 'is unlike'} accounts that buy",
        "industry": lambda row, up: f"{_industry_label(row)} accounts {'often' if up else 'rarely'} open deals",
        "stack": lambda row, up: f"{_n(row.get('tech_count'))} technolog{'ies' if _n(row.get('tech_count')) != 1 else 'y'} installed",
        "customer": _customer,
        "lost": lambda row, up: ("No lost deals on record" if pd.isna(row.get("days_since_last_lost"))
                                 else f"Lost a deal {_n(row.get('days_since_last_lost'))} days ago")}
    book.update({f"tech_{slug(t)}": _technology(t) for t in spec.technologies})
    return book


def row_fit_book(spec: FeatureSpec) -> dict[str, Callable[[pd.Series, bool], str]]:
    return {**row_book(spec),
            "size": lambda row, up: f"Size ({_size_label(row)}) {'like' if up else 'unlike'} existing customers",
            "industry": lambda row, up: f"{_industry_label(row)} {'common' if up else 'rare'} among customers",
            "stack": _fit_stack}


def row_by_row(by_factor: np.ndarray, names: list[str], frame: pd.DataFrame, book, n_reasons: int = 3) -> list[str]:
    strongest = np.argsort(-np.abs(by_factor), axis=1, kind="stable")[:, :n_reasons]
    reasons = []
    for i, (_, row) in enumerate(frame.iterrows()):
        parts = []
        for j in strongest[i]:
            up = by_factor[i, j] >= 0
            parts.append(f"{'+' if up else '-'} {book[names[j]](row, up)}")
        reasons.append(SEPARATOR.join(parts))
    return reasons


def varied_snapshot(rows: int, seed: int) -> pd.DataFrame:
    """Snapshot rows whose values hit every branch of the wording, with the dtypes the pipeline gives them."""
    rng = np.random.default_rng(seed)

    def pick(*choices):
        return [choices[i] for i in rng.integers(0, len(choices), rows)]

    frame = pd.DataFrame({column: rng.choice([0.0, 1.0, 2.5, 3.5, -1.5, 4.0, np.nan], rows)
                          for column in feature_columns(SPEC)})
    frame["intent_top_cluster"] = pd.array(pick("crm", "sales ai", pd.NA), dtype="string")
    frame["intent_top_cluster_weeks"] = pd.array(pick(0, 1, 3, pd.NA), dtype="Int64")
    frame["intent_momentum"] = rng.choice([-12.5, -0.5, 0.0, 0.5, 7.25, np.nan], rows)
    frame["eng_days_since_last_activity"] = rng.choice([np.nan, 0.0, 12.5, 89.6, 90.0, 140.0], rows)
    frame["map_score_max"] = rng.choice([np.nan, 0.05, 49.5, 50.5, 100.0], rows)
    frame["log_employees"] = rng.choice([np.nan, 0.0, np.log1p(1), np.log1p(2500), np.log1p(1_234_567)], rows)
    frame["naics_sector"] = rng.choice([np.nan, 11.0, 54.0, 92.0], rows)
    frame["competitor_installs"] = rng.choice([0.0, 1.0, 2.0, np.nan], rows)
    frame["competitor_products"] = pick("CRM-X", "", np.nan, "CRM-X, Mailer")
    frame["is_customer"] = rng.random(rows) < 0.4
    frame["won_deals"] = pd.array(pick(0, 1, 2, pd.NA), dtype="Int64")
    frame["days_since_last_lost"] = rng.choice([np.nan, 0.0, 30.5, 31.5, 400.0], rows)
    frame["account_name"] = [f"Company {i}" for i in range(rows)]
    return frame.set_index(pd.Index([f"ACC-{i:04d}" for i in rng.permutation(rows)], name="account_key"))


def factor_names(features: list[str]) -> list[str]:
    return list(dict.fromkeys(factor_of(f) for f in features))


def varied_contributions(rows: int, factors: int, seed: int) -> np.ndarray:
    """Factor sums with exact zeros, negatives and ties of equal and opposite sign."""
    rng = np.random.default_rng(seed)
    by_factor = rng.choice([0.0, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 2.0], (rows, factors))
    by_factor[::7] = 0.0
    by_factor[1::7, :4] = [0.5, -0.5, 0.5, -0.5]
    return by_factor


@pytest.mark.parametrize("books", [(phrase_book, row_book), (fit_phrase_book, row_fit_book)],
                         ids=["readiness", "fit"])
def test_column_wise_wording_equals_row_by_row(books):
    column_wise, reference = books
    frame = varied_snapshot(400, seed=3)
    names = factor_names(feature_columns(SPEC))
    by_factor = varied_contributions(len(frame), len(names), seed=5)

    worded = word_reasons(by_factor, names, frame, column_wise(SPEC))

    assert worded.index.equals(frame.index)
    assert worded.tolist() == row_by_row(by_factor, names, frame, reference(SPEC))
    assert worded.str.contains("Surging on crm topics for 3 weeks").any()
    assert worded.str.contains(r"^\+ ", regex=True).any() and worded.str.contains(r"^- ", regex=True).any()


def test_ties_go_to_the_earlier_factor_and_zero_counts_as_raising():
    frame = varied_snapshot(3, seed=1)
    names = factor_names(feature_columns(SPEC))
    by_factor = np.zeros((3, len(names)))
    by_factor[1, [names.index("lost"), names.index("map")]] = [-0.5, 0.5]

    worded = word_reasons(by_factor, names, frame, phrase_book(SPEC)).tolist()

    assert worded[0].startswith("+ ") and worded[0].count("+ ") == 3
    assert worded[1].split(SEPARATOR)[0].startswith(("+ High marketing", "+ No contacts scored"))
    assert worded[1].split(SEPARATOR)[1].startswith(("- Lost a deal", "- No lost deals"))


def test_a_column_the_snapshot_lacks_reads_as_missing():
    frame = varied_snapshot(50, seed=9).drop(columns=["competitor_products", "won_deals", "intent_top_cluster"])
    names = factor_names(feature_columns(SPEC))
    by_factor = varied_contributions(len(frame), len(names), seed=2)

    worded = word_reasons(by_factor, names, frame, phrase_book(SPEC))

    assert worded.tolist() == row_by_row(by_factor, names, frame, row_book(SPEC))


def test_explain_on_a_real_booster_equals_row_by_row():
    frame = varied_snapshot(600, seed=11)
    features = feature_columns(SPEC)
    rng = np.random.default_rng(0)
    label = (np.nan_to_num(frame["intent_momentum"].to_numpy()) + rng.normal(0, 3, len(frame)) > 0).astype(int)
    booster = lgb.train({"objective": "binary", "num_leaves": 7, "min_data_in_leaf": 5, "verbose": -1,
                         "num_threads": 1, "seed": 1}, lgb.Dataset(frame[features].astype(float), label=label),
                        num_boost_round=15)
    contributions = booster.predict(frame[features].astype(float), pred_contrib=True)[:, :-1]
    names = factor_names(features)
    grouping = np.zeros((len(features), len(names)))
    grouping[np.arange(len(features)), [names.index(factor_of(f)) for f in features]] = 1.0

    worded = explain(booster, features, frame, phrase_book(SPEC))

    assert worded.tolist() == row_by_row(contributions @ grouping, names, frame, row_book(SPEC))
    assert worded.str.contains("Intent").mean() > 0.5
