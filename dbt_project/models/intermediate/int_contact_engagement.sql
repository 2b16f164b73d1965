{#-
    Engagement of every CRM contact as of the scoring date: activities up to as_of with
    exponential decay (half-life var('engagement_half_life_days')), and the contact's best
    normalised lead score across marketing systems.
-#}
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

crm_keys as (

    select
        record_id,
        account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'crm'

),

activities as (

    select * from {{ ref('int_map_activities_attributed') }}
    where contact_id is not null

),

map_scores as (

    select
        email,
        max(score_normalized) as map_score_normalized
    from {{ ref('int_map_scores_normalized') }}
    where is_latest
    group by email

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

contact_activity as (

    select
        activities.contact_id,
        count(*) as activities,
        count(case when activities.activity_at >= {{ dbt.dateadd('day', -90, 'as_of.as_of_date') }} then 1 end) as activities_90d,
        max(activities.activity_at) as last_activity_at,
        round(sum(
            activities.activity_weight
            * {{ decay_factor(dbt.datediff('activities.activity_at', 'as_of.as_of_date', 'day')) }}
        ), 6) as engagement_points,
        max(case when activities.activity_type = 'unsubscribe' then 1 else 0 end) = 1 as has_unsubscribed
    from activities
    cross join as_of
    where cast(activities.activity_at as date) <= as_of.as_of_date
    group by activities.contact_id

)

select
    contacts.contact_id,
    contacts.account_id as crm_account_id,
    crm_keys.account_key,
    contacts.email,
    coalesce(contact_activity.activities, 0) as activities,
    coalesce(contact_activity.activities_90d, 0) as activities_90d,
    contact_activity.last_activity_at,
    coalesce(contact_activity.engagement_points, 0) as engagement_points,
    {{ engagement_score('coalesce(contact_activity.engagement_points, 0)') }} as engagement_score,
    map_scores.map_score_normalized,
    coalesce(contact_activity.has_unsubscribed, false) as has_unsubscribed,
    as_of.as_of_date
from contacts
cross join as_of
left join crm_keys
    on contacts.account_id = crm_keys.record_id
left join contact_activity
    on contacts.contact_id = contact_activity.contact_id
left join map_scores
    on contacts.email = map_scores.email
