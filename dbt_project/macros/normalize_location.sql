{#-
    Two-letter state code from a code or a full name in any case ("ca", "California",
    " CALIFORNIA "); the 50 states, DC and Puerto Rico come from the us_states seed. Values
    that are neither (foreign provinces) are kept upper-cased so that rules can still name them.
-#}
{% macro normalize_state(expression) -%}
    coalesce(
        (
            select state_aliases.state_code
            from (
                select state_code, upper(state_code) as alias from {{ ref('us_states') }}
                union all
                select state_code, upper(state_name) as alias from {{ ref('us_states') }}
            ) as state_aliases
            where state_aliases.alias = upper(trim(replace({{ expression }}, '.', '')))
        ),
        nullif(upper(trim({{ expression }})), '')
    )
{%- endmacro %}

{#-
    Five-digit ZIP code: ZIP+4 ("02134-1234", "021341234") keeps its first five digits, and a
    ZIP that lost its leading zero in a spreadsheet ("2134", "2134-1234") is padded back.
    Anything else (foreign postcodes) becomes NULL.
-#}
{% macro normalize_postal_code(expression) -%}
    {%- set digits = "regexp_replace(trim(" ~ expression ~ "), '[^0-9]', '', 'g')" -%}
    case
        when regexp_matches(trim({{ expression }}), '^[0-9]{3,5}([- ][0-9]{4})?$')
            or regexp_matches(trim({{ expression }}), '^[0-9]{8,9}$')
            then case
                when length({{ digits }}) >= 8 then left(lpad({{ digits }}, 9, '0'), 5)
                else lpad({{ digits }}, 5, '0')
            end
    end
{%- endmacro %}

{#- Country in one spelling: the usual ways of writing the United States become "US". -#}
{% macro normalize_country(expression) -%}
    case
        when upper(trim(replace({{ expression }}, '.', ''))) in (
            'US', 'USA', 'UNITED STATES', 'UNITED STATES OF AMERICA', 'AMERICA'
        ) then 'US'
        else nullif(upper(trim({{ expression }})), '')
    end
{%- endmacro %}

{#- NAICS code as digits only (2 to 6 of them); NULL when the value holds no code. -#}
{% macro normalize_naics_code(expression) -%}
    nullif(left(regexp_replace(trim(cast({{ expression }} as varchar)), '\.0+$|[^0-9]', '', 'g'), 6), '')
{%- endmacro %}

{#- NAICS sector: the first two digits of the code. -#}
{% macro naics_sector(expression) -%}
    case when length({{ normalize_naics_code(expression) }}) >= 2 then left({{ normalize_naics_code(expression) }}, 2) end
{%- endmacro %}

{#- Text compared the way the territory rules say: trimmed and case-insensitive. -#}
{% macro rule_text(expression) -%}
    nullif(upper(trim({{ expression }})), '')
{%- endmacro %}
