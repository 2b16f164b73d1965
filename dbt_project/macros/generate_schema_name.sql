{#-
    Custom schema names are used verbatim (staging, intermediate, marts) instead of dbt's
    default "<target_schema>_<custom>", because Dagster assets, the serving copy and BI tools
    address these schemas by name.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
