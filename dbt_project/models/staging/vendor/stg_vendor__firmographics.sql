with

source as (

    select * from {{ source('raw', 'vendor_firmographics') }}

),

current_companies as (

    {{ current_version('source', ['Company_Id'], 'LastModifiedDate') }}

),

home_country as (

    select * from {{ ref('stg_crm__home_country') }}

),

renamed as (

    select
        Company_Id as company_id,
        Company_Name as company_name,
        Website as website,
        {{ normalize_domain('Website') }} as domain,
        Street as street,
        City as city,
        State as state,
        Postal_Code as postal_code_raw,
        Country as country,
        {{ normalize_country('Country') }} as country_code,
        NAICS_Code as naics_code_raw,
        {{ normalize_naics_code('NAICS_Code') }} as naics_code,
        {{ naics_sector('NAICS_Code') }} as naics_sector,
        Industry as industry,
        Employee_Count as employee_count,
        Revenue_USD as revenue_usd,
        Founded_Year as founded_year,
        nullif(trim(Parent_Company_Id), '') as parent_company_id,
        nullif(trim(Ultimate_Parent_Id), '') as ultimate_parent_id,
        Is_Public as is_public,
        LastModifiedDate as last_modified_at,
        _file_name,
        _delivery_seq,
        _row_number

    from current_companies

),

{# State and postal code read within the company's country; no country means the home country. -#}
located as (

    select
        renamed.*,
        {{ normalize_state('renamed.state', 'coalesce(renamed.country_code, home_country.home_country_code)') }} as state_code,
        {{ normalize_postal_code('renamed.postal_code_raw', 'coalesce(renamed.country_code, home_country.home_country_code)') }} as postal_code -- noqa: LT05
    from renamed
    cross join home_country

)

select * from located
