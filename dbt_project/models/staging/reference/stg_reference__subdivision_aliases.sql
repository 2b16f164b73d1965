{#-
    Every recognised spelling of a state, province or other first-level subdivision, per country,
    keyed the way normalize_state looks values up: US states from the us_states seed, the rest of
    the world from pycountry (subdivision_aliases seed). A key that two subdivisions of one
    country would share is left out.
-#}
{{ config(materialized='table') }}

with

us_states as (

    select * from {{ ref('us_states') }}

),

world_subdivisions as (

    select * from {{ ref('subdivision_aliases') }}

),

aliases as (

    select
        'US' as country_code,
        state_code as subdivision_code,
        state_name as subdivision_name,
        state_code as alias
    from us_states

    union all

    select
        'US' as country_code,
        state_code as subdivision_code,
        state_name as subdivision_name,
        state_name as alias
    from us_states

    union all

    select
        upper(trim(country_code)) as country_code,
        upper(trim(subdivision_code)) as subdivision_code,
        subdivision_name,
        alias
    from world_subdivisions
    where upper(trim(country_code)) <> 'US'

),

keyed as (

    select distinct
        country_code,
        {{ place_key('alias') }} as alias_key,
        subdivision_code,
        first(subdivision_name) over (partition by country_code, subdivision_code order by subdivision_name) as subdivision_name
    from aliases

),

unambiguous as (

    select
        country_code,
        alias_key,
        subdivision_code,
        subdivision_name
    from keyed
    where alias_key <> ''
    qualify count(*) over (partition by country_code, alias_key) = 1

)

select * from unambiguous
