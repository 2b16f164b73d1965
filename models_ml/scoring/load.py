"""Read the warehouse tables scoring needs into the DataFrames :mod:`models_ml.scoring` expects.

The only module that knows upstream table and column names: when a dbt model is renamed, this is
the one file to change. The tables that only feed :class:`ScoringInputs` are read column by column:
only the columns it keeps, renamed in the SQL, so DuckDB hands pandas no column that is thrown away
(at a million companies that conversion was a third of the load). The companies and contacts that
are published beside the scores are read whole (``select *``). Either way an extra upstream column
never breaks scoring and a missing optional column becomes NULL downstream.

What is read for point-in-time snapshots (see :mod:`models_ml.scoring.features`):

- opportunities in every delivered version (``int_opportunity_versions_keyed``) beside their current
  version (``int_opportunities_keyed``, for labels and potential), each with its company's key;
- CRM contacts in every delivered version (``int_contact_versions_keyed``), through which
  activities and lead scores are tied to companies at a date; a warehouse without it falls back
  to the current contacts, each standing for every date since its creation;
- activities and every lead score with the company of their e-mail domain and since when it is
  known (``int_map_activities_attributed``, ``int_map_scores_attributed``); today's link is not
  read, because it may rest on a contact created after the activity;
- since when each company is known (``int_company_known_from``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from models_ml.scoring.inputs import ScoringInputs

COMPANIES = "intermediate.int_companies_unified"
KNOWN_FROM = "intermediate.int_company_known_from"
TERRITORIES = "marts.territory_current"
INTENT = "marts.intent_weekly"
ACTIVITIES = "intermediate.int_map_activities_attributed"
MAP_SCORES = "intermediate.int_map_scores_attributed"
MAP_SCORES_UNATTRIBUTED = "intermediate.int_map_scores_normalized"
OPPORTUNITIES = "intermediate.int_opportunities_keyed"
OPPORTUNITY_VERSIONS = "intermediate.int_opportunity_versions_keyed"
CONTACTS = "intermediate.int_contacts_keyed"
CONTACT_VERSIONS = "intermediate.int_contact_versions_keyed"
TECHNOGRAPHICS = "intermediate.int_technographics_keyed"
POTENTIAL = "intermediate.int_company_potential"
AS_OF = "intermediate.int_as_of"
MOTIONS = "intermediate.int_account_motion"
READS = (COMPANIES, KNOWN_FROM, MOTIONS, TERRITORIES, INTENT, ACTIVITIES, MAP_SCORES, OPPORTUNITIES, OPPORTUNITY_VERSIONS,
         CONTACTS, CONTACT_VERSIONS, TECHNOGRAPHICS, POTENTIAL, AS_OF)

# Upstream name -> ScoringInputs name, for the columns scoring keeps of each table.
OPPORTUNITY_COLUMNS = {"opportunity_id": "opportunity_id", "account_key": "account_key", "created_at": "created_date",
                       "close_date": "close_date", "opportunity_type": "type", "stage_name": "stage_name",
                       "is_closed": "is_closed", "is_won": "is_won", "amount": "amount"}
# A version exists from the opportunity's creation (its earliest CreatedDate, else first modification).
OPPORTUNITY_VERSION_COLUMNS = {**{k: v for k, v in OPPORTUNITY_COLUMNS.items() if k != "created_at"},
                               "known_from": "created_date", "valid_from": "valid_from", "valid_to": "valid_to"}
# Today's link of an activity or lead score (``account_key``) is not read: see the module docstring.
ACTIVITY_COLUMNS = {"contact_id": "contact_id", "email": "email", "activity_type": "activity_type",
                    "activity_at": "activity_ts", "domain_account_key": "domain_account_key",
                    "domain_known_from": "domain_known_from"}
SCORE_COLUMNS = {"email": "email", "source_system": "source_system", "score_normalized": "score_normalized",
                 "scored_at": "scored_at", "domain_account_key": "domain_account_key",
                 "domain_known_from": "domain_known_from"}
TECHNOGRAPHIC_COLUMNS = {"account_key": "account_key", "technology": "technology", "technology_category": "category",
                         "first_seen_date": "first_seen", "last_seen_date": "last_seen"}
INTENT_COLUMNS = {c: c for c in ("account_key", "week_start", "vendor", "topic_cluster", "surging_topics",
                                 "max_score", "is_surging")}
CONTACT_VERSION_COLUMNS = {c: c for c in ("contact_id", "account_key", "email", "known_from", "valid_from",
                                          "valid_to", "last_modified_at")}


# DuckDB types whose Arrow form converts to the values ``.df()`` gives (dates at another unit).
_ARROW_TYPES = {"VARCHAR", "BOOLEAN", "DOUBLE", "FLOAT", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DATE",
                "TIMESTAMP"}
_NULLABLE = {pa.bool_(): pd.BooleanDtype(), pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(),
             pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}
# Text that only feeds ScoringInputs stays in Arrow form, where its trim check is one pass over bytes.
_FOR_INPUTS = {**_NULLABLE, pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}


@dataclass
class WarehouseTables:
    inputs: ScoringInputs
    accounts: pd.DataFrame
    contacts: pd.DataFrame
    potential: pd.Series
    as_of: date | None
    horizon_days: int | None


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    found = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                        [schema, name]).fetchall()[0][0]
    return found > 0


def _read(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> pd.DataFrame:
    """The rows of ``sql`` on ``table``, typed as DuckDB's ``.df()`` types them (an empty frame without the table).

    Read through Arrow when every column has a plain type, which costs less than half of ``.df()``
    on string-heavy tables; the Arrow types are then mapped to ``.df()``'s: integers and booleans
    nullable only where they hold a NULL, dates as microsecond timestamps.
    """
    if not _exists(con, table):
        return pd.DataFrame()
    query = con.sql(sql.format(table=table))
    if not all(str(kind) in _ARROW_TYPES for kind in query.types):
        return query.df()
    arrow = query.to_arrow_table()
    frame = arrow.to_pandas(date_as_object=False, types_mapper=_NULLABLE.get)
    for name, column in zip(arrow.column_names, arrow.columns, strict=True):
        if pa.types.is_date(column.type):
            frame[name] = frame[name].astype("datetime64[us]")
        elif column.null_count == 0 and column.type in _NULLABLE:
            frame[name] = frame[name].astype(column.type.to_pandas_dtype())
    return frame


def _read_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> pd.DataFrame:
    """The ``columns`` of ``table`` it has, under their new names; upstream names match case and spaces aside.

    Through Arrow when every column has a plain type: for string-heavy tables DuckDB's Arrow
    output and its conversion cost less than half of ``.df()``. Integers and booleans come as
    pandas' nullable types, as ``.df()`` gives them when they hold NULLs, so each value reads
    and prints the same; text comes Arrow-backed (``string[pyarrow]``), and :class:`ScoringInputs`
    keeps it so (trimmed where a value needs it).
    """
    if not _exists(con, table):
        return pd.DataFrame()
    schema, name = table.split(".")
    present = {str(c).strip().lower(): (c, kind) for c, kind in con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall()}
    chosen = [(*present[source], target) for source, target in columns.items() if source in present]
    if not chosen:
        return pd.DataFrame(index=pd.RangeIndex(con.execute(f"select count(*) from {table}").fetchall()[0][0]))
    sql = "select " + ", ".join(f"{_quoted(source)} as {_quoted(target)}" for source, _, target in chosen)
    sql += f" from {table}"
    if all(kind in _ARROW_TYPES for _, kind, _ in chosen):
        return con.sql(sql).to_arrow_table().to_pandas(date_as_object=False, types_mapper=_FOR_INPUTS.get)
    return con.execute(sql).df()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _left_join(left: pd.DataFrame, right: pd.DataFrame, key: str,
               suffixes: tuple[str, str] = ("_x", "_y")) -> pd.DataFrame:
    """``left.merge(right, on=key, how="left", suffixes=suffixes)``, cheaper when ``right`` has one row per key.

    A million-row merge copies every column of ``left``; a lookup by key adds only the columns of
    ``right``. The rows, their order, the names and the types are those of the merge.
    """
    if key not in left.columns or key not in right.columns:
        return left.merge(right, on=key, how="left", suffixes=suffixes)
    if _row_for_row(left[key], right[key]):
        positions = np.arange(len(left))
    else:
        keys = pd.Index(right[key])
        if not keys.is_unique:
            return left.merge(right, on=key, how="left", suffixes=suffixes)
        positions = keys.get_indexer(left[key])
    added = [c for c in right.columns if c != key]
    overlap = {c for c in added if c in left.columns}
    joined = left.copy(deep=False)
    joined.columns = [f"{c}{suffixes[0]}" if c in overlap else c for c in left.columns]
    for column in added:
        source = right[column]
        values = (pd.api.extensions.take(source.to_numpy(), positions, allow_fill=True)
                  if isinstance(source.dtype, np.dtype) else source.array.take(positions, allow_fill=True))
        joined[f"{column}{suffixes[1]}" if column in overlap else column] = values
    joined.index = pd.RangeIndex(len(joined))
    return joined


def _row_for_row(left: pd.Series, right: pd.Series) -> bool:
    """Whether ``right`` holds the key of each row of ``left`` at the same row, each key once.

    Both sides read in key order, this replaces hashing a million keys by one comparison per row;
    text keys in strictly increasing order are distinct, so each left row has exactly its own match.
    """
    if len(left) != len(right) or any(pd.api.types.infer_dtype(side, skipna=False) != "string"
                                      for side in (left, right)):
        return False
    keys = right.to_numpy()
    return bool((left.to_numpy() == keys).all() and (keys[1:] > keys[:-1]).all())


def load_tables(con: duckdb.DuckDBPyConnection) -> WarehouseTables:
    # Key order (ties in table order) makes the stable sort by key in ScoringInputs a pass over sorted rows,
    # and the joins by key below a row-for-row match.
    companies = _read(con, "select * from {table} order by account_key, rowid", COMPANIES)
    known_from = _read(con, "select account_key, known_from from {table} order by account_key, rowid", KNOWN_FROM)
    if len(companies) and len(known_from):
        companies = _left_join(companies, known_from, "account_key")
    territories = _read(con, "select account_key, territory_id, territory_owner_user_id as owner_user_id "
                             "from {table} order by account_key, rowid", TERRITORIES)
    accounts = companies.drop(columns=[c for c in ("territory_id", "known_from") if c in companies.columns])
    accounts = _left_join(accounts, territories, "account_key", suffixes=("_crm", ""))
    if "owner_user_id" not in accounts and "owner_user_id_crm" in accounts:
        accounts["owner_user_id"] = accounts["owner_user_id_crm"]
    motions = _read(con, "select account_key, motion from {table} order by account_key, rowid", MOTIONS)
    if len(motions):
        accounts = _left_join(accounts, motions, "account_key")
    accounts["state"] = accounts.get("state_code")
    accounts["country"] = accounts.get("country_code")

    opportunities = _read_columns(con, OPPORTUNITIES, OPPORTUNITY_COLUMNS)
    versions = _read_columns(con, OPPORTUNITY_VERSIONS, OPPORTUNITY_VERSION_COLUMNS)
    opportunity_versions = versions if len(versions) else None
    contacts = _read(con, "select * from {table}", CONTACTS).rename(columns={"account_id": "crm_account_id"})
    contact_versions = _contact_versions(con, contacts)
    technographics = _read_columns(con, TECHNOGRAPHICS, TECHNOGRAPHIC_COLUMNS)
    intent = _read_columns(con, INTENT, INTENT_COLUMNS)
    activities = _read_columns(con, ACTIVITIES, ACTIVITY_COLUMNS)
    scores_table = MAP_SCORES if _exists(con, MAP_SCORES) else MAP_SCORES_UNATTRIBUTED
    map_scores = _read_columns(con, scores_table, SCORE_COLUMNS)
    potential = _read(con, "select account_key, potential_usd from {table}", POTENTIAL)
    as_of = _read(con, "select as_of_date, horizon_days from {table}", AS_OF)

    inputs = ScoringInputs(companies=companies, technographics=technographics, intent=intent,
                           activities=activities, map_scores=map_scores, opportunities=opportunities,
                           opportunity_versions=opportunity_versions,
                           contact_versions=contact_versions)
    return WarehouseTables(
        inputs=inputs, accounts=accounts, contacts=contacts,
        potential=potential.set_index("account_key")["potential_usd"] if len(potential) else pd.Series(dtype=float),
        as_of=pd.Timestamp(as_of["as_of_date"].iloc[0]).date() if len(as_of) else None,
        horizon_days=int(as_of["horizon_days"].iloc[0]) if len(as_of) else None)


def _contact_versions(con: duckdb.DuckDBPyConnection, contacts: pd.DataFrame) -> pd.DataFrame:
    """Every delivered contact version with its company; else the current contacts, one version each."""
    versions = _read_columns(con, CONTACT_VERSIONS, CONTACT_VERSION_COLUMNS)
    if len(versions) or _exists(con, CONTACT_VERSIONS):
        return versions
    if contacts.empty:
        return contacts
    created = contacts["created_at"] if "created_at" in contacts.columns else pd.NaT
    return contacts.assign(known_from=created, valid_from=pd.NaT, valid_to=pd.NaT)


def previous_readiness(con: duckdb.DuckDBPyConnection) -> pd.Series:
    """Last run's published readiness probabilities, for the drift check (empty on a first run)."""
    frame = _read(con, "select readiness_probability from {table}", "marts.account_priority")
    return frame["readiness_probability"] if len(frame) else pd.Series(dtype=float)
