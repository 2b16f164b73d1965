"""Read the warehouse tables scoring needs into the DataFrames :mod:`models_ml.scoring` expects.

The only module that knows upstream table and column names: when a dbt model is renamed, this is
the one file to change. Tables are read whole (``select *``) and renamed here, so an extra upstream
column never breaks scoring and a missing optional column becomes NULL downstream.

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
import pandas as pd

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

OPPORTUNITY_COLUMNS = {"created_at": "created_date", "opportunity_type": "type"}
# A version exists from the opportunity's creation (its earliest CreatedDate, else first modification).
OPPORTUNITY_VERSION_COLUMNS = {"created_at": "created_as_delivered", "known_from": "created_date",
                               "opportunity_type": "type"}
ACTIVITY_COLUMNS = {"account_key": "current_account_key", "activity_at": "activity_ts"}
SCORE_COLUMNS = {"account_key": "current_account_key"}
TECHNOGRAPHIC_COLUMNS = {"technology_category": "category", "first_seen_date": "first_seen",
                         "last_seen_date": "last_seen"}


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
                        [schema, name]).fetchone()[0]
    return found > 0


def _read(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> pd.DataFrame:
    return con.execute(sql.format(table=table)).df() if _exists(con, table) else pd.DataFrame()


def load_tables(con: duckdb.DuckDBPyConnection) -> WarehouseTables:
    companies = _read(con, "select * from {table}", COMPANIES)
    known_from = _read(con, "select account_key, known_from from {table}", KNOWN_FROM)
    if len(companies) and len(known_from):
        companies = companies.merge(known_from, on="account_key", how="left")
    territories = _read(con, "select account_key, territory_id, territory_owner_user_id as owner_user_id "
                             "from {table}", TERRITORIES)
    accounts = companies.drop(columns=[c for c in ("territory_id", "known_from") if c in companies.columns])
    accounts = accounts.merge(territories, on="account_key", how="left", suffixes=("_crm", ""))
    if "owner_user_id" not in accounts and "owner_user_id_crm" in accounts:
        accounts["owner_user_id"] = accounts["owner_user_id_crm"]
    motions = _read(con, "select account_key, motion from {table}", MOTIONS)
    if len(motions):
        accounts = accounts.merge(motions, on="account_key", how="left")
    accounts["state"] = accounts.get("state_code")
    accounts["country"] = accounts.get("country_code")

    opportunities = _read(con, "select * from {table}", OPPORTUNITIES).rename(columns=OPPORTUNITY_COLUMNS)
    versions = _read(con, "select * from {table}", OPPORTUNITY_VERSIONS)
    opportunity_versions = versions.rename(columns=OPPORTUNITY_VERSION_COLUMNS) if len(versions) else None
    contacts = _read(con, "select * from {table}", CONTACTS).rename(columns={"account_id": "crm_account_id"})
    contact_versions = _contact_versions(con, contacts)
    technographics = _read(con, "select * from {table}", TECHNOGRAPHICS).rename(columns=TECHNOGRAPHIC_COLUMNS)
    technographics = technographics.reindex(columns=["account_key", "technology", *TECHNOGRAPHIC_COLUMNS.values()])
    intent = _read(con, "select account_key, week_start, vendor, topic_cluster, surging_topics, max_score, "
                        "is_surging from {table}", INTENT)
    activities = _read(con, "select * from {table}", ACTIVITIES).rename(columns=ACTIVITY_COLUMNS)
    scores_table = MAP_SCORES if _exists(con, MAP_SCORES) else MAP_SCORES_UNATTRIBUTED
    map_scores = _read(con, "select * from {table}", scores_table).rename(columns=SCORE_COLUMNS)
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
    versions = _read(con, "select * from {table}", CONTACT_VERSIONS)
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
