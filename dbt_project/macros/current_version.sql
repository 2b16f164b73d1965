{#-
    The current version of each record in a raw history table.

    Versions are ordered by the modification timestamp, then by delivery, then by row in the file.
    A version without a timestamp inherits the newest timestamp delivered before it for that key,
    so it ties with it and the later delivery wins: "missing dates go to the later delivery"
    without ever letting an old undated row beat a newer dated one.
-#}
{% macro current_version(relation, key_columns, modified_column=none) -%}
    {%- set keys = key_columns | join(', ') -%}
    select *
    from (
        select
            versions.*,
            row_number() over (
                partition by {{ keys }}
                order by
                    {% if modified_column -%}
                    effective_modified_at desc nulls last,
                    {% endif -%}
                    _delivery_seq desc,
                    _row_number desc
            ) as _version_rank
        from (
            select
                history.*
                {%- if modified_column %},
                {{ effective_modified_at(modified_column, keys) }} as effective_modified_at
                {%- endif %}
            from {{ relation }} as history
        ) as versions
    ) as ranked
    where _version_rank = 1
{%- endmacro %}
