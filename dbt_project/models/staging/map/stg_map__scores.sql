{#- Each system's newest score per e-mail address. -#}
with

source as (

    select * from {{ source('raw', 'map_scores') }}

),

current_scores as (

    {{ current_version('source', [normalize_email('email'), 'lower(trim(source_system))'], 'scored_at') }}

),

renamed as (

    select
        {{ normalize_email('email') }} as email,
        {{ email_domain('email') }} as email_domain,
        lower(trim(source_system)) as source_system,
        score,
        nullif(upper(trim(grade)), '') as grade,
        scored_at,
        _file_name,
        _delivery_seq,
        _row_number

    from current_scores

)

select * from renamed
