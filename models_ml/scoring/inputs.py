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
import pyarrow as pa

from models_ml.scoring.links import LinkCodes, lower_cased_codes, lower_cased_text
from models_ml.scoring.text_keys import is_arrow_text

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
            out[column] = _to_text(values)
            continue
        if is_arrow_text(values):
            values = _as_objects(values)
        if kind == "float":
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


# The UTF-8 bytes that can begin or end a character ``str.strip()`` removes: ASCII whitespace, and every
# non-ASCII byte (a value with one at an end is then checked character by character).
_MAY_END_IN_WHITESPACE = np.array([code >= 0x80 or chr(code).isspace() for code in range(256)])


def _to_text(values: pd.Series) -> pd.Series:
    """``values`` as pandas' ``string`` type without surrounding whitespace: ``astype("string").str.strip()``.

    Stripping tens of millions of values costs seconds, and warehouse text is nearly always trimmed
    already. Text that arrives in Arrow form (as :mod:`models_ml.scoring.load` hands it over) is checked
    in one pass over its bytes, stripped only when some value starts or ends with whitespace, and
    stays in Arrow form (``string[pyarrow]``, the same values): making Python strings of it cost a
    third of a weekly scoring run's load at a million companies. Lookups by these keys go through
    Arrow (:mod:`models_ml.scoring.text_keys`), because pandas makes Python strings of them to hash.
    """
    if not is_arrow_text(values):
        return values.astype("string").str.strip()
    return values.str.strip() if _has_surrounding_whitespace(pa.array(values.array)) else values


def _as_objects(values: pd.Series) -> pd.Series:
    """Arrow-backed text as Python strings and None, as Arrow converts a whole table to pandas.

    Equal strings become one Python object (Arrow's default), which keeps millions of repeated
    e-mail addresses and keys from taking memory once per row.
    """
    objects = pa.array(values.array).to_pandas().to_numpy()
    return pd.Series(objects, index=values.index, name=values.name)


def _has_surrounding_whitespace(text: pa.Array | pa.ChunkedArray) -> bool:
    """Whether a value of ``text`` starts or ends with a character ``str.strip()`` removes.

    The first and last byte of every value are looked up at once; only the values where one of them
    may belong to a whitespace character (ASCII whitespace, or any non-ASCII character) are decoded.
    A layout other than plain or large UTF-8 counts as having whitespace, so it is stripped as before.
    """
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        if pa.types.is_string(chunk.type):
            offset_type = np.int32
        elif pa.types.is_large_string(chunk.type):
            offset_type = np.int64
        else:
            return True
        _, offsets, data = chunk.buffers()
        if data is None or len(chunk) == chunk.null_count:
            continue
        bounds = np.frombuffer(offsets, dtype=offset_type)[chunk.offset:chunk.offset + len(chunk) + 1]
        starts, ends = bounds[:-1], bounds[1:]
        filled = ends > starts
        if chunk.null_count:
            filled &= chunk.is_valid().to_numpy(zero_copy_only=False)
        data = np.frombuffer(data, dtype=np.uint8)
        starts, ends = starts[filled], ends[filled]
        suspect = _MAY_END_IN_WHITESPACE[data[starts]] | _MAY_END_IN_WHITESPACE[data[ends - 1]]
        if suspect.any():
            rows = np.flatnonzero(filled)[suspect]
            if any(v[:1].isspace() or v[-1:].isspace() for v in chunk.take(pa.array(rows)).to_pylist()):
                return True
    return False


def _to_bool(values: pd.Series) -> pd.Series:
    """True where ``values`` say yes (true, 1, yes, y, t in any case); missing and anything else is False."""
    if values.dtype == bool:
        return values
    if isinstance(values.dtype, pd.BooleanDtype):
        return values.fillna(False).astype(bool)
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
        # Frames below are this instance's own (made by _coerce), so they are changed in place and copied
        # only where rows go: a million-row copy costs a tenth of a second.
        companies = _complete(self.companies, ["account_key"])
        keys = companies["account_key"].to_numpy(dtype=object)
        if not (keys[1:] > keys[:-1]).all():  # keys read in strictly increasing order are sorted and distinct
            companies = companies.sort_values("account_key", kind="stable").drop_duplicates("account_key")
        missing_sector = companies["naics_sector"].isna() & companies["naics_code"].notna()
        companies.loc[missing_sector, "naics_sector"] = companies.loc[missing_sector, "naics_code"].str[:2]
        object.__setattr__(self, "companies", _renumbered(companies))

        intent = _complete(self.intent, ["account_key", "week_start"])
        intent["vendor"] = intent["vendor"].str.lower()
        intent["topic_cluster"] = intent["topic_cluster"].fillna("intent")
        intent["max_score"] = intent["max_score"].fillna(0.0)
        intent["surging_topics"] = intent["surging_topics"].fillna(0.0)
        object.__setattr__(self, "intent", _renumbered(intent))

        activities = _complete(self.activities, ["activity_ts"])
        activities["activity_type"] = activities["activity_type"].str.lower()
        scores = _complete(self.map_scores, ["scored_at", "score_normalized"])
        contacts = self.contact_versions.sort_values(["last_modified_at", "contact_id"], ascending=[False, True],
                                                     na_position="last", kind="stable")
        # One coding of the lower-cased addresses gives the codes and the lower-cased addresses of activities
        # and scores; a score's address is coded lower-cased once, as str.lower of a lower case is itself.
        addresses, (activity_codes, score_codes, contact_codes) = lower_cased_codes(
            activities["email"], scores["email"], contacts["email"])
        emails = len(addresses)
        activities["contact"] = lower_cased_text(addresses, activity_codes, activities.index).fillna(
            activities["contact_id"])
        scores["email"] = lower_cased_text(addresses, score_codes, scores.index)
        contact_emails = np.unique(contact_codes[contact_codes >= 0])
        for frame, frame_codes in ((activities, activity_codes), (scores, score_codes), (contacts, contact_codes)):
            frame["email_code"] = frame_codes
        contacts["account_code"], accounts = pd.factorize(contacts["account_key"], use_na_sentinel=True)
        object.__setattr__(self, "link_codes", LinkCodes(emails, np.asarray(accounts, dtype=object)))
        object.__setattr__(self, "contact_versions", _renumbered(contacts))
        object.__setattr__(self, "activities", _linkable(activities, contact_emails))
        object.__setattr__(self, "map_scores", _linkable(scores, contact_emails))

        opps = _with_outcomes(self.opportunities.dropna(subset=["account_key", "created_date"]))
        object.__setattr__(self, "opportunities", opps)
        versions = self.opportunity_versions if versions_given else opps.assign(valid_from=pd.NaT, valid_to=pd.NaT)
        versions = _with_outcomes(versions.dropna(subset=["account_key", "created_date"]))
        object.__setattr__(self, "opportunity_versions", versions)

        techno = _complete(self.technographics, ["account_key", "technology"])
        techno["category"] = techno["category"].fillna("other")
        object.__setattr__(self, "technographics", _renumbered(techno))

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
            | pd.Series(np.isin(rows["email_code"], contact_emails), index=rows.index)).to_numpy()
    return _renumbered(rows if keep.all() else rows.take(np.flatnonzero(keep)))


def _complete(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` with every one of ``columns`` present, as ``dropna(subset=columns)`` keeps.

    ``frame`` itself when no row lacks one; else a new frame, no view on ``frame``, that may be changed.
    """
    keep = frame[columns].notna().all(axis=1).to_numpy()
    return frame if keep.all() else frame.take(np.flatnonzero(keep))


def _renumbered(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with rows numbered from 0, in place: ``reset_index(drop=True)`` without its copy."""
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _with_outcomes(opps: pd.DataFrame) -> pd.DataFrame:
    """Type in lower case, so labels compare it with one spelling."""
    opps = opps.copy()
    opps["type"] = opps["type"].str.lower()
    return opps.reset_index(drop=True)
