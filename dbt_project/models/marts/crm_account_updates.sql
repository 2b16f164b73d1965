{#-
    The CRM write-back: one row per CRM account record, duplicates included, each carrying its
    company's scores. Readiness_Score__c is the readiness probability in percent (0-100) so that
    all three scores share one scale in the CRM. Proposed_Territory__c stays empty until a
    territory plan is published.
-#}
with

crm_accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

crm_keys as (

    select record_id, account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'crm'

),

priorities as (

    select * from {{ source('scoring', 'account_priority') }}

)

select
    cast(crm_accounts.account_id as varchar) as "Id",
    cast(round(priorities.fit_score, 1) as double) as "Fit_Score__c",
    cast(round(priorities.intent_score, 1) as double) as "Intent_Score__c",
    cast(round(100 * priorities.readiness_probability, 1) as double) as "Readiness_Score__c",
    cast(priorities.priority_tier as varchar) as "Priority_Tier__c",
    cast(priorities.priority_rank as bigint) as "Priority_Rank__c",
    cast(priorities.top_reasons as varchar) as "Top_Reasons__c",
    cast(null as varchar) as "Proposed_Territory__c"
from crm_accounts
left join crm_keys
    on crm_accounts.account_id = crm_keys.record_id
left join priorities
    on crm_keys.account_key = priorities.account_key
