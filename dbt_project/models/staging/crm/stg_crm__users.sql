with

source as (

    select * from {{ source('raw', 'crm_users') }}

),

{# The user export has no modification date: the later delivery, then the later row, wins. -#}
current_users as (

    {{ current_version('source', ['Id']) }}

),

home_country as (

    select * from {{ ref('stg_crm__home_country') }}

),

renamed as (

    select
        Id as user_id,
        Name as user_name,
        {{ normalize_email('Email') }} as email,
        Title as title,
        nullif(trim(ManagerId), '') as manager_user_id,
        coalesce(IsActive, true) as is_active,
        Sales_Role__c as sales_role,
        Segment__c as segment,
        Home_Postal_Code__c as home_postal_code_raw,
        {#- The roster has no country: a rep's home postal code reads as in the home country. -#}
        {{ normalize_postal_code('Home_Postal_Code__c', 'home_country.home_country_code') }} as home_postal_code,
        Hire_Date__c as hire_date,
        Annual_Quota__c as annual_quota,
        Max_Accounts__c as max_accounts,
        Industry_Focus__c as industry_focus,
        _file_name,
        _delivery_seq,
        _row_number

    from current_users
    cross join home_country

)

select * from renamed
