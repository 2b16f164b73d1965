{#-
    The weeks a weekly-partitioned run builds. Dagster's weekly assets export the run's first and last
    Monday as TERRAIN_WEEK_FROM and TERRAIN_WEEK_TO; an incremental model keeps only the rows of those
    weeks (and, with lookback_days, the days before the first that a rolling figure needs); its
    pre-hook deletes those weeks first, so a week whose rows all went away is emptied too. A full
    refresh, or a run without a window (a bare `dbt build`), builds every week. The variables are read only when the model runs, never while dbt
    parses, so a new week does not make dbt parse the project again.
-#}
{% macro in_week_window(column, lookback_days=0) -%}
    {%- set week_from = env_var('TERRAIN_WEEK_FROM', '') if execute else '' -%}
    {%- set week_to = env_var('TERRAIN_WEEK_TO', '') if execute else '' -%}
    {%- if is_incremental() and week_from and week_to -%}
        ({{ column }} >= cast({{ dbt.dateadd('day', -lookback_days, "cast('" ~ week_from ~ "' as date)") }} as date)
        and {{ column }} <= cast('{{ week_to }}' as date))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#-
    The configuration every weekly-partitioned model shares: incremental on week_start, its run's weeks
    deleted first (see in_week_window), columns a later version adds appended.
-#}
{% macro weekly_partitioned() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='week_start',
        on_schema_change='append_new_columns',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ in_week_window('week_start') }}{% endif %}",
    ) }}
{%- endmacro %}


{#-
    A data test's filter to the run's weeks, for tests on weekly data: `where: "__in_run_weeks__(column)"`
    in the test's config (see get_where_subquery). A run over some weeks (TERRAIN_WEEK_FROM and
    TERRAIN_WEEK_TO exported, no --full-refresh) tests the rows of those weeks and the rows that no
    week holds (a null date), so an incremental week tests what it delivered and built instead of
    every week again; a full refresh, or a run without a window, tests every row. Read when the
    test runs, like in_week_window, so a new week does not make dbt parse the project again.
-#}
{% macro in_run_weeks(column) -%}
    {%- set week_from = env_var('TERRAIN_WEEK_FROM', '') if execute else '' -%}
    {%- set week_to = env_var('TERRAIN_WEEK_TO', '') if execute else '' -%}
    {%- if week_from and week_to and not flags.FULL_REFRESH -%}
        coalesce(cast({{ column }} as date) between cast('{{ week_from }}' as date)
            and cast({{ dbt.dateadd('day', 6, "cast('" ~ week_to ~ "' as date)") }} as date), true)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
