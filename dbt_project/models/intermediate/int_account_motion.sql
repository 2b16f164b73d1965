{#-
    The one definition of a company's customer status and sales motion, read by whitespace and
    by scoring (account_priority), so both tables always name the same motion.
    A company is a customer when one of its CRM records says so (Type) or it has won a deal by
    as_of. A customer is in a renewal motion when a renewal opportunity is open on as_of or its
    contract renews within the horizon; other customers are upsell, everyone else new_logo.
-#}
with

companies as (

    select
        account_key,
        is_customer
    from {{ ref('int_companies_unified') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_rolled_up') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

customer_status as (

    select
        companies.account_key,
        opportunities.renewal_date,
        coalesce(opportunities.open_renewal_opportunities, 0) > 0 as has_open_renewal,
        companies.is_customer or coalesce(opportunities.won_opportunities, 0) > 0 as is_customer
    from companies
    left join opportunities
        on companies.account_key = opportunities.account_key

)

select
    customer_status.account_key,
    customer_status.is_customer,
    customer_status.has_open_renewal,
    customer_status.renewal_date,
    case
        when not customer_status.is_customer then 'new_logo'
        when customer_status.has_open_renewal then 'renewal'
        when customer_status.renewal_date between as_of.horizon_start_date and as_of.horizon_end_date
            then 'renewal'
        else 'upsell'
    end as motion
from customer_status
cross join as_of
