{#-
    One row per current territory (the leaves of the hierarchy), plus UNASSIGNED when some
    companies match no rule, so that the rows add up to the whole universe. Kind and country come
    from int_territory_kinds, the segment is the territory's own or its nearest ancestor's.
    expected_value_usd = sum over the territory's companies of readiness_probability x
    potential_usd; balance_index = expected_value_usd / the mean over the segment's territories
    (1.0 is perfectly balanced; UNASSIGNED has none).
-#}
with

territories as (

    select * from {{ ref('territory_current') }}

),

hierarchy as (

    select * from {{ ref('int_territory_hierarchy') }}

),

kinds as (

    select
        territory_id,
        territory_kind,
        country_code
    from {{ ref('int_territory_kinds') }}

),

companies as (

    select
        account_key,
        is_customer
    from {{ ref('int_companies_unified') }}

),

potential as (

    select
        account_key,
        potential_usd
    from {{ ref('int_company_potential') }}

),

opportunities as (

    select
        account_key,
        open_pipeline_usd,
        bookings_ttm_usd
    from {{ ref('int_opportunities_rolled_up') }}

),

priorities as (

    select
        account_key,
        readiness_probability,
        priority_tier
    from {{ source('scoring', 'account_priority') }}

),

account_values as (

    select
        territories.territory_id,
        territories.account_key,
        companies.is_customer,
        coalesce(potential.potential_usd, 0) as potential_usd,
        coalesce(opportunities.open_pipeline_usd, 0) as open_pipeline_usd,
        coalesce(opportunities.bookings_ttm_usd, 0) as bookings_ttm_usd,
        coalesce(priorities.readiness_probability, 0) * coalesce(potential.potential_usd, 0) as expected_value_usd,
        priorities.priority_tier
    from territories
    inner join companies
        on territories.account_key = companies.account_key
    left join potential
        on territories.account_key = potential.account_key
    left join opportunities
        on territories.account_key = opportunities.account_key
    left join priorities
        on territories.account_key = priorities.account_key

),

by_territory as (

    select
        territory_id,
        count(*) as accounts,
        count(case when is_customer then 1 end) as customers,
        sum(potential_usd) as tam_usd,
        sum(open_pipeline_usd) as open_pipeline_usd,
        sum(bookings_ttm_usd) as bookings_ttm_usd,
        sum(expected_value_usd) as expected_value_usd,
        count(case when priority_tier = 'A' then 1 end) as tier_a_accounts
    from account_values
    group by territory_id

),

current_territories as (

    select
        hierarchy.territory_id,
        hierarchy.territory_name,
        hierarchy.parent_territory_id,
        kinds.territory_kind,
        kinds.country_code as country,
        hierarchy.segment,
        hierarchy.owner_user_id,
        hierarchy.area_id,
        hierarchy.region_id
    from hierarchy
    left join kinds
        on hierarchy.territory_id = kinds.territory_id
    where hierarchy.is_leaf

    union all

    select distinct
        'UNASSIGNED' as territory_id,
        'Unassigned' as territory_name,
        cast(null as varchar) as parent_territory_id,
        cast(null as varchar) as territory_kind,
        cast(null as varchar) as country,
        cast(null as varchar) as segment,
        cast(null as varchar) as owner_user_id,
        cast(null as varchar) as area_id,
        cast(null as varchar) as region_id
    from territories
    where territory_id = 'UNASSIGNED'

),

summarised as (

    select
        current_territories.*,
        coalesce(by_territory.accounts, 0) as accounts,
        coalesce(by_territory.customers, 0) as customers,
        coalesce(by_territory.tam_usd, 0) as tam_usd,
        coalesce(by_territory.open_pipeline_usd, 0) as open_pipeline_usd,
        coalesce(by_territory.bookings_ttm_usd, 0) as bookings_ttm_usd,
        coalesce(by_territory.expected_value_usd, 0) as expected_value_usd,
        coalesce(by_territory.tier_a_accounts, 0) as tier_a_accounts
    from current_territories
    left join by_territory
        on current_territories.territory_id = by_territory.territory_id

)

select
    cast(territory_id as varchar) as territory_id,
    cast(territory_name as varchar) as territory_name,
    cast(parent_territory_id as varchar) as parent_territory_id,
    cast(territory_kind as varchar) as territory_kind,
    cast(country as varchar) as country,
    cast(segment as varchar) as segment,
    cast(owner_user_id as varchar) as owner_user_id,
    cast(accounts as bigint) as accounts,
    cast(customers as bigint) as customers,
    cast(tam_usd as double) as tam_usd,
    cast(open_pipeline_usd as double) as open_pipeline_usd,
    cast(bookings_ttm_usd as double) as bookings_ttm_usd,
    cast(expected_value_usd as double) as expected_value_usd,
    cast(tier_a_accounts as bigint) as tier_a_accounts,
    cast(
        case
            when territory_id <> 'UNASSIGNED'
                then
                    expected_value_usd
                    / nullif(
                        avg(case when territory_id <> 'UNASSIGNED' then expected_value_usd end) over (partition by segment), 0
                    )
        end
        as double
    ) as balance_index,
    cast(area_id as varchar) as area_id,
    cast(region_id as varchar) as region_id
from summarised
