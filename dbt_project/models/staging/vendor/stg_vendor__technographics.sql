{#- One row per company and installed technology; the later observation wins. -#}
with

source as (

    select * from {{ source('raw', 'vendor_technographics') }}

),

current_installs as (

    {{ current_version('source', ['Company_Id', 'lower(trim(Technology))'], 'Last_Seen') }}

),

renamed as (

    select
        Company_Id as company_id,
        trim(Technology) as technology,
        Category as technology_category,
        {{ normalize_domain('Domain') }} as domain,
        First_Seen as first_seen_date,
        Last_Seen as last_seen_date,
        _file_name,
        _delivery_seq,
        _row_number

    from current_installs

)

select * from renamed
