"""The tables scoring reads, normalised once so every later step can trust names and types.

Upstream SQL may deliver a column under a slightly different name or leave an optional table empty;
normalising here keeps those differences out of the feature code. Everything that happens in time
keeps its date so features can be cut at any point in time:

- intent weeks, activities, lead scores (every score, not only the newest) and technology installs
  carry their own dates;
- opportunities come twice: ``opportunities`` in their current version (labels, which look after
  ``t``, and potential) and ``opportunity_versions``, every delivered version with the span in which
  it was current, which point-in-time features read; without versions the current one stands for
  every date;
- CRM contacts come as ``contact_versions`` (existence from ``known_from``, e-mail and account per
  version), through which activities and lead scores are tied to companies at ``t``
  (:mod:`models_ml.scoring.links`), beside each row's e-mail domain company and since when that
  company is known;
- ``companies`` carries ``known_from``: a company only in the CRM exists from its first account's
  creation; the vendor universe keeps no history, so its companies count as always known.

What is not point in time: the firmographic attributes of ``companies`` (head count, revenue,
industry, founding year) are today's golden record, and the identity of companies (which records
and domains make one company) is today's entity resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models_ml.scoring.links import LinkCodes

INTENT_VENDORS = ("bombora", "g2")
ACTIVITY_TYPES = ("email_open", "email_click", "web_visit", "form_fill", "webinar_attended",
                  "content_download", "unsubscribe")

_SCHEMAS: dict[str, dict[str, str]] = {
    "companies": {"account_key": "str", "employees": "float", "annual_revenue": "float",
                  "naics_code": "str", "naics_sector": "str", "state_code": "str", "segment": "str",
                  "is_customer": "bool", "founded_year": "float", "known_from": "date"},
    "technographics": {"account_key": "str", "technology": "str", "category": "str",
                       "first_seen": "date", "last_seen": "date"},
    "intent": {"account_key": "str", "week_start": "date", "vendor": "str", "topic_cluster": "str",
               "surging_topics": "float", "max_score": "float", "is_surging": "bool"},
    "activities": {"account_key": "str", "contact_id": "str", "email": "str", "activity_type": "str",
                   "activity_ts": "date", "domain_account_key": "str", "domain_known_from": "date"},
    "map_scores": {"account_key": "str", "email": "str", "source_system": "str",
                   "score_normalized": "float", "scored_at": "date", "domain_account_key": "str",
                   "domain_known_from": "date"},
    "opportunities": {"opportunity_id": "str", "account_key": "str", "created_date": "date",
                      "close_date": "date", "type": "str", "stage_name": "str", "is_closed": "bool",
                      "is_won": "bool", "amount": "float"},
    "opportunity_versions": {"opportunity_id": "str", "account_key": "str", "created_date": "date",
                             "close_date": "date", "type": "str", "stage_name": "str", "is_closed": "bool",
                             "is_won": "bool", "amount": "float", "valid_from": "date", "valid_to": "date"},
    "contact_versions": {"contact_id": "str", "account_key": "str", "email": "str", "known_from": "date",
                         "valid_from": "date", "valid_to": "date", "last_modified_at": "date"},
}


def _coerce(frame: pd.DataFrame | None, schema: dict[str, str]) -> pd.DataFrame:
    """A new frame holding every schema column of ``frame`` with its type; missing columns become NULL.

    Columns are looked up by their trimmed lower-case names and converted one by one, without a
    copy of the whole input first (at a million companies that copy cost as much as the conversions).
    """
    frame = pd.DataFrame() if frame is None else frame
    names = {str(c).strip().lower(): c for c in frame.columns}
    out = pd.DataFrame(index=frame.index)
    for column, kind in schema.items():
        values = frame[names[column]] if column in names else pd.Series(np.nan, index=frame.index)
        if kind == "str":
            out[column] = values.astype("string").str.strip()
        elif kind == "float":
            out[column] = pd.to_numeric(values, errors="coerce").astype(float)
        elif kind == "bool":
            out[column] = _to_bool(values)
        else:
            out[column] = _to_timestamp(values)
    out.index = pd.RangeIndex(len(out))
    return out


def _to_timestamp(values: pd.Series) -> pd.Series:
    """Naive UTC timestamps from dates, timestamps or ISO 8601 text in mixed forms.

    Naive timestamps, as DuckDB delivers them, only change unit: read as UTC and made naive
    again they keep their value, so the round trip through time zones is skipped.
    """
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        return values.astype("datetime64[ns]")
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

    ``is_won`` and ``is_closed`` arrive decided: the won-deal rule (``is_won_opportunity`` in dbt,
    with the ICP's won stages) has one home, ``stg_crm__opportunities``. ``competitor_technologies``
    optionally names products that compete with ours, so the models get an explicit
    competitor-install count.

    Activities and lead scores are tied to a company only at a date (:mod:`models_ml.scoring.links`):
    their ``account_key`` is a link that holds at every date, for callers that resolve links
    themselves; the warehouse gives ``domain_account_key``/``domain_known_from`` and
    ``contact_versions`` instead. ``opportunity_versions`` defaults to the current opportunities,
    each standing for every date; ``contact_versions`` to no contacts.
    """

    companies: pd.DataFrame
    technographics: pd.DataFrame | None = None
    intent: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    map_scores: pd.DataFrame | None = None
    opportunities: pd.DataFrame | None = None
    competitor_technologies: frozenset[str] = field(default_factory=frozenset)
    opportunity_versions: pd.DataFrame | None = None
    contact_versions: pd.DataFrame | None = None
    link_codes: LinkCodes = field(init=False)

    def __post_init__(self) -> None:
        versions_given = self.opportunity_versions is not None
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

        activities = self.activities.dropna(subset=["activity_ts"]).copy()
        activities["activity_type"] = activities["activity_type"].str.lower()
        activities["contact"] = activities["email"].str.lower().fillna(activities["contact_id"])
        scores = self.map_scores.dropna(subset=["scored_at", "score_normalized"]).copy()
        scores["email"] = scores["email"].str.lower()
        contacts = self.contact_versions.sort_values(["last_modified_at", "contact_id"], ascending=[False, True],
                                                     na_position="last", kind="stable")
        emails, (activity_codes, score_codes, contact_codes) = LinkCodes.encode(
            activities["email"], scores["email"], contacts["email"])
        contact_emails = np.unique(contact_codes[contact_codes >= 0])
        for frame, frame_codes in ((activities, activity_codes), (scores, score_codes), (contacts, contact_codes)):
            frame["email_code"] = frame_codes
        contacts["account_code"], accounts = pd.factorize(contacts["account_key"], use_na_sentinel=True)
        object.__setattr__(self, "link_codes", LinkCodes(emails, np.asarray(accounts, dtype=object)))
        object.__setattr__(self, "contact_versions", contacts.reset_index(drop=True))
        object.__setattr__(self, "activities", _linkable(activities, contact_emails))
        object.__setattr__(self, "map_scores", _linkable(scores, contact_emails))

        opps = _with_outcomes(self.opportunities.dropna(subset=["account_key", "created_date"]))
        object.__setattr__(self, "opportunities", opps)
        versions = self.opportunity_versions if versions_given else opps.assign(valid_from=pd.NaT, valid_to=pd.NaT)
        versions = _with_outcomes(versions.dropna(subset=["account_key", "created_date"]))
        object.__setattr__(self, "opportunity_versions", versions)

        techno = self.technographics.dropna(subset=["account_key", "technology"]).copy()
        techno["category"] = techno["category"].fillna("other")
        object.__setattr__(self, "technographics", techno.reset_index(drop=True))

    @property
    def account_keys(self) -> pd.Index:
        return pd.Index(self.companies["account_key"], name="account_key")

    def account_keys_known_at(self, end: pd.Timestamp) -> pd.Index:
        """Companies known before ``end``: the vendor universe, and CRM companies created by then."""
        known = self.companies["known_from"].isna() | (self.companies["known_from"] < end)
        return pd.Index(self.companies.loc[known, "account_key"], name="account_key")

    def customers_without_won_history(self) -> pd.Index:
        """Accounts the CRM calls customers but whose winning deal predates the opportunity history.

        Their customer status at a past date cannot be read from dated rows, so they are left out
        of training labels rather than guessed.
        """
        won = set(self.opportunities.loc[self.opportunities["is_won"], "account_key"])
        customers = self.companies.loc[self.companies["is_customer"], "account_key"]
        return pd.Index(customers[~customers.isin(won)])


def _linkable(rows: pd.DataFrame, contact_emails: np.ndarray) -> pd.DataFrame:
    """Rows that some date could tie to a company: by a given link, a domain, or a contact's e-mail."""
    keep = (rows["account_key"].notna() | rows["domain_account_key"].notna()
            | pd.Series(np.isin(rows["email_code"], contact_emails), index=rows.index))
    return rows[keep.to_numpy()].reset_index(drop=True)


def _with_outcomes(opps: pd.DataFrame) -> pd.DataFrame:
    """Type in lower case, so labels compare it with one spelling."""
    opps = opps.copy()
    opps["type"] = opps["type"].str.lower()
    return opps.reset_index(drop=True)
