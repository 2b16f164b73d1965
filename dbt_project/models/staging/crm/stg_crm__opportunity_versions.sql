{#-
    Every delivered version of each opportunity with the span in which it was the opportunity's
    version (record_versions), so a snapshot at a past date reads the stage, close date, amount and
    outcome the CRM showed then rather than today's. The newest version is stg_crm__opportunities.
-#}
with

source as (

    select * from {{ source('raw', 'crm_opportunities') }}

),

versions as (

    {{ record_versions('source', ['Id'], 'LastModifiedDate', 'CreatedDate') }}

),

renamed as (

    select
        Id as opportunity_id,
        version_number,
        {{ crm_opportunity_fields() }},
        known_from,
        valid_from,
        valid_to,
        _file_name,
        _delivery_seq,
        _row_number

    from versions

)

select * from renamed
