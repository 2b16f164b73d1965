{#- A company is a customer when its CRM Type begins with "Customer", in any case. -#}
{% macro is_customer_type(expression) -%}
    coalesce(lower(trim({{ expression }})) like 'customer%', false)
{%- endmacro %}

{#-
    An opportunity is won when the CRM says so (IsWon) or its stage, trimmed and in any case, starts
    with one of var('won_stage_prefixes') (the ICP setting), taken literally. The one definition of
    a won deal: staging carries it as is_won and every later step, Python scoring included, reads it.
-#}
{% macro is_won_opportunity(is_won_column, stage_column) -%}
    (
        coalesce({{ is_won_column }}, false)
        {%- for prefix in var('won_stage_prefixes') %}
        or coalesce(starts_with(lower(trim({{ stage_column }})), '{{ prefix | trim | lower | replace("'", "''") }}'), false)
        {%- endfor %}
    )
{%- endmacro %}

{#-
    Segment name from the employee bands of var('segments'): lower bound inclusive, upper bound
    exclusive, a null upper bound is open. A company without a head count is placed in the band
    that starts at the smallest bound, because vendors omit head counts mostly for small firms.
-#}
{% macro segment_for(employees_expression) -%}
    {%- set segments = var('segments') | sort(attribute='min_employees') -%}
    case
        {%- for segment in segments %}
        when {{ employees_expression }} >= {{ segment['min_employees'] }}
            {%- if segment['max_employees'] is not none %} and {{ employees_expression }} < {{ segment['max_employees'] }}{% endif %}
            then '{{ segment["name"] }}'
        {%- endfor %}
        else '{{ segments[0]["name"] }}'
    end
{%- endmacro %}

{#- Monday that starts the week of a date (weeks start on Monday). -#}
{% macro week_start(date_expression) -%}
    cast(date_trunc('week', cast({{ date_expression }} as date)) as date)
{%- endmacro %}
