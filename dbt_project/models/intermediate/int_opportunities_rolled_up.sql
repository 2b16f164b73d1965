{#-
    Opportunity history per company as of the scoring date: open pipeline, bookings over the
    trailing twelve months, products owned and the next renewal. Opportunities of duplicate CRM
    records count for their company. Only what was known on as_of counts (created on or before,
    and open then), so the model can be rebuilt for any past as_of.
-#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

crm_keys as (

    select
        record_id,
        account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'crm'

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

company_opportunities as (

    select
        crm_keys.account_key,
        opportunities.*,
        as_of.as_of_date,
        as_of.trailing_year_start_date,
        lower(trim(opportunities.opportunity_type)) in ('renewal', 'new business') as starts_contract_year
    from opportunities
    inner join crm_keys
        on opportunities.account_id = crm_keys.record_id
    cross join as_of
    where
        cast(opportunities.created_at as date) <= as_of.as_of_date
        or opportunities.created_at is null

),

rolled_up as (

    select
        account_key,
        count(case when not is_closed or close_date > as_of_date then opportunity_id end) as open_opportunities,
        count(
            case
                when
                    (not is_closed or close_date > as_of_date)
                    and lower(trim(opportunity_type)) = 'renewal'
                    then opportunity_id
            end
        ) as open_renewal_opportunities,
        coalesce(sum(case when not is_closed or close_date > as_of_date then amount end), 0) as open_pipeline_usd,
        count(case when is_won and close_date > trailing_year_start_date and close_date <= as_of_date then opportunity_id end)
            as won_opportunities_ttm,
        coalesce(
            sum(case when is_won and close_date > trailing_year_start_date and close_date <= as_of_date then amount end), 0
        ) as bookings_ttm_usd,
        coalesce(sum(case when is_won and close_date <= as_of_date then amount end), 0) as lifetime_bookings_usd,
        count(case when is_closed and close_date <= as_of_date then opportunity_id end) as closed_opportunities,
        count(case when is_won and close_date <= as_of_date then opportunity_id end) as won_opportunities,
        min(case when is_won and close_date <= as_of_date then close_date end) as first_won_date,
        max(case when is_won and close_date <= as_of_date then close_date end) as last_won_date,
        max(case when is_won and starts_contract_year and close_date <= as_of_date then close_date end) as contract_start_date
    from company_opportunities
    group by account_key

)

select
    rolled_up.*,
    cast({{ dbt.dateadd('month', 12, 'contract_start_date') }} as date) as renewal_date
from rolled_up
