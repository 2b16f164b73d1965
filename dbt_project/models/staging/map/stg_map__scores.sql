{#-
    Each system's newest score per e-mail address, read from the delivered text: a number, or
    Eloqua's lead-scoring rating (profile letter A-D, engagement digit 1-4) in the score or else the
    grade. Ingestion keeps `score` as text because its scale depends on the system.
-#}
{%- set rating_pattern = '^\\s*([A-Da-d][1-4])\\s*$' -%}
with

source as (

    select * from {{ source('raw', 'map_scores') }}

),

current_scores as (

    {{ current_version('source', [normalize_email('email'), 'lower(trim(source_system))'], 'scored_at') }}

),

delivered as (

    select
        *,
        trim(cast(score as varchar)) as score_text,
        nullif(upper(regexp_extract(cast(score as varchar), '{{ rating_pattern }}', 1)), '') as score_rating,
        nullif(upper(regexp_extract(grade, '{{ rating_pattern }}', 1)), '') as grade_rating

    from current_scores

),

renamed as (

    select
        {{ normalize_email('email') }} as email,
        {{ email_domain('email') }} as email_domain,
        lower(trim(source_system)) as source_system,
        case when isfinite(try_cast(score_text as double)) then try_cast(score_text as double) end as score,
        case when lower(trim(source_system)) = 'eloqua' then coalesce(score_rating, grade_rating) end as rating,
        nullif(upper(trim(grade)), '') as grade,
        scored_at,
        _file_name,
        _delivery_seq,
        _row_number

    from delivered

)

select * from renamed
