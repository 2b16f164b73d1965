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
        LastModifiedDate as last_modified_at,
        _file_name,
        _delivery_seq,
        _row_number

    from current_opportunities

)

select * from renamed
