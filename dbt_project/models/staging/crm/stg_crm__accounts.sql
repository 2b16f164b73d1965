with

source as (

    select * from {{ source('raw', 'crm_accounts') }}

),

current_accounts as (

    {{ current_version('source', ['Id'], 'LastModifiedDate') }}

),

home_country as (

    select * from {{ ref('stg_crm__home_country') }}

),

renamed as (

    select
        Id as account_id,
        Name as account_name,
        Website as website,
        {{ normalize_domain('Website') }} as domain,
        BillingStreet as billing_street,
        BillingCity as billing_city,
        BillingState as billing_state,
        BillingPostalCode as billing_postal_code,
        BillingCountry as billing_country,
        {{ normalize_country('BillingCountry') }} as country_code,
        Industry as industry,
        NumberOfEmployees as number_of_employees,
        AnnualRevenue as annual_revenue,
        OwnerId as owner_user_id,
        Type as account_type,
        {{ is_customer_type('Type') }} as is_customer,
        nullif(trim(ParentId), '') as parent_account_id,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        coalesce(Named_Account__c, false) as is_flagged_named_in_crm,
        coalesce(Exclude_From_Realign__c, false) as is_excluded_from_realign,
        _file_name,
        _delivery_seq,
        _row_number

    from current_accounts

),

{# State and postal code read within the account's country; no country means the home country. -#}
located as (

    select
        renamed.*,
        {{ normalize_state('renamed.billing_state', 'coalesce(renamed.country_code, home_country.home_country_code)') }} as state_code, -- noqa: LT05
        {{ normalize_postal_code('renamed.billing_postal_code', 'coalesce(renamed.country_code, home_country.home_country_code)') }} as postal_code -- noqa: LT05
    from renamed
    cross join home_country

)

select * from located
