{#-
    The alignment's home country: the most common recognised country among the current CRM
    accounts, ties to the first in alphabetical order, and the US when the CRM is empty or names no
    country it recognises. Rules that name no country cover only the home country, and companies
    without a country count as in it.
-#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('raw', 'crm_accounts') }}

),

current_accounts as (

    {{ current_version('source', ['Id'], 'LastModifiedDate') }}

),

countries as (

    select
        country_aliases.country_code,
        count(*) as accounts
    from current_accounts
    inner join {{ ref('stg_reference__country_aliases') }} as country_aliases
        on country_aliases.alias_key = {{ place_key('current_accounts.BillingCountry') }}
    group by country_aliases.country_code

),

candidates as (

    select
        country_code,
        accounts,
        false as is_default
    from countries

    union all

    select
        'US' as country_code,
        0 as accounts,
        true as is_default

),

home as (

    select
        country_code as home_country_code,
        accounts,
        is_default
    from candidates
    order by is_default asc, accounts desc, country_code asc
    limit 1

)

select * from home
