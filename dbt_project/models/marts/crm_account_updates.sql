{#-
    The CRM write-back: one row per CRM account record, duplicates included, each carrying its
    company's scores. Readiness_Score__c is the readiness probability in percent (0-100) so that
    all three scores share one scale in the CRM. Proposed_Territory__c comes from the published
    territory plan.
-#}
with

crm_accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

crm_keys as (

    select
        record_id,
        account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'crm'

),

priorities as (

    select * from {{ source('scoring', 'account_priority') }}

),

published_plan as (

    select
        account_key,
        proposed_territory_id
    from {{ source('territory', 'plan_published') }}

)

select
    cast(crm_accounts.account_id as varchar) as "Id",
    cast(round(priorities.fit_score, 1) as double) as "Fit_Score__c",
    cast(round(priorities.intent_score, 1) as double) as "Intent_Score__c",
    cast(round(100 * priorities.readiness_probability, 1) as double) as "Readiness_Score__c",
    cast(priorities.priority_tier as varchar) as "Priority_Tier__c",
    cast(priorities.priority_rank as bigint) as "Priority_Rank__c",
    cast(priorities.top_reasons as varchar) as "Top_Reasons__c",
    cast(published_plan.proposed_territory_id as varchar) as "Proposed_Territory__c"
from crm_accounts
left join crm_keys
    on crm_accounts.account_id = crm_keys.record_id
left join priorities
    on crm_keys.account_key = priorities.account_key
left join published_plan
    on crm_keys.account_key = published_plan.account_key
