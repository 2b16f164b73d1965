with

assigned as (

    select * from {{ ref('int_companies_territory_assigned') }}

),

hierarchy as (

    select * from {{ ref('int_territory_hierarchy') }}

)

select
    cast(assigned.account_key as varchar) as account_key,
    cast(assigned.crm_account_id as varchar) as crm_account_id,
    cast(assigned.vendor_company_id as varchar) as vendor_company_id,
    cast(assigned.territory_id as varchar) as territory_id,
    cast(hierarchy.territory_name as varchar) as territory_name,
    cast(hierarchy.area_id as varchar) as area_id,
    cast(hierarchy.region_id as varchar) as region_id,
    cast(assigned.segment as varchar) as segment,
    cast(assigned.band_segment as varchar) as band_segment,
    cast(assigned.segment_source as varchar) as segment_source,
    cast(assigned.matched_priority as double) as matched_priority,
    cast(hierarchy.owner_user_id as varchar) as territory_owner_user_id,
    cast(assigned.is_excluded_from_realign as boolean) as is_excluded_from_realign
from assigned
left join hierarchy
    on assigned.territory_id = hierarchy.territory_id
