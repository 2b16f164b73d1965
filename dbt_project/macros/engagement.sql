{#-
    Weight of one marketing activity: hand-raisers (form fills, webinars) count most, passive
    opens least, and an unsubscribe takes interest away.
-#}
{% macro activity_weight(activity_type_expression) -%}
    cast(case {{ activity_type_expression }}
        when 'form_fill' then 10.0
        when 'webinar_attended' then 8.0
        when 'content_download' then 6.0
        when 'email_click' then 3.0
        when 'web_visit' then 2.0
        when 'email_open' then 1.0
        when 'unsubscribe' then -5.0
        else 1.0
    end as double)
{%- endmacro %}

{#- Exponential decay with var('engagement_half_life_days'): an activity one half-life old counts half. -#}
{% macro decay_factor(days_expression) -%}
    power(0.5, greatest(0, {{ days_expression }}) / {{ var('engagement_half_life_days') }}.0)
{%- endmacro %}

{#-
    Decayed points to a 0-100 score that saturates: 100 * (1 - exp(-points / 10)); ten points
    (one fresh form fill) give 63, twenty give 86. Negative totals give 0.
-#}
{% macro engagement_score(points_expression) -%}
    round(100.0 * (1 - exp(-greatest(0, {{ points_expression }}) / 10.0)), 2)
{%- endmacro %}
