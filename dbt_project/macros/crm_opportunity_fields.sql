{#-
    An opportunity's fields renamed from the Salesforce export, with closed and won read alike in
    the current opportunity (stg_crm__opportunities) and every past version of it
    (stg_crm__opportunity_versions), so a snapshot and today's view cannot disagree on an outcome.
-#}
{% macro crm_opportunity_fields() -%}
    AccountId as account_id,
    Name as opportunity_name,
    StageName as stage_name,
    Amount as amount,
    CloseDate as close_date,
    CreatedDate as created_at,
    coalesce(IsClosed, false) or {{ is_won_opportunity('IsWon', 'StageName') }} as is_closed,
    {{ is_won_opportunity('IsWon', 'StageName') }} as is_won,
    Type as opportunity_type,
    nullif(trim(Product_Family__c), '') as product_family,
    OwnerId as owner_user_id,
    LastModifiedDate as last_modified_at
{%- endmacro %}
