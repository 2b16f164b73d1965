{#-
    Since when each company (account_key) was known. The vendor universe keeps no history, so a
    company with a vendor record counts as always known (known_from null); a company only in the
    CRM is known from the creation of its first CRM account. A snapshot at a past date covers only
    the companies known then, and ties a domain's intent and activity only to them.
-#}
with

account_keys as (

    select * from {{ source('identity', 'account_keys') }}

),

crm_accounts as (

    select
        account_id,
        min(known_from) as known_from,
        count(known_from) = 0 as is_undated
    from {{ ref('stg_crm__account_versions') }}
    group by account_id

),

companies as (

    select
        account_keys.account_key,
        bool_or(account_keys.record_source = 'vendor') as in_vendor_universe,
        min(crm_accounts.known_from) as first_crm_account_at,
        bool_or(coalesce(crm_accounts.is_undated, false)) as has_undated_crm_account
    from account_keys
    left join crm_accounts
        on
            account_keys.record_source = 'crm'
            and account_keys.record_id = crm_accounts.account_id
    group by account_keys.account_key

),

known as (

    select
        account_key,
        in_vendor_universe,
        first_crm_account_at,
        case
            when in_vendor_universe or has_undated_crm_account then null
            else first_crm_account_at
        end as known_from
    from companies

)

select * from known
