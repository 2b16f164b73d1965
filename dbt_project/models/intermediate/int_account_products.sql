{#- Product families each company owns: those of its won opportunities closed by as_of. -#}
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

)

select
    crm_keys.account_key,
    opportunities.product_family,
    min(opportunities.close_date) as first_won_date,
    sum(opportunities.amount) as won_amount_usd
from opportunities
inner join crm_keys
    on opportunities.account_id = crm_keys.record_id
cross join as_of
where
    opportunities.is_won
    and opportunities.product_family is not null
    and opportunities.close_date <= as_of.as_of_date
group by crm_keys.account_key, opportunities.product_family
