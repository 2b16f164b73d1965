{#-
    Every delivered version of each record in a raw history table, with the span in which it was
    the record's version: from valid_from (inclusive) to valid_to (exclusive, null while current).
    The version at an instant t is the one with valid_from null or <= t and valid_to null or > t.

    Versions are ordered as current_version orders them: by modification time (a version without
    one inherits the newest time delivered before it), then delivery, then row. So the newest
    version of a record here is its current version in staging.

    - The oldest version has no valid_from: when a record existed at t but every delivered version
      was modified after t, the oldest one stands in for it (best knowledge).
    - A version superseded at the instant it started (the same version delivered again, or two
      versions with one time) or by a later version without a time was never anyone's version at
      any instant, and is left out.
    - known_from: when the record came to exist, its created time (the earliest delivered), else
      its oldest delivered modification time; null when the record carries no time at all.
-#}
{% macro record_versions(relation, key_columns, modified_column, created_column) -%}
    {%- set keys = key_columns | join(', ') -%}
    select *
    from (
        select
            ordered.*,
            case when version_number > 1 then effective_modified_at end as valid_from,
            lead(effective_modified_at) over version_order as valid_to,
            lead(version_number) over version_order is not null as has_next_version
        from (
            select
                stamped.*,
                coalesce(
                    min({{ created_column }}) over (partition by {{ keys }}),
                    min(effective_modified_at) over (partition by {{ keys }})
                ) as known_from,
                row_number() over (
                    partition by {{ keys }}
                    order by effective_modified_at nulls first, _delivery_seq, _row_number
                ) as version_number
            from (
                select
                    history.*,
                    {{ effective_modified_at(modified_column, keys) }} as effective_modified_at
                from {{ relation }} as history
            ) as stamped
        ) as ordered
        window version_order as (partition by {{ keys }} order by version_number)
    ) as spans
    where not (has_next_version and valid_to is null)
        and not (valid_from is not null and valid_to is not null and valid_to <= valid_from)
{%- endmacro %}
