{#-
    Annual potential of every company: what customers like it actually spend.

    1. Each customer's annual spend is its won bookings over the trailing twelve months, or, when
       it bought nothing in that window, its lifetime bookings per year since its first win.
    2. Customers are grouped in cells of segment x NAICS sector. A cell's mean is shrunk toward
       its segment's mean (empirical Bayes): estimate = (n * cell_mean + k * segment_mean) / (n + k)
       with k = within-cell variance / between-cell variance (method of moments), bounded to
       1..50. A cell of a few customers therefore says little, a large cell speaks for itself.
       Segments without customers fall back to the mean of all customers.
    3. Within its cell a company scales with its head count relative to the segment's median
       customer: sqrt(employees / median), bounded to 0.25..4, so potential varies with size
       without one giant skewing a cell.
    4. A customer's potential is never below what it already spends.
    The conversion prior behind expected pipeline is the segment's historic win rate with a
    Beta(2, 8) prior, (won + 2) / (closed + 10): 0.2 with no history, the observed rate with a lot.

    Money is rounded to the cent: DuckDB adds in parallel, and rounding keeps re-runs identical.
-#}
with

companies as (

    select * from {{ ref('int_companies_unified') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_rolled_up') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

company_spend as (

    select
        companies.account_key,
        companies.segment,
        coalesce(companies.naics_sector, '99') as naics_sector,
        companies.employees,
        companies.is_customer,
        coalesce(opportunities.bookings_ttm_usd, 0) as bookings_ttm_usd,
        coalesce(opportunities.closed_opportunities, 0) as closed_opportunities,
        coalesce(opportunities.won_opportunities, 0) as won_opportunities,
        case
            when not companies.is_customer then null
            when opportunities.bookings_ttm_usd > 0 then opportunities.bookings_ttm_usd
            when opportunities.lifetime_bookings_usd > 0
                then
                    opportunities.lifetime_bookings_usd
                    / greatest(
                        1.0,
                        {{ dbt.datediff('opportunities.first_won_date', 'as_of.as_of_date', 'day') }} / 365.25 -- noqa: LT05
                    )
        end as annual_spend_usd
    from companies
    left join opportunities
        on companies.account_key = opportunities.account_key
    cross join as_of

),

cells as (

    select
        segment,
        naics_sector,
        count(*) as cell_customers,
        avg(annual_spend_usd) as cell_mean_spend,
        var_samp(annual_spend_usd) as cell_variance
    from company_spend
    where annual_spend_usd > 0
    group by segment, naics_sector

),

segments as (

    select
        company_spend.segment,
        count(*) as segment_customers,
        avg(annual_spend_usd) as segment_mean_spend,
        percentile_cont(0.5) within group (order by employees) as median_customer_employees
    from company_spend
    where annual_spend_usd > 0
    group by company_spend.segment

),

segment_shrinkage as (

    select
        segment,
        case
            when var_samp(cell_mean_spend) > 0 and avg(cell_variance) is not null
                then least(50.0, greatest(1.0, avg(cell_variance) / var_samp(cell_mean_spend)))
            else 10.0
        end as shrinkage_strength
    from cells
    group by segment

),

overall as (

    select
        avg(annual_spend_usd) as overall_mean_spend,
        percentile_cont(0.5) within group (order by employees) as overall_median_customer_employees
    from company_spend
    where annual_spend_usd > 0

),

win_rates as (

    select
        segment,
        (sum(won_opportunities) + 2.0) / (sum(closed_opportunities) + 10.0) as segment_win_rate
    from company_spend
    group by segment

),

estimated as (

    select
        company_spend.*,
        coalesce(cells.cell_customers, 0) as cell_customers,
        round(case
            when segments.segment_mean_spend is null then overall.overall_mean_spend
            else (
                coalesce(cells.cell_customers, 0) * coalesce(cells.cell_mean_spend, 0)
                + coalesce(segment_shrinkage.shrinkage_strength, 10.0) * segments.segment_mean_spend
            ) / (coalesce(cells.cell_customers, 0) + coalesce(segment_shrinkage.shrinkage_strength, 10.0))
        end, 2) as cell_estimate_usd,
        case
            when
                company_spend.employees > 0
                and coalesce(segments.median_customer_employees, overall.overall_median_customer_employees) > 0
                then least(4.0, greatest(0.25, sqrt(
                    company_spend.employees
                    / coalesce(segments.median_customer_employees, overall.overall_median_customer_employees)
                )))
            else 1.0
        end as size_factor,
        coalesce(win_rates.segment_win_rate, 0.2) as conversion_prior
    from company_spend
    left join cells
        on
            company_spend.segment = cells.segment
            and company_spend.naics_sector = cells.naics_sector
    left join segments
        on company_spend.segment = segments.segment
    left join segment_shrinkage
        on company_spend.segment = segment_shrinkage.segment
    left join win_rates
        on company_spend.segment = win_rates.segment
    cross join overall

),

final as (

    select
        account_key,
        segment,
        naics_sector,
        is_customer,
        annual_spend_usd,
        cell_customers,
        cell_estimate_usd,
        size_factor,
        round(greatest(
            coalesce(cell_estimate_usd * size_factor, 0),
            coalesce(annual_spend_usd, 0)
        ), 2) as potential_usd,
        conversion_prior,
        bookings_ttm_usd
    from estimated

)

select
    final.*,
    round(greatest(potential_usd - bookings_ttm_usd, 0) * conversion_prior, 2) as expected_pipeline_usd
from final
