{#-
    The one definition of a named account, read by the territory planner, plan review and every
    model that shows it. A company is named when the rule that places it today conditions on Id
    (a named-account list), or when a CRM record of it carries Named_Account__c; either way a plan
    keeps it in the territory it is in today. named_reason says which.
-#}
with

assigned as (

    select
        account_key,
        crm_account_id,
        territory_id,
        matched_priority
    from {{ ref('int_companies_territory_assigned') }}

),

companies as (

    select
        account_key,
        is_flagged_named_in_crm
    from {{ ref('int_companies_golden_record') }}

),

id_rules as (

    select distinct
        territory_id,
        priority
    from {{ ref('int_territory_rules') }}
    where field = 'id'

),

reasons as (

    select
        assigned.account_key,
        assigned.crm_account_id,
        assigned.territory_id,
        id_rules.territory_id is not null as is_placed_by_id_rule,
        coalesce(companies.is_flagged_named_in_crm, false) as is_flagged_named_in_crm
    from assigned
    left join companies
        on assigned.account_key = companies.account_key
    left join id_rules
        on
            assigned.territory_id = id_rules.territory_id
            and assigned.matched_priority = id_rules.priority

)

select
    account_key,
    crm_account_id,
    territory_id,
    is_placed_by_id_rule,
    is_flagged_named_in_crm,
    case
        when is_placed_by_id_rule and is_flagged_named_in_crm then 'id_rule_and_crm_flag'
        when is_placed_by_id_rule then 'id_rule'
        else 'crm_flag'
    end as named_reason
from reasons
where is_placed_by_id_rule or is_flagged_named_in_crm
