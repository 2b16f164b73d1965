"""Read the warehouse tables scoring needs into the DataFrames :mod:`models_ml.scoring` expects.

The only module that knows upstream table and column names: when a dbt model is renamed, this is
the one file to change. Tables are read whole (``select *``) and renamed here, so an extra upstream
column never breaks scoring and a missing optional column becomes NULL downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from models_ml.scoring.inputs import ScoringInputs

COMPANIES = "intermediate.int_companies_unified"
TERRITORIES = "marts.territory_current"
INTENT = "marts.intent_weekly"
ACTIVITIES = "intermediate.int_map_activities_attributed"
MAP_SCORES = "intermediate.int_map_scores_normalized"
OPPORTUNITIES = "staging.stg_crm__opportunities"
CONTACTS = "staging.stg_crm__contacts"
TECHNOGRAPHICS = "staging.stg_vendor__technographics"
POTENTIAL = "intermediate.int_company_potential"
ACCOUNT_KEYS = "identity.account_keys"
AS_OF = "intermediate.int_as_of"


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


def _crm_keys() -> str:
    return f"(select record_id, account_key from {ACCOUNT_KEYS} where record_source = 'crm')"


def load_tables(con: duckdb.DuckDBPyConnection, won_stage_prefixes: tuple[str, ...] = ("Closed Won",)) -> WarehouseTables:
    companies = _read(con, "select * from {table}", COMPANIES)
    territories = _read(con, "select account_key, territory_id, territory_owner_user_id as owner_user_id "
                             "from {table}", TERRITORIES)
    accounts = companies.drop(columns=[c for c in ("territory_id",) if c in companies.columns])
    accounts = accounts.merge(territories, on="account_key", how="left", suffixes=("_crm", ""))
    if "owner_user_id" not in accounts and "owner_user_id_crm" in accounts:
        accounts["owner_user_id"] = accounts["owner_user_id_crm"]
    accounts["state"] = accounts.get("state_code")
    accounts["country"] = accounts.get("country_code")

    crm_keys = _crm_keys()
    opportunities = _read(con, f"""
        select o.opportunity_id, k.account_key, o.created_at as created_date, o.close_date,
               o.opportunity_type as type, o.stage_name, o.is_closed, o.is_won, o.amount
        from {{table}} o join {crm_keys} k on k.record_id = o.account_id""", OPPORTUNITIES)
    contacts = _read(con, f"""
        select c.contact_id, k.account_key, c.account_id as crm_account_id, c.full_name, c.title,
               c.department, c.email, c.has_opted_out_of_email
        from {{table}} c join {crm_keys} k on k.record_id = c.account_id""", CONTACTS)
    technographics = _read(con, f"""
        select k.account_key, t.technology, t.technology_category as category,
               t.first_seen_date as first_seen, t.last_seen_date as last_seen
        from {{table}} t join {ACCOUNT_KEYS} k on k.record_source = 'vendor' and k.record_id = t.company_id""",
                           TECHNOGRAPHICS)
    intent = _read(con, "select account_key, week_start, vendor, topic_cluster, surging_topics, max_score, "
                        "is_surging from {table}", INTENT)
    activities = _read(con, "select account_key, contact_id, email, activity_type, activity_at as activity_ts "
                            "from {table} where account_key is not null", ACTIVITIES)
    map_scores = _map_scores(con, contacts)
    potential = _read(con, "select account_key, potential_usd from {table}", POTENTIAL)
    as_of = _read(con, "select as_of_date, horizon_days from {table}", AS_OF)

    inputs = ScoringInputs(companies=companies, technographics=technographics, intent=intent,
                           activities=activities, map_scores=map_scores, opportunities=opportunities,
                           won_stage_prefixes=won_stage_prefixes)
    return WarehouseTables(
        inputs=inputs, accounts=accounts, contacts=contacts,
        potential=potential.set_index("account_key")["potential_usd"] if len(potential) else pd.Series(dtype=float),
        as_of=pd.Timestamp(as_of["as_of_date"].iloc[0]).date() if len(as_of) else None,
        horizon_days=int(as_of["horizon_days"].iloc[0]) if len(as_of) else None)


def _map_scores(con: duckdb.DuckDBPyConnection, contacts: pd.DataFrame) -> pd.DataFrame:
    """MAP scores tied to companies: by the CRM contact with that e-mail, else by the e-mail's domain."""
    scores = _read(con, "select email, email_domain, source_system, score_normalized, scored_at from {table}",
                   MAP_SCORES)
    if scores.empty:
        return scores
    by_email = contacts.dropna(subset=["email"]).assign(email=lambda f: f["email"].str.lower())
    by_email = by_email.drop_duplicates("email").set_index("email")["account_key"]
    domains = _read(con, "select domain, account_key from {table}", "identity.domain_keys")
    by_domain = domains.drop_duplicates("domain").set_index("domain")["account_key"] if len(domains) else pd.Series(dtype=str)
    email = scores["email"].str.lower()
    scores["account_key"] = email.map(by_email).fillna(scores["email_domain"].map(by_domain))
    return scores.dropna(subset=["account_key"])


def previous_readiness(con: duckdb.DuckDBPyConnection) -> pd.Series:
    """Last run's published readiness probabilities, for the drift check (empty on a first run)."""
    frame = _read(con, "select readiness_probability from {table}", "marts.account_priority")
    return frame["readiness_probability"] if len(frame) else pd.Series(dtype=float)
