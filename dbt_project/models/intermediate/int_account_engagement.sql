{#-
    Marketing engagement of every company with attributed activity, as of the scoring date:
    decayed points of its contacts' activities and of activities from its e-mail domain.
-#}
with

activities as (

    select * from {{ ref('int_map_activities_attributed') }}
    where account_key is not null

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

account_activity as (

    select
        activities.account_key,
        count(*) as activities,
        count(case when activities.activity_at >= {{ dbt.dateadd('day', -90, 'as_of.as_of_date') }} then 1 end) as activities_90d,
        count(distinct activities.email) as engaged_people,
        count(distinct activities.contact_id) as engaged_contacts,
        max(activities.activity_at) as last_activity_at,
        round(sum(
            activities.activity_weight
            * {{ decay_factor(dbt.datediff('activities.activity_at', 'as_of.as_of_date', 'day')) }}
        ), 6) as engagement_points
    from activities
    cross join as_of
    where cast(activities.activity_at as date) <= as_of.as_of_date
    group by activities.account_key

)

select
    account_activity.*,
    {{ engagement_score('account_activity.engagement_points') }} as engagement_score,
    as_of.as_of_date
from account_activity
cross join as_of
