{#-
    The scoring date and horizon, one row. as_of comes from var('as_of'); when it is null it is
    the Sunday that ends the latest intent week loaded (Bombora or G2), and today's date when no
    intent has been delivered yet.
-#}
with

latest_intent_week as (

    select max(week_start) as latest_week_start from {{ ref('stg_intent__weeks') }}

),

as_of as (

    select
        {% if var('as_of') -%}
        cast('{{ var("as_of") }}' as date)
        {%- else -%}
            coalesce(
                cast({{ dbt.dateadd('day', 6, 'latest_week_start') }} as date),
                current_date
            )
        {%- endif %} as as_of_date
    from latest_intent_week

)

select
    as_of_date,
    cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as date) as horizon_start_date,
    cast({{ dbt.dateadd('day', var('horizon_days'), 'as_of_date') }} as date) as horizon_end_date,
    cast({{ dbt.dateadd('day', -365, 'as_of_date') }} as date) as trailing_year_start_date,
    {{ var('horizon_days') }} as horizon_days
from as_of
