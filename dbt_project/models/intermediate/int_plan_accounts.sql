{#-
    The territory planner's accounts: one row per company with where it is today, what it weighs
    and what pins it. Balance is on potential (the annual TAM potential, int_company_potential),
    not this week's expected value, so territories are not redrawn because intent moved for a week;
    nothing here depends on scores, so a plan can be drawn before scoring runs. Workload, customer
    status, segment and named accounts come from their one home each.
    Only CRM accounts fill a rep's book (capacity_units): whitespace companies are in the
    territory but in nobody's book yet.
-#}
with

companies as (

    select * from {{ ref('int_companies_unified') }}

),

assigned as (

    select * from {{ ref('int_companies_territory_assigned') }}

),

potential as (

    select * from {{ ref('int_company_potential') }}

),

workload as (

    select * from {{ ref('int_account_workload') }}

),

motion as (

    select * from {{ ref('int_account_motion') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_rolled_up') }}

),

named_accounts as (

    select * from {{ ref('int_named_accounts') }}

)

select
    companies.account_key,
    companies.crm_account_id,
    companies.segment,
    companies.county_fips,
    companies.country_code as country,
    companies.state_code as state,
    coalesce(assigned.territory_id, 'UNASSIGNED') as current_territory_id,
    coalesce(potential.potential_usd, 0) as potential,
    coalesce(workload.workload, 1.0) as workload,
    coalesce(motion.is_customer, false) as is_customer,
    coalesce(opportunities.open_opportunities, 0) > 0 as has_open_opportunity,
    coalesce(opportunities.bookings_ttm_usd, 0) as customer_revenue,
    coalesce(assigned.is_excluded_from_realign, false) as locked,
    named_accounts.territory_id as named_territory_id,
    named_accounts.named_reason,
    left(companies.naics_code, 2) as naics_sector,
    case when companies.crm_account_id is not null then 1.0 else 0.0 end as capacity_units,
    companies.crm_account_id is not null as in_book
from companies
left join assigned
    on companies.account_key = assigned.account_key
left join potential
    on companies.account_key = potential.account_key
left join workload
    on companies.account_key = workload.account_key
left join motion
    on companies.account_key = motion.account_key
left join opportunities
    on companies.account_key = opportunities.account_key
left join named_accounts
    on companies.account_key = named_accounts.account_key
order by companies.account_key
