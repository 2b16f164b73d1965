"""The territory planner's inputs, read from the warehouse.

Potential is the annual TAM potential per company (`int_company_potential`), not this week's
expected value: territories should not be redrawn because intent moved for a week. Workload is
dbt's (`int_account_workload`: size and motion, one definition for every table that shows it).
Named accounts are those whose winning rule matches on `Id`.
A rep's `Max_Accounts__c` is the capacity of their book (a price on overflow, not a wall);
whitespace companies are in the territory but in nobody's book yet, so they do not count toward
it. Territories come with the kind, segment and country their rules show (`int_territory_kinds`)
and, for vertical ones, the industries they cover, so the planner groups like with like.
``READS`` names every table read here: the territory asset's upstream.
"""

from __future__ import annotations

import duckdb
import pandas as pd

READS = (
    "marts.account_priority", "intermediate.int_company_potential", "intermediate.int_account_workload",
    "intermediate.int_opportunities_rolled_up", "marts.territory_current", "staging.stg_territories__rules",
    "intermediate.int_territory_rules", "intermediate.int_territory_kinds", "staging.stg_crm__users",
    "reference.zip_codes",
)

ACCOUNTS_SQL = """
with named as (
    select distinct rules.territory_id, rules.priority
    from staging.stg_territories__rules as rules
    where lower(trim(rules.field)) = 'id'
)
select
    ap.account_key,
    ap.crm_account_id,
    ap.segment,
    ap.county_fips,
    ap.country,
    ap.state,
    coalesce(ap.territory_id, 'UNASSIGNED') as current_territory_id,
    coalesce(potential.potential_usd, 0) as potential,
    coalesce(workload.workload, 1.0) as workload,
    coalesce(ap.is_customer, false) as is_customer,
    coalesce(opps.open_opportunities, 0) > 0 as has_open_opportunity,
    coalesce(opps.bookings_ttm_usd, 0) as customer_revenue,
    coalesce(tc.is_excluded_from_realign, false) as locked,
    case when named.territory_id is not null then tc.territory_id end as named_territory_id,
    left(ap.naics_code, 2) as naics_sector,
    case when ap.crm_account_id is not null then 1.0 else 0.0 end as capacity_units,
    ap.crm_account_id is not null as in_book
from marts.account_priority as ap
left join intermediate.int_company_potential as potential using (account_key)
left join intermediate.int_account_workload as workload using (account_key)
left join intermediate.int_opportunities_rolled_up as opps using (account_key)
left join marts.territory_current as tc using (account_key)
left join named on named.territory_id = tc.territory_id and named.priority = tc.matched_priority
"""

TERRITORIES_SQL = """
with industries as (
    select territory_id, string_agg(distinct match_text, ';' order by match_text) as industries
    from intermediate.int_territory_rules
    where field = 'industry' and match_text is not null
    group by territory_id
)
select
    kinds.territory_id,
    kinds.segment,
    kinds.territory_kind,
    kinds.country_code as country,
    industries.industries,
    kinds.owner_user_id,
    kinds.area_id,
    kinds.region_id,
    zips.county_fips as home_county_fips,
    zips.lat as home_lat,
    zips.lon as home_lon,
    users.max_accounts,
    users.industry_focus,
    date_diff('day', users.hire_date, current_date) / 365.25 as tenure_years
from intermediate.int_territory_kinds as kinds
left join industries on industries.territory_id = kinds.territory_id
left join staging.stg_crm__users as users on users.user_id = kinds.owner_user_id
left join reference.zip_codes as zips on zips.postal_code = users.home_postal_code
where kinds.is_leaf and kinds.segment is not null and kinds.territory_kind is not null
"""

REPS_SQL = """
select users.user_id as owner_user_id, users.segment, zips.county_fips as home_county_fips,
       zips.lat as home_lat, zips.lon as home_lon, users.industry_focus,
       date_diff('day', users.hire_date, current_date) / 365.25 as tenure_years
from staging.stg_crm__users as users
left join reference.zip_codes as zips on zips.postal_code = users.home_postal_code
where coalesce(users.is_active, true) and upper(coalesce(users.sales_role, '')) = 'AE'
"""


def load_accounts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(ACCOUNTS_SQL).df()


def load_territories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Leaf territories with their rep; `industry_focus` stays the CRM's `;`-separated text,
    which the planner parses."""
    return con.execute(TERRITORIES_SQL).df()


def load_reps(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(REPS_SQL).df()
