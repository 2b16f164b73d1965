{#-
    The market split by territory must add up to the universe: summing tam_by_territory over all
    territories gives exactly the companies, customers, whitespace and potential of the whole
    universe. Returns a row (a failure) when any total differs.
-#}
with

by_territory as (

    select
        sum(accounts) as accounts,
        sum(customers) as customers,
        sum(whitespace_accounts) as whitespace_accounts,
        sum(tam_usd) as tam_usd,
        sum(expected_pipeline_usd) as expected_pipeline_usd
    from {{ ref('tam_by_territory') }}

),

universe as (

    select
        count(*) as accounts,
        count(case when companies.is_customer then 1 end) as customers,
        count(case when not companies.is_customer then 1 end) as whitespace_accounts,
        coalesce(sum(potential.potential_usd), 0) as tam_usd,
        coalesce(sum(potential.expected_pipeline_usd), 0) as expected_pipeline_usd
    from {{ ref('int_companies_unified') }} as companies
    left join {{ ref('int_company_potential') }} as potential
        on companies.account_key = potential.account_key

)

select
    by_territory.*,
    universe.accounts as universe_accounts,
    universe.customers as universe_customers,
    universe.whitespace_accounts as universe_whitespace_accounts,
    universe.tam_usd as universe_tam_usd,
    universe.expected_pipeline_usd as universe_expected_pipeline_usd
from by_territory
cross join universe
where coalesce(by_territory.accounts, 0) <> universe.accounts
    or coalesce(by_territory.customers, 0) <> universe.customers
    or coalesce(by_territory.whitespace_accounts, 0) <> universe.whitespace_accounts
    or abs(coalesce(by_territory.tam_usd, 0) - universe.tam_usd) > 0.01 + 1e-9 * universe.tam_usd
    or abs(coalesce(by_territory.expected_pipeline_usd, 0) - universe.expected_pipeline_usd)
        > 0.01 + 1e-9 * universe.expected_pipeline_usd
