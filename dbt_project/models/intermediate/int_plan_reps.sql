{#-
    The reps a plan can give territories to: active account executives (Sales_Role__c AE; a
    user with no IsActive counts as active), with the segment they sell to, their home county and
    coordinates, industry focus and tenure at as_of. The plan summary names each territory's owner
    from here.
-#}
with

reps as (

    select * from {{ ref('int_rep_homes') }}

)

select
    user_id as owner_user_id,
    segment,
    home_county_fips,
    home_lat,
    home_lon,
    industry_focus,
    tenure_years
from reps
where coalesce(is_active, true) and upper(coalesce(sales_role, '')) = 'AE'
order by user_id
