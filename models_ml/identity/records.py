"""One comparable record table for both sides of the match, built inside DuckDB.

The CRM and the vendor universe describe companies with different column names and different
habits (ZIP+4, ``www.`` websites, ``Inc.``). Entity resolution compares them through one table,
``identity_records``, whose columns are already normalised, so every later step is plain SQL.

Input columns (anything else is ignored; optional columns may be absent):

- CRM accounts: ``account_id``, ``account_name`` (required); ``website``, ``domain``,
  ``billing_street``, ``billing_city``, ``state_code``, ``postal_code``, ``is_customer``,
  ``created_date`` (optional).
- Vendor companies: ``company_id``, ``company_name`` (required); ``website``, ``domain``,
  ``street``, ``city``, ``state_code``, ``postal_code``, ``parent_company_id``,
  ``ultimate_parent_id`` (optional).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from models_ml.identity.sql_normalize import install_normalizers

CRM_PREFIX = "c:"
VENDOR_PREFIX = "v:"


@dataclass(frozen=True)
class SourceLayout:
    """How one source's columns map onto the comparable record."""

    source: str
    prefix: str
    id_column: str
    name_column: str
    street_column: str
    city_column: str
    optional: tuple[str, ...]


CRM_LAYOUT = SourceLayout(
    source="crm", prefix=CRM_PREFIX, id_column="account_id", name_column="account_name",
    street_column="billing_street", city_column="billing_city",
    optional=("website", "domain", "billing_street", "billing_city", "state_code", "postal_code",
              "is_customer", "created_date"),
)
VENDOR_LAYOUT = SourceLayout(
    source="vendor", prefix=VENDOR_PREFIX, id_column="company_id", name_column="company_name",
    street_column="street", city_column="city",
    optional=("website", "domain", "street", "city", "state_code", "postal_code",
              "parent_company_id", "ultimate_parent_id"),
)


def _column_or_null(columns: set[str], name: str, sql_type: str = "varchar") -> str:
    return f'cast("{name}" as {sql_type})' if name in columns else f"cast(null as {sql_type})"


def _records_select(layout: SourceLayout, view: str, columns: set[str]) -> str:
    missing = {layout.id_column, layout.name_column} - columns
    if missing:
        raise ValueError(f"{layout.source} input lacks required columns: {sorted(missing)}")
    col = lambda name, sql_type="varchar": _column_or_null(columns, name, sql_type)  # noqa: E731
    customer = col("is_customer", "boolean") if layout.source == "crm" else "cast(null as boolean)"
    created = col("created_date", "timestamp") if layout.source == "crm" else "cast(null as timestamp)"
    parent = col("parent_company_id") if layout.source == "vendor" else "cast(null as varchar)"
    ultimate = col("ultimate_parent_id") if layout.source == "vendor" else "cast(null as varchar)"
    return f"""
        select '{layout.prefix}' || cast("{layout.id_column}" as varchar) as unique_id,
               '{layout.source}' as record_source,
               cast("{layout.id_column}" as varchar) as record_id,
               cast("{layout.name_column}" as varchar) as name_raw,
               terrain_company_name("{layout.name_column}") as name_norm,
               coalesce(terrain_company_domain({col("domain")}),
                        terrain_company_domain({col("website")})) as domain,
               terrain_zip5({col("postal_code")}) as zip5,
               nullif(trim(regexp_replace(lower(strip_accents({col(layout.city_column)})),
                                          '[^a-z0-9]+', ' ', 'g')), '') as city,
               nullif(upper(trim({col("state_code")})), '') as state,
               terrain_street_number({col(layout.street_column)}) as street_number,
               {customer} as is_customer,
               {created} as created_date,
               {parent} as parent_company_id,
               {ultimate} as ultimate_parent_id
        from {view}
        where "{layout.id_column}" is not null
    """


def build_records(
    con: duckdb.DuckDBPyConnection, crm: pd.DataFrame, vendor: pd.DataFrame
) -> int:
    """Create ``identity_records`` on ``con`` from the two inputs; returns its row count.

    A record id delivered twice keeps its first row: the staging views already hold one current
    row per id, so a repeat here is an input error that must not create a phantom company.
    """
    install_normalizers(con)
    con.register("identity_crm_input", crm)
    con.register("identity_vendor_input", vendor)
    crm_sql = _records_select(CRM_LAYOUT, "identity_crm_input", set(crm.columns))
    vendor_sql = _records_select(VENDOR_LAYOUT, "identity_vendor_input", set(vendor.columns))
    con.execute(
        f"""
        create or replace table identity_records as
        with unioned as ({crm_sql} union all {vendor_sql})
        select *,
               split_part(name_norm, ' ', 1) as name_first_token,
               str_split(name_norm, ' ') as name_tokens,
               left(zip5, 3) as zip3
        from unioned
        qualify row_number() over (partition by unique_id order by name_raw) = 1
        """
    )
    con.unregister("identity_crm_input")
    con.unregister("identity_vendor_input")
    return con.execute("select count(*) from identity_records").fetchall()[0][0]
