{#-
    The one definition of workload: the effort of covering a company, which territory plans balance
    beside potential. Renewals and upsells take more of a rep's time than a cold new-logo account
    of the same size (1.5 and 1.2 against 1.0, by the company's motion in int_account_motion), and
    effort grows with the log of the company's size: 1 + ln(1 + employees) / 10, a company of
    unknown size weighing as one without employees.
-#}
with

companies as (

    select
        account_key,
        employees
    from {{ ref('int_companies_unified') }}

),

motions as (

    select
        account_key,
        motion
    from {{ ref('int_account_motion') }}

),

weighted as (

    select
        companies.account_key,
        motions.motion,
        companies.employees,
        case motions.motion
            when 'renewal' then 1.5
            when 'upsell' then 1.2
            else 1.0
        end as motion_weight,
        1 + ln(1 + greatest(coalesce(companies.employees, 0), 0)) / 10 as size_weight
    from companies
    left join motions
        on companies.account_key = motions.account_key

)

select
    account_key,
    motion,
    employees,
    motion_weight,
    size_weight,
    motion_weight * size_weight as workload
from weighted
