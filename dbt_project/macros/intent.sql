{#-
    var('intent_topics') as rows (topic_key, topic_cluster), topic keys lower-cased and trimmed.
    Only called when the mapping is not empty.
-#}
{% macro intent_topic_map_rows() -%}
    select * from (
        values
        {%- for topic, cluster in var('intent_topics').items() %}
            ('{{ topic | lower | trim | replace("'", "''") }}', '{{ cluster | trim | replace("'", "''") }}'){{ "," if not loop.last }}
        {%- endfor %}
    ) as topic_map (topic_key, topic_cluster)
{%- endmacro %}

{#-
    Weight of one G2 signal (one signal type on one day) on the 0-100 intent scale. Buying-stage
    signals (pricing, alternatives, comparison) weigh three times research signals (profile,
    category), reviews in between: three days of pricing views reach 100, as a surging Bombora
    topic does, while a week of profile views stays below the surge threshold.
-#}
{% macro g2_signal_weight(signal_type_expression) -%}
    case {{ signal_type_expression }}
        when 'pricing' then 35
        when 'alternatives' then 30
        when 'comparison' then 30
        when 'reviews' then 15
        when 'category' then 10
        when 'profile' then 8
        else 5
    end
{%- endmacro %}
