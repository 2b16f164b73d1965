{#-
    G2 rows are upserted by (company_domain, category, signal_type, date): the later delivery wins.
    The domain rule runs once per row, before the rows are ranked, rather than inside the ranking.
-#}
with

source as (

    select * from {{ source('raw', 'intent_g2') }}

),

keyed as (

    select
        *,
        {{ normalize_domain('company_domain') }} as domain_key

    from source

),

current_signals as (

    {{ current_version('keyed', ['domain_key', 'lower(trim(category))', 'lower(trim(signal_type))', 'date']) }}

),

renamed as (

    select
        company_domain as company_domain_raw,
        domain_key as domain,
        trim(category) as category,
        lower(trim(signal_type)) as signal_type,
        date as signal_date,
        {{ week_start('date') }} as week_start,
        company_name,
        company_intent_score,
        visitor_count,
        _file_name,
        _delivery_seq,
        _row_number

    from current_signals

)

select * from renamed
