{#-
    Every recognised spelling of a country, keyed the way normalize_country looks values up. A key
    that two countries would share is left out, so a lookup never has two answers.
-#}
{{ config(materialized='table') }}

with

aliases as (

    select * from {{ ref('country_aliases') }}

),

keyed as (

    select distinct
        {{ place_key('alias') }} as alias_key,
        upper(trim(country_code)) as country_code
    from aliases

),

unambiguous as (

    select
        alias_key,
        country_code
    from keyed
    where alias_key <> ''
    qualify count(*) over (partition by alias_key) = 1

)

select * from unambiguous
