{#- Every product family ever quoted: the products a company can be sold. -#}
select
    product_family,
    count(*) as opportunities,
    sum(case when is_won then 1 else 0 end) as won_opportunities
from {{ ref('stg_crm__opportunities') }}
where product_family is not null
group by product_family
