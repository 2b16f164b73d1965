{#-
    Territory rules in a form the rule engine can join on: one row per condition and value.
    Field and operator names are compared trimmed and case-insensitive. Rule values are
    normalised with the same macros as the accounts' fields (country names become ISO codes,
    state names become codes, ZIP+4 becomes five digits), so a rule may be written either way.

    Countries: a rule that names no country (no BillingCountry condition) covers only the home
    country (stg_crm__home_country), carried as implied_country_code for the rule engine; a rule
    with a BillingCountry condition covers what it names; a rule on Id stands as written for any
    country. States and postal codes are read within each country the rule names (a rule naming
    Germany and Austria reads "Bavaria" as BY), else within the home country.
-#}
with

rules as (

    select * from {{ ref('stg_territories__rules') }}

),

conditions as (

    select
        territory_id,
        priority,
        territory_id || '|' || cast(priority as varchar) || '|'
        || cast(_delivery_seq as varchar) || '|' || cast(_row_number as varchar) as condition_id,
        case replace(replace(lower(trim(field)), '_', ''), ' ', '')
            when 'billingstate' then 'billingstate'
            when 'state' then 'billingstate'
            when 'billingpostalcode' then 'billingpostalcode'
            when 'postalcode' then 'billingpostalcode'
            when 'billingcountry' then 'billingcountry'
            when 'country' then 'billingcountry'
            when 'industry' then 'industry'
            when 'numberofemployees' then 'numberofemployees'
            when 'employeecount' then 'numberofemployees'
            when 'annualrevenue' then 'annualrevenue'
            when 'revenueusd' then 'annualrevenue'
            when 'id' then 'id'
            else lower(trim(field))
        end as field,
        case replace(replace(lower(trim(operator)), ' ', '_'), '-', '_')
            when '=' then 'equals'
            when 'eq' then 'equals'
            when 'startswith' then 'starts_with'
            when '>=' then 'gte'
            when '<' then 'lt'
            else replace(replace(lower(trim(operator)), ' ', '_'), '-', '_')
        end as operator,
        value as rule_value
    from rules

),

rule_scope as (

    select
        territory_id,
        priority,
        bool_or(field = 'billingcountry') as names_countries,
        bool_or(field = 'id') as lists_ids
    from conditions
    group by territory_id, priority

),

list_items as (

    select
        conditions.*,
        trim(item.value_item) as value_item
    from conditions
    cross join
        unnest(
            case
                when operator in ('in', 'starts_with') then string_split(rule_value, ';')
                else [rule_value]
            end
        ) as item (value_item)
    where operator in ('equals', 'in', 'starts_with')

),

named_countries as (

    select distinct
        territory_id,
        priority,
        {{ normalize_country('value_item') }} as country_code
    from list_items
    where
        field = 'billingcountry'
        and operator in ('equals', 'in')
        and {{ normalize_country('value_item') }} is not null

),

rule_countries as (

    select
        territory_id,
        priority,
        case when not names_countries and not lists_ids then {{ home_country_code() }} end as implied_country_code
    from rule_scope

),

{# The countries a rule's states and postal codes are read in: those it names, else the home
    country (NULL, read as US-or-unknown, when it names none that is recognised). -#}
reading_countries as (

    select
        rule_scope.territory_id,
        rule_scope.priority,
        case
            when rule_scope.names_countries then named_countries.country_code
            else {{ home_country_code() }}
        end as reading_country_code
    from rule_scope
    left join named_countries
        on
            rule_scope.territory_id = named_countries.territory_id
            and rule_scope.priority = named_countries.priority
            and rule_scope.names_countries

),

range_bounds as (

    select
        conditions.*,
        case
            when operator = 'between' then trim(split_part(rule_value, ';', 1))
            when operator = 'gte' then trim(rule_value)
        end as lower_item,
        case
            when operator = 'between' then trim(split_part(rule_value, ';', 2))
            when operator = 'lt' then trim(rule_value)
        end as upper_item
    from conditions
    where operator in ('between', 'gte', 'lt')

),

{% set normalised_item -%}
    case field
        when 'billingstate' then {{ normalize_state('__item__', 'reading_countries.reading_country_code') }}
        when 'billingpostalcode' then coalesce({{ normalize_postal_code('__item__', 'reading_countries.reading_country_code') }}, {{ rule_text('__item__') }})
        when 'billingcountry' then {{ normalize_country('__item__') }}
        else {{ rule_text('__item__') }}
    end
{%- endset %}

normalised as (

    select
        territory_id,
        priority,
        condition_id,
        field,
        operator,
        rule_value,
        case
            when operator = 'starts_with' then regexp_replace({{ rule_text('value_item') }}, '\s+', ' ', 'g')
            else {{ normalised_item | replace('__item__', 'value_item') }}
        end as match_text,
        try_cast(value_item as double) as match_number,
        cast(null as varchar) as lower_text,
        cast(null as varchar) as upper_text,
        cast(null as double) as lower_bound,
        cast(null as double) as upper_bound
    from list_items
    inner join reading_countries using (territory_id, priority)

    union

    select
        territory_id,
        priority,
        condition_id,
        field,
        operator,
        rule_value,
        cast(null as varchar) as match_text,
        cast(null as double) as match_number,
        {{ normalised_item | replace('__item__', 'lower_item') }} as lower_text,
        {{ normalised_item | replace('__item__', 'upper_item') }} as upper_text,
        try_cast(lower_item as double) as lower_bound,
        try_cast(upper_item as double) as upper_bound
    from range_bounds
    inner join reading_countries using (territory_id, priority)

    union

    select
        territory_id,
        priority,
        condition_id,
        field,
        operator,
        rule_value,
        cast(null as varchar) as match_text,
        cast(null as double) as match_number,
        cast(null as varchar) as lower_text,
        cast(null as varchar) as upper_text,
        cast(null as double) as lower_bound,
        cast(null as double) as upper_bound
    from conditions
    where operator not in ('equals', 'in', 'starts_with', 'between', 'gte', 'lt')

)

select
    normalised.*,
    count(distinct normalised.condition_id) over (
        partition by normalised.territory_id, normalised.priority
    ) as conditions_in_rule,
    rule_countries.implied_country_code
from normalised
inner join rule_countries
    on
        normalised.territory_id = rule_countries.territory_id
        and normalised.priority = rule_countries.priority
