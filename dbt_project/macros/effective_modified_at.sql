{#-
    A version's modification time for ordering versions: its own, or else the newest one delivered
    before it for the same key, so an undated version ties with the version it follows and the later
    delivery wins. current_version and record_versions order versions by it alike.
-#}
{% macro effective_modified_at(modified_column, keys) -%}
    coalesce(
        {{ modified_column }},
        max({{ modified_column }}) over (
            partition by {{ keys }}
            order by _delivery_seq, _row_number
            rows between unbounded preceding and current row
        )
    )
{%- endmacro %}
