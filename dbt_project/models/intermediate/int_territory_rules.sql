{#-
    Territory rules in a form the rule engine can join on: one row per condition and value.
    Field and operator names are compared trimmed and case-insensitive. Rule values are
    normalised with the same macros as the accounts' fields (state names become codes, ZIP+4
    becomes five digits, "USA" becomes "US"), so a rule may be written either way.
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

list_items as (

    select
        conditions.*,
        trim(item.value_item) as value_item
    from conditions
    cross join unnest(
        case
            when operator in ('in', 'starts_with') then string_split(rule_value, ';')
            else [rule_value]
        end
    ) as item(value_item)
    where operator in ('equals', 'in', 'starts_with')

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
        when 'billingstate' then {{ normalize_state('__item__') }}
        when 'billingpostalcode' then coalesce({{ normalize_postal_code('__item__') }}, {{ rule_text('__item__') }})
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
            when operator = 'starts_with' then {{ rule_text('value_item') }}
            else {{ normalised_item | replace('__item__', 'value_item') }}
        end as match_text,
        try_cast(value_item as double) as match_number,
        cast(null as varchar) as lower_text,
        cast(null as varchar) as upper_text,
        cast(null as double) as lower_bound,
        cast(null as double) as upper_bound
    from list_items

    union all

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

    union all

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
    count(distinct condition_id) over (partition by territory_id, priority) as conditions_in_rule
from normalised
