with

source as (

    select * from {{ source('raw', 'crm_opportunities') }}

),

current_opportunities as (

    {{ current_version('source', ['Id'], 'LastModifiedDate') }}

),

renamed as (

    select
        Id as opportunity_id,
        {{ crm_opportunity_fields() }},
        _file_name,
        _delivery_seq,
        _row_number

    from current_opportunities

)

select * from renamed
