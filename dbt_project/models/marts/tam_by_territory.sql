with

territories as (

    select * from {{ ref('territory_current') }}

),

companies as (

    select * from {{ ref('int_companies_unified') }}

),

potential as (

    select * from {{ ref('int_company_potential') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_rolled_up') }}

),

aggregated as (

    select
        territories.territory_id,
        companies.country_code as country,
        territories.segment,
        coalesce(companies.naics_sector, '99') as naics_sector,
        count(*) as accounts,
        count(case when companies.is_customer then 1 end) as customers,
        count(case when not companies.is_customer then 1 end) as whitespace_accounts,
        coalesce(sum(potential.potential_usd), 0) as tam_usd,
        coalesce(sum(potential.expected_pipeline_usd), 0) as expected_pipeline_usd,
        coalesce(sum(opportunities.bookings_ttm_usd), 0) as bookings_ttm_usd,
        coalesce(sum(opportunities.open_pipeline_usd), 0) as open_pipeline_usd
    from territories
    inner join companies
        on territories.account_key = companies.account_key
    left join potential
        on territories.account_key = potential.account_key
    left join opportunities
        on territories.account_key = opportunities.account_key
    group by 1, 2, 3, 4

)

select
    cast(territory_id as varchar) as territory_id,
    cast(country as varchar) as country,
    cast(segment as varchar) as segment,
    cast(naics_sector as varchar) as naics_sector,
    cast(accounts as bigint) as accounts,
    cast(customers as bigint) as customers,
    cast(whitespace_accounts as bigint) as whitespace_accounts,
    cast(tam_usd as double) as tam_usd,
    cast(expected_pipeline_usd as double) as expected_pipeline_usd,
    cast(customers * 1.0 / accounts as double) as penetration,
    cast(bookings_ttm_usd as double) as bookings_ttm_usd,
    cast(open_pipeline_usd as double) as open_pipeline_usd
from aggregated
