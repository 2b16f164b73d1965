with

territories as (

    select
        account_key,
        territory_id
    from {{ ref('territory_current') }}

),

lookalikes as (

    select * from {{ ref('int_company_lookalikes') }}

),

potential as (

    select
        account_key,
        potential_usd,
        expected_pipeline_usd
    from {{ ref('int_company_potential') }}

),

motions as (

    select * from {{ ref('int_account_motion') }}

),

owned_products as (

    select
        account_key,
        product_family
    from {{ ref('int_account_products') }}

),

catalog as (

    select product_family from {{ ref('int_product_catalog') }}

),

all_products as (

    select string_agg(product_family, ';' order by product_family) as products
    from catalog

),

customer_missing_products as (

    select
        motions.account_key,
        string_agg(catalog.product_family, ';' order by catalog.product_family) as products
    from motions
    cross join catalog
    left join owned_products
        on
            motions.account_key = owned_products.account_key
            and catalog.product_family = owned_products.product_family
    where
        motions.is_customer
        and owned_products.account_key is null
    group by motions.account_key

),

candidates as (

    select
        motions.account_key,
        motions.is_customer,
        case
            when motions.is_customer then customer_missing_products.products
            else all_products.products
        end as whitespace_products,
        motions.motion,
        motions.renewal_date
    from motions
    cross join all_products
    left join customer_missing_products
        on motions.account_key = customer_missing_products.account_key
    where
        not motions.is_customer
        or customer_missing_products.account_key is not null

)

select
    cast(candidates.account_key as varchar) as account_key,
    cast(territories.territory_id as varchar) as territory_id,
    cast(candidates.motion as varchar) as motion,
    cast(coalesce(lookalikes.lookalike_score, 0) as double) as lookalike_score,
    cast(lookalikes.similar_customer_ids as varchar) as similar_customer_ids,
    cast(candidates.whitespace_products as varchar) as whitespace_products,
    cast(candidates.is_customer as boolean) as is_customer,
    cast(candidates.renewal_date as date) as renewal_date,
    cast(potential.potential_usd as double) as potential_usd,
    cast(potential.expected_pipeline_usd as double) as expected_pipeline_usd
from candidates
inner join territories
    on candidates.account_key = territories.account_key
left join lookalikes
    on candidates.account_key = lookalikes.account_key
left join potential
    on candidates.account_key = potential.account_key
