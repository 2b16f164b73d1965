{#-
    Rules have no key of their own, so a delivery restates whole territories: for each
    Territory_Id the rows of the newest delivery that mentions it are the current rules. Files
    split by region and full restatements of the alignment both work this way.
-#}
with

source as (

    select * from {{ source('raw', 'territory_rules') }}

),

latest_delivery_per_territory as (

    select
        trim(Territory_Id) as territory_id,
        max(_delivery_seq) as _delivery_seq
    from source
    group by trim(Territory_Id)

),

current_rules as (

    select source.*
    from source
    inner join latest_delivery_per_territory
        on
            trim(source.Territory_Id) = latest_delivery_per_territory.territory_id
            and source._delivery_seq = latest_delivery_per_territory._delivery_seq

),

renamed as (

    select
        trim(Territory_Id) as territory_id,
        cast(Priority as double) as priority,
        Field as field,
        Operator as operator,
        Value as value,
        _file_name,
        _delivery_seq,
        _row_number

    from current_rules

)

select * from renamed
