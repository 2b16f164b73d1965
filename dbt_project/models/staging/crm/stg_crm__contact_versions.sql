{#-
    Every delivered version of each contact with the span in which it was the contact's version
    (record_versions): a snapshot at a past date links marketing activity only through contacts
    that existed then (known_from), with the account and e-mail they had then. The newest version
    is stg_crm__contacts.
-#}
with

source as (

    select * from {{ source('raw', 'crm_contacts') }}

),

versions as (

    {{ record_versions('source', ['Id'], 'LastModifiedDate', 'CreatedDate') }}

),

renamed as (

    select
        Id as contact_id,
        version_number,
        AccountId as account_id,
        FirstName as first_name,
        LastName as last_name,
        {{ normalize_email('Email') }} as email,
        {{ email_domain('Email') }} as email_domain,
        Title as title,
        Department as department,
        coalesce(HasOptedOutOfEmail, false) as has_opted_out_of_email,
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
