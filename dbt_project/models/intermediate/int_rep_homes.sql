{#-
    Every CRM user with where they live (the county and coordinates of their home postal code) and
    their tenure at as_of: what a plan needs to know of a rep, whether it gives them a territory
    (int_plan_reps) or reads the capacity of the territory they own (int_plan_territories).
-#}
{{ config(materialized='ephemeral') }}

with

users as (

    select * from {{ ref('stg_crm__users') }}

),

zip_codes as (

    select * from {{ source('reference', 'zip_codes') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

)

select
    users.*,
    zip_codes.county_fips as home_county_fips,
    zip_codes.lat as home_lat,
    zip_codes.lon as home_lon,
    date_diff('day', users.hire_date, as_of.as_of_date) / 365.25 as tenure_years
from users
cross join as_of
left join zip_codes
    on users.home_postal_code = zip_codes.postal_code
