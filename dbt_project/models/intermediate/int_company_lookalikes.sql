{#-
    How much each company looks like the best customers.

    Blocking keeps this near-linear: a company is compared only with the best customers of its
    NAICS sector (the 25 with the highest annual spend; companies without a sector form block
    "99"). Similarity of a pair, 0-1:
      0.4 x industry: same 4-digit NAICS 1.0 > same 3-digit 0.7 > same sector 0.4 (0.2 when the
            sector is unknown on both sides);
      0.3 x size: 1 - |ln(1 + employees) - ln(1 + employees')| / ln(10), floored at 0, i.e. equal
            head counts 1, a factor ten apart 0 (0.5 when a head count is unknown);
      0.3 x technology: Jaccard overlap of installed technologies, competitors' included.
    lookalike_score is 100 x the mean similarity of the three nearest customers.
-#}
with

companies as (

    select
        account_key,
        is_customer,
        naics_code,
        coalesce(naics_sector, '99') as block_key,
        employees
    from {{ ref('int_companies_unified') }}

),

potential as (

    select
        account_key,
        annual_spend_usd
    from {{ ref('int_company_potential') }}

),

technologies as (

    select * from {{ ref('int_company_technologies') }}

),

technology_counts as (

    select
        account_key,
        count(*) as technologies
    from technologies
    group by account_key

),

best_customers as (

    select *
    from (
        select
            companies.*,
            row_number() over (
                partition by companies.block_key
                order by potential.annual_spend_usd desc nulls last, companies.account_key asc
            ) as spend_rank
        from companies
        inner join potential
            on companies.account_key = potential.account_key
        where companies.is_customer
    ) as ranked
    where spend_rank <= 25

),

shared_technologies as (

    select
        company_technologies.account_key,
        customer_technologies.account_key as customer_account_key,
        count(*) as shared
    from technologies as company_technologies
    inner join companies
        on company_technologies.account_key = companies.account_key
    inner join technologies as customer_technologies
        on company_technologies.technology = customer_technologies.technology
    inner join best_customers
        on
            customer_technologies.account_key = best_customers.account_key
            and companies.block_key = best_customers.block_key
    where company_technologies.account_key <> customer_technologies.account_key
    group by company_technologies.account_key, customer_technologies.account_key

),

pairs as (

    select
        companies.account_key,
        best_customers.account_key as customer_account_key,
        case
            when length(companies.naics_code) >= 4 and left(companies.naics_code, 4) = left(best_customers.naics_code, 4) then 1.0
            when length(companies.naics_code) >= 3 and left(companies.naics_code, 3) = left(best_customers.naics_code, 3) then 0.7
            when companies.block_key <> '99' then 0.4
            else 0.2
        end as industry_similarity,
        case
            when companies.employees is null or best_customers.employees is null then 0.5
            else
                greatest(
                    0.0,
                    1 - abs(ln(1 + greatest(companies.employees, 0)) - ln(1 + greatest(best_customers.employees, 0))) / ln(10)
                )
        end as size_similarity,
        coalesce(
            shared_technologies.shared * 1.0
            / nullif(
                coalesce(company_counts.technologies, 0) + coalesce(customer_counts.technologies, 0) - shared_technologies.shared,
                0
            ),
            0.0
        ) as technology_similarity
    from companies
    inner join best_customers
        on
            companies.block_key = best_customers.block_key
            and companies.account_key <> best_customers.account_key
    left join shared_technologies
        on
            companies.account_key = shared_technologies.account_key
            and best_customers.account_key = shared_technologies.customer_account_key
    left join technology_counts as company_counts
        on companies.account_key = company_counts.account_key
    left join technology_counts as customer_counts
        on best_customers.account_key = customer_counts.account_key

),

scored_pairs as (

    select
        pairs.*,
        0.4 * industry_similarity + 0.3 * size_similarity + 0.3 * technology_similarity as similarity
    from pairs

),

{#
    Top three neighbours per company with DuckDB's top-n aggregates (max_by / max with a count),
    which stream instead of sorting every pair; ties go to the customer that spends more.
-#}
nearest as (

    select
        scored_pairs.account_key,
        list_avg(max(scored_pairs.similarity, 3)) as mean_similarity,
        array_to_string(
            max_by(
                scored_pairs.customer_account_key,
                scored_pairs.similarity + (26 - best_customers.spend_rank) * 1e-9,
                3
            ),
            ';'
        ) as similar_customer_ids,
        least(count(*), 3) as neighbours
    from scored_pairs
    inner join best_customers
        on scored_pairs.customer_account_key = best_customers.account_key
    group by scored_pairs.account_key

)

select
    companies.account_key,
    round(100.0 * coalesce(nearest.mean_similarity, 0), 2) as lookalike_score,
    nearest.similar_customer_ids,
    coalesce(nearest.neighbours, 0) as neighbours
from companies
left join nearest
    on companies.account_key = nearest.account_key
