"""Point-in-time account features for many snapshot dates at once, in DuckDB SQL.

Training stacks a snapshot every few weeks; building each in pandas read every source once per
date and copied the whole snapshot at every join, which at a million companies took most of a
scoring run. Here the sources (the :class:`~models_ml.scoring.inputs.ScoringInputs` frames,
registered without copying) are joined once against a table of the snapshot dates, so each source
is read in one pass and each row meets only the dates at which it counts (an activity the
snapshots whose 56-day window holds it, a lead score the snapshots at which it is its address's
newest). Each source's query returns only the (date, company) pairs that have something to count;
those are written into a frame allocated once, whose cells start at the value of an account
without rows, so neither DuckDB nor pandas ever holds a second copy of the dates-by-companies frame.

The rules are those of :mod:`models_ml.scoring.features` and :mod:`models_ml.scoring.links`, and
the result is the frame stacking :func:`~models_ml.scoring.features.build_snapshot` gives, column
for column and type for type (tests/unit/scoring/test_features_sql.py holds the two together on
hand-written cases of every rule). Ties are broken as pandas breaks them, by the inputs' row
order: the preferred contact of an address is the first valid version (``contact_versions`` comes
sorted that way), the newest lead score among equal stamps is the last row, and a technology
listed twice for a company keeps its first row's category.

Text never enters the queries: companies, vendors, clusters, activity types, technologies and
categories go in as integer codes beside the frames (a company's code is its row in
``companies``, which is sorted by ``account_key``), because DuckDB reads Python strings out of
pandas one by one. Day arithmetic is on nanosecond stamps, as pandas does it.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from models_ml.scoring.features import (
    ENGAGED_WINDOW_DAYS,
    ENGAGEMENT_HALF_LIFE_DAYS,
    INTENT_RECENCY_WEIGHTS,
    SIGNAL_WINDOW_DAYS,
    TECH_STALE_DAYS,
    FeatureSpec,
    engagement_score_from_decayed,
    last_complete_week_start,
    slug,
)
from models_ml.scoring.inputs import ACTIVITY_TYPES, INTENT_VENDORS, ScoringInputs
from models_ml.scoring.text_keys import positions_in

DAY_NS = 86_400 * 10**9
WEEK_NS = 7 * DAY_NS
INTENT_WEEKS = 8
RECENT_INTENT_WEEKS = 4
NO_VALUE = -1
"""The code of a missing value."""
NOT_A_COMPANY = -2
"""The code of a company key that names no company: it links, but to no row of any snapshot."""
ABSENT = -99
"""The code compared against for a value no row has (a technology of the spec nobody installs)."""


class _Codes:
    """Integer codes of the text the query compares, and the way back for the text it returns."""

    def __init__(self, inputs: ScoringInputs, spec: FeatureSpec):
        self.companies = pd.Index(inputs.companies["account_key"])
        self.vendors = self._factorize(inputs.intent["vendor"])
        self.clusters = self._factorize(inputs.intent["topic_cluster"])
        self.activity_types = self._factorize(inputs.activities["activity_type"])
        self.contacts = self._factorize(inputs.activities["contact"])
        self.source_systems = self._factorize(inputs.map_scores["source_system"])
        self.technologies = self._factorize(inputs.technographics["technology"])
        self.categories = self._factorize(inputs.technographics["category"])
        techno = inputs.technographics
        competitor = techno["technology"].isin(spec.competitor_technologies).to_numpy()
        labels = pd.Series(pd.NA, index=techno.index, dtype="string")
        labels[competitor] = (techno["category"] + " (" + techno["technology"] + ")")[competitor]
        self.competitor_labels = self._factorize(labels)
        self.spec = spec

    @staticmethod
    def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Codes in the text's sort order (so ordering codes orders the text), missing as ``NO_VALUE``."""
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)

    def company(self, keys: pd.Series) -> np.ndarray:
        """Each key's company code: ``NO_VALUE`` for no key, ``NOT_A_COMPANY`` for a key of no company."""
        codes = positions_in(keys, self.companies)
        codes[(codes == NO_VALUE) & keys.notna().to_numpy()] = NOT_A_COMPANY
        return codes

    @staticmethod
    def code_of(factorized: tuple[np.ndarray, np.ndarray], value: str) -> int:
        """The code of ``value``, or one no row carries when no row has it."""
        found = np.flatnonzero(factorized[1] == value)
        return int(found[0]) if len(found) else ABSENT

    def frames(self, inputs: ScoringInputs) -> dict[str, tuple[pd.DataFrame, dict[str, np.ndarray]]]:
        """Each source frame with the code columns that go beside it."""
        techno = inputs.technographics
        return {
            "companies": (inputs.companies, {}),
            "intent": (inputs.intent, {"company": self.company(inputs.intent["account_key"]),
                                       "vendor_code": self.vendors[0], "cluster_code": self.clusters[0]}),
            "activities": (inputs.activities, {
                "company": self.company(inputs.activities["account_key"]),
                "domain_company": self.company(inputs.activities["domain_account_key"]),
                "type_code": self.activity_types[0], "contact_code": self.contacts[0]}),
            "map_scores": (inputs.map_scores, {
                "company": self.company(inputs.map_scores["account_key"]),
                "domain_company": self.company(inputs.map_scores["domain_account_key"]),
                "source_code": self.source_systems[0]}),
            "contact_versions": (inputs.contact_versions,
                                 {"company": self.company(inputs.contact_versions["account_key"])}),
            "technographics": (techno, {"company": self.company(techno["account_key"]),
                                        "technology_code": self.technologies[0],
                                        "category_code": self.categories[0],
                                        "label_code": self.competitor_labels[0]}),
            "opportunity_versions": (inputs.opportunity_versions,
                                     {"company": self.company(inputs.opportunity_versions["account_key"])}),
            "competitor_labels": (pd.DataFrame({"label": pd.Series(self.competitor_labels[1], dtype=object)}), {}),
        }


def build_snapshots(dates: list[date], inputs: ScoringInputs, spec: FeatureSpec,
                    use_crm_customer_flag: bool = False, threads: int | None = None) -> pd.DataFrame:
    """Features of every company known at the end of each day in ``dates``, stacked in that order.

    One row per (``snapshot_date``, ``account_key``), accounts in ``account_key`` order within a
    date: the frame ``build_snapshot(t, ...).reset_index()`` stacked over ``dates`` gives.
    ``use_crm_customer_flag`` marks live snapshots, as in
    :func:`~models_ml.scoring.features.build_snapshot`. ``threads`` caps DuckDB's threads.
    """
    codes = _Codes(inputs, spec)
    layout = _Layout(dates, inputs.companies, use_crm_customer_flag)
    frame = _Frame(layout.rows, spec)
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        _register(con, dates, codes.frames(inputs))
        for query in _queries(codes):
            part = con.execute(query).df()
            position = layout.position(part["d"].to_numpy(), part["company"].to_numpy())
            found = position >= 0
            for name in part.columns.drop(["d", "company"]):
                frame.columns[name][position[found]] = part[name].to_numpy()[found]
    finally:
        con.close()
    return frame.finish(layout, inputs, codes, use_crm_customer_flag)


class _Layout:
    """Where each (date, company) row goes: dates in the given order, companies in ``account_key``
    order within a date, and only the companies known at the end of the date (every company for a
    live snapshot)."""

    def __init__(self, dates: list[date], companies: pd.DataFrame, live: bool):
        ends = snapshot_bounds(dates)["snapshot_end"].to_numpy()
        known_from = companies["known_from"].to_numpy()
        known = np.ones((len(dates), len(companies)), dtype=bool)
        if not live:
            known = np.isnat(known_from)[None, :] | (known_from[None, :] < ends[:, None])
        counts = known.sum(axis=1)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.rank = np.where(known, np.cumsum(known, axis=1) - 1 + offsets[:, None], -1)
        self.rows = int(counts.sum())
        self.dates = np.repeat(np.arange(len(dates)), counts)
        self.companies = np.nonzero(known)[1]
        self.snapshot_dates = pd.to_datetime([pd.Timestamp(t) for t in dates]).astype("datetime64[s]")

    def position(self, d: np.ndarray, company: np.ndarray) -> np.ndarray:
        """The row of each (date, company); -1 where the company is not in that date's snapshot."""
        if not len(d):
            return np.zeros(0, dtype=np.int64)
        return self.rank[d.astype(np.int64), company.astype(np.int64)]


class _Frame:
    """The snapshot columns, allocated once: the float columns as rows of one block, so the
    DataFrame is made around it without a copy; every cell starts at its value for an account
    without rows (0, or NaN for a figure that needs a row)."""

    WITHOUT_ROWS_NAN = ("eng_days_since_last_activity", "map_score_max", "map_score_mean",
                        "days_since_last_won", "days_since_last_lost")

    def __init__(self, rows: int, spec: FeatureSpec):
        self.layout = snapshot_columns(spec)
        self.floats = [name for name, kind in self.layout if kind == "float"]
        self.block = np.zeros((len(self.floats), rows))
        self.columns = {name: self.block[i] for i, name in enumerate(self.floats)}
        for name in self.WITHOUT_ROWS_NAN:
            self.columns[name][:] = np.nan
        self.columns["intent_top_cluster"] = np.full(rows, NO_VALUE, dtype=np.int64)
        self.columns["intent_top_cluster_weeks"] = np.zeros(rows, dtype=np.int64)
        self.columns["competitor_products"] = np.full(rows, np.nan, dtype=object)
        self.columns["has_open_opportunity"] = np.zeros(rows, dtype=bool)

    def finish(self, layout: _Layout, inputs: ScoringInputs, codes: _Codes, live: bool) -> pd.DataFrame:
        """The frame, with what pandas computes (customer status, engagement score, today's
        firmographics) and the text decoded, typed as :func:`~models_ml.scoring.features.build_snapshot` types it."""
        columns, rows, companies = self.columns, layout.companies, inputs.companies
        customer = columns["won_deals"] > 0
        if live:
            customer |= companies["is_customer"].to_numpy(dtype=bool)[rows]
        columns["is_customer"][:] = customer
        decayed = pd.DataFrame({a: columns[f"eng_{a}_decayed"] for a in ACTIVITY_TYPES})
        columns["engagement_score"][:] = engagement_score_from_decayed(decayed).to_numpy()
        columns["log_employees"][:] = np.log1p(companies["employees"].clip(lower=0)).to_numpy()[rows]
        columns["log_revenue"][:] = np.log1p(companies["annual_revenue"].clip(lower=0)).to_numpy()[rows]
        years = np.array([t.year for t in layout.snapshot_dates], dtype=np.int64)[layout.dates]
        columns["company_age"][:] = np.clip(years - companies["founded_year"].to_numpy()[rows], 0, None)
        products = columns["competitor_products"]
        products[pd.isna(products)] = np.nan
        others = {
            "account_key": companies["account_key"].array[rows],
            "intent_top_cluster": pd.array(_decoded(columns["intent_top_cluster"], codes.clusters[1]), dtype="string"),
            "intent_top_cluster_weeks": columns["intent_top_cluster_weeks"],
            "naics_sector": pd.to_numeric(companies["naics_sector"], errors="coerce").array[rows],
            "competitor_products": columns["competitor_products"],
            "has_open_opportunity": columns["has_open_opportunity"],
            "snapshot_date": layout.snapshot_dates[layout.dates],
        }
        frame = pd.DataFrame(self.block.T, columns=self.floats, copy=False)
        for position, (name, kind) in enumerate(self.layout):
            if kind != "float":
                frame.insert(position, name, others[name])
        return frame


def snapshot_columns(spec: FeatureSpec) -> list[tuple[str, str]]:
    """The columns of ``build_snapshot(t, ...).reset_index()`` in order, each with its kind."""
    names = _intent_feature_names()
    columns = [("account_key", "text")] + [(c, "float") for c in names["intent"] + names["vendors"]]
    columns += [("intent_top_cluster", "text"), ("intent_top_cluster_weeks", "int")]
    columns += [(f"eng_{a}_decayed", "float") for a in ACTIVITY_TYPES]
    columns += [(c, "float") for c in ("eng_engaged_contacts_30d", "eng_activities_30d",
                                       "eng_days_since_last_activity", "engagement_score", "map_score_max",
                                       "map_score_mean", "map_scored_contacts", "log_employees", "log_revenue")]
    columns += [("naics_sector", "int"), ("company_age", "float"), ("tech_count", "float"),
                ("tech_category_count", "float"), ("competitor_installs", "float"), ("competitor_products", "text")]
    columns += [(f"techcat_{slug(c)}", "float") for c in spec.categories]
    columns += [(f"tech_{slug(t)}", "float") for t in spec.technologies]
    columns += [(c, "float") for c in ("won_deals", "is_customer", "days_since_last_won", "days_since_last_lost")]
    columns += [("has_open_opportunity", "bool"), ("snapshot_date", "date")]
    return list(dict(columns).items())


def snapshot_bounds(dates: list[date]) -> pd.DataFrame:
    """Each snapshot date (``d``: its place in ``dates``) with the instants its windows start and end at."""
    ends = pd.to_datetime([pd.Timestamp(t) + pd.Timedelta(days=1) for t in dates]).astype("datetime64[ns]")
    week0 = pd.to_datetime([pd.Timestamp(last_complete_week_start(t)) for t in dates]).astype("datetime64[ns]")
    return pd.DataFrame({
        "d": np.arange(len(dates), dtype=np.int64),
        "snapshot_date": pd.to_datetime([pd.Timestamp(t) for t in dates]).astype("datetime64[ns]"),
        "snapshot_end": ends,
        "signal_from": ends - pd.Timedelta(days=SIGNAL_WINDOW_DAYS),
        "tech_seen_from": ends - pd.Timedelta(days=TECH_STALE_DAYS),
        "week0": week0,
        "intent_from": week0 - pd.Timedelta(weeks=INTENT_WEEKS - 1),
    })


def _register(con: duckdb.DuckDBPyConnection, dates: list[date],
              frames: dict[str, tuple[pd.DataFrame, dict[str, np.ndarray]]]) -> None:
    """Each source as a view: the frame as it is, beside its row position ``_row`` and its codes."""
    con.register("snapshot_dates", snapshot_bounds(list(dates)))
    for name, (frame, codes) in frames.items():
        con.register(f"{name}_frame", frame)
        con.register(f"{name}_codes", pd.DataFrame({"_row": np.arange(len(frame), dtype=np.int64), **codes}))
        con.execute(f"create temp view {name} as select * from {name}_frame positional join {name}_codes")


def _intent_columns(prefix: str, where: str = "true") -> list[str]:
    """One intent prefix's features over weekly rows (``k`` weeks back, at most one row per ``k``);
    a week without a row counts as a score of 0, not surging."""
    weights = " ".join(f"when {k} then {w!r}::double" for k, w in enumerate(INTENT_RECENCY_WEIGHTS))
    recent = RECENT_INTENT_WEEKS
    columns = [
        f"coalesce(max(score) filter (where {where} and k = 0), 0) as {prefix}_max_score_last_week",
        f"count(*) filter (where {where} and surging and k < {recent})::double as {prefix}_weeks_surging_4",
        f"count(*) filter (where {where} and surging)::double as {prefix}_weeks_surging_8",
        f"coalesce(sum(topics) filter (where {where} and k = 0), 0) as {prefix}_surging_topics_last_week",
        f"coalesce(sum(score) filter (where {where} and k < {recent}), 0) / {recent}.0 "
        f"- coalesce(sum(score) filter (where {where} and k >= {recent}), 0) / {INTENT_WEEKS - recent}.0 "
        f"as {prefix}_momentum",
    ]
    if prefix == "intent":
        columns.append(f"least(greatest(coalesce(sum(score * case k {weights} end) filter "
                       f"(where k < {recent}), 0), 0), 100) as intent_score")
    return columns


def _linked(name: str, rows: str) -> str:
    """CTEs tying each (row, date) of ``rows`` to the company it belonged to at that date (links.py):
    the contact of its address that existed then, by its version then, else its domain's company if
    known then, else its own link."""
    return f"""
{name}_contact as (
    select r.d, r._row, min(c._row) as contact_row
    from {rows} as r
    join contact_versions as c on c.email_code = r.email_code
    where c.email_code >= 0
      and (c.known_from is null or c.known_from < r.snapshot_end)
      and (c.valid_from is null or c.valid_from < r.snapshot_end)
      and (c.valid_to is null or c.valid_to >= r.snapshot_end)
    group by r.d, r._row
),
{name}_linked as (
    select r.*,
        case when link.contact_row is not null then contact.company
             when r.domain_company <> {NO_VALUE}
                  and (r.domain_known_from is null or r.domain_known_from < r.snapshot_end) then r.domain_company
             else r.company end as linked_company
    from {rows} as r
    left join {name}_contact as link on link.d = r.d and link._row = r._row
    left join contact_versions as contact on contact._row = link.contact_row
)"""


def _queries(codes: _Codes) -> list[str]:
    """One query per source, each over every snapshot date at once, giving a row per (``d``,
    ``company``) that has something to count; an account without rows keeps its cell's default."""
    return [_intent_query(codes), _intent_cluster_query(), _engagement_query(codes), _lead_score_query(),
            _technology_query(codes), _opportunity_query()]


INTENT_WINDOW = """
intent_window as (
    select d.d, i.company, i.vendor_code, i.cluster_code, i.max_score, i.is_surging, i.surging_topics,
        i.week_start, epoch_ns(d.week0) - epoch_ns(i.week_start) as ns_back
    from intent as i
    join snapshot_dates as d on i.week_start >= d.intent_from and i.week_start <= d.week0
    where i.company >= 0
)"""


def _intent_query(codes: _Codes) -> str:
    """The weekly intent features: a week is one of the eight Mondays back from the last complete week."""
    intent_columns = ", ".join(_intent_columns("intent"))
    vendor_columns = ", ".join(column for vendor in INTENT_VENDORS for column in _intent_columns(
        f"intent_{vendor}", f"vendor_code = {codes.code_of(codes.vendors, vendor)}"))
    return f"""
with {INTENT_WINDOW},
intent_weeks as (
    select d, company, vendor_code, ns_back // {WEEK_NS} as k, max(max_score) as score,
        bool_or(is_surging) as surging, sum(surging_topics) as topics
    from intent_window
    where ns_back % {WEEK_NS} = 0
    group by d, company, vendor_code, k
),
intent_all_weeks as (
    select d, company, k, max(score) as score, bool_or(surging) as surging, sum(topics) as topics
    from intent_weeks
    group by d, company, k
),
intent_features as (
    select d, company, {intent_columns}
    from intent_all_weeks
    group by d, company
),
intent_vendor_features as (
    select d, company, {vendor_columns}
    from intent_weeks
    group by d, company
)
select *
from intent_features
join intent_vendor_features using (d, company)
"""


def _intent_cluster_query() -> str:
    """The topic cluster surging most weeks of the last four (any week start in them), then scoring highest."""
    return f"""
with {INTENT_WINDOW},
intent_clusters as (
    select d, company, cluster_code,
        count(distinct week_start) filter (where is_surging) as surging_weeks, max(max_score) as score
    from intent_window
    where ns_back < {RECENT_INTENT_WEEKS * WEEK_NS}
    group by d, company, cluster_code
)
select d, company, cluster_code as intent_top_cluster, surging_weeks as intent_top_cluster_weeks
from intent_clusters
qualify row_number() over (partition by d, company order by surging_weeks desc, score desc, cluster_code) = 1
"""


def _engagement_query(codes: _Codes) -> str:
    decayed = ", ".join(f"coalesce(sum(decay) filter (where type_code = {codes.code_of(codes.activity_types, a)}), 0) "
                        f"as eng_{a}_decayed" for a in ACTIVITY_TYPES)
    engaged = (f"age_days <= {ENGAGED_WINDOW_DAYS} and type_code >= 0 "
               f"and type_code <> {codes.code_of(codes.activity_types, 'unsubscribe')}")
    return f"""
with activity_rows as (
    select d.d, d.snapshot_date, d.snapshot_end, a._row, a.email_code, a.domain_company, a.domain_known_from,
        a.company, a.type_code, a.activity_ts, a.contact_code,
        (epoch_ns(d.snapshot_end) - epoch_ns(a.activity_ts)) / 1e9 / 86400.0 as age_days
    from activities as a
    join snapshot_dates as d on a.activity_ts < d.snapshot_end and a.activity_ts >= d.signal_from
),
{_linked("activity", "activity_rows")}
select d, linked_company as company,
    {decayed},
    count(distinct nullif(contact_code, {NO_VALUE})) filter (where {engaged})::double as eng_engaged_contacts_30d,
    count(*) filter (where {engaged})::double as eng_activities_30d,
    date_diff('day', max(activity_ts)::date, any_value(snapshot_date)::date)::double as eng_days_since_last_activity
from (select *, pow(0.5, age_days / {ENGAGEMENT_HALF_LIFE_DAYS!r}) as decay from activity_linked)
where linked_company >= 0
group by d, linked_company
"""


def _lead_score_query() -> str:
    """Each address's newest score of each system by the date: a score holds from its stamp until the
    next one of its address and system (the later row of two equal stamps)."""
    return f"""
with score_versions as (
    select *, lead(scored_at) over (partition by email_code, source_code order by scored_at, _row) as superseded_at
    from map_scores
),
score_rows as (
    select d.d, d.snapshot_end, s._row, s.email_code, s.domain_company, s.domain_known_from, s.company,
        s.score_normalized
    from score_versions as s
    join snapshot_dates as d on s.scored_at < d.snapshot_end
        and (s.superseded_at is null or s.superseded_at >= d.snapshot_end)
),
{_linked("score", "score_rows")}
select d, linked_company as company, max(score_normalized) as map_score_max,
    avg(score_normalized) as map_score_mean, count(*)::double as map_scored_contacts
from score_linked
where linked_company >= 0
group by d, linked_company
"""


def _technology_query(codes: _Codes) -> str:
    spec = codes.spec
    techcat = {f"techcat_{slug(c)}": f"count_if(category_code = {codes.code_of(codes.categories, c)})::double"
               for c in spec.categories}
    techflag = {f"tech_{slug(t)}": f"bool_or(technology_code = {codes.code_of(codes.technologies, t)})::double"
                for t in spec.technologies}
    tech_columns = "".join(f", {sql} as {name}" for name, sql in {**techcat, **techflag}.items())
    return f"""
with installed as (
    select d.d, t.company, t.technology_code, t.category_code, t.label_code
    from technographics as t
    join snapshot_dates as d on (t.first_seen is null or t.first_seen < d.snapshot_end)
        and (t.last_seen is null or t.last_seen >= d.tech_seen_from)
    where t.company >= 0
    qualify row_number() over (partition by d.d, t.company, t.technology_code order by t._row) = 1
),
technology as (
    select d, company, count(*)::double as tech_count, count(distinct category_code)::double as tech_category_count,
        count_if(label_code >= 0)::double as competitor_installs
        {tech_columns}
    from installed
    group by d, company
),
competitors as (
    select i.d, i.company, string_agg(l.label, ', ' order by l._row) as competitor_products
    from installed as i
    join competitor_labels as l on l._row = i.label_code
    group by i.d, i.company
)
select *
from technology
left join competitors using (d, company)
"""


def _opportunity_query() -> str:
    """Deal history from each opportunity created by the date, in its version at the date."""
    return f"""
with opportunity_rows as (
    select d.d, d.snapshot_end, o.company, o.close_date, o.is_won,
        coalesce(o.is_closed and o.close_date < d.snapshot_end, false) as closed_by_t
    from opportunity_versions as o
    join snapshot_dates as d on o.created_date < d.snapshot_end
        and (o.valid_from is null or o.valid_from < d.snapshot_end)
        and (o.valid_to is null or o.valid_to >= d.snapshot_end)
    where o.company >= 0
)
select d, company,
    count_if(closed_by_t and is_won)::double as won_deals,
    ((epoch_ns(any_value(snapshot_end)) - epoch_ns(max(close_date) filter (where closed_by_t and is_won)))
        // {DAY_NS} - 1)::double as days_since_last_won,
    ((epoch_ns(any_value(snapshot_end)) - epoch_ns(max(close_date) filter (where closed_by_t and not is_won)))
        // {DAY_NS} - 1)::double as days_since_last_lost,
    bool_or(not closed_by_t) as has_open_opportunity
from opportunity_rows
group by d, company
"""


def _intent_feature_names() -> dict[str, list[str]]:
    per_prefix = ["max_score_last_week", "weeks_surging_4", "weeks_surging_8", "surging_topics_last_week",
                  "momentum"]
    return {"intent": [f"intent_{c}" for c in per_prefix] + ["intent_score"],
            "vendors": [f"intent_{v}_{c}" for v in INTENT_VENDORS for c in per_prefix]}


def _decoded(codes: np.ndarray, uniques: np.ndarray) -> np.ndarray:
    """The text of each code; ``NO_VALUE`` reads as missing."""
    return np.append(uniques, pd.NA)[codes]
