{#-
    The territory rule engine, shared by the company-level and the CRM-record-level assignment.

    subject_fields: a relation with one row per subject and field value:
        subject_key, field (billingstate, billingpostalcode, billingcountry, industry,
        numberofemployees, annualrevenue, id), text_value (normalised, upper case), number_value.
    Each subject has at most one row per field.

    Returns, per subject, the winning rule: every condition of the rule holds, the rule covers
    the subject's country (a rule with an implied_country_code, one that names no country, covers
    only that country, the home country), the lowest Priority wins, and a tie on Priority goes to
    the lower Territory_Id (alphabetical), which is deterministic and independent of file order.
    Country coverage is checked on the few rules a subject matched rather than as one more
    condition, which would pair every home-country subject with every rule. Text bounds of
    between/gte/lt compare as text (ZIP ranges), numeric bounds as numbers. An unknown field or
    operator never matches.
    Each (subject, condition) pair is produced once: the rule side is de-duplicated before the
    joins, so a rule holds when its hits count equals its conditions. Equality conditions are
    hash joins; prefix and range conditions are evaluated once per distinct field value (head
    counts and ZIPs repeat a lot) and joined back, which keeps the engine near-linear in the
    number of companies.
-#}
{% macro territory_rule_winners(subject_fields, rules) -%}
    select subject_key, territory_id, priority as matched_priority
    from (
        select
            rule_hits.subject_key,
            rule_hits.territory_id,
            rule_hits.priority,
            row_number() over (
                partition by rule_hits.subject_key order by rule_hits.priority, rule_hits.territory_id
            ) as rule_rank
        from (
            select condition_hits.subject_key, condition_hits.territory_id, condition_hits.priority,
                   condition_hits.implied_country_code
            from (
                select subject_fields.subject_key, rules.territory_id, rules.priority,
                       rules.condition_id, rules.conditions_in_rule, rules.implied_country_code
                from {{ subject_fields }} as subject_fields
                inner join (
                    select distinct field, match_text, territory_id, priority, condition_id, conditions_in_rule,
                           implied_country_code
                    from {{ rules }}
                    where operator in ('equals', 'in')
                ) as rules
                    on subject_fields.field = rules.field
                    and subject_fields.text_value = rules.match_text

                union all

                select subject_fields.subject_key, rules.territory_id, rules.priority,
                       rules.condition_id, rules.conditions_in_rule, rules.implied_country_code
                from {{ subject_fields }} as subject_fields
                inner join (
                    select distinct field, match_number, territory_id, priority, condition_id, conditions_in_rule,
                           implied_country_code
                    from {{ rules }}
                    where operator in ('equals', 'in')
                ) as rules
                    on subject_fields.field = rules.field
                    and subject_fields.number_value = rules.match_number

                union all

                select subject_fields.subject_key, value_hits.territory_id, value_hits.priority,
                       value_hits.condition_id, value_hits.conditions_in_rule, value_hits.implied_country_code
                from {{ subject_fields }} as subject_fields
                inner join (
                    select distinct
                           distinct_values.field, distinct_values.text_value, distinct_values.number_value,
                           rules.territory_id, rules.priority, rules.condition_id, rules.conditions_in_rule,
                           rules.implied_country_code
                    from (
                        select distinct field, text_value, number_value from {{ subject_fields }}
                    ) as distinct_values
                    inner join {{ rules }} as rules
                        on distinct_values.field = rules.field
                    where rules.operator in ('starts_with', 'between', 'gte', 'lt')
                        and coalesce(
                            case rules.operator
                                when 'starts_with' then
                                    left(distinct_values.text_value, length(rules.match_text)) = rules.match_text
                                when 'between' then
                                    case
                                        when distinct_values.number_value is not null
                                            then distinct_values.number_value between rules.lower_bound and rules.upper_bound
                                        else distinct_values.text_value between rules.lower_text and rules.upper_text
                                    end
                                when 'gte' then
                                    case
                                        when distinct_values.number_value is not null
                                            then distinct_values.number_value >= rules.lower_bound
                                        else distinct_values.text_value >= rules.lower_text
                                    end
                                when 'lt' then
                                    case
                                        when distinct_values.number_value is not null
                                            then distinct_values.number_value < rules.upper_bound
                                        else distinct_values.text_value < rules.upper_text
                                    end
                            end,
                            false
                        )
                ) as value_hits
                    on subject_fields.field = value_hits.field
                    and subject_fields.text_value is not distinct from value_hits.text_value
                    and subject_fields.number_value is not distinct from value_hits.number_value
            ) as condition_hits
            group by condition_hits.subject_key, condition_hits.territory_id, condition_hits.priority,
                     condition_hits.conditions_in_rule, condition_hits.implied_country_code
            having count(*) = condition_hits.conditions_in_rule
        ) as rule_hits
        left join {{ subject_fields }} as subject_countries
            on rule_hits.subject_key = subject_countries.subject_key
            and subject_countries.field = 'billingcountry'
        where rule_hits.implied_country_code is null
            or rule_hits.implied_country_code = subject_countries.text_value
    ) as ranked
    where rule_rank = 1
{%- endmacro %}

{#-
    Field values of the rule engine for a relation with the normalised company columns; a company
    without a country counts as in the home country.
-#}
{% macro territory_subject_fields(relation, key_column) -%}
    select {{ key_column }} as subject_key, 'billingstate' as field, state_code as text_value, cast(null as double) as number_value from {{ relation }}
    union all
    select {{ key_column }}, 'billingpostalcode', postal_code, cast(null as double) from {{ relation }}
    union all
    select {{ key_column }}, 'billingcountry', coalesce(country_code, {{ home_country_code() }}), cast(null as double) from {{ relation }}
    union all
    select {{ key_column }}, 'industry', {{ rule_text('industry') }}, cast(null as double) from {{ relation }}
    union all
    select {{ key_column }}, 'numberofemployees', cast(null as varchar), employees from {{ relation }}
    union all
    select {{ key_column }}, 'annualrevenue', cast(null as varchar), annual_revenue from {{ relation }}
{%- endmacro %}
