{#-
    The territories a plan redraws: leaf territories with a segment and a kind
    (int_territory_kinds), the industries a vertical one covers, and the rep who owns it (home
    county and coordinates, Max_Accounts__c as the book's capacity, industry focus as the CRM's
    `;`-separated text, tenure at as_of), so the planner groups like with like.
-#}
with

kinds as (

    select * from {{ ref('int_territory_kinds') }}

),

rules as (

    select * from {{ ref('int_territory_rules') }}

),

reps as (

    select * from {{ ref('int_rep_homes') }}

),

industries as (

    select
        territory_id,
        string_agg(distinct match_text, ';' order by match_text) as industries
    from rules
    where field = 'industry' and match_text is not null
    group by territory_id

)

select
    kinds.territory_id,
    kinds.territory_name,
    kinds.segment,
    kinds.territory_kind,
    kinds.country_code as country,
    industries.industries,
    kinds.owner_user_id,
    kinds.area_id,
    kinds.region_id,
    reps.home_county_fips,
    reps.home_lat,
    reps.home_lon,
    reps.max_accounts,
    reps.industry_focus,
    reps.tenure_years
from kinds
left join industries
    on kinds.territory_id = industries.territory_id
left join reps
    on kinds.owner_user_id = reps.user_id
where kinds.is_leaf and kinds.segment is not null and kinds.territory_kind is not null
order by kinds.territory_id
