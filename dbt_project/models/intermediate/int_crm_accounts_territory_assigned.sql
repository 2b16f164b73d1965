{#-
    Territory of every CRM account record, duplicates included, under the same rules as the
    companies, each record matched through its own fields only, as Salesforce's assignment rules
    would: a record without a head count fails every rule that asks for one. This is the
    per-record view a CRM administrator compares with the CRM's own assignment.
-#}
with

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

account_keys as (

    select * from {{ source('identity', 'account_keys') }}

),

rules as (

    select * from {{ ref('int_territory_rules') }}

),

records as (

    select
        crm_accounts.account_id,
        account_keys.account_key,
        crm_accounts.state_code,
        crm_accounts.postal_code,
        crm_accounts.country_code,
        crm_accounts.industry,
        crm_accounts.number_of_employees as employees,
        crm_accounts.annual_revenue
    from crm_accounts
    left join account_keys
        on
            account_keys.record_source = 'crm'
            and crm_accounts.account_id = account_keys.record_id

),

subject_fields as (

    {{ territory_subject_fields('records', 'account_id') }}
    union all
    select
        account_id as subject_key,
        'id' as field,
        {{ rule_text('account_id') }} as text_value,
        cast(null as double) as number_value
    from records

),

winners as (

    {{ territory_rule_winners('subject_fields', 'rules') }}

)

select
    records.account_id,
    records.account_key,
    coalesce(winners.territory_id, 'UNASSIGNED') as territory_id,
    winners.matched_priority
from records
left join winners
    on records.account_id = winners.subject_key
