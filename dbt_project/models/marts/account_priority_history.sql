{#-
    Every company's scores, week by week: the rows of marts.account_priority stamped with the
    Monday of their scoring week, kept across runs on the same data root.

    Incremental, delete+insert on week_start: a run deletes every row of the week it scored
    (accounts that have since disappeared included) and inserts the new scores, so running a
    week again replaces that week and leaves the others as they were. full_refresh is off
    because earlier weeks cannot be rebuilt: the scoring table only ever holds the latest week,
    so `dbt build --full-refresh` (or a full pipeline rebuild) must not drop the history.
    New columns of a later version are appended, earlier weeks holding null in them.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='week_start',
        on_schema_change='append_new_columns',
        full_refresh=false,
    )
}}

with

scores as (

    select * from {{ source('scoring', 'account_priority') }}

),

weekly as (

    select
        cast(account_key as varchar) as account_key,
        {{ week_start('as_of_date') }} as week_start,
        cast(as_of_date as date) as as_of_date,
        cast(crm_account_id as varchar) as crm_account_id,
        cast(account_name as varchar) as account_name,
        cast(territory_id as varchar) as territory_id,
        cast(owner_user_id as varchar) as owner_user_id,
        cast(is_customer as boolean) as is_customer,
        cast(motion as varchar) as motion,
        cast(fit_score as double) as fit_score,
        cast(intent_score as double) as intent_score,
        cast(engagement_score as double) as engagement_score,
        cast(readiness_probability as double) as readiness_probability,
        cast(expected_value_usd as double) as expected_value_usd,
        cast(priority_tier as varchar) as priority_tier,
        cast(priority_rank as bigint) as priority_rank,
        cast(top_reasons as varchar) as top_reasons,
        cast(model_version as varchar) as model_version
    from scores

)

select * from weekly
