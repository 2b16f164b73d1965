{#-
    dbt's filter of a data test's `where` config, with one placeholder: `__in_run_weeks__(column)`
    becomes in_run_weeks(column). A test's config is rendered when dbt parses, without the project's
    macros and before the run's weeks are known; this runs when the test does (dbt's documented way
    to template a `where` with a macro).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') or '' -%}
    {%- set placeholder = '__in_run_weeks__(' -%}
    {%- if placeholder in where -%}
        {%- set head, rest = where.split(placeholder, 1) -%}
        {%- set column, tail = rest.split(')', 1) -%}
        {%- set where = head ~ in_run_weeks(column | trim) ~ tail -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
