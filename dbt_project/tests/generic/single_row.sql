{#- Fails unless the model holds exactly one row. -#}
{% test single_row(model) %}

select count(*) as row_count
from {{ model }}
having count(*) <> 1

{% endtest %}
