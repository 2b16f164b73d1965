{#- Fails for every row whose column differs from other_column (NULLs compare as values). -#}
{% test equals_column(model, column_name, other_column) %}

select {{ column_name }}, {{ other_column }}
from {{ model }}
where {{ column_name }} is distinct from {{ other_column }}

{% endtest %}
