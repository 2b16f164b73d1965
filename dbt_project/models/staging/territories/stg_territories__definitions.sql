with

source as (

    select * from {{ source('raw', 'territory_definitions') }}

),

current_definitions as (

    {{ current_version('source', ['Territory_Id']) }}

),

renamed as (

    select
        trim(Territory_Id) as territory_id,
        Name as territory_name,
        nullif(trim(Parent_Territory_Id), '') as parent_territory_id,
        Level as territory_level,
        nullif(trim(Owner_User_Id), '') as owner_user_id,
        nullif(trim(Segment), '') as segment,
        _file_name,
        _delivery_seq,
        _row_number

    from current_definitions

)

select * from renamed
