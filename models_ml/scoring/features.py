"""Point-in-time account features: what a rep could have known at the end of day ``t``.

Training stacks snapshots taken at past dates and learns what followed each; if a snapshot saw a
single row dated after its ``t``, or a link made after ``t``, the backtest would flatter the model
and the live scores would disappoint. So a snapshot at ``t`` sees each record only as it was at
``t`` (the rules are the time machine's, tests/integration/test_time_machine.py):

- the accounts are the companies known at ``t``: the vendor universe and the CRM companies whose
  first account was created by ``t`` (the live snapshot keeps every company known today, so the
  published tables cover the whole TAM);
- intent weeks that ended by ``t``; activities and lead scores stamped by ``t`` (a lead score as the
  address's newest score of each system by then), tied to the company of a CRM contact that existed
  at ``t`` (its account at ``t``), else of the e-mail domain if that company was known at ``t``, else
  to none (:mod:`models_ml.scoring.links`); engaged contacts count e-mail addresses;
- opportunities created by ``t`` in their version at ``t``: stage, outcome, close date, type and
  amount as the CRM showed them then, closed by ``t`` only if that version is closed with a close
  date by ``t``; customer status is a deal won by ``t``, never today's account ``Type`` (only the
  live snapshot adds it);
- technology installs first seen by ``t`` (last seen after ``t`` reads as seen at ``t``).

Not point in time: the firmographic columns (``log_employees``, ``log_revenue``, ``naics_sector``,
``company_age``) come from today's golden record, because the vendor universe keeps no history,
and which records and domains make up a company is today's entity resolution.

The vocabulary of columns (which technologies and categories get their own feature) is a
:class:`FeatureSpec` fixed once per model, so every snapshot of a training set and the live
snapshot have exactly the same columns.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from models_ml.scoring.inputs import ACTIVITY_TYPES, INTENT_VENDORS, ScoringInputs
from models_ml.scoring.links import accounts_at, valid_at

ENGAGEMENT_HALF_LIFE_DAYS = 30.0
SIGNAL_WINDOW_DAYS = 56
"""The longest look-back of any intent or engagement feature. Training snapshots start this long after
the first signal, so a snapshot early in the history sees as much as one on the scoring date: with a
longer look-back, days since the last activity (and the decayed sums) would mean one thing in the
first snapshots and another at ``as_of``, and the backtest would measure a model the scoring date
never gets."""
ENGAGED_WINDOW_DAYS = 30
TECH_STALE_DAYS = 180
ACTIVITY_WEIGHTS = {"form_fill": 5.0, "webinar_attended": 4.0, "content_download": 3.0,
                    "email_click": 2.0, "web_visit": 1.0, "email_open": 0.5, "unsubscribe": -2.0}
INTENT_RECENCY_WEIGHTS = (0.4, 0.3, 0.2, 0.1)


@dataclass(frozen=True)
class FeatureSpec:
    """The data-driven part of the feature layout, stored with each model."""

    technologies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    competitor_technologies: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {k: list(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> FeatureSpec:
        return cls(**{k: tuple(data.get(k, ())) for k in ("technologies", "categories",
                                                          "competitor_technologies")})


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "x"


def feature_spec(inputs: ScoringInputs, as_of: date, max_technologies: int = 25,
                 max_categories: int = 12) -> FeatureSpec:
    """The most installed technologies and categories seen by ``as_of``, as flag/count columns."""
    techno = inputs.technographics
    seen = techno[techno["first_seen"].isna() | (techno["first_seen"] <= _end_of(as_of))]
    per_tech = seen.drop_duplicates(["account_key", "technology"])
    technologies = per_tech["technology"].value_counts().sort_index()
    technologies = technologies.sort_values(ascending=False, kind="stable").head(max_technologies)
    categories = per_tech["category"].value_counts().sort_index()
    categories = categories.sort_values(ascending=False, kind="stable").head(max_categories)
    return FeatureSpec(technologies=tuple(technologies.index), categories=tuple(categories.index),
                       competitor_technologies=tuple(sorted(inputs.competitor_technologies)))


def feature_columns(spec: FeatureSpec) -> list[str]:
    """The model's input columns, in a fixed order."""
    columns = []
    for prefix in ("intent",) + tuple(f"intent_{v}" for v in INTENT_VENDORS):
        columns += [f"{prefix}_max_score_last_week", f"{prefix}_weeks_surging_4",
                    f"{prefix}_weeks_surging_8", f"{prefix}_surging_topics_last_week",
                    f"{prefix}_momentum"]
    columns += [f"eng_{t}_decayed" for t in ACTIVITY_TYPES]
    columns += ["eng_engaged_contacts_30d", "eng_activities_30d", "eng_days_since_last_activity",
                "map_score_max", "map_score_mean", "map_scored_contacts"]
    columns += ["log_employees", "log_revenue", "naics_sector", "company_age", "tech_count",
                "tech_category_count", "competitor_installs"]
    columns += [f"techcat_{slug(c)}" for c in spec.categories]
    columns += [f"tech_{slug(t)}" for t in spec.technologies]
    columns += ["is_customer", "won_deals", "days_since_last_won", "days_since_last_lost"]
    return columns


FIT_EXCLUDED_PREFIXES = ("intent", "eng_", "map_", "won_deals", "days_since", "is_customer")
NOT_POINT_IN_TIME = ("log_employees", "log_revenue", "naics_sector", "company_age")


def fit_feature_columns(spec: FeatureSpec) -> list[str]:
    """Firmographic and technographic columns only: who the company is, not what it is doing."""
    return [c for c in feature_columns(spec) if not c.startswith(FIT_EXCLUDED_PREFIXES)]


def _end_of(t: date) -> pd.Timestamp:
    """The first instant after day ``t``; rows stamped before it are known at ``t``."""
    return pd.Timestamp(t) + pd.Timedelta(days=1)


def last_complete_week_start(t: date) -> date:
    """Monday of the latest Monday-Sunday week that has ended by the end of day ``t``."""
    week_end = t - timedelta(days=(t.weekday() + 1) % 7)
    return week_end - timedelta(days=6)


def build_snapshot(t: date, inputs: ScoringInputs, spec: FeatureSpec,
                   use_crm_customer_flag: bool = False) -> pd.DataFrame:
    """Features of every company known at the end of day ``t``, one row per ``account_key``.

    Besides :func:`feature_columns` the frame carries context used for output and explanations:
    ``intent_score``, ``engagement_score`` (0-100), ``intent_top_cluster``,
    ``intent_top_cluster_weeks``, ``competitor_products``, ``has_open_opportunity``
    and ``snapshot_date``.
    ``use_crm_customer_flag`` marks the live snapshot: it adds the CRM's current customer type to
    the won-deal history, and keeps every company known today. Both are only right at ``as_of``,
    because the CRM flag and today's companies describe today, not ``t``. Counts are floats
    whatever the data, so every snapshot has the same column types.

    Training builds its snapshots with :func:`models_ml.scoring.features_sql.build_snapshots`,
    every date in one pass over each source. This one-date pandas build stays as the readable
    statement of the rules: the reference the SQL is held equal to
    (tests/unit/scoring/test_features_sql.py), the snapshot the point-in-time tests and the time
    machine read, and the live snapshot of :mod:`models_ml.scoring.run`.
    """
    end = _end_of(t)
    index = inputs.account_keys if use_crm_customer_flag else inputs.account_keys_known_at(end)
    frame = pd.DataFrame(index=index)
    frame = frame.join(_intent_features(t, inputs.intent, index))
    frame = frame.join(_engagement_features(t, inputs, index))
    frame = frame.join(_map_features(t, inputs, index))
    frame = frame.join(_firmographic_features(t, inputs.companies))
    frame = frame.join(_technographic_features(t, inputs.technographics, spec, index))
    frame = frame.join(_opportunity_features(t, inputs.opportunity_versions, index))
    if use_crm_customer_flag:
        crm_customer = inputs.companies.set_index("account_key")["is_customer"].reindex(index)
        frame["is_customer"] = np.maximum(frame["is_customer"], crm_customer.fillna(False).astype(float))
    frame["snapshot_date"] = pd.Timestamp(t)
    return frame


def _intent_features(t: date, intent: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    week0 = pd.Timestamp(last_complete_week_start(t))
    weeks = [week0 - pd.Timedelta(weeks=k) for k in range(8)]
    window = intent[(intent["week_start"] >= weeks[-1]) & (intent["week_start"] <= week0)]
    out = pd.DataFrame(index=index)
    for prefix, rows in [("intent", window)] + [
            (f"intent_{v}", window[window["vendor"] == v]) for v in INTENT_VENDORS]:
        weekly = rows.groupby(["account_key", "week_start"]).agg(
            max_score=("max_score", "max"), surging=("is_surging", "max"),
            surging_topics=("surging_topics", "sum"))
        score = weekly["max_score"].unstack().reindex(columns=weeks).reindex(index).fillna(0.0)
        surging = weekly["surging"].astype(float).unstack().reindex(columns=weeks).reindex(index).fillna(0.0)
        topics = weekly["surging_topics"].unstack().reindex(columns=weeks).reindex(index).fillna(0.0)
        out[f"{prefix}_max_score_last_week"] = score[weeks[0]]
        out[f"{prefix}_weeks_surging_4"] = surging[weeks[:4]].sum(axis=1)
        out[f"{prefix}_weeks_surging_8"] = surging.sum(axis=1)
        out[f"{prefix}_surging_topics_last_week"] = topics[weeks[0]]
        out[f"{prefix}_momentum"] = score[weeks[:4]].mean(axis=1) - score[weeks[4:]].mean(axis=1)
        if prefix == "intent":
            out["intent_score"] = (score[weeks[:4]] * np.array(INTENT_RECENCY_WEIGHTS)).sum(axis=1).clip(0, 100)
    recent = window[window["week_start"] > weeks[4]]
    keys = ["account_key", "topic_cluster"]
    by_cluster = pd.DataFrame({
        "weeks": recent[recent["is_surging"]].groupby(keys)["week_start"].nunique(),
        "score": recent.groupby(keys)["max_score"].max()}).fillna({"weeks": 0}).reset_index()
    by_cluster = by_cluster.sort_values(["account_key", "weeks", "score", "topic_cluster"],
                                        ascending=[True, False, False, True])
    top = by_cluster.drop_duplicates("account_key").set_index("account_key")
    out["intent_top_cluster"] = top["topic_cluster"].reindex(index)
    out["intent_top_cluster_weeks"] = top["weeks"].reindex(index).fillna(0).astype(int)
    return out


def _linked(rows: pd.DataFrame, inputs: ScoringInputs, end: pd.Timestamp) -> pd.DataFrame:
    """``rows`` with the company each belonged to at ``t`` as ``account_key``; rows of none left out."""
    linked = rows.assign(account_key=accounts_at(rows, inputs.contact_versions, inputs.link_codes, end))
    return linked[linked["account_key"].notna()]


def _engagement_features(t: date, inputs: ScoringInputs, index: pd.Index) -> pd.DataFrame:
    end = _end_of(t)
    activities = inputs.activities
    rows = activities[(activities["activity_ts"] < end)
                      & (activities["activity_ts"] >= end - pd.Timedelta(days=SIGNAL_WINDOW_DAYS))]
    rows = _linked(rows, inputs, end)
    age_days = (end - rows["activity_ts"]).dt.total_seconds() / 86400.0
    rows = rows.assign(decay=np.power(0.5, age_days / ENGAGEMENT_HALF_LIFE_DAYS), age=age_days)
    out = pd.DataFrame(index=index)
    decayed = rows.pivot_table(index="account_key", columns="activity_type", values="decay",
                               aggfunc="sum", fill_value=0.0)
    for activity_type in ACTIVITY_TYPES:
        column = decayed[activity_type] if activity_type in decayed.columns else pd.Series(dtype=float)
        out[f"eng_{activity_type}_decayed"] = column.reindex(index).fillna(0.0)
    recent = rows[(rows["age"] <= ENGAGED_WINDOW_DAYS) & (rows["activity_type"] != "unsubscribe")]
    out["eng_engaged_contacts_30d"] = recent.groupby("account_key")["contact"].nunique().reindex(index).fillna(0).astype(float)
    out["eng_activities_30d"] = recent.groupby("account_key").size().reindex(index).fillna(0).astype(float)
    last_seen = rows.groupby("account_key")["activity_ts"].max().dt.normalize()
    out["eng_days_since_last_activity"] = (pd.Timestamp(t) - last_seen).dt.days.reindex(index).astype(float)
    out["engagement_score"] = engagement_score_from_decayed(
        out[[f"eng_{a}_decayed" for a in ACTIVITY_TYPES]].rename(columns=lambda c: c[4:-8]))
    return out


def engagement_score_from_decayed(decayed: pd.DataFrame) -> pd.Series:
    """0-100 from decayed activity counts by type: weighted sum on a saturating curve.

    A fixed curve (not a percentile) keeps the score comparable from one week to the next: one form
    fill this week is about 40, a busy buying committee approaches 100.
    """
    weighted = sum(decayed.get(k, 0.0) * w for k, w in ACTIVITY_WEIGHTS.items())
    weighted = pd.Series(weighted, index=decayed.index).clip(lower=0.0)
    return (100.0 * (1.0 - np.exp(-weighted / 10.0))).round(1)


def _map_features(t: date, inputs: ScoringInputs, index: pd.Index) -> pd.DataFrame:
    end = _end_of(t)
    scores = inputs.map_scores
    rows = scores[scores["scored_at"] < end].sort_values("scored_at", kind="stable")
    latest = _linked(rows.drop_duplicates(["email", "source_system"], keep="last"), inputs, end)
    grouped = latest.groupby("account_key")["score_normalized"]
    return pd.DataFrame({"map_score_max": grouped.max(), "map_score_mean": grouped.mean(),
                         "map_scored_contacts": grouped.size()}).reindex(index).assign(
        map_scored_contacts=lambda f: f["map_scored_contacts"].fillna(0).astype(float))


def _firmographic_features(t: date, companies: pd.DataFrame) -> pd.DataFrame:
    """Today's golden record (:data:`NOT_POINT_IN_TIME`): the vendor universe keeps no history."""
    firmo = companies.set_index("account_key")
    sector = pd.to_numeric(firmo["naics_sector"], errors="coerce")
    return pd.DataFrame({
        "log_employees": np.log1p(firmo["employees"].clip(lower=0)),
        "log_revenue": np.log1p(firmo["annual_revenue"].clip(lower=0)),
        "naics_sector": sector,
        "company_age": (t.year - firmo["founded_year"]).clip(lower=0),
    })


def _technographic_features(t: date, techno: pd.DataFrame, spec: FeatureSpec,
                            index: pd.Index) -> pd.DataFrame:
    end = _end_of(t)
    still_seen = techno["last_seen"].isna() | (techno["last_seen"] >= end - pd.Timedelta(days=TECH_STALE_DAYS))
    installed = techno[(techno["first_seen"].isna() | (techno["first_seen"] < end)) & still_seen]
    installed = installed.drop_duplicates(["account_key", "technology"])
    out = pd.DataFrame(index=index)
    out["tech_count"] = installed.groupby("account_key").size().reindex(index).fillna(0).astype(float)
    out["tech_category_count"] = installed.groupby("account_key")["category"].nunique().reindex(index).fillna(0).astype(float)
    competitors = installed[installed["technology"].isin(spec.competitor_technologies)]
    out["competitor_installs"] = competitors.groupby("account_key").size().reindex(index).fillna(0).astype(float)
    described = competitors["category"].astype(str) + " (" + competitors["technology"].astype(str) + ")"
    out["competitor_products"] = described.groupby(competitors["account_key"]).agg(
        lambda names: ", ".join(sorted(names))).reindex(index)
    by_category = installed.groupby(["account_key", "category"]).size().unstack(fill_value=0)
    for category in spec.categories:
        column = by_category[category] if category in by_category.columns else pd.Series(dtype=float)
        out[f"techcat_{slug(category)}"] = column.reindex(index).fillna(0).astype(float)
    flags = installed[installed["technology"].isin(spec.technologies)]
    flags = flags.assign(one=1.0).pivot_table(index="account_key", columns="technology", values="one",
                                              aggfunc="max", fill_value=0.0)
    for technology in spec.technologies:
        column = flags[technology] if technology in flags.columns else pd.Series(dtype=float)
        out[f"tech_{slug(technology)}"] = column.reindex(index).fillna(0.0)
    return out


def _opportunity_features(t: date, versions: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Deal history from each opportunity created by ``t`` in its version at ``t``."""
    end = _end_of(t)
    known = versions[(versions["created_date"] < end) & valid_at(versions, end)]
    closed_by_t = known["is_closed"] & (known["close_date"] < end)
    won = known[closed_by_t & known["is_won"]]
    lost = known[closed_by_t & ~known["is_won"]]
    open_at_t = known[~closed_by_t]
    out = pd.DataFrame(index=index)
    out["won_deals"] = won.groupby("account_key").size().reindex(index).fillna(0).astype(float)
    out["is_customer"] = (out["won_deals"] > 0).astype(float)
    days = lambda frame: ((end - frame.groupby("account_key")["close_date"].max()).dt.days - 1).reindex(index).astype(float)
    out["days_since_last_won"] = days(won)
    out["days_since_last_lost"] = days(lost)
    out["has_open_opportunity"] = out.index.isin(open_at_t["account_key"])
    return out
