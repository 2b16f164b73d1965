{#-
    Partitioned by week like int_intent_weekly (see macros/week_window.sql): a run replaces its weeks.
-#}
{{ weekly_partitioned() }}

select
    cast(account_key as varchar) as account_key,
    cast(week_start as date) as week_start,
    cast(vendor as varchar) as vendor,
    cast(topic_cluster as varchar) as topic_cluster,
    cast(surging_topics as bigint) as surging_topics,
    cast(max_score as double) as max_score,
    cast(momentum as double) as momentum,
    cast(is_surging as boolean) as is_surging,
    cast(topics as bigint) as topics,
    cast(mean_score as double) as mean_score
from {{ ref('int_intent_weekly') }}
where {{ in_week_window('week_start') }}
