"""Entity resolution: one account per real company across the CRM and the vendor universe.

``resolve_accounts`` runs the whole method on two DataFrames (see ``records`` for the columns):
normalise in DuckDB, settle certain matches by domain, score the rest with Splink, group the
records around vendor companies, give each group a stable key, and shape the identity tables of
ARCHITECTURE.md (``account_keys``, ``domain_keys``, ``crm_duplicates``) and the contract's
``entity_matches``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from models_ml.identity.deterministic import domain_matches
from models_ml.identity.grouping import DUPLICATE_METHOD, best_vendor_links, group_records
from models_ml.identity.keys import assign_keys
from models_ml.identity.probabilistic import scored_pairs
from models_ml.identity.records import build_records

CRM_ONLY_METHOD = "crm_only"
VENDOR_ONLY_METHOD = "vendor_only"
SAME_DOMAIN_METHOD = "crm_domain"

# Two CRM accounts on one domain are one company only if their names or ZIPs also agree: a
# parent and its subsidiary often share a website.
CRM_SAME_DOMAIN_MIN_NAME_SIMILARITY = 0.85


@dataclass
class ResolutionResult:
    """The identity tables of one resolution run, plus timings and counts for run metadata."""

    account_keys: pd.DataFrame
    domain_keys: pd.DataFrame
    crm_duplicates: pd.DataFrame
    entity_matches: pd.DataFrame
    stats: dict[str, float] = field(default_factory=dict)


def resolve_accounts(
    crm: pd.DataFrame,
    vendor: pd.DataFrame,
    *,
    match_threshold: float,
    previous_keys: pd.DataFrame | None = None,
    seed: int = 7,
    memory_limit: str = "4GB",
) -> ResolutionResult:
    """Resolve CRM accounts and vendor companies into accounts with stable keys.

    ``previous_keys`` is the previous run's ``account_keys`` (record_source, record_id,
    account_key): keys assigned then are kept (see ``keys``). ``match_threshold`` is the Splink
    match probability a pair needs to count: the caller passes settings ``identity.match_threshold``,
    whose one default lives in the settings schema, so it has none here. ``seed``
    makes Splink's random sampling of pairs, and so the trained model, repeatable.
    The work runs in a private in-memory DuckDB capped at ``memory_limit`` (it spills to disk
    beyond), so a large universe cannot starve the machine it shares.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": memory_limit,
                                 "preserve_insertion_order": False})
    try:
        build_records(con, crm, vendor)
        timings["normalise_seconds"] = time.perf_counter() - started

        step = time.perf_counter()
        deterministic = domain_matches(con)
        same_domain = _crm_same_domain_pairs(con)
        timings["deterministic_seconds"] = time.perf_counter() - step

        step = time.perf_counter()
        scored = scored_pairs(con, match_threshold, seed=seed)
        timings["splink_seconds"] = time.perf_counter() - step

        records = con.execute(
            "select unique_id, record_source, record_id, domain, is_customer, created_date, "
            "parent_company_id from identity_records"
        ).df()
    finally:
        con.close()

    step = time.perf_counter()
    vendor_ids = set(records.loc[records["record_source"] == "vendor", "unique_id"])
    links = best_vendor_links(deterministic, scored, vendor_ids)
    crm_pairs = pd.concat(
        [scored[~scored["right_unique_id"].isin(vendor_ids)], same_domain], ignore_index=True
    )
    groups = group_records(records, links, crm_pairs)
    keys = assign_keys(groups, previous_keys)
    tables = _identity_tables(records, groups, keys)
    timings["grouping_seconds"] = time.perf_counter() - step
    timings["total_seconds"] = time.perf_counter() - started
    return ResolutionResult(*tables, stats={**timings, **_counts(records, tables)})


def _crm_same_domain_pairs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """CRM accounts on one registered domain whose names or ZIPs agree: duplicates for certain."""
    return con.execute(
        f"""
        select l.unique_id as left_unique_id, r.unique_id as right_unique_id,
               1.0 as match_probability, '{SAME_DOMAIN_METHOD}' as match_method
        from identity_records l
        join identity_records r
          on l.domain = r.domain and l.unique_id < r.unique_id
        where l.record_source = 'crm' and r.record_source = 'crm'
          and (l.name_norm = r.name_norm or l.zip5 = r.zip5
               or jaro_winkler_similarity(l.name_norm, r.name_norm)
                  >= {CRM_SAME_DOMAIN_MIN_NAME_SIMILARITY})
        """
    ).df()


def _identity_tables(
    records: pd.DataFrame, groups: pd.DataFrame, keys: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    frame = records.merge(groups, on="unique_id")
    frame["account_key"] = frame["group_id"].map(keys)
    crm = frame[frame["record_source"] == "crm"].copy()
    vendor = frame[frame["record_source"] == "vendor"].copy()

    primary = _primary_crm(crm)
    crm["is_primary"] = crm["unique_id"].isin(set(primary["unique_id"]))
    crm["match_probability"] = crm["link_probability"]
    crm["match_method"] = crm["link_method"].fillna(CRM_ONLY_METHOD)

    best_link = (
        crm.dropna(subset=["link_probability"])
        .loc[lambda d: d["group_id"].str.startswith("v:")]
        .sort_values(["group_id", "link_probability", "unique_id"], ascending=[True, False, True])
        .drop_duplicates("group_id")
        .set_index("group_id")
    )
    vendor["is_primary"] = True
    vendor["match_probability"] = vendor["group_id"].map(best_link["link_probability"])
    vendor["match_method"] = vendor["group_id"].map(best_link["link_method"]).fillna(
        VENDOR_ONLY_METHOD
    )

    columns = ["record_source", "record_id", "account_key", "is_primary", "match_probability",
               "match_method"]
    account_keys = pd.concat([crm[columns], vendor[columns]], ignore_index=True)
    account_keys = account_keys.sort_values(["record_source", "record_id"], ignore_index=True)

    entity_matches = _entity_matches(crm, vendor)
    crm_duplicates = _crm_duplicates(crm, primary)
    domain_keys = _domain_keys(frame)
    return account_keys, domain_keys, crm_duplicates, entity_matches


def _primary_crm(crm: pd.DataFrame) -> pd.DataFrame:
    """The CRM record that represents each company: a customer record first, then the record
    linked directly to the vendor company, then the oldest, then the smallest Id."""
    ranked = crm.assign(
        _customer=crm["is_customer"].fillna(False).astype(bool),
        _direct=crm["link_method"].notna() & (crm["link_method"] != DUPLICATE_METHOD),
        _created=pd.to_datetime(crm["created_date"]),
    )
    ranked = ranked.sort_values(
        ["account_key", "_customer", "_direct", "_created", "record_id"],
        ascending=[True, False, False, True, True],
        na_position="last",
    )
    return ranked.drop_duplicates("account_key")[["account_key", "unique_id", "record_id",
                                                   "link_probability"]]


def _entity_matches(crm: pd.DataFrame, vendor: pd.DataFrame) -> pd.DataFrame:
    matched = crm[crm["group_id"].str.startswith("v:")]
    vendor_ids = vendor.set_index("unique_id")["record_id"]
    out = pd.DataFrame(
        {
            "vendor_company_id": matched["group_id"].map(vendor_ids).values,
            "crm_account_id": matched["record_id"].values,
            "match_probability": matched["link_probability"].astype(float).values,
            "match_method": matched["link_method"].values,
        }
    )
    return out.sort_values(["vendor_company_id", "crm_account_id"], ignore_index=True)


def _crm_duplicates(crm: pd.DataFrame, primary: pd.DataFrame) -> pd.DataFrame:
    """Every CRM record that is not its company's primary, with the probability that it is the
    same company: the weaker of its own link and the primary's link."""
    sizes = crm.groupby("account_key")["unique_id"].transform("size")
    duplicates = crm[(sizes > 1) & ~crm["is_primary"]].merge(
        primary.rename(columns={"record_id": "primary_crm_account_id",
                                "link_probability": "primary_probability",
                                "unique_id": "primary_unique_id"}),
        on="account_key",
    )
    probability = duplicates[["link_probability", "primary_probability"]].astype(float).min(axis=1)
    out = pd.DataFrame(
        {
            "account_key": duplicates["account_key"].values,
            "crm_account_id": duplicates["record_id"].values,
            "primary_crm_account_id": duplicates["primary_crm_account_id"].values,
            "match_probability": probability.values,
        }
    )
    return out.sort_values(["account_key", "crm_account_id"], ignore_index=True)


def _domain_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """One account per domain. A domain several accounts share (a parent and its subsidiaries)
    goes to the account whose vendor company has no parent, then to the one most of the domain's
    records belong to, then to the smaller key."""
    with_domain = frame.loc[frame["domain"].notna(),
                            ["domain", "account_key", "record_source", "parent_company_id"]]
    with duckdb.connect() as con:
        con.register("with_domain", with_domain)
        return con.sql(
            """
            select domain, account_key
            from (
                select domain, account_key,
                       bool_or(record_source = 'vendor' and parent_company_id is null)
                           as top_level,
                       count(*) as records
                from with_domain
                group by domain, account_key
            )
            qualify row_number() over (partition by domain
                                       order by top_level desc, records desc, account_key) = 1
            order by domain
            """
        ).df()


def _counts(records: pd.DataFrame, tables) -> dict[str, float]:
    account_keys, domain_keys, crm_duplicates, entity_matches = tables
    crm_total = int((records["record_source"] == "crm").sum())
    matched_crm = int(entity_matches["crm_account_id"].nunique())
    return {
        "crm_accounts": crm_total,
        "vendor_companies": int((records["record_source"] == "vendor").sum()),
        "accounts": int(account_keys["account_key"].nunique()),
        "crm_matched": matched_crm,
        "crm_match_rate": matched_crm / crm_total if crm_total else 0.0,
        "crm_duplicates": len(crm_duplicates),
        "matches_by_domain": int(entity_matches["match_method"].str.startswith("domain").sum()),
        "matches_by_splink": int((entity_matches["match_method"] == "splink").sum()),
        "domains": len(domain_keys),
    }
