{#-
    Sales resources set against the market, per current territory and rolled up by state and by
    country, within each segment. A rep counts where their book is: a rep's share of a cell is the
    share of the accounts of their current territories that lie in it (a rep whose territories
    hold no account is split evenly over them), so reps, quota and open capacity add up to the
    roster at every level. State keys are ISO 3166-2 style (US-CA); accounts with no known state
    are left out of the state level only.
    open_capacity of a rep = max_accounts minus the CRM accounts in their territories, floored at 0.
    gap_to_segment_mean_pct compares a cell's potential per rep with its segment's at the same
    level (segment TAM over segment reps, over the cells that have reps): +25 means a quarter more
    potential per rep than the segment average, a sign of too few reps.
-#}
with

territories as (

    select
        account_key,
        territory_id,
        segment
    from {{ ref('territory_current') }}

),

hierarchy as (

    select
        territory_id,
        segment,
        owner_user_id
    from {{ ref('int_territory_hierarchy') }}
    where is_leaf

),

companies as (

    select
        account_key,
        state_code,
        country_code,
        is_customer,
        has_crm_record
    from {{ ref('int_companies_unified') }}

),

potential as (

    select
        account_key,
        potential_usd
    from {{ ref('int_company_potential') }}

),

users as (

    select
        user_id,
        annual_quota,
        max_accounts
    from {{ ref('stg_crm__users') }}

),

accounts as (

    select
        territories.account_key,
        territories.territory_id,
        territories.segment,
        hierarchy.owner_user_id,
        companies.country_code,
        companies.country_code || '-' || companies.state_code as state_key,
        companies.is_customer,
        companies.has_crm_record,
        coalesce(potential.potential_usd, 0) as potential_usd
    from territories
    inner join companies
        on territories.account_key = companies.account_key
    left join potential
        on territories.account_key = potential.account_key
    left join hierarchy
        on territories.territory_id = hierarchy.territory_id

),

owned_territories as (

    select
        owner_user_id,
        count(*) as territories
    from hierarchy
    where owner_user_id is not null
    group by owner_user_id

),

books as (

    select
        owner_user_id,
        count(*) as book_accounts,
        count(case when has_crm_record then 1 end) as crm_accounts
    from accounts
    where owner_user_id is not null
    group by owner_user_id

),

reps as (

    select
        owned_territories.owner_user_id,
        owned_territories.territories,
        coalesce(books.book_accounts, 0) as book_accounts,
        coalesce(users.annual_quota, 0) as annual_quota,
        greatest(coalesce(users.max_accounts, 0) - coalesce(books.crm_accounts, 0), 0) as open_capacity
    from owned_territories
    left join books
        on owned_territories.owner_user_id = books.owner_user_id
    left join users
        on owned_territories.owner_user_id = users.user_id

),

account_cells as (

    select
        'territory' as level,
        territory_id as key,
        segment,
        * exclude (segment)
    from accounts
    union all
    select
        'state' as level,
        state_key as key,
        segment,
        * exclude (segment)
    from accounts
    where state_key is not null
    union all
    select
        'country' as level,
        country_code as key,
        segment,
        * exclude (segment)
    from accounts
    where country_code is not null

),

empty_territories as (

    select
        'territory' as level,
        hierarchy.territory_id as key,
        hierarchy.segment
    from hierarchy
    where not exists (
        select 1 from accounts
        where accounts.territory_id = hierarchy.territory_id
    )

),

market as (

    select
        level,
        key,
        segment,
        count(*) as accounts,
        count(case when is_customer then 1 end) as customers,
        sum(potential_usd) as tam_usd
    from account_cells
    group by level, key, segment

    union all

    select
        level,
        key,
        segment,
        0 as accounts,
        0 as customers,
        0.0 as tam_usd
    from empty_territories

),

rep_shares as (

    select
        account_cells.level,
        account_cells.key,
        account_cells.segment,
        account_cells.owner_user_id,
        count(*) * 1.0 / reps.book_accounts as share
    from account_cells
    inner join reps
        on account_cells.owner_user_id = reps.owner_user_id
    group by
        account_cells.level, account_cells.key, account_cells.segment, account_cells.owner_user_id,
        reps.book_accounts

    union all

    select
        empty_territories.level,
        empty_territories.key,
        empty_territories.segment,
        hierarchy.owner_user_id,
        1.0 / reps.territories as share
    from empty_territories
    inner join hierarchy
        on empty_territories.key = hierarchy.territory_id
    inner join reps
        on hierarchy.owner_user_id = reps.owner_user_id
    where reps.book_accounts = 0

),

resources as (

    select
        rep_shares.level,
        rep_shares.key,
        rep_shares.segment,
        sum(rep_shares.share) as reps,
        sum(rep_shares.share * reps.open_capacity) as open_capacity,
        sum(rep_shares.share * reps.annual_quota) as quota_usd
    from rep_shares
    inner join reps
        on rep_shares.owner_user_id = reps.owner_user_id
    group by rep_shares.level, rep_shares.key, rep_shares.segment

),

combined as (

    select
        market.level,
        market.key,
        market.segment,
        coalesce(resources.reps, 0) as reps,
        coalesce(resources.open_capacity, 0) as open_capacity,
        coalesce(resources.quota_usd, 0) as quota_usd,
        market.accounts,
        market.customers,
        market.tam_usd,
        market.tam_usd / nullif(resources.reps, 0) as potential_per_rep_usd
    from market
    left join resources
        on
            market.level = resources.level
            and market.key = resources.key
            and market.segment is not distinct from resources.segment

),

segment_means as (

    select
        level,
        segment,
        sum(case when reps > 0 then tam_usd end) / nullif(sum(reps), 0) as segment_potential_per_rep_usd
    from combined
    group by level, segment

)

select
    cast(combined.level as varchar) as level,
    cast(combined.key as varchar) as key,
    cast(combined.segment as varchar) as segment,
    cast(combined.reps as double) as reps,
    cast(combined.open_capacity as double) as open_capacity,
    cast(combined.quota_usd as double) as quota_usd,
    cast(combined.accounts as bigint) as accounts,
    cast(combined.accounts / nullif(combined.reps, 0) as double) as accounts_per_rep,
    cast(combined.tam_usd as double) as tam_usd,
    cast(combined.potential_per_rep_usd as double) as potential_per_rep_usd,
    cast(combined.customers * 1.0 / nullif(combined.accounts, 0) as double) as penetration,
    cast(
        100 * (combined.potential_per_rep_usd / nullif(segment_means.segment_potential_per_rep_usd, 0) - 1)
        as double
    ) as gap_to_segment_mean_pct,
    cast(combined.customers as bigint) as customers
from combined
left join segment_means
    on
        combined.level = segment_means.level
        and combined.segment is not distinct from segment_means.segment
