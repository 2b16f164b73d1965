{#-
    The comparison key of a place name or code: accents and case dropped, dots and apostrophes
    removed, dashes, underscores, commas, slashes and runs of spaces as one space, a leading "The"
    dropped. " U.S.A. ", "usa" and "USA" share a key, and so do "Côte d'Ivoire" and "cote divoire".
    The reference models key their aliases with this same macro, so both sides always agree.
-#}
{% macro place_key(expression) -%}
    regexp_replace(
        trim(regexp_replace(
            regexp_replace(upper(strip_accents(cast({{ expression }} as varchar))), '[.''’]', '', 'g'),
            '[-\s_,/]+', ' ', 'g'
        )),
        '^THE ', ''
    )
{%- endmacro %}

{#-
    ISO 3166 alpha-2 code of a country written as an ISO code (alpha-2, alpha-3, numeric) or an
    English name, official or everyday ("GBR", "uk", "United Kingdom", "Great Britain"), from the
    country_aliases seed (pycountry). A value it does not recognise is kept upper-cased so that a
    rule can still name it; an empty value is NULL.
-#}
{% macro normalize_country(expression) -%}
    coalesce(
        (
            select country_aliases.country_code
            from {{ ref('stg_reference__country_aliases') }} as country_aliases
            where country_aliases.alias_key = {{ place_key(expression) }}
        ),
        nullif(upper(trim({{ expression }})), '')
    )
{%- endmacro %}

{#-
    Code of a state or first-level subdivision written as a code or a name in any case, within
    its country: US states from the us_states seed ("ca", "California"), elsewhere pycountry's
    subdivisions ("Ontario" and "ON" in CA, "Bavaria", "Bayern" and "BY" in DE). A NULL country
    reads as the US. Values that are neither are kept upper-cased so that rules can still name them.
-#}
{% macro normalize_state(expression, country_expression) -%}
    coalesce(
        (
            select subdivision_aliases.subdivision_code
            from {{ ref('stg_reference__subdivision_aliases') }} as subdivision_aliases
            where subdivision_aliases.country_code = coalesce({{ country_expression }}, 'US')
                and subdivision_aliases.alias_key = {{ place_key(expression) }}
        ),
        nullif(upper(trim({{ expression }})), '')
    )
{%- endmacro %}

{#-
    Postal code within its country. A US address (or one whose country is unknown, NULL) with a
    ZIP gets the five-digit ZIP: ZIP+4 ("02134-1234", "021341234") keeps its first five digits, and
    a ZIP that lost its leading zero in a spreadsheet ("2134", "2134-1234") is padded back. Any other
    postcode, a German "10115" or a British "SW1A 1AA", is kept upper-cased with single spaces so
    that rules can match it with starts_with; a US address whose value is no ZIP gets NULL.
-#}
{% macro normalize_postal_code(expression, country_expression) -%}
    {%- set digits = "regexp_replace(trim(" ~ expression ~ "), '[^0-9]', '', 'g')" -%}
    case
        when coalesce({{ country_expression }}, 'US') = 'US'
            and (
                regexp_matches(trim({{ expression }}), '^[0-9]{3,5}([- ][0-9]{4})?$')
                or regexp_matches(trim({{ expression }}), '^[0-9]{8,9}$')
            )
            then case
                when length({{ digits }}) >= 8 then left(lpad({{ digits }}, 9, '0'), 5)
                else lpad({{ digits }}, 5, '0')
            end
        when {{ country_expression }} = 'US' then null
        else nullif(regexp_replace(upper(trim({{ expression }})), '\s+', ' ', 'g'), '')
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

{#- The alignment's home country (stg_crm__home_country) as a scalar expression. -#}
{% macro home_country_code() -%}
    (select home_country_code from {{ ref('stg_crm__home_country') }})
{%- endmacro %}
