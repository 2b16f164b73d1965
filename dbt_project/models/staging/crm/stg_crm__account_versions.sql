{#-
    Every delivered version of each CRM account with the span in which it was the account's version
    (record_versions). known_from says since when the CRM knew the company: a company known only
    to the CRM cannot tie intent or marketing activity to itself before its account was created.
    The newest version is stg_crm__accounts (which also normalises the address).
-#}
with

source as (

    select * from {{ source('raw', 'crm_accounts') }}

),

versions as (

    {{ record_versions('source', ['Id'], 'LastModifiedDate', 'CreatedDate') }}

),

renamed as (

    select
        Id as account_id,
        version_number,
        Name as account_name,
        {{ normalize_domain('Website') }} as domain,
        NumberOfEmployees as number_of_employees,
        AnnualRevenue as annual_revenue,
        OwnerId as owner_user_id,
        Type as account_type,
        {{ is_customer_type('Type') }} as is_customer,
        nullif(trim(ParentId), '') as parent_account_id,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        known_from,
        valid_from,
        valid_to,
        _file_name,
        _delivery_seq,
        _row_number

    from versions

)

select * from renamed
