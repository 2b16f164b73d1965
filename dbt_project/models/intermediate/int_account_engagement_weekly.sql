{#-
    Undecayed marketing activity per company and Monday-start week, so that point-in-time
    features can apply the decay as of any week (week_start <= t). Partitioned by week (see
    macros/week_window.sql): a run replaces its weeks only.
-#}
{{ weekly_partitioned() }}
select
    account_key,
    week_start,
    count(*) as activities,
    count(distinct email) as engaged_people,
    sum(activity_weight) as activity_points,
    count(case when activity_type in ('form_fill', 'webinar_attended', 'content_download') then 1 end) as high_intent_activities
from {{ ref('int_map_activities_attributed') }}
where account_key is not null and {{ in_week_window('week_start') }}
group by account_key, week_start
