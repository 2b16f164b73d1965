{#-
    A table rather than a view: the marketing attribution, contact engagement, the reps' account lists
    and the weekly changes all read the current contacts, and each would rank every contact version
    again; those models are rebuilt every week, while the contacts change only with a CRM delivery.
-#}
{{ config(materialized='table') }}
with

source as (

    select * from {{ source('raw', 'crm_contacts') }}

),

current_contacts as (

    {{ current_version('source', ['Id'], 'LastModifiedDate') }}

),

renamed as (

    select
        Id as contact_id,
        AccountId as account_id,
        FirstName as first_name,
        LastName as last_name,
        nullif(trim(concat_ws(' ', nullif(trim(FirstName), ''), nullif(trim(LastName), ''))), '') as full_name,
        {{ normalize_email('Email') }} as email,
        {{ email_domain('Email') }} as email_domain,
        Title as title,
        Department as department,
        LeadSource as lead_source,
        coalesce(HasOptedOutOfEmail, false) as has_opted_out_of_email,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        _file_name,
        _delivery_seq,
        _row_number

    from current_contacts

)

select * from renamed
