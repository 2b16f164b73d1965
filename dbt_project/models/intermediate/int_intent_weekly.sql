{#-
    Intent per company, week (Monday), vendor and topic cluster, on one 0-100 scale.

    Bombora: the Composite Score of each topic. G2: each category is a topic; its daily signals
    roll into Monday-start weeks and are scored by g2_signal_weight, summed over the distinct
    signal types and days of the week and capped at 100.
    Topics: with var('intent_topics') empty every topic counts and its cluster is the vendor's
    Category (Bombora's Category column, G2's category); otherwise only mapped topics count. G2
    categories are kept when they are a mapped topic or the name of a cluster.
    momentum = this week's max_score minus the mean max_score of the three weeks before, weeks
    without signals counting as 0. Weeks are kept as rows so scoring can take week_start <= t.

    Partitioned by week (see macros/week_window.sql): a run builds its weeks only, reading the three
    weeks before the first of them for momentum, and replaces those weeks.
-#}
{{ weekly_partitioned() }}
{%- set topics = var('intent_topics') %}
with

bombora as (

    select * from {{ ref('stg_intent__bombora') }}
    where {{ in_week_window('week_start', lookback_days=21) }}

),

g2 as (

    select * from {{ ref('stg_intent__g2') }}
    where {{ in_week_window('week_start', lookback_days=21) }}

),

domain_keys as (

    select * from {{ source('identity', 'domain_keys') }}

),

{% if topics -%}
topic_map as (

    {{ intent_topic_map_rows() }}

),

cluster_names as (

    select distinct topic_cluster from topic_map

),
{%- endif %}

bombora_topics as (

    select
        bombora.domain,
        bombora.week_start,
        'bombora' as vendor,
        {% if topics -%}
        topic_map.topic_cluster,
        {%- else -%}
            coalesce(bombora.category, bombora.topic) as topic_cluster,
        {%- endif %}
        bombora.topic,
        bombora.composite_score as topic_score
    from bombora
    {% if topics -%}
    inner join topic_map
        on lower(trim(bombora.topic)) = topic_map.topic_key
    {%- endif %}

),

g2_daily_signals as (

    select distinct
        domain,
        week_start,
        category,
        signal_type,
        signal_date
    from g2
    where category is not null

),

g2_topics as (

    select
        g2_daily_signals.domain,
        g2_daily_signals.week_start,
        'g2' as vendor,
        {% if topics -%}
        coalesce(topic_map.topic_cluster, cluster_names.topic_cluster) as topic_cluster,
        {%- else -%}
            g2_daily_signals.category as topic_cluster,
        {%- endif %}
        g2_daily_signals.category as topic,
        cast(least(100, sum({{ g2_signal_weight('g2_daily_signals.signal_type') }})) as double) as topic_score
    from g2_daily_signals
    {% if topics -%}
    left join topic_map
        on lower(trim(g2_daily_signals.category)) = topic_map.topic_key
    left join cluster_names
        on lower(trim(g2_daily_signals.category)) = lower(trim(cluster_names.topic_cluster))
    where topic_map.topic_key is not null or cluster_names.topic_cluster is not null
    {%- endif %}
    group by 1, 2, 3, 4, 5

),

topic_signals as (

    select * from bombora_topics
    union all
    select * from g2_topics

),

account_weeks as (

    select
        domain_keys.account_key,
        topic_signals.week_start,
        topic_signals.vendor,
        topic_signals.topic_cluster,
        count(distinct case when topic_signals.topic_score >= {{ var('surge_threshold') }} then topic_signals.topic end)
            as surging_topics,
        count(distinct topic_signals.topic) as topics,
        max(topic_signals.topic_score) as max_score,
        avg(topic_signals.topic_score) as mean_score
    from topic_signals
    inner join domain_keys
        on topic_signals.domain = domain_keys.domain
    group by 1, 2, 3, 4

),

with_momentum as (

    select
        current_week.account_key,
        current_week.week_start,
        current_week.vendor,
        current_week.topic_cluster,
        current_week.surging_topics,
        current_week.topics,
        current_week.max_score,
        current_week.mean_score,
        current_week.max_score - coalesce(sum(prior_weeks.max_score), 0) / 3.0 as momentum,
        current_week.surging_topics > 0 as is_surging
    from account_weeks as current_week
    left join account_weeks as prior_weeks
        on
            current_week.account_key = prior_weeks.account_key
            and current_week.vendor = prior_weeks.vendor
            and current_week.topic_cluster = prior_weeks.topic_cluster
            and prior_weeks.week_start >= cast({{ dbt.dateadd('day', -21, 'current_week.week_start') }} as date)
            and current_week.week_start > prior_weeks.week_start
    group by 1, 2, 3, 4, 5, 6, 7, 8

)

select * from with_momentum
where {{ in_week_window('week_start') }}
