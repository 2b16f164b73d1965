{#-
    A relation's rows with the company (account key) that entity resolution gave their record:
    `record_source` says which identity records to look in ('crm' or 'vendor'), `record_column`
    which column of the relation holds that record's id. `keep_unknown` keeps rows whose record
    entity resolution does not know, with a null key; by default they are left out.
-#}
{% macro with_account_key(relation, record_source, record_column, keep_unknown=false) %}
with

records as (

    select * from {{ relation }}

),

account_keys as (

    select
        record_id,
        account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = '{{ record_source }}'

)

select
    records.*,
    account_keys.account_key
from records
{{ 'left' if keep_unknown else 'inner' }} join account_keys
    on records.{{ record_column }} = account_keys.record_id
{% endmacro %}
