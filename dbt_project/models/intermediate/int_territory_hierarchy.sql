{#-
    The territory hierarchy flattened: every definition with its area and region. Depth decides
    the level (a root is a region, its children areas, anything deeper a territory), so the
    hierarchy works whatever the Level column holds; Level is kept as delivered. A territory's
    segment is its own Segment, else the nearest ancestor's (a Segment set on an area holds for
    every territory under it).
-#}
with recursive

definitions as (

    select * from {{ ref('stg_territories__definitions') }}

),

tree (territory_id, depth, region_id, area_id, segment) as (

    select
        definitions.territory_id,
        0 as depth,
        definitions.territory_id as region_id,
        cast(null as varchar) as area_id,
        definitions.segment
    from definitions
    where
        definitions.parent_territory_id is null
        or definitions.parent_territory_id not in (select parents.territory_id from definitions as parents)

    union all

    select
        children.territory_id,
        tree.depth + 1,
        tree.region_id,
        case when tree.depth = 0 then children.territory_id else tree.area_id end,
        coalesce(children.segment, tree.segment)
    from tree
    inner join definitions as children
        on tree.territory_id = children.parent_territory_id
    where tree.depth < 10

),

flattened as (

    select
        definitions.territory_id,
        definitions.territory_name,
        definitions.parent_territory_id,
        definitions.territory_level,
        definitions.owner_user_id,
        tree.segment,
        definitions.segment as own_segment,
        tree.depth as hierarchy_depth,
        tree.area_id,
        areas.territory_name as area_name,
        tree.region_id,
        regions.territory_name as region_name,
        not exists (
            select 1 from definitions as children
            where children.parent_territory_id = definitions.territory_id
        ) as is_leaf
    from definitions
    inner join tree
        on definitions.territory_id = tree.territory_id
    left join definitions as areas
        on tree.area_id = areas.territory_id
    left join definitions as regions
        on tree.region_id = regions.territory_id

)

select * from flattened
