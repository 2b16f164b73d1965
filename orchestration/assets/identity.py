"""Entity resolution as Dagster assets: one account per real company.

A thin shell around :func:`models_ml.identity.resolve_accounts`: read the CRM accounts and the
vendor universe from the staging views, resolve them with last run's keys so account keys stay
stable, write the identity tables and ``marts.entity_matches``, and export the CRM duplicates
for the CRM administrators to merge. ``READS`` names the tables it reads: the asset's upstream.
"""

import dagster as dg
import duckdb
import pandas as pd

from models_ml.identity import ResolutionResult, resolve_accounts
from orchestration.assets.lineage import keys_of
from orchestration.assets.table_metadata import table_metadata
from orchestration.resources import SETTINGS_KEY, TerrainPaths, connect_warehouse, terrain_settings
from orchestration.settings import Settings

ACCOUNT_KEYS = dg.AssetKey(["identity", "account_keys"])
DOMAIN_KEYS = dg.AssetKey(["identity", "domain_keys"])
CRM_DUPLICATES = dg.AssetKey(["identity", "crm_duplicates"])
ENTITY_MATCHES = dg.AssetKey(["marts", "entity_matches"])
CRM_ACCOUNTS = "staging.stg_crm__accounts"
VENDOR_COMPANIES = "staging.stg_vendor__firmographics"
READS = (CRM_ACCOUNTS, VENDOR_COMPANIES)
PREVIOUS_KEYS = "identity.account_keys"  # this step's own output of the last run
DUPLICATES_CSV = "crm_duplicates.csv"
ASSET_DESCRIPTIONS = {
    ACCOUNT_KEYS: "One stable account key per real company for every CRM account and vendor company, with the "
                  "record that represents it and how it was matched.",
    DOMAIN_KEYS: "Registered domain -> account key, for joining intent and e-mail domains to companies "
                 "(free-mail domains never appear).",
    CRM_DUPLICATES: "CRM accounts that are one company, with the account to keep, for the CRM administrators to "
                    "merge (also written to outputs/crm_duplicates.csv).",
    ENTITY_MATCHES: "Vendor company x CRM account pairs judged one company, with probability and method.",
}

# Staging column -> the input column ``resolve_accounts`` documents (see models_ml.identity.records).
CRM_COLUMNS = {
    "account_id": "account_id", "account_name": "account_name", "website": "website",
    "domain": "domain", "billing_street": "billing_street", "billing_city": "billing_city",
    "state_code": "state_code", "postal_code": "postal_code", "is_customer": "is_customer",
    "created_at": "created_date",
}
VENDOR_COLUMNS = {
    "company_id": "company_id", "company_name": "company_name", "website": "website",
    "domain": "domain", "street": "street", "city": "city", "state_code": "state_code",
    "postal_code": "postal_code", "parent_company_id": "parent_company_id",
    "ultimate_parent_id": "ultimate_parent_id",
}


def read_input(con: duckdb.DuckDBPyConnection, view: str, columns: dict[str, str]) -> pd.DataFrame:
    """The columns of a staging view that resolution uses, renamed; absent optional ones skipped."""
    schema, table = view.split(".")
    present = {
        row[0] for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?", [schema, table]
        ).fetchall()
    }
    select = ", ".join(f'"{src}" as "{dst}"' for src, dst in columns.items() if src in present)
    return con.execute(f"select {select} from {view}").df()


def previous_account_keys(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Last run's keys, so that a re-run or a new delivery keeps every key it can."""
    schema, table = PREVIOUS_KEYS.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchall()[0][0]
    if not exists:
        return None
    return con.execute(f"select record_source, record_id, account_key from {PREVIOUS_KEYS}").df()


def write_tables(con: duckdb.DuckDBPyConnection, result: ResolutionResult) -> None:
    """Replace the identity tables and the entity_matches mart in one transaction."""
    tables = {
        "identity.account_keys": result.account_keys,
        "identity.domain_keys": result.domain_keys,
        "identity.crm_duplicates": result.crm_duplicates,
        "marts.entity_matches": result.entity_matches,
    }
    con.execute("create schema if not exists identity")
    con.execute("create schema if not exists marts")
    con.execute("begin transaction")
    try:
        for name, frame in tables.items():
            con.register("identity_frame", frame)
            con.execute(f"create or replace table {name} as select * from identity_frame")
            con.unregister("identity_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


@dg.multi_asset(
    specs=[dg.AssetSpec(key, group_name="identity", deps=keys_of(READS), description=description,
                        kinds={"duckdb", "python", "splink"}, owners=["team:data-engineering"])
           for key, description in ASSET_DESCRIPTIONS.items()],
    name="entity_resolution",
    description="Match CRM accounts to vendor companies, find CRM duplicates and keep account keys stable.",
    resource_defs={SETTINGS_KEY: terrain_settings()},
)
def entity_resolution(context: dg.AssetExecutionContext, paths: TerrainPaths, settings: dg.ResourceParam[Settings]):
    with connect_warehouse(paths.warehouse_path) as con:
        crm = read_input(con, CRM_ACCOUNTS, CRM_COLUMNS)
        vendor = read_input(con, VENDOR_COMPANIES, VENDOR_COLUMNS)
        previous = previous_account_keys(con)
        result = resolve_accounts(crm, vendor, previous_keys=previous,
                                  match_threshold=settings.identity.match_threshold)
        write_tables(con, result)
        tables = {key: table_metadata(con, ".".join(key.path)) for key in ASSET_DESCRIPTIONS}
    duplicates_path = paths.outputs_dir / DUPLICATES_CSV
    result.crm_duplicates.to_csv(duplicates_path, index=False)

    stats = result.stats
    context.log.info(
        f"resolved {stats['crm_accounts']} CRM accounts and {stats['vendor_companies']} vendor "
        f"companies into {stats['accounts']} accounts in {stats['total_seconds']:.1f}s"
    )
    yield dg.MaterializeResult(asset_key=ACCOUNT_KEYS, metadata={
        **tables[ACCOUNT_KEYS], "accounts": stats["accounts"],
        "crm_accounts": stats["crm_accounts"], "vendor_companies": stats["vendor_companies"],
        "kept_previous_keys": previous is not None,
        "match_threshold": settings.identity.match_threshold,
        **{name: dg.MetadataValue.float(round(float(stats[name]), 3))
           for name in ("normalise_seconds", "deterministic_seconds", "splink_seconds",
                        "grouping_seconds", "total_seconds")},
    })
    yield dg.MaterializeResult(asset_key=DOMAIN_KEYS, metadata=tables[DOMAIN_KEYS])
    yield dg.MaterializeResult(asset_key=CRM_DUPLICATES, metadata={
        **tables[CRM_DUPLICATES], "csv": dg.MetadataValue.path(str(duplicates_path)),
    })
    yield dg.MaterializeResult(asset_key=ENTITY_MATCHES, metadata={
        **tables[ENTITY_MATCHES],
        "crm_match_rate": dg.MetadataValue.float(round(float(stats["crm_match_rate"]), 4)),
        "matches_by_domain": stats["matches_by_domain"],
        "matches_by_splink": stats["matches_by_splink"],
    })
