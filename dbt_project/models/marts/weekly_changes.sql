{#-
    What changed for each company in a scoring week, one row per company, week and kind of change:

    - entered_tier_a / left_tier_a: its tier against the previous week in
      account_priority_history (the latest scored week before it, not necessarily seven days
      earlier). A company new to the scores in tier A entered it; a tier A company missing from
      this week's scores left it.
    - owner_changed: its rep (owner_user_id) differs from the previous scored week's; only for
      companies scored both weeks.
    - started_surging: a topic cluster of its intent surges this week (marts.intent_weekly) and
      none did the calendar week before.
    - new_engaged_contact: a CRM contact of the company engaged this week (an activity up to the
      week's as_of_date weighing more than an e-mail open, which mail clients fetch on their own)
      after no such activity in the twelve weeks before (new_contact_lookback_weeks); one row per
      company, the contacts listed in detail.

    The first week in the history has no previous scored week, so it reports no tier or owner
    changes; started_surging and new_engaged_contact need only intent and activities, which reach
    back further, and are reported for it as for any week. Only companies scored that week are
    reported, except a company that left tier A by dropping out of the scores.

    Incremental like account_priority_history: a run computes the week it scored and replaces that
    week's rows; other weeks keep what was reported at the time. The pre-hook clears the week
    first, because delete+insert alone deletes only the weeks present among the new rows, and a
    re-run that finds no change at all would leave the earlier run's rows standing. A first build
    (or --full-refresh) computes every week of the history.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='week_start',
        on_schema_change='append_new_columns',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where week_start in ("
            ~ "select distinct {{ week_start('as_of_date') }} from {{ source('scoring', 'account_priority') }}"
            ~ "){% endif %}",
    )
}}
{%- set new_contact_lookback_weeks = 12 %}

with

history as (

    select * from {{ ref('account_priority_history') }}

),

{# Read only by incremental runs (weeks_to_report); the linter renders a full build. -#}
current_scores as ( -- noqa: ST03

    select * from {{ source('scoring', 'account_priority') }}

),

intent as (

    select * from {{ ref('intent_weekly') }}

),

activities as (

    select * from {{ ref('int_map_activities_attributed') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

users as (

    select
        user_id,
        user_name
    from {{ ref('stg_crm__users') }}

),

weeks_to_report as (

    {% if is_incremental() %}
        select distinct {{ week_start('as_of_date') }} as week_start
        from current_scores
    {% else %}
        select distinct week_start
        from history
    {% endif %}

),

scored_weeks as (

    select
        week_start,
        max(as_of_date) as as_of_date
    from history
    group by week_start

),

week_pairs as (

    select
        weeks_to_report.week_start,
        scored_weeks.as_of_date,
        max(earlier_weeks.week_start) as previous_week_start
    from weeks_to_report
    inner join scored_weeks
        on weeks_to_report.week_start = scored_weeks.week_start
    left join scored_weeks as earlier_weeks
        on weeks_to_report.week_start > earlier_weeks.week_start
    group by weeks_to_report.week_start, scored_weeks.as_of_date

),

report_bounds as (

    select
        cast({{ dbt.dateadd('day', -7, 'min(week_start)') }} as date) as first_intent_week_start,
        cast({{ dbt.dateadd('week', -new_contact_lookback_weeks, 'min(week_start)') }} as date) as first_activity_date
    from week_pairs

),

this_week as (

    select history.*
    from history
    inner join week_pairs
        on history.week_start = week_pairs.week_start

),

previous_week as (

    select
        week_pairs.week_start,
        history.account_key,
        history.priority_tier,
        history.owner_user_id,
        history.territory_id
    from history
    inner join week_pairs
        on history.week_start = week_pairs.previous_week_start

),

compared as (

    select
        week_pairs.week_start,
        coalesce(this_week.account_key, previous_week.account_key) as account_key,
        this_week.account_key is not null as is_scored,
        previous_week.account_key is not null as was_scored,
        this_week.priority_tier,
        previous_week.priority_tier as previous_priority_tier,
        this_week.owner_user_id,
        previous_week.owner_user_id as previous_owner_user_id,
        this_week.territory_id,
        previous_week.territory_id as previous_territory_id,
        coalesce(this_week.owner_user_id, previous_week.owner_user_id) as reported_owner_user_id,
        coalesce(this_week.territory_id, previous_week.territory_id) as reported_territory_id,
        case
            when week_pairs.previous_week_start < cast({{ dbt.dateadd('day', -7, 'week_pairs.week_start') }} as date)
                then
                    ' (against the week of ' || strftime(week_pairs.previous_week_start, '%Y-%m-%d')
                    || ', the latest scored before)'
            else ''
        end as comparison_note
    from this_week
    full outer join previous_week
        on
            this_week.week_start = previous_week.week_start
            and this_week.account_key = previous_week.account_key
    inner join week_pairs
        on coalesce(this_week.week_start, previous_week.week_start) = week_pairs.week_start
    where week_pairs.previous_week_start is not null

),

tier_changes as (

    select
        account_key,
        week_start,
        'entered_tier_a' as change,
        'tier ' || coalesce(previous_priority_tier, 'not scored') || ' -> A' || comparison_note as detail,
        reported_owner_user_id as owner_user_id,
        reported_territory_id as territory_id,
        priority_tier
    from compared
    where
        priority_tier = 'A'
        and previous_priority_tier is distinct from 'A'

    union all

    select
        account_key,
        week_start,
        'left_tier_a' as change,
        'tier A -> ' || coalesce(priority_tier, 'not scored') || comparison_note as detail,
        reported_owner_user_id as owner_user_id,
        reported_territory_id as territory_id,
        priority_tier
    from compared
    where
        previous_priority_tier = 'A'
        and priority_tier is distinct from 'A'

),

owner_moves as (

    select
        compared.*,
        coalesce(
            previous_owner.user_name || ' (' || compared.previous_owner_user_id || ')',
            compared.previous_owner_user_id,
            'none'
        ) as previous_owner_label,
        coalesce(current_owner.user_name || ' (' || compared.owner_user_id || ')', compared.owner_user_id, 'none') as owner_label,
        case
            when coalesce(compared.territory_id, '') != coalesce(compared.previous_territory_id, '')
                then
                    ', territory ' || coalesce(compared.previous_territory_id, 'none')
                    || ' -> ' || coalesce(compared.territory_id, 'none')
            else ''
        end as territory_note
    from compared
    left join users as previous_owner
        on compared.previous_owner_user_id = previous_owner.user_id
    left join users as current_owner
        on compared.owner_user_id = current_owner.user_id
    where
        compared.is_scored
        and compared.was_scored
        and compared.owner_user_id is distinct from compared.previous_owner_user_id

),

owner_changes as (

    select
        account_key,
        week_start,
        'owner_changed' as change,
        'owner ' || previous_owner_label || ' -> ' || owner_label || territory_note || comparison_note as detail,
        owner_user_id,
        territory_id,
        priority_tier
    from owner_moves

),

surging_clusters as (

    select distinct
        intent.account_key,
        intent.week_start,
        intent.topic_cluster || ' (' || intent.vendor || ')' as surging_cluster
    from intent
    cross join report_bounds
    where
        intent.is_surging
        and intent.week_start >= report_bounds.first_intent_week_start

),

surging_accounts as (

    select distinct
        account_key,
        week_start
    from surging_clusters

),

surge_starts as (

    select
        this_week.account_key,
        this_week.week_start,
        'started_surging' as change,
        'surging on ' || string_agg(surging_clusters.surging_cluster, ', ' order by surging_clusters.surging_cluster) as detail,
        this_week.owner_user_id,
        this_week.territory_id,
        this_week.priority_tier
    from this_week
    inner join surging_clusters
        on
            this_week.account_key = surging_clusters.account_key
            and this_week.week_start = surging_clusters.week_start
    left join surging_accounts as week_before
        on
            this_week.account_key = week_before.account_key
            and cast({{ dbt.dateadd('day', -7, 'this_week.week_start') }} as date) = week_before.week_start
    where week_before.account_key is null
    group by
        this_week.account_key,
        this_week.week_start,
        this_week.owner_user_id,
        this_week.territory_id,
        this_week.priority_tier

),

engaging_activities as (

    select
        activities.contact_id,
        activities.account_key,
        activities.activity_type,
        activities.activity_at,
        activities.week_start
    from activities
    cross join report_bounds
    where
        activities.contact_id is not null
        and activities.activity_weight > {{ activity_weight("'email_open'") }}
        and activities.activity_at >= report_bounds.first_activity_date

),

engaged_this_week as (

    select
        week_pairs.week_start,
        engaging_activities.account_key,
        engaging_activities.contact_id,
        min(engaging_activities.activity_at) as first_activity_at,
        arg_min(engaging_activities.activity_type, engaging_activities.activity_at) as first_activity_type
    from engaging_activities
    inner join week_pairs
        on
            engaging_activities.week_start = week_pairs.week_start
            and cast(engaging_activities.activity_at as date) <= week_pairs.as_of_date
    group by
        week_pairs.week_start,
        engaging_activities.account_key,
        engaging_activities.contact_id

),

engaged_before as (

    select distinct
        engaged_this_week.week_start,
        engaged_this_week.contact_id
    from engaged_this_week
    inner join engaging_activities
        on
            engaged_this_week.contact_id = engaging_activities.contact_id
            and engaged_this_week.week_start > engaging_activities.activity_at
            and cast({{ dbt.dateadd('week', -new_contact_lookback_weeks, 'engaged_this_week.week_start') }} as date)
            <= engaging_activities.activity_at

),

new_contacts as (

    select
        engaged_this_week.week_start,
        engaged_this_week.account_key,
        engaged_this_week.contact_id,
        engaged_this_week.first_activity_at,
        coalesce(contacts.full_name, contacts.email, engaged_this_week.contact_id)
        || coalesce(', ' || contacts.title, '')
        || ' (' || engaged_this_week.first_activity_type || ')' as contact_label
    from engaged_this_week
    left join engaged_before
        on
            engaged_this_week.week_start = engaged_before.week_start
            and engaged_this_week.contact_id = engaged_before.contact_id
    left join contacts
        on engaged_this_week.contact_id = contacts.contact_id
    where engaged_before.contact_id is null

),

contact_changes as (

    select
        this_week.account_key,
        this_week.week_start,
        'new_engaged_contact' as change,
        string_agg(new_contacts.contact_label, '; ' order by new_contacts.first_activity_at, new_contacts.contact_id) as detail,
        this_week.owner_user_id,
        this_week.territory_id,
        this_week.priority_tier
    from this_week
    inner join new_contacts
        on
            this_week.account_key = new_contacts.account_key
            and this_week.week_start = new_contacts.week_start
    group by
        this_week.account_key,
        this_week.week_start,
        this_week.owner_user_id,
        this_week.territory_id,
        this_week.priority_tier

),

changes as (

    select * from tier_changes
    union all
    select * from owner_changes
    union all
    select * from surge_starts
    union all
    select * from contact_changes

)

select
    cast(account_key as varchar) as account_key,
    cast(week_start as date) as week_start,
    cast(change as varchar) as change,
    cast(detail as varchar) as detail,
    cast(owner_user_id as varchar) as owner_user_id,
    cast(territory_id as varchar) as territory_id,
    cast(priority_tier as varchar) as priority_tier
from changes
