{#-
    Bombora restates whole weeks: for each week only the rows of the newest delivery that
    contains that week count, then one row per domain and topic (the later row of that file).
    The domain rule runs once per row, before the rows are ranked, rather than inside the ranking.
-#}
with

source as (

    select * from {{ source('raw', 'intent_bombora') }}

),

latest_delivery_per_week as (

    select
        week_start,
        max(_delivery_seq) as _delivery_seq
    from source
    group by week_start

),

current_week_rows as (

    select source.*
    from source
    inner join latest_delivery_per_week
        on
            source.week_start = latest_delivery_per_week.week_start
            and source._delivery_seq = latest_delivery_per_week._delivery_seq

),

keyed as (

    select
        *,
        {{ normalize_domain('Domain') }} as domain_key

    from current_week_rows

),

current_signals as (

    {{ current_version('keyed', ['week_start', 'domain_key', 'lower(trim(Topic))']) }}

),

renamed as (

    select
        week_start,
        Domain as domain_raw,
        domain_key as domain,
        trim(Topic) as topic,
        Composite_Score as composite_score,
        Company_Name as company_name,
        Size as company_size,
        Industry as industry,
        nullif(trim(Category), '') as category,
        Metro_Area as metro_area,
        Metro_Composite_Score as metro_composite_score,
        Domain_Origin_Country as domain_origin_country,
        Week as week_date,
        _file_name,
        _delivery_seq,
        _row_number

    from current_signals

)

select * from renamed
