"""The tables scoring reads, normalised once so every later step can trust names and types.

Upstream SQL may deliver a column under a slightly different name or leave an optional table empty;
normalising here keeps those differences out of the feature code. Only static attributes of a
company are taken from the companies table; everything that happens in time (intent weeks,
activities, scores, opportunities, technology installs) keeps its date so features can be cut
at any point in time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

INTENT_VENDORS = ("bombora", "g2")
ACTIVITY_TYPES = ("email_open", "email_click", "web_visit", "form_fill", "webinar_attended",
                  "content_download", "unsubscribe")

_SCHEMAS: dict[str, dict[str, str]] = {
    "companies": {"account_key": "str", "employees": "float", "annual_revenue": "float",
                  "naics_code": "str", "naics_sector": "str", "state_code": "str", "segment": "str",
                  "is_customer": "bool", "founded_year": "float"},
    "technographics": {"account_key": "str", "technology": "str", "category": "str",
                       "first_seen": "date", "last_seen": "date"},
    "intent": {"account_key": "str", "week_start": "date", "vendor": "str", "topic_cluster": "str",
               "surging_topics": "float", "max_score": "float", "is_surging": "bool"},
    "activities": {"account_key": "str", "contact_id": "str", "email": "str", "activity_type": "str",
                   "activity_ts": "date"},
    "map_scores": {"account_key": "str", "email": "str", "source_system": "str",
                   "score_normalized": "float", "scored_at": "date"},
    "opportunities": {"opportunity_id": "str", "account_key": "str", "created_date": "date",
                      "close_date": "date", "type": "str", "stage_name": "str", "is_closed": "bool",
                      "is_won": "bool", "amount": "float"},
}


def _coerce(frame: pd.DataFrame | None, schema: dict[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` holding every schema column with its type; missing columns become NULL."""
    frame = pd.DataFrame() if frame is None else frame.copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    out = pd.DataFrame(index=frame.index)
    for column, kind in schema.items():
        values = frame[column] if column in frame.columns else pd.Series(np.nan, index=frame.index)
        if kind == "str":
            out[column] = values.astype("string").str.strip()
        elif kind == "float":
            out[column] = pd.to_numeric(values, errors="coerce").astype(float)
        elif kind == "bool":
            out[column] = _to_bool(values)
        else:
            out[column] = _to_timestamp(values)
    return out.reset_index(drop=True)


def _to_timestamp(values: pd.Series) -> pd.Series:
    """Naive UTC timestamps from dates, timestamps or ISO 8601 text in mixed forms."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(values, utc=True)
    else:
        text = values.astype("string")
        stamps = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    return stamps.dt.tz_localize(None).astype("datetime64[ns]")


def _to_bool(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "1.0", "yes", "y", "t"]).fillna(False).astype(bool)


@dataclass(frozen=True)
class ScoringInputs:
    """Every table scoring reads, keyed by ``account_key`` and typed.

    ``won_stage_prefixes`` mirrors the ICP setting: an opportunity is won when ``is_won`` is true or
    its stage starts with one of them. ``competitor_technologies`` optionally names products that
    compete with ours, so the models get an explicit competitor-install count.
    """

    companies: pd.DataFrame
    technographics: pd.DataFrame | None = None
    intent: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    map_scores: pd.DataFrame | None = None
    opportunities: pd.DataFrame | None = None
    won_stage_prefixes: tuple[str, ...] = ("Closed Won",)
    competitor_technologies: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name, schema in _SCHEMAS.items():
            object.__setattr__(self, name, _coerce(getattr(self, name), schema))
        companies = self.companies.dropna(subset=["account_key"]).sort_values("account_key", kind="stable").drop_duplicates("account_key")
        missing_sector = companies["naics_sector"].isna() & companies["naics_code"].notna()
        companies.loc[missing_sector, "naics_sector"] = companies.loc[missing_sector, "naics_code"].str[:2]
        object.__setattr__(self, "companies", companies.reset_index(drop=True))

        intent = self.intent.dropna(subset=["account_key", "week_start"]).copy()
        intent["vendor"] = intent["vendor"].str.lower()
        intent["topic_cluster"] = intent["topic_cluster"].fillna("intent")
        intent["max_score"] = intent["max_score"].fillna(0.0)
        intent["surging_topics"] = intent["surging_topics"].fillna(0.0)
        object.__setattr__(self, "intent", intent.reset_index(drop=True))

        activities = self.activities.dropna(subset=["account_key", "activity_ts"]).copy()
        activities["activity_type"] = activities["activity_type"].str.lower()
        activities["contact"] = activities["contact_id"].fillna(activities["email"].str.lower())
        object.__setattr__(self, "activities", activities.reset_index(drop=True))

        scores = self.map_scores.dropna(subset=["account_key", "scored_at", "score_normalized"]).copy()
        scores["email"] = scores["email"].str.lower()
        object.__setattr__(self, "map_scores", scores.reset_index(drop=True))

        opps = self.opportunities.dropna(subset=["account_key", "created_date"]).copy()
        won_by_stage = pd.Series(False, index=opps.index)
        for prefix in self.won_stage_prefixes:
            won_by_stage |= opps["stage_name"].str.lower().str.startswith(prefix.lower()).fillna(False)
        opps["is_won"] = opps["is_won"] | won_by_stage
        opps["is_closed"] = opps["is_closed"] | opps["is_won"]
        opps["type"] = opps["type"].str.lower()
        object.__setattr__(self, "opportunities", opps.reset_index(drop=True))

        techno = self.technographics.dropna(subset=["account_key", "technology"]).copy()
        techno["category"] = techno["category"].fillna("other")
        object.__setattr__(self, "technographics", techno.reset_index(drop=True))

    @property
    def account_keys(self) -> pd.Index:
        return pd.Index(self.companies["account_key"], name="account_key")

    def customers_without_won_history(self) -> pd.Index:
        """Accounts the CRM calls customers but whose winning deal predates the opportunity history.

        Their customer status at a past date cannot be read from dated rows, so they are left out
        of training labels rather than guessed.
        """
        won = set(self.opportunities.loc[self.opportunities["is_won"], "account_key"])
        customers = self.companies.loc[self.companies["is_customer"], "account_key"]
        return pd.Index(customers[~customers.isin(won)])
