{#-
    Each rep's accounts in the order to work them, under today's territories ('current') and under
    the plan chosen for the CRM ('published'). The territory design re-draws boundaries between the
    existing territories, so a proposed territory's owner is that territory's owner in the hierarchy.
    Accounts without an owner (UNASSIGNED) are left out: there is no rep to read them.
-#}
with

priorities as (

    select
        account_key,
        crm_account_id,
        account_name,
        territory_id,
        owner_user_id,
        motion,
        priority_tier,
        expected_value_usd,
        readiness_probability,
        top_reasons
    from {{ source('scoring', 'account_priority') }}

),

published as (

    select
        scenario_id,
        account_key,
        proposed_territory_id
    from {{ source('territory', 'plan_published') }}

),

hierarchy as (

    select
        territory_id,
        owner_user_id
    from {{ ref('int_territory_hierarchy') }}

),

users as (

    select
        user_id,
        user_name
    from {{ ref('stg_crm__users') }}

),

contact_emails as (

    select
        contact_id,
        email
    from {{ ref('stg_crm__contacts') }}

),

reachable_contacts as (

    select
        contacts.account_key,
        contacts.full_name
        || coalesce(' (' || nullif(concat_ws(', ', contacts.title, contacts.persona), '') || ')', '')
        || coalesce(' <' || contact_emails.email || '>', '') as contact_label,
        row_number() over (
            partition by contacts.account_key
            order by contacts.contact_score desc nulls last, contacts.contact_id asc
        ) as contact_order
    from {{ source('scoring', 'contact_priority') }} as contacts
    left join contact_emails
        on contacts.contact_id = contact_emails.contact_id
    where not coalesce(contacts.is_opted_out, false)

),

top_contacts as (

    select
        account_key,
        string_agg(contact_label, '; ' order by contact_order) as top_contacts
    from reachable_contacts
    where contact_order <= 3
    group by account_key

),

current_plan as (

    select
        'current' as plan,
        cast(null as varchar) as scenario_id,
        priorities.territory_id,
        coalesce(hierarchy.owner_user_id, priorities.owner_user_id) as owner_user_id,
        priorities.account_key
    from priorities
    left join hierarchy
        on priorities.territory_id = hierarchy.territory_id

),

published_plan as (

    select
        'published' as plan,
        published.scenario_id,
        published.proposed_territory_id as territory_id,
        hierarchy.owner_user_id,
        published.account_key
    from published
    left join hierarchy
        on published.proposed_territory_id = hierarchy.territory_id

),

assignments as (

    select * from current_plan
    union all
    select * from published_plan

),

ranked as (

    select
        assignments.plan,
        assignments.scenario_id,
        assignments.owner_user_id,
        users.user_name as rep_name,
        assignments.territory_id,
        assignments.account_key,
        priorities.crm_account_id,
        priorities.account_name,
        row_number() over (
            partition by assignments.plan, assignments.owner_user_id
            order by
                priorities.expected_value_usd desc nulls last,
                priorities.readiness_probability desc nulls last,
                assignments.account_key asc
        ) as rank_for_rep,
        priorities.priority_tier,
        priorities.expected_value_usd,
        priorities.readiness_probability,
        priorities.motion,
        priorities.top_reasons,
        top_contacts.top_contacts
    from assignments
    inner join priorities
        on assignments.account_key = priorities.account_key
    left join users
        on assignments.owner_user_id = users.user_id
    left join top_contacts
        on assignments.account_key = top_contacts.account_key
    where
        assignments.owner_user_id is not null
        and assignments.territory_id <> 'UNASSIGNED'

)

select
    cast(plan as varchar) as plan,
    cast(owner_user_id as varchar) as owner_user_id,
    cast(rep_name as varchar) as rep_name,
    cast(territory_id as varchar) as territory_id,
    cast(account_key as varchar) as account_key,
    cast(crm_account_id as varchar) as crm_account_id,
    cast(account_name as varchar) as account_name,
    cast(rank_for_rep as bigint) as rank_for_rep,
    cast(priority_tier as varchar) as priority_tier,
    cast(expected_value_usd as double) as expected_value_usd,
    cast(readiness_probability as double) as readiness_probability,
    cast(motion as varchar) as motion,
    cast(top_reasons as varchar) as top_reasons,
    cast(top_contacts as varchar) as top_contacts,
    cast(scenario_id as varchar) as scenario_id
from ranked
